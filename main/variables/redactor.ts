/**
 * The one place that knows every secret value and masks it in any text before the text reaches a log
 * line, an event, an error, a report or a file.
 *
 * Besides the raw value it masks the forms a secret takes on its way through the product: base64
 * (UTF-8 and UTF-16LE, as PowerShell -EncodedCommand and Octostache ToBase64 produce), URI-encoded
 * (both encodeURIComponent and encodeURI style), JSON-escaped and XML-escaped. Longer secrets are
 * replaced first so a secret that contains another one is masked whole.
 *
 * Short secrets (fewer than 4 characters) are masked only where they stand alone, i.e. not touching a
 * letter or digit. Masking "sa" or "1" inside every word would make logs unreadable and the pattern of
 * masks would itself reveal the value; a standalone occurrence (`Password=ab1;`) is still masked.
 */

export const MASK = '********';
export const SHORT_SECRET_LENGTH = 4;

export class Redactor {
  private readonly secrets = new Set<string>();
  private pattern: RegExp | null = null;
  private dirty = false;

  constructor(secrets: Iterable<string | null | undefined> = []) {
    this.addAll(secrets);
  }

  /** Registers a secret value (empty values are ignored). */
  add(secret: string | null | undefined): void {
    if (!secret || this.secrets.has(secret)) return;
    this.secrets.add(secret);
    this.dirty = true;
  }

  /** Registers many secret values. */
  addAll(secrets: Iterable<string | null | undefined>): void {
    for (const s of secrets) this.add(s);
  }

  /** Number of registered secrets. */
  get size(): number {
    return this.secrets.size;
  }

  /** Returns the text with every known secret (in any of its encoded forms) replaced by the mask. */
  redact(text: string): string {
    const re = this.compiled();
    if (!re || !text) return text;
    return text.replace(re, MASK);
  }

  /** True when the text still contains a known secret in any masked form (tests and guards use it). */
  leaks(text: string): boolean {
    const re = this.compiled();
    if (!re) return false;
    re.lastIndex = 0;
    const hit = re.test(text);
    re.lastIndex = 0;
    return hit;
  }

  /** Deep-copies a JSON-like value with every string redacted (for events, error details, reports). */
  redactValue<T>(value: T): T {
    if (typeof value === 'string') return this.redact(value) as T;
    if (Array.isArray(value)) return value.map((v) => this.redactValue(v)) as T;
    if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) out[this.redact(k)] = this.redactValue(v);
      return out as T;
    }
    return value;
  }

  private compiled(): RegExp | null {
    if (!this.dirty) return this.pattern;
    this.dirty = false;
    const forms = new Map<string, boolean>();
    for (const secret of this.secrets) {
      for (const form of encodedForms(secret)) {
        if (!form) continue;
        const short = form.length < SHORT_SECRET_LENGTH;
        // If a form is both short and long (cannot happen for one string) the stricter rule wins.
        forms.set(form, (forms.get(form) ?? false) || short);
      }
    }
    if (forms.size === 0) {
      this.pattern = null;
      return null;
    }
    const alternatives = [...forms.entries()]
      .sort((a, b) => b[0].length - a[0].length)
      .map(([form, short]) => (short ? `(?<![\\p{L}\\p{N}_])${escapeRegExp(form)}(?![\\p{L}\\p{N}_])` : escapeRegExp(form)));
    this.pattern = new RegExp(alternatives.join('|'), 'gu');
    return this.pattern;
  }
}

function encodedForms(secret: string): string[] {
  const forms = [secret];
  if (secret.length >= SHORT_SECRET_LENGTH) {
    forms.push(Buffer.from(secret, 'utf8').toString('base64'));
    forms.push(Buffer.from(secret, 'utf16le').toString('base64'));
    forms.push(Buffer.from(secret, 'utf8').toString('base64').replace(/=+$/, ''));
    forms.push(encodeURIComponent(secret));
    forms.push(encodeURI(secret));
    forms.push(JSON.stringify(secret).slice(1, -1));
    forms.push(secret.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;'));
  }
  return [...new Set(forms)];
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
