import { findChromium } from '../../platform/find-chromium';
import { createKeychainSecretStore } from '../../platform/secret-store';
import { startWebHost } from '../../web/web-host';
import { EXIT, type CliCommand } from '../cli-types';
import { printFailure } from '../failure';
import { operatorSignalCounter } from '../operator-signals';

/** `drop-runner serve`: the browser host — the UI and the engine on 127.0.0.1 with a per-launch token. */
export const serveCommand: CliCommand = {
  name: 'serve',
  summary: 'Start the browser host: the Drop Runner UI on http://127.0.0.1 (for machines without the desktop shell)',
  usage: 'drop-runner serve [--port <n>] [--data-dir <dir>] [--simulated-port <n>]',
  valueFlags: ['port', 'simulated-port'],
  run: async (ctx) => {
    const portFlag = ctx.flags.get('port');
    const port = portFlag === undefined ? 0 : Number(portFlag);
    if (!Number.isInteger(port) || port < 0 || port > 65535) {
      return printFailure(ctx, { code: 'INVALID_ARGUMENTS', message: `--port must be a number from 0 to 65535, not "${portFlag}".`, hint: `Leave --port out to pick a free port.` });
    }
    // `npm run demo` points the app at the TDS double; the UI labels it as a simulated server.
    const simulatedFlag = ctx.flags.get('simulated-port');
    const simulatedPort = simulatedFlag === undefined ? undefined : Number(simulatedFlag);
    if (simulatedPort !== undefined && (!Number.isInteger(simulatedPort) || simulatedPort < 1 || simulatedPort > 65535)) {
      return printFailure(ctx, { code: 'INVALID_ARGUMENTS', message: `--simulated-port must be a number from 1 to 65535, not "${simulatedFlag}".`, hint: `npm run demo sets it; leave it out otherwise.` });
    }
    const secrets = createKeychainSecretStore();
    // The page is served while the engine (SQL driver, zip readers, schemas) loads; API requests wait for it.
    const service = import('../../service').then(({ createService }) => createService({
      dataDir: ctx.dataDir,
      host: 'web',
      secrets,
      findChromium: () => findChromium(),
      ...(simulatedPort !== undefined ? { simulatedServer: { port: simulatedPort, note: `Simulated SQL Server (the Drop Runner TDS test double) on 127.0.0.1:${simulatedPort}: nothing is deployed to a real server.` } } : {}),
    }));
    const host = await startWebHost({ service, dataDir: ctx.dataDir, port });
    ctx.stdout(`Drop Runner browser host listening. Open this URL in a browser on this machine:\n${host.url}\n`);
    await new Promise<void>((resolve) => {
      const nextSignal = operatorSignalCounter();
      const onSignal = () => {
        // The first stops the host; an echo of it must not end the process before an open in progress is
        // stopped and its temp folder removed; a second signal from the operator ends it at once.
        const n = nextSignal();
        if (n === 1) resolve();
        else if (n > 1) process.exit(130);
      };
      // Kept for the whole shutdown (not `once`), so the echo finds a listener instead of the default action.
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);
    });
    // The service first: an open in progress is stopped at once (its worker ends, its temp folder goes)
    // instead of the host waiting for its reply.
    const serviceClosed = service.then((s) => s.close());
    await host.close();
    await serviceClosed;
    return EXIT.ok;
  },
};
