import type { TableEmulator } from './table-emulator';
import { envChangeBinary, EnvType } from './token-writer';

/** Who asked for a transaction operation, for the record. */
export type TxnSource = 'tm' | 'batch' | 'error';

/** Callback the session uses to record transaction operations. */
export type TxnRecorder = (op: 'begin' | 'commit' | 'rollback' | 'save', source: TxnSource, tranCount: number, name?: string, isolationLevel?: number) => void;

/**
 * @@TRANCOUNT, the current transaction descriptor and savepoints of one connection. Every change
 * that starts or ends the outermost transaction yields the ENVCHANGE tokens tedious needs to track
 * it (8 begin, 9 commit, 10 rollback), and tells the table emulation to keep or undo its changes.
 */
export class TransactionState {
  tranCount = 0;
  private descriptor: Buffer = Buffer.alloc(8);
  private counter = 0;
  private readonly savepoints = new Set<string>();

  constructor(
    private readonly connectionId: number,
    private readonly tables: TableEmulator,
    private readonly record: TxnRecorder,
  ) {}

  /** The descriptor the client must echo in ALL_HEADERS (zeros outside a transaction). */
  get currentDescriptor(): Buffer {
    return this.descriptor;
  }

  /** BEGIN TRAN: the outermost begin sends ENVCHANGE 8 with a new descriptor. */
  begin(source: TxnSource, name?: string, isolationLevel?: number): Buffer {
    this.tranCount++;
    let tokens: Buffer = Buffer.alloc(0);
    if (this.tranCount === 1) {
      this.descriptor = Buffer.alloc(8);
      this.descriptor.writeUInt32LE(++this.counter, 0);
      this.descriptor.writeUInt32LE(this.connectionId, 4);
      tokens = envChangeBinary(EnvType.BEGIN_TXN, this.descriptor, Buffer.alloc(0));
      this.tables.beginTransaction(this.connectionId);
    }
    this.record('begin', source, this.tranCount, name, isolationLevel);
    return tokens;
  }

  /** COMMIT: decrements @@TRANCOUNT; the outermost commit sends ENVCHANGE 9. Undefined when there is no transaction. */
  commit(source: TxnSource, name?: string): Buffer | undefined {
    if (this.tranCount === 0) return undefined;
    this.tranCount--;
    let tokens: Buffer = Buffer.alloc(0);
    if (this.tranCount === 0) {
      tokens = envChangeBinary(EnvType.COMMIT_TXN, Buffer.alloc(0), this.descriptor);
      this.descriptor = Buffer.alloc(8);
      this.savepoints.clear();
      this.tables.commit(this.connectionId);
    }
    this.record('commit', source, this.tranCount, name);
    return tokens;
  }

  /** ROLLBACK: to a savepoint (no ENVCHANGE) or of the whole transaction (ENVCHANGE 10). Undefined when there is no transaction. */
  rollback(source: TxnSource, name?: string): Buffer | undefined {
    if (this.tranCount === 0) return undefined;
    if (name !== undefined && this.savepoints.has(name)) {
      // Partial rollback to a savepoint: the transaction stays open. Table changes are not split by savepoint.
      this.record('rollback', source, this.tranCount, name);
      return Buffer.alloc(0);
    }
    this.tranCount = 0;
    const tokens = envChangeBinary(EnvType.ROLLBACK_TXN, Buffer.alloc(0), this.descriptor);
    this.descriptor = Buffer.alloc(8);
    this.savepoints.clear();
    this.tables.rollback(this.connectionId);
    this.record('rollback', source, 0, name);
    return tokens;
  }

  /** SAVE TRAN name. */
  save(source: TxnSource, name: string): void {
    this.savepoints.add(name);
    this.record('save', source, this.tranCount, name);
  }

  /** Connection closed or reset: an open transaction is rolled back without tokens. */
  abandon(): void {
    if (this.tranCount > 0) this.tables.rollback(this.connectionId);
    this.tranCount = 0;
    this.descriptor = Buffer.alloc(8);
    this.savepoints.clear();
  }
}
