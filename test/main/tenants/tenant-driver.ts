/**
 * A child program for the tenant tests (bundled by tenant-test-support.ts): runs one tenant-store
 * operation in a fresh process and prints one JSON line with the result or the error shape, then a
 * second line proving the process is still alive and can still read settings.
 * Usage: node driver.mjs <dataDir> probe | reveal <tenant> <name> | resolve <tenant> <drop.json> | diff <tenant> <drop.json>
 *        | set <tenant> <name> <value> <secret: 0|1>
 */
import { readFileSync } from 'node:fs';
import { toErrorShape } from '../../../common/errors';
import type { Drop } from '../../../common/drop-model';
import { openTenantStore } from '../../../main/tenants/open-tenant-store';

const [dataDir, op, ...args] = process.argv.slice(2);
const store = openTenantStore(dataDir!);

async function main(): Promise<unknown> {
  switch (op) {
    case 'probe':
      return { probed: true, info: await store.secrets.probe() };
    case 'reveal':
      return { value: await store.revealSecret(args[0]!, args[1]!) };
    case 'resolve': {
      const drop = JSON.parse(readFileSync(args[1]!, 'utf8')) as Drop;
      return { values: await store.resolveValues(args[0]!, drop) };
    }
    case 'diff': {
      const drop = JSON.parse(readFileSync(args[1]!, 'utf8')) as Drop;
      return { view: await store.diffForDrop(args[0]!, drop) };
    }
    case 'set':
      await store.saveValues(args[0]!, [{ name: args[1]!, value: args[2]!, sensitive: args[3] === '1' }], { remember: true });
      return { saved: true };
    default:
      throw new Error(`unknown op ${op}`);
  }
}

try {
  process.stdout.write(JSON.stringify({ ok: true, ...((await main()) as object) }) + '\n');
} catch (error) {
  process.stdout.write(JSON.stringify({ ok: false, error: toErrorShape(error) }) + '\n');
}
process.stdout.write(JSON.stringify({ alive: true, tenants: store.list().length }) + '\n');
