import { AppError } from '../../common/errors';

/**
 * Every way a drop can be refused, with the hint the engineer sees. Keeping hints in one table means
 * the CLI, the UI and the docs all say the same thing for the same code.
 */
export const DROP_ERROR_HINTS = {
  DROP_NOT_FOUND: 'Check the path; pick the drop zip or the folder that holds drop.json.',
  DROP_NOT_ZIP: 'The file is not a zip archive. Ask the vendor for the original drop zip; do not rename other files to .zip.',
  DROP_TRUNCATED: 'The zip is incomplete (the copy or download stopped early). Copy it again from the original media and compare its sha256.',
  DROP_CORRUPT_ENTRY: 'The zip is damaged. Copy it again from the original media; if it still fails, ask the vendor for a new drop.',
  DROP_UNSUPPORTED_ENTRY: 'The zip uses encryption or a compression method Drop Runner does not read. Ask the vendor to re-pack it with `drop-runner pack`.',
  DROP_UNSAFE_PATH: 'The drop contains a file name that could write outside its folder or is invalid on Windows. Do not use this drop; report it to the vendor.',
  DROP_DUPLICATE_ENTRY: 'The drop contains two entries that are the same file on Windows. Ask the vendor to re-pack it.',
  DROP_SPECIAL_ENTRY: 'The drop contains a symbolic link or device entry, which drops never need. Do not use this drop; report it to the vendor.',
  DROP_TOO_MANY_ENTRIES: 'The drop has more entries than the configured limit. If the vendor confirms it is genuine, raise the limit in settings.',
  DROP_TOO_LARGE: 'The drop is larger than the configured limit. If the vendor confirms it is genuine, raise the limit in settings.',
  DROP_ZIP_BOMB: 'The drop expands far more than real release files do (a possible zip bomb). Do not use it; report it to the vendor.',
  DROP_NO_SPACE: 'Free disk space on the drive that holds the Drop Runner data folder, then open the drop again.',
  DISK_FULL: 'Free space on that disk (or pass --data-dir / set TMPDIR to a folder on a disk with room), then open the drop again. Nothing was kept from this attempt.',
  DROP_WRITE_FAILED: 'Drop Runner could not write to its data folder. Check free space and permissions of the data folder.',
  DROP_MANIFEST_MISSING: 'A drop needs drop.json at its root (or the layout of an Octopus offline package drop). Check that you opened the right file.',
  DROP_MANIFEST_INVALID: 'drop.json does not follow the drop format (docs/drop-format.md). Ask the vendor for a corrected drop.',
  DROP_MANIFEST_DUPLICATE_KEY: 'drop.json names the same key twice in one object, so different tools could read different values from the signed bytes. Do not use this drop; ask the vendor to re-pack it.',
  DROP_MANIFEST_TOO_LARGE: 'drop.json is larger, or lists more variables, steps or files, than any genuine drop needs. If the vendor confirms it is genuine, raise the limit (docs/operations.md).',
  DROP_FILE_MISSING: 'A file that drop.json lists is not in the drop. The copy is incomplete or was altered; get a fresh copy from the vendor.',
  DROP_FILE_NOT_LISTED: 'The drop contains a file that drop.json does not list, so it cannot be trusted. Get a fresh copy, or ask the vendor to re-pack.',
  DROP_HASH_MISMATCH: 'A file differs from what drop.json pins: the drop was altered or damaged. Get a fresh copy from the vendor.',
  DROP_SIGNATURE_INVALID: 'The signature does not match drop.json: the drop was altered after signing or the signature is damaged. Do not use it; report it to the vendor.',
  DROP_PACKAGE_INVALID: 'A package inside the drop (.nupkg, .ispac, .dacpac) cannot be read. Ask the vendor for a corrected drop.',
  DROP_IMPORTER_MISSING: 'This looks like an Octopus offline package drop, but this build cannot import those yet.',
  DROP_PACK_FAILED: 'Fix the drop folder as described and run pack again.',
  DROP_KEY_INVALID: 'Pass the Ed25519 private key PEM written by `drop-runner keygen` (the .key.pem file).',
  KEY_WRITE_FAILED: 'Choose another --out prefix in a writable folder; existing keys are never overwritten.',
  TRUST_KEY_INVALID: 'Pass the public key PEM written by `drop-runner keygen` (the .pub.pem file).',
  TRUST_KEY_NOT_FOUND: 'Run `drop-runner trust list` to see the key ids that are trusted.',
  TRUST_STORE_INVALID: 'The trusted publishers file is damaged. Fix or delete it, then add the publishers again.',
} as const;

export type DropErrorCode = keyof typeof DROP_ERROR_HINTS;

/** Builds the AppError for a drop failure, with the standard hint unless a more specific one is given. */
export function dropError(code: DropErrorCode, message: string, details?: Record<string, unknown>, hint?: string): AppError {
  return new AppError(code, message, hint ?? DROP_ERROR_HINTS[code], details);
}
