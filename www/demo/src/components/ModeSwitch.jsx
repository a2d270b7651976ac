// Hide what the principal may not use, or show it disabled with the reason as its tooltip.
export function ModeSwitch({ mode, onChange }) {
  return (
    <label className="switch" title="Show denied actions disabled, with the reason as tooltip">
      <input
        type="checkbox"
        data-testid="show-disabled"
        checked={mode === 'disable'}
        onChange={(e) => onChange(e.target.checked ? 'disable' : 'hide')}
      />
      show denied actions disabled
    </label>
  );
}
