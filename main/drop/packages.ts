import { join } from 'node:path';
import type { DropFile, DropStep, PackageFacts } from '../../common/drop-model';
import type { DropLimits } from './limits';
import { archiveKind, inspectArchiveFile } from './nested/inspect-archive';
import { NestedBudget } from './nested/nested-budget';

/**
 * The packages a drop carries, for the Overview and the plan: one entry per step package (a folder
 * lists the archives inside it as `nested`), then any other archive in the drop.
 */
export async function collectPackageFacts(root: string, files: readonly DropFile[], steps: readonly DropStep[], limits: DropLimits): Promise<PackageFacts[]> {
  const archives = files.filter((f) => archiveKind(f.path) !== undefined && archiveKind(f.path) !== 'zip');
  const covered = new Set<string>();
  const facts: PackageFacts[] = [];
  const seen = new Set<string>();
  const budget = NestedBudget.for(limits);
  const inspect = async (file: DropFile): Promise<PackageFacts> => {
    covered.add(file.path);
    return inspectArchiveFile(join(root, file.path), file.path, file.size, limits, budget);
  };
  for (const step of steps) {
    const pkg = step.package;
    if (!pkg || seen.has(pkg)) continue;
    seen.add(pkg);
    const asFile = files.find((f) => f.path === pkg);
    if (asFile) {
      facts.push(archiveKind(pkg) ? await inspect(asFile) : { path: pkg, kind: 'folder' });
      continue;
    }
    const inside = archives.filter((f) => f.path.startsWith(`${pkg}/`));
    const folder: PackageFacts = { path: pkg, kind: 'folder' };
    // One at a time: each archive file is open only while it is inspected.
    const nested: PackageFacts[] = [];
    for (const file of inside) nested.push(await inspect(file));
    if (nested.length > 0) folder.nested = nested;
    facts.push(folder);
  }
  for (const file of archives) if (!covered.has(file.path)) facts.push(await inspect(file));
  return facts;
}
