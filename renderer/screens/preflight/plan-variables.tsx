import type { PlanView } from '../../../common/contract';
import { Badge } from '../../ui/badge';
import { Table } from '../../ui/table';
import { SOURCE_LABELS } from '../variables/variable-model';

/** The resolved values the deployment will use, with their sources; secrets arrive already masked. */
export function PlanVariables({ variables }: { variables: PlanView['variables'] }) {
  return (
    <Table caption="Resolved values" captionHidden compact>
      <thead>
        <tr>
          <th scope="col">Name</th>
          <th scope="col">Value</th>
          <th scope="col">Source</th>
        </tr>
      </thead>
      <tbody>
        {variables.map((v) => (
          <tr key={v.name}>
            <td className="mono small">{v.name}</td>
            <td className="mono small wrap-anywhere">
              {v.sensitive ? (
                <Badge icon="lock">secret</Badge>
              ) : (
                v.value || <span className="muted">(empty)</span>
              )}
            </td>
            <td className="small">{SOURCE_LABELS[v.source]}</td>
          </tr>
        ))}
      </tbody>
    </Table>
  );
}
