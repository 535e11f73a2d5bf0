import { collectDiagnostics } from '../../diagnostics/diagnostics';
import { findChromium } from '../../platform/find-chromium';
import { createKeychainSecretStore } from '../../platform/secret-store';
import { findSqlPackage } from '../../steps/dacpac/find-sqlpackage';
import { EXIT, type CliCommand } from '../cli-types';
import { printFailure } from '../failure';

/** `drop-runner doctor`: is this machine ready to deploy? Exit 0 when ready, 3 when something required is missing. */
export const doctorCommand: CliCommand = {
  name: 'doctor',
  summary: 'Check that this machine is ready (data folder, OS keychain, SQL client, PDF, SqlPackage)',
  usage: 'drop-runner doctor [--json] [--data-dir <dir>]',
  run: async (ctx) => {
    const diagnostics = await collectDiagnostics({
      dataDir: ctx.dataDir,
      host: 'cli',
      probeKeychain: () => createKeychainSecretStore().probe(),
      findChromium: () => findChromium(),
      findSqlPackage: () => findSqlPackage(),
    });
    if (ctx.flags.has('json')) {
      ctx.stdout(JSON.stringify(diagnostics, null, 2) + '\n');
    } else {
      const width = Math.max(...diagnostics.items.map((i) => i.label.length));
      for (const item of diagnostics.items) {
        const mark = item.status === 'ok' ? 'ok  ' : item.status === 'warn' ? 'warn' : 'FAIL';
        ctx.stdout(`${mark}  ${item.label.padEnd(width)}  ${item.value}\n`);
        if (item.hint && item.status !== 'ok') ctx.stdout(`      ${' '.repeat(width)}  hint: ${item.hint}\n`);
      }
      ctx.stdout(diagnostics.ready ? '\nThis machine is ready.\n' : '\nThis machine is NOT ready.\n');
    }
    const failed = diagnostics.items.find((i) => i.required && i.status === 'fail');
    if (failed) {
      const code = failed.id === 'keychain' ? 'SECRETS_UNAVAILABLE' : 'NOT_READY';
      return printFailure(ctx, { code, message: `${failed.label}: ${failed.value}`, hint: failed.hint ?? '' });
    }
    return EXIT.ok;
  },
};
