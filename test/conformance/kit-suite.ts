/**
 * How a conformance suite names itself: the target it runs on, or why it is skipped. Vitest prints
 * the title with every test, so a skipped kit run says why on every line.
 */
export function suiteTitle(area: string, choice: { kind: 'double' | 'real'; skip?: string }): string {
  if (choice.skip) return `${area} [real target] — skipped: ${choice.skip}`;
  return `${area} [${choice.kind === 'real' ? 'real target' : 'TDS double'}]`;
}
