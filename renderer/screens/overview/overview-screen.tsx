import { useEffect, useState } from 'react';
import type { DropView } from '../../../common/contract';
import { RUN_CONDITION_LABELS } from '../../../common/drop-model';
import { useAction } from '../../api/use-action';
import { useRequest } from '../../api/use-request';
import { formatBytes, formatDateTime, plural } from '../../format/format';
import { navigate } from '../../router/use-route';
import { Badge } from '../../ui/badge';
import { Button } from '../../ui/button';
import { Card } from '../../ui/card';
import { Field } from '../../ui/field';
import { ErrorBar, MessageBar } from '../../ui/message-bar';
import { Select } from '../../ui/select';
import { LoadingBlock } from '../../ui/spinner';
import { Table } from '../../ui/table';
import { signatureBadge, STEP_TYPE_LABELS } from './overview-model';
import { UnknownPublisherBar } from '../trust/unknown-publisher-bar';
import { PackageFactsList } from './package-facts';

/** What the opened drop is: identity, target, signature, steps, packages; then on to its variables. */
export function OverviewScreen({ dropId }: { dropId: string }) {
  const { state, reload } = useRequest('drop.get', { dropId });
  const recent = useRequest('drop.recent', {});
  const reopen = useAction('drop.open');

  if (state.status === 'loading') return <LoadingBlock label="Loading the drop…" />;
  if (state.status === 'error') {
    const source = recent.state.status === 'ok' ? recent.state.data.find((d) => d.dropId === dropId)?.sourcePath : undefined;
    return (
      <div className="screen">
        <ErrorBar title="Could not load this drop" error={state.error} onRetry={reload} />
        {source && (
          <MessageBar
            intent="info"
            actions={
              <Button
                disabled={reopen.busy}
                onClick={async () => {
                  const drop = await reopen.run({ path: source });
                  if (drop) navigate({ name: 'overview', dropId: drop.id }, { replace: true });
                }}
              >
                {reopen.busy ? 'Opening…' : 'Open it again'}
              </Button>
            }
          >
            <span className="wrap-anywhere">
              It was opened from <code>{source}</code>.
            </span>
          </MessageBar>
        )}
        {reopen.error && <ErrorBar title="The drop was rejected" error={reopen.error} />}
      </div>
    );
  }
  return <Overview drop={state.data} onChanged={reload} />;
}

function Overview({ drop, onChanged }: { drop: DropView; onChanged: () => void }) {
  const badge = signatureBadge(drop.provenance.signature);
  const blocked = drop.provenance.signature.state === 'invalid';
  const tenants = useRequest('tenant.list', {});
  const [tenantId, setTenantId] = useState(drop.target.tenantId);
  useEffect(() => setTenantId(drop.target.tenantId), [drop.target.tenantId]);
  const tenantOptions = [{ value: drop.target.tenantId, label: `${drop.target.tenantName} (${drop.target.tenantId}) — the drop's target` }];
  if (tenants.state.status === 'ok') {
    for (const t of tenants.state.data) if (t.id !== drop.target.tenantId) tenantOptions.push({ value: t.id, label: `${t.name} (${t.id})` });
  }
  const secrets = drop.variables.filter((v) => v.sensitive).length;

  return (
    <div className="screen">
      <div className="screen__header">
        <div className="screen__title">
          <h1>
            {drop.project.name} <span className="muted">{drop.release.version}</span>
          </h1>
          <div className="row">
            <Badge intent={badge.intent} icon={badge.icon} title={badge.explanation}>
              {badge.label}
            </Badge>
            <Badge>{drop.format === 'octopus' ? 'Octopus offline drop' : `Native drop v${drop.formatVersion}`}</Badge>
            {drop.release.channel && <Badge>{drop.release.channel}</Badge>}
          </div>
        </div>
        <div className="screen__actions">
          <Button onClick={() => navigate({ name: 'open' })}>Open another</Button>
          <Button appearance="primary" iconAfter="arrow-right" disabled={blocked} onClick={() => navigate({ name: 'variables', dropId: drop.id, tenantId })}>
            Variables
          </Button>
        </div>
      </div>

      {blocked ? (
        <MessageBar intent="error" title="Deployment blocked: invalid signature">
          {badge.explanation} Ask the vendor for a fresh copy of the drop.
        </MessageBar>
      ) : drop.provenance.signature.state === 'unknown-publisher' ? (
        <UnknownPublisherBar drop={drop} keyId={drop.provenance.signature.keyId} explanation={badge.explanation} onTrusted={onChanged} />
      ) : drop.provenance.signature.state !== 'verified' ? (
        <MessageBar intent="warning" title={badge.label}>
          {badge.explanation}
        </MessageBar>
      ) : null}

      <div className="grid-2">
        <Card title="Release" icon="document" labelledBy="ov-release">
          <dl className="facts">
            <dt>Project</dt>
            <dd>
              {drop.project.name} <span className="muted mono small">{drop.project.id}</span>
            </dd>
            <dt>Release</dt>
            <dd>{drop.release.version}</dd>
            {drop.release.created && (
              <>
                <dt>Created</dt>
                <dd>{formatDateTime(drop.release.created)}</dd>
              </>
            )}
            <dt>Publisher</dt>
            <dd>{drop.publisher ?? <span className="muted">not stated</span>}</dd>
            <dt>Signature</dt>
            <dd>{badge.explanation}</dd>
          </dl>
          {drop.release.notes && (
            <div className="stack">
              <h3>Release notes</h3>
              <div className="release-notes">{drop.release.notes}</div>
            </div>
          )}
        </Card>
        <Card title="Target and contents" icon="database" labelledBy="ov-target">
          <dl className="facts">
            <dt>Tenant</dt>
            <dd>
              {drop.target.tenantName} <span className="muted mono small">{drop.target.tenantId}</span>
            </dd>
            <dt>Environment</dt>
            <dd>{drop.target.environment}</dd>
            <dt>Variables</dt>
            <dd>
              {plural(drop.variables.length, 'template')}, {plural(secrets, 'secret')}
            </dd>
            <dt>Files</dt>
            <dd>
              {plural(drop.provenance.fileCount, 'file')}, {formatBytes(drop.provenance.totalSize)}
            </dd>
            <dt>Opened from</dt>
            <dd className="mono small">{drop.provenance.sourcePath}</dd>
            <dt>SHA-256</dt>
            <dd className="mono small">{drop.provenance.sha256 ?? <span className="muted">opened from a folder</span>}</dd>
          </dl>
          <Field label="Deploy for tenant" hint="Normally the drop's own target. Choose another remembered tenant only if the vendor told you to.">
            {(p) => <Select {...p} value={tenantId} onChange={(e) => setTenantId(e.target.value)} options={tenantOptions} />}
          </Field>
        </Card>
      </div>

      <Card title={`Steps (${drop.steps.length})`} icon="play" labelledBy="ov-steps">
        <Table caption="Steps run in this order" captionHidden>
          <thead>
            <tr>
              <th scope="col">#</th>
              <th scope="col">Step</th>
              <th scope="col">Type</th>
              <th scope="col">Package</th>
            </tr>
          </thead>
          <tbody>
            {drop.steps.map((step, index) => (
              <tr key={step.id}>
                <td>{index + 1}</td>
                <td>
                  <div>{step.name}</div>
                  {step.unsupportedReason && <div className="small" style={{ color: 'var(--warning-fg)' }}>{step.unsupportedReason}</div>}
                  {(step.runCondition || step.runConditionNote) && (
                    <div className="small muted" data-testid={`run-condition-${step.id}`}>
                      {RUN_CONDITION_LABELS[step.runCondition ?? 'success']}
                      {step.runConditionNote ? ` (${step.runConditionNote})` : ''}
                    </div>
                  )}
                </td>
                <td>
                  <Badge intent={step.type === 'unsupported' ? 'warning' : 'neutral'}>{STEP_TYPE_LABELS[step.type]}</Badge>
                </td>
                <td className="mono small">{step.package ?? '—'}</td>
              </tr>
            ))}
          </tbody>
        </Table>
      </Card>

      <Card title={`Packages (${drop.packages.length})`} icon="file-zip" labelledBy="ov-packages">
        {drop.packages.length === 0 ? <p className="muted">This drop has no packages; its steps use loose files.</p> : <PackageFactsList packages={drop.packages} />}
      </Card>
    </div>
  );
}
