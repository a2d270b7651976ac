// The last failed load: permeval's error code, path and position; the previous snapshot stays active.
export function LoadError({ error, activeSource }) {
  if (!error) return null;
  const where = [
    error.path ? `at ${error.path}` : null,
    error.line != null ? `line ${error.line}, column ${error.column}` : null,
  ].filter(Boolean).join(', ');
  return (
    <div className="load-error" role="alert" data-testid="load-error">
      <strong>Could not load {error.source}:</strong> {error.code ? <code>{error.code}</code> : error.name}
      {where && ` (${where})`} — {error.message}
      <div className="muted">Still using the previous snapshot: {activeSource}.</div>
    </div>
  );
}
