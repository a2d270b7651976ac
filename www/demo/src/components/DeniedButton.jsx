// A denied action shown disabled, with permeval's reason as its tooltip (on a wrapper too, since some
// browsers show no tooltip on a disabled button).
import { useDenialTooltip } from './useDenialTooltip.js';

export function DeniedButton({ label, check, tooltip }) {
  const explained = useDenialTooltip(tooltip ? null : check);
  const title = tooltip ?? explained;
  return (
    <span className="denied-wrap" title={title}>
      <button type="button" disabled data-action={label} data-denied="true" title={title}>{label}</button>
    </span>
  );
}
