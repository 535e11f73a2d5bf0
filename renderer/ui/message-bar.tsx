import type { ReactNode } from 'react';
import type { ErrorShape } from '../../common/errors';
import { Button } from './button';
import { Icon, type IconName } from './icons';

export type MessageIntent = 'info' | 'success' | 'warning' | 'error';

const ICONS: Record<MessageIntent, IconName> = { info: 'info', success: 'check-circle', warning: 'warning', error: 'error' };

/** An inline message; errors and warnings are announced (role="alert"), the rest politely (role="status"). */
export function MessageBar({ intent = 'info', title, children, actions }: { intent?: MessageIntent; title?: ReactNode; children?: ReactNode; actions?: ReactNode }) {
  return (
    <div className={`message-bar message-bar--${intent}`} role={intent === 'error' || intent === 'warning' ? 'alert' : 'status'}>
      <Icon name={ICONS[intent]} className="message-bar__icon" />
      <div className="message-bar__body">
        {title && <div className="message-bar__title">{title}</div>}
        {children}
      </div>
      {actions && <div className="message-bar__actions">{actions}</div>}
    </div>
  );
}

/** Shows a failed request the way the CLI does: code, message and the hint saying what to do; optional Retry. */
export function ErrorBar({ error, onRetry, title }: { error: ErrorShape; onRetry?: () => void; title?: string }) {
  return (
    <MessageBar
      intent="error"
      title={
        <span className="row">
          <span>{title ?? 'Something went wrong'}</span>
          <code className="error-code" data-testid="error-code">
            {error.code}
          </code>
        </span>
      }
      actions={onRetry && <Button onClick={onRetry} icon="refresh">Retry</Button>}
    >
      <span data-testid="error-message">{error.message}</span>
      {error.hint && (
        <span className="muted" data-testid="error-hint">
          {error.hint}
        </span>
      )}
    </MessageBar>
  );
}
