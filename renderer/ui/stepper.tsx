import type { ReactNode } from 'react';
import { Icon, type IconName } from './icons';

export interface StepperItem {
  key: string;
  title: ReactNode;
  /** Used for the icon and its colour (e.g. 'running', 'succeeded', 'failed'). */
  status: string;
  icon: IconName;
  /** Spoken status, since the icon is decorative. */
  statusLabel: string;
  aside?: ReactNode;
  children?: ReactNode;
}

/** A vertical list of steps with a status icon each; the current one gets aria-current="step". */
export function Stepper({ items, current, label }: { items: StepperItem[]; current?: string; label: string }) {
  return (
    <ol className="stepper" aria-label={label}>
      {items.map((item) => (
        <li key={item.key} className="stepper__item" aria-current={item.key === current ? 'step' : undefined} data-status={item.status}>
          <span className={`stepper__icon stepper__icon--${item.status}`}>
            <Icon name={item.icon} />
          </span>
          <div className="stepper__body">
            <div className="stepper__title">
              <span>{item.title}</span>
              {item.aside}
            </div>
            <span className="visually-hidden">{item.statusLabel}</span>
            {item.children}
          </div>
        </li>
      ))}
    </ol>
  );
}

/** The guided flow (Open → … → Report) as a compact horizontal indicator. */
export function FlowSteps({ steps, current }: { steps: readonly string[]; current: string | null }) {
  const currentIndex = current ? steps.indexOf(current) : -1;
  return (
    <ol className="flow" aria-label="Deployment steps">
      {steps.map((step, index) => (
        <li key={step} className="row" style={{ gap: 2 }}>
          {index > 0 && <Icon name="chevron-right" className="flow__sep" />}
          <span className={['flow__item', index < currentIndex && 'flow__item--done'].filter(Boolean).join(' ')} aria-current={index === currentIndex ? 'step' : undefined}>
            <span className="flow__index" aria-hidden="true">
              {index < currentIndex ? '✓' : index + 1}
            </span>
            {step}
          </span>
        </li>
      ))}
    </ol>
  );
}
