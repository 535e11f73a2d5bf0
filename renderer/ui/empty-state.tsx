import type { ReactNode } from 'react';
import { Icon, type IconName } from './icons';

/** What a list shows when it has nothing in it: what that means and what to do next. */
export function EmptyState({ icon = 'info', title, children, actions }: { icon?: IconName; title: ReactNode; children?: ReactNode; actions?: ReactNode }) {
  return (
    <div className="empty-state">
      <Icon name={icon} className="empty-state__icon" />
      <div className="empty-state__title">{title}</div>
      {children && <div>{children}</div>}
      {actions && <div className="row">{actions}</div>}
    </div>
  );
}
