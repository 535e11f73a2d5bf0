/**
 * A self-signed X.509 certificate for the TDS double's TLS, made at start with node:crypto only.
 * Node can make keys and signatures but not certificates, and a fixed certificate checked into the
 * repository would expire and invite reuse; so the few DER structures RFC 5280 needs are written
 * here by hand (P-256 key, ECDSA-SHA256, subjectAltName for localhost and 127.0.0.1).
 */
import { createHash, generateKeyPairSync, randomBytes, sign } from 'node:crypto';

/** A certificate and its private key, PEM-encoded, and the SHA-256 fingerprint a client may pin. */
export interface SelfSignedCertificate {
  certPem: string;
  keyPem: string;
  /** Upper-case hex pairs separated by colons, as openssl and Windows show it. */
  fingerprint256: string;
}

function length(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let v = n; v > 0; v >>= 8) bytes.unshift(v & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

function tlv(tag: number, ...content: Buffer[]): Buffer {
  const body = Buffer.concat(content);
  return Buffer.concat([Buffer.from([tag]), length(body.length), body]);
}

const sequence = (...c: Buffer[]) => tlv(0x30, ...c);
const set = (...c: Buffer[]) => tlv(0x31, ...c);
const octetString = (c: Buffer) => tlv(0x04, c);
const bitString = (c: Buffer) => tlv(0x03, Buffer.from([0]), c);
const utf8 = (s: string) => tlv(0x0c, Buffer.from(s, 'utf8'));
const bool = (v: boolean) => tlv(0x01, Buffer.from([v ? 0xff : 0]));

function integer(bytes: Buffer): Buffer {
  // DER integers are minimal: leading zero bytes go (a random serial starts with one 1 time in 256, and
  // OpenSSL then refuses the certificate with "illegal padding")...
  let start = 0;
  while (start < bytes.length - 1 && bytes[start] === 0) start++;
  const minimal = bytes.subarray(start);
  // ...and signed: a leading 1 bit needs a zero byte in front to stay positive.
  return tlv(0x02, minimal[0]! & 0x80 ? Buffer.concat([Buffer.from([0]), minimal]) : minimal);
}

function oid(dotted: string): Buffer {
  const parts = dotted.split('.').map(Number);
  const out: number[] = [parts[0]! * 40 + parts[1]!];
  for (const part of parts.slice(2)) {
    const chunk: number[] = [];
    let v = part;
    do {
      chunk.unshift(v & 0x7f);
      v >>>= 7;
    } while (v > 0);
    for (let i = 0; i < chunk.length - 1; i++) chunk[i]! |= 0x80;
    out.push(...chunk);
  }
  return tlv(0x06, Buffer.from(out));
}

function utcTime(d: Date): Buffer {
  const p = (n: number) => String(n).padStart(2, '0');
  const text = `${p(d.getUTCFullYear() % 100)}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}Z`;
  return tlv(0x17, Buffer.from(text, 'ascii'));
}

function extension(id: string, critical: boolean, value: Buffer): Buffer {
  return sequence(oid(id), ...(critical ? [bool(true)] : []), octetString(value));
}

/** Makes a fresh key pair and a certificate valid from an hour ago for `days` days. */
export function createSelfSignedCertificate(commonName = 'TDSDOUBLE', days = 7): SelfSignedCertificate {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const ecdsaSha256 = sequence(oid('1.2.840.10045.4.3.2'));
  const name = sequence(set(sequence(oid('2.5.4.3'), utf8(commonName))));
  const now = Date.now();
  const serial = randomBytes(16);
  serial[0]! &= 0x7f;
  const altNames = sequence(tlv(0x82, Buffer.from('localhost', 'ascii')), tlv(0x87, Buffer.from([127, 0, 0, 1])));
  const extensions = tlv(
    0xa3,
    sequence(
      // CA:TRUE lets the certificate be its own trust anchor when a test installs it (NODE_EXTRA_CA_CERTS).
      extension('2.5.29.19', true, sequence(bool(true))),
      extension('2.5.29.17', false, altNames),
      extension('2.5.29.37', false, sequence(oid('1.3.6.1.5.5.7.3.1'))),
    ),
  );
  const tbs = sequence(
    tlv(0xa0, integer(Buffer.from([2]))),
    integer(serial),
    ecdsaSha256,
    name,
    sequence(utcTime(new Date(now - 3_600_000)), utcTime(new Date(now + days * 86_400_000))),
    name,
    publicKey.export({ type: 'spki', format: 'der' }),
    extensions,
  );
  const signature = sign('sha256', tbs, privateKey);
  const der = sequence(tbs, ecdsaSha256, bitString(signature));
  const base64 = der.toString('base64').replace(/(.{64})/g, '$1\n').trimEnd();
  const digest = createHash('sha256').update(der).digest('hex').toUpperCase();
  return {
    certPem: `-----BEGIN CERTIFICATE-----\n${base64}\n-----END CERTIFICATE-----\n`,
    keyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    fingerprint256: digest.match(/../g)!.join(':'),
  };
}
