import type { ReactNode } from 'react';

/** A data table with a caption (visible or for screen readers only) inside a scrolling frame. */
export function Table({ caption, captionHidden, compact, children }: { caption: string; captionHidden?: boolean; compact?: boolean; children: ReactNode }) {
  return (
    <div className="table-wrap">
      <table className={['table', compact && 'table--compact'].filter(Boolean).join(' ')}>
        <caption className={captionHidden ? 'visually-hidden' : 'muted'}>{caption}</caption>
        {children}
      </table>
    </div>
  );
}
