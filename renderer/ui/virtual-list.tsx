import { useCallback, useEffect, useLayoutEffect, useRef, useState, type HTMLAttributes, type ReactNode, type UIEvent } from 'react';
import { computeVirtualWindow, isAtBottom, scrollTopToReveal } from './virtual-window';

export interface VirtualListProps extends Omit<HTMLAttributes<HTMLDivElement>, 'children' | 'onScroll'> {
  count: number;
  rowHeight: number;
  renderRow: (index: number) => ReactNode;
  overscan?: number;
  /** Keep the last row in view as rows are appended. */
  followTail?: boolean;
  /** Reported when the user scrolls away from the bottom (false) or back to it (true). */
  onFollowTailChange?: (follow: boolean) => void;
  /** A row to bring into view (keyboard navigation). */
  revealIndex?: number;
  /** Called with the scroll event's timestamp, for latency measurement. */
  onScrollTimed?: (eventTimeStamp: number) => void;
}

/**
 * A fixed-row-height virtual list: only the rows in view (plus overscan) exist in the DOM, so 100,000
 * rows cost the same as 50. Rows are absolutely stacked inside a spacer as tall as all rows together.
 */
export function VirtualList({ count, rowHeight, renderRow, overscan = 10, followTail = false, onFollowTailChange, revealIndex, onScrollTimed, className, style, ...rest }: VirtualListProps) {
  const ref = useRef<HTMLDivElement>(null);
  // Only the first row in view is state: scrolling within a row renders nothing, and the window depends on nothing finer.
  const [firstRow, setFirstRow] = useState(0);
  const setScrollTop = useCallback((top: number) => setFirstRow(Math.floor(Math.max(0, top) / Math.max(1, rowHeight))), [rowHeight]);
  const [viewportHeight, setViewportHeight] = useState(0);
  // Scrolls we cause ourselves (follow tail, reveal) must not be mistaken for the user scrolling away.
  const programmatic = useRef(false);

  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    setViewportHeight(el.clientHeight);
    const observer = new ResizeObserver(() => setViewportHeight(el.clientHeight));
    observer.observe(el);
    return () => observer.disconnect();
  }, []);

  useLayoutEffect(() => {
    const el = ref.current;
    if (!el || !followTail) return;
    const target = Math.max(0, count * rowHeight - el.clientHeight);
    if (Math.abs(el.scrollTop - target) > 1) {
      programmatic.current = true;
      el.scrollTop = target;
      setScrollTop(el.scrollTop);
    }
  }, [count, followTail, rowHeight, viewportHeight, setScrollTop]);

  useEffect(() => {
    const el = ref.current;
    if (!el || revealIndex === undefined || revealIndex < 0) return;
    const next = scrollTopToReveal(revealIndex, el.scrollTop, el.clientHeight, rowHeight);
    if (next !== null) {
      programmatic.current = true;
      el.scrollTop = next;
    }
  }, [revealIndex, rowHeight]);

  const onScroll = useCallback(
    (event: UIEvent<HTMLDivElement>) => {
      const el = event.currentTarget;
      setScrollTop(el.scrollTop);
      onScrollTimed?.(event.timeStamp);
      if (programmatic.current) {
        programmatic.current = false;
        return;
      }
      const atBottom = isAtBottom(el.scrollTop, el.clientHeight, el.scrollHeight, rowHeight / 2);
      if (followTail && !atBottom) onFollowTailChange?.(false);
      else if (!followTail && atBottom && count > 0) onFollowTailChange?.(true);
    },
    [count, followTail, onFollowTailChange, onScrollTimed, rowHeight, setScrollTop],
  );

  const win = computeVirtualWindow({ scrollTop: firstRow * Math.max(1, rowHeight), viewportHeight, rowHeight, count, overscan });
  const rows: ReactNode[] = [];
  for (let i = win.start; i < win.end; i++) rows.push(renderRow(i));

  return (
    <div ref={ref} className={['virtual-list', className].filter(Boolean).join(' ')} style={{ overflow: 'auto', position: 'relative', ...style }} onScroll={onScroll} {...rest}>
      <div style={{ height: win.totalHeight, position: 'relative' }}>
        <div style={{ position: 'absolute', top: 0, left: 0, right: 0, transform: `translateY(${win.offsetTop}px)` }}>{rows}</div>
      </div>
    </div>
  );
}
