import { X509Certificate } from 'node:crypto';
import { createServer, type Server, type Socket } from 'node:net';
import type { WindowsUser } from './ntlm';
import { Encryption } from './prelogin';
import { Recorder, type TdsRecord } from './recorder';
import { ResponderRegistry } from './responder-registry';
import type { ConnectionInfo, ResponderHandle, ResponderSpec } from './responder-types';
import { TableEmulator } from './table-emulator';
import { TdsSession, type SqlLogin } from './tds-session';
import { appLockResponder } from './app-locks';
import { createSelfSignedCertificate } from './self-signed-cert';
import { TdsTransport, type TlsIdentity } from './tls-transport';
import { createBackupEmulation, type BackupEmulation, type BackupEmulationOptions } from './backup-emulation';

/** Options of startTdsServer. */
export interface TdsServerOptions {
  /** TCP port on 127.0.0.1; 0 (default) picks a free one. */
  port?: number;
  /** SQL logins. Undefined: any user/password is accepted (recorded with checked=false). [] rejects every SQL login. */
  logins?: SqlLogin[];
  /** Windows accounts for NTLM. Undefined: any NTLM login is accepted unverified. [] rejects every NTLM login. */
  windowsUsers?: WindowsUser[];
  /** Database used when the login names none; default 'master'. */
  database?: string;
  /** When given, a login naming another database fails with 4060 + 18456. */
  databases?: string[];
  /** Append every record as a JSON line to this file. */
  recordFile?: string;
  /** Responders registered at start (in order; later ones win). */
  responders?: ResponderSpec[];
  /** @@SERVERNAME and the server name in ERROR/INFO tokens; default 'TDSDOUBLE'. */
  serverName?: string;
  /** NetBIOS domain announced in the NTLM challenge; default 'TDSDOUBLE'. */
  ntlmDomain?: string;
  /** PRELOGIN encryption answer: 'not-supported' (default) or 'off'. Both keep the connection in clear text. */
  encryption?: 'not-supported' | 'off';
  /**
   * TLS with a self-signed certificate made at start (or the one given): `true`/'on' encrypts when
   * the client asks (ENCRYPT_ON), and LOGIN7 only when both say ENCRYPT_OFF; 'required' answers
   * ENCRYPT_REQ and refuses a clear-text login. TDS 8 ('strict') clients are served either way.
   */
  tls?: boolean | 'on' | 'required' | (TlsIdentity & { policy?: 'on' | 'required' });
  /** BACKUP / RESTORE emulation settings (backup-emulation.ts): default path, edition, sizes, denied logins. */
  backup?: BackupEmulationOptions;
}

/** A plugin adds responders (and may read server state); e.g. an SSISDB emulation in its own file. */
export interface TdsServerPlugin {
  name: string;
  install(server: TdsServer): void;
}

/** A running TDS double. */
export interface TdsServer {
  readonly host: '127.0.0.1';
  readonly port: number;
  /** Every record so far (login, batch, rpc, transaction, attention, ignored, error), in order. */
  readonly records: TdsRecord[];
  /** Every connection so far, live-updated (open, tranCount, authKind, database...). */
  readonly connections: ConnectionInfo[];
  /** The table emulation (journal tables and the like); see README. */
  readonly tables: TableEmulator;
  /** The certificate (PEM) when TLS is on: a test trusts it through `ca` or NODE_EXTRA_CA_CERTS. */
  readonly certificatePem: string | undefined;
  /** Its SHA-256 fingerprint (AA:BB:…). */
  readonly certificateFingerprint: string | undefined;
  /** BACKUP / RESTORE emulation: files "written", operations answered, and scenario switches (backup-emulation.ts). */
  readonly backups: BackupEmulation;
  /** Registers a responder; the newest matching responder answers first. */
  addResponder(spec: ResponderSpec): ResponderHandle;
  /** Installs a plugin (calls its install with this server). */
  use(plugin: TdsServerPlugin): void;
  /** Forgets in-memory records (the record file keeps growing). */
  clearRecords(): void;
  /** Records of one kind, typed. */
  recordsOf<K extends TdsRecord['kind']>(kind: K): Array<Extract<TdsRecord, { kind: K }>>;
  /** Resolves with the first record (past or future) matching the predicate. */
  waitForRecord(predicate: (r: TdsRecord) => boolean, timeoutMs?: number): Promise<TdsRecord>;
  /** Destroys every client connection (like a server restart seen from the client). */
  dropConnections(): void;
  /** Stops listening and closes every connection. */
  close(): Promise<void>;
}

const VERSION: readonly [number, number, number, number] = [16, 0, 1000, 6];

/** Starts the TDS double on 127.0.0.1 and resolves once it listens. */
export async function startTdsServer(options: TdsServerOptions = {}): Promise<TdsServer> {
  const recorder = new Recorder(options.recordFile);
  const registry = new ResponderRegistry();
  // Built in, and oldest, so a test's own responder for the same call still wins.
  registry.add(appLockResponder(() => connections));
  const tlsOption = options.tls === true ? 'on' : options.tls === false ? undefined : options.tls;
  const made = tlsOption === 'on' || tlsOption === 'required' ? createSelfSignedCertificate(options.serverName ?? 'TDSDOUBLE') : undefined;
  const identity: TlsIdentity | undefined = made ?? (typeof tlsOption === 'object' ? tlsOption : undefined);
  const tlsPolicy = tlsOption === undefined ? undefined : typeof tlsOption === 'object' ? (tlsOption.policy ?? 'on') : tlsOption;
  const tables = new TableEmulator();
  const backupEmulation = createBackupEmulation(() => connections, options.backup);
  for (const spec of backupEmulation.responders) registry.add(spec);
  const sessions = new Set<TdsSession>();
  const sockets = new Set<Socket>();
  const connections: ConnectionInfo[] = [];
  let nextId = 1;
  const serverName = options.serverName ?? 'TDSDOUBLE';
  const settings = {
    logins: options.logins,
    windowsUsers: options.windowsUsers,
    database: options.database ?? 'master',
    databases: options.databases,
    serverName,
    ntlmDomain: options.ntlmDomain ?? 'TDSDOUBLE',
    encryption: options.encryption === 'off' ? Encryption.OFF : Encryption.NOT_SUP,
    tlsPolicy,
    version: VERSION,
    versionText: `Microsoft SQL Server 2022 (RTM) - ${VERSION.join('.')} (X64) -- TDS double for Drop Runner tests`,
  };

  const net: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.setNoDelay(true);
    socket.on('error', () => undefined); // a client reset is normal; 'close' follows
    try {
      const session = new TdsSession(new TdsTransport(socket, identity), nextId++, { settings, recorder, registry, tables });
      sessions.add(session);
      connections.push(session.info);
      socket.on('close', () => {
        sessions.delete(session);
        session.closed();
      });
    } catch (err) {
      recorder.add({ kind: 'error', connectionId: 0, message: `could not start a session: ${err instanceof Error ? err.message : String(err)}` });
      socket.destroy();
    }
  });
  net.on('error', () => undefined);

  await new Promise<void>((resolve, reject) => {
    net.once('error', reject);
    net.listen(options.port ?? 0, '127.0.0.1', () => {
      net.off('error', reject);
      resolve();
    });
  });
  const address = net.address();
  if (address === null || typeof address === 'string') throw new Error('the TDS double did not get a TCP port');

  const server: TdsServer = {
    host: '127.0.0.1',
    port: address.port,
    records: recorder.records,
    connections,
    tables,
    certificatePem: identity?.certPem,
    certificateFingerprint: identity ? new X509Certificate(identity.certPem).fingerprint256 : undefined,
    backups: backupEmulation.state,
    addResponder: (spec) => registry.add(spec),
    use: (plugin) => plugin.install(server),
    clearRecords: () => recorder.clear(),
    recordsOf: <K extends TdsRecord['kind']>(kind: K) => recorder.records.filter((r): r is Extract<TdsRecord, { kind: K }> => r.kind === kind),
    waitForRecord: (predicate, timeoutMs) => recorder.waitFor(predicate, timeoutMs),
    dropConnections: () => {
      for (const s of sockets) s.destroy();
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        net.close(() => resolve());
      }),
  };
  for (const spec of options.responders ?? []) registry.add(spec);
  return server;
}
