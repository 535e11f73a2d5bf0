import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Drop, PackageFacts } from '../../../common/drop-model';
import { describeSignature, formatSize, summarizeDrop } from '../../drop/drop-summary';
import { openDrop } from '../../drop/open-drop';
import type { TrustedKey } from '../../drop/signature';
import { TrustStore } from '../../drop/trust-store';
import { createOctopusImporter } from '../../octopus/octopus-importer';
import { openTenantStore } from '../../tenants/open-tenant-store';
import type { TenantStore } from '../../tenants/tenant-store';
import { EXIT, type CliCommand } from '../cli-types';
import { printFailure, printUsage } from '../failure';
import { cliOctopusPassword } from './octopus-password';

const USAGE = 'drop-runner inspect <drop.zip | drop-folder> [--json] [--password-stdin | --tenant <id>] [--data-dir <dir>]';

/** Trusted keys of the data folder, without creating anything there when none were ever added. */
function trustedKeys(dataDir: string): TrustedKey[] {
  if (!existsSync(join(dataDir, 'trusted-publishers.json'))) return [];
  return TrustStore.open(dataDir).keys();
}

function packageLines(facts: PackageFacts, indent: string): string[] {
  const bits: string[] = [facts.kind];
  if (facts.projectName) bits.push(`project ${facts.projectName}`);
  else if (facts.modelName) bits.push(`model ${facts.modelName}`);
  else if (facts.id) bits.push(facts.id);
  if (facts.version) bits.push(facts.version);
  if (facts.packages?.length) bits.push(`${facts.packages.length} package(s): ${facts.packages.join(', ')}`);
  if (facts.parameters?.length) bits.push(`${facts.parameters.length} parameter(s)`);
  const lines = [`${indent}${facts.path}  (${bits.join(', ')})`];
  for (const inner of facts.nested ?? []) lines.push(...packageLines(inner, `${indent}  `));
  return lines;
}

function humanReport(drop: Drop): string {
  const s = summarizeDrop(drop);
  const release = [s.release.channel, s.release.created && `created ${s.release.created}`].filter(Boolean).join(', ');
  const lines = [
    `Drop         ${s.id} (${s.format}, format ${s.formatVersion})`,
    `Project      ${s.project.name} (${s.project.id})`,
    `Release      ${s.release.version}${release ? ` (${release})` : ''}`,
    `Tenant       ${s.tenant.name} (${s.tenant.id})`,
    `Environment  ${s.environment}`,
    `Publisher    ${s.publisher ?? '(not stated)'}`,
    `Signature    ${describeSignature(s.signature)}`,
    `Files        ${s.fileCount} files, ${formatSize(s.totalSize)}`,
    `SHA-256      ${s.sha256 ?? '(opened from a folder)'}`,
    '',
    'Steps',
    ...s.steps.map((step, i) => `  ${i + 1}. ${step.name}  [${step.type}]${step.package ? `  ${step.package}` : ''}`),
    '',
    `Variables (${s.variables.length})`,
  ];
  const groups = new Map<string, typeof s.variables>();
  for (const v of s.variables) groups.set(v.group ?? 'General', [...(groups.get(v.group ?? 'General') ?? []), v]);
  for (const [group, vars] of groups) {
    lines.push(`  ${group}`);
    for (const v of vars) {
      const flags = [v.type, v.required ? 'required' : 'optional', v.sensitive && v.type !== 'sensitive' ? 'sensitive' : ''].filter(Boolean).join(', ');
      lines.push(`    ${v.name.padEnd(24)} ${v.label}  (${flags})${v.default !== undefined ? `  default: ${v.default}` : ''}`);
    }
  }
  if (s.packages.length > 0) {
    lines.push('', 'Packages');
    for (const p of s.packages) lines.push(...packageLines(p, '  '));
  }
  if (s.release.notes) lines.push('', 'Release notes', ...s.release.notes.split('\n').map((l) => `  ${l}`));
  return `${lines.join('\n')}\n`;
}

/**
 * `drop-runner inspect`: opens and fully verifies a drop without keeping anything. A zip is
 * extracted into a temporary folder outside the data folder that is removed afterwards, so an
 * inspection never changes the data folder (only its trusted publishers are read).
 */
export const inspectCommand: CliCommand = {
  name: 'inspect',
  summary: 'Verify a drop (zip or folder) and show its release, tenant, signature, steps, variables and packages',
  usage: USAGE,
  run: async (ctx) => {
    const [target, ...extra] = ctx.args;
    if (!target || extra.length > 0) return printUsage(ctx, target ? `Unexpected argument "${extra[0]}".` : 'Name the drop zip or folder to inspect.', USAGE);
    const scratch = await mkdtemp(join(tmpdir(), 'drop-runner-inspect-'));
    try {
      // Octopus drops: the password from stdin, or the one remembered for --tenant (the keychain is read only then).
      let tenants: TenantStore | undefined;
      const password = cliOctopusPassword(ctx, () => (tenants ??= openTenantStore(ctx.dataDir)));
      const drop = await openDrop(target, { dataDir: scratch, trustedKeys: trustedKeys(ctx.dataDir), octopusImporter: createOctopusImporter({ password: password.ask }) });
      if (ctx.flags.has('json')) ctx.stdout(`${JSON.stringify(summarizeDrop(drop), null, 2)}\n`);
      else ctx.stdout(humanReport(drop));
      if (drop.provenance.signature.state === 'unknown-publisher') {
        ctx.stderr(`warning: the signing key ${drop.provenance.signature.keyId} is not trusted here; if the vendor confirms it, run \`drop-runner trust add <their .pub.pem> --name <vendor>\`.\n`);
      }
      return EXIT.ok;
    } catch (error) {
      return printFailure(ctx, error);
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }
  },
};
