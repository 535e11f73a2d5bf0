import { startTransition, useCallback, useDeferredValue, useEffect, useLayoutEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import type { VariablesView } from '../../../common/contract';
import type { ErrorShape } from '../../../common/errors';
import type { DefaultDecision } from '../../../common/variable-state';
import { afterNextPaint, createLatencyProbe, recordPerf } from '../../perf/perf';
import { Badge } from '../../ui/badge';
import { Button } from '../../ui/button';
import { Checkbox } from '../../ui/checkbox';
import { CollapsibleGroup } from '../../ui/collapsible-group';
import { EmptyState } from '../../ui/empty-state';
import { ErrorBar, MessageBar } from '../../ui/message-bar';
import { tabPanelProps, Tabs } from '../../ui/tabs';
import { SearchInput } from '../../ui/text-input';
import { Toolbar, ToolbarSpacer } from '../../ui/toolbar';
import { RemovedVariables } from './removed-variables';
import { VariableRow } from './variable-row';
import { countVariables, filterVariables, firstBatchSize, groupVariables, limitRows, type VariableTab } from './variable-model';

const probeInput = createLatencyProbe('variables-input-latency');


export interface VariablesEditorProps {
  view: VariablesView;
  reveal: (name: string) => Promise<{ ok: true; value: string } | { ok: false; error: ErrorShape }>;
  /** Saves the entered values; resolves true when saved (the draft is then cleared). */
  onSave: (values: Array<{ name: string; value: string }>, remember: boolean) => Promise<boolean>;
  onForget: (name: string) => Promise<void>;
  /** Answers a changed default: keep the previous value or use the new default. */
  onDecide?: (name: string, decision: DefaultDecision) => void;
  /** Goes on to Preflight (after saving any draft). */
  onContinue?: () => void;
  saving: boolean;
  saveError: ErrorShape | null;
  headerActions?: ReactNode;
}

/**
 * The variables form: tabs (all / needs attention / secrets), search, collapsible groups, one memoised row
 * per variable, and the save bar. Measures its first render and input latency (window.__dropRunnerPerf).
 */
export function VariablesEditor({ view, reveal, onSave, onForget, onDecide, onContinue, saving, saveError, headerActions }: VariablesEditorProps) {
  const [draft, setDraft] = useState<ReadonlyMap<string, string>>(() => new Map());
  const [tab, setTab] = useState<VariableTab>('all');
  const [query, setQuery] = useState('');
  const deferredQuery = useDeferredValue(query);
  const [closed, setClosed] = useState<ReadonlySet<string>>(() => new Set());
  const [remember, setRemember] = useState(true);
  const renderStart = useRef<number | null>(performance.now());
  // A big drop renders in two commits: the first screenful at once, the rest in an interruptible
  // transition, so the engineer can read and type while the remaining rows are created.
  // Sized to the window so the first commit (and its layout) covers one screenful, not several.
  const [firstBatch] = useState(() => firstBatchSize(typeof window === 'undefined' ? 0 : window.innerHeight));
  const [rowBudget, setRowBudget] = useState(firstBatch);
  const fullStart = useRef<number | null>(null);

  useLayoutEffect(() => {
    const start = renderStart.current;
    if (start === null) return;
    renderStart.current = null;
    const variables = view.items.length;
    afterNextPaint(() => {
      recordPerf('variables-first-render', start, { variables, rows: Math.min(variables, firstBatch) });
      fullStart.current = performance.now();
      startTransition(() => setRowBudget(Number.POSITIVE_INFINITY));
    });
  }, [view.items.length, firstBatch]);

  useEffect(() => {
    const start = fullStart.current;
    if (rowBudget !== Number.POSITIVE_INFINITY || start === null) return;
    fullStart.current = null;
    afterNextPaint(() => recordPerf('variables-full-render', start, { variables: view.items.length }));
    // Only the switch to the full list is measured.
  }, [rowBudget]);

  const onChange = useCallback((name: string, value: string | undefined, eventTimeStamp: number) => {
    probeInput(eventTimeStamp);
    setDraft((previous) => {
      const next = new Map(previous);
      if (value === undefined) next.delete(name);
      else next.set(name, value);
      return next;
    });
  }, []);

  // Counting against the draft means fixing a value moves it out of "needs attention" as you type.
  const counts = useMemo(() => countVariables(view.items, draft), [view.items, draft]);
  // The list itself ignores the draft so a row does not vanish from "needs attention" mid-edit.
  const visible = useMemo(() => filterVariables(view.items, tab, deferredQuery), [view.items, tab, deferredQuery]);
  const groups = useMemo(() => groupVariables(visible), [visible]);
  const shownGroups = useMemo(() => limitRows(groups, rowBudget), [groups, rowBudget]);
  const toggleGroup = useCallback(
    (group: string) =>
      setClosed((previous) => {
        const next = new Set(previous);
        if (next.has(group)) next.delete(group);
        else next.add(group);
        return next;
      }),
    [],
  );

  const save = async () => {
    const ok = await onSave(
      [...draft].map(([name, value]) => ({ name, value })),
      remember,
    );
    if (ok) setDraft(new Map());
    return ok;
  };

  return (
    <>
      {!view.secretsAvailable && (
        <MessageBar intent="warning" title="The keychain is not available">
          {view.secretsProblem ? (
            <>
              <span>
                <code className="error-code">{view.secretsProblem.code}</code> {view.secretsProblem.message}
              </span>
              <span className="muted">{view.secretsProblem.hint}</span>
            </>
          ) : (
            <span>Secrets cannot be read or saved.</span>
          )}
          <span>You can fill in the other values; a deployment that needs a secret stays blocked until the keychain works.</span>
        </MessageBar>
      )}

      <Toolbar label="Filter variables" className="var-toolbar">
        <Tabs
          idPrefix="vars"
          label="Which variables"
          selected={tab}
          onSelect={(id) => setTab(id as VariableTab)}
          tabs={[
            { id: 'all', label: 'All', count: counts.all },
            { id: 'attention', label: 'Needs attention', count: counts.attention },
            { id: 'secrets', label: 'Secrets', count: counts.secrets },
          ]}
        />
        <ToolbarSpacer />
        <SearchInput
          aria-label="Search variables"
          placeholder="Search name, label, group, help"
          value={query}
          onChange={(e) => setQuery(e.target.value)}
          className="var-search"
        />
        <Button size="small" appearance="subtle" onClick={() => setClosed(closed.size > 0 ? new Set() : new Set(groups.map((g) => g.group)))}>
          {closed.size > 0 ? 'Expand all' : 'Collapse all'}
        </Button>
        {headerActions}
      </Toolbar>

      <div {...tabPanelProps('vars', tab)} className="stack stack--l">
        {groups.length === 0 && (
          <EmptyState icon={tab === 'attention' ? 'check-circle' : 'search'} title={query ? 'No variable matches the search' : tab === 'attention' ? 'Nothing needs your attention' : 'No variables here'}>
            {query ? 'Try another word, or clear the search.' : tab === 'attention' ? 'Every value is remembered, defaulted or entered.' : 'This drop declares no variables of this kind.'}
          </EmptyState>
        )}
        {shownGroups.map(({ group, items, total }) => (
          <CollapsibleGroup key={group} title={group} aside={<Badge>{total}</Badge>} open={!closed.has(group)} onToggle={() => toggleGroup(group)}>
            {items.map((item) => (
              <VariableRow key={item.name} item={item} draftValue={draft.get(item.name)} onChange={onChange} reveal={reveal} {...(onDecide ? { onDecide } : {})} />
            ))}
          </CollapsibleGroup>
        ))}
        <RemovedVariables removed={view.removed} onForget={onForget} />
      </div>

      <div className="save-bar" role="region" aria-label="Save">
        <Checkbox label="Remember on this machine" checked={remember} onChange={(e) => setRemember(e.target.checked)} />
        <span className="muted small">{remember ? 'Values are kept for the next release; secrets go to the OS keychain.' : 'Values are used for this deployment only.'}</span>
        <ToolbarSpacer />
        {draft.size > 0 && <Badge intent="brand">{draft.size} unsaved</Badge>}
        {counts.attention > 0 && (
          <Badge intent="warning" icon="warning">
            {counts.attention} need attention
          </Badge>
        )}
        <Button disabled={saving || draft.size === 0} onClick={() => void save()}>
          {saving ? 'Saving…' : 'Save'}
        </Button>
        {onContinue && (
          <Button
            appearance="primary"
            iconAfter="arrow-right"
            disabled={saving}
            onClick={async () => {
              if (draft.size > 0 && !(await save())) return;
              onContinue();
            }}
          >
            {draft.size > 0 ? 'Save and continue' : 'Preflight'}
          </Button>
        )}
      </div>
      {saveError && <ErrorBar title="Could not save the values" error={saveError} />}
    </>
  );
}

