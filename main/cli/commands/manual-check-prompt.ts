/**
 * `deploy` in a terminal without --yes: each manual check is asked when the run reaches it, with its
 * instructions, exactly like the app's Run screen asks. The answer goes to the deployment manager as
 * the operator's decision, so the journal and the report record who confirmed what, and when.
 */
import type { JournalEvent } from '../../../common/journal-events';
import type { DeploymentManager } from '../../deploy/deployment-manager';
import type { CliContext } from '../cli-types';
import { promptLine } from '../prompt';

/** True when a person is at the terminal (stdin and stdout are both a TTY): only then is anyone asked. */
export function isInteractive(ctx: Pick<CliContext, 'stdin'>): boolean {
  return Boolean((ctx.stdin as { isTTY?: boolean }).isTTY) && Boolean((process.stdout as { isTTY?: boolean }).isTTY);
}

/** Listens for manual checks waiting for the operator and asks at the terminal; returns the unsubscribe. */
export function askAtManualChecks(ctx: Pick<CliContext, 'stdin' | 'stderr'>, manager: DeploymentManager, operator: string): () => void {
  const stepNames = new Map<string, string>();
  const asked = new Set<string>();
  let waiting: { deploymentId: string; stepId: string } | null = null;
  // Ctrl+C at the question: nobody will answer it, so the check is answered "abort" (the deployment stops
  // there, nothing after it runs) and the terminal is let go, instead of a run waiting for ever.
  const onSigint = () => {
    if (!waiting) return;
    const { deploymentId, stepId } = waiting;
    waiting = null;
    ctx.stderr('\nAborted at the manual check (Ctrl+C).\n');
    (ctx.stdin as { pause?: () => void }).pause?.();
    try {
      manager.decide(deploymentId, stepId, 'abort', undefined, operator);
    } catch {
      // Already answered or finished.
    }
  };
  process.on('SIGINT', onSigint);
  const off = manager.onEvent((name, payload) => {
    if (name === 'journal' && 'event' in payload) {
      const e = payload.event as JournalEvent;
      if (e.type === 'deployment-started') for (const s of e.steps) stepNames.set(s.id, s.name);
      return;
    }
    if (!('state' in payload) || payload.state !== 'awaiting-decision' || payload.pendingDecision?.kind !== 'confirm') return;
    const { deploymentId } = payload;
    const { stepId, error, about } = payload.pendingDecision;
    const key = `${deploymentId}/${stepId}/${asked.size}`;
    if (asked.has(key)) return;
    asked.add(key);
    waiting = { deploymentId, stepId };
    void ask(ctx, stepNames.get(stepId) ?? stepId, error.message, about === 'backup-failed' ? BACKUP_WORDS : CHECK_WORDS).then(({ decision, reason }) => {
      if (waiting?.stepId !== stepId) return;
      waiting = null;
      try {
        manager.decide(deploymentId, stepId, decision, reason, operator);
      } catch {
        // The run moved on (cancelled meanwhile): nothing waits for this answer any more.
      }
    });
  });
  return () => {
    off();
    process.off('SIGINT', onSigint);
  };
}

/** What the terminal says for each kind of 'confirm': a manual check, or a backup before change that failed. */
interface AskWords {
  heading: string;
  prompt: string;
  confirmKeys: readonly string[];
  skipQuestion: string;
  again: string;
}
const CHECK_WORDS: AskWords = {
  heading: 'Manual check',
  prompt: 'Done? [c]onfirm, [s]kip with a reason, [a]bort the deployment: ',
  confirmKeys: ['c', 'confirm', 'y', 'yes'],
  skipQuestion: 'Why is it skipped (goes into the report)? ',
  again: 'Answer c, s or a.',
};
const BACKUP_WORDS: AskWords = {
  heading: 'The backup before change failed',
  prompt: '[r]etry the backup, [s]kip it with a reason (the step runs WITHOUT a backup), [a]bort the deployment: ',
  confirmKeys: ['r', 'retry'],
  skipQuestion: 'Why may the step run without a backup (goes into the report)? ',
  again: 'Answer r, s or a.',
};

async function ask(ctx: Pick<CliContext, 'stdin' | 'stderr'>, stepName: string, instructions: string, words: AskWords): Promise<{ decision: 'confirm' | 'skip' | 'abort'; reason?: string }> {
  ctx.stderr(`\n── ${words.heading}: ${stepName} ──\n${instructions.split('\n').map((l) => `  ${l}`).join('\n')}\n`);
  for (;;) {
    const answer = await promptLine(ctx.stdin, ctx.stderr, words.prompt);
    if (answer === null) return { decision: 'abort' };
    const a = answer.trim().toLowerCase();
    if (words.confirmKeys.includes(a)) return { decision: 'confirm' };
    if (a === 'a' || a === 'abort') return { decision: 'abort' };
    if (a === 's' || a === 'skip') {
      const reason = (await promptLine(ctx.stdin, ctx.stderr, words.skipQuestion)) ?? '';
      if (reason.trim()) return { decision: 'skip', reason: reason.trim() };
      ctx.stderr('A skip needs a reason.\n');
      continue;
    }
    ctx.stderr(`${words.again}\n`);
  }
}
