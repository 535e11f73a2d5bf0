/**
 * Problems as the terminal shows them: one entry per root cause (common/problem-groups), the
 * defaults and steps that wait for it listed under it, and a fix that names what can be typed here
 * (--var, --var-file, `tenant set`) rather than a screen of the app.
 */
import type { ErrorShape } from '../../common/errors';
import { groupProblems, type ProblemGroup } from '../../common/problem-groups';
import type { CliContext } from './cli-types';

/** The terminal's ways to give a variable a value. */
export function cliFixFor(variable: string, tenantId: string): string {
  return `pass --var ${variable}=VALUE (or put ${variable}=VALUE in a --var-file) for this run, or remember it with \`drop-runner tenant set ${tenantId} ${variable}=VALUE\` (add --secret for a secret)`;
}

/** The text of one group, lines indented by two. */
export function formatProblemGroup(g: ProblemGroup, tenantId: string): string {
  const lines = [`  ${g.root.code}: ${g.root.message}`];
  if (g.dependentVariables.length > 0) lines.push(`    needed by the value of: ${g.dependentVariables.join(', ')}`);
  if (g.dependentSteps.length > 0) lines.push(`    needed by step${g.dependentSteps.length === 1 ? '' : 's'}: ${g.dependentSteps.join(', ')}`);
  lines.push(g.variable ? `    fix: ${cliFixFor(g.variable, tenantId)}` : `    hint: ${g.root.hint}`);
  return `${lines.join('\n')}\n`;
}

/** Prints the problems grouped by cause; returns the number of causes. */
export function printProblems(ctx: Pick<CliContext, 'stdout'>, problems: readonly ErrorShape[], tenantId: string): number {
  const groups = groupProblems(problems);
  ctx.stdout(`\nProblems: ${groups.length} to fix${problems.length > groups.length ? ` (${problems.length} reports, grouped by cause)` : ''}\n`);
  for (const g of groups) ctx.stdout(formatProblemGroup(g, tenantId));
  return groups.length;
}
