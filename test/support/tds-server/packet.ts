import { TdsProtocolError } from './protocol-error';

/** TDS packet (message) types used by the double, from MS-TDS 2.2.3.1.1. */
export const PacketType = {
  SQL_BATCH: 0x01,
  RPC: 0x03,
  TABULAR_RESULT: 0x04,
  ATTENTION: 0x06,
  BULK_LOAD: 0x07,
  TRANSACTION_MANAGER: 0x0e,
  LOGIN7: 0x10,
  NTLM_AUTH: 0x11,
  PRELOGIN: 0x12,
} as const;

/** Packet status bits (MS-TDS 2.2.3.1.2). */
export const PacketStatus = {
  EOM: 0x01,
  IGNORE: 0x02,
  RESET_CONNECTION: 0x08,
  RESET_CONNECTION_SKIP_TRAN: 0x10,
} as const;

export const HEADER_LENGTH = 8;

/** One complete client message, reassembled from its packets. */
export interface TdsMessage {
  type: number;
  /** Status bits of the last packet (EOM, IGNORE) OR-ed with those of the first (RESETCONNECTION). */
  status: number;
  payload: Buffer;
}

/**
 * Reassembles messages from a byte stream. Feed it socket data; it returns every message completed
 * by that chunk. Limits guard the process: a lying length field closes the connection instead of
 * allocating gigabytes.
 */
export class MessageAssembler {
  private pending: Buffer = Buffer.alloc(0);
  private parts: Buffer[] = [];
  private partsLength = 0;
  private currentType: number | undefined;
  private firstStatus = 0;

  constructor(private readonly maxMessageBytes = 256 * 1024 * 1024) {}

  /** Adds bytes from the socket and returns the messages they completed. */
  push(chunk: Buffer): TdsMessage[] {
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    const done: TdsMessage[] = [];
    while (this.pending.length >= HEADER_LENGTH) {
      const type = this.pending.readUInt8(0);
      const status = this.pending.readUInt8(1);
      const length = this.pending.readUInt16BE(2);
      if (length < HEADER_LENGTH) throw new TdsProtocolError(`packet length ${length} is shorter than the 8-byte header`);
      if (this.pending.length < length) break;
      const body = this.pending.subarray(HEADER_LENGTH, length);
      this.pending = this.pending.subarray(length);
      if (this.currentType === undefined) {
        this.currentType = type;
        this.firstStatus = status;
      } else if (type !== this.currentType) {
        throw new TdsProtocolError(`packet type 0x${type.toString(16)} interleaved inside a 0x${this.currentType.toString(16)} message`);
      }
      this.parts.push(Buffer.from(body));
      this.partsLength += body.length;
      if (this.partsLength > this.maxMessageBytes) throw new TdsProtocolError(`message larger than ${this.maxMessageBytes} bytes`);
      if (status & PacketStatus.EOM) {
        done.push({
          type,
          status: status | (this.firstStatus & (PacketStatus.RESET_CONNECTION | PacketStatus.RESET_CONNECTION_SKIP_TRAN)),
          payload: Buffer.concat(this.parts, this.partsLength),
        });
        this.parts = [];
        this.partsLength = 0;
        this.currentType = undefined;
        this.firstStatus = 0;
      }
    }
    return done;
  }
}

/** Splits one server message into packets of at most packetSize bytes, the last one marked EOM. */
export function frameMessage(type: number, payload: Buffer, packetSize: number, spid = 0): Buffer {
  const room = Math.max(packetSize - HEADER_LENGTH, 1);
  const packets: Buffer[] = [];
  let packetId = 1;
  let offset = 0;
  do {
    const body = payload.subarray(offset, offset + room);
    offset += body.length;
    const header = Buffer.alloc(HEADER_LENGTH);
    header.writeUInt8(type, 0);
    header.writeUInt8(offset >= payload.length ? PacketStatus.EOM : 0, 1);
    header.writeUInt16BE(body.length + HEADER_LENGTH, 2);
    header.writeUInt16BE(spid, 4);
    header.writeUInt8(packetId++ % 256, 6);
    header.writeUInt8(0, 7);
    packets.push(header, body);
  } while (offset < payload.length);
  return Buffer.concat(packets);
}
