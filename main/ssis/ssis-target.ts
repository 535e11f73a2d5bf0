/**
 * What the catalog should look like after the step: the .ispac read from the drop (bytes, hash,
 * project name and parameters from its manifest) joined with the settings. Every check that needs
 * only the drop happens here, before a connection is opened, so a wrong drop sends nothing.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { PackageFacts } from '../../common/drop-model';
import { AppError } from '../../common/errors';
import { inspectArchiveBuffer } from '../drop/nested/inspect-archive';
import { DEFAULT_DROP_LIMITS } from '../drop/limits';
import { isSsisDataType, SsisValueError, toTypedValue, type SsisDataType } from './ssis-data-types';
import type { SsisBindingSetting, SsisStepSettings } from './ssis-settings';

type IspacParameter = NonNullable<PackageFacts['parameters']>[number];

/** A binding with what the .ispac says about its parameter. */
export interface TargetBinding extends SsisBindingSetting {
  /** SSIS type of the parameter from the .ispac; String for connection-manager (CM.*) parameters. */
  dataType: SsisDataType;
  /** The parameter is sensitive: its literal value is never shown. */
  sensitive: boolean;
}

/** The desired state of one SSIS step. */
export interface SsisTarget {
  settings: SsisStepSettings;
  projectName: string;
  ispacPath: string;
  /** Drop-relative path for messages. */
  ispacLabel: string;
  ispacBytes: Buffer;
  ispacSha256: string;
  /** VersionMajor.Minor.Build from @Project.manifest, when present. */
  ispacVersion?: string;
  packages: string[];
  parameters: IspacParameter[];
  bindings: TargetBinding[];
}

function bindingLabel(b: SsisBindingSetting): string {
  return b.objectType === 'package' ? `package parameter ${b.package}::${b.parameter}` : `project parameter ${b.parameter}`;
}

/** Reads the .ispac and checks settings against it; SSIS_ISPAC_MISSING, SSIS_PROJECT_NAME_MISMATCH, SSIS_PARAMETER_NOT_FOUND… */
export async function loadSsisTarget(settings: SsisStepSettings, dropRoot: string, packagePath = ''): Promise<SsisTarget> {
  const ispacLabel = path.posix.join(packagePath.replace(/\\/g, '/'), settings.ispac.replace(/\\/g, '/'));
  const ispacPath = path.resolve(dropRoot, ispacLabel);
  const root = path.resolve(dropRoot);
  if (ispacPath !== root && !ispacPath.startsWith(root + path.sep)) {
    throw new AppError('SSIS_SETTINGS_INVALID', `The SSIS step's .ispac "${ispacLabel}" points outside the drop.`, 'Name the .ispac relative to the step package folder.', { ispac: ispacLabel });
  }
  let bytes: Buffer;
  try {
    bytes = await readFile(ispacPath);
  } catch (error) {
    throw new AppError('SSIS_ISPAC_MISSING', `The SSIS project file "${ispacLabel}" cannot be read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}.`, 'Check the step\'s "ispac" setting against the files in the drop; open the drop again if it was changed on disk.', { ispac: ispacLabel });
  }
  let facts: PackageFacts;
  try {
    facts = inspectArchiveBuffer(bytes, ispacLabel, 'ispac', DEFAULT_DROP_LIMITS);
  } catch (error) {
    const e = error as AppError;
    throw new AppError('SSIS_ISPAC_INVALID', e.message, 'The .ispac must be an SSIS project deployment file built by Visual Studio / SSDT; ask the vendor for a new drop.', { ispac: ispacLabel });
  }
  const manifestName = facts.projectName!;
  if (settings.projectName !== undefined && settings.projectName !== manifestName) {
    throw new AppError(
      'SSIS_PROJECT_NAME_MISMATCH',
      `The SSIS step deploys project "${settings.projectName}", but "${ispacLabel}" contains project "${manifestName}"; catalog.deploy_project would refuse it.`,
      `Set projectName to "${manifestName}" (or leave it out to use the name in the .ispac), or check that the drop holds the right .ispac.`,
      { ispac: ispacLabel, expected: settings.projectName, actual: manifestName },
    );
  }

  const parameters = facts.parameters ?? [];
  const packages = facts.packages ?? [];
  const variableTypes = new Map(settings.environmentVariables.map((v) => [v.name.toLowerCase(), v]));
  const bindings: TargetBinding[] = settings.parameterBindings.map((b, i) => {
    const where = `parameterBindings[${i}]`;
    if (b.objectType === 'package' && !packages.some((p) => p.toLowerCase() === b.package!.toLowerCase())) {
      throw new AppError('SSIS_PACKAGE_NOT_FOUND', `${where} binds a parameter of package "${b.package}", which "${ispacLabel}" does not contain (packages: ${packages.join(', ') || 'none'}).`, 'Correct the package name (with .dtsx) in the binding.', { binding: where });
    }
    const declared = parameters.find((p) => p.scope === b.objectType && p.name === b.parameter && (b.objectType === 'project' || p.owner?.toLowerCase() === b.package!.toLowerCase()));
    // Connection-manager properties are project parameters named CM.<manager>.<property>; the manifest lists them apart.
    const isConnectionManager = b.objectType === 'project' && b.parameter.startsWith('CM.');
    if (!declared && !isConnectionManager) {
      throw new AppError('SSIS_PARAMETER_NOT_FOUND', `${where} binds ${bindingLabel(b)}, which "${ispacLabel}" does not declare.`, 'Check the parameter name (it is case-sensitive) against the SSIS project, or remove the binding.', { binding: where });
    }
    const dataType: SsisDataType = declared?.dataType && isSsisDataType(declared.dataType) ? declared.dataType : 'String';
    if (declared?.dataType && !isSsisDataType(declared.dataType)) {
      throw new AppError('SSIS_PARAMETER_TYPE_UNSUPPORTED', `${where}: ${bindingLabel(b)} has type ${declared.dataType}, which the SSIS catalog cannot bind.`, 'Change the parameter type in the SSIS project.', { binding: where });
    }
    if (b.variable !== undefined) {
      const variable = variableTypes.get(b.variable.toLowerCase())!;
      if (variable.type !== dataType) {
        throw new AppError(
          'SSIS_BINDING_TYPE_MISMATCH',
          `${where} binds ${bindingLabel(b)} (${dataType}) to environment variable "${variable.name}" of type ${variable.type}; executions would fail.`,
          `Declare "${variable.name}" as ${dataType}.`,
          { binding: where },
        );
      }
    } else {
      try {
        toTypedValue(dataType, b.value!);
      } catch (error) {
        if (!(error instanceof SsisValueError)) throw error;
        throw new AppError('SSIS_SETTINGS_INVALID', `The SSIS step settings are invalid at ${where}.value: the literal value for ${bindingLabel(b)} ${error.message}.`, `Give a ${dataType} value.`, { path: `${where}.value` });
      }
    }
    return { ...b, dataType, sensitive: declared?.sensitive ?? false };
  });

  return {
    settings,
    projectName: manifestName,
    ispacPath,
    ispacLabel,
    ispacBytes: bytes,
    ispacSha256: createHash('sha256').update(bytes).digest('hex'),
    ...(facts.version !== undefined ? { ispacVersion: facts.version } : {}),
    packages,
    parameters,
    bindings,
  };
}
