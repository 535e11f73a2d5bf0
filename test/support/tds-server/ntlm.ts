import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { md4 } from './md4';
import { TdsProtocolError } from './protocol-error';

/** NTLM negotiate flags the double uses (MS-NLMP 2.2.2.5). */
const Flag = {
  UNICODE: 0x00000001,
  REQUEST_TARGET: 0x00000004,
  NTLM: 0x00000200,
  ALWAYS_SIGN: 0x00008000,
  TARGET_TYPE_DOMAIN: 0x00010000,
  EXTENDED_SESSIONSECURITY: 0x00080000,
  TARGET_INFO: 0x00800000,
  VERSION: 0x02000000,
  N128: 0x20000000,
  N56: 0x80000000,
} as const;

const SIGNATURE = Buffer.from('NTLMSSP\0', 'latin1');

/** A Windows account the double accepts over NTLM. */
export interface WindowsUser {
  domain: string;
  user: string;
  password: string;
}

/** What the server remembers between its CHALLENGE and the client's AUTHENTICATE. */
export interface NtlmChallenge {
  serverChallenge: Buffer;
  message: Buffer;
}

/** Result of checking an AUTHENTICATE message. */
export interface NtlmVerdict {
  ok: boolean;
  domain: string;
  user: string;
  workstation: string;
  /** Why a login failed, for the record (never includes the password). */
  reason?: string;
}

function avPair(id: number, value: Buffer): Buffer {
  const head = Buffer.alloc(4);
  head.writeUInt16LE(id, 0);
  head.writeUInt16LE(value.length, 2);
  return Buffer.concat([head, value]);
}

/** True when the SSPI blob starts like an NTLM message of the given type. */
export function isNtlmMessage(blob: Buffer, type: number): boolean {
  return blob.length >= 12 && blob.subarray(0, 8).equals(SIGNATURE) && blob.readUInt32LE(8) === type;
}

/**
 * Builds an NTLM CHALLENGE (type 2). The target name sits right after the 56-byte header and the
 * target info right after it, because tedious's SSPI parser reads them at those positions
 * instead of following the offsets.
 */
export function buildNtlmChallenge(domain: string, computer: string, now = new Date()): NtlmChallenge {
  const serverChallenge = randomBytes(8);
  const targetName = Buffer.from(domain.toUpperCase(), 'utf16le');
  const filetime = Buffer.alloc(8);
  filetime.writeBigUInt64LE((BigInt(now.getTime()) + 11644473600000n) * 10000n);
  const targetInfo = Buffer.concat([
    avPair(2, Buffer.from(domain.toUpperCase(), 'utf16le')),
    avPair(1, Buffer.from(computer.toUpperCase(), 'utf16le')),
    avPair(4, Buffer.from(domain.toLowerCase(), 'utf16le')),
    avPair(3, Buffer.from(computer.toLowerCase(), 'utf16le')),
    avPair(7, filetime),
    avPair(0, Buffer.alloc(0)),
  ]);
  const header = Buffer.alloc(56);
  SIGNATURE.copy(header, 0);
  header.writeUInt32LE(2, 8);
  header.writeUInt16LE(targetName.length, 12);
  header.writeUInt16LE(targetName.length, 14);
  header.writeUInt32LE(56, 16);
  const flags =
    Flag.UNICODE | Flag.REQUEST_TARGET | Flag.NTLM | Flag.ALWAYS_SIGN | Flag.TARGET_TYPE_DOMAIN |
    Flag.EXTENDED_SESSIONSECURITY | Flag.TARGET_INFO | Flag.VERSION | Flag.N128 | Flag.N56;
  header.writeUInt32LE(flags >>> 0, 20);
  serverChallenge.copy(header, 24);
  // 32..39 reserved (zero)
  header.writeUInt16LE(targetInfo.length, 40);
  header.writeUInt16LE(targetInfo.length, 42);
  header.writeUInt32LE(56 + targetName.length, 44);
  // Version: Windows 10.0 build 17763, NTLMSSP revision 15.
  header.writeUInt8(10, 48);
  header.writeUInt8(0, 49);
  header.writeUInt16LE(17763, 50);
  header.writeUInt8(15, 55);
  return { serverChallenge, message: Buffer.concat([header, targetName, targetInfo]) };
}

function field(msg: Buffer, at: number, what: string): Buffer {
  if (at + 8 > msg.length) throw new TdsProtocolError(`NTLM AUTHENTICATE is truncated before its ${what} field`);
  const length = msg.readUInt16LE(at);
  const offset = msg.readUInt32LE(at + 4);
  if (offset + length > msg.length) throw new TdsProtocolError(`NTLM AUTHENTICATE ${what} points outside the message`);
  return msg.subarray(offset, offset + length);
}

/** The NT one-way function v2: HMAC-MD5 keyed with MD4(password) over UPPER(user) + domain. */
export function ntowfv2(password: string, user: string, domain: string): Buffer {
  const ntHash = md4(Buffer.from(password, 'utf16le'));
  return createHmac('md5', ntHash).update(Buffer.from(user.toUpperCase() + domain, 'utf16le')).digest();
}

/**
 * Verifies an NTLMv2 AUTHENTICATE (type 3) against the configured Windows users. Only NTLMv2 is
 * accepted (as on any current Windows domain). tedious declares an NT response length of 16 and
 * appends the NTLMv2 client blob after it, so when the declared length is exactly 16 the blob is
 * taken from the bytes that follow the proof.
 */
export function verifyNtlmAuthenticate(msg: Buffer, challenge: NtlmChallenge, users: readonly WindowsUser[]): NtlmVerdict {
  if (!isNtlmMessage(msg, 3)) throw new TdsProtocolError('expected an NTLM AUTHENTICATE (type 3) message');
  const flags = msg.length >= 64 ? msg.readUInt32LE(60) : Flag.UNICODE;
  const decode = (b: Buffer): string => ((flags & Flag.UNICODE) !== 0 ? b.toString('utf16le') : b.toString('latin1'));
  const ntField = field(msg, 20, 'NtChallengeResponse');
  const domain = decode(field(msg, 28, 'DomainName'));
  const user = decode(field(msg, 36, 'UserName'));
  const workstation = decode(field(msg, 44, 'Workstation'));
  const base = { domain, user, workstation };

  let proof: Buffer;
  let blob: Buffer;
  if (ntField.length > 16) {
    proof = ntField.subarray(0, 16);
    blob = ntField.subarray(16);
  } else if (ntField.length === 16) {
    proof = ntField;
    const ntOffset = msg.readUInt32LE(24);
    blob = msg.subarray(ntOffset + 16);
  } else {
    return { ...base, ok: false, reason: `NT response of ${ntField.length} bytes is not NTLMv2` };
  }
  if (blob.length < 28 || blob[0] !== 1 || blob[1] !== 1) return { ...base, ok: false, reason: 'NTLMv2 client blob is missing or malformed' };

  const account = users.find((u) => u.user.toLowerCase() === user.toLowerCase() && u.domain.toLowerCase() === domain.toLowerCase());
  if (!account) return { ...base, ok: false, reason: `no Windows user ${domain}\\${user} is configured` };

  // MS-NLMP keys the hash on the domain as sent; tedious upper-cases it first. Accept either spelling.
  for (const dom of new Set([domain, domain.toUpperCase()])) {
    const expected = createHmac('md5', ntowfv2(account.password, user, dom)).update(Buffer.concat([challenge.serverChallenge, blob])).digest();
    if (timingSafeEqual(expected, proof)) return { ...base, ok: true };
  }
  return { ...base, ok: false, reason: 'NTLMv2 proof does not match the configured password' };
}
