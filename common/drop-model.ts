/**
 * The one in-memory model of a release drop. Native drops (drop.json) and Octopus offline package
 * drops are both read into this shape; everything after opening is format-agnostic.
 */

export const VARIABLE_TYPES = ['text', 'multiline', 'sensitive', 'number', 'boolean', 'choice', 'connection-string'] as const;
export type VariableType = (typeof VARIABLE_TYPES)[number];

export const STEP_TYPES = ['sql-scripts', 'ssis-project', 'dacpac', 'script', 'manual-check'] as const;
export type StepType = (typeof STEP_TYPES)[number];

/** A setting the tenant (hospital) supplies; the drop declares it, the tenant profile remembers its value. */
export interface VariableTemplate {
  name: string;
  label: string;
  help?: string;
  group?: string;
  type: VariableType;
  required: boolean;
  /** May contain #{Other} references, evaluated with the tenant's values. */
  default?: string;
  choices?: string[];
  /** A regular expression (JavaScript syntax, whole-value match) the value must satisfy. */
  pattern?: string;
  /** True for type 'sensitive' and for secrets imported from Octopus .secret files. */
  sensitive: boolean;
  /** Where the template came from: declared in drop.json, or derived from an Octopus variables file. */
  origin?: 'manifest' | 'octopus';
}

/** A value baked into the drop itself (Octopus variables files); tenant values take precedence when empty/unresolved. */
export interface BakedVariable {
  name: string;
  value: string;
  sensitive: boolean;
  /** The Octopus step whose variables file held it, when it is step-scoped. */
  step?: string;
}

/**
 * When a step runs (Octopus's run conditions): `success` (default) only while no earlier step has
 * stopped the run; `failure` only after an earlier step failed or the run was aborted; `always` after
 * a failure, an abort or a graceful cancel too (clean-up such as resuming a paused interface engine).
 */
export const RUN_CONDITIONS = ['success', 'failure', 'always'] as const;
export type RunCondition = (typeof RUN_CONDITIONS)[number];

/** The words for each run condition, in the Overview, the plan (app and CLI) and the Run screen. */
export const RUN_CONDITION_LABELS: Record<RunCondition, string> = {
  success: 'Runs only while the steps before it succeed',
  failure: 'Runs only after an earlier step failed',
  always: 'Always runs — also after a failure, an abort or a cancel',
};

export interface DropStep {
  id: string;
  name: string;
  /** 'unsupported' is only produced by importers (Octopus) for steps we cannot run; preflight blocks on them. */
  type: StepType | 'unsupported';
  /** Folder or package file (relative to the drop root, forward slashes) that the step uses. */
  package?: string;
  /** Type-specific settings; string values may contain #{…} and are evaluated before the step runs. */
  settings: Record<string, unknown>;
  unsupportedReason?: string;
  /** Absent means 'success'. */
  runCondition?: RunCondition;
  /** Where an imported run condition came from (an Octopus variable), or why it could not be honoured. */
  runConditionNote?: string;
}

export interface DropFile {
  /** Relative to the drop root, forward slashes. */
  path: string;
  size: number;
  sha256: string;
}

export type SignatureState =
  | { state: 'verified'; publisher: string; keyId: string }
  | { state: 'unsigned' }
  | { state: 'unknown-publisher'; keyId: string }
  | { state: 'invalid'; reason: string };

/** Facts read from a nested archive in memory (never extracted): enough for the Overview and the plan. */
export interface PackageFacts {
  path: string;
  kind: 'nupkg' | 'ispac' | 'dacpac' | 'zip' | 'folder';
  id?: string;
  version?: string;
  authors?: string;
  description?: string;
  /** ispac: project name from @Project.manifest. */
  projectName?: string;
  /** ispac: the .dtsx packages inside. */
  packages?: string[];
  /** ispac: project- and package-level parameters. */
  parameters?: Array<{ scope: 'project' | 'package'; owner?: string; name: string; dataType?: string; sensitive?: boolean; required?: boolean }>;
  /** dacpac: model name/version from DacMetadata.xml. */
  modelName?: string;
  /** Nested archives found inside this one (e.g. an .ispac inside a .nupkg). */
  nested?: PackageFacts[];
}

export interface DropProvenance {
  /** Where the engineer opened it from (zip or folder). */
  sourcePath: string;
  sourceKind: 'zip' | 'folder';
  /** sha256 of the zip file as received; null when opened from a folder. */
  sha256: string | null;
  signature: SignatureState;
  fileCount: number;
  totalSize: number;
}

export interface Drop {
  /** Stable id of this opened copy: the folder name under <data>/drops/. */
  id: string;
  format: 'native' | 'octopus';
  formatVersion: string;
  project: { id: string; name: string };
  release: { version: string; notes?: string; created?: string; channel?: string };
  target: { tenantId: string; tenantName: string; environment: string };
  publisher?: string;
  variables: VariableTemplate[];
  /** Values baked into the drop (Octopus); empty for native drops. */
  baked: BakedVariable[];
  steps: DropStep[];
  files: DropFile[];
  packages: PackageFacts[];
  provenance: DropProvenance;
  /** Absolute path of the extracted, verified copy that steps read from. */
  root: string;
}
