import { TdsProtocolError } from './protocol-error';

/** The fields of a LOGIN7 message the double cares about (MS-TDS 2.2.6.4). */
export interface Login7Request {
  tdsVersion: number;
  packetSize: number;
  clientPid: number;
  /** OptionFlags2 bit fIntSecurity: the client wants integrated (SSPI) authentication. */
  integratedSecurity: boolean;
  hostName: string;
  userName: string;
  /** Clear text after undoing the LOGIN7 nibble-swap/XOR obfuscation. */
  password: string;
  appName: string;
  serverName: string;
  libraryName: string;
  language: string;
  database: string;
  /** The first SSPI blob (an NTLM NEGOTIATE message for NTLM clients); empty for SQL logins. */
  sspi: Buffer;
  /** Feature ids the client listed in FeatureExt (TDS 7.4), e.g. 0x0a UTF8_SUPPORT. */
  features: number[];
}

const FIXED_LENGTH = 94;

/** Reverses the LOGIN7 password obfuscation: XOR 0xA5, then swap the two nibbles of each byte. */
export function unscramblePassword(bytes: Buffer): string {
  const out = Buffer.alloc(bytes.length);
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]! ^ 0xa5;
    out[i] = ((b & 0x0f) << 4) | (b >> 4);
  }
  return out.toString('utf16le');
}

/** Parses a LOGIN7 payload; offsets are validated so a hostile message cannot read out of bounds. */
export function parseLogin7(payload: Buffer): Login7Request {
  if (payload.length < FIXED_LENGTH) throw new TdsProtocolError(`LOGIN7 message is ${payload.length} bytes, shorter than its ${FIXED_LENGTH}-byte fixed part`);
  const declared = payload.readUInt32LE(0);
  if (declared > payload.length) throw new TdsProtocolError(`LOGIN7 declares ${declared} bytes but the message has ${payload.length}`);
  const optionFlags2 = payload.readUInt8(25);

  // Each variable field is an (offset, length-in-characters) pair in the fixed part. Some clients
  // write garbage lengths for empty fields (tedious writes the offset as cchHostName when it has no
  // host name), so out-of-range fields read as empty rather than failing the login.
  const text = (at: number): string => {
    const offset = payload.readUInt16LE(at);
    const chars = payload.readUInt16LE(at + 2);
    if (chars === 0 || offset + chars * 2 > payload.length) return '';
    return payload.subarray(offset, offset + chars * 2).toString('utf16le');
  };
  const passwordOffset = payload.readUInt16LE(44);
  const passwordChars = payload.readUInt16LE(46);
  const password =
    passwordChars > 0 && passwordOffset + passwordChars * 2 <= payload.length
      ? unscramblePassword(payload.subarray(passwordOffset, passwordOffset + passwordChars * 2))
      : '';

  const sspiOffset = payload.readUInt16LE(78);
  let sspiLength = payload.readUInt16LE(80);
  if (sspiLength === 0xffff && payload.length >= 94) sspiLength = payload.readUInt32LE(90);
  const sspi = sspiLength > 0 && sspiOffset + sspiLength <= payload.length ? Buffer.from(payload.subarray(sspiOffset, sspiOffset + sspiLength)) : Buffer.alloc(0);

  const tdsVersion = payload.readUInt32LE(4);
  const features: number[] = [];
  const optionFlags3 = payload.readUInt8(27);
  const extensionUsed = (optionFlags3 & 0x10) !== 0;
  if (tdsVersion >= 0x74000000 && extensionUsed) {
    const extOffset = payload.readUInt16LE(56);
    const extLength = payload.readUInt16LE(58);
    if (extLength >= 4 && extOffset + 4 <= payload.length) {
      let at = payload.readUInt32LE(extOffset);
      while (at < payload.length && payload[at] !== 0xff) {
        if (at + 5 > payload.length) break;
        features.push(payload[at]!);
        at += 5 + payload.readUInt32LE(at + 1);
      }
    }
  }

  return {
    tdsVersion,
    packetSize: payload.readUInt32LE(8),
    clientPid: payload.readUInt32LE(16),
    integratedSecurity: (optionFlags2 & 0x80) !== 0,
    hostName: text(36),
    userName: text(40),
    password,
    appName: text(48),
    serverName: text(52),
    libraryName: text(60),
    language: text(64),
    database: text(68),
    sspi,
    features,
  };
}
