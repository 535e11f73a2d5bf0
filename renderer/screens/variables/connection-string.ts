/**
 * A read-only preview of an ADO.NET / ODBC style SQL Server connection string (pure, no Node): server,
 * database and authentication, so the engineer can see what a long string points at. Passwords are
 * recognised only to be left out.
 */

export interface ConnectionPreview {
  server?: string;
  database?: string;
  authentication?: string;
  user?: string;
  encrypt?: string;
  problem?: string;
}

const KEYS: Record<string, 'server' | 'database' | 'integrated' | 'user' | 'authentication' | 'encrypt' | 'password'> = {
  server: 'server',
  'data source': 'server',
  address: 'server',
  addr: 'server',
  'network address': 'server',
  database: 'database',
  'initial catalog': 'database',
  'integrated security': 'integrated',
  trusted_connection: 'integrated',
  'user id': 'user',
  uid: 'user',
  user: 'user',
  username: 'user',
  authentication: 'authentication',
  encrypt: 'encrypt',
  password: 'password',
  pwd: 'password',
};

/** Splits `key=value;…` honouring "double", 'single' and {brace} quoting. */
export function splitConnectionString(input: string): Array<[string, string]> | null {
  const pairs: Array<[string, string]> = [];
  let i = 0;
  const s = input;
  while (i < s.length) {
    while (i < s.length && (s[i] === ';' || s[i] === ' ' || s[i] === '\t' || s[i] === '\n' || s[i] === '\r')) i++;
    if (i >= s.length) break;
    const eq = s.indexOf('=', i);
    if (eq === -1) return null;
    const key = s.slice(i, eq).trim().toLowerCase();
    i = eq + 1;
    while (i < s.length && s[i] === ' ') i++;
    let value = '';
    const open = s[i];
    if (open === '"' || open === "'" || open === '{') {
      const close = open === '{' ? '}' : open;
      i++;
      for (;;) {
        if (i >= s.length) return null;
        if (s[i] === close) {
          // A doubled closing quote is an escaped quote inside the value.
          if (s[i + 1] === close) {
            value += close;
            i += 2;
            continue;
          }
          i++;
          break;
        }
        value += s[i];
        i++;
      }
      while (i < s.length && s[i] !== ';') i++;
    } else {
      const end = s.indexOf(';', i);
      value = (end === -1 ? s.slice(i) : s.slice(i, end)).trim();
      i = end === -1 ? s.length : end;
    }
    if (!key) return null;
    pairs.push([key, value]);
  }
  return pairs;
}

/** Parses a connection string into the facts worth previewing, or a problem explaining why it can't. */
export function parseConnectionString(input: string): ConnectionPreview {
  const pairs = splitConnectionString(input);
  if (!pairs) return { problem: 'Not a connection string: expected key=value pairs separated by semicolons (check quotes).' };
  const preview: ConnectionPreview = {};
  let integrated = false;
  for (const [rawKey, value] of pairs) {
    const key = KEYS[rawKey];
    if (key === 'server') preview.server = value;
    else if (key === 'database') preview.database = value;
    else if (key === 'integrated') integrated = /^(true|yes|sspi)$/i.test(value);
    else if (key === 'user') preview.user = value;
    else if (key === 'authentication') preview.authentication = value;
    else if (key === 'encrypt') preview.encrypt = value;
  }
  if (!preview.server) return { ...preview, problem: 'The connection string names no server (Server=… or Data Source=…).' };
  if (!preview.authentication) {
    preview.authentication = integrated ? 'Windows (integrated)' : preview.user ? 'SQL Server login' : 'Not specified';
  }
  return preview;
}
