import { memo, useCallback, useEffect, useMemo, useState, type KeyboardEvent, type MouseEvent } from 'react';
import { formatTime } from '../../format/format';
import { createLatencyProbe } from '../../perf/perf';
import { Button } from '../../ui/button';
import { copyText } from '../../ui/clipboard';
import { Select } from '../../ui/select';
import { Switch } from '../../ui/checkbox';
import { SearchInput } from '../../ui/text-input';
import { Toolbar, ToolbarDivider, ToolbarSpacer } from '../../ui/toolbar';
import { VirtualList } from '../../ui/virtual-list';
import { ALL_LEVELS, extendSearchIndex, searchIndexFor, splitForHighlight, textToCopy, type LogFilter } from './log-filter';
import { LOG_LEVELS, type LogLevel, type LogLine } from './run-model';
import { useFilteredLog } from './use-filtered-log';

const ROW_HEIGHT = 20;
/** Rows in "wrap lines" mode are three lines tall (see .log-list--wrap); the expanded view shows the rest. */
const WRAPPED_ROW_HEIGHT = ROW_HEIGHT * 3;
const probeScroll = createLatencyProbe('run-log-scroll-latency');
const probeInput = createLatencyProbe('run-log-input-latency');

export interface LogViewProps {
  log: readonly LogLine[];
  /** Changes whenever lines were appended (the array itself is appended in place). */
  version: number;
  steps: ReadonlyArray<{ id: string; name: string }>;
  stepFilter?: string;
  onStepFilterChange: (stepId: string | undefined) => void;
}

/**
 * The live log: a virtual list (only visible rows exist, so 100,000 lines scroll like 50), level and step
 * filters, search with highlighting, selection (click, Shift/Ctrl+click, arrows), copy, and follow-tail.
 */
export function LogView({ log, version, steps, stepFilter, onStepFilterChange }: LogViewProps) {
  const [levels, setLevels] = useState<Record<LogLevel, boolean>>(ALL_LEVELS);
  const [query, setQuery] = useState('');
  const [follow, setFollow] = useState(true);
  const [selected, setSelected] = useState<ReadonlySet<number>>(() => new Set());
  const [active, setActive] = useState(-1);
  const [anchor, setAnchor] = useState(-1);
  const [copyStatus, setCopyStatus] = useState('');
  const [wrap, setWrap] = useState(false);
  const [expanded, setExpanded] = useState(false);

  // Lower-case the log for search while the screen is idle, so the first keystroke does not pay for it.
  useEffect(() => warmSearchIndex(log), [log, version]);

  const filter: LogFilter = useMemo(() => ({ levels, query, ...(stepFilter ? { stepId: stepFilter } : {}) }), [levels, query, stepFilter]);
  // The keystroke renders at once; the lines shown follow when the sliced filtering pass completes.
  const shown = useFilteredLog(log, version, filter);
  const filtered = shown.filtered;
  const identity = filtered === null;
  const shownQuery = shown.filter?.query ?? '';
  const count = filtered ? filtered.indices.length : log.length;
  const indexAt = useCallback((pos: number) => (filtered ? (filtered.indices[pos] ?? -1) : pos), [filtered]);
  const stepNames = useMemo(() => new Map(steps.map((s) => [s.id, s.name])), [steps]);
  const stepName = useCallback((id: string) => stepNames.get(id) ?? id, [stepNames]);

  const select = (pos: number, mode: 'single' | 'toggle' | 'range') => {
    const index = indexAt(pos);
    if (index < 0) return;
    setActive(pos);
    if (mode === 'single') {
      setSelected(new Set([index]));
      setAnchor(pos);
    } else if (mode === 'toggle') {
      setSelected((prev) => {
        const next = new Set(prev);
        if (next.has(index)) next.delete(index);
        else next.add(index);
        return next;
      });
      setAnchor(pos);
    } else {
      const from = Math.min(anchor < 0 ? pos : anchor, pos);
      const to = Math.max(anchor < 0 ? pos : anchor, pos);
      const next = new Set<number>();
      for (let p = from; p <= to; p++) next.add(indexAt(p));
      setSelected(next);
    }
  };

  const onListClick = (event: MouseEvent<HTMLDivElement>) => {
    const row = (event.target as HTMLElement).closest<HTMLElement>('[data-pos]');
    if (!row) return;
    const pos = Number(row.dataset.pos);
    select(pos, event.shiftKey ? 'range' : event.ctrlKey || event.metaKey ? 'toggle' : 'single');
    setFollow(false);
  };

  const copy = async () => {
    const { text, count: lines } = textToCopy(log, filtered ? filtered.indices : null, selected, stepName);
    const ok = lines > 0 && (await copyText(text));
    setCopyStatus(ok ? `Copied ${lines.toLocaleString()} line${lines === 1 ? '' : 's'}` : lines === 0 ? 'Nothing to copy' : 'Copy failed: select the lines and press Ctrl+C');
    window.setTimeout(() => setCopyStatus(''), 4000);
  };

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const page = 20;
    const moves: Record<string, number> = { ArrowDown: 1, ArrowUp: -1, PageDown: page, PageUp: -page };
    let next: number | null = null;
    if (event.key in moves) next = Math.max(0, Math.min(count - 1, (active < 0 ? 0 : active) + (moves[event.key] ?? 0)));
    else if (event.key === 'Home') next = 0;
    else if (event.key === 'End') next = count - 1;
    else if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === 'c') {
      event.preventDefault();
      void copy();
      return;
    } else if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === 'a') {
      event.preventDefault();
      setSelected(new Set(filtered ? filtered.indices : log.map((_, i) => i)));
      return;
    } else if (event.key === 'Escape') {
      if (expanded) setExpanded(false);
      else setSelected(new Set());
      return;
    } else if (event.key === 'Enter' && active >= 0) {
      event.preventDefault();
      setExpanded((e) => !e);
      return;
    }
    if (next === null || count === 0) return;
    event.preventDefault();
    setFollow(next === count - 1);
    select(next, event.shiftKey ? 'range' : 'single');
  };

  const renderRow = (pos: number) => {
    const index = indexAt(pos);
    const line = log[index];
    if (!line) return null;
    return (
      <LogRow
        key={pos}
        pos={pos}
        line={line}
        selected={selected.has(index)}
        active={pos === active}
        stepName={line.stepId ? stepName(line.stepId) : undefined}
        query={shownQuery}
      />
    );
  };

  const activeLine = active >= 0 ? log[indexAt(active)] : undefined;

  return (
    <section className="log-panel" aria-label="Deployment log">
      <Toolbar label="Log filters" className="log-toolbar">
        {LOG_LEVELS.map((level) => (
          <Button
            key={level}
            size="small"
            appearance={levels[level] ? 'secondary' : 'subtle'}
            aria-pressed={levels[level]}
            className={`level-toggle level-toggle--${level}`}
            onClick={() => setLevels((l) => ({ ...l, [level]: !l[level] }))}
          >
            {level}
          </Button>
        ))}
        <ToolbarDivider />
        <Select
          aria-label="Step"
          className="log-step-select"
          value={stepFilter ?? ''}
          onChange={(e) => onStepFilterChange(e.target.value || undefined)}
          options={[{ value: '', label: 'All steps' }, ...steps.map((s) => ({ value: s.id, label: s.name }))]}
        />
        <SearchInput
          aria-label="Search the log"
          placeholder="Search"
          className="log-search"
          value={query}
          onChange={(e) => {
            probeInput(e.timeStamp);
            setQuery(e.target.value);
          }}
        />
        <ToolbarSpacer />
        <span className="muted small" aria-live="polite">
          {identity ? `${log.length.toLocaleString()} lines` : `${count.toLocaleString()} of ${log.length.toLocaleString()} lines`}
          {selected.size > 0 ? `, ${selected.size.toLocaleString()} selected` : ''}
        </span>
        <Button size="small" icon="copy" onClick={() => void copy()} title="Copies the selected lines, or every line shown when none is selected">
          {selected.size > 0 ? 'Copy selected' : 'Copy shown'}
        </Button>
        <Switch label="Wrap lines" checked={wrap} onChange={(e) => setWrap(e.target.checked)} />
        <Switch label="Auto-scroll" checked={follow} onChange={(e) => setFollow(e.target.checked)} />
      </Toolbar>
      <span className="visually-hidden" role="status">
        {copyStatus}
      </span>
      {copyStatus && <div className="log-copy-status small">{copyStatus}</div>}
      <VirtualList
        className={wrap ? 'log-list log-list--wrap' : 'log-list'}
        count={count}
        rowHeight={wrap ? WRAPPED_ROW_HEIGHT : ROW_HEIGHT}
        renderRow={renderRow}
        followTail={follow}
        onFollowTailChange={setFollow}
        revealIndex={active}
        onScrollTimed={probeScroll}
        overscan={15}
        tabIndex={0}
        role="listbox"
        aria-label="Log lines"
        aria-multiselectable="true"
        aria-activedescendant={active >= 0 && active < count ? `log-row-${active}` : undefined}
        onClick={onListClick}
        onDoubleClick={() => setExpanded(true)}
        onKeyDown={onKeyDown}
        data-testid="log-list"
      />
      <div className={expanded && activeLine ? 'log-detail log-detail--expanded' : 'log-detail'} aria-live="off" data-testid="log-detail">
        {activeLine ? (
          <>
            <div className="log-detail__head">
              <span className="muted">
                #{activeLine.seq} · {activeLine.at} · {activeLine.level}
                {activeLine.stepId ? ` · ${stepName(activeLine.stepId)}` : ''}
                {activeLine.source ? ` · ${activeLine.source}` : ''}
              </span>
              <Button size="small" appearance="subtle" aria-expanded={expanded} onClick={() => setExpanded((e) => !e)} title="Enter or a double-click toggles it too">
                {expanded ? 'Collapse' : 'Expand'}
              </Button>
            </div>
            <pre>{activeLine.message}</pre>
          </>
        ) : (
          <span className="muted">Select a line to see it in full (Enter or a double-click expands it). Shift+click selects a range; Ctrl+C copies.</span>
        )}
      </div>
    </section>
  );
}

/** Fills the log's search index in idle slices; returns the cancel function for the effect. */
function warmSearchIndex(log: readonly LogLine[]): () => void {
  const index = searchIndexFor(log);
  if (index.messages.length >= log.length) return () => undefined;
  const idle = typeof window.requestIdleCallback === 'function';
  let handle = 0;
  const step = (deadline?: IdleDeadline) => {
    // At most ~4 ms per callback even in a long idle period, so a wheel or key event never waits behind it.
    const until = performance.now() + 4;
    let done: boolean;
    do done = extendSearchIndex(index, log, 1000);
    while (!done && deadline !== undefined && deadline.timeRemaining() > 1 && performance.now() < until);
    if (!done) schedule();
  };
  const schedule = () => {
    handle = idle ? window.requestIdleCallback(step, { timeout: 2000 }) : window.setTimeout(step, 16);
  };
  schedule();
  return () => (idle ? window.cancelIdleCallback(handle) : window.clearTimeout(handle));
}

const LogRow = memo(function LogRow({ pos, line, selected, active, stepName, query }: { pos: number; line: LogLine; selected: boolean; active: boolean; stepName?: string; query: string }) {
  return (
    <div
      id={`log-row-${pos}`}
      data-pos={pos}
      role="option"
      aria-selected={selected}
      className={['log-row', `log-row--${line.level}`, selected && 'log-row--selected', active && 'log-row--active'].filter(Boolean).join(' ')}
      title={line.message.length > 120 ? line.message : undefined}
    >
      <span className="log-row__time">{formatTime(line.at)}</span>
      <span className="log-row__level">{line.level}</span>
      {stepName && (
        <span className="log-row__step" title={stepName}>
          {stepName}
        </span>
      )}
      <span className="log-row__msg">
        {splitForHighlight(line.message, query).map((part, i) => (part.match ? <mark key={i}>{part.text}</mark> : part.text))}
      </span>
    </div>
  );
});
