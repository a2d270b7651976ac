// The rows permeval skipped (or kept with a caveat) while loading the active snapshot.
export function WarningList({ warnings, source }) {
  if (warnings.length === 0) {
    return <p className="warnings none" data-testid="warnings">{source}: loaded with no warnings.</p>;
  }
  return (
    <details className="warnings" data-testid="warnings" open>
      <summary>{source}: {warnings.length} warning{warnings.length === 1 ? '' : 's'} (those rows grant nothing)</summary>
      <ul>
        {warnings.map((w, i) => (
          <li key={i}><code>{w.code}</code> at <code>{w.path}</code>: {w.message}</li>
        ))}
      </ul>
    </details>
  );
}
