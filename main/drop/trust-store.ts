import { z } from 'zod';
import { createConfSettingsStore, type SettingsStore } from '../platform/settings-store';
import { dropError } from './drop-errors';
import { keyIdOf, loadPublicKey, type TrustedKey } from './signature';

/** A trusted publisher key as stored, with when it was added. */
export interface TrustedPublisher extends TrustedKey {
  added: string;
}

const TRUST_FILE = 'trusted-publishers';
const KEY = 'publishers';

const storedSchema = z.array(
  z.strictObject({
    name: z.string().min(1),
    keyId: z.string().regex(/^[0-9a-f]{16}$/),
    publicKeyPem: z.string().min(1),
    added: z.string(),
  }),
);

/**
 * The publishers whose drops show as "verified", kept in `<dataDir>/trusted-publishers.json`
 * (a settings file: public keys are not secrets). Adding is an explicit engineer action only.
 */
export class TrustStore {
  constructor(private readonly store: SettingsStore) {}

  /** Opens the trust store of a data folder (the file is created on first add). */
  static open(dataDir: string): TrustStore {
    return new TrustStore(createConfSettingsStore(dataDir, TRUST_FILE));
  }

  /** Absolute path of the backing file. */
  get path(): string {
    return this.store.path;
  }

  /** Every trusted publisher, in the order added. */
  list(): TrustedPublisher[] {
    const raw = this.store.get(KEY);
    if (raw === undefined) return [];
    const parsed = storedSchema.safeParse(raw);
    if (!parsed.success) {
      throw dropError('TRUST_STORE_INVALID', `${this.store.path} does not hold a valid list of trusted publishers.`, { path: this.store.path });
    }
    return parsed.data;
  }

  /** The keys in the form verifyDropSignature takes. */
  keys(): TrustedKey[] {
    return this.list().map(({ name, keyId, publicKeyPem }) => ({ name, keyId, publicKeyPem }));
  }

  /** Trusts an Ed25519 public key under a publisher name; re-adding a key renames it. */
  add(publicKeyPem: string, name: string): TrustedPublisher {
    const trimmedName = name.trim();
    if (!trimmedName) throw dropError('TRUST_KEY_INVALID', 'A trusted publisher needs a name.', undefined, 'Pass --name "<publisher>".');
    const key = loadPublicKey(publicKeyPem);
    const entry: TrustedPublisher = {
      name: trimmedName,
      keyId: keyIdOf(key),
      publicKeyPem: key.export({ type: 'spki', format: 'pem' }).toString(),
      added: new Date().toISOString(),
    };
    const others = this.list().filter((p) => p.keyId !== entry.keyId);
    this.store.set(KEY, [...others, entry]);
    return entry;
  }

  /** Stops trusting a key; throws TRUST_KEY_NOT_FOUND when it was not trusted. */
  remove(keyId: string): TrustedPublisher {
    const all = this.list();
    const found = all.find((p) => p.keyId === keyId.toLowerCase());
    if (!found) throw dropError('TRUST_KEY_NOT_FOUND', `No trusted publisher has key id "${keyId}".`, { keyId });
    this.store.set(
      KEY,
      all.filter((p) => p !== found),
    );
    return found;
  }
}
