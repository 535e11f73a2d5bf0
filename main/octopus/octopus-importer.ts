/**
 * Imports an Octopus Deploy offline package drop (already safely on disk) into the Drop model: reads the
 * generated script for the ordered Calamari calls, decrypts and merges each step's variables, identifies
 * the packages, maps the steps onto native step types and splits the variables into baked values and
 * tenant prompts. openDrop (main/drop/) calls it through the OctopusImporter hook.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { DropFile } from '../../common/drop-model';
import { AppError } from '../../common/errors';
import { hashFolderSafely } from '../drop/folder-hash';
import { resolveLimits, type DropLimits } from '../drop/limits';
import type { ImportedDrop, OctopusImporter, OctopusImportInput } from '../drop/octopus-hook';
import { splitDropVariables } from './drop-variables';
import { loadSteps } from './octopus-step';
import { loadDropPackages } from './package-contents';
import { parseDropScript } from './ps1-parser';
import { mapSteps } from './step-mapping';
import { evaluateAtImport } from './step-parameters';
import type { PasswordState } from './variables-file';

export interface OctopusImportOptions {
  /** The offline drop target's sensitive-variables password; needed when any variables file starts with IV__. */
  password?: string;
  /** The drop's files (as openDrop hashed them); listed from the folder when omitted. */
  files?: DropFile[];
  limits?: Partial<DropLimits>;
}

/** Extra facts an Octopus drop carries that the Drop model has no field for (shown on the Overview). */
export interface OctopusDropFacts {
  script: string;
  applicationsDirectory?: string;
  journalPath?: string;
  variablesFormats: Array<'dictionary' | 'array'>;
  keySizes: Array<128 | 256>;
}

/** True when the folder has the layout of an Octopus offline drop: a root *.ps1 and a Calamari/ or Variables/ folder. */
export async function looksLikeOctopusDrop(rootDir: string): Promise<boolean> {
  let entries;
  try {
    entries = await readdir(rootDir, { withFileTypes: true });
  } catch {
    return false;
  }
  const script = entries.some((e) => e.isFile() && e.name.toLowerCase().endsWith('.ps1'));
  const folder = entries.some((e) => e.isDirectory() && /^(calamari|variables)$/i.test(e.name));
  return script && folder;
}

/** Imports the drop in `rootDir`; the result lacks what openDrop adds (id, root, files, provenance, format). */
export async function importOctopusDrop(rootDir: string, options: OctopusImportOptions = {}): Promise<ImportedDrop & { octopus: OctopusDropFacts }> {
  const limits = resolveLimits(options.limits);
  const files = options.files ?? (await hashFolderSafely(rootDir, limits)).files;
  const script = pickScript(files);
  const text = await readFile(join(rootDir, script), 'utf8');
  const parsed = parseDropScript(text, script);
  if (parsed.calls.length === 0) {
    throw new AppError('OCTOPUS_SCRIPT_EMPTY', `${script} runs no Calamari steps.`, 'This does not look like a complete Octopus offline drop: ask for it again.', { file: script });
  }
  const passwords: PasswordState = { proven: false, ...(options.password !== undefined ? { password: options.password } : {}) };
  const steps = await loadSteps(rootDir, parsed.calls, files, passwords, script);
  const packages = await loadDropPackages(rootDir, files, limits);
  const mapped = mapSteps(steps, packages);
  const { baked, templates } = splitDropVariables(steps, mapped);

  const pick = (name: string): string | undefined => {
    for (const step of steps) {
      const raw = step.vars.getRaw(name);
      if (raw) {
        // Only what the Overview shows is evaluated; a value over budget is simply not shown.
        const value = (evaluateAtImport(raw, step.vars)?.text ?? '').trim();
        if (value && !value.includes('#{')) return value;
      }
    }
    return undefined;
  };
  const fromName = scriptNameParts(script);
  const projectName = pick('Octopus.Project.Name') ?? fromName.project ?? 'Octopus project';
  const release: ImportedDrop['release'] = { version: pick('Octopus.Release.Number') ?? fromName.deployment ?? 'unknown' };
  const notes = pick('Octopus.Release.Notes');
  if (notes) release.notes = notes;
  const channel = pick('Octopus.Release.Channel.Name');
  if (channel) release.channel = channel;
  const created = pick('Octopus.Deployment.Created');
  if (created) release.created = created;
  const tenantName = pick('Octopus.Deployment.Tenant.Name') ?? '';
  const formats = [...new Set(steps.flatMap((s) => s.formats))];
  const keySizes = [...new Set(steps.flatMap((s) => s.keySizes))];
  return {
    formatVersion: `octopus-offline-drop/${formats.length === 1 ? formats[0] : formats.length === 0 ? 'no-variables' : 'mixed'}`,
    project: { id: pick('Octopus.Project.Id') ?? slug(projectName), name: projectName },
    release,
    target: { tenantId: pick('Octopus.Deployment.Tenant.Id') ?? (tenantName ? slug(tenantName) : ''), tenantName, environment: pick('Octopus.Environment.Name') ?? '' },
    variables: templates,
    baked,
    steps: mapped.map((m) => m.step),
    packages: packages.map((p) => p.facts),
    octopus: {
      script,
      ...(parsed.applicationsDirectory !== undefined ? { applicationsDirectory: parsed.applicationsDirectory } : {}),
      ...(parsed.journalPath !== undefined ? { journalPath: parsed.journalPath } : {}),
      variablesFormats: formats,
      keySizes,
    },
  };
}

/**
 * The hook openDrop calls. The password is asked for lazily (it is a tenant secret remembered in the
 * keychain), so opening a drop without encrypted files never touches the keychain.
 */
export function createOctopusImporter(options: { password?: string | (() => Promise<string | undefined>) } = {}): OctopusImporter {
  return async (input: OctopusImportInput) => {
    const password = typeof options.password === 'function' ? await options.password() : options.password;
    const { octopus: _facts, ...drop } = await importOctopusDrop(input.root, { files: input.files, limits: input.limits, ...(password !== undefined ? { password } : {}) });
    return drop;
  };
}

function pickScript(files: readonly DropFile[]): string {
  const scripts = files.filter((f) => !f.path.includes('/') && f.path.toLowerCase().endsWith('.ps1')).map((f) => f.path);
  if (scripts.length === 0) throw new AppError('OCTOPUS_SCRIPT_MISSING', 'The drop has no .ps1 deployment script at its root.', 'Open the folder or zip that Octopus produced for the offline drop target (it holds <Target>.<Project>.<Deployment>.ps1).');
  if (scripts.length === 1) return scripts[0]!;
  // Several scripts: prefer the one whose .cmd wrapper is also there, as Octopus writes both.
  const withCmd = scripts.filter((s) => files.some((f) => f.path.toLowerCase() === s.toLowerCase().replace(/\.ps1$/, '.cmd')));
  if (withCmd.length === 1) return withCmd[0]!;
  throw new AppError('OCTOPUS_SCRIPT_AMBIGUOUS', `The drop has several .ps1 scripts at its root (${scripts.join(', ')}) and it is not clear which one deploys.`, 'Remove the scripts that were added to the drop by hand, or ask for the drop again.', { scripts });
}

/** `<Target>.<Project>.<Deployments-N>.ps1` — informational only (target and project names may contain dots). */
function scriptNameParts(script: string): { project?: string; deployment?: string } {
  const m = /^(.+)\.(Deployments-\d+)\.ps1$/i.exec(script);
  if (!m) return {};
  const dot = m[1]!.lastIndexOf('.');
  return { ...(dot !== -1 ? { project: m[1]!.slice(dot + 1) } : {}), deployment: m[2]! };
}

function slug(s: string): string {
  return s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '') || 'octopus';
}
