import { useState } from 'react';
import type { PlanStep } from '../../../common/contract';
import { RUN_CONDITION_LABELS } from '../../../common/drop-model';
import { Badge } from '../../ui/badge';
import { Checkbox } from '../../ui/checkbox';
import { CollapsibleGroup } from '../../ui/collapsible-group';
import { ErrorBar, MessageBar } from '../../ui/message-bar';
import { Table } from '../../ui/table';
import { STEP_TYPE_LABELS } from '../overview/overview-model';
import { StepConnectionTest } from '../connection/step-connection-test';

/** Each step with what it will do (dry run) and whether it is transactional; unsupported steps ask to be skipped. */
export function PlanSteps({ steps, acknowledged, onAcknowledge }: { steps: PlanStep[]; acknowledged: ReadonlySet<string>; onAcknowledge: (stepId: string, on: boolean) => void }) {
  const [open, setOpen] = useState<ReadonlySet<string>>(() => new Set(steps.filter((s) => s.type === 'unsupported' || s.dryRun.error).map((s) => s.id)));
  return (
    <div className="stack">
      {steps.map((step, index) => (
        <CollapsibleGroup
          key={step.id}
          open={open.has(step.id)}
          onToggle={() =>
            setOpen((prev) => {
              const next = new Set(prev);
              if (next.has(step.id)) next.delete(step.id);
              else next.add(step.id);
              return next;
            })
          }
          title={
            <span className="row">
              <span>
                {index + 1}. {step.name}
              </span>
              <Badge intent={step.type === 'unsupported' ? 'warning' : 'neutral'}>{STEP_TYPE_LABELS[step.type]}</Badge>
              {step.type === 'unsupported' && acknowledged.has(step.id) && <Badge intent="warning">will be skipped</Badge>}
              {step.runCondition && (
                <Badge intent="brand" title={[RUN_CONDITION_LABELS[step.runCondition], step.runConditionNote].filter(Boolean).join(' — ')}>
                  {step.runCondition === 'always' ? 'always runs' : 'runs on failure'}
                </Badge>
              )}
            </span>
          }
          aside={<span className="muted small">{step.dryRun.summary}</span>}
        >
          <div className="plan-step">
            {step.type === 'unsupported' ? (
              <MessageBar intent="warning" title="Drop Runner cannot run this step">
                <span>{step.unsupportedReason ?? 'Its type is not supported.'}</span>
                <Checkbox
                  label="Skip this step — it will be done another way, and the report will say it was skipped"
                  checked={acknowledged.has(step.id)}
                  onChange={(e) => onAcknowledge(step.id, e.target.checked)}
                />
              </MessageBar>
            ) : (
              <p className="muted small">
                Transactional: <strong>{step.transactional}</strong>
              </p>
            )}
            {typeof step.settings.connection === 'string' && <StepConnectionTest stepId={step.id} />}
            {step.dryRun.error && <ErrorBar title="Dry run failed" error={step.dryRun.error} />}
            {step.dryRun.items.length > 0 && (
              <Table caption={`What "${step.name}" will do`} captionHidden compact>
                <thead>
                  <tr>
                    <th scope="col">Item</th>
                    <th scope="col">Action</th>
                    <th scope="col">Detail</th>
                  </tr>
                </thead>
                <tbody>
                  {step.dryRun.items.map((item, i) => (
                    <tr key={`${item.label}/${i}`}>
                      <td className="mono small wrap-anywhere">{item.label}</td>
                      <td>{item.action}</td>
                      <td className="small muted wrap-anywhere">{item.detail ?? ''}</td>
                    </tr>
                  ))}
                </tbody>
              </Table>
            )}
            {Object.keys(step.settings).length > 0 && (
              <details className="plan-settings">
                <summary>Settings (resolved; secrets masked)</summary>
                <pre>{JSON.stringify(step.settings, null, 2)}</pre>
              </details>
            )}
          </div>
        </CollapsibleGroup>
      ))}
    </div>
  );
}
