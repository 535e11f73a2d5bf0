import { describe, expect, it } from 'vitest';
import { terminalLine, terminalLines } from '../../../main/cli/terminal-text';

describe('terminal text', () => {
  it('removes escape sequences (CSI, OSC, 8-bit CSI, two-byte ESC) from drop-supplied text', () => {
    expect(terminalLine('a\u001b[1A\u001b[2Kb')).toBe('ab');
    expect(terminalLine('x\u001b]0;title\u0007y\u001b]8;;http://evil\u001b\\z')).toBe('xyz');
    expect(terminalLine('p\u009b31mq\u001bcr')).toBe('pqr');
  });

  it('makes other control characters and bidi overrides visible as U+FFFD', () => {
    expect(terminalLine('one\rtwo\nthree\u0008\u202e')).toBe('one\ufffdtwo\ufffdthree\ufffd\ufffd');
  });

  it('keeps line feeds in multi-line text but not carriage returns', () => {
    expect(terminalLines('line 1\r\nline 2\rSignature    verified\n')).toBe('line 1\nline 2\ufffdSignature    verified\n');
  });
});
