/**
 * The terminal view of a running deployment: a line per step start and end, the log as it comes,
 * a progress bar on a terminal (a percentage line now and then when piped), and the decisions.
 * Everything printed comes from journal events, which are already redacted.
 */
import { terminalLine, terminalWriter } from '../terminal-text';
import type { JournalEvent } from '../../../common/journal-events';
import type { CliContext } from '../cli-types';
import { cliFixFor } from '../problem-list';

const BAR = 24;

function seconds(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`;
}

/** Returns the event printer for one deployment. */
export function deploymentPrinter(ctx: Pick<CliContext, 'stdout' | 'stderr'>, isTty: boolean): (event: JournalEvent) => void {
  // Step names, script names and log lines come from the drop and the server: no escape sequence reaches the terminal.
  ctx = { ...ctx, stdout: terminalWriter(ctx.stdout) };
  let steps: Array<{ id: string; name: string }> = [];
  let barShown = false;
  const lastPercent = new Map<string, number>();
  const clearBar = () => {
    if (barShown) ctx.stderr('\r\x1b[2K');
    barShown = false;
  };
  const index = (stepId: string) => {
    const i = steps.findIndex((s) => s.id === stepId);
    return i === -1 ? stepId : `[${i + 1}/${steps.length}] ${steps[i]!.name}`;
  };
  return (e) => {
    switch (e.type) {
      case 'deployment-started':
        steps = e.steps;
        ctx.stdout(`${e.resumedFrom ? 'Resuming' : 'Deploying'} ${e.drop.project.name} ${e.drop.release.version} to ${e.tenant.name} (${e.tenant.environment}) — deployment ${e.deploymentId}\n`);
        break;
      case 'preflight':
        break;
      case 'step-started':
        clearBar();
        ctx.stdout(`▶ ${index(e.stepId)}${e.attempt > 1 ? ` (attempt ${e.attempt})` : ''}\n`);
        break;
      case 'progress': {
        const pct = Math.max(0, Math.min(100, Math.round(e.percent)));
        if (isTty) {
          const filled = Math.round((pct * BAR) / 100);
          ctx.stderr(`\r\x1b[2K  [${'#'.repeat(filled)}${'.'.repeat(BAR - filled)}] ${String(pct).padStart(3)}% ${terminalLine(e.item ?? '').slice(0, 60)}`);
          barShown = true;
        } else if (pct - (lastPercent.get(e.stepId) ?? -100) >= 25 || pct === 100) {
          lastPercent.set(e.stepId, pct);
          ctx.stdout(`  ${String(pct).padStart(3)}% ${e.item ?? ''}\n`);
        }
        break;
      }
      case 'log':
        clearBar();
        ctx.stdout(`  ${e.level === 'error' ? 'error: ' : e.level === 'warn' ? 'warning: ' : ''}${e.message}\n`);
        break;
      case 'warning':
        clearBar();
        ctx.stdout(`  warning: ${e.message}\n`);
        break;
      case 'step-finished':
        clearBar();
        ctx.stdout(`${e.outcome === 'succeeded' ? '✔' : e.outcome === 'skipped' ? '↷' : '✖'} ${index(e.stepId)} ${e.outcome}${e.skip?.cause === 'run-condition' ? ` by its run condition: ${e.skip.reason}` : ` in ${seconds(e.durationMs)}`}\n`);
        if (e.error) ctx.stdout(`  error ${e.error.code}: ${e.error.message}\n  hint: ${e.error.hint}\n`);
        break;
      case 'decision':
        ctx.stdout(`  decision: ${e.decision}${e.reason ? ` — ${e.reason}` : ''} (by ${e.by})\n`);
        break;
      case 'cancel-requested':
        clearBar();
        ctx.stdout(`Cancel requested (${e.mode}) by ${e.by}.\n`);
        break;
      case 'interrupted':
        ctx.stdout(`Interruption recorded: ${e.note}\n`);
        break;
      case 'interrupted-script':
        ctx.stdout(`Interrupted script ${e.script}: batches known applied ${e.appliedBatches} of ${e.of}${e.inFlightBatch ? `, batch ${e.inFlightBatch} was in flight` : ''}; chosen: ${e.choice}${e.reason ? ` — ${e.reason}` : ''} (by ${e.by})\n`);
        break;
      case 'run-stopped':
        clearBar();
        ctx.stdout(`The deployment stopped (${e.outcome}); only clean-up steps (run condition always${e.outcome === 'cancelled' ? '' : ' or failure'}) run now.\n`);
        break;
      case 'deployment-finished':
        clearBar();
        ctx.stdout(`Deployment ${e.outcome} after ${seconds(e.durationMs)}.\n`);
        break;
      default:
        break;
    }
  };
}

/** Prints preflight checks, one line each, hints under failures and warnings. */
export function printChecks(ctx: Pick<CliContext, 'stdout'>, checks: Array<{ id?: string; status: string; title: string; detail: string; hint?: string }>, tenantId?: string): void {
  ctx = { stdout: terminalWriter(ctx.stdout) };
  for (const c of checks) {
    const mark = c.status === 'pass' ? 'pass' : c.status === 'warn' ? 'WARN' : 'FAIL';
    ctx.stdout(`  ${mark}  ${c.title}: ${c.detail}\n`);
    // A variable without an acceptable value: say what to type here, not where to click in the app.
    const variable = c.id?.startsWith('variables:') && c.status === 'fail' ? c.id.slice('variables:'.length) : undefined;
    if (variable && tenantId) ctx.stdout(`        fix: ${cliFixFor(variable, tenantId)}\n`);
    else if (c.hint && c.status !== 'pass') ctx.stdout(`        hint: ${c.hint}\n`);
  }
}
