import { useMemo, useState } from 'react';
import { useRequest } from '../../api/use-request';
import { navigate } from '../../router/use-route';
import { Badge } from '../../ui/badge';
import { Button } from '../../ui/button';
import { Card } from '../../ui/card';
import { ErrorBar, MessageBar } from '../../ui/message-bar';
import { LoadingBlock } from '../../ui/spinner';
import { ChangeRequestDialog } from './change-request-dialog';
import { ChecksList } from './checks-list';
import { DeployDialog } from './deploy-dialog';
import { PlanSteps } from './plan-steps';
import { PlanVariables } from './plan-variables';
import { countChecks, deployBlockers, unsupportedSteps } from './preflight-model';

/**
 * The last look before anything touches the hospital's servers: readiness checks, the plan with its dry-run
 * detail, a change-request document for approval, and Deploy (blocked until the blockers are gone).
 */
export function PreflightScreen({ dropId, tenantId }: { dropId: string; tenantId: string }) {
  const preflight = useRequest('preflight.run', { dropId, tenantId });
  const plan = useRequest('plan.get', { dropId, tenantId });
  const [acknowledged, setAcknowledged] = useState<ReadonlySet<string>>(() => new Set());
  const [dialog, setDialog] = useState<'change-request' | 'deploy' | null>(null);

  const preflightData = preflight.state.status === 'ok' ? preflight.state.data : null;
  const planData = plan.state.status === 'ok' ? plan.state.data : null;
  const blockers = useMemo(() => deployBlockers(preflightData, planData, acknowledged), [preflightData, planData, acknowledged]);
  const counts = preflightData ? countChecks(preflightData.checks) : null;
  const loading = preflight.state.status === 'loading' || plan.state.status === 'loading';
  const skip = unsupportedSteps(planData).filter((s) => acknowledged.has(s.id));

  return (
    <div className="screen">
      <div className="screen__header">
        <div className="screen__title">
          <h1>Preflight</h1>
          <p className="screen__subtitle">
            Checks the target and shows exactly what will run for tenant <code>{tenantId}</code>. Nothing is changed yet.
          </p>
        </div>
        <div className="screen__actions">
          <Button icon="arrow-left" onClick={() => navigate({ name: 'variables', dropId, tenantId })}>
            Variables
          </Button>
          <Button
            icon="refresh"
            disabled={loading}
            onClick={() => {
              preflight.reload();
              plan.reload();
            }}
          >
            Run again
          </Button>
          <Button icon="document" disabled={!planData} onClick={() => setDialog('change-request')}>
            Change request
          </Button>
          <Button appearance="primary" icon="play" disabled={loading || blockers.length > 0} onClick={() => setDialog('deploy')}>
            Deploy
          </Button>
        </div>
      </div>

      {counts && (
        <div className="row" aria-label="Check summary">
          <Badge intent="success" icon="check">
            {counts.pass} passed
          </Badge>
          <Badge intent={counts.warn > 0 ? 'warning' : 'neutral'} icon="warning">
            {counts.warn} warnings
          </Badge>
          <Badge intent={counts.fail > 0 ? 'danger' : 'neutral'} icon="error">
            {counts.fail} failed
          </Badge>
        </div>
      )}

      {!loading && blockers.length > 0 && preflightData && (
        <MessageBar intent="error" title="Deploy is blocked">
          <ul className="blocker-list">
            {blockers.map((b) => (
              <li key={b}>{b}</li>
            ))}
          </ul>
        </MessageBar>
      )}
      {!loading && blockers.length === 0 && (
        <MessageBar intent="success" title="Ready to deploy">
          {counts && counts.warn > 0 ? 'Read the warnings below first; they do not stop the deployment.' : 'Every check passed.'}
        </MessageBar>
      )}

      <Card title="Checks" icon="shield" labelledBy="pf-checks">
        {preflight.state.status === 'loading' && <LoadingBlock label="Checking connections, permissions, tools and disk space…" />}
        {preflight.state.status === 'error' && <ErrorBar title="Preflight could not run" error={preflight.state.error} onRetry={preflight.reload} />}
        {preflightData && <ChecksList checks={preflightData.checks} />}
      </Card>

      <Card title="Plan" icon="play" labelledBy="pf-plan">
        {plan.state.status === 'loading' && <LoadingBlock label="Working out what each step will do…" />}
        {plan.state.status === 'error' && <ErrorBar title="Could not build the plan" error={plan.state.error} onRetry={plan.reload} />}
        {planData && (
          <PlanSteps
            steps={planData.steps}
            acknowledged={acknowledged}
            onAcknowledge={(id, on) =>
              setAcknowledged((prev) => {
                const next = new Set(prev);
                if (on) next.add(id);
                else next.delete(id);
                return next;
              })
            }
          />
        )}
      </Card>

      {planData && planData.variables.length > 0 && (
        <Card title={`Values used (${planData.variables.length})`} icon="lock" labelledBy="pf-vars">
          <PlanVariables variables={planData.variables} />
        </Card>
      )}

      {dialog === 'change-request' && <ChangeRequestDialog dropId={dropId} tenantId={tenantId} onClose={() => setDialog(null)} />}
      {dialog === 'deploy' && (
        <DeployDialog
          dropId={dropId}
          tenantId={tenantId}
          skipUnsupported={skip.map((s) => s.id)}
          skippedNames={skip.map((s) => s.name)}
          stepCount={planData?.steps.length ?? 0}
          onClose={() => setDialog(null)}
          onStarted={(deploymentId) => navigate({ name: 'run', deploymentId })}
        />
      )}
    </div>
  );
}
