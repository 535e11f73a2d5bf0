import { createHash, generateKeyPairSync } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { generateSigningKeyPair } from '../../../main/drop/keygen';
import { keyIdOf, loadPrivateKey, loadPublicKey, signManifestBytes, verifyDropSignature } from '../../../main/drop/signature';
import { TrustStore } from '../../../main/drop/trust-store';

const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});
const tempDir = async (): Promise<string> => {
  const dir = await mkdtemp(join(tmpdir(), 'sig-'));
  dirs.push(dir);
  return dir;
};
const pair = () => {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return { privatePem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), publicPem: publicKey.export({ type: 'spki', format: 'pem' }).toString() };
};
const codeOf = (fn: () => unknown): string | undefined => {
  try {
    fn();
    return undefined;
  } catch (error) {
    return (error as { code?: string }).code;
  }
};
const manifest = Buffer.from('{"formatVersion":"1"}\n');

describe('drop signatures', () => {
  it('keyId is the first 16 hex of sha256 over the SPKI DER', () => {
    const { publicPem } = pair();
    const key = loadPublicKey(publicPem);
    expect(keyIdOf(key)).toBe(createHash('sha256').update(key.export({ type: 'spki', format: 'der' })).digest('hex').slice(0, 16));
  });

  it('verified / unsigned / unknown-publisher / invalid', () => {
    const vendor = pair();
    const stranger = pair();
    const { sig, keyId } = signManifestBytes(manifest, vendor.privatePem);
    expect(JSON.parse(sig.toString())).toEqual({ keyId, signature: expect.any(String) });
    const trusted = [{ name: 'Vendor', keyId: 'whatever', publicKeyPem: vendor.publicPem }];
    expect(verifyDropSignature(manifest, sig, trusted)).toEqual({ state: 'verified', publisher: 'Vendor', keyId });
    expect(verifyDropSignature(manifest, null, trusted)).toEqual({ state: 'unsigned' });
    expect(verifyDropSignature(manifest, sig, [{ name: 'Stranger', keyId, publicKeyPem: stranger.publicPem }])).toEqual({ state: 'unknown-publisher', keyId });
    const tampered = Buffer.from('{"formatVersion":"1" }\n');
    expect(verifyDropSignature(tampered, sig, trusted)).toMatchObject({ state: 'invalid' });
  });

  it('treats malformed drop.sig documents as invalid', () => {
    const trusted = [{ name: 'Vendor', keyId: '', publicKeyPem: pair().publicPem }];
    for (const bad of ['', 'null', '[]', '{"keyId":"abc","signature":"AA=="}', '{"keyId":"0123456789abcdef","signature":"AAAA"}', '{"keyId":"0123456789abcdef","signature":"x","extra":1}']) {
      expect(verifyDropSignature(manifest, Buffer.from(bad), trusted).state).toBe('invalid');
    }
  });

  it('refuses non-Ed25519 keys', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 });
    expect(codeOf(() => loadPublicKey(rsa.publicKey.export({ type: 'spki', format: 'pem' }).toString()))).toBe('TRUST_KEY_INVALID');
    expect(codeOf(() => loadPrivateKey(rsa.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()))).toBe('DROP_KEY_INVALID');
    expect(codeOf(() => loadPublicKey('not a pem'))).toBe('TRUST_KEY_INVALID');
    expect(codeOf(() => signManifestBytes(manifest, 'not a pem'))).toBe('DROP_KEY_INVALID');
  });
});

describe('keygen', () => {
  it('writes a usable pair with an owner-only private key and refuses to overwrite', async () => {
    const dir = await tempDir();
    const result = await generateSigningKeyPair(join(dir, 'vendor'));
    expect(result.privateKeyPath).toBe(join(dir, 'vendor.key.pem'));
    const { sig } = signManifestBytes(manifest, await readFile(result.privateKeyPath, 'utf8'));
    const state = verifyDropSignature(manifest, sig, [{ name: 'V', keyId: '', publicKeyPem: await readFile(result.publicKeyPath, 'utf8') }]);
    expect(state).toEqual({ state: 'verified', publisher: 'V', keyId: result.keyId });
    const { stat } = await import('node:fs/promises');
    expect((await stat(result.privateKeyPath)).mode & 0o077).toBe(0);
    await expect(generateSigningKeyPair(join(dir, 'vendor'))).rejects.toMatchObject({ code: 'KEY_WRITE_FAILED' });
  });
});

describe('TrustStore', () => {
  it('adds, lists, renames and removes publishers in <dataDir>/trusted-publishers.json', async () => {
    const dataDir = await tempDir();
    const store = TrustStore.open(dataDir);
    expect(store.list()).toEqual([]);
    const vendor = pair();
    const added = store.add(vendor.publicPem, 'Meridian Health Integrations');
    expect(added.keyId).toBe(keyIdOf(loadPublicKey(vendor.publicPem)));
    expect(store.path).toBe(join(dataDir, 'trusted-publishers.json'));
    expect(TrustStore.open(dataDir).keys()).toEqual([{ name: 'Meridian Health Integrations', keyId: added.keyId, publicKeyPem: expect.stringContaining('BEGIN PUBLIC KEY') }]);
    store.add(vendor.publicPem, 'Meridian (renamed)');
    expect(store.list().map((p) => p.name)).toEqual(['Meridian (renamed)']);
    expect(store.remove(added.keyId).name).toBe('Meridian (renamed)');
    expect(store.list()).toEqual([]);
  });

  it('fails with coded errors', async () => {
    const dataDir = await tempDir();
    const store = TrustStore.open(dataDir);
    expect(codeOf(() => store.remove('0123456789abcdef'))).toBe('TRUST_KEY_NOT_FOUND');
    expect(codeOf(() => store.add('garbage', 'X'))).toBe('TRUST_KEY_INVALID');
    expect(codeOf(() => store.add(pair().publicPem, '  '))).toBe('TRUST_KEY_INVALID');
    await writeFile(join(dataDir, 'trusted-publishers.json'), JSON.stringify({ publishers: [{ name: 'x' }] }));
    expect(codeOf(() => TrustStore.open(dataDir).list())).toBe('TRUST_STORE_INVALID');
  });
});
