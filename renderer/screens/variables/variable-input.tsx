import type { VariableItem } from '../../../common/contract';
import { Select } from '../../ui/select';
import { TypedInput, TypedTextArea } from '../../ui/typed-input';

export interface VariableInputProps {
  item: VariableItem;
  id: string;
  describedBy?: string;
  invalid: boolean;
  value: string;
  onChange: (value: string, eventTimeStamp: number) => void;
}

/** The input that suits a (non-secret) variable's type. Numbers stay text inputs so #{…} references still fit. */
export function VariableInput({ item, id, describedBy, invalid, value, onChange }: VariableInputProps) {
  const common = { id, 'aria-describedby': describedBy, 'aria-invalid': invalid || undefined, 'aria-required': item.required || undefined };
  switch (item.type) {
    case 'boolean':
      return (
        <label className="switch">
          <input {...common} type="checkbox" role="switch" checked={value.toLowerCase() === 'true'} onChange={(e) => onChange(e.target.checked ? 'true' : 'false', e.timeStamp)} />
          <span>{value === '' ? 'Not set' : value.toLowerCase() === 'true' ? 'True' : 'False'}</span>
        </label>
      );
    case 'choice':
      return <Select {...common} value={value} placeholder="Choose…" options={(item.choices ?? []).map((c) => ({ value: c, label: c }))} onChange={(e) => onChange(e.target.value, e.timeStamp)} />;
    case 'multiline':
      return <TypedTextArea {...common} className="textarea" rows={3} value={value} spellCheck={false} onValue={onChange} />;
    case 'number':
      return <TypedInput {...common} className="input input--mono" type="text" inputMode="decimal" value={value} onValue={onChange} />;
    case 'connection-string':
      return <TypedInput {...common} className="input input--mono" type="text" spellCheck={false} autoComplete="off" value={value} onValue={onChange} />;
    default:
      return <TypedInput {...common} className="input" type="text" spellCheck={false} autoComplete="off" value={value} onValue={onChange} />;
  }
}
