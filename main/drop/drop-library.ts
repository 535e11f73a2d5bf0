import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RecentDrop, StoredDrop } from '../../common/contract';
import type { Drop } from '../../common/drop-model';
import { AppError } from '../../common/errors';
import type { SettingsStore } from '../platform/settings-store';
import { dropsDir } from './drop-store';
import { listStoredDrops, removeStoredDrop } from './drop-storage';
import type { OpenDropOptions } from './open-drop';
import type { IsolatedOpenOptions } from './worker/isolated-open';
import { verifyDropSignature, type TrustedKey } from './signature';
import { ensureDirSync } from '../platform/ensure-dir';

/**
 * Opens and verifies one drop: openDropIsolated (main/drop/worker/isolated-open.ts) in every host, which
 * reads the drop in a worker thread whose entry (main/hosting/drop-worker.ts) composes the Octopus
 * importer there; drop/ sits below octopus/ in the layer table and never imports it.
 */
export type DropOpener = (path: string, options: IsolatedOpenOptions) => Promise<Drop>;

/** How many recently opened drops the Home screen lists. */
export const RECENT_LIMIT = 20;
const RECENT_KEY = 'recentDrops';
const MODEL_FILE = 'drop-model.json';

/**
 * The drops this machine has opened, by id: the verified model is kept beside the extracted files so a
 * plan, a deployment or a resume after a crash can find the exact drop again without re-reading the zip.
 */
export class DropLibrary {
  private readonly cache = new Map<string, Drop>();
  private readonly opening = new Set<AbortController>();

  constructor(
    private readonly dataDir: string,
    private readonly settings: SettingsStore,
    private readonly openOptions: () => Omit<OpenDropOptions, 'dataDir' | 'octopusImporter'>,
    /** Injected by the composition root (main/service.ts, the CLI): openDropIsolated. */
    private readonly openIsolated: DropOpener,
  ) {}

  /**
   * Opens and verifies a drop (zip or folder), remembers it, and lists it first among the recent drops.
   * The Octopus password is asked for only when an encrypted variables file needs it.
   */
  async open(path: string, options: { octopusPassword?: () => Promise<string | undefined> } = {}): Promise<Drop> {
    // The reading happens in a worker thread, so the UI and the browser host keep answering meanwhile.
    const stop = new AbortController();
    this.opening.add(stop);
    let drop: Drop;
    try {
      drop = await this.openIsolated(path, {
        dataDir: this.dataDir,
        ...this.openOptions(),
        ...(options.octopusPassword ? { octopusPassword: options.octopusPassword } : {}),
        signal: stop.signal,
      });
    } finally {
      this.opening.delete(stop);
    }
    const folder = join(dropsDir(this.dataDir), drop.id);
    // A folder drop is verified in place, so its drops/<id>/ folder holds only this model.
    ensureDirSync(folder);
    // Written through a temp file of its own (two opens of the same drop may finish together): a crash
    // mid-write must not leave a half model that a resume would trust.
    const file = join(folder, MODEL_FILE);
    const temp = `${file}.${randomBytes(6).toString('hex')}.tmp`;
    writeFileSync(temp, JSON.stringify(withoutBakedSecrets(drop)));
    renameSync(temp, file);
    this.cache.set(drop.id, drop);
    const recent: RecentDrop = {
      dropId: drop.id,
      sourcePath: drop.provenance.sourcePath,
      project: drop.project.name,
      release: drop.release.version,
      tenantId: drop.target.tenantId,
      openedAt: new Date().toISOString(),
      signature: drop.provenance.signature.state,
    };
    const others = this.recent().filter((r) => r.dropId !== drop.id);
    this.settings.set(RECENT_KEY, [recent, ...others].slice(0, RECENT_LIMIT));
    return drop;
  }

  /** Stops every open still in progress (their workers end and their partial extractions are removed). */
  abortOpens(): void {
    for (const stop of this.opening) stop.abort();
  }

  /** A drop opened earlier (in this or an earlier run); DROP_NOT_FOUND when it is no longer on this machine. */
  get(dropId: string): Drop {
    const cached = this.cache.get(dropId);
    if (cached) return cached;
    if (!/^[\w.-]+$/.test(dropId)) throw notFound(dropId);
    const file = join(dropsDir(this.dataDir), dropId, MODEL_FILE);
    let drop: Drop;
    try {
      drop = JSON.parse(readFileSync(file, 'utf8')) as Drop;
    } catch {
      throw notFound(dropId);
    }
    if (!existsSync(drop.root)) throw notFound(dropId);
    if ((drop as KeptDrop).bakedSecretsOmitted) {
      throw new AppError(
        'DROP_REOPEN_REQUIRED',
        `The drop "${dropId}" holds encrypted values that Drop Runner never keeps on disk, and this process has not opened it yet.`,
        'Open the drop again (from Recent drops or with its path); the tenant’s remembered drop password is used, then continue.',
        { dropId },
      );
    }
    this.cache.set(dropId, drop);
    return drop;
  }

  /**
   * Judges an opened native drop's signature again with the current trusted keys (after the engineer
   * trusted its publisher) from the verified drop.json and drop.sig kept in its folder, and keeps the
   * new state in the model and the recent list. Nothing else of the drop is re-read.
   */
  reverifySignature(dropId: string, trustedKeys: readonly TrustedKey[]): Drop {
    const drop = this.get(dropId);
    if (drop.format !== 'native') return drop;
    const sigFile = join(drop.root, 'drop.sig');
    const signature = verifyDropSignature(readFileSync(join(drop.root, 'drop.json')), existsSync(sigFile) ? readFileSync(sigFile) : null, trustedKeys);
    const updated: Drop = { ...drop, provenance: { ...drop.provenance, signature } };
    const file = join(dropsDir(this.dataDir), drop.id, MODEL_FILE);
    writeFileSync(`${file}.tmp`, JSON.stringify(withoutBakedSecrets(updated)));
    renameSync(`${file}.tmp`, file);
    this.cache.set(drop.id, updated);
    this.settings.set(
      RECENT_KEY,
      this.recent().map((r) => (r.dropId === drop.id ? { ...r, signature: signature.state } : r)),
    );
    return updated;
  }

  /** Recently opened drops, newest first. */
  recent(): RecentDrop[] {
    return this.settings.get<RecentDrop[]>(RECENT_KEY) ?? [];
  }

  /** The drops kept in the data folder with their size; `keptBecause` names the ones that must stay for now. */
  stored(keptBecause: (dropId: string) => string | undefined): StoredDrop[] {
    return listStoredDrops(this.dataDir, this.recent(), keptBecause);
  }

  /** Removes a drop's copy from the data folder and from the recent list; the zip it came from is untouched. */
  remove(dropId: string, keptBecause: string | undefined): number {
    const freed = removeStoredDrop(this.dataDir, dropId, keptBecause);
    this.cache.delete(dropId);
    this.settings.set(
      RECENT_KEY,
      this.recent().filter((r) => r.dropId !== dropId),
    );
    return freed;
  }
}

/** What drop-model.json holds: the model minus any secret baked into the drop (Octopus .secret values). */
type KeptDrop = Drop & { bakedSecretsOmitted?: boolean };

/** Secrets live in the keychain or in memory only, never in a file: baked secret values are left out of the kept model. */
function withoutBakedSecrets(drop: Drop): KeptDrop {
  if (!drop.baked.some((b) => b.sensitive)) return drop;
  return { ...drop, baked: drop.baked.filter((b) => !b.sensitive), bakedSecretsOmitted: true };
}

function notFound(dropId: string): AppError {
  return new AppError('DROP_NOT_FOUND', `The drop "${dropId}" is not on this machine any more.`, 'Open the drop zip again from the Open screen (or pass its path to the command).', { dropId });
}
