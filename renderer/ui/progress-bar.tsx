/** A thin progress bar; without `value` it is indeterminate. Exposed as role="progressbar". */
export function ProgressBar({ value, label, intent }: { value?: number; label: string; intent?: 'success' | 'error' | 'warning' }) {
  const clamped = value === undefined ? undefined : Math.max(0, Math.min(100, value));
  const classes = ['progress', intent && `progress--${intent}`, clamped === undefined && 'progress--indeterminate'].filter(Boolean).join(' ');
  return (
    <div className={classes} role="progressbar" aria-label={label} aria-valuemin={0} aria-valuemax={100} aria-valuenow={clamped === undefined ? undefined : Math.round(clamped)}>
      <div className="progress__bar" style={{ width: `${clamped ?? 0}%` }} />
    </div>
  );
}
