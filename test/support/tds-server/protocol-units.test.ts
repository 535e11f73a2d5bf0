import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ByteReader } from './byte-reader';
import { md4 } from './md4';
import { buildNtlmChallenge, ntowfv2, verifyNtlmAuthenticate } from './ntlm';
import { frameMessage, MessageAssembler, PacketType } from './packet';
import { TdsProtocolError } from './protocol-error';
import { parseRpc } from './rpc-parser';
import { parseStatements } from './statement-parser';
import { parseSqlType, TypeId } from './type-info';
import { readValue, writeValue } from './value-codec';

function allHeaders(): Buffer {
  const b = Buffer.alloc(22);
  b.writeUInt32LE(22, 0);
  b.writeUInt32LE(18, 4);
  b.writeUInt16LE(2, 8);
  b.writeUInt32LE(1, 18);
  return b;
}

function bVarchar(s: string): Buffer {
  return Buffer.concat([Buffer.from([s.length]), Buffer.from(s, 'utf16le')]);
}

describe('md4', () => {
  it('matches the RFC 1320 test suite', () => {
    const cases: Array<[string, string]> = [
      ['', '31d6cfe0d16ae931b73c59d7e0c089c0'],
      ['a', 'bde52cb31de33e46245e05fbdbd6fb24'],
      ['abc', 'a448017aaf21d8525fc10ae87aa6729d'],
      ['message digest', 'd9130a8164549fe818874806e1c7014b'],
      ['abcdefghijklmnopqrstuvwxyz', 'd79e1c308aa5bbcdeea8ed63df412da9'],
      ['12345678901234567890123456789012345678901234567890123456789012345678901234567890', 'e33b4ddc9c38f2199c3e7b164fcc0536'],
    ];
    for (const [input, hex] of cases) expect(md4(Buffer.from(input)).toString('hex')).toBe(hex);
  });
});

describe('NTLMv2 verification', () => {
  function authenticate(challenge: Buffer, user: string, domain: string, password: string, tamper = false): Buffer {
    const targetInfo = challenge.subarray(challenge.readUInt32LE(44), challenge.readUInt32LE(44) + challenge.readUInt16LE(40));
    const blob = Buffer.concat([Buffer.from([1, 1, 0, 0, 0, 0, 0, 0]), Buffer.alloc(8, 7), Buffer.alloc(8, 9), Buffer.alloc(4), targetInfo, Buffer.alloc(4)]);
    const proof = createHmac('md5', ntowfv2(password, user, domain)).update(Buffer.concat([challenge.subarray(24, 32), blob])).digest();
    if (tamper) proof.writeUInt8(proof.readUInt8(0) ^ 1, 0);
    const nt = Buffer.concat([proof, blob]);
    const d = Buffer.from(domain, 'utf16le');
    const u = Buffer.from(user, 'utf16le');
    const head = Buffer.alloc(64);
    Buffer.from('NTLMSSP\0', 'latin1').copy(head);
    head.writeUInt32LE(3, 8);
    const field = (at: number, len: number, off: number): void => {
      head.writeUInt16LE(len, at);
      head.writeUInt16LE(len, at + 2);
      head.writeUInt32LE(off, at + 4);
    };
    field(12, 0, 64); // LM
    field(20, nt.length, 64 + d.length + u.length);
    field(28, d.length, 64);
    field(36, u.length, 64 + d.length);
    field(44, 0, 64);
    field(52, 0, 64);
    head.writeUInt32LE(0x00088201, 60);
    return Buffer.concat([head, d, u, nt]);
  }

  it('accepts the right password (domain as sent) and rejects a wrong one or an unknown user', () => {
    const challenge = buildNtlmChallenge('CORP', 'SQL01');
    const users = [{ domain: 'corp', user: 'Ann', password: 'pässword' }];
    expect(verifyNtlmAuthenticate(authenticate(challenge.message, 'ann', 'Corp', 'pässword'), challenge, users)).toMatchObject({ ok: true, user: 'ann', domain: 'Corp' });
    expect(verifyNtlmAuthenticate(authenticate(challenge.message, 'ann', 'Corp', 'other'), challenge, users)).toMatchObject({ ok: false, reason: 'NTLMv2 proof does not match the configured password' });
    expect(verifyNtlmAuthenticate(authenticate(challenge.message, 'ann', 'Corp', 'pässword', true), challenge, users).ok).toBe(false);
    expect(verifyNtlmAuthenticate(authenticate(challenge.message, 'bob', 'Corp', 'pässword'), challenge, users)).toMatchObject({ ok: false, reason: 'no Windows user Corp\\bob is configured' });
  });

  it('rejects a message that is not an AUTHENTICATE', () => {
    const challenge = buildNtlmChallenge('CORP', 'SQL01');
    expect(() => verifyNtlmAuthenticate(challenge.message, challenge, [])).toThrow(TdsProtocolError);
  });
});

describe('packet framing', () => {
  it('reassembles a message split across packets and arbitrary chunk boundaries', () => {
    const payload = Buffer.from(Array.from({ length: 10_000 }, (_, i) => i % 251));
    const wire = frameMessage(PacketType.SQL_BATCH, payload, 512);
    const a = new MessageAssembler();
    const got = [];
    for (let i = 0; i < wire.length; i += 333) got.push(...a.push(wire.subarray(i, i + 333)));
    expect(got).toHaveLength(1);
    expect(got[0]!.type).toBe(PacketType.SQL_BATCH);
    expect(got[0]!.payload.equals(payload)).toBe(true);
  });

  it('rejects interleaved packet types and oversized messages', () => {
    const one = frameMessage(PacketType.SQL_BATCH, Buffer.alloc(600), 512);
    const firstPacket = one.subarray(0, 512);
    const other = frameMessage(PacketType.RPC, Buffer.alloc(10), 512);
    expect(() => new MessageAssembler().push(Buffer.concat([firstPacket, other]))).toThrow(/interleaved/);
    expect(() => new MessageAssembler(100).push(frameMessage(PacketType.SQL_BATCH, Buffer.alloc(200), 4096))).toThrow(/larger than 100 bytes/);
  });
});

describe('RPC parsing', () => {
  it('reads PLP values with a known total length and several chunks, and a PLP NULL', () => {
    const part1 = Buffer.from('hello ', 'utf16le');
    const part2 = Buffer.from('world', 'utf16le');
    const plpHead = Buffer.alloc(8);
    plpHead.writeBigUInt64LE(BigInt(part1.length + part2.length));
    const chunk = (b: Buffer): Buffer => {
      const h = Buffer.alloc(4);
      h.writeUInt32LE(b.length);
      return Buffer.concat([h, b]);
    };
    const nvarcharMax = Buffer.from([0xe7, 0xff, 0xff, 0x09, 0x04, 0xd0, 0x00, 0x34]);
    const varbinMax = Buffer.from([0xa5, 0xff, 0xff]);
    const name = Buffer.from('dbo.p', 'utf16le');
    const nameLen = Buffer.alloc(2);
    nameLen.writeUInt16LE(5);
    const payload = Buffer.concat([
      allHeaders(),
      nameLen,
      name,
      Buffer.from([0, 0]),
      bVarchar('@text'),
      Buffer.from([0]),
      nvarcharMax,
      plpHead,
      chunk(part1),
      chunk(part2),
      Buffer.alloc(4),
      bVarchar('@blob'),
      Buffer.from([1]),
      varbinMax,
      Buffer.alloc(8, 0xff),
    ]);
    const rpc = parseRpc(payload);
    expect(rpc.procedure).toBe('dbo.p');
    expect(rpc.params.map((p) => [p.name, p.value, p.output])).toEqual([
      ['@text', 'hello world', false],
      ['@blob', null, true],
    ]);
  });

  it('rejects a PLP whose chunks disagree with its declared length, and truncated messages', () => {
    const plpHead = Buffer.alloc(8);
    plpHead.writeBigUInt64LE(10n);
    const payload = Buffer.concat([allHeaders(), Buffer.from([0xff, 0xff, 10, 0, 0, 0]), bVarchar('@b'), Buffer.from([0, 0xa5, 0xff, 0xff]), plpHead, Buffer.from([2, 0, 0, 0, 1, 2]), Buffer.alloc(4)]);
    expect(() => parseRpc(payload)).toThrow(/declared 10 bytes but its chunks hold 2/);
    expect(() => parseRpc(payload.subarray(0, payload.length - 3))).toThrow(TdsProtocolError);
  });
});

describe('value codec round trips', () => {
  const cases: Array<[string, unknown, unknown]> = [
    ['int', -7, -7],
    ['bigint', '-9223372036854775808', '-9223372036854775808'],
    ['bit', true, true],
    ['float', 1.5, 1.5],
    ['nvarchar(10)', 'Zoë', 'Zoë'],
    ['varchar(10)', 'café €', 'café €'],
    ['varbinary(max)', Buffer.from([0, 1, 2]), Buffer.from([0, 1, 2])],
    ['datetime2(3)', '2024-01-02T03:04:05.678', '2024-01-02T03:04:05.678'],
    ['datetimeoffset(0)', '2024-01-02T03:04:05-05:30', '2024-01-02T03:04:05-05:30'],
    ['date', '0001-01-01', '0001-01-01'],
    ['time(7)', '1900-01-01T23:59:59.9999999', '23:59:59.9999999'],
    ['datetime', '2024-01-02T03:04:05.003', '2024-01-02T03:04:05.003'],
    ['decimal(10,4)', '-12.5', '-12.5000'],
    ['uniqueidentifier', '6f9619ff-8b86-d011-b42d-00c04fc964ff', '6F9619FF-8B86-D011-B42D-00C04FC964FF'],
    ['money', 12.3456, 12.3456],
    ['nvarchar(max)', null, null],
  ];
  it.each(cases)('%s', (type, input, expected) => {
    const ti = parseSqlType(type);
    const bytes = writeValue(ti, input as never);
    expect(readValue(new ByteReader(bytes), ti)).toEqual(expected);
  });

  it('refuses a value longer than the declared length', () => {
    expect(() => writeValue({ id: TypeId.NVARCHAR, length: 4 }, 'abc')).toThrow(/does not fit/);
  });
});

describe('statement parser', () => {
  it('understands the documented shapes and leaves everything else as other', () => {
    const kinds = parseStatements(`
      SET NOCOUNT ON;
      BEGIN TRY
        BEGIN TRANSACTION
        INSERT INTO dbo.T (a) VALUES (@a)
        EXEC dbo.something 1, 2
        COMMIT
      END TRY
      BEGIN CATCH
        IF @@TRANCOUNT > 0 ROLLBACK;
        THROW;
      END CATCH
      SELECT a, b AS bee FROM [db].[dbo].[T] WITH (NOLOCK) WHERE a = 1 AND b IS NOT NULL ORDER BY a DESC
      USE [Other]
    `).map((s) => s.kind);
    expect(kinds).toEqual(['set-nocount', 'begin-tran', 'insert', 'other', 'commit', 'other', 'other', 'select', 'use']);
  });

  it('does not see transaction keywords inside strings, comments or identifiers', () => {
    const kinds = parseStatements("SELECT 'COMMIT' AS [ROLLBACK] -- BEGIN TRAN\n/* ROLLBACK /* nested */ COMMIT */").map((s) => s.kind);
    expect(kinds).toEqual(['select']);
  });

  it('treats CREATE/ALTER PROCEDURE, FUNCTION, TRIGGER and VIEW batches as one module definition, never running the body', () => {
    for (const text of ['CREATE PROCEDURE dbo.p @a int AS SELECT @a; ROLLBACK', '-- header\nCREATE OR ALTER VIEW dbo.v AS SELECT 1 AS x', 'ALTER FUNCTION dbo.f() RETURNS int AS BEGIN RETURN 1 END', 'create trigger t on dbo.x after insert as begin tran']) {
      const statements = parseStatements(text);
      expect(statements.map((s) => s.kind)).toEqual(['other']);
    }
    expect(parseStatements('CREATE TABLE dbo.x (a int)\nBEGIN TRAN').map((s) => s.kind)).toContain('begin-tran');
  });

  it('reports the line of each statement', () => {
    const s = parseStatements('SELECT 1\n\nCREATE TABLE dbo.x (a int)');
    expect(s.map((x) => [x.kind, x.line])).toEqual([
      ['select', 1],
      ['create-table', 3],
    ]);
  });
});
