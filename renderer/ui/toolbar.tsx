import type { ReactNode } from 'react';

/** A row of controls with role="toolbar" and an accessible name. */
export function Toolbar({ label, children, className }: { label: string; children: ReactNode; className?: string }) {
  return (
    <div className={['toolbar', className].filter(Boolean).join(' ')} role="toolbar" aria-label={label}>
      {children}
    </div>
  );
}

/** A thin vertical separator between toolbar groups. */
export function ToolbarDivider() {
  return <span className="toolbar__divider" role="separator" aria-orientation="vertical" />;
}

/** Pushes the following toolbar items to the right edge. */
export function ToolbarSpacer() {
  return <span className="toolbar__spacer" />;
}
