import { OUTCOME_WORDS } from '../../../common/journal-fold';
import { MessageBar } from '../../ui/message-bar';
import type { RunModel } from './run-model';

/**
 * After a failure, an abort, a cancel or a skip: what is left to do, in words. The steps not applied (failed,
 * skipped after failing or by the operator, never ran) and the clean-up steps that did run — so nobody reads
 * "Waiting" next to a step that will never run, or forgets the interface engine paused in step 1.
 */
export function NotAppliedList({ model }: { model: RunModel }) {
  const over = model.outcome !== undefined || model.journal.stopped !== undefined;
  const cleanup = model.steps.filter((s) => s.cleanup);
  if (!over || (model.notApplied.length === 0 && cleanup.length === 0)) return null;
  const title = model.outcome ? `${OUTCOME_WORDS[model.outcome]} — not applied:` : 'The deployment stopped — not applied:';
  return (
    <section aria-label="Not applied" data-testid="not-applied">
      <MessageBar intent={model.outcome === 'completed-with-skips' || model.outcome === 'cancelled' ? 'warning' : 'error'} title={title}>
        {model.notApplied.length === 0 ? (
          <span>Every step was applied.</span>
        ) : (
          <ul className="not-applied__list">
            {model.notApplied.map((n) => (
              <li key={n.id} data-testid={`not-applied-${n.id}`}>
                <strong>{n.name}</strong> — {n.why}
                {n.reason ? (
                  <>
                    {' '}
                    (reason: <em>{n.reason}</em>
                    {n.by ? `, ${n.by}` : ''})
                  </>
                ) : null}
              </li>
            ))}
          </ul>
        )}
        {cleanup.length > 0 && (
          <div data-testid="cleanup-steps">
            Clean-up steps that ran after the stop:{' '}
            {cleanup.map((s, i) => (
              <span key={s.id}>
                {i > 0 ? ', ' : ''}
                <strong>{s.name}</strong> ({s.status === 'running' ? 'running now' : s.status})
              </span>
            ))}
          </div>
        )}
      </MessageBar>
    </section>
  );
}
