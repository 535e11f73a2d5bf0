/**
 * Text from a drop (names, labels, release notes, entry names in error messages) printed to a
 * terminal must not drive the terminal: an escape sequence or a carriage return in a release note
 * could move the cursor and overwrite the "Signature" line above it. Escape sequences are removed;
 * other control characters and bidirectional overrides become U+FFFD, so their presence stays visible.
 */

// CSI (ESC [ … final), OSC (ESC ] … BEL or ESC \), DCS/SOS/PM/APC strings, and two-byte ESC sequences; also the 8-bit CSI/OSC forms.
// eslint-disable-next-line no-control-regex
const ESCAPES = /\u001b\[[0-?]*[ -/]*[@-~]|\u009b[0-?]*[ -/]*[@-~]|(?:\u001b[\]PX^_]|[\u0090\u0098\u009d\u009e\u009f])[^\u0007\u001b\u009c]*(?:\u0007|\u001b\\|\u009c)?|\u001b[ -/]*[0-~]?/g;
// eslint-disable-next-line no-control-regex
const CONTROLS_EXCEPT_NEWLINE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
// eslint-disable-next-line no-control-regex
const CONTROLS = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** One line of drop-supplied text: no escape sequences, no control characters (newlines included). */
export function terminalLine(text: string): string {
  return text.replace(ESCAPES, '').replace(CONTROLS, '\ufffd');
}

/** Several lines of drop-supplied text: as terminalLine, but line feeds are kept (a CR is not). */
export function terminalLines(text: string): string {
  return text.replace(ESCAPES, '').replace(/\r\n/g, '\n').replace(CONTROLS_EXCEPT_NEWLINE, '\ufffd');
}

/** A writer that passes everything through terminalLines: for views whose every line quotes the drop or its journal. */
export function terminalWriter(write: (text: string) => void): (text: string) => void {
  return (text) => write(terminalLines(text));
}
