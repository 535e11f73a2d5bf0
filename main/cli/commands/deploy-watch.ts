/**
 * Runs a deployment from the terminal to its end: prints its events, turns Ctrl+C into a graceful
 * cancel (a second Ctrl+C into an immediate one), writes the report when asked, and maps the
 * outcome to the exit code scripts branch on.
 */
import { resolve } from 'node:path';
import type { DeploymentSummary } from '../../../common/contract';
import { AppError } from '../../../common/errors';
import type { JournalEvent } from '../../../common/journal-events';
import { cleanupSteps, foldJournal, notApplied, OUTCOME_WORDS, runOutcome } from '../../../common/journal-fold';
import { appPackage } from '../../platform/app-version';
import { exportReport } from '../../report/export-report';
import { EXIT, type CliContext } from '../cli-types';
import type { DeployEngine } from './deploy-engine';
import { printFailure } from '../failure';
import { operatorSignalCounter } from '../operator-signals';
import { deploymentPrinter } from './deploy-progress';

/** The exit code of a finished deployment: 0 only for a success, 4 for a release not fully applied. */
export function exitCodeOf(state: DeploymentSummary['state']): number {
  if (state === 'succeeded') return EXIT.ok;
  if (state === 'completed-with-skips') return EXIT.completedWithSkips;
  if (state === 'cancelled') return EXIT.cancelled;
  return EXIT.failed;
}

/** The closing summary: the outcome in words, what was not applied and why, and the clean-up that ran. */
export function printOutcomeSummary(ctx: Pick<CliContext, 'stdout'>, events: readonly JournalEvent[]): void {
  const state = foldJournal(events);
  const outcome = runOutcome(state);
  ctx.stdout(`\nOutcome: ${outcome} — ${OUTCOME_WORDS[outcome]}\n`);
  const left = notApplied(state);
  if (left.length > 0) {
    ctx.stdout('Not applied:\n');
    for (const n of left) ctx.stdout(`  - ${n.name} (${n.id}): ${n.why}${n.reason ? ` — reason: ${n.reason}${n.by ? ` (${n.by})` : ''}` : ''}\n`);
  }
  const cleanup = cleanupSteps(state);
  if (cleanup.length > 0) {
    ctx.stdout('Clean-up steps that ran after the deployment stopped:\n');
    for (const s of cleanup) ctx.stdout(`  - ${s.name} (${s.id}): ${s.status}\n`);
  }
}

/** Starts (through `begin`) and follows one deployment; resolves with the exit code. */
export async function watchDeployment(ctx: CliContext, engine: DeployEngine, begin: () => Promise<{ deploymentId: string }>): Promise<number> {
  const print = deploymentPrinter(ctx, Boolean((process.stderr as { isTTY?: boolean }).isTTY));
  const off = engine.manager.onEvent((name, payload) => {
    if (name === 'journal' && 'event' in payload) print(payload.event as JournalEvent);
  });
  let deploymentId: string | undefined;
  let interrupts = 0;
  const nextSignal = operatorSignalCounter();
  const onSigint = () => {
    const n = nextSignal();
    if (n === 0) return;
    interrupts = n;
    if (!deploymentId) return;
    try {
      engine.manager.cancel(deploymentId, interrupts === 1 ? 'graceful' : 'immediate');
      if (interrupts === 1) ctx.stderr('\nStopping after the current batch. Press Ctrl+C again to stop immediately.\n');
    } catch {
      // Already finished.
    }
  };
  process.on('SIGINT', onSigint);
  try {
    try {
      ({ deploymentId } = await begin());
    } catch (error) {
      // Refusals before the run starts (locked, preflight blocked, keychain) are coded; anything else is a bug.
      if (error instanceof AppError) return printFailure(ctx, error);
      throw error;
    }
    if (interrupts > 0) engine.manager.cancel(deploymentId, interrupts === 1 ? 'graceful' : 'immediate');
    const summary = await engine.manager.wait(deploymentId);
    const stopped = engine.manager.stoppedBy(deploymentId);
    // Why the run stopped (a full disk, a lost journal); the exit code still comes from the outcome below.
    if (stopped) printFailure(ctx, stopped);
    printOutcomeSummary(ctx, engine.manager.journal(deploymentId).events);
    const reportDir = ctx.flags.get('report');
    if (reportDir) {
      const { events } = engine.manager.journal(deploymentId);
      const result = await exportReport(events, resolve(reportDir), { formats: ['html', 'json'], appVersion: appPackage().version });
      ctx.stdout(`Report: ${resolve(reportDir)}\n`);
      for (const f of result.files) ctx.stdout(`  ${f.format.padEnd(4)} ${f.path}\n`);
    }
    if (summary.state !== 'succeeded') ctx.stdout(`Journal: drop-runner report ${deploymentId}${summary.state === 'failed' || summary.state === 'aborted' ? ` · resume is not possible for a finished deployment; fix the cause and deploy again` : ''}\n`);
    return exitCodeOf(summary.state);
  } finally {
    process.off('SIGINT', onSigint);
    off();
  }
}
