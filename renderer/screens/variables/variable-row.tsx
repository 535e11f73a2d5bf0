import { memo, useId, useState } from 'react';
import type { VariableItem } from '../../../common/contract';
import type { ErrorShape } from '../../../common/errors';
import { Badge } from '../../ui/badge';
import { Button } from '../../ui/button';
import { Icon } from '../../ui/icons';
import { ConnectionEditor } from '../connection/connection-editor';
import { SecretInput } from './secret-input';
import { VariableInput } from './variable-input';
import type { DefaultDecision } from '../../../common/variable-state';
import { describeOrigin } from '../../../common/variable-state';
import { rowState, STATE_BADGES, validateValue } from './variable-model';

export interface VariableRowProps {
  item: VariableItem;
  /** The unsaved value, or undefined when the shown value is the saved one. */
  draftValue: string | undefined;
  onChange: (name: string, value: string | undefined, eventTimeStamp: number) => void;
  reveal: (name: string) => Promise<{ ok: true; value: string } | { ok: false; error: ErrorShape }>;
  /** Answers a changed default (variables.decide); absent where decisions are not offered. */
  onDecide?: (name: string, decision: DefaultDecision) => void;
}

/** Said in a secret's placeholder: only a value the tenant remembered is in the keychain. */
const STORED_WHERE: Record<VariableItem['source'], string> = {
  remembered: 'stored in the keychain',
  'drop-default': "the drop's default (not in the keychain)",
  'drop-baked': 'set in the drop (not in the keychain)',
  entered: 'typed for this run (not in the keychain)',
  none: 'not set',
};

/**
 * One variable: label, status and source, the input for its type, and what is wrong with the value. Memoised:
 * typing in one row re-renders that row only, which keeps 500 rows responsive.
 */
export const VariableRow = memo(function VariableRow({ item, draftValue, onChange, reveal, onDecide }: VariableRowProps) {
  const id = useId();
  const [revealError, setRevealError] = useState<ErrorShape | null>(null);
  const value = draftValue ?? item.value ?? '';
  const problem = draftValue !== undefined ? validateValue(item, draftValue) : item.problem;
  const state = rowState(item, draftValue);
  const status = STATE_BADGES[state];
  const source = draftValue !== undefined ? 'entered' : item.source;
  const origin = draftValue !== undefined ? describeOrigin(source, item.sensitive || item.type === 'sensitive', true) : item.origin;
  const shownValue = (v: string | undefined) => (v === undefined ? '' : ` (${v === '' ? 'empty' : v})`);
  const describedBy = [problem ? `${id}-problem` : '', item.help ? `${id}-help` : '', `${id}-source`].filter(Boolean).join(' ');
  const secret = item.sensitive || item.type === 'sensitive';
  const canReset = !secret && item.defaultValue !== undefined && value !== item.defaultValue;

  return (
    <div className={['var-row', problem && 'var-row--problem'].filter(Boolean).join(' ')} data-variable={item.name} data-state={state}>
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
          {state === 'decided' && item.decision && (
            <span className="small muted" data-decision={item.decision}>
              {item.decision === 'keep-previous' ? `kept the previous value${shownValue(item.previousValue)}` : `using the new default${shownValue(item.defaultValue)}`}
            </span>
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
            storedWhere={STORED_WHERE[item.source]}
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
        {state === 'default-changed' && onDecide && (
          <div className="row var-row__decide" role="group" aria-label={`Changed default of ${item.label}`}>
            <Button size="small" onClick={() => onDecide(item.name, 'keep-previous')}>
              Keep previous value{secret ? '' : shownValue(item.previousValue)}
            </Button>
            <Button size="small" onClick={() => onDecide(item.name, 'use-new')}>
              Use new default{secret ? '' : shownValue(item.defaultValue)}
            </Button>
          </div>
        )}
        {!secret && item.defaultValue !== undefined && item.defaultValue.includes('#{') && (
          <div className="var-row__default small" data-testid="resolved-default">
            Default <code>{item.defaultValue}</code>
            {item.resolvedDefault !== undefined && (
              <>
                {' '}
                → <code>{item.resolvedDefault}</code>
              </>
            )}
          </div>
        )}
        <div className="var-row__source small" id={`${id}-source`}>
          <span className={`source-tag source-tag--${source}`}>Source: {origin}</span>
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
