/**
 * Parses SQL Server (ADO.NET / SqlClient) connection strings into the settings our SQL engine uses.
 * Hospital IT hands these over as text, and Octopus step templates carry them as one parameter, so the
 * parser accepts the SqlClient synonyms (Data Source, Initial Catalog, UID, PWD, Trusted_Connection …),
 * quoted values and `host\instance,port` server forms.
 */
import { AppError } from './errors';

export type SqlAuthentication = 'sql' | 'windows' | 'azure-ad-password' | 'azure-ad-integrated' | 'azure-ad-managed' | 'azure-ad-service-principal' | 'unspecified';

export interface ConnectionSettings {
  /** Host name or address (`.` and `(local)` become `localhost`). */
  server: string;
  instance?: string;
  port?: number;
  /** Network protocol prefix when given (`tcp:`, `np:`, `lpc:`). */
  protocol?: 'tcp' | 'np' | 'lpc';
  database?: string;
  authentication: SqlAuthentication;
  user?: string;
  /** Set when the user is written `DOMAIN\user` (Windows/NTLM credentials). */
  domain?: string;
  password?: string;
  encrypt?: boolean | 'strict';
  trustServerCertificate?: boolean;
  connectTimeoutSeconds?: number;
  applicationName?: string;
  multiSubnetFailover?: boolean;
  /** Integrated Security=SSPI/true or Trusted_Connection=yes: the signed-in Windows user. */
  integrated?: boolean;
  /** Keywords we do not interpret, lower-cased, so callers can warn or pass them on. */
  other: Record<string, string>;
}

const SYNONYMS: Record<string, string> = {
  server: 'server',
  'data source': 'server',
  address: 'server',
  addr: 'server',
  'network address': 'server',
  database: 'database',
  'initial catalog': 'database',
  'user id': 'user',
  userid: 'user',
  uid: 'user',
  user: 'user',
  'user name': 'user',
  password: 'password',
  pwd: 'password',
  'integrated security': 'integrated',
  trusted_connection: 'integrated',
  encrypt: 'encrypt',
  trustservercertificate: 'trust',
  'trust server certificate': 'trust',
  'connect timeout': 'timeout',
  'connection timeout': 'timeout',
  timeout: 'timeout',
  'application name': 'app',
  app: 'app',
  multisubnetfailover: 'msf',
  'multi subnet failover': 'msf',
  authentication: 'auth',
};

/** The canonical name of a connection-string keyword ('data source' → 'server'), undefined for keywords we do not interpret. */
export function canonicalKeyword(key: string): string | undefined {
  return Object.hasOwn(SYNONYMS, key.trim().toLowerCase()) ? SYNONYMS[key.trim().toLowerCase()] : undefined;
}

/** Writes one value so it reads back unchanged: quoted (with `""` for `"`) when it holds `;`, quotes, `=` or edge spaces. */
export function quoteConnectionValue(value: string): string {
  return /[;"'=]|^\s|\s$/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** Writes `key=value;…` so that splitConnectionString reads back exactly these pairs. */
export function joinConnectionString(pairs: Iterable<[string, string]>): string {
  return [...pairs].map(([key, value]) => `${key.replace(/=/g, '==')}=${quoteConnectionValue(value)}`).join(';');
}

/**
 * For display of a string that does not parse (mid-edit, an unterminated quote): everything after the
 * first Password=/Pwd= is replaced by `mask`, since where that value ends cannot be known.
 */
export function maskUnparsedPassword(text: string, mask: string): string {
  return text.replace(/((?:^|;)\s*(?:password|pwd)\s*=).*$/is, `$1${mask}`);
}

/** One `Keyword=Value` of a connection string: `key` normalised (lower case, single spaces), `name` as written. */
export interface ConnectionStringEntry {
  key: string;
  name: string;
  value: string;
}

/** Splits `key=value;…` honouring quoted values; keys are lower-cased and trimmed, later keys win. */
export function splitConnectionString(text: string): Map<string, string> {
  return new Map(connectionStringEntries(text).map((e) => [e.key, e.value]));
}

/** The settings of a connection string in order, with the keywords as written (a rewrite keeps the vendor's spelling). */
export function connectionStringEntries(text: string): ConnectionStringEntry[] {
  const pairs: ConnectionStringEntry[] = [];
  let i = 0;
  const n = text.length;
  while (i < n) {
    while (i < n && (text[i] === ';' || /\s/.test(text[i]!))) i++;
    if (i >= n) break;
    let key = '';
    // `==` inside a key stands for a literal '='.
    while (i < n) {
      if (text[i] === '=' && text[i + 1] === '=') {
        key += '=';
        i += 2;
      } else if (text[i] === '=' || text[i] === ';') break;
      else key += text[i++];
    }
    const name = key.trim();
    key = name.toLowerCase().replace(/\s+/g, ' ');
    // The text is not quoted back: an unquoted password containing ';' lands here.
    if (text[i] !== '=') throw invalid(`setting number ${pairs.length + 1} has no "=" and value`, 'Write each setting as Keyword=Value, separated by ";"; quote values that contain ";" (Password="a;b").');
    if (!key) throw invalid('a value has no keyword before "="', 'Write each setting as Keyword=Value, separated by ";".');
    i++;
    while (i < n && /[ \t]/.test(text[i]!)) i++;
    let value = '';
    const q = text[i];
    if (q === '"' || q === "'") {
      i++;
      for (;;) {
        if (i >= n) throw invalid(`the value of "${key}" has an opening ${q} but no closing one`, `Close the quoted value; write ${q}${q} for a literal ${q} inside it.`);
        if (text[i] === q) {
          if (text[i + 1] === q) {
            value += q;
            i += 2;
            continue;
          }
          i++;
          break;
        }
        value += text[i++];
      }
      while (i < n && /\s/.test(text[i]!)) i++;
      if (i < n && text[i] !== ';') throw invalid(`unexpected text after the quoted value of "${key}"`, 'Put a ";" after the closing quote.');
    } else {
      const end = text.indexOf(';', i);
      value = (end === -1 ? text.slice(i) : text.slice(i, end)).trim();
      i = end === -1 ? n : end;
    }
    pairs.push({ key, name, value });
  }
  return pairs;
}

/** Parses a SQL Server connection string; throws CONNECTION_STRING_INVALID naming the offending part. */
export function parseConnectionString(text: string): ConnectionSettings {
  const pairs = splitConnectionString(text);
  const known: Record<string, string> = {};
  const other: Record<string, string> = {};
  for (const [k, v] of pairs) {
    const canonical = SYNONYMS[k];
    if (canonical) known[canonical] = v;
    else other[k] = v;
  }
  const serverText = known.server?.trim();
  if (!serverText) throw invalid('it has no Server (or Data Source)', 'Add Server=<host>[\\instance][,port] to the connection string.');
  const settings: ConnectionSettings = { ...parseServer(serverText), authentication: 'unspecified', other };
  if (known.database) settings.database = known.database;
  if (known.user) {
    const slash = known.user.indexOf('\\');
    if (slash > 0) {
      settings.domain = known.user.slice(0, slash);
      settings.user = known.user.slice(slash + 1);
    } else settings.user = known.user;
  }
  if (known.password !== undefined && known.password !== '') settings.password = known.password;
  const integrated = known.integrated === undefined ? false : known.integrated.toLowerCase() === 'sspi' || parseBool(known.integrated, 'Integrated Security');
  if (known.auth) settings.authentication = parseAuthentication(known.auth);
  else if (integrated) settings.authentication = 'windows';
  else if (settings.user) settings.authentication = settings.domain ? 'windows' : 'sql';
  if (integrated) settings.integrated = true;
  if (known.encrypt !== undefined) {
    const e = known.encrypt.toLowerCase();
    settings.encrypt = e === 'strict' ? 'strict' : e === 'mandatory' ? true : e === 'optional' ? false : parseBool(known.encrypt, 'Encrypt');
  }
  if (known.trust !== undefined) settings.trustServerCertificate = parseBool(known.trust, 'TrustServerCertificate');
  if (known.msf !== undefined) settings.multiSubnetFailover = parseBool(known.msf, 'MultiSubnetFailover');
  if (known.timeout !== undefined) {
    if (!/^\d+$/.test(known.timeout)) throw invalid(`Connect Timeout "${known.timeout}" is not a whole number of seconds`, 'Use a whole number of seconds, e.g. Connect Timeout=30.');
    settings.connectTimeoutSeconds = Number(known.timeout);
  }
  if (known.app) settings.applicationName = known.app;
  return settings;
}

/** A one-line description safe to show and log (never the password). */
export function describeConnection(s: ConnectionSettings): string {
  let where = s.server + (s.instance ? `\\${s.instance}` : '') + (s.port ? `,${s.port}` : '');
  if (s.database) where += ` / ${s.database}`;
  const who =
    s.authentication === 'windows'
      ? `Windows authentication${s.user ? ` as ${s.domain ? `${s.domain}\\` : ''}${s.user}` : ''}`
      : s.authentication === 'sql'
        ? `SQL login ${s.user}`
        : s.authentication === 'unspecified'
          ? 'no authentication given'
          : `${s.authentication}${s.user ? ` as ${s.user}` : ''}`;
  return `${where} (${who})`;
}

function parseServer(text: string): Pick<ConnectionSettings, 'server' | 'instance' | 'port' | 'protocol'> {
  let rest = text;
  let protocol: ConnectionSettings['protocol'];
  const proto = /^(tcp|np|lpc|admin):/i.exec(rest);
  if (proto) {
    const p = proto[1]!.toLowerCase();
    if (p !== 'admin') protocol = p as ConnectionSettings['protocol'];
    rest = rest.slice(proto[0].length);
  }
  if (protocol === 'np') return { server: rest, protocol };
  let port: number | undefined;
  const comma = rest.lastIndexOf(',');
  if (comma !== -1) {
    const portText = rest.slice(comma + 1).trim();
    port = Number(portText);
    if (!/^\d+$/.test(portText) || port < 1 || port > 65535) throw invalid(`the port "${portText}" in Server is not a number from 1 to 65535`, 'Write the server as host,port (e.g. db01,1433) or host\\instance.');
    rest = rest.slice(0, comma).trim();
  }
  let instance: string | undefined;
  const slash = rest.indexOf('\\');
  if (slash !== -1) {
    instance = rest.slice(slash + 1).trim();
    rest = rest.slice(0, slash).trim();
    if (!instance) throw invalid('the instance name after "\\" in Server is empty', 'Write the server as host\\instance, or drop the "\\".');
  }
  let server = rest.trim();
  if (server === '.' || server.toLowerCase() === '(local)') server = 'localhost';
  if (!server) throw invalid('the host part of Server is empty', 'Write the server as host, host\\instance or host,port.');
  return { server, ...(instance ? { instance } : {}), ...(port !== undefined ? { port } : {}), ...(protocol ? { protocol } : {}) };
}

function parseBool(value: string, key: string): boolean {
  const v = value.trim().toLowerCase();
  if (v === 'true' || v === 'yes') return true;
  if (v === 'false' || v === 'no') return false;
  throw invalid(`${key} "${value}" is not true/false/yes/no`, `Set ${key}=true or ${key}=false.`);
}

function parseAuthentication(value: string): SqlAuthentication {
  const v = value.toLowerCase().replace(/[\s_-]/g, '');
  if (v === 'sqlpassword' || v === 'sqlauthentication') return 'sql';
  if (v === 'activedirectorypassword' || v === 'azureadpassword') return 'azure-ad-password';
  if (v === 'activedirectoryintegrated' || v === 'azureadintegrated') return 'azure-ad-integrated';
  if (v === 'activedirectorymanagedidentity' || v === 'activedirectorymsi' || v === 'azureadmanaged') return 'azure-ad-managed';
  if (v === 'activedirectoryserviceprincipal' || v === 'azureadserviceprincipal') return 'azure-ad-service-principal';
  if (v === 'windowsintegrated' || v === 'windows' || v === 'sspi') return 'windows';
  throw invalid(`Authentication "${value}" is not a method Drop Runner knows`, 'Use SqlPassword, ActiveDirectoryPassword, ActiveDirectoryIntegrated, ActiveDirectoryManagedIdentity or ActiveDirectoryServicePrincipal, or Integrated Security=true for Windows authentication.');
}

function invalid(what: string, hint: string): AppError {
  // The message names the part that is wrong but never repeats the whole string: it may hold a password.
  return new AppError('CONNECTION_STRING_INVALID', `The connection string is not valid: ${what}.`, hint);
}
