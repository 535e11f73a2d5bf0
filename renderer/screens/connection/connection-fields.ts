/**
 * The structured connection editor's model: a connection string (possibly holding #{…} templates)
 * read into the fields an SSMS user expects, and written back. Writing edits the keywords in place
 * and keeps every keyword the editor does not show, in order and spelling, so opening and saving a
 * string without touching a field gives back the same pairs ("Advanced: raw connection string"
 * round-trips). It uses the engine's own parser (common/connection-string.ts).
 */
import { canonicalKeyword, connectionStringEntries, joinConnectionString, type ConnectionStringEntry } from '../../../common/connection-string';

export type AuthMethod = 'sql' | 'windows-account' | 'windows-integrated';
export type EncryptChoice = 'mandatory' | 'optional' | 'strict';

export interface ConnectionFields {
  /** host, host\instance, host,port (or a #{…} template). */
  server: string;
  database: string;
  auth: AuthMethod;
  /** SQL login name, or DOMAIN\user for a Windows account. */
  user: string;
  password: string;
  encrypt: EncryptChoice;
  trustServerCertificate: boolean;
}

// The keyword synonyms live in common/connection-string.ts; the editor only names the field each one fills.
const ROLE_BY_CANONICAL: Record<string, keyof ConnectionFields | 'integrated'> = {
  server: 'server',
  database: 'database',
  user: 'user',
  password: 'password',
  integrated: 'integrated',
  encrypt: 'encrypt',
  trust: 'trustServerCertificate',
};
const roleOf = (key: string): keyof ConnectionFields | 'integrated' | undefined => {
  const canonical = canonicalKeyword(key);
  return canonical === undefined ? undefined : ROLE_BY_CANONICAL[canonical];
};

/** Keywords written for fields the string did not have yet (the spelling SSMS and ADO.NET use). */
const NEW_KEY: Record<string, string> = {
  server: 'Server',
  database: 'Database',
  user: 'User Id',
  password: 'Password',
  integrated: 'Integrated Security',
  encrypt: 'Encrypt',
  trustServerCertificate: 'TrustServerCertificate',
};

const yes = (v: string) => ['true', 'yes', 'sspi', '1'].includes(v.trim().toLowerCase());

/** Reads the fields; throws the engine's CONNECTION_STRING_INVALID error when the text is not Keyword=Value pairs. */
export function readConnectionFields(text: string): ConnectionFields {
  const entries = text.trim() ? connectionStringEntries(text) : [];
  const get = (role: string): string | undefined => {
    let found: string | undefined;
    for (const e of entries) if (roleOf(e.key) === role) found = e.value;
    return found;
  };
  const user = get('user') ?? '';
  const integrated = get('integrated');
  let auth: AuthMethod = 'sql';
  if (user.includes('\\')) auth = 'windows-account';
  else if (integrated !== undefined && yes(integrated)) auth = user ? 'windows-account' : 'windows-integrated';
  const encryptText = (get('encrypt') ?? '').trim().toLowerCase();
  const encrypt: EncryptChoice = encryptText === 'strict' ? 'strict' : ['false', 'no', 'optional'].includes(encryptText) ? 'optional' : 'mandatory';
  const trust = get('trustServerCertificate');
  return {
    server: get('server') ?? '',
    database: get('database') ?? '',
    auth,
    user,
    password: get('password') ?? '',
    encrypt,
    trustServerCertificate: trust !== undefined && yes(trust),
  };
}

/** The value each role should have after the edit; undefined removes the keyword. */
function wanted(fields: ConnectionFields, before: ConnectionFields, hadKey: (role: string) => boolean): Record<string, string | undefined> {
  const windowsIntegrated = fields.auth === 'windows-integrated';
  // Keep a keyword that was absent absent while its field still says the default: the string round-trips.
  const encrypt = fields.encrypt === before.encrypt && !hadKey('encrypt') ? undefined : fields.encrypt === 'mandatory' ? 'True' : fields.encrypt === 'optional' ? 'False' : 'Strict';
  const trust = fields.trustServerCertificate === before.trustServerCertificate && !hadKey('trustServerCertificate') ? undefined : fields.trustServerCertificate ? 'True' : 'False';
  return {
    server: fields.server,
    database: fields.database || undefined,
    user: windowsIntegrated ? undefined : fields.user || undefined,
    password: windowsIntegrated ? undefined : fields.password || undefined,
    // Integrated Security stays only for the signed-in-user method; a Windows account is DOMAIN\user + password.
    integrated: windowsIntegrated ? 'SSPI' : undefined,
    encrypt,
    trustServerCertificate: trust,
  };
}

/** Writes the fields into the previous text: known keywords edited in place, others kept as they were. */
export function writeConnectionFields(fields: ConnectionFields, previousText: string): string {
  let entries: ConnectionStringEntry[];
  try {
    entries = previousText.trim() ? connectionStringEntries(previousText) : [];
  } catch {
    entries = [];
  }
  const before = readConnectionFields(joinConnectionString(entries.map((e) => [e.name, e.value])));
  const hadKey = (role: string) => entries.some((e) => roleOf(e.key) === role);
  const values = wanted(fields, before, hadKey);
  const out: Array<[string, string]> = [];
  const written = new Set<string>();
  for (const e of entries) {
    const role = roleOf(e.key);
    if (!role) {
      out.push([e.name, e.value]);
      continue;
    }
    const value = values[role];
    // A repeated keyword: the last one counts for the driver, so the edit replaces them all with one.
    if (value === undefined || written.has(role)) continue;
    out.push([e.name, value]);
    written.add(role);
  }
  for (const role of ['server', 'database', 'integrated', 'user', 'password', 'encrypt', 'trustServerCertificate']) {
    const value = values[role];
    if (value !== undefined && !written.has(role) && (value !== '' || role === 'server')) out.push([NEW_KEY[role]!, value]);
  }
  return joinConnectionString(out);
}

/** Why the fields cannot make a working connection yet (shown under the fields), or null. */
export function fieldsProblem(fields: ConnectionFields): string | null {
  if (!fields.server.trim()) return 'Enter the server: host, host\\instance or host,port.';
  if (fields.auth === 'windows-account' && !/^[^\\]+\\[^\\]+$/.test(fields.user.trim()) && !fields.user.includes('#{')) return 'Write the Windows account as DOMAIN\\user.';
  if (fields.auth === 'sql' && fields.user.includes('\\')) return 'A SQL login has no domain; for DOMAIN\\user choose "Windows account".';
  if (fields.auth !== 'windows-integrated' && !fields.user.trim()) return fields.auth === 'sql' ? 'Enter the SQL login name.' : 'Enter the Windows account (DOMAIN\\user).';
  return null;
}
