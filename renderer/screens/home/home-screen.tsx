import { navigate } from '../../router/use-route';
import { Button } from '../../ui/button';
import { DiagnosticsCard } from './diagnostics-card';
import { InterruptedBanner } from './interrupted-banner';
import { RecentDeploymentsCard } from './recent-deployments-card';
import { RecentDropsCard } from './recent-drops-card';
import { TenantsCard } from './tenants-card';

/** Where every session starts: resume what was interrupted, reopen a recent drop, check the machine. */
export function HomeScreen() {
  return (
    <div className="screen">
      <div className="screen__header">
        <div className="screen__title">
          <h1>Home</h1>
          <p className="screen__subtitle">Open a release drop, fill in the hospital's settings, check the target, deploy, and export the report.</p>
        </div>
        <div className="screen__actions">
          <Button appearance="primary" icon="folder" onClick={() => navigate({ name: 'open' })}>
            Open a drop
          </Button>
        </div>
      </div>
      <InterruptedBanner />
      <div className="grid-2">
        <RecentDropsCard />
        <TenantsCard />
        <RecentDeploymentsCard />
        <DiagnosticsCard />
      </div>
    </div>
  );
}
