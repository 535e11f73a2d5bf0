import type { ReactNode } from 'react';
import { Icon, type IconName } from './icons';

export type BadgeIntent = 'neutral' | 'brand' | 'success' | 'warning' | 'danger';

/** A small status pill; colour is never the only signal, so pass an icon or a word that says it. */
export function Badge({ intent = 'neutral', icon, children, title }: { intent?: BadgeIntent; icon?: IconName; children: ReactNode; title?: string }) {
  return (
    <span className={['badge', intent !== 'neutral' && `badge--${intent}`].filter(Boolean).join(' ')} title={title}>
      {icon && <Icon name={icon} />}
      {children}
    </span>
  );
}
