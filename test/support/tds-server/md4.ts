/**
 * MD4 (RFC 1320), needed for the NT password hash. Node 20's OpenSSL 3 only offers MD4 through the
 * legacy provider, so `crypto.createHash('md4')` throws; this small implementation avoids that.
 */
export function md4(input: Buffer): Buffer {
  const bitLength = BigInt(input.length) * 8n;
  const padLength = ((input.length + 8) >> 6) * 64 + 64 - input.length;
  const msg = Buffer.alloc(input.length + padLength);
  input.copy(msg);
  msg[input.length] = 0x80;
  msg.writeBigUInt64LE(bitLength & 0xffffffffffffffffn, msg.length - 8);

  let a = 0x67452301;
  let b = 0xefcdab89;
  let c = 0x98badcfe;
  let d = 0x10325476;
  const rotl = (x: number, s: number): number => ((x << s) | (x >>> (32 - s))) >>> 0;
  const f = (x: number, y: number, z: number): number => (x & y) | (~x & z);
  const g = (x: number, y: number, z: number): number => (x & y) | (x & z) | (y & z);
  const h = (x: number, y: number, z: number): number => x ^ y ^ z;
  const x = new Array<number>(16);

  for (let block = 0; block < msg.length; block += 64) {
    for (let i = 0; i < 16; i++) x[i] = msg.readUInt32LE(block + i * 4);
    const [aa, bb, cc, dd] = [a, b, c, d];
    const xi = (i: number): number => x[i]!;

    // Round 1: F, shifts 3 7 11 19, words in order.
    for (const i of [0, 4, 8, 12]) {
      a = rotl((a + f(b, c, d) + xi(i)) >>> 0, 3);
      d = rotl((d + f(a, b, c) + xi(i + 1)) >>> 0, 7);
      c = rotl((c + f(d, a, b) + xi(i + 2)) >>> 0, 11);
      b = rotl((b + f(c, d, a) + xi(i + 3)) >>> 0, 19);
    }
    // Round 2: G + 0x5a827999, shifts 3 5 9 13, words by column.
    for (const i of [0, 1, 2, 3]) {
      a = rotl((a + g(b, c, d) + xi(i) + 0x5a827999) >>> 0, 3);
      d = rotl((d + g(a, b, c) + xi(i + 4) + 0x5a827999) >>> 0, 5);
      c = rotl((c + g(d, a, b) + xi(i + 8) + 0x5a827999) >>> 0, 9);
      b = rotl((b + g(c, d, a) + xi(i + 12) + 0x5a827999) >>> 0, 13);
    }
    // Round 3: H + 0x6ed9eba1, shifts 3 9 11 15, words in bit-reversed order.
    for (const i of [0, 2, 1, 3]) {
      a = rotl((a + h(b, c, d) + xi(i) + 0x6ed9eba1) >>> 0, 3);
      d = rotl((d + h(a, b, c) + xi(i + 8) + 0x6ed9eba1) >>> 0, 9);
      c = rotl((c + h(d, a, b) + xi(i + 4) + 0x6ed9eba1) >>> 0, 11);
      b = rotl((b + h(c, d, a) + xi(i + 12) + 0x6ed9eba1) >>> 0, 15);
    }
    a = (a + aa) >>> 0;
    b = (b + bb) >>> 0;
    c = (c + cc) >>> 0;
    d = (d + dd) >>> 0;
  }
  const out = Buffer.alloc(16);
  out.writeUInt32LE(a, 0);
  out.writeUInt32LE(b, 4);
  out.writeUInt32LE(c, 8);
  out.writeUInt32LE(d, 12);
  return out;
}
