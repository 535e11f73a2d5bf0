import { useMemo, useState } from 'react';
import { Badge } from '../../ui/badge';
import { MessageBar } from '../../ui/message-bar';
import { RunView } from '../run/run-view';
import { applyJournalEvents, createRunModel } from '../run/run-model';
import { VariablesEditor } from '../variables/variables-editor';
import { syntheticJournal, syntheticVariables } from './synthetic';

/**
 * Performance pages: the real Variables editor and Run view fed with generated data (500 templates,
 * 100,000 log lines) so the figures can be measured without an engine. Nothing here talks to the host.
 */
export function PerfScreen({ view, count }: { view: 'variables' | 'run-log'; count: number }) {
  return view === 'variables' ? <VariablesPerf count={count} /> : <RunLogPerf count={count} />;
}

// Module-level so a re-render of the shell (e.g. app.info landing) does not hand every memoised row new props.
const perfReveal = async () => ({ ok: false as const, error: { code: 'PERF_PAGE', message: 'No engine on the performance page.', hint: 'Use a real drop to reveal secrets.' } });
const perfSave = async () => true;
const perfForget = async () => undefined;

function VariablesPerf({ count }: { count: number }) {
  const data = useMemo(() => syntheticVariables(count), [count]);
  return (
    <div className="screen">
      <MessageBar intent="info" title="Performance page">
        {count} generated variables; nothing is saved. Figures: <code>window.__dropRunnerPerf</code>.
      </MessageBar>
      <VariablesEditor
        view={data}
        reveal={perfReveal}
        onSave={perfSave}
        onForget={perfForget}
        saving={false}
        saveError={null}
        headerActions={<Badge intent="warning">synthetic</Badge>}
      />
    </div>
  );
}

function RunLogPerf({ count }: { count: number }) {
  // The clock starts before the events are generated into the model, as the real screen's starts when the reply lands.
  const [loaded] = useState(() => {
    const events = syntheticJournal(count);
    const loadedAt = performance.now();
    const model = applyJournalEvents(createRunModel(), events).model;
    return { model, loadedAt };
  });
  return <RunView deploymentId="perf" model={loaded.model} version={1} state="succeeded" loadedAt={loaded.loadedAt} interactive={false} />;
}
