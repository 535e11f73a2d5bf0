import type { Drop, DropFile, SignatureState } from '../../common/drop-model';
import type { DropLimits } from './limits';

/** What openDrop hands the Octopus importer once the files are safely on disk and hashed. */
export interface OctopusImportInput {
  /** Folder holding the drop's files. For a zip this is the temporary extraction folder: read it, do not keep the path. */
  root: string;
  /** Every file with its size and sha256, forward-slash paths. */
  files: DropFile[];
  source: { path: string; kind: 'zip' | 'folder'; sha256: string | null };
  limits: DropLimits;
}

/** The part of a Drop only the importer can know; openDrop adds id, root, files and provenance. */
export type ImportedDrop = Omit<Drop, 'id' | 'root' | 'files' | 'provenance' | 'format'> & {
  /** Octopus drops carry no drop.sig; an importer may still report its own judgement. */
  signature?: SignatureState;
};

/** Provided by main/octopus/; openDrop calls it for drops without drop.json that look like Octopus drops. */
export type OctopusImporter = (input: OctopusImportInput) => Promise<ImportedDrop>;

/** True for the layout of an Octopus offline package drop: a root *.ps1 and a Calamari/ or Variables/ folder. */
export function looksLikeOctopusDrop(files: readonly DropFile[]): boolean {
  const rootScript = files.some((f) => !f.path.includes('/') && f.path.toLowerCase().endsWith('.ps1'));
  const octopusFolder = files.some((f) => /^(calamari|variables)\//i.test(f.path));
  return rootScript && octopusFolder;
}
