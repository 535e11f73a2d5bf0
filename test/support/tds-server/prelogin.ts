import { TdsProtocolError } from './protocol-error';

/** PRELOGIN option tokens (MS-TDS 2.2.6.5). */
const Option = { VERSION: 0, ENCRYPTION: 1, INSTOPT: 2, THREADID: 3, MARS: 4, TRACEID: 5, FEDAUTHREQUIRED: 6, TERMINATOR: 0xff } as const;

/** PRELOGIN ENCRYPTION values. */
export const Encryption = { OFF: 0x00, ON: 0x01, NOT_SUP: 0x02, REQ: 0x03 } as const;

/** What a client said in its PRELOGIN message. */
export interface PreloginRequest {
  encryption: number | undefined;
  clientVersion: string | undefined;
  mars: boolean;
  fedAuthRequired: boolean;
  instance: string | undefined;
}

/** Parses a client PRELOGIN payload (an option table followed by option data). */
export function parsePrelogin(payload: Buffer): PreloginRequest {
  const result: PreloginRequest = { encryption: undefined, clientVersion: undefined, mars: false, fedAuthRequired: false, instance: undefined };
  let offset = 0;
  for (let guard = 0; guard < 64; guard++) {
    if (offset >= payload.length) throw new TdsProtocolError('PRELOGIN option table has no terminator');
    const token = payload[offset]!;
    if (token === Option.TERMINATOR) return result;
    if (offset + 5 > payload.length) throw new TdsProtocolError('PRELOGIN option entry is truncated');
    const dataOffset = payload.readUInt16BE(offset + 1);
    const dataLength = payload.readUInt16BE(offset + 3);
    if (dataOffset + dataLength > payload.length) throw new TdsProtocolError(`PRELOGIN option ${token} points outside the message`);
    const data = payload.subarray(dataOffset, dataOffset + dataLength);
    switch (token) {
      case Option.VERSION:
        if (data.length >= 6) result.clientVersion = `${data[0]}.${data[1]}.${data.readUInt16BE(2)}.${data.readUInt16BE(4)}`;
        break;
      case Option.ENCRYPTION:
        if (data.length >= 1) result.encryption = data[0];
        break;
      case Option.INSTOPT: {
        const end = data.indexOf(0);
        result.instance = data.subarray(0, end < 0 ? data.length : end).toString('latin1');
        break;
      }
      case Option.MARS:
        result.mars = data.length >= 1 && data[0] === 1;
        break;
      case Option.FEDAUTHREQUIRED:
        result.fedAuthRequired = data.length >= 1 && data[0] === 1;
        break;
      default:
        break;
    }
    offset += 5;
  }
  throw new TdsProtocolError('PRELOGIN option table has too many entries');
}

/** Builds the server's PRELOGIN answer: version, the chosen encryption, no instance, no MARS. */
export function buildPreloginResponse(encryption: number, serverVersion: readonly [number, number, number, number] = [16, 0, 1000, 6]): Buffer {
  const version = Buffer.alloc(6);
  version.writeUInt8(serverVersion[0], 0);
  version.writeUInt8(serverVersion[1], 1);
  version.writeUInt16BE(serverVersion[2], 2);
  version.writeUInt16BE(serverVersion[3], 4);
  const options: Array<[number, Buffer]> = [
    [Option.VERSION, version],
    [Option.ENCRYPTION, Buffer.from([encryption])],
    [Option.INSTOPT, Buffer.from([0])],
    [Option.THREADID, Buffer.alloc(0)],
    [Option.MARS, Buffer.from([0])],
  ];
  const tableLength = options.length * 5 + 1;
  const table = Buffer.alloc(tableLength);
  let dataOffset = tableLength;
  options.forEach(([token, data], i) => {
    table.writeUInt8(token, i * 5);
    table.writeUInt16BE(dataOffset, i * 5 + 1);
    table.writeUInt16BE(data.length, i * 5 + 3);
    dataOffset += data.length;
  });
  table.writeUInt8(Option.TERMINATOR, tableLength - 1);
  return Buffer.concat([table, ...options.map(([, data]) => data)]);
}
