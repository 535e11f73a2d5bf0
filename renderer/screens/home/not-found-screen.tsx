import { Button } from '../../ui/button';
import { EmptyState } from '../../ui/empty-state';

/** Shown for an address the app does not know (a stale bookmark or a typo). */
export function NotFoundScreen({ hash }: { hash: string }) {
  return (
    <div className="screen">
      <EmptyState icon="warning" title="This page does not exist" actions={<Button appearance="primary" onClick={() => (window.location.hash = '#/')}>Go to Home</Button>}>
        Nothing is shown at <code>{hash}</code>.
      </EmptyState>
    </div>
  );
}
