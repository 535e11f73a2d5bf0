import { readFileSync } from 'node:fs';
import path from 'node:path';
import { AppError } from '../../../common/errors';
import type { VariableTemplate } from '../../../common/drop-model';
import type { VariableItem } from '../../../common/contract';
import { EXIT, type CliCommand, type CliContext } from '../cli-types';
import { textTable } from '../text-table';
import { printFailure } from '../failure';
import { promptSecret, promptYesNo } from '../prompt';
import { writeExportFile } from '../../tenants/export-file';
import { openTenantStore } from '../../tenants/open-tenant-store';
import { applyImport, exportTenant, importTenantPreview, tenantFileIncludesSecrets } from '../../tenants/tenant-transfer';
import type { TenantRecord } from '../../tenants/tenant-model';
import type { TenantStore } from '../../tenants/tenant-store';
import { dropFromArgument, openDeployEngine } from './deploy-engine';

const MASK = '********';

const USAGE = [
  'drop-runner tenant list [--json]',
  '       drop-runner tenant show <id> [--json]',
  '       drop-runner tenant forget <id> [--var NAME]',
  '       drop-runner tenant set <id> NAME=VALUE... [--secret] [--name "Display name"]',
  '       drop-runner tenant decide <id> <drop.zip | folder | drop-id> NAME=keep-previous|use-new...',
  '       drop-runner tenant export <id> --out <file> [--overwrite] [--include-secrets] [--passphrase-file <file>]',
  '       drop-runner tenant import <file> [--passphrase-file <file>] [--yes]',
].join('\n');

/** `drop-runner tenant …`: list, inspect, edit, forget, export and import remembered tenant profiles. */
export const tenantCommand: CliCommand = {
  name: 'tenant',
  summary: 'List, show, set, forget, export and import remembered tenant values (secrets stay in the OS keychain); decide changed defaults',
  usage: USAGE,
  valueFlags: ['out', 'passphrase-file', 'name'],
  run: async (ctx) => {
    const [sub, ...rest] = ctx.args;
    try {
      switch (sub) {
        case 'list':
          return list(ctx);
        case 'show':
          return await show(ctx, one(rest, 'tenant id'));
        case 'forget':
          return await forget(ctx, one(rest, 'tenant id'));
        case 'set':
          return await set(ctx, rest);
        case 'decide':
          return await decide(ctx, rest);
        case 'export':
          return await exportCmd(ctx, one(rest, 'tenant id'));
        case 'import':
          return await importCmd(ctx, one(rest, 'tenant file'));
        default:
          throw usageError(sub === undefined ? 'A subcommand is needed.' : `Unknown subcommand "${sub}".`);
      }
    } catch (error) {
      if (error instanceof AppError && error.code === 'CANCELLED') return printFailure(ctx, error);
      throw error;
    }
  },
};

/**
 * `tenant decide`: for a variable whose default changed since the tenant's last release, keep the previous
 * value or use the new default, recorded like the Variables screen's choice (and shown in the report).
 */
async function decide(ctx: CliContext, args: string[]): Promise<number> {
  const [tenantId, dropArg, ...pairs] = args;
  if (!tenantId || !dropArg || pairs.length === 0) throw usageError('Give the tenant, the drop, and at least one NAME=keep-previous or NAME=use-new.');
  const choices = pairs.map((pair) => {
    const m = /^([^=]+)=(keep-previous|use-new)$/.exec(pair);
    if (!m) throw usageError(`"${pair}" is not NAME=keep-previous or NAME=use-new.`);
    return { name: m[1]!, decision: m[2] as 'keep-previous' | 'use-new' };
  });
  const engine = openDeployEngine(ctx);
  const drop = await dropFromArgument(engine, dropArg, USAGE);
  for (const { name, decision } of choices) {
    try {
      await engine.tenants.decideDefault(tenantId, drop, name, decision);
    } catch (error) {
      // The choices before this one are recorded; say which, so nothing is left unclear.
      if (error instanceof AppError) return printFailure(ctx, error);
      throw error;
    }
    ctx.stdout(`${name}: ${decision === 'keep-previous' ? 'the previous value is kept' : 'the new default is used'} for ${tenantId}\n`);
  }
  return EXIT.ok;
}

function store(ctx: CliContext): TenantStore {
  return openTenantStore(ctx.dataDir);
}

function list(ctx: CliContext): number {
  const tenants = store(ctx).list();
  if (ctx.flags.has('json')) {
    ctx.stdout(JSON.stringify(tenants, null, 2) + '\n');
    return EXIT.ok;
  }
  if (tenants.length === 0) {
    ctx.stdout('No tenants are remembered on this machine yet.\n');
    return EXIT.ok;
  }
  const rows = tenants.map((t) => [t.id, t.name, t.lastRelease ?? '-', t.lastDeployedAt ?? '-', String(t.valueCount), String(t.secretCount)]);
  ctx.stdout(textTable(['ID', 'NAME', 'LAST RELEASE', 'DEPLOYED AT', 'VALUES', 'SECRETS'], rows));
  return EXIT.ok;
}

/** One row of `tenant show`: what the UI's Variables screen shows, with secrets masked. */
interface ShownVariable {
  name: string;
  label: string;
  type: string;
  status: string;
  source: string;
  sensitive: boolean;
  required: boolean;
  value: string | null;
  problem?: string;
}

async function show(ctx: CliContext, tenantId: string): Promise<number> {
  const tenants = store(ctx);
  const record = tenants.require(tenantId);
  // Without a drop, the last deployed release's templates are the frame of reference.
  const templates = record.lastRelease ? (record.lastRelease.templates as VariableTemplate[]) : templatesFromValues(record);
  const view = await tenants.diffForDrop(tenantId, { variables: templates, baked: [] }, { probeSecrets: false });
  const variables: ShownVariable[] = view.items.map(shown);
  for (const r of view.removed) {
    variables.push({
      name: r.name,
      label: r.name,
      type: r.sensitive ? 'sensitive' : 'text',
      status: 'removed',
      source: 'remembered',
      sensitive: r.sensitive,
      required: false,
      value: r.sensitive ? MASK : (record.values[r.name]?.value ?? null),
    });
  }
  if (ctx.flags.has('json')) {
    const out = {
      id: record.id,
      name: record.name,
      lastRelease: record.lastRelease ? { version: record.lastRelease.release.version, at: record.lastRelease.at, deploymentId: record.lastRelease.deploymentId } : null,
      variables,
      history: record.history.map((h) => ({ deploymentId: h.deploymentId, release: h.release.version, outcome: h.outcome, at: h.at, dropId: h.dropId })),
    };
    ctx.stdout(JSON.stringify(out, null, 2) + '\n');
    return EXIT.ok;
  }
  ctx.stdout(`Tenant ${record.id} — ${record.name}\n`);
  ctx.stdout(record.lastRelease ? `Last release: ${record.lastRelease.release.version} (deployed ${record.lastRelease.at})\n` : 'Last release: none deployed from this machine\n');
  ctx.stdout('\n');
  if (variables.length === 0) ctx.stdout('No remembered values.\n');
  else ctx.stdout(textTable(['NAME', 'STATUS', 'SOURCE', 'VALUE'], variables.map((v) => [v.name, v.status, v.source, v.value ?? '-'])));
  return EXIT.ok;
}

function shown(item: VariableItem): ShownVariable {
  const v: ShownVariable = {
    name: item.name,
    label: item.label,
    type: item.type,
    status: item.status,
    source: item.source,
    sensitive: item.sensitive,
    required: item.required,
    value: item.sensitive || (item.hasValue && item.value === undefined) ? (item.hasValue ? MASK : null) : (item.value ?? null),
  };
  if (item.problem) v.problem = item.problem;
  return v;
}

// A tenant never deployed from here has no templates; show its remembered names as plain templates.
function templatesFromValues(record: TenantRecord): VariableTemplate[] {
  const names = [...Object.keys(record.values).map((n) => [n, false] as const), ...Object.keys(record.secrets).map((n) => [n, true] as const)];
  return names.sort((a, b) => a[0].localeCompare(b[0])).map(([name, secret]) => ({ name, label: name, type: secret ? 'sensitive' : 'text', required: false, sensitive: secret }));
}

async function forget(ctx: CliContext, tenantId: string): Promise<number> {
  const tenants = store(ctx);
  const name = ctx.flags.get('var');
  if (name !== undefined) {
    const record = tenants.require(tenantId);
    if (record.values[name] === undefined && record.secrets[name] === undefined) {
      throw new AppError('VARIABLE_NOT_FOUND', `Tenant ${tenantId} has no remembered value named ${name}.`, `Run \`drop-runner tenant show ${tenantId}\` to see the remembered names.`, { tenantId, name });
    }
    await tenants.forgetVariable(tenantId, name);
    ctx.stdout(`Forgot ${name} for tenant ${tenantId}.\n`);
    return EXIT.ok;
  }
  const record = tenants.require(tenantId);
  const secrets = Object.keys(record.secrets).length;
  await tenants.forget(tenantId);
  ctx.stdout(`Forgot tenant ${tenantId}: ${Object.keys(record.values).length} value(s) and ${secrets} keychain secret(s) removed.\n`);
  return EXIT.ok;
}

async function set(ctx: CliContext, rest: string[]): Promise<number> {
  const [tenantId, ...assignments] = rest;
  if (tenantId === undefined || assignments.length === 0) throw usageError('`tenant set` needs a tenant id and at least one NAME=VALUE.');
  const secret = ctx.flags.has('secret');
  const values: Array<{ name: string; value: string; sensitive?: boolean }> = [];
  for (const assignment of assignments) {
    const eq = assignment.indexOf('=');
    if (eq === -1 && secret) {
      // `NAME` alone with --secret: ask, so the secret stays out of shell history.
      values.push({ name: assignment, value: await promptSecret(ctx.stdin, ctx.stderr, `Value of ${assignment} (not echoed): `), sensitive: true });
      continue;
    }
    if (eq <= 0) throw usageError(`"${assignment.split('=')[0]}" is not NAME=VALUE.`);
    values.push({ name: assignment.slice(0, eq), value: assignment.slice(eq + 1), ...(secret ? { sensitive: true } : {}) });
  }
  const tenants = store(ctx);
  tenants.ensure(tenantId, ctx.flags.get('name'));
  const displayName = ctx.flags.get('name');
  if (displayName !== undefined) tenants.rename(tenantId, displayName);
  await tenants.saveValues(tenantId, values, { remember: true });
  const record = tenants.require(tenantId);
  for (const v of values) {
    const where = record.secrets[v.name] !== undefined ? 'in the OS keychain' : 'in settings';
    ctx.stdout(`Remembered ${v.name} for tenant ${tenantId} (${where}).\n`);
  }
  return EXIT.ok;
}

async function exportCmd(ctx: CliContext, tenantId: string): Promise<number> {
  const out = ctx.flags.get('out');
  if (!out) throw usageError('`tenant export` needs --out <file>.');
  const tenants = store(ctx);
  tenants.require(tenantId);
  const includeSecrets = ctx.flags.has('include-secrets');
  const passphrase = await passphraseFor(ctx, true);
  const file = await exportTenant(tenants, tenantId, { includeSecrets, passphrase });
  const target = path.resolve(out);
  writeExportFile(target, file, { overwrite: ctx.flags.has('overwrite') });
  const secretCount = tenants.secretNames(tenantId).length;
  ctx.stdout(
    `Exported tenant ${tenantId} to ${target} (${file.length} bytes, ${includeSecrets ? `${secretCount} secret(s) included` : 'secrets NOT included'}).\n` +
      'Give the passphrase to the receiving engineer by another channel than the file.\n',
  );
  return EXIT.ok;
}

async function importCmd(ctx: CliContext, filePath: string): Promise<number> {
  const target = path.resolve(filePath);
  let file: Buffer;
  try {
    file = readFileSync(target);
  } catch (error) {
    throw new AppError('TENANT_IMPORT_UNREADABLE', `Cannot read ${target}: ${(error as Error).message}`, 'Check the path of the exported tenant file.', { path: target });
  }
  if (tenantFileIncludesSecrets(file) === undefined) {
    throw new AppError('TENANT_IMPORT_DAMAGED', `${target} is not a Drop Runner tenant file (or its start is damaged). Nothing was imported.`, 'Check that you picked the file made by `drop-runner tenant export`.', { path: target });
  }
  const passphrase = await passphraseFor(ctx, false);
  const tenants = store(ctx);
  const preview = importTenantPreview(tenants, file, passphrase);
  ctx.stdout(`Import tenant ${preview.tenantId} — ${preview.tenantName}${preview.isNewTenant ? ' (new on this machine)' : ''}, exported ${preview.exportedAt}\n`);
  const rows = preview.changes.map((c) => [c.name, c.change, c.sensitive ? 'secret' : 'value']);
  if (rows.length > 0) ctx.stdout(textTable(['NAME', 'CHANGE', 'KIND'], rows));
  else ctx.stdout('The file holds no values.\n');
  if (preview.secretsNotIncluded.length > 0) ctx.stdout(`Secrets not included in the file (enter them here later): ${preview.secretsNotIncluded.join(', ')}\n`);
  if (preview.keptLocal.length > 0) ctx.stdout(`Kept as they are (only on this machine): ${preview.keptLocal.map((k) => k.name).join(', ')}\n`);
  if (preview.historyAdded > 0) ctx.stdout(`Deployment history: ${preview.historyAdded} record(s) added.\n`);
  if (preview.decisionsAdded > 0) ctx.stdout(`Changed-default decisions (keep the previous value / use the new default): ${preview.decisionsAdded} taken from the file.\n`);
  if (!ctx.flags.has('yes') && !(await promptYesNo(ctx.stdin, ctx.stderr, 'Apply this import?'))) {
    ctx.stderr('Import not applied; nothing was changed.\n');
    return EXIT.cancelled;
  }
  const result = await applyImport(tenants, file, passphrase);
  ctx.stdout(`Imported tenant ${result.tenantId}: ${result.applied} value(s) applied.\n`);
  return EXIT.ok;
}

async function passphraseFor(ctx: CliContext, confirm: boolean): Promise<string> {
  const file = ctx.flags.get('passphrase-file');
  if (file !== undefined) {
    let text: string;
    try {
      text = readFileSync(path.resolve(file), 'utf8');
    } catch (error) {
      throw new AppError('PASSPHRASE_FILE_UNREADABLE', `Cannot read the passphrase file ${file}: ${(error as NodeJS.ErrnoException).code ?? 'error'}.`, 'Check the path given to --passphrase-file.', { path: file });
    }
    // Editors add a final newline; it is not part of the passphrase.
    const passphrase = text.replace(/\r?\n$/, '');
    if (passphrase.length === 0) throw new AppError('PASSPHRASE_EMPTY', `The passphrase file ${file} is empty.`, 'Write the passphrase on the first line of the file.', { path: file });
    return passphrase;
  }
  const first = await promptSecret(ctx.stdin, ctx.stderr, 'Passphrase: ');
  if (confirm && (ctx.stdin as { isTTY?: boolean }).isTTY) {
    const again = await promptSecret(ctx.stdin, ctx.stderr, 'Passphrase again: ');
    if (again !== first) throw new AppError('PASSPHRASE_MISMATCH', 'The two passphrases differ; nothing was exported.', 'Type the same passphrase twice.');
  }
  if (first.length === 0) throw new AppError('PASSPHRASE_EMPTY', 'No passphrase was given.', 'Type a passphrase, or pass --passphrase-file <file>.');
  return first;
}

function one(rest: string[], what: string): string {
  if (rest.length !== 1 || rest[0] === undefined) throw usageError(`Exactly one ${what} is needed.`);
  return rest[0];
}

function usageError(message: string): AppError {
  return new AppError('INVALID_ARGUMENTS', message, `Usage: ${USAGE}`);
}
