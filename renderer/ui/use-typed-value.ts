import { useCallback, useLayoutEffect, useRef, type ChangeEvent } from 'react';

/** How many typed values may wait for their render; more means the renders stopped coming, so the oldest go. */
const MAX_WAITING = 64;

type TextElement = HTMLInputElement | HTMLTextAreaElement;

/**
 * Props for a text field the browser owns while the engineer types, for values that travel through
 * parent state (the variables draft). A controlled React input writes its `value` prop back into the
 * field after every keystroke; when the render carrying that keystroke is late (measured here: a
 * fast typist on a busy machine, the field restored from props one keystroke behind), the key just
 * typed is erased and the next one lands after it — "TrutServerCertificate". Here the field keeps
 * what was typed; a value from elsewhere (Undo, Use drop default, a revealed secret, the structured
 * connection fields) is written into it, and a typed value coming back late is recognised as ours.
 */
export function useTypedValue<E extends TextElement = HTMLInputElement>(
  value: string,
  onValue: (value: string, eventTimeStamp: number) => void,
): { ref: React.RefObject<E | null>; defaultValue: string; onChange: (event: ChangeEvent<E>) => void } {
  const ref = useRef<E | null>(null);
  const waiting = useRef<string[]>([]);

  useLayoutEffect(() => {
    const field = ref.current;
    if (!field) return;
    const index = waiting.current.indexOf(value);
    if (index >= 0) {
      // A value this field reported (perhaps several keys ago): the field already shows it or what came after.
      waiting.current = waiting.current.slice(index + 1);
      return;
    }
    waiting.current = [];
    if (field.value !== value) field.value = value;
  }, [value]);

  const onChange = useCallback(
    (event: ChangeEvent<E>) => {
      const typed = event.target.value;
      waiting.current.push(typed);
      if (waiting.current.length > MAX_WAITING) waiting.current.shift();
      onValue(typed, event.timeStamp);
    },
    [onValue],
  );

  return { ref, defaultValue: value, onChange };
}
