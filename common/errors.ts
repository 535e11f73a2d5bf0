/**
 * Errors are values with a stable code, a human message and a hint that says what to do next.
 * The UI and the CLI show the same three parts, so an engineer on the phone with support can read
 * out the code and both sides know exactly which failure it is.
 */
export interface ErrorShape {
  code: string;
  message: string;
  hint: string;
  /** Extra machine-readable facts (entry name, JSON path, line number). Never a secret. */
  details?: Record<string, unknown>;
}

/** An expected failure with a stable code; anything else reaching a host is reported as INTERNAL. */
export class AppError extends Error implements ErrorShape {
  readonly code: string;
  readonly hint: string;
  readonly details?: Record<string, unknown>;

  constructor(code: string, message: string, hint: string, details?: Record<string, unknown>) {
    super(message);
    this.name = 'AppError';
    this.code = code;
    this.hint = hint;
    if (details !== undefined) this.details = details;
  }

  toShape(): ErrorShape {
    return { code: this.code, message: this.message, hint: this.hint, ...(this.details ? { details: this.details } : {}) };
  }
}

/** True for our own coded errors, including ones that crossed a process or HTTP boundary as plain objects. */
export function isAppError(value: unknown): value is AppError {
  return value instanceof AppError;
}

/** Turns anything thrown into the shape the UI and CLI display; unknown errors keep their message under INTERNAL. */
export function toErrorShape(value: unknown): ErrorShape {
  if (value instanceof AppError) return value.toShape();
  if (value && typeof value === 'object' && 'code' in value && 'message' in value && 'hint' in value) {
    const v = value as ErrorShape;
    if (typeof v.code === 'string' && typeof v.message === 'string' && typeof v.hint === 'string') return v;
  }
  const message = value instanceof Error ? value.message : String(value);
  return {
    code: 'INTERNAL',
    message: `Unexpected error: ${message}`,
    hint: 'This is a bug in Drop Runner. Export the diagnostics from the Home screen and send them to the vendor.',
  };
}
