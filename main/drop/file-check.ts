import type { DropFile } from '../../common/drop-model';
import { dropError } from './drop-errors';
import type { DropManifest } from './manifest-schema';

/**
 * Compares what is really in the drop with what drop.json pins: every listed file present with the
 * same size and sha256, and no file that is not listed. `actual` excludes drop.json and drop.sig.
 */
export function checkFilesAgainstManifest(manifest: DropManifest, actual: readonly DropFile[]): void {
  const byPath = new Map(actual.map((f) => [f.path, f]));
  manifest.files.forEach((listed, i) => {
    const found = byPath.get(listed.path);
    if (!found) {
      throw dropError('DROP_FILE_MISSING', `"${listed.path}" is listed in drop.json (files[${i}]) but is not in the drop.`, { entry: listed.path, jsonPath: `files[${i}]` });
    }
    if (found.size !== listed.size || found.sha256 !== listed.sha256) {
      throw dropError(
        'DROP_HASH_MISMATCH',
        `"${listed.path}" does not match drop.json (files[${i}]): expected ${listed.size} bytes with sha256 ${listed.sha256}, found ${found.size} bytes with sha256 ${found.sha256}.`,
        { entry: listed.path, jsonPath: `files[${i}]`, expected: listed.sha256, actual: found.sha256 },
      );
    }
  });
  const listedPaths = new Set(manifest.files.map((f) => f.path));
  for (const file of actual) {
    if (!listedPaths.has(file.path)) {
      throw dropError('DROP_FILE_NOT_LISTED', `"${file.path}" is in the drop but not listed in drop.json.`, { entry: file.path });
    }
  }
}

/** Every step's package (file or folder) and an SSIS step's .ispac must exist among the listed files. */
export function checkStepReferences(manifest: DropManifest): void {
  const paths = manifest.files.map((f) => f.path);
  const exists = (p: string): boolean => paths.some((f) => f === p || f.startsWith(`${p}/`));
  manifest.steps.forEach((step, i) => {
    if (step.package !== undefined && !exists(step.package)) {
      throw dropError('DROP_MANIFEST_INVALID', `drop.json is invalid at steps[${i}].package: "${step.package}" is not a file or folder in the drop.`, {
        issues: [{ path: `steps[${i}].package`, message: 'not in the drop' }],
      });
    }
    if (step.type === 'ssis-project') {
      const ispac = `${step.package}/${step.settings.ispac}`;
      if (!paths.includes(ispac)) {
        throw dropError('DROP_MANIFEST_INVALID', `drop.json is invalid at steps[${i}].settings.ispac: "${ispac}" is not in the drop.`, {
          issues: [{ path: `steps[${i}].settings.ispac`, message: 'not in the drop' }],
        });
      }
    }
  });
}
