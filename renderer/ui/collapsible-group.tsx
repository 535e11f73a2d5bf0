import { useId, type ReactNode } from 'react';
import { Icon } from './icons';

/** A titled section that folds; the header is a button with aria-expanded, the body is hidden when closed. */
export function CollapsibleGroup({ title, aside, open, onToggle, children }: { title: ReactNode; aside?: ReactNode; open: boolean; onToggle: () => void; children: ReactNode }) {
  const bodyId = useId();
  return (
    <section className="group">
      <h3 style={{ fontSize: 'inherit' }}>
        <button type="button" className="group__header" aria-expanded={open} aria-controls={bodyId} onClick={onToggle}>
          <Icon name="chevron-down" className="group__chevron" />
          <span style={{ flex: 1 }}>{title}</span>
          {aside}
        </button>
      </h3>
      <div className="group__body" id={bodyId} hidden={!open}>
        {open && children}
      </div>
    </section>
  );
}
