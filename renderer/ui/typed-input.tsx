import type { InputHTMLAttributes, TextareaHTMLAttributes } from 'react';
import { useTypedValue } from './use-typed-value';

type Owned = 'value' | 'defaultValue' | 'onChange';
interface TypedProps {
  /** The value as the form state holds it. */
  value: string;
  /** Every edit, with the event's timestamp (for the input-latency probe). */
  onValue: (value: string, eventTimeStamp: number) => void;
}

/** A text input whose keystrokes are never rolled back by a late render (see useTypedValue). */
export function TypedInput({ value, onValue, ...rest }: Omit<InputHTMLAttributes<HTMLInputElement>, Owned> & TypedProps) {
  const typed = useTypedValue<HTMLInputElement>(value, onValue);
  return <input {...rest} {...typed} />;
}

/** The multi-line form of TypedInput. */
export function TypedTextArea({ value, onValue, ...rest }: Omit<TextareaHTMLAttributes<HTMLTextAreaElement>, Owned> & TypedProps) {
  const typed = useTypedValue<HTMLTextAreaElement>(value, onValue);
  return <textarea {...rest} {...typed} />;
}
