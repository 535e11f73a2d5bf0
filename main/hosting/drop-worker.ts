/**
 * The entry point of the drop worker thread (built to dist/main/drop-worker.cjs). Opening a drop is the
 * heaviest work driven by untrusted input: extraction, hashing, drop.json, nested packages, the Octopus
 * script and variables. Doing it here keeps the main thread free for the UI, the browser host and
 * signals, and lets the main thread stop it at any moment with worker.terminate().
 */
import { parentPort, workerData } from 'node:worker_threads';
import { AppError } from '../../common/errors';
import { createOctopusImporter } from '../octopus/octopus-importer';
import { openDrop } from '../drop/open-drop';
import type { WorkerReply, WorkerRequest, WorkerToMain } from '../drop/worker/worker-messages';

const port = parentPort;
if (!port) throw new Error('main/hosting/drop-worker.ts runs only as a worker thread');
const request = workerData as WorkerRequest;

let passwordWaiter: ((reply: WorkerReply) => void) | undefined;
port.on('message', (reply: WorkerReply) => passwordWaiter?.(reply));

const send = (message: WorkerToMain): void => port.postMessage(message);

// The keychain lives on the main thread: the password is asked for there, only if a file needs it.
const askPassword = (): Promise<string | undefined> =>
  new Promise((resolve) => {
    passwordWaiter = (reply) => {
      passwordWaiter = undefined;
      resolve(reply.password);
    };
    send({ type: 'password-request' });
  });

openDrop(request.path, {
  dataDir: request.dataDir,
  ...(request.limits ? { limits: request.limits } : {}),
  trustedKeys: request.trustedKeys,
  octopusImporter: createOctopusImporter(request.askPassword ? { password: askPassword } : {}),
  onTempPath: (path) => send({ type: 'temp', path }),
}).then(
  (drop) => send({ type: 'done', drop }),
  (error: unknown) => {
    if (error instanceof AppError) send({ type: 'failed', error: error.toShape() });
    else send({ type: 'crashed', message: error instanceof Error ? error.message : String(error) });
  },
);
