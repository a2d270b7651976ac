// Load another snapshot document from a file or a URL, or go back to the embedded example.
import { useState } from 'react';

import { EMBEDDED } from '../acme.js';

export function SnapshotLoader({ source, onText, onError }) {
  const [url, setUrl] = useState('');

  const fromFile = async (event) => {
    const file = event.target.files?.[0];
    event.target.value = '';
    if (file) onText(await file.text(), file.name);
  };

  const fromUrl = async (event) => {
    event.preventDefault();
    if (!url) return;
    try {
      const response = await fetch(url);
      if (!response.ok) throw new Error(`HTTP ${response.status} ${response.statusText}`);
      onText(await response.text(), url);
    } catch (error) {
      onError(error, url);
    }
  };

  return (
    <div className="loader">
      <span className="muted" data-testid="active-source">snapshot: {source}</span>
      <label className="button-like">
        Load file…
        <input type="file" accept=".json,application/json" data-testid="load-file" onChange={fromFile} hidden />
      </label>
      <form onSubmit={fromUrl}>
        <input type="url" placeholder="https://…/snapshot.json" value={url} onChange={(e) => setUrl(e.target.value)} data-testid="load-url" />
        <button type="submit">Load URL</button>
      </form>
      <button type="button" onClick={() => onText(EMBEDDED.text, EMBEDDED.source)}>Reset to acme</button>
    </div>
  );
}
