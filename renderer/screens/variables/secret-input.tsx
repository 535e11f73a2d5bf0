import { useEffect, useRef, useState } from 'react';
import type { ErrorShape } from '../../../common/errors';
import { IconButton } from '../../ui/button';
import { TypedInput } from '../../ui/typed-input';

/** How long a revealed secret stays visible before it is hidden (and dropped from memory) again. */
const REVEAL_MS = 30_000;

export interface SecretInputProps {
  id: string;
  describedBy?: string;
  invalid?: boolean;
  /** The unsaved value typed now, if any (the only secret the UI holds, until saved). */
  draftValue: string | undefined;
  hasStoredValue: boolean;
  /** Where the value that is not shown lives, said in the placeholder ("stored in the keychain", "the drop's default"). */
  storedWhere?: string;
  multiline?: boolean;
  onChange: (value: string, eventTimeStamp: number) => void;
  /** Fetches the stored value from the keychain (variables.reveal). */
  reveal: () => Promise<{ ok: true; value: string } | { ok: false; error: ErrorShape }>;
  onRevealError: (error: ErrorShape | null) => void;
  label: string;
}

/**
 * A masked input. Stored secrets never come to the UI unless the engineer asks to see one; a revealed value
 * lives only in this component's state while shown, and is cleared on hide, after 30 s, or on unmount.
 */
export function SecretInput({ id, describedBy, invalid, draftValue, hasStoredValue, storedWhere = 'stored in the keychain', onChange, reveal, onRevealError, label }: SecretInputProps) {
  const [revealed, setRevealed] = useState<string | null>(null);
  const [showDraft, setShowDraft] = useState(false);
  const [busy, setBusy] = useState(false);
  const timer = useRef<number | undefined>(undefined);

  const hide = () => {
    window.clearTimeout(timer.current);
    setRevealed(null);
    setShowDraft(false);
  };
  useEffect(() => () => window.clearTimeout(timer.current), []);

  const visible = revealed !== null || (showDraft && draftValue !== undefined);
  const value = draftValue ?? revealed ?? '';

  const toggle = async () => {
    if (visible) return hide();
    if (draftValue !== undefined || !hasStoredValue) {
      setShowDraft(true);
    } else {
      setBusy(true);
      const result = await reveal();
      setBusy(false);
      if (!result.ok) {
        onRevealError(result.error);
        return;
      }
      onRevealError(null);
      setRevealed(result.value);
    }
    window.clearTimeout(timer.current);
    timer.current = window.setTimeout(hide, REVEAL_MS);
  };

  return (
    <div className="input-group">
      <TypedInput
        id={id}
        className="input input--mono"
        type={visible ? 'text' : 'password'}
        autoComplete="off"
        spellCheck={false}
        aria-describedby={describedBy}
        aria-invalid={invalid || undefined}
        value={value}
        placeholder={hasStoredValue ? `•••••••• ${storedWhere} — type to replace` : 'Not set'}
        onValue={(typed, timeStamp) => {
          // Typing over a revealed value turns it into an entered value; the revealed copy is dropped.
          if (revealed !== null) setRevealed(null);
          onChange(typed, timeStamp);
        }}
      />
      <IconButton
        appearance="secondary"
        icon={visible ? 'eye-off' : 'eye'}
        label={visible ? `Hide ${label}` : `Show ${label}`}
        aria-pressed={visible}
        disabled={busy || (!hasStoredValue && draftValue === undefined)}
        onClick={() => void toggle()}
      />
    </div>
  );
}
