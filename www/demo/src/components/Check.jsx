// A read-only checkbox.
export function Check({ on }) {
  return <span className={`check${on ? ' on' : ''}`} role="checkbox" aria-checked={on} aria-readonly="true">{on ? '✓' : ''}</span>;
}
