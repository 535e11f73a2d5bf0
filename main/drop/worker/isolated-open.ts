import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Drop } from '../../../common/drop-model';
import { AppError } from '../../../common/errors';
import type { DropLimits } from '../limits';
import type { TrustedKey } from '../signature';
import type { WorkerRequest, WorkerToMain } from './worker-messages';

export const DROP_WORKER_FILE = 'drop-worker.cjs';

/** Heap of the drop worker: a drop that needs more than this to open is refused, not allowed to swap the VM. */
export const DROP_WORKER_HEAP_MB = 192;

export interface IsolatedOpenOptions {
  dataDir: string;
  limits?: Partial<DropLimits>;
  trustedKeys?: readonly TrustedKey[];
  /** Asked (on this thread) only when an Octopus variables file is encrypted. */
  octopusPassword?: () => Promise<string | undefined>;
  /** Aborting stops the worker at once and removes whatever it had extracted. */
  signal?: AbortSignal;
  /** The worker's heap limit in MB; DROP_WORKER_HEAP_MB unless a test needs to reach it. */
  heapMb?: number;
}

/**
 * Where the built worker is. Next to the running bundle: dist/main/ for the CLI, the browser host and
 * Electron (inside an installer, in app.asar.unpacked because a worker cannot start from the asar
 * archive); .tmp/ for the demo and benchmark scripts, whose npm scripts build it there. Only when
 * running from the TypeScript sources (tests) may DROP_RUNNER_DROP_WORKER point elsewhere; a built
 * app never takes code to run from the environment.
 */
export function dropWorkerPath(): string {
  const here = fileURLToPath(import.meta.url);
  if (here.endsWith('.ts')) {
    const fromEnv = process.env.DROP_RUNNER_DROP_WORKER;
    return fromEnv ? resolve(fromEnv) : resolve(dirname(here), '../../../dist/main', DROP_WORKER_FILE);
  }
  // Code splitting (scripts/build.mjs) puts shared modules in dist/main/chunks/; the worker sits beside the entry files.
  const dir = dirname(here);
  const bundleDir = basename(dir) === 'chunks' ? dirname(dir) : dir;
  return join(bundleDir, DROP_WORKER_FILE).replace(/app\.asar([\\/])/, 'app.asar.unpacked$1');
}

/** The error a stopped open rejects with (the CLI exits 130 on it). */
export function openCancelled(): AppError {
  return new AppError('CANCELLED', 'Opening the drop was stopped before it finished; nothing was kept.', 'Open the drop again when you are ready.');
}

/**
 * Opens and verifies a drop in a worker thread (main/hosting/drop-worker.ts). The promise settles with the
 * Drop or the AppError the worker reported; on abort, on a worker crash or when the worker runs out of
 * its heap, the worker is terminated and its temporary folder removed before the promise rejects.
 */
export function openDropIsolated(path: string, options: IsolatedOpenOptions): Promise<Drop> {
  const file = dropWorkerPath();
  if (!existsSync(file)) {
    return Promise.reject(
      new AppError('DROP_WORKER_MISSING', `The drop reader (${file}) is missing from this installation.`, 'Reinstall Drop Runner; from a source checkout run `npm run build` first.', { file }),
    );
  }
  if (options.signal?.aborted) return Promise.reject(openCancelled());
  const request: WorkerRequest = {
    path,
    dataDir: options.dataDir,
    ...(options.limits ? { limits: options.limits } : {}),
    trustedKeys: [...(options.trustedKeys ?? [])],
    askPassword: options.octopusPassword !== undefined,
  };
  const heapMb = options.heapMb ?? DROP_WORKER_HEAP_MB;
  const worker = new Worker(file, { workerData: request, resourceLimits: { maxOldGenerationSizeMb: heapMb } });
  let temp: string | undefined;
  let settled = false;
  return new Promise<Drop>((resolvePromise, rejectPromise) => {
    // Every way out goes through here: stop the thread, remove a half-written extraction, settle once.
    const finish = (outcome: { drop: Drop } | { error: unknown }): void => {
      if (settled) return;
      settled = true;
      options.signal?.removeEventListener('abort', onAbort);
      void worker
        .terminate()
        .catch(() => undefined)
        .then(async () => {
          if ('error' in outcome && temp) await rm(temp, { recursive: true, force: true }).catch(() => undefined);
        })
        .then(() => ('drop' in outcome ? resolvePromise(outcome.drop) : rejectPromise(outcome.error)));
    };
    const onAbort = (): void => finish({ error: openCancelled() });
    options.signal?.addEventListener('abort', onAbort, { once: true });
    worker.on('message', (message: WorkerToMain) => {
      switch (message.type) {
        case 'temp':
          temp = message.path;
          break;
        case 'password-request':
          (options.octopusPassword ?? (() => Promise.resolve(undefined)))().then(
            (password) => {
              if (!settled) worker.postMessage(password === undefined ? {} : { password });
            },
            (error: unknown) => finish({ error }),
          );
          break;
        case 'done':
          finish({ drop: message.drop });
          break;
        case 'failed':
          finish({ error: new AppError(message.error.code, message.error.message, message.error.hint, message.error.details) });
          break;
        case 'crashed':
          finish({ error: new Error(message.message) });
          break;
      }
    });
    worker.on('error', (error: Error & { code?: string }) => {
      if (error.code === 'ERR_WORKER_OUT_OF_MEMORY') {
        finish({
          error: new AppError(
            'DROP_TOO_LARGE',
            `Opening "${path}" needed more than the ${heapMb} MB of memory a drop may use.`,
            'Genuine drops stay far below this. Do not use this drop; report it to the vendor.',
            { path, limitMb: heapMb },
          ),
        });
      } else finish({ error });
    });
    worker.on('exit', () => finish({ error: new Error('the drop worker stopped without an answer') }));
  });
}
