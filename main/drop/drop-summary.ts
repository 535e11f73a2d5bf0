import type { Drop, PackageFacts, SignatureState, StepType, VariableTemplate } from '../../common/drop-model';

/** What `inspect --json` prints: everything about a drop except tenant values (there are none yet). */
export interface DropSummary {
  id: string;
  format: Drop['format'];
  formatVersion: string;
  source: { path: string; kind: 'zip' | 'folder' };
  project: Drop['project'];
  release: Drop['release'];
  tenant: { id: string; name: string };
  environment: string;
  publisher: string | null;
  signature: SignatureState;
  steps: Array<{ id: string; name: string; type: StepType | 'unsupported'; package: string | null }>;
  variables: Array<Omit<VariableTemplate, 'default'> & { default?: string }>;
  packages: PackageFacts[];
  fileCount: number;
  totalSize: number;
  /** sha256 of the zip as received; null for a folder. */
  sha256: string | null;
}

/** Builds the inspect summary. Defaults of sensitive templates are left out: a vendor may have put a real secret there. */
export function summarizeDrop(drop: Drop): DropSummary {
  return {
    id: drop.id,
    format: drop.format,
    formatVersion: drop.formatVersion,
    source: { path: drop.provenance.sourcePath, kind: drop.provenance.sourceKind },
    project: drop.project,
    release: drop.release,
    tenant: { id: drop.target.tenantId, name: drop.target.tenantName },
    environment: drop.target.environment,
    publisher: drop.publisher ?? null,
    signature: drop.provenance.signature,
    steps: drop.steps.map((s) => ({ id: s.id, name: s.name, type: s.type, package: s.package ?? null })),
    variables: drop.variables.map((v) => {
      if (!v.sensitive || v.default === undefined) return { ...v };
      const { default: _omitted, ...rest } = v;
      return rest;
    }),
    packages: drop.packages,
    fileCount: drop.provenance.fileCount,
    totalSize: drop.provenance.totalSize,
    sha256: drop.provenance.sha256,
  };
}

/** One line describing a signature state, as the CLI and the Overview badge word it. */
export function describeSignature(signature: SignatureState): string {
  switch (signature.state) {
    case 'verified':
      return `verified — ${signature.publisher} (key ${signature.keyId})`;
    case 'unsigned':
      return 'unsigned — the drop carries no signature; its files are still checked against drop.json';
    case 'unknown-publisher':
      return `unknown publisher — signed with key ${signature.keyId}, which is not trusted on this machine`;
    case 'invalid':
      return `invalid — ${signature.reason}`;
  }
}

/** Sizes as people read them: 1.2 MB. */
export function formatSize(bytes: number): string {
  const units = ['bytes', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${bytes} bytes` : `${value.toFixed(1)} ${units[unit]}`;
}
