import type { ParsedFlags } from './parse-flags';

/** Long-lived collaborators a command may need; created lazily so `--version` never touches the keychain. */
export interface CliServices {
  /** The absolute data folder for this run (from --data-dir, DROP_RUNNER_DATA_DIR or the platform default). */
  dataDir: string;
}

/** What every CLI command receives. */
export interface CliContext {
  args: string[];
  flags: ParsedFlags;
  dataDir: string;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  stdin: NodeJS.ReadableStream;
  services: CliServices;
}

/** One `drop-runner <name>` command. `run` resolves to the process exit code. */
export interface CliCommand {
  name: string;
  summary: string;
  usage: string;
  /** Flags of this command that take a value (`--out file`); all others are booleans. */
  valueFlags?: string[];
  /**
   * Flags accepted although the usage line does not show them. Every other flag must appear in `usage`
   * (or `valueFlags`): anything else is refused as UNKNOWN_FLAG.
   */
  extraFlags?: string[];
  run: (ctx: CliContext) => Promise<number>;
}

/**
 * Exit codes shared by every command; scripts on hospital VMs branch on them. `completedWithSkips` (4):
 * a deployment reached its end but a step was skipped after failing or by the operator — the release is
 * not fully applied, and a script must not treat it as a success.
 */
export const EXIT = { ok: 0, failed: 1, invalidInput: 2, environment: 3, completedWithSkips: 4, cancelled: 130 } as const;
