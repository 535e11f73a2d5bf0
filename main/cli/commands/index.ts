import type { CliCommand } from '../cli-types';

/** A command known by name; its module (and everything it imports: SQL driver, zip readers, schemas) loads only when it runs. */
export interface CommandEntry {
  name: string;
  load: () => Promise<CliCommand>;
}

/**
 * Every command the CLI knows, in the order `drop-runner help` lists them. Dynamic imports keep
 * `--version` and each command from paying for the others (docs/architecture.md, "Start-up").
 */
export const commandEntries: CommandEntry[] = [
  { name: 'doctor', load: async () => (await import('./doctor')).doctorCommand },
  { name: 'serve', load: async () => (await import('./serve')).serveCommand },
  { name: 'tenant', load: async () => (await import('./tenant')).tenantCommand },
  { name: 'sql', load: async () => (await import('./sql')).sqlCommand },
  { name: 'inspect', load: async () => (await import('./inspect')).inspectCommand },
  { name: 'pack', load: async () => (await import('./pack')).packCommand },
  { name: 'keygen', load: async () => (await import('./keygen')).keygenCommand },
  { name: 'trust', load: async () => (await import('./trust')).trustCommand },
  { name: 'report', load: async () => (await import('./report')).reportCommand },
  { name: 'eval', load: async () => (await import('./eval')).evalCommand },
  { name: 'plan', load: async () => (await import('./plan')).planCommand },
  { name: 'deploy', load: async () => (await import('./deploy')).deployCommand },
  { name: 'resume', load: async () => (await import('./resume')).resumeCommand },
  { name: 'rollback', load: async () => (await import('./rollback')).rollbackCommand },
  { name: 'history', load: async () => (await import('./history')).historyCommand },
  { name: 'unlock', load: async () => (await import('./unlock')).unlockCommand },
  { name: 'drops', load: async () => (await import('./drops')).dropsCommand },
];
