import type { TdsTransport } from './tls-transport';
import { readAllHeaders } from './all-headers';
import { ByteReader } from './byte-reader';
import { parseLogin7, type Login7Request } from './login7';
import { buildNtlmChallenge, isNtlmMessage, verifyNtlmAuthenticate, type NtlmChallenge, type WindowsUser } from './ntlm';
import { frameMessage, MessageAssembler, PacketStatus, PacketType, type TdsMessage } from './packet';
import { buildPreloginResponse, Encryption, parsePrelogin } from './prelogin';
import { TdsProtocolError } from './protocol-error';
import { recordParams, type AuthKind, type NewRecord, type Recorder, type TdsRecord } from './recorder';
import type { ResponderRegistry } from './responder-registry';
import type { ConnectionInfo, ResponseSpec, TdsRequest } from './responder-types';
import { ResponseWriter } from './response-writer';
import { nameFromDeclaration, unwrapScript, type UnwrappedScript } from './declared-parameters';
import { parseRpc, type RpcParam } from './rpc-parser';
import { parseSqlBatch } from './sql-batch';
import { runStatements, type EngineSession } from './statement-engine';
import { parseStatements, type Statement } from './statement-parser';
import type { TableEmulator } from './table-emulator';
import { DoneStatus, doneToken, envChangeBinary, envChangeText, EnvType, errorToken, infoToken, loginAckToken, sspiToken } from './token-writer';
import { TransactionState } from './transaction-state';
import { DEFAULT_COLLATION } from './type-info';
import type { SqlValue } from './value-codec';

/** A SQL login the double accepts. */
export interface SqlLogin {
  user: string;
  password: string;
}

/** Settings shared by every session of one server. */
export interface SessionSettings {
  logins: SqlLogin[] | undefined;
  windowsUsers: WindowsUser[] | undefined;
  database: string;
  databases: string[] | undefined;
  serverName: string;
  ntlmDomain: string;
  /** PRELOGIN answer when the server has no certificate (or the client cannot encrypt). */
  encryption: number;
  /** With a certificate: 'on' encrypts when the client asks; 'required' answers ENCRYPT_REQ. */
  tlsPolicy: 'on' | 'required' | undefined;
  version: readonly [number, number, number, number];
  versionText: string;
}

/** Collaborators a session needs from its server. */
export interface SessionDeps {
  settings: SessionSettings;
  recorder: Recorder;
  registry: ResponderRegistry;
  tables: TableEmulator;
}

const TDS_7_4 = 0x74000004;

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
/** A record as a session writes it; the connection id is added by the session. */
type SessionRecord = DistributiveOmit<NewRecord, 'connectionId'>;

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

function tdsVersionText(v: number): string {
  return `0x${v.toString(16).padStart(8, '0')}`;
}

/**
 * One client connection: PRELOGIN → LOGIN7 (SQL or NTLM) → requests. Requests are answered one at
 * a time in arrival order; an ATTENTION aborts the request in flight, whose response is then
 * completed, followed by a separate message carrying DONE with the ATTN bit (what tedious expects).
 */
export class TdsSession {
  readonly info: ConnectionInfo;
  private state: 'prelogin' | 'login' | 'ntlm' | 'loggedIn' | 'closed' = 'prelogin';
  private readonly assembler = new MessageAssembler();
  private chain: Promise<void> = Promise.resolve();
  private readonly inflight = new Map<AbortController, number | undefined>();
  private packetSize = 4096;
  private pendingLogin: Login7Request | undefined;
  private challenge: NtlmChallenge | undefined;
  private loginDatabase = 'master';
  private readonly engine: EngineSession;
  private lastRequestSeq: number | undefined;

  constructor(
    private readonly socket: TdsTransport,
    id: number,
    private readonly deps: SessionDeps,
  ) {
    this.info = { id, open: true, loggedIn: false, database: deps.settings.database, tranCount: 0, remotePort: socket.remotePort };
    const txn = new TransactionState(id, deps.tables, (op, source, tranCount, name, isolationLevel) => {
      this.info.tranCount = tranCount;
      this.record({ kind: 'transaction', op, source, tranCount, ...(name ? { name } : {}), ...(isolationLevel !== undefined ? { isolationLevel } : {}) });
    });
    this.engine = { connection: this.info, txn, nocount: false, lastIdentity: null, serverName: deps.settings.serverName, version: deps.settings.versionText, productVersion: deps.settings.version.join('.') };
    socket.onData = (chunk) => this.onData(chunk);
    socket.onFailure = (err) => this.fail(err);
  }

  /** Called by the server when the TCP socket closes. */
  closed(): void {
    this.onClose();
  }

  private record(r: SessionRecord): TdsRecord {
    const who = this.info.authKind ? { authKind: this.info.authKind, user: this.info.user } : {};
    return this.deps.recorder.add({ connectionId: this.info.id, ...who, ...r } as NewRecord);
  }

  /** Closes the connection from the server side. */
  destroy(): void {
    this.socket.destroy();
  }

  private onClose(): void {
    this.info.open = false;
    this.state = 'closed';
    for (const ac of this.inflight.keys()) ac.abort();
    this.engine.txn.abandon();
    this.info.tranCount = 0;
  }

  private onData(chunk: Buffer): void {
    if (this.state === 'closed') return;
    let messages: TdsMessage[];
    try {
      messages = this.assembler.push(chunk);
    } catch (err) {
      this.fail(err);
      return;
    }
    for (const msg of messages) this.dispatch(msg);
  }

  private fail(err: unknown): void {
    if (this.state === 'closed') return;
    const message = err instanceof Error ? err.message : String(err);
    this.record({ kind: 'error', message: err instanceof TdsProtocolError ? `protocol error: ${message}` : `internal error: ${message}` });
    this.state = 'closed';
    this.socket.destroy();
  }

  private enqueue(work: () => Promise<void> | void): void {
    this.chain = this.chain.then(work).catch((err: unknown) => this.fail(err));
  }

  private dispatch(msg: TdsMessage): void {
    if (msg.type === PacketType.ATTENTION) {
      const cancelled = [...this.inflight.values()].find((seq) => seq !== undefined) ?? this.lastRequestSeq;
      this.record({ kind: 'attention', ...(cancelled !== undefined ? { cancelledSeq: cancelled } : {}) });
      for (const ac of this.inflight.keys()) ac.abort();
      this.enqueue(() => this.send(doneToken(DoneStatus.ATTN)));
      return;
    }
    const ac = new AbortController();
    this.inflight.set(ac, undefined);
    this.enqueue(async () => {
      try {
        await this.handle(msg, ac);
      } finally {
        this.inflight.delete(ac);
      }
    });
  }

  private send(tokens: Buffer, type: number = PacketType.TABULAR_RESULT): void {
    if (this.socket.destroyed || this.state === 'closed') return;
    this.socket.write(frameMessage(type, tokens, this.packetSize, this.info.id + 50));
  }

  private async handle(msg: TdsMessage, ac: AbortController): Promise<void> {
    if (this.state === 'closed') return;
    if (msg.status & PacketStatus.IGNORE) {
      // The client cancelled while sending; the (partial) message is discarded but still answered.
      this.record({ kind: 'ignored', packetType: msg.type });
      this.send(doneToken(DoneStatus.FINAL));
      return;
    }
    switch (this.state) {
      case 'prelogin':
        if (msg.type === PacketType.PRELOGIN) return this.handlePrelogin(msg.payload);
        if (msg.type === PacketType.LOGIN7) return this.handleLogin7(msg.payload);
        throw new TdsProtocolError(`expected PRELOGIN, got packet type 0x${msg.type.toString(16)}`);
      case 'login':
        if (msg.type === PacketType.LOGIN7) return this.handleLogin7(msg.payload);
        throw new TdsProtocolError(`expected LOGIN7, got packet type 0x${msg.type.toString(16)}`);
      case 'ntlm':
        if (msg.type === PacketType.NTLM_AUTH) return this.handleNtlmAuth(msg.payload);
        throw new TdsProtocolError(`expected an NTLM AUTHENTICATE message, got packet type 0x${msg.type.toString(16)}`);
      case 'loggedIn':
        if (msg.type === PacketType.SQL_BATCH) return this.handleBatch(msg, ac);
        if (msg.type === PacketType.RPC) return this.handleRpc(msg, ac);
        if (msg.type === PacketType.TRANSACTION_MANAGER) return this.handleTransactionManager(msg.payload);
        throw new TdsProtocolError(`packet type 0x${msg.type.toString(16)} is not supported after login`);
      default:
        return;
    }
  }

  private handlePrelogin(payload: Buffer): void {
    const asked = parsePrelogin(payload).encryption;
    const answer = this.encryptionAnswer(asked);
    this.send(buildPreloginResponse(answer, this.deps.settings.version), PacketType.TABULAR_RESULT);
    this.state = 'login';
    // MS-TDS 2.2.6.5: ON/REQ encrypt the whole session; OFF on both sides encrypts LOGIN7 only.
    if (answer === Encryption.ON || answer === Encryption.REQ) this.socket.expectTls(false);
    else if (answer === Encryption.OFF && this.socket.canEncrypt) this.socket.expectTls(true);
  }

  /** The server's ENCRYPTION answer to the client's, per the MS-TDS negotiation table. */
  private encryptionAnswer(asked: number | undefined): number {
    const policy = this.deps.settings.tlsPolicy;
    // Under TDS 8 the connection is already TLS; the PRELOGIN option is informational.
    if (!policy || this.socket.isStrict) return this.deps.settings.encryption;
    if (asked === Encryption.ON || asked === Encryption.REQ) return Encryption.ON;
    if (policy === 'required') return Encryption.REQ;
    return asked === Encryption.OFF ? Encryption.OFF : Encryption.NOT_SUP;
  }

  private handleLogin7(payload: Buffer): void {
    const login = parseLogin7(payload);
    this.pendingLogin = login;
    this.socket.dropTls();
    if (this.deps.settings.tlsPolicy === 'required' && this.socket.encryption === 'none') {
      this.loginFailed('sql', login.userName, undefined, 18456, `Login failed for user '${login.userName}'.`, 'the server requires encryption and the login came in clear text');
      return;
    }
    this.packetSize = login.packetSize >= 512 && login.packetSize <= 32767 ? login.packetSize : 4096;
    if (login.sspi.length > 0 || login.integratedSecurity) {
      if (!isNtlmMessage(login.sspi, 1)) {
        this.loginFailed('ntlm', '', undefined, 18452, 'Login failed. The login is from an untrusted domain and cannot be used with Integrated authentication.', 'SSPI data is not an NTLM NEGOTIATE message');
        return;
      }
      this.challenge = buildNtlmChallenge(this.deps.settings.ntlmDomain, this.deps.settings.serverName);
      this.state = 'ntlm';
      this.send(sspiToken(this.challenge.message));
      return;
    }
    const logins = this.deps.settings.logins;
    if (logins !== undefined) {
      const match = logins.find((l) => l.user.toLowerCase() === login.userName.toLowerCase());
      if (!match || match.password !== login.password) {
        this.loginFailed('sql', login.userName, undefined, 18456, `Login failed for user '${login.userName}'.`, match ? 'wrong password' : 'unknown login');
        return;
      }
    }
    this.finishLogin('sql', login.userName, undefined, logins !== undefined);
  }

  private handleNtlmAuth(payload: Buffer): void {
    const users = this.deps.settings.windowsUsers;
    const verdict = verifyNtlmAuthenticate(payload, this.challenge!, users ?? []);
    if (users !== undefined && !verdict.ok) {
      this.loginFailed('ntlm', verdict.user, verdict.domain, 18452, 'Login failed. The login is from an untrusted domain and cannot be used with Integrated authentication.', verdict.reason);
      return;
    }
    this.finishLogin('ntlm', verdict.user, verdict.domain, users !== undefined);
  }

  private loginFailed(authKind: AuthKind, user: string, domain: string | undefined, number: number, message: string, reason?: string, extra?: Buffer): void {
    const login = this.pendingLogin;
    this.record({
      kind: 'login',
      success: false,
      authKind,
      ...(domain !== undefined ? { domain } : {}),
      database: login?.database || this.deps.settings.database,
      appName: login?.appName ?? '',
      hostName: login?.hostName ?? '',
      tdsVersion: tdsVersionText(login?.tdsVersion ?? 0),
      encryption: this.socket.encryption,
      errorNumber: number,
      checked: true,
      ...(reason ? { reason } : {}),
      ...(user ? { user } : {}),
    });
    const error = errorToken({ number, state: 1, class: 14, message, serverName: this.deps.settings.serverName, lineNumber: 1 });
    this.send(Buffer.concat([extra ?? Buffer.alloc(0), error, doneToken(DoneStatus.ERROR)]));
    // SQL Server closes the connection after a failed login.
    this.socket.end();
    this.state = 'closed';
  }

  private finishLogin(authKind: AuthKind, user: string, domain: string | undefined, checked: boolean): void {
    const login = this.pendingLogin!;
    const s = this.deps.settings;
    const database = login.database || s.database;
    const displayUser = domain ? `${domain}\\${user}` : user;
    if (s.databases && !s.databases.some((d) => d.toLowerCase() === database.toLowerCase())) {
      const cannotOpen = errorToken({ number: 4060, state: 1, class: 11, message: `Cannot open database "${database}" requested by the login. The login failed.`, serverName: s.serverName });
      this.loginFailed(authKind, user, domain, 18456, `Login failed for user '${displayUser}'.`, `database ${database} does not exist`, cannotOpen);
      return;
    }
    this.info.loggedIn = true;
    this.info.authKind = authKind;
    this.info.user = displayUser;
    if (domain !== undefined) this.info.domain = domain;
    this.info.database = database;
    this.info.appName = login.appName;
    this.info.encryption = this.socket.encryption;
    this.loginDatabase = database;
    this.state = 'loggedIn';
    this.record({
      kind: 'login',
      success: true,
      authKind,
      ...(domain !== undefined ? { domain } : {}),
      database,
      appName: login.appName,
      hostName: login.hostName,
      tdsVersion: tdsVersionText(login.tdsVersion),
      encryption: this.socket.encryption,
      checked,
    });
    const ackVersion = login.tdsVersion >= TDS_7_4 || login.tdsVersion < 0x70000000 ? TDS_7_4 : login.tdsVersion;
    this.send(
      Buffer.concat([
        envChangeText(EnvType.DATABASE, database, 'master'),
        infoToken({ number: 5701, state: 2, message: `Changed database context to '${database}'.`, serverName: s.serverName }),
        envChangeBinary(EnvType.SQL_COLLATION, DEFAULT_COLLATION, Buffer.alloc(0)),
        envChangeText(EnvType.LANGUAGE, 'us_english', ''),
        infoToken({ number: 5703, state: 1, message: "Changed language setting to us_english.", serverName: s.serverName }),
        loginAckToken(ackVersion, 'Microsoft SQL Server', s.version),
        envChangeText(EnvType.PACKET_SIZE, String(this.packetSize), String(this.packetSize)),
        doneToken(DoneStatus.FINAL),
      ]),
    );
  }

  private resetIfAsked(msg: TdsMessage, writer: ResponseWriter): void {
    if (!(msg.status & (PacketStatus.RESET_CONNECTION | PacketStatus.RESET_CONNECTION_SKIP_TRAN))) return;
    if (msg.status & PacketStatus.RESET_CONNECTION) this.engine.txn.abandon();
    this.info.tranCount = this.engine.txn.tranCount;
    this.engine.nocount = false;
    if (this.info.database !== this.loginDatabase) {
      writer.push(envChangeText(EnvType.DATABASE, this.loginDatabase, this.info.database));
      this.info.database = this.loginDatabase;
    }
    writer.push(envChangeBinary(EnvType.RESET_CONNECTION, Buffer.alloc(0), Buffer.alloc(0)));
  }

  private async handleBatch(msg: TdsMessage, ac: AbortController): Promise<void> {
    const batch = parseSqlBatch(msg.payload);
    const reset = (msg.status & (PacketStatus.RESET_CONNECTION | PacketStatus.RESET_CONNECTION_SKIP_TRAN)) !== 0;
    const rec = this.record({ kind: 'batch', text: batch.text, ...(reset ? { resetConnection: true } : {}) });
    this.inflight.set(ac, rec.seq);
    this.lastRequestSeq = rec.seq;
    const writer = new ResponseWriter('batch', this.deps.settings.serverName);
    this.resetIfAsked(msg, writer);
    await this.answer(this.request('batch', rec.seq, batch.text, undefined, [], [], ac.signal), writer);
  }

  private async handleRpc(msg: TdsMessage, ac: AbortController): Promise<void> {
    const rpc = parseRpc(msg.payload);
    const isExecuteSql = rpc.procId === 10 || /(^|\.)\[?sp_executesql\]?$/i.test(rpc.procedure);
    let text: string | undefined;
    let params = rpc.params;
    let named = new Map<RpcParam, RpcParam>();
    if (isExecuteSql && rpc.params.length > 0) {
      const stmt = rpc.params.find((p) => p.name.toLowerCase() === '@statement') ?? rpc.params[0]!;
      text = stmt.value === null ? '' : String(stmt.value);
      const decl = rpc.params.find((p) => p.name.toLowerCase() === '@params') ?? (rpc.params[1]?.name === '' ? rpc.params[1] : undefined);
      // Positional values (FreeTDS sends them unnamed) take their names from @params, in order, as on SQL Server.
      const given = rpc.params.filter((p) => p !== stmt && p !== decl);
      params = nameFromDeclaration(given, decl?.value);
      named = new Map(given.map((p, i) => [p, params[i]!]));
    }
    const unwrapped = isExecuteSql && text !== undefined ? unwrapScript(text, params) : undefined;
    const reset = (msg.status & (PacketStatus.RESET_CONNECTION | PacketStatus.RESET_CONNECTION_SKIP_TRAN)) !== 0;
    const rec = this.record({
      kind: 'rpc',
      procedure: rpc.procedure,
      ...(rpc.procId !== undefined ? { procId: rpc.procId } : {}),
      ...(text !== undefined ? { sql: text } : {}),
      params: recordParams(rpc.params),
      ...(reset ? { resetConnection: true } : {}),
    });
    this.inflight.set(ac, rec.seq);
    this.lastRequestSeq = rec.seq;
    const writer = new ResponseWriter('rpc', this.deps.settings.serverName, isExecuteSql ? '' : rpc.procedure);
    this.resetIfAsked(msg, writer);
    if (unwrapped?.kind === 'exec') {
      await this.answerExec(rec.seq, unwrapped, ac.signal, writer);
      return;
    }
    const all = rpc.params.map((p) => named.get(p) ?? p);
    const request = unwrapped
      ? this.request('rpc', rec.seq, unwrapped.text, rpc.procedure, [...params, ...unwrapped.declared], [...all, ...unwrapped.declared], ac.signal)
      : this.request('rpc', rec.seq, text, rpc.procedure, params, all, ac.signal);
    await this.answer(request, writer);
  }

  private request(kind: 'batch' | 'rpc', seq: number, text: string | undefined, procedure: string | undefined, params: RpcParam[], allParams: RpcParam[], signal: AbortSignal): TdsRequest {
    return {
      kind,
      seq,
      connection: this.info,
      text,
      procedure,
      params,
      allParams,
      signal,
      param(name: string): SqlValue | undefined {
        const wanted = (name.startsWith('@') ? name : `@${name}`).toLowerCase();
        return allParams.find((p) => p.name.toLowerCase() === wanted)?.value;
      },
    };
  }

  private parse(text: string | undefined): Statement[] {
    if (text === undefined) return [];
    try {
      return parseStatements(text);
    } catch {
      return [];
    }
  }

  private outputParams(req: TdsRequest, output: ResponseSpec['output']): Array<{ ordinal: number; param: RpcParam; value: SqlValue | undefined }> {
    const given = new Map(Object.entries(output ?? {}).map(([k, v]) => [k.replace(/^@/, '').toLowerCase(), v]));
    return req.allParams
      .map((param, ordinal) => ({ param, ordinal }))
      .filter(({ param }) => param.output)
      .map(({ param, ordinal }) => {
        const key = param.name.replace(/^@/, '').toLowerCase();
        return { ordinal, param, value: given.has(key) ? given.get(key) : param.value };
      });
  }

  private async answer(req: TdsRequest, writer: ResponseWriter): Promise<void> {
    const statements = this.parse(req.text);
    const engineReq = { param: req.param, writer };
    let spec: ResponseSpec | undefined;
    try {
      spec = await this.deps.registry.respond(req);
    } catch (err) {
      // A broken responder is a test bug: surface it to the client as an error instead of hanging.
      spec = { error: { number: 50000, class: 16, message: `TDS double responder threw: ${err instanceof Error ? err.message : String(err)}` } };
    }
    if (spec?.drop) {
      // A TCP reset, like a server process dying: tedious then fails the request with ESOCKET.
      this.socket.resetAndDestroy();
      return;
    }
    if (spec) {
      runStatements(statements, this.engine, engineReq, this.deps.tables, true);
      if (spec.delayMs) await sleep(spec.delayMs, req.signal);
    } else {
      runStatements(statements, this.engine, engineReq, this.deps.tables, false);
    }
    if (req.signal.aborted) {
      this.send(doneToken(DoneStatus.FINAL));
      return;
    }
    if (spec?.raw) {
      this.send(spec.raw);
      return;
    }
    if (spec) {
      for (const i of spec.info ?? []) writer.info(i);
      const sets = spec.resultSets ?? (spec.rows || spec.columns ? [{ ...(spec.columns ? { columns: spec.columns } : {}), rows: spec.rows ?? [] }] : []);
      for (const rs of sets) writer.resultSet(rs);
      if (spec.rowCount !== undefined) writer.rowCount(spec.rowCount, !this.engine.nocount);
      const errors = spec.error === undefined ? [] : Array.isArray(spec.error) ? spec.error : [spec.error];
      for (const e of errors) {
        writer.error(e);
        if (e.rollback) {
          const tokens = this.engine.txn.rollback('error');
          if (tokens) writer.push(tokens);
        }
      }
    }
    const isProc = req.kind === 'rpc';
    this.send(writer.finish(isProc ? { returnStatus: spec?.returnStatus ?? 0, outputParams: this.outputParams(req, spec?.output) } : {}));
  }

  /**
   * A procedure called from SQL text (`exec @___return___ = proc @a=@P1, @o=@o output; select …`, how
   * mssql's ODBC driver calls procedures): the responders answer it as the RPC it stands for, and the
   * return value and OUTPUT values come back in the final result set, as SQL Server's SELECT of them would.
   */
  private async answerExec(seq: number, call: Extract<UnwrappedScript, { kind: 'exec' }>, signal: AbortSignal, writer: ResponseWriter): Promise<void> {
    const req = this.request('rpc', seq, undefined, call.procedure, call.args, call.args, signal);
    let spec: ResponseSpec | undefined;
    try {
      spec = await this.deps.registry.respond(req);
    } catch (err) {
      spec = { error: { number: 50000, class: 16, message: `TDS double responder threw: ${err instanceof Error ? err.message : String(err)}` } };
    }
    if (spec?.delayMs) await sleep(spec.delayMs, signal);
    if (signal.aborted) {
      this.send(doneToken(DoneStatus.FINAL));
      return;
    }
    for (const i of spec?.info ?? []) writer.info({ procedure: call.procedure, ...i });
    const sets = spec?.resultSets ?? (spec?.rows || spec?.columns ? [{ ...(spec.columns ? { columns: spec.columns } : {}), rows: spec.rows ?? [] }] : []);
    for (const rs of sets) writer.resultSet(rs);
    const errors = spec?.error === undefined ? [] : Array.isArray(spec.error) ? spec.error : [spec.error];
    for (const e of errors) {
      writer.error({ procedure: call.procedure, ...e });
      if (e.rollback) {
        const tokens = this.engine.txn.rollback('error');
        if (tokens) writer.push(tokens);
      }
    }
    const given = new Map(Object.entries(spec?.output ?? {}).map(([k, v]) => [k.replace(/^@/, '').toLowerCase(), v]));
    const initial = new Map(call.args.filter((a) => a.output).map((a) => [a.name.replace(/^@/, '').toLowerCase(), a.value]));
    const key = (parameter: string) => parameter.replace(/^@/, '').toLowerCase();
    writer.resultSet({
      columns: [{ name: '___return___', type: 'int' }, ...call.outputs.map((o) => ({ name: o.alias, type: o.type, nullable: true }))],
      rows: [[spec?.returnStatus ?? (errors.length ? -6 : 0), ...call.outputs.map((o) => (given.has(key(o.parameter)) ? given.get(key(o.parameter))! : (initial.get(key(o.parameter)) ?? null)))]],
    });
    this.send(writer.finish({ returnStatus: 0, outputParams: [] }));
  }

  private handleTransactionManager(payload: Buffer): void {
    const r = new ByteReader(payload);
    readAllHeaders(r);
    const type = r.u16('transaction request type');
    const s = this.deps.settings;
    const fail = (number: number, message: string): void => {
      this.record({ kind: 'error', message: `transaction manager request ${type} failed: ${number} ${message}` });
      this.send(Buffer.concat([errorToken({ number, state: 1, class: 16, message, serverName: s.serverName }), doneToken(DoneStatus.ERROR)]));
    };
    const txn = this.engine.txn;
    let tokens: Buffer | undefined;
    switch (type) {
      case 5: {
        const isolation = r.u8('isolation level');
        const name = r.remaining > 0 ? r.bVarchar('transaction name') : '';
        tokens = txn.begin('tm', name || undefined, isolation);
        break;
      }
      case 7:
      case 8: {
        const name = r.remaining > 0 ? r.bVarchar('transaction name') : '';
        const flags = r.remaining > 0 ? r.u8('transaction flags') : 0;
        tokens = type === 7 ? txn.commit('tm', name || undefined) : txn.rollback('tm', name || undefined);
        if (!tokens) {
          fail(type === 7 ? 3902 : 3903, `The ${type === 7 ? 'COMMIT' : 'ROLLBACK'} TRANSACTION request has no corresponding BEGIN TRANSACTION.`);
          return;
        }
        if (flags & 0x01) tokens = Buffer.concat([tokens, txn.begin('tm')]);
        break;
      }
      case 9: {
        const name = r.bVarchar('savepoint name');
        txn.save('tm', name);
        tokens = Buffer.alloc(0);
        break;
      }
      default:
        fail(8509, `Transaction manager request type ${type} is not supported by the TDS double.`);
        return;
    }
    this.send(Buffer.concat([tokens, doneToken(DoneStatus.FINAL)]));
  }
}
