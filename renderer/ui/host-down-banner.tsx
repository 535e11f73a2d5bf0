import { useHostStatus } from '../api/use-host-status';
import { MessageBar } from './message-bar';

/** Shown at once when the browser host behind this tab has stopped: what happened and how to carry on. */
export function HostDownBanner() {
  const status = useHostStatus();
  if (status !== 'down') return null;
  return (
    <div className="host-down" data-testid="host-down">
      <MessageBar intent="error" title="Drop Runner stopped — this page has lost its connection">
        <span>
          Nothing on this page is live any more. Start Drop Runner again with <code>npm start</code> (or <code>drop-runner serve</code>) and open the new address it prints. A
          deployment that was running is not lost: it shows as interrupted on the Home screen and can be resumed from where it stopped.
        </span>
      </MessageBar>
    </div>
  );
}
