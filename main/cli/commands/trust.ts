import { readFile } from 'node:fs/promises';
import { dropError } from '../../drop/drop-errors';
import { TrustStore } from '../../drop/trust-store';
import { EXIT, type CliCommand } from '../cli-types';
import { printFailure, printUsage } from '../failure';

const USAGE = 'drop-runner trust add <publisher.pub.pem> --name <publisher> | trust list [--json] | trust remove <keyId>';

/** `drop-runner trust`: which publishers' signatures count as verified on this machine. */
export const trustCommand: CliCommand = {
  name: 'trust',
  summary: 'Add, list or remove trusted drop publishers (their public signing keys)',
  usage: USAGE,
  valueFlags: ['name'],
  run: async (ctx) => {
    const [action, arg, ...extra] = ctx.args;
    try {
      if (action === 'add') {
        const name = ctx.flags.get('name');
        if (!arg || extra.length > 0 || !name) return printUsage(ctx, 'trust add needs the public key file and --name <publisher>.', USAGE);
        let pem: string;
        try {
          pem = await readFile(arg, 'utf8');
        } catch (error) {
          throw dropError('TRUST_KEY_INVALID', `Cannot read "${arg}": ${(error as Error).message}`, { path: arg });
        }
        const added = TrustStore.open(ctx.dataDir).add(pem, name);
        ctx.stdout(`trusted ${added.name} (key ${added.keyId})\n`);
        return EXIT.ok;
      }
      if (action === 'list') {
        if (arg) return printUsage(ctx, `Unexpected argument "${arg}".`, USAGE);
        const list = TrustStore.open(ctx.dataDir).list();
        if (ctx.flags.has('json')) {
          ctx.stdout(`${JSON.stringify(list.map(({ name, keyId, added }) => ({ name, keyId, added })), null, 2)}\n`);
        } else if (list.length === 0) {
          ctx.stdout('No publishers are trusted yet. Add one with `drop-runner trust add <publisher.pub.pem> --name <publisher>`.\n');
        } else {
          for (const p of list) ctx.stdout(`${p.keyId}  ${p.name}  (added ${p.added})\n`);
        }
        return EXIT.ok;
      }
      if (action === 'remove') {
        if (!arg || extra.length > 0) return printUsage(ctx, 'trust remove needs the key id (see `drop-runner trust list`).', USAGE);
        const removed = TrustStore.open(ctx.dataDir).remove(arg);
        ctx.stdout(`no longer trusted: ${removed.name} (key ${removed.keyId})\n`);
        return EXIT.ok;
      }
      return printUsage(ctx, action ? `Unknown trust action "${action}".` : 'Name an action: add, list or remove.', USAGE);
    } catch (error) {
      return printFailure(ctx, error);
    }
  },
};
