import type { InputHTMLAttributes, TextareaHTMLAttributes } from 'react';
import { Icon } from './icons';

/** A single-line text input in the kit's style. */
export function TextInput({ className, mono, ...rest }: InputHTMLAttributes<HTMLInputElement> & { mono?: boolean }) {
  return <input className={['input', mono && 'input--mono', className].filter(Boolean).join(' ')} {...rest} />;
}

/** A multi-line input (monospace: values here are scripts, paths and connection strings). */
export function TextArea({ className, ...rest }: TextareaHTMLAttributes<HTMLTextAreaElement>) {
  return <textarea className={['textarea', className].filter(Boolean).join(' ')} {...rest} />;
}

/** A search box with a leading magnifier; needs an aria-label (or a Field label) like any input. */
export function SearchInput({ className, ...rest }: InputHTMLAttributes<HTMLInputElement>) {
  return (
    <div className={['input-search', className].filter(Boolean).join(' ')}>
      <Icon name="search" />
      <input type="search" className="input" {...rest} />
    </div>
  );
}
