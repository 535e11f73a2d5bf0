import { dropError } from '../drop-errors';
import type { DropLimits } from '../limits';

/**
 * The bytes one drop's nested archives may inflate in total. Per-entry limits alone do not bound the
 * work: a package can hold many modest entries that each pass every check. One budget is shared by
 * every nested archive of a drop, so the time spent inspecting packages grows with the budget, not
 * with whatever the drop declares.
 */
export class NestedBudget {
  private used = 0;

  constructor(readonly limit: number) {}

  static for(limits: DropLimits): NestedBudget {
    return new NestedBudget(limits.maxNestedReadTotal);
  }

  /** Reserves `bytes` before they are inflated; DROP_TOO_LARGE naming the entry when the budget is spent. */
  charge(bytes: number, label: string, entry: string): void {
    this.used += bytes;
    if (this.used > this.limit) {
      throw dropError(
        'DROP_TOO_LARGE',
        `Inspecting the packages of this drop would inflate more than ${this.limit} bytes (reached at "${entry}" in "${label}").`,
        { package: label, entry, limit: this.limit },
      );
    }
  }
}
