/**
 * The byte pipe under one TDS session, with TLS the way MS-TDS puts it on the wire:
 *
 * - TDS 7.x (`encrypt: true`/`false` in tedious): PRELOGIN negotiates encryption in clear text; then
 *   the TLS handshake travels *inside* TDS PRELOGIN packets (0x12), one server message per client
 *   flight; once the handshake is done both sides send bare TLS records on the socket, with the TDS
 *   packets inside them. With ENCRYPT_OFF on both sides only LOGIN7 is encrypted, and the stream
 *   returns to clear text afterwards.
 * - TDS 8.0 (`encrypt: 'strict'`): the client starts TLS on the bare socket (ALPN `tds/8.0`) before
 *   any TDS, and PRELOGIN itself is encrypted.
 *
 * The session above only sees cleartext TDS bytes; it asks for TLS with `expectTls` after its
 * PRELOGIN answer and ends login-only TLS with `dropTls`. TLS 1.2 is the ceiling inside TDS, as for
 * SQL Server: a TLS 1.3 server sends tickets after its Finished, which a client that has already
 * left the PRELOGIN wrapping could not tell apart.
 */
import type { Socket } from 'node:net';
import { Duplex } from 'node:stream';
import { createSecureContext, TLSSocket, type SecureContext } from 'node:tls';
import { frameMessage, HEADER_LENGTH, PacketType } from './packet';
import { TdsProtocolError } from './protocol-error';

/** How the session's bytes are protected; recorded on the login. */
export type EncryptionState = 'none' | 'login-only' | 'tls' | 'strict';

/** The server's certificate and key (PEM). */
export interface TlsIdentity {
  certPem: string;
  keyPem: string;
}

const TLS_HANDSHAKE = 22;
const TLS_CCS = 20;
const TLS_ALERT = 21;
const SERVER_HELLO_DONE = 14;

type Mode = 'clear' | 'await-tls' | 'handshake' | 'tls';

/** Contexts are costly to build; one per identity serves every connection of a server. */
const contexts = new WeakMap<TlsIdentity, { tds: SecureContext; strict: SecureContext }>();
function contextsFor(identity: TlsIdentity): { tds: SecureContext; strict: SecureContext } {
  let c = contexts.get(identity);
  if (!c) {
    c = {
      tds: createSecureContext({ cert: identity.certPem, key: identity.keyPem, maxVersion: 'TLSv1.2' }),
      strict: createSecureContext({ cert: identity.certPem, key: identity.keyPem }),
    };
    contexts.set(identity, c);
  }
  return c;
}

/**
 * Collects the server's TLS output during a handshake carried in PRELOGIN packets and says when a
 * flight is complete (ServerHelloDone, or an encrypted Finished after ChangeCipherSpec, or an alert):
 * the client expects exactly one PRELOGIN message per flight.
 */
class FlightCollector {
  private records: Buffer = Buffer.alloc(0);
  private handshake: Buffer = Buffer.alloc(0);
  private flight: Buffer[] = [];
  private changedCipher = false;

  /** Adds TLS output; returns the completed flights (usually zero or one). */
  push(chunk: Buffer): Buffer[] {
    this.records = Buffer.concat([this.records, chunk]);
    const done: Buffer[] = [];
    while (this.records.length >= 5) {
      const type = this.records[0]!;
      const size = 5 + this.records.readUInt16BE(3);
      if (this.records.length < size) break;
      const record = this.records.subarray(0, size);
      this.records = this.records.subarray(size);
      this.flight.push(record);
      let ends = false;
      if (type === TLS_CCS) this.changedCipher = true;
      else if (type === TLS_ALERT) ends = true;
      else if (type === TLS_HANDSHAKE && this.changedCipher) ends = true;
      else if (type === TLS_HANDSHAKE) ends = this.sawServerHelloDone(record.subarray(5));
      if (ends) {
        done.push(Buffer.concat(this.flight));
        this.flight = [];
      }
    }
    return done;
  }

  private sawServerHelloDone(body: Buffer): boolean {
    this.handshake = Buffer.concat([this.handshake, body]);
    let found = false;
    while (this.handshake.length >= 4) {
      const size = 4 + this.handshake.readUIntBE(1, 3);
      if (this.handshake.length < size) break;
      if (this.handshake[0] === SERVER_HELLO_DONE) found = true;
      this.handshake = this.handshake.subarray(size);
    }
    return found;
  }
}

/** The TDS session's transport: clear text, TDS-wrapped TLS, or TDS 8 TLS, on one TCP socket. */
export class TdsTransport {
  private mode: Mode = 'clear';
  private firstBytes = true;
  private inbound: Buffer = Buffer.alloc(0);
  private tlsSocket: TLSSocket | undefined;
  private pipe: Duplex | undefined;
  private flights: FlightCollector | undefined;
  private loginOnly = false;
  /** What protects the stream now (or protected LOGIN7, for login-only). */
  encryption: EncryptionState = 'none';
  /** TLS protocol and cipher once negotiated, e.g. "TLSv1.2 ECDHE-ECDSA-AES256-GCM-SHA384". */
  tlsDescription: string | undefined;
  /** Set by the session: receives cleartext TDS bytes. */
  onData: (chunk: Buffer) => void = () => undefined;
  /** Set by the session: a TLS failure (the connection is then closed). */
  onFailure: (error: Error) => void = () => undefined;

  constructor(
    private readonly socket: Socket,
    private readonly identity: TlsIdentity | undefined,
  ) {
    socket.on('data', (chunk: Buffer) => this.fromSocket(chunk));
  }

  get remotePort(): number | undefined {
    return this.socket.remotePort;
  }

  get destroyed(): boolean {
    return this.socket.destroyed;
  }

  /** True when this server has a certificate and can speak TLS. */
  get canEncrypt(): boolean {
    return this.identity !== undefined;
  }

  /** True once TDS 8 TLS wraps the whole connection (PRELOGIN must then not negotiate again). */
  get isStrict(): boolean {
    return this.encryption === 'strict';
  }

  /** Sends cleartext TDS bytes (encrypted when TLS is on). */
  write(bytes: Buffer): void {
    if (this.socket.destroyed) return;
    if (this.tlsSocket && (this.mode === 'tls' || this.mode === 'handshake')) this.tlsSocket.write(bytes);
    else this.socket.write(bytes);
  }

  end(): void {
    if (this.tlsSocket && this.mode === 'tls') {
      // Let the last TLS record leave before the socket closes.
      this.tlsSocket.end(() => this.socket.end());
      return;
    }
    this.socket.end();
  }

  destroy(): void {
    this.socket.destroy();
  }

  resetAndDestroy(): void {
    this.socket.resetAndDestroy();
  }

  /**
   * Called after a PRELOGIN answer that turns encryption on: the client's next bytes should start a
   * TLS handshake in PRELOGIN packets. `loginOnly` (ENCRYPT_OFF both sides) ends TLS after LOGIN7.
   * A client that sends LOGIN7 in clear text instead is let through (tedious does that for
   * ENCRYPT_OFF); the login record then says `encryption: 'none'`.
   */
  expectTls(loginOnly: boolean): void {
    if (!this.identity || this.mode !== 'clear') return;
    this.mode = 'await-tls';
    this.loginOnly = loginOnly;
  }

  /** Ends login-only TLS: from here on both directions are clear text again. */
  dropTls(): void {
    if (!this.loginOnly || !this.tlsSocket) return;
    this.tlsSocket.removeAllListeners('data');
    this.tlsSocket = undefined;
    this.mode = 'clear';
  }

  private fromSocket(chunk: Buffer): void {
    try {
      if (this.firstBytes) {
        this.firstBytes = false;
        // TDS 8: a TLS ClientHello record (0x16) before any TDS packet.
        if (chunk[0] === TLS_HANDSHAKE && this.identity) {
          this.startTls('strict');
          this.pipe!.push(chunk);
          return;
        }
      }
      switch (this.mode) {
        case 'clear':
          this.onData(chunk);
          return;
        case 'await-tls':
          if (chunk[0] === PacketType.PRELOGIN) {
            this.startTls('tds');
            this.unwrap(chunk);
          } else {
            this.mode = 'clear';
            this.onData(chunk);
          }
          return;
        case 'handshake':
          this.unwrap(chunk);
          return;
        case 'tls':
          this.pipe!.push(chunk);
          return;
      }
    } catch (err) {
      this.onFailure(err instanceof Error ? err : new Error(String(err)));
    }
  }

  /** Handshake phase: TLS bytes arrive as PRELOGIN packet bodies; bare TLS records mean it is over. */
  private unwrap(chunk: Buffer): void {
    this.inbound = this.inbound.length ? Buffer.concat([this.inbound, chunk]) : chunk;
    while (this.inbound.length > 0) {
      if (this.inbound[0] !== PacketType.PRELOGIN) {
        // The client finished its handshake and now sends TLS records directly.
        this.mode = 'tls';
        this.flights = undefined;
        const rest = this.inbound;
        this.inbound = Buffer.alloc(0);
        this.pipe!.push(rest);
        return;
      }
      if (this.inbound.length < HEADER_LENGTH) return;
      const length = this.inbound.readUInt16BE(2);
      if (length < HEADER_LENGTH) throw new TdsProtocolError(`PRELOGIN (TLS) packet length ${length} is shorter than its header`);
      if (this.inbound.length < length) return;
      this.pipe!.push(this.inbound.subarray(HEADER_LENGTH, length));
      this.inbound = this.inbound.subarray(length);
    }
  }

  private startTls(kind: 'tds' | 'strict'): void {
    const identity = this.identity!;
    const contexts = contextsFor(identity);
    this.flights = kind === 'tds' ? new FlightCollector() : undefined;
    this.mode = kind === 'tds' ? 'handshake' : 'tls';
    this.encryption = kind === 'strict' ? 'strict' : this.loginOnly ? 'login-only' : 'tls';
    // The TLS engine's "network" side: what it writes goes to the socket (wrapped during a TDS
    // handshake); what the socket brings is pushed into it.
    const pipe = new Duplex({
      read: () => undefined,
      write: (data: Buffer, _enc, callback) => {
        if (this.flights) {
          for (const flight of this.flights.push(data)) this.socket.write(frameMessage(PacketType.PRELOGIN, flight, 4096));
        } else if (!this.socket.destroyed) {
          this.socket.write(data);
        }
        callback();
      },
    });
    this.pipe = pipe;
    const tlsSocket = new TLSSocket(pipe as unknown as Socket, {
      isServer: true,
      secureContext: kind === 'strict' ? contexts.strict : contexts.tds,
      ...(kind === 'strict' ? { ALPNProtocols: ['tds/8.0'] } : {}),
    });
    this.tlsSocket = tlsSocket;
    tlsSocket.on('secure', () => {
      this.tlsDescription = `${tlsSocket.getProtocol() ?? 'TLS'} ${tlsSocket.getCipher()?.name ?? ''}`.trim();
    });
    tlsSocket.on('data', (data: Buffer) => this.onData(data));
    tlsSocket.on('error', (err: Error) => {
      this.onFailure(new TdsProtocolError(`TLS: ${err.message}`));
      this.socket.destroy();
    });
    this.socket.on('close', () => tlsSocket.destroy());
  }
}
