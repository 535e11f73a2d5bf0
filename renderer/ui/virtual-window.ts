/** Window math for fixed-row-height virtual lists (pure): which rows to render for a scroll position. */

export interface VirtualWindowInput {
  scrollTop: number;
  viewportHeight: number;
  rowHeight: number;
  count: number;
  /** Extra rows rendered above and below so fast scrolling does not show blanks. */
  overscan: number;
}

export interface VirtualWindow {
  /** First row index rendered (inclusive). */
  start: number;
  /** One past the last row rendered. */
  end: number;
  /** Pixel offset of row `start` from the top of the scroll content. */
  offsetTop: number;
  /** Full scroll height the content pretends to have. */
  totalHeight: number;
}

/** Computes the rows to render; clamps out-of-range scroll positions instead of producing empty windows. */
export function computeVirtualWindow(input: VirtualWindowInput): VirtualWindow {
  const rowHeight = Math.max(1, input.rowHeight);
  const count = Math.max(0, Math.floor(input.count));
  const totalHeight = count * rowHeight;
  if (count === 0) return { start: 0, end: 0, offsetTop: 0, totalHeight: 0 };
  const maxScroll = Math.max(0, totalHeight - input.viewportHeight);
  const scrollTop = Math.min(Math.max(0, input.scrollTop), maxScroll);
  const firstVisible = Math.floor(scrollTop / rowHeight);
  const visibleCount = Math.ceil(Math.max(0, input.viewportHeight) / rowHeight) + 1;
  const start = Math.max(0, firstVisible - input.overscan);
  const end = Math.min(count, firstVisible + visibleCount + input.overscan);
  return { start, end, offsetTop: start * rowHeight, totalHeight };
}

/** The scrollTop that brings row `index` fully into view, or null when it already is. */
export function scrollTopToReveal(index: number, scrollTop: number, viewportHeight: number, rowHeight: number): number | null {
  const top = index * rowHeight;
  const bottom = top + rowHeight;
  if (top < scrollTop) return top;
  if (bottom > scrollTop + viewportHeight) return bottom - viewportHeight;
  return null;
}

/** True when the viewport is at (or within `slack` px of) the bottom, i.e. auto-scroll should keep following. */
export function isAtBottom(scrollTop: number, viewportHeight: number, scrollHeight: number, slack = 4): boolean {
  return scrollTop + viewportHeight >= scrollHeight - slack;
}
