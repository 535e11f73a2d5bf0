import { runCli } from './main';
import { runAsProcessCommand } from './process-command';

// The bundled entry point of `drop-runner`.
runAsProcessCommand(() => runCli(process.argv.slice(2)));
