// A progress bar in design tokens (Atlaskit's progress-bar is not installed). Without `max` it shows
// work of unknown length still running.
export function ProgressBar({
  value = 0,
  max,
  label,
  appearance = 'default',
}: {
  value?: number;
  /** Omitted: indeterminate. */
  max?: number;
  label: string;
  appearance?: 'default' | 'success' | 'warning';
}) {
  const determinate = max !== undefined && max > 0;
  const percent = determinate ? Math.min(100, Math.round((value / max) * 100)) : 0;
  return (
    <div
      className={`ph-si-progress ph-si-progress--${appearance}${determinate ? '' : ' ph-si-progress--running'}`}
      role="progressbar"
      aria-label={label}
      aria-valuemin={determinate ? 0 : undefined}
      aria-valuemax={determinate ? max : undefined}
      aria-valuenow={determinate ? value : undefined}
    >
      <span className="ph-si-progress__bar" style={determinate ? { width: `${percent}%` } : undefined} />
    </div>
  );
}
