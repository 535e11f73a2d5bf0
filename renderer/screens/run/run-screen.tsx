import { ErrorBar } from '../../ui/message-bar';
import { LoadingBlock } from '../../ui/spinner';
import { RunView } from './run-view';
import { useJournal } from './use-journal';

/** Follows a deployment live (or replays a finished one) from its journal. */
export function RunScreen({ deploymentId }: { deploymentId: string }) {
  const journal = useJournal(deploymentId);
  if (journal.loadError && journal.loadedAt === null) {
    return (
      <div className="screen">
        <ErrorBar title="Could not read the deployment journal" error={journal.loadError} onRetry={journal.reload} />
      </div>
    );
  }
  if (journal.loadedAt === null) return <LoadingBlock label="Reading the deployment journal…" />;
  return (
    <RunView
      deploymentId={deploymentId}
      model={journal.model}
      version={journal.version}
      state={journal.state}
      pendingDecision={journal.pendingDecision}
      loadedAt={journal.loadedAt}
      onReload={journal.reload}
    />
  );
}
