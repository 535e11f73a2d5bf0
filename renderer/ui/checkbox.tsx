import type { InputHTMLAttributes, ReactNode } from 'react';

type ToggleProps = Omit<InputHTMLAttributes<HTMLInputElement>, 'type'> & { label: ReactNode };

/** A labelled checkbox; the whole label is the click target. */
export function Checkbox({ label, className, ...rest }: ToggleProps) {
  return (
    <label className={['checkbox', className].filter(Boolean).join(' ')}>
      <input type="checkbox" {...rest} />
      <span>{label}</span>
    </label>
  );
}

/** An on/off switch (a checkbox with role="switch", so it is announced as on/off). */
export function Switch({ label, className, ...rest }: ToggleProps) {
  return (
    <label className={['switch', className].filter(Boolean).join(' ')}>
      <input type="checkbox" role="switch" {...rest} />
      <span>{label}</span>
    </label>
  );
}
