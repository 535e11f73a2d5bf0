import { parseConnectionString } from './connection-string';

/** Server, database and authentication read from a connection string, shown under the input. */
export function ConnectionPreview({ value }: { value: string }) {
  if (!value.trim() || value.includes('#{')) return null;
  const preview = parseConnectionString(value);
  if (preview.problem) return null;
  return (
    <dl className="conn-preview" aria-label="Connection string preview">
      <dt>Server</dt>
      <dd>{preview.server}</dd>
      <dt>Database</dt>
      <dd>{preview.database ?? <span className="muted">default</span>}</dd>
      <dt>Authentication</dt>
      <dd>
        {preview.authentication}
        {preview.user ? ` (${preview.user})` : ''}
      </dd>
    </dl>
  );
}
