import type { EncryptionState } from './tls-transport';
import { createHash } from 'node:crypto';
import { appendFileSync } from 'node:fs';
import { EventEmitter } from 'node:events';
import type { RpcParam } from './rpc-parser';
import { typeName } from './type-info';
import type { SqlValue } from './value-codec';

/** How a connection authenticated. */
export type AuthKind = 'sql' | 'ntlm';

/** A recorded parameter value: binary data is summarised so records stay small and comparable. */
export type RecordedValue = null | number | string | boolean | { length: number; sha256: string };

/** One recorded RPC parameter. */
export interface RecordedParam {
  name: string;
  type: string;
  output: boolean;
  value: RecordedValue;
}

interface RecordBase {
  seq: number;
  time: string;
  connectionId: number;
  authKind?: AuthKind;
  user?: string;
}

/** Every kind of record the double writes. */
export type TdsRecord =
  | (RecordBase & {
      kind: 'login';
      success: boolean;
      authKind: AuthKind;
      domain?: string;
      database: string;
      appName: string;
      hostName: string;
      tdsVersion: string;
      /** none, login-only (ENCRYPT_OFF: LOGIN7 only), tls (TDS 7.x, whole session), strict (TDS 8). */
      encryption: EncryptionState;
      errorNumber?: number;
      /** false when no logins/windowsUsers were configured, so any credentials were accepted. */
      checked: boolean;
      reason?: string;
    })
  | (RecordBase & { kind: 'batch'; text: string; resetConnection?: boolean })
  | (RecordBase & {
      kind: 'rpc';
      procedure: string;
      procId?: number;
      /** The @statement of sp_executesql. */
      sql?: string;
      params: RecordedParam[];
      resetConnection?: boolean;
    })
  | (RecordBase & {
      kind: 'transaction';
      op: 'begin' | 'commit' | 'rollback' | 'save';
      /** tm = TRANSACTION_MANAGER request; batch = statement in batch/RPC text; error = rolled back by an error responder. */
      source: 'tm' | 'batch' | 'error';
      name?: string;
      isolationLevel?: number;
      /** @@TRANCOUNT after the operation. */
      tranCount: number;
    })
  | (RecordBase & { kind: 'attention'; cancelledSeq?: number })
  | (RecordBase & { kind: 'ignored'; packetType: number })
  | (RecordBase & { kind: 'error'; message: string });

/** Any TdsRecord without the fields the recorder fills in itself. */
export type NewRecord = TdsRecord extends infer R ? (R extends TdsRecord ? Omit<R, 'seq' | 'time'> : never) : never;

/** Turns a decoded value into its JSON record form (Buffers become length + SHA-256). */
export function recordValue(value: SqlValue): RecordedValue {
  if (value === null) return null;
  if (Buffer.isBuffer(value)) return { length: value.length, sha256: createHash('sha256').update(value).digest('hex') };
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Date) return value.toISOString();
  return value;
}

/** Converts parsed RPC parameters to their record form. */
export function recordParams(params: readonly RpcParam[]): RecordedParam[] {
  return params.map((p) => ({ name: p.name, type: typeName(p.type), output: p.output, value: recordValue(p.value) }));
}

/**
 * Keeps every record in memory and, when a file is given, appends it as one JSON line. Appending
 * synchronously keeps the file in exactly the order requests arrived, even across connections.
 */
export class Recorder extends EventEmitter {
  readonly records: TdsRecord[] = [];
  private seq = 0;

  constructor(private readonly file?: string) {
    super();
  }

  /** Stores a record, stamps it with a sequence number and time, and returns it. */
  add(record: NewRecord): TdsRecord {
    const full = { seq: ++this.seq, time: new Date().toISOString(), ...record } as TdsRecord;
    this.records.push(full);
    if (this.file) appendFileSync(this.file, `${JSON.stringify(full)}\n`);
    this.emit('record', full);
    return full;
  }

  /** Forgets the in-memory records (the file, if any, is left alone). */
  clear(): void {
    this.records.length = 0;
  }

  /** Resolves with the first record (already stored or future) that satisfies the predicate. */
  waitFor(predicate: (r: TdsRecord) => boolean, timeoutMs = 5000): Promise<TdsRecord> {
    const existing = this.records.find(predicate);
    if (existing) return Promise.resolve(existing);
    return new Promise((resolve, reject) => {
      const onRecord = (r: TdsRecord): void => {
        if (!predicate(r)) return;
        clearTimeout(timer);
        this.off('record', onRecord);
        resolve(r);
      };
      const timer = setTimeout(() => {
        this.off('record', onRecord);
        reject(new Error(`no matching TDS record within ${timeoutMs} ms`));
      }, timeoutMs);
      this.on('record', onRecord);
    });
  }
}
