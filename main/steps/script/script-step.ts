/**
 * The `script` step: a PowerShell, pwsh, cmd or bash script from the drop (or inline in the
 * settings), with the deployment's variables as environment variables. Output is redacted line by
 * line; `##octopus[setVariable …]` lines become output variables for later steps.
 *
 * An inline script is never written to disk after #{…} evaluation (it may hold secrets): bash reads
 * it from stdin, PowerShell gets it as -EncodedCommand. Only cmd needs a file, which is private to
 * this user and deleted when the step ends.
 */
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { AppError } from '../../../common/errors';
import { findOnPath } from '../../platform/find-executable';
import { runProcess } from '../run-process';
import type { StepContext, StepExecutor } from '../step-executor';
import { optionalString, settingsError, stringMap } from '../step-settings';
import { isServiceMessage, outputVariableNames, parseSetVariable } from './service-messages';

export type ScriptSyntax = 'powershell' | 'pwsh' | 'cmd' | 'bash';

interface Invocation {
  command: string;
  args: string[];
  input?: string;
  cleanup?: () => void;
}

/** The syntax named in settings (`syntax`: PowerShell, pwsh, CMD, Bash; default PowerShell). */
export function scriptSyntax(settings: Record<string, unknown>, stepId: string): ScriptSyntax {
  const raw = (optionalString(settings, 'syntax') ?? 'PowerShell').trim().toLowerCase();
  if (raw === 'powershell' || raw === 'pwsh' || raw === 'cmd' || raw === 'bash') return raw;
  throw settingsError(stepId, 'syntax', `is "${raw}"`, 'Use PowerShell, pwsh, CMD or Bash.');
}

/** The interpreter for a syntax on this machine; null when it is not installed. */
export function findInterpreter(syntax: ScriptSyntax, env: NodeJS.ProcessEnv): string | null {
  if (syntax === 'bash') return findOnPath('bash', env);
  if (syntax === 'cmd') return process.platform === 'win32' ? (env.ComSpec ?? findOnPath('cmd', env)) : null;
  if (syntax === 'pwsh') return findOnPath('pwsh', env);
  // Windows PowerShell where it exists; PowerShell 7 (pwsh) elsewhere.
  return (process.platform === 'win32' ? findOnPath('powershell', env) : null) ?? findOnPath('pwsh', env);
}

function scriptSource(ctx: StepContext): { file?: string; body?: string; label: string } {
  const fileSetting = optionalString(ctx.settings, 'scriptFile');
  const body = typeof ctx.settings.scriptBody === 'string' ? ctx.settings.scriptBody : undefined;
  if (fileSetting && body !== undefined) throw settingsError(ctx.step.id, 'scriptFile', 'and "scriptBody" are both set', 'Give either a script file from the package or an inline scriptBody.');
  if (fileSetting) {
    const base = ctx.packageRoot ?? ctx.dropRoot;
    const file = path.resolve(base, fileSetting);
    const rel = path.relative(ctx.dropRoot, file);
    if (rel.startsWith('..') || path.isAbsolute(rel)) throw settingsError(ctx.step.id, 'scriptFile', 'points outside the drop', 'Name the script relative to the step package folder.');
    if (!existsSync(file)) throw new AppError('SCRIPT_FILE_MISSING', `Step ${ctx.step.id}: the script "${rel.split(path.sep).join('/')}" is not in the drop.`, 'Check "scriptFile" against the files in the drop.', { stepId: ctx.step.id });
    return { file, label: rel.split(path.sep).join('/') };
  }
  if (body === undefined || body.trim() === '') throw settingsError(ctx.step.id, 'scriptBody', 'is missing', 'Set "scriptFile" (relative to the package) or an inline "scriptBody".');
  return { body, label: `inline script (${body.split('\n').length} lines)` };
}

function invocation(syntax: ScriptSyntax, exe: string, source: { file?: string; body?: string }): Invocation {
  if (syntax === 'bash') return source.file ? { command: exe, args: [source.file] } : { command: exe, args: ['-s'], input: source.body! };
  if (syntax === 'cmd') {
    let file = source.file;
    let cleanup: (() => void) | undefined;
    if (!file) {
      const dir = mkdtempSync(path.join(tmpdir(), 'drop-runner-script-'));
      file = path.join(dir, 'step.cmd');
      writeFileSync(file, source.body!, { mode: 0o600 });
      chmodSync(dir, 0o700);
      cleanup = () => rmSync(dir, { recursive: true, force: true });
    }
    return { command: exe, args: ['/d', '/s', '/c', file], ...(cleanup ? { cleanup } : {}) };
  }
  const ps = ['-NoLogo', '-NoProfile', '-NonInteractive', ...(process.platform === 'win32' ? ['-ExecutionPolicy', 'Bypass'] : [])];
  if (source.file) return { command: exe, args: [...ps, '-File', source.file] };
  return { command: exe, args: [...ps, '-EncodedCommand', Buffer.from(source.body!, 'utf16le').toString('base64')] };
}

/** Environment for the script: inherited, then every variable under a shell-safe name, then the step's `environment` map. */
export function scriptEnvironment(ctx: StepContext): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...ctx.tools.env };
  const inherited = new Set(Object.keys(ctx.tools.env).map((k) => k.toLowerCase()));
  for (const [name, value] of ctx.values) {
    const safe = name.replace(/[^A-Za-z0-9_]/g, '_');
    // A tenant variable called "Path" must not replace the PATH the script needs to find its tools.
    if (inherited.has(safe.toLowerCase())) continue;
    env[safe] = value;
  }
  Object.assign(env, stringMap(ctx.settings, ctx.step.id, 'environment'));
  return env;
}

/** The script executor. */
export const scriptExecutor: StepExecutor = {
  type: 'script',
  transactional: () => 'none (whatever the script changes stays changed)',

  async plan(ctx) {
    const syntax = scriptSyntax(ctx.settings, ctx.step.id);
    const source = scriptSource(ctx);
    const exe = findInterpreter(syntax, ctx.tools.env);
    return {
      summary: `Runs a ${syntax} script: ${source.label}.`,
      items: [{ label: source.label, action: 'will run', detail: exe ?? `${syntax} is not installed on this machine` }],
      transactional: 'none (whatever the script changes stays changed)',
    };
  },

  async preflight(ctx) {
    const stepId = ctx.step.id;
    try {
      const syntax = scriptSyntax(ctx.settings, stepId);
      scriptSource(ctx);
      const exe = findInterpreter(syntax, ctx.tools.env);
      if (!exe) {
        return [{ id: `${stepId}:interpreter`, stepId, title: `${syntax} available`, status: 'fail', detail: `No ${syntax} interpreter was found on this machine.`, hint: syntax === 'cmd' ? 'CMD scripts run only on Windows; run this deployment on the Windows VM.' : `Install ${syntax === 'bash' ? 'bash' : 'PowerShell 7 (pwsh)'} or run the deployment where it is installed.` }];
      }
      return [{ id: `${stepId}:interpreter`, stepId, title: `${syntax} available`, status: 'pass', detail: exe }];
    } catch (error) {
      const e = error instanceof AppError ? error : new AppError('STEP_SETTINGS_INVALID', String(error), 'Check the step settings.');
      return [{ id: `${stepId}:settings`, stepId, title: 'Step settings', status: 'fail', detail: `${e.code}: ${ctx.redactor.redact(e.message)}`, hint: e.hint }];
    }
  },

  async run(ctx) {
    const stepId = ctx.step.id;
    const syntax = scriptSyntax(ctx.settings, stepId);
    const source = scriptSource(ctx);
    const exe = findInterpreter(syntax, ctx.tools.env);
    if (!exe) throw new AppError('SCRIPT_INTERPRETER_MISSING', `No ${syntax} interpreter was found on this machine for step ${stepId}.`, `Install ${syntax} or run the deployment where it is installed.`, { stepId });
    const call = invocation(syntax, exe, source);
    ctx.emit({ type: 'log', stepId, level: 'info', message: `Running ${source.label} with ${exe}.`, source: 'script' });
    const tail: string[] = [];
    try {
      const run = await runProcess({
        command: call.command,
        args: call.args,
        cwd: ctx.packageRoot ?? ctx.dropRoot,
        env: scriptEnvironment(ctx),
        ...(call.input !== undefined ? { input: call.input } : {}),
        signal: ctx.signals.immediate,
        onLine: (line, stream) => {
          const output = parseSetVariable(line);
          if (output) {
            // Register first: the value must be masked before anything mentioning it is written.
            if (output.sensitive) ctx.redactor.add(output.value);
            for (const name of outputVariableNames(ctx.step, output.name)) ctx.setOutputVariable?.(name, output.value, output.sensitive);
            ctx.emit({ type: 'log', stepId, level: 'info', message: `Output variable ${output.name} set${output.sensitive ? ' (sensitive)' : ''}.`, source: 'script' });
            ctx.emit({ type: 'artifact', stepId, artifact: { kind: 'output-variable', name: output.name, action: 'set', ...(output.sensitive ? { detail: 'sensitive' } : {}) } });
            return;
          }
          if (isServiceMessage(line)) return;
          const safe = ctx.redactor.redact(line);
          tail.push(safe);
          if (tail.length > 5) tail.shift();
          ctx.emit({ type: 'log', stepId, level: stream === 'stderr' ? 'warn' : 'info', message: safe, source: 'script' });
        },
      });
      if (run.aborted) return { outcome: 'cancelled' };
      if (run.exitCode !== 0) {
        throw new AppError('SCRIPT_FAILED', `The ${syntax} script of step ${stepId} exited with ${run.exitCode ?? run.signal}${tail.length ? `: ${tail.slice(-3).join(' | ')}` : ''}.`, 'Read the script output in the log, fix the cause, then retry the step.', {
          stepId,
          exitCode: run.exitCode,
        });
      }
      return { outcome: 'succeeded' };
    } finally {
      call.cleanup?.();
    }
  },
};
