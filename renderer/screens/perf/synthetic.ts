/**
 * Synthetic data for the performance pages (#/perf/…): a journal with N log lines and a variables view
 * with N templates, generated deterministically so runs are comparable. Never used outside those pages.
 */
import type { VariableItem, VariablesView } from '../../../common/contract';
import type { JournalEvent } from '../../../common/journal-events';
import { deriveVariableState, describeOrigin, stateNeedsAttention } from '../../../common/variable-state';

/** A finished deployment's journal with `lines` log events spread over five steps. */
export function syntheticJournal(lines: number): JournalEvent[] {
  const steps = ['staging', 'transform', 'ssis', 'reports', 'verify'].map((id, i) => ({ id, name: `Step ${i + 1}: ${id}`, type: 'sql-scripts' }));
  const start = Date.UTC(2025, 0, 1, 9, 0, 0);
  let seq = 0;
  const at = (offsetMs: number) => new Date(start + offsetMs).toISOString();
  const events: JournalEvent[] = [];
  events.push({
    seq: ++seq,
    at: at(0),
    type: 'deployment-started',
    deploymentId: 'perf',
    drop: { id: 'perf', format: 'native', project: { id: 'perf', name: 'Synthetic project' }, release: { version: '1.0.0' }, sha256: null, signature: { state: 'unsigned' }, sourcePath: 'synthetic' },
    tenant: { id: 'perf', name: 'Synthetic tenant', environment: 'Test' },
    machine: 'PERF',
    osUser: 'perf',
    operator: 'Perf',
    steps,
    variables: [],
  });
  const perStep = Math.ceil(lines / steps.length);
  const levels = ['info', 'info', 'info', 'debug', 'debug', 'warn', 'info', 'error'] as const;
  let written = 0;
  steps.forEach((step, s) => {
    events.push({ seq: ++seq, at: at(seq * 10), type: 'step-started', stepId: step.id, attempt: 1 });
    for (let i = 0; i < perStep && written < lines; i++, written++) {
      const level = levels[written % levels.length] ?? 'info';
      events.push({
        seq: ++seq,
        at: at(seq * 10),
        type: 'log',
        stepId: step.id,
        level,
        message: `batch ${i + 1} of script ${String((i % 40) + 1).padStart(3, '0')}_objects.sql: ${level === 'error' ? 'Msg 2714, object already exists (ignored by script guard)' : `(${(i * 7) % 1000} rows affected)`}`,
        source: 'sql',
      });
    }
    events.push({ seq: ++seq, at: at(seq * 10), type: 'step-finished', stepId: step.id, attempt: 1, outcome: 'succeeded', durationMs: perStep * 10 + s });
  });
  events.push({ seq: ++seq, at: at(seq * 10), type: 'deployment-finished', outcome: 'succeeded', durationMs: seq * 10 });
  return events;
}

/** A variables view with `count` templates over 20 groups, every type and status represented. */
export function syntheticVariables(count: number): VariablesView {
  const types = ['text', 'number', 'boolean', 'choice', 'multiline', 'connection-string', 'sensitive'] as const;
  const statuses = ['remembered', 'remembered', 'remembered', 'new', 'default-changed', 'type-changed', 'missing-required', 'unchanged'] as const;
  const items: VariableItem[] = [];
  for (let i = 0; i < count; i++) {
    const type = types[i % types.length] ?? 'text';
    const status = statuses[i % statuses.length] ?? 'unchanged';
    const sensitive = type === 'sensitive';
    const value = sensitive || status === 'missing-required' ? undefined : type === 'number' ? String(i) : type === 'boolean' ? 'true' : type === 'choice' ? 'B' : type === 'connection-string' ? `Server=sql${i % 5};Database=App${i};Integrated Security=true` : `value ${i}`;
    const source = status === 'remembered' ? 'remembered' : value === undefined ? 'none' : 'drop-default';
    const hasValue = value !== undefined || sensitive;
    const state = deriveVariableState({ status, source, hasValue, required: i % 4 === 0, hasDefault: value !== undefined });
    items.push({
      name: `Group${i % 20}.Setting${i}`,
      label: `Setting ${i}`,
      ...(i % 3 === 0 ? { help: `Help text for setting ${i}, explaining what the hospital should enter.` } : {}),
      group: `Group ${i % 20}`,
      type,
      required: i % 4 === 0,
      sensitive,
      ...(type === 'choice' ? { choices: ['A', 'B', 'C'] } : {}),
      status,
      source,
      ...(value !== undefined ? { value } : {}),
      hasValue,
      state,
      attention: stateNeedsAttention(state),
      origin: describeOrigin(source, sensitive, false),
      ...(status === 'default-changed' ? { previousDefault: 'old', defaultValue: 'new' } : {}),
    });
  }
  return { tenantId: 'perf', tenantName: 'Synthetic tenant', items, removed: [{ name: 'Old.Setting', sensitive: false }], secretsAvailable: true };
}
