/**
 * Limits on one evaluation. Variable values and settings come from a drop, so a hostile or broken drop
 * can ask for exponential text (a value that doubles itself 24 times), deep nesting or a huge format
 * precision. Each limit is checked where the work happens and a breach is a coded AppError that names
 * the variable being evaluated (never INTERNAL, never an out-of-memory crash).
 */
import { AppError } from '../../common/errors';

export interface EvaluationLimits {
  /** Largest text one value (a variable, a filter result, the template) may evaluate to, in characters. */
  maxValueChars: number;
  /** Total characters produced by one evaluation call, across every nested value. */
  maxTotalChars: number;
  /** Deepest chain of variables expanding variables (and nested blocks). */
  maxDepth: number;
  /** Work units: one per token evaluated, lookup and filter call, plus one per 32 characters scanned or filtered. */
  maxWork: number;
}

export const DEFAULT_EVALUATION_LIMITS: Readonly<EvaluationLimits> = Object.freeze({
  maxValueChars: 4 * 1024 * 1024,
  maxTotalChars: 32 * 1024 * 1024,
  maxDepth: 64,
  maxWork: 5_000_000,
});

/** Counts the work and output of one evaluation call against its limits. */
export class EvaluationBudget {
  readonly limits: EvaluationLimits;
  private work = 0;
  private total = 0;
  /** The variables being expanded, outermost first (for the message). */
  readonly chain: string[] = [];

  constructor(
    limits: Partial<EvaluationLimits> | undefined,
    /** What the caller evaluates, e.g. `the template` or `setting connection of step s1`. */
    private readonly subject: string,
  ) {
    this.limits = { ...DEFAULT_EVALUATION_LIMITS, ...(limits ?? {}) };
  }

  /** Where the breach happened: the innermost variable, else the caller's subject. */
  where(): string {
    const inner = this.chain.at(-1);
    return inner !== undefined ? `variable "${inner}"` : this.subject;
  }

  private details(limit: string, value: number): Record<string, unknown> {
    const inner = this.chain.at(-1);
    return { ...(inner !== undefined ? { variable: inner } : {}), subject: this.subject, ...(this.chain.length > 1 ? { chain: [...this.chain] } : {}), limit, value };
  }

  /** Adds work units; throws TEMPLATE_WORK_LIMIT when the evaluation has done too much. */
  charge(units: number): void {
    this.work += units;
    if (this.work > this.limits.maxWork) {
      throw new AppError(
        'TEMPLATE_WORK_LIMIT',
        `Evaluating ${this.where()} needs more than ${this.limits.maxWork.toLocaleString('en-US')} work units (a template that repeats or nests itself without end, or a very large text to scan).`,
        'The drop asks for more template work than any real release needs; ask the vendor for a corrected drop.',
        this.details('maxWork', this.work),
      );
    }
  }

  /** Charges scanning `chars` characters. */
  chargeChars(chars: number): void {
    this.charge(1 + (chars >>> 5));
  }

  /** Checks one produced value's size (and counts it towards the total). */
  produced(length: number): void {
    if (length > this.limits.maxValueChars) throw this.tooLarge(length);
    this.total += length;
    if (this.total > this.limits.maxTotalChars) {
      throw new AppError(
        'TEMPLATE_OUTPUT_TOO_LARGE',
        `Evaluating ${this.where()} produces more than ${formatChars(this.limits.maxTotalChars)} of text in total.`,
        'Values that repeat other values many times over are refused; ask the vendor for a corrected drop.',
        this.details('maxTotalChars', this.total),
      );
    }
  }

  /** Throws before a value of `length` characters is built (a format precision, a replacement). */
  ensureFits(length: number): void {
    if (length > this.limits.maxValueChars) throw this.tooLarge(length);
  }

  tooLarge(length: number): AppError {
    return new AppError(
      'TEMPLATE_VALUE_TOO_LARGE',
      `Evaluating ${this.where()} produces a value longer than ${formatChars(this.limits.maxValueChars)}${Number.isFinite(length) ? ` (${formatChars(length)})` : ''}.`,
      'A value this large is not a real setting (a value that doubles itself, a huge format precision or padding); ask the vendor for a corrected drop.',
      this.details('maxValueChars', length),
    );
  }

  /** Enters a nested level (a variable expansion); throws TEMPLATE_TOO_DEEP past the limit. */
  enter(variable: string): void {
    if (this.chain.length >= this.limits.maxDepth) throw this.tooDeep(variable);
    this.chain.push(variable);
  }

  tooDeep(at?: string): AppError {
    return new AppError(
      'TEMPLATE_TOO_DEEP',
      `Evaluating ${this.where()} nests more than ${at !== undefined ? `${this.limits.maxDepth} levels of #{…} references (at "${at}")` : 'the engine can follow (thousands of nested blocks or brackets)'}.`,
      'Simplify the chain of variables that refer to each other; ask the vendor for a corrected drop.',
      this.details('maxDepth', this.chain.length + 1),
    );
  }

  leave(): void {
    this.chain.pop();
  }
}

function formatChars(n: number): string {
  if (n >= 1024 * 1024) return `${Math.round((n / (1024 * 1024)) * 10) / 10} Mi characters`;
  if (n >= 1024) return `${Math.round((n / 1024) * 10) / 10} Ki characters`;
  return `${n} characters`;
}
