import type { ButtonHTMLAttributes, ReactNode } from 'react';
import { Icon, type IconName } from './icons';

export interface ButtonProps extends ButtonHTMLAttributes<HTMLButtonElement> {
  appearance?: 'primary' | 'secondary' | 'subtle' | 'danger';
  size?: 'medium' | 'small';
  icon?: IconName;
  iconAfter?: IconName;
  children?: ReactNode;
}

/** A Fluent-style button; type defaults to "button" so it never submits a form by accident. */
export function Button({ appearance = 'secondary', size = 'medium', icon, iconAfter, className, children, type = 'button', ...rest }: ButtonProps) {
  const classes = ['btn', appearance !== 'secondary' && `btn--${appearance}`, size === 'small' && 'btn--small', className].filter(Boolean).join(' ');
  return (
    <button type={type} className={classes} {...rest}>
      {icon && <Icon name={icon} />}
      {children}
      {iconAfter && <Icon name={iconAfter} />}
    </button>
  );
}

export interface IconButtonProps extends Omit<ButtonHTMLAttributes<HTMLButtonElement>, 'children'> {
  icon: IconName;
  /** Required: an icon-only button is announced by this label and shows it as a tooltip. */
  label: string;
  appearance?: 'secondary' | 'subtle';
  size?: 'medium' | 'small';
}

/** An icon-only button with an accessible name and tooltip. */
export function IconButton({ icon, label, appearance = 'subtle', size = 'medium', className, type = 'button', ...rest }: IconButtonProps) {
  const classes = ['btn', 'btn--icon', appearance === 'subtle' && 'btn--subtle', size === 'small' && 'btn--small', className].filter(Boolean).join(' ');
  return (
    <button type={type} className={classes} aria-label={label} title={label} {...rest}>
      <Icon name={icon} />
    </button>
  );
}
