/**
 * The `dacpac` step: SqlPackage does the schema compare and publish. The dry run is its
 * DeployReport action (read-only against the target); the run is Publish with the step's SQLCMD
 * variables as /v: arguments. Output is streamed line by line (redacted) and the exit code decides.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { DryRunItem } from '../../../common/contract';
import { AppError } from '../../../common/errors';
import type { PreflightCheck } from '../../../common/journal-events';
import { runProcess } from '../run-process';
import { probeSqlTarget, settingsCheck } from '../sql-probe';
import type { StepContext, StepExecutor } from '../step-executor';
import { requireString, stepConnection, stringMap } from '../step-settings';
import { SQLPACKAGE_ENV } from './find-sqlpackage';

const TRANSACTIONAL = 'as SqlPackage publishes (not one transaction unless the publish profile sets IncludeTransactionalScripts)';

/** DACPAC_SQLPACKAGE_MISSING with where we looked and what to install. */
export function sqlPackageMissing(): AppError {
  return new AppError(
    'DACPAC_SQLPACKAGE_MISSING',
    'SqlPackage (the DacFx command-line tool) was not found on PATH, in the standard install folders, or at the configured path.',
    `Install SqlPackage ("dotnet tool install -g microsoft.sqlpackage", or the DacFx MSI from Microsoft), or set ${SQLPACKAGE_ENV} to the full path of SqlPackage.exe, then run preflight again.`,
  );
}

function dacpacPath(ctx: StepContext): { file: string; label: string } {
  const name = requireString(ctx.settings, ctx.step.id, 'dacpac', 'Set "dacpac" to the .dacpac file, relative to the step package folder.');
  const base = ctx.packageRoot ?? ctx.dropRoot;
  const file = path.resolve(base, name);
  const rel = path.relative(ctx.dropRoot, file);
  if (rel.startsWith('..') || path.isAbsolute(rel)) {
    throw new AppError('STEP_SETTINGS_INVALID', `Step ${ctx.step.id}: the .dacpac "${name}" points outside the drop.`, 'Name the .dacpac relative to the step package folder.', { stepId: ctx.step.id });
  }
  if (!existsSync(file)) throw new AppError('DACPAC_FILE_MISSING', `Step ${ctx.step.id}: the .dacpac "${rel.split(path.sep).join('/')}" is not in the drop.`, 'Check the step\'s "dacpac" setting against the files in the drop.', { stepId: ctx.step.id });
  return { file, label: rel.split(path.sep).join('/') };
}

function commonArgs(ctx: StepContext, action: 'DeployReport' | 'Publish', file: string): string[] {
  const connection = requireString(ctx.settings, ctx.step.id, 'connection', 'Set "connection" to the target database\'s connection string.');
  const args = [`/Action:${action}`, `/SourceFile:${file}`, `/TargetConnectionString:${connection}`];
  for (const [name, value] of Object.entries(stringMap(ctx.settings, ctx.step.id, 'variables'))) args.push(`/v:${name}=${value}`);
  const profile = ctx.settings.profile;
  if (typeof profile === 'string' && profile.trim()) args.push(`/Profile:${path.resolve(ctx.packageRoot ?? ctx.dropRoot, profile)}`);
  return args;
}

function requireSqlPackage(ctx: StepContext): string {
  const found = ctx.tools.findSqlPackage();
  if (!found) throw sqlPackageMissing();
  return found;
}

/** Reads DeployReport XML: `<Operation Name="Create"><Item Value="[dbo].[T]" Type="SqlTable"/>` and `<Alert Name=…>`. */
export function parseDeployReport(xml: string): { operations: DryRunItem[]; alerts: string[] } {
  const operations: DryRunItem[] = [];
  const alerts: string[] = [];
  const attr = (text: string, name: string) => new RegExp(`${name}="([^"]*)"`).exec(text)?.[1];
  const decode = (s: string) => s.replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
  for (const op of xml.matchAll(/<Operation\b([^>]*)>([\s\S]*?)<\/Operation>/g)) {
    const action = decode(attr(op[1]!, 'Name') ?? 'Change');
    for (const item of op[2]!.matchAll(/<Item\b([^>]*)\/?>/g)) {
      const value = attr(item[1]!, 'Value');
      if (value === undefined) continue;
      const type = attr(item[1]!, 'Type');
      operations.push({ label: decode(value), action: action.toLowerCase(), ...(type ? { detail: decode(type) } : {}) });
    }
  }
  for (const alert of xml.matchAll(/<Alert\b([^>]*)>/g)) alerts.push(decode(attr(alert[1]!, 'Name') ?? 'Alert'));
  return { operations, alerts };
}

/** The dacpac executor. */
export const dacpacExecutor: StepExecutor = {
  type: 'dacpac',
  transactional: () => TRANSACTIONAL,

  async plan(ctx) {
    const exe = requireSqlPackage(ctx);
    const { file, label } = dacpacPath(ctx);
    const scratch = mkdtempSync(path.join(tmpdir(), 'drop-runner-deployreport-'));
    const out = path.join(scratch, 'report.xml');
    const lines: string[] = [];
    try {
      const run = await runProcess({ command: exe, args: [...commonArgs(ctx, 'DeployReport', file), `/OutputPath:${out}`], env: ctx.tools.env, onLine: (l) => lines.push(ctx.redactor.redact(l)), signal: ctx.signals.immediate });
      if (run.exitCode !== 0 || !existsSync(out)) {
        throw new AppError('DACPAC_REPORT_FAILED', `SqlPackage DeployReport for ${label} exited with ${run.exitCode ?? run.signal}: ${lines.slice(-3).join(' | ') || 'no output'}`, 'Check the connection and that the login may read the target database\'s schema (VIEW DEFINITION).', { stepId: ctx.step.id });
      }
      const report = parseDeployReport(readFileSync(out, 'utf8'));
      return {
        summary: report.operations.length === 0 ? `The database already matches ${label}.` : `${report.operations.length} schema change${report.operations.length === 1 ? '' : 's'} from ${label}.`,
        items: report.operations,
        transactional: TRANSACTIONAL,
        detail: { warnings: report.alerts.map((a) => `SqlPackage alert: ${a}`) },
      };
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  },

  async preflight(ctx) {
    const stepId = ctx.step.id;
    const redact = (s: string) => ctx.redactor.redact(s);
    const checks: PreflightCheck[] = [];
    const exe = ctx.tools.findSqlPackage();
    if (!exe) {
      const e = sqlPackageMissing();
      checks.push({ id: `${stepId}:sqlpackage`, stepId, title: 'SqlPackage installed', status: 'fail', detail: `${e.code}: ${e.message}`, hint: e.hint });
    } else checks.push({ id: `${stepId}:sqlpackage`, stepId, title: 'SqlPackage installed', status: 'pass', detail: exe });
    try {
      dacpacPath(ctx);
      checks.push(...(await probeSqlTarget(stepId, stepConnection(ctx.settings, stepId), [{ permission: 'ALTER', why: 'publishing schema changes' }], redact)));
    } catch (error) {
      checks.push(settingsCheck(stepId, error, redact));
    }
    return checks;
  },

  async run(ctx) {
    const exe = requireSqlPackage(ctx);
    const { file, label } = dacpacPath(ctx);
    const tail: string[] = [];
    ctx.emit({ type: 'log', stepId: ctx.step.id, level: 'info', message: `Publishing ${label} with ${exe}.`, source: 'sqlpackage' });
    ctx.emit({ type: 'progress', stepId: ctx.step.id, percent: 0, item: label });
    const run = await runProcess({
      command: exe,
      args: commonArgs(ctx, 'Publish', file),
      env: ctx.tools.env,
      signal: ctx.signals.immediate,
      onLine: (line, stream) => {
        if (line.trim() === '') return;
        const safe = ctx.redactor.redact(line);
        tail.push(safe);
        if (tail.length > 5) tail.shift();
        ctx.emit({ type: 'log', stepId: ctx.step.id, level: stream === 'stderr' || /^\*\*\* |error/i.test(line) ? 'error' : 'info', message: safe, source: 'sqlpackage' });
      },
    });
    if (run.aborted) return { outcome: 'cancelled' };
    if (run.exitCode !== 0) {
      throw new AppError('DACPAC_PUBLISH_FAILED', `SqlPackage Publish of ${label} exited with ${run.exitCode ?? run.signal}: ${tail.slice(-3).join(' | ') || 'no output'}`, 'Read the SqlPackage output in the log (data loss blocks, permissions, drift), fix the cause, then retry the step.', {
        stepId: ctx.step.id,
        exitCode: run.exitCode,
      });
    }
    const sha256 = createHash('sha256').update(readFileSync(file)).digest('hex');
    ctx.emit({ type: 'artifact', stepId: ctx.step.id, artifact: { kind: 'dacpac', name: label, action: 'published', sha256 } });
    ctx.emit({ type: 'progress', stepId: ctx.step.id, percent: 100, item: label });
    return { outcome: 'succeeded' };
  },
};
