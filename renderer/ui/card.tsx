import type { ReactNode } from 'react';
import { Icon, type IconName } from './icons';

/** A surface grouping one topic, with an optional titled header and header actions. */
export function Card({
  title,
  icon,
  actions,
  children,
  className,
  headingLevel = 2,
  labelledBy,
}: {
  title?: ReactNode;
  icon?: IconName;
  actions?: ReactNode;
  children: ReactNode;
  className?: string;
  headingLevel?: 2 | 3;
  labelledBy?: string;
}) {
  const Heading = headingLevel === 2 ? 'h2' : 'h3';
  return (
    <section className={['card', className].filter(Boolean).join(' ')} aria-labelledby={labelledBy}>
      {(title || actions) && (
        <div className="card__header">
          {title && (
            <Heading className="card__title" id={labelledBy}>
              {icon && <Icon name={icon} className="card__icon" />}
              {title}
            </Heading>
          )}
          {actions && <div className="row">{actions}</div>}
        </div>
      )}
      {children}
    </section>
  );
}
