import { memo, useId, useState } from 'react';
import type { VariableItem } from '../../../common/contract';
import type { ErrorShape } from '../../../common/errors';
import { Badge } from '../../ui/badge';
import { Button } from '../../ui/button';
import { Icon } from '../../ui/icons';
import { ConnectionEditor } from '../connection/connection-editor';
import { SecretInput } from './secret-input';
import { VariableInput } from './variable-input';
import { SOURCE_LABELS, STATUS_BADGES, validateValue } from './variable-model';

export interface VariableRowProps {
  item: VariableItem;
  /** The unsaved value, or undefined when the shown value is the saved one. */
  draftValue: string | undefined;
  onChange: (name: string, value: string | undefined, eventTimeStamp: number) => void;
  reveal: (name: string) => Promise<{ ok: true; value: string } | { ok: false; error: ErrorShape }>;
}

/**
 * One variable: label, status and source, the input for its type, and what is wrong with the value. Memoised:
 * typing in one row re-renders that row only, which keeps 500 rows responsive.
 */
export const VariableRow = memo(function VariableRow({ item, draftValue, onChange, reveal }: VariableRowProps) {
  const id = useId();
  const [revealError, setRevealError] = useState<ErrorShape | null>(null);
  const value = draftValue ?? item.value ?? '';
  const problem = draftValue !== undefined ? validateValue(item, draftValue) : item.problem;
  const status = STATUS_BADGES[item.status];
  const source = draftValue !== undefined ? 'entered' : item.source;
  const describedBy = [problem ? `${id}-problem` : '', item.help ? `${id}-help` : '', `${id}-source`].filter(Boolean).join(' ');
  const secret = item.sensitive || item.type === 'sensitive';
  const canReset = !secret && item.defaultValue !== undefined && value !== item.defaultValue;

  return (
    <div className={['var-row', problem && 'var-row--problem'].filter(Boolean).join(' ')} data-variable={item.name}>
      <div className="var-row__meta">
        <label className="var-row__label" htmlFor={id}>
          {item.label}
          {item.required && (
            <span className="field__required" aria-label="required">
              *
            </span>
          )}
        </label>
        <span className="var-row__name mono">{item.name}</span>
        <span className="row var-row__badges">
          {status && (
            <Badge intent={status.intent} icon={status.icon} title={status.title}>
              {status.label}
            </Badge>
          )}
          {secret && <Badge icon="lock">Secret</Badge>}
          {item.status === 'default-changed' && item.previousDefault !== undefined && (
            <span className="small muted" title="Default in the previous release">
              was <code>{item.previousDefault || '(empty)'}</code>
            </span>
          )}
        </span>
        {item.help && (
          <span className="var-row__help" id={`${id}-help`}>
            {item.help}
          </span>
        )}
      </div>
      <div className="var-row__value">
        {item.type === 'connection-string' ? (
          <ConnectionEditor id={id} item={item} draftValue={draftValue} describedBy={describedBy} onChange={(v, t) => onChange(item.name, v, t)} reveal={() => reveal(item.name)} />
        ) : secret ? (
          <SecretInput
            id={id}
            label={item.label}
            describedBy={describedBy}
            invalid={Boolean(problem)}
            draftValue={draftValue}
            hasStoredValue={item.hasValue}
            onChange={(v, t) => onChange(item.name, v, t)}
            reveal={() => reveal(item.name)}
            onRevealError={setRevealError}
          />
        ) : (
          <VariableInput item={item} id={id} describedBy={describedBy} invalid={Boolean(problem)} value={value} onChange={(v, t) => onChange(item.name, v, t)} />
        )}
        {problem && (
          <div className="field__error" id={`${id}-problem`}>
            <Icon name="error" />
            <span>{problem}</span>
          </div>
        )}
        {revealError && (
          <div className="field__error">
            <Icon name="error" />
            <span>
              <code>{revealError.code}</code> {revealError.message} {revealError.hint}
            </span>
          </div>
        )}
        <div className="var-row__source small" id={`${id}-source`}>
          <span className={`source-tag source-tag--${source}`}>Source: {SOURCE_LABELS[source]}</span>
          {draftValue !== undefined && (
            <Button size="small" appearance="subtle" onClick={(e) => onChange(item.name, undefined, e.timeStamp)}>
              Undo
            </Button>
          )}
          {canReset && (
            <Button size="small" appearance="subtle" onClick={(e) => onChange(item.name, item.defaultValue ?? '', e.timeStamp)}>
              Use drop default
            </Button>
          )}
        </div>
      </div>
    </div>
  );
});
