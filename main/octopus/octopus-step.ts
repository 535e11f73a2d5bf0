/**
 * One Calamari call of the drop script with everything known about it: its variables (merged in
 * Calamari's order: --variables files, then --sensitiveVariables files, later wins) and its package.
 */
import { join } from 'node:path';
import type { DropFile } from '../../common/drop-model';
import { AppError } from '../../common/errors';
import { VariableDictionary } from '../variables/variable-dictionary';
import type { OctopusKeySize } from './octopus-crypto';
import { bundleRelativePath, optionValues, type CalamariCall } from './ps1-parser';
import { readVariablesFile, type PasswordState, type VariablesFormat } from './variables-file';

export interface LoadedStep {
  call: CalamariCall;
  /** Octopus.Action.Name (else Octopus.Step.Name, else "Step <n>"). */
  name: string;
  vars: VariableDictionary;
  /** Bundle-relative path of `--package`, when given. */
  packagePath?: string;
  formats: VariablesFormat[];
  keySizes: OctopusKeySize[];
}

/** Loads the variables of every call, in script order. */
export async function loadSteps(root: string, calls: readonly CalamariCall[], files: readonly DropFile[], passwords: PasswordState, scriptName: string): Promise<LoadedStep[]> {
  const byLower = new Map(files.map((f) => [f.path.toLowerCase(), f.path]));
  const locate = (value: string, option: string, call: CalamariCall): string => {
    const rel = bundleRelativePath(value);
    const found = rel ? byLower.get(rel.toLowerCase()) : undefined;
    if (!found) {
      throw new AppError(
        'OCTOPUS_FILE_MISSING',
        `${scriptName} line ${call.line}: --${option} "${value}" is not a file in the drop.`,
        'The drop is incomplete or was rearranged after Octopus created it: ask for it again.',
        { file: scriptName, line: call.line, option },
      );
    }
    return found;
  };
  const steps: LoadedStep[] = [];
  for (const call of calls) {
    const vars = new VariableDictionary();
    const formats: VariablesFormat[] = [];
    const keySizes: OctopusKeySize[] = [];
    const sources: Array<[string, boolean]> = [
      ...optionValues(call, 'variables').map((v) => [v, false] as [string, boolean]),
      ...optionValues(call, 'sensitiveVariables').map((v) => [v, true] as [string, boolean]),
    ];
    for (const [value, secret] of sources) {
      const rel = locate(value, secret ? 'sensitiveVariables' : 'variables', call);
      const content = await readVariablesFile(join(root, rel), rel, secret, passwords);
      formats.push(content.format);
      if (content.keySize) keySizes.push(content.keySize);
      for (const v of content.variables) vars.set(v.name, v.value, { sensitive: v.sensitive });
    }
    const name = nonEmpty(vars.getRaw('Octopus.Action.Name')) ?? nonEmpty(vars.getRaw('Octopus.Step.Name')) ?? `Step ${call.index}`;
    const step: LoadedStep = { call, name, vars, formats, keySizes };
    const pkg = optionValues(call, 'package').at(-1);
    if (pkg !== undefined) step.packagePath = locate(pkg, 'package', call);
    steps.push(step);
  }
  return steps;
}

function nonEmpty(v: string | null | undefined): string | undefined {
  return v && v.trim() ? v.trim() : undefined;
}
