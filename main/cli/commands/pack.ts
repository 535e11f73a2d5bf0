import { readFile } from 'node:fs/promises';
import { dropError } from '../../drop/drop-errors';
import { packDrop } from '../../drop/pack';
import { EXIT, type CliCommand } from '../cli-types';
import { printFailure, printUsage } from '../failure';

const USAGE = 'drop-runner pack <folder> --out <drop.zip> [--sign-key <publisher.key.pem>]';

/** `drop-runner pack`: the vendor side — hash every file into drop.json, sign it, write a deterministic zip. */
export const packCommand: CliCommand = {
  name: 'pack',
  summary: 'Pack a drop folder into a zip with the files list and hashes in drop.json, optionally signed',
  usage: USAGE,
  valueFlags: ['out', 'sign-key'],
  run: async (ctx) => {
    const [folder, ...extra] = ctx.args;
    const out = ctx.flags.get('out');
    if (!folder || extra.length > 0) return printUsage(ctx, folder ? `Unexpected argument "${extra[0]}".` : 'Name the drop folder to pack.', USAGE);
    if (!out) return printUsage(ctx, 'Pass --out <drop.zip>.', USAGE);
    try {
      const keyPath = ctx.flags.get('sign-key');
      let signKeyPem: string | undefined;
      if (keyPath !== undefined) {
        try {
          signKeyPem = await readFile(keyPath, 'utf8');
        } catch (error) {
          throw dropError('DROP_KEY_INVALID', `Cannot read the signing key "${keyPath}": ${(error as Error).message}`, { path: keyPath });
        }
      }
      const result = await packDrop(folder, out, signKeyPem === undefined ? {} : { signKeyPem });
      ctx.stdout(`packed ${result.zipPath}\n`);
      ctx.stdout(`files  ${result.files.length}\n`);
      ctx.stdout(`sha256 ${result.sha256}\n`);
      ctx.stdout(result.keyId ? `signed with key ${result.keyId}\n` : 'unsigned (pass --sign-key to sign)\n');
      return EXIT.ok;
    } catch (error) {
      return printFailure(ctx, error);
    }
  },
};
