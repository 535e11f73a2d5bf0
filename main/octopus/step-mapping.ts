/**
 * Maps the steps of an Octopus drop onto native step types. Community step templates are recognised by
 * their parameter names (the template id differs per Octopus instance); deploy-package steps whose
 * package holds an .ispac, a .dacpac or .sql scripts map by content. Everything else becomes
 * 'unsupported' with the reason, so preflight can stop and the engineer can decide.
 */
import { connectionStringEntries, type ConnectionStringEntry } from '../../common/connection-string';
import { compileSafeRegex } from '../../common/safe-regex';
import type { DropStep, PackageFacts } from '../../common/drop-model';
import { globToRegExp, naturalCompare } from '../sql/script-selection';
import type { VariableDictionary } from '../variables/variable-dictionary';
import type { LoadedStep } from './octopus-step';
import { entriesWith, findPackage, findPackageById, type DropPackage } from './package-contents';
import { buildConnectionString, evaluateAtImport, flagSetting, interpretTargetPath, requiredSetting, settingValue } from './step-parameters';
import { SQL_WINDOWS_ACCOUNT, SSIS_WINDOWS_ACCOUNT, type WindowsAccountNames } from './windows-account';

const SSIS_TYPES = new Set(['Boolean', 'Byte', 'DateTime', 'Decimal', 'Double', 'Int16', 'Int32', 'Int64', 'SByte', 'Single', 'String', 'UInt32', 'UInt64']);

export interface MappedStep {
  step: DropStep;
  /** The Octopus step it came from (its variables evaluate the step's settings). */
  source: LoadedStep;
}

/** Parameter names of the recognised community templates: empty ones are template options, not tenant prompts. */
export const TEMPLATE_PARAMETERS = new Set(
  [
    'ServerName', 'EnableCLR', 'CatalogName', 'CatalogPwd', 'FolderName', 'ProjectName', 'UseEnvironment', 'EnvironmentName',
    'ReferenceProjectParametersToEnvironmentVairables', 'ReferencePackageParametersToEnvironmentVairables', 'NugetPackageStepName',
    'UseFullyQualifiedVariableNames', 'UseCustomFilter', 'CustomFilter', 'SyncEnvironment', 'ssisPackageId', 'TemplatePackageFeedId',
    'sqlAccountUsername', 'sqlAccountPassword', 'EnvironmentTag', 'DACPACPackageName', 'DACPACPublishProfile', 'DACPACReport', 'DACPACScript',
    'DACPACDeploy', 'DACPACTargetServer', 'DACPACTargetDatabase', 'DACPACAuthenticationType', 'DACPACSQLUsername', 'DACPACSQLPassword',
    'DACPACPackage', 'DACPACCommandTimeout', 'DACPACExeLocation', 'DACPACAdditionalArguments', 'DACPACPackageStep', 'Report', 'Script', 'Deploy',
    'ExtractTargetDatabaseDacPac', 'TargetServer', 'TargetDatabase', 'TargetDatabaseVersion', 'UseIntegratedSecurity', 'SQLUsername', 'SQLPassword',
    'EnableMultiSubnetFailover', 'AdditionalContributors', 'AdditionalContributorArguments', 'ConnectionString', 'SqlScriptFile', 'ContinueOnError',
    'CommandTimeout', 'serverInstance', 'dbName', 'Authentication', 'Username', 'Password', 'SQLScripts', 'template.Package',
    'ExecuteSQL.DisplaySQLServerOutput', 'ExecuteSQL.TrustServerCertificate', 'PathToScripts', 'VersionRegEx', 'SqlScript', 'CaptureOutputToVariables',
  ].map((n) => n.toLowerCase()),
);

/** True for a parameter name of a recognised template (including the SSIS.Template.* variant). */
export function isTemplateParameter(name: string): boolean {
  const n = name.toLowerCase();
  return TEMPLATE_PARAMETERS.has(n) || n.startsWith('ssis.template.');
}

type Mapping = Array<Omit<DropStep, 'id' | 'name'> & { suffix?: string }>;

/** Maps every loaded step; package-acquisition steps used by a later template step are absorbed into it. */
export function mapSteps(steps: readonly LoadedStep[], packages: readonly DropPackage[]): MappedStep[] {
  const absorbed = new Set<LoadedStep>();
  const mapped: Array<{ source: LoadedStep; mapping: Mapping }> = [];
  for (const step of steps) {
    const ctx = new StepContext(step, steps, packages, absorbed);
    mapped.push({ source: step, mapping: mapOne(ctx) });
  }
  const out: MappedStep[] = [];
  for (const { source, mapping } of mapped) {
    if (absorbed.has(source)) continue;
    for (const m of mapping) {
      const { suffix, ...rest } = m;
      const id = stepId(source.call.index, source.name, suffix);
      out.push({ source, step: { id, name: suffix ? `${source.name} (${suffix})` : source.name, ...rest, ...runConditionOf(source.vars) } });
    }
  }
  return out;
}

/** The step property Octopus stores a "variable" run condition in (OctopusDeploy/docs, projects/steps/conditions). */
export const CONDITION_VARIABLE = 'Octopus.Step.ConditionVariableExpression';

/**
 * A step's run condition, from what the drop says. Octopus's run conditions are "previous step
 * succeeded", "previous step failed", "always" and a variable expression; the documented expressions for
 * the first two are `#{unless Octopus.Deployment.Error}…#{/unless}` and `#{if Octopus.Deployment.Error}…#{/if}`
 * (OctopusDeploy/docs src/pages/docs/projects/steps/conditions/index.mdx). When a step's variables carry
 * the expression, those two forms map to success and failure; any other expression depends on values only
 * the server had (output variables of earlier steps) and is shown, not evaluated: the step runs as the
 * drop's own script runs every step, only while the steps before it succeeded.
 */
export function runConditionOf(vars: VariableDictionary): Pick<DropStep, 'runCondition' | 'runConditionNote'> {
  const raw = vars.getRaw(CONDITION_VARIABLE)?.trim();
  if (!raw) return {};
  const onError = /^#\{\s*(if|unless)\s+Octopus\.Deployment\.Error\s*\}([\s\S]*)#\{\s*\/\1\s*\}$/i.exec(raw);
  if (onError) {
    const inner = onError[2]!.trim();
    const plain = /^true$/i.test(inner);
    if (onError[1]!.toLowerCase() === 'if') {
      return {
        runCondition: 'failure',
        runConditionNote: plain
          ? `${CONDITION_VARIABLE} = ${raw}: runs only when an earlier step failed.`
          : `${CONDITION_VARIABLE} = ${raw}: runs only when an earlier step failed; the inner condition "${inner}" is not evaluated offline.`,
      };
    }
    return {
      runConditionNote: plain
        ? `${CONDITION_VARIABLE} = ${raw}: runs only while no earlier step failed.`
        : `${CONDITION_VARIABLE} = ${raw}: runs only while no earlier step failed; the inner condition "${inner}" is not evaluated offline.`,
    };
  }
  return { runConditionNote: `${CONDITION_VARIABLE} = ${raw}: this expression is not evaluated offline; the step runs only while the steps before it succeeded, as the drop's own script runs it.` };
}

function stepId(index: number, name: string, suffix?: string): string {
  const slug = (s: string) =>
    s
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '');
  return `octopus-${index}-${slug(name).slice(0, 60)}${suffix ? `-${slug(suffix).slice(0, 30)}` : ''}`.replace(/-+$/, '');
}

class StepContext {
  constructor(
    readonly step: LoadedStep,
    private readonly all: readonly LoadedStep[],
    readonly packages: readonly DropPackage[],
    private readonly absorbed: Set<LoadedStep>,
  ) {}

  get vars(): VariableDictionary {
    return this.step.vars;
  }

  has(name: string): boolean {
    return this.vars.has(name);
  }

  /** Evaluated text of a variable for decisions at import time (never put into settings when sensitive). */
  text(name: string): string | undefined {
    const raw = this.vars.getRaw(name);
    if (raw === undefined || raw === null) return raw === null ? '' : undefined;
    // Over budget: decide on the value as written (its coded error comes when a plan evaluates it).
    return evaluateAtImport(raw, this.vars)?.text ?? raw;
  }

  /** The package of an earlier step named `name`; that step is absorbed into this one. */
  packageOfStep(name: string): DropPackage | string {
    const wanted = name.trim().toLowerCase();
    const earlier = this.all.slice(0, this.all.indexOf(this.step)).filter((s) => s.name.toLowerCase() === wanted);
    const found = earlier.at(-1);
    if (!found) return `the package step "${name}" it names is not part of this drop`;
    if (!found.packagePath) return `the step "${name}" it names has no package`;
    const pkg = findPackage(this.packages, found.packagePath);
    if (!pkg) return `the package "${found.packagePath}" of step "${name}" is not in the Packages folder`;
    this.absorbed.add(found);
    return pkg;
  }

  /** The package behind a package reference parameter (the call's own --package, or the referenced id). */
  packageOfReference(reference: string | undefined): DropPackage | string {
    if (this.step.packagePath) {
      const own = findPackage(this.packages, this.step.packagePath);
      if (own) return own;
    }
    const refName = reference ?? '';
    const id = this.text(`Octopus.Action.Package[${refName}].PackageId`) || this.text(`Octopus.Action.Package[${refName}].Id`) || refName;
    const byId = id ? findPackageById(this.packages, id) : undefined;
    if (byId) return byId;
    return `its package${refName ? ` "${id}"` : ''} is not in the Packages folder of this drop`;
  }
}

function unsupported(reason: string): Mapping {
  return [{ type: 'unsupported', settings: {}, unsupportedReason: reason }];
}

function mapOne(ctx: StepContext): Mapping {
  const { step } = ctx;
  const command = step.call.command.toLowerCase();
  if (command === 'run-script') return mapRunScript(ctx);
  if (command === 'deploy-package') return mapDeployPackage(ctx);
  return unsupported(`It runs the Calamari command "${step.call.command}", which Drop Runner does not perform (only SQL Server scripts, DACPACs and SSIS projects are deployed).`);
}

function mapRunScript(ctx: StepContext): Mapping {
  const has = (...names: string[]) => names.every((n) => ctx.has(n));
  if (has('SSIS.Template.ServerName', 'SSIS.Template.FolderName')) return mapSsis(ctx, 'SSIS.Template.', 'package-parameter');
  if (has('ServerName', 'CatalogName', 'FolderName', 'EnvironmentTag')) return mapSsis(ctx, '', 'with-environment');
  if (has('ServerName', 'CatalogName', 'FolderName')) return mapSsis(ctx, '', 'package-step');
  if (has('DACPACPackageName', 'DACPACTargetServer')) return mapDacpac(ctx, 'sqlpackage');
  if (has('DACPACPackageName', 'TargetServer')) return mapDacpac(ctx, 'legacy');
  if (has('SqlScriptFile', 'ConnectionString')) return mapScriptFile(ctx);
  if (has('SQLScripts', 'serverInstance')) return mapScriptFiles(ctx);
  if (has('PathToScripts', 'ConnectionString')) return mapScriptsOrdered(ctx);
  if (has('SqlScript', 'ConnectionString')) return mapInlineScript(ctx);
  if (has('ISPAC_FILE_PATH')) {
    return unsupported('It is the "Deploy ISPAC" template that reads an .ispac from a fixed path on the target machine (ISPAC_FILE_PATH), not from a package in the drop.');
  }
  const syntax = ctx.text('Octopus.Action.Script.Syntax') || 'PowerShell';
  return unsupported(`It runs a ${syntax} script. Drop Runner does not run scripts; only the SQL, DACPAC and SSIS step templates and packages with .sql/.ispac/.dacpac content are supported.`);
}

/** Connection settings that name the server the step targets. */
function connectionFromParts(server: string, database: string | undefined, auth: { user?: string | undefined; password?: string | undefined; method?: string | undefined }, extra: Array<[string, string | undefined]> = []): string {
  const pairs: Array<[string, string | undefined]> = [
    ['Data Source', server],
    ['Initial Catalog', database],
  ];
  if (auth.method) pairs.push(['Authentication', auth.method]);
  // Never Integrated Security: Node has no Windows session to use; a Windows account is named (see windowsAccount).
  pairs.push(['User Id', auth.user]);
  pairs.push(['Password', auth.password]);
  return buildConnectionString([...pairs, ...extra]);
}

/**
 * The login for a template step that relies on the Tentacle's Windows session: Node cannot use
 * Integrated Security, so the connection names the tenant's Windows account (NTLM), the drop's
 * baked values when it has them, #{…} prompts otherwise.
 */
function windowsAccount(ctx: StepContext, names: WindowsAccountNames): { user: string; password: string } {
  return { user: requiredSetting(ctx.vars, names.user), password: requiredSetting(ctx.vars, names.password) };
}

/**
 * A vendor's connection string that relies on the Tentacle's Windows session (Integrated Security or
 * Trusted_Connection, no user) names the tenant's SQL deployment Windows account instead, as the
 * built-in SQL templates do: Node has no Windows session to use. A connection string with a user,
 * or one that is only a #{…} reference, is kept as written (the tenant's value decides at run time).
 */
function withWindowsAccount(ctx: StepContext, connection: string): string {
  let entries: ConnectionStringEntry[];
  try {
    entries = connectionStringEntries(connection);
  } catch {
    return connection;
  }
  const windowsSession = new Set(['integrated security', 'trusted_connection']);
  const integrated = entries.some((e) => windowsSession.has(e.key) && /^(true|yes|sspi)$/i.test(e.value.trim()));
  const named = entries.some((e) => ['user id', 'uid', 'user', 'username', 'user name'].includes(e.key));
  if (!integrated || named) return connection;
  const account = windowsAccount(ctx, SQL_WINDOWS_ACCOUNT);
  const kept = entries.filter((e) => !windowsSession.has(e.key)).map((e): [string, string] => [e.name, e.value]);
  return buildConnectionString([...kept, ['User Id', account.user], ['Password', account.password]]);
}

function nonEmpty(v: string | undefined): string | undefined {
  return v !== undefined && v.trim() !== '' ? v : undefined;
}

function mapSsis(ctx: StepContext, prefix: string, variant: 'package-step' | 'package-parameter' | 'with-environment'): Mapping {
  const p = (n: string) => prefix + n;
  const pkg = variant === 'package-parameter' || (!ctx.has('NugetPackageStepName') && ctx.has(p('ssisPackageId'))) ? ctx.packageOfReference(ctx.text(p('ssisPackageId'))) : ctx.packageOfStep(ctx.text('NugetPackageStepName') ?? '');
  if (typeof pkg === 'string') return unsupported(`It deploys an SSIS project, but ${pkg}.`);
  const ispacs = entriesWith(pkg, '.ispac');
  if (ispacs.length === 0) return unsupported(`It deploys an SSIS project, but its package "${pkg.path}" holds no .ispac file.`);
  const user = nonEmpty(settingValue(ctx.vars, p('sqlAccountUsername')));
  const password = nonEmpty(settingValue(ctx.vars, p('sqlAccountPassword')));
  const catalog = nonEmpty(settingValue(ctx.vars, p('CatalogName'))) ?? 'SSISDB';
  // Without a SQL login the template relies on the Tentacle's Windows session.
  const auth = user && password ? { user, password } : windowsAccount(ctx, SSIS_WINDOWS_ACCOUNT);
  const connection = connectionFromParts(requiredSetting(ctx.vars, p('ServerName')), catalog, auth);
  const folder = requiredSetting(ctx.vars, p('FolderName'));
  const useEnvironment = flagSetting(ctx.vars, p('UseEnvironment'));
  const octopusEnvironment = nonEmpty(ctx.text('Octopus.Environment.Name')) ?? 'Default';
  return ispacs.map((ispac) => {
    const facts = pkg.facts.nested?.find((n) => n.path.toLowerCase() === `${pkg.path}!/${ispac}`.toLowerCase());
    const stem = ispac.slice(ispac.lastIndexOf('/') + 1).replace(/\.ispac$/i, '');
    const projectName = variant === 'package-step' ? (nonEmpty(settingValue(ctx.vars, 'ProjectName')) ?? facts?.projectName ?? stem) : stem;
    let environment: string;
    if (variant === 'with-environment') environment = `${projectName}_${nonEmpty(ctx.text('EnvironmentTag')) ?? octopusEnvironment}`;
    else environment = (useEnvironment ? nonEmpty(settingValue(ctx.vars, p('EnvironmentName'))) : undefined) ?? octopusEnvironment;
    const { environmentVariables, parameterBindings } =
      variant === 'with-environment' ? bindingsFromSsisVariables(ctx, facts) : useEnvironment ? bindingsByParameterName(ctx, prefix, facts) : { environmentVariables: [], parameterBindings: [] };
    const settings: Record<string, unknown> = { connection, ispac, folder, projectName, environment, environmentVariables, parameterBindings };
    return { type: 'ssis-project' as const, package: pkg.path, settings, ...(ispacs.length > 1 ? { suffix: stem } : {}) };
  });
}

type EnvVar = { name: string; value: string; type: string; sensitive: boolean; description?: string };
type Binding = { objectType: 'project' | 'package'; package?: string; parameter: string; variable?: string; value?: string };
type Parameter = NonNullable<PackageFacts['parameters']>[number];

function ssisType(dataType: string | undefined): string {
  return dataType && SSIS_TYPES.has(dataType) ? dataType : 'String';
}

/**
 * The main template: each project (and package) parameter with an Octopus variable of the same name
 * becomes an environment variable the parameter references. Parameters without such a variable keep
 * their design default, as in the template.
 */
function bindingsByParameterName(ctx: StepContext, prefix: string, facts: PackageFacts | undefined): { environmentVariables: EnvVar[]; parameterBindings: Binding[] } {
  const environmentVariables: EnvVar[] = [];
  const parameterBindings: Binding[] = [];
  const params = facts?.parameters ?? [];
  const referenceProject = flagSetting(ctx.vars, `${prefix}ReferenceProjectParametersToEnvironmentVairables`);
  const referencePackage = flagSetting(ctx.vars, `${prefix}ReferencePackageParametersToEnvironmentVairables`);
  const qualifiedAlways = flagSetting(ctx.vars, `${prefix}UseFullyQualifiedVariableNames`);
  const useFilter = flagSetting(ctx.vars, `${prefix}UseCustomFilter`);
  const filterText = useFilter ? ctx.text(`${prefix}CustomFilter`) : undefined;
  let filter: RegExp | undefined;
  try {
    filter = filterText ? new RegExp(filterText) : undefined;
  } catch {
    filter = undefined;
  }
  const packageNameCount = new Map<string, number>();
  for (const param of params) if (param.scope === 'package') packageNameCount.set(param.name, (packageNameCount.get(param.name) ?? 0) + 1);
  const add = (param: Parameter, envName: string, binding: Binding) => {
    if (filter?.test(param.name)) return;
    const entry = ctx.vars.getEntry(envName) ?? ctx.vars.getEntry(param.name);
    if (!entry) return;
    const value = settingValue(ctx.vars, entry.name) ?? '';
    environmentVariables.push({ name: envName, value, type: ssisType(param.dataType), sensitive: Boolean(param.sensitive) || entry.sensitive, description: `From Octopus variable ${entry.name}` });
    parameterBindings.push({ ...binding, variable: envName });
  };
  for (const param of params) {
    if (param.scope === 'project' && referenceProject) add(param, param.name, { objectType: 'project', parameter: param.name });
    if (param.scope === 'package' && referencePackage && param.owner) {
      const qualified = qualifiedAlways || (packageNameCount.get(param.name) ?? 0) > 1;
      const envName = qualified ? `${param.owner.replace(/\.dtsx$/i, '')}.${param.name}` : param.name;
      add(param, envName, { objectType: 'package', package: param.owner, parameter: param.name });
    }
  }
  return { environmentVariables, parameterBindings };
}

/** "SSIS deploy ISPAC With Environment": values come from variables named SSIS[<parameter path>]. */
function bindingsFromSsisVariables(ctx: StepContext, facts: PackageFacts | undefined): { environmentVariables: EnvVar[]; parameterBindings: Binding[] } {
  const environmentVariables: EnvVar[] = [];
  const parameterBindings: Binding[] = [];
  const params = facts?.parameters ?? [];
  for (const entry of ctx.vars.list()) {
    const m = /^SSIS\[(.+)\]$/i.exec(entry.name);
    if (!m) continue;
    const path = m[1]!;
    const project = params.find((q) => q.scope === 'project' && q.name.toLowerCase() === path.toLowerCase());
    const pkgParam = params.find((q) => q.scope === 'package' && q.owner && [`${q.owner}.${q.name}`, `${q.owner.replace(/\.dtsx$/i, '')}.${q.name}`].some((x) => x.toLowerCase() === path.toLowerCase()));
    const param = project ?? pkgParam;
    if (!param) continue;
    environmentVariables.push({ name: path, value: settingValue(ctx.vars, entry.name) ?? '', type: ssisType(param.dataType), sensitive: Boolean(param.sensitive) || entry.sensitive, description: `From Octopus variable ${entry.name}` });
    parameterBindings.push(param.scope === 'project' ? { objectType: 'project', parameter: param.name, variable: path } : { objectType: 'package', package: param.owner!, parameter: param.name, variable: path });
  }
  return { environmentVariables, parameterBindings };
}

function sqlcmdVariables(ctx: StepContext): Record<string, string> | undefined {
  const out: Record<string, string> = {};
  for (const entry of ctx.vars.list()) {
    const at = entry.name.toLowerCase().indexOf('sqlcmdvariable.');
    if (at === -1) continue;
    const name = entry.name.slice(at + 'sqlcmdvariable.'.length);
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) continue;
    out[name] = settingValue(ctx.vars, entry.name) ?? '';
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

function mapDacpac(ctx: StepContext, variant: 'sqlpackage' | 'legacy'): Mapping {
  let pkg: DropPackage | string;
  if (variant === 'legacy' && nonEmpty(ctx.text('DACPACPackageStep'))) pkg = ctx.packageOfStep(ctx.text('DACPACPackageStep')!);
  else pkg = ctx.packageOfReference(ctx.text('DACPACPackage'));
  if (typeof pkg === 'string') return unsupported(`It deploys a DACPAC, but ${pkg}.`);
  const wanted = (ctx.text('DACPACPackageName') ?? '').replace(/\\/g, '/').replace(/^\.?\//, '').toLowerCase();
  const dacpacs = entriesWith(pkg, '.dacpac');
  const dacpac = wanted ? dacpacs.find((e) => e.toLowerCase() === wanted || e.toLowerCase().endsWith(`/${wanted}`)) : dacpacs[0];
  if (!dacpac) return unsupported(`It deploys a DACPAC, but the package "${pkg.path}" holds no ${wanted ? `"${wanted}"` : '.dacpac file'}.`);
  let connection: string;
  if (variant === 'sqlpackage') {
    const authType = (ctx.text('DACPACAuthenticationType') ?? '').toLowerCase();
    const method = authType === 'azureadpassword' ? 'Active Directory Password' : authType === 'azureadintegrated' ? 'Active Directory Integrated' : authType === 'azureadmanaged' ? 'Active Directory Managed Identity' : authType === 'azureadserviceprincipal' ? 'Active Directory Service Principal' : undefined;
    const auth =
      authType === 'windowsintegrated'
        ? windowsAccount(ctx, SQL_WINDOWS_ACCOUNT)
        : { user: nonEmpty(settingValue(ctx.vars, 'DACPACSQLUsername')), password: nonEmpty(settingValue(ctx.vars, 'DACPACSQLPassword')), method };
    connection = connectionFromParts(
      requiredSetting(ctx.vars, 'DACPACTargetServer'),
      nonEmpty(settingValue(ctx.vars, 'DACPACTargetDatabase')),
      auth,
      [['TrustServerCertificate', 'True']],
    );
  } else {
    const auth = flagSetting(ctx.vars, 'UseIntegratedSecurity')
      ? windowsAccount(ctx, SQL_WINDOWS_ACCOUNT)
      : { user: nonEmpty(settingValue(ctx.vars, 'SQLUsername')), password: nonEmpty(settingValue(ctx.vars, 'SQLPassword')) };
    connection = connectionFromParts(
      requiredSetting(ctx.vars, 'TargetServer'),
      nonEmpty(settingValue(ctx.vars, 'TargetDatabase')),
      auth,
      [
        ['MultiSubnetFailover', flagSetting(ctx.vars, 'EnableMultiSubnetFailover') ? 'True' : undefined],
        ['TrustServerCertificate', 'True'],
      ],
    );
  }
  const settings: Record<string, unknown> = { connection, dacpac };
  const variables = sqlcmdVariables(ctx);
  if (variables) settings.variables = variables;
  return [{ type: 'dacpac', package: pkg.path, settings }];
}

/** Finds the package a target-machine path points into; a reason string when it cannot. */
function packageForPath(ctx: StepContext, raw: string): { pkg: DropPackage; subPath: string } | string {
  const target = interpretTargetPath(raw);
  if (target.kind === 'outside') return `it reads "${target.path}" on the target machine, which is not a file in this drop`;
  let pkg: DropPackage | string;
  if (target.kind === 'step-package') pkg = ctx.packageOfStep(target.step);
  else if (target.kind === 'package-reference') pkg = ctx.packageOfReference(target.reference);
  else if (ctx.step.packagePath) pkg = ctx.packageOfReference(undefined);
  else return `"${raw}" is a relative path but the step has no package`;
  if (typeof pkg === 'string') return pkg;
  return { pkg, subPath: target.subPath };
}

/**
 * ContinueOnError and CommandTimeout of the "Execute Script", "Execute Script File" and "Execute Scripts
 * Ordered" templates. A value that is still a #{…} reference is left out (the engine's default applies).
 */
function templateOptions(ctx: StepContext): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (flagSetting(ctx.vars, 'ContinueOnError')) out.continueOnError = true;
  const timeout = settingValue(ctx.vars, 'CommandTimeout')?.trim();
  if (timeout && /^\d{1,6}$/.test(timeout)) out.commandTimeoutSeconds = Number(timeout);
  return out;
}

const sqlBase = (connection: string, scripts: string[] | undefined): Record<string, unknown> => ({
  connection,
  ...(scripts ? { scripts } : {}),
  // The Octopus templates run each batch directly, without a transaction around the script.
  transaction: 'none',
  // The templates run their scripts on every deployment and keep no journal of what ran, so nothing is skipped as "already applied".
  runAlways: ['**'],
});

/**
 * "SQL - Execute Script": SQL written in the step. The template sends it as one batch (its GO pattern
 * never matches), on every deployment, outside a transaction; #{…} in it is evaluated like any setting.
 */
function mapInlineScript(ctx: StepContext): Mapping {
  const sql = requiredSetting(ctx.vars, 'SqlScript');
  return [{ type: 'sql-scripts', settings: { ...sqlBase(withWindowsAccount(ctx, requiredSetting(ctx.vars, 'ConnectionString')), undefined), sql, ...templateOptions(ctx) } }];
}

function mapScriptFile(ctx: StepContext): Mapping {
  const found = packageForPath(ctx, ctx.vars.getRaw('SqlScriptFile') ?? '');
  if (typeof found === 'string') return unsupported(`It is the "SQL - Execute Script File" template, but ${found}.`);
  const { pkg, subPath } = found;
  if (!pkg.entries.some((e) => e.toLowerCase() === subPath.toLowerCase())) return unsupported(`It is the "SQL - Execute Script File" template, but the package "${pkg.path}" has no "${subPath}".`);
  return [{ type: 'sql-scripts', package: pkg.path, settings: { ...sqlBase(withWindowsAccount(ctx, requiredSetting(ctx.vars, 'ConnectionString')), [subPath]), ...templateOptions(ctx) } }];
}

function mapScriptFiles(ctx: StepContext): Mapping {
  const pkg = ctx.packageOfReference(ctx.text('template.Package'));
  if (typeof pkg === 'string') return unsupported(`It is the "SQL - Execute SQL Script Files" template, but ${pkg}.`);
  const scripts = (ctx.text('SQLScripts') ?? '')
    .split(/\r?\n/)
    .map((l) => l.trim().replace(/\\/g, '/').replace(/^\.?\//, ''))
    .filter((l) => l !== '');
  if (scripts.length === 0) return unsupported('It is the "SQL - Execute SQL Script Files" template, but its SQLScripts list is empty.');
  const files = expandScriptLines(pkg, scripts);
  if (files.length === 0) return unsupported(`It is the "SQL - Execute SQL Script Files" template, but no file of the package "${pkg.path}" matches its SQLScripts (${scripts.join(', ')}).`);
  const authType = (ctx.text('Authentication') ?? '').toLowerCase();
  const auth =
    authType === 'windowsintegrated'
      ? windowsAccount(ctx, SQL_WINDOWS_ACCOUNT)
      : { user: nonEmpty(settingValue(ctx.vars, 'Username')), password: nonEmpty(settingValue(ctx.vars, 'Password')), method: authType === 'azureadmanaged' ? 'Active Directory Managed Identity' : undefined };
  const connection = connectionFromParts(
    requiredSetting(ctx.vars, 'serverInstance'),
    nonEmpty(settingValue(ctx.vars, 'dbName')),
    auth,
    [['TrustServerCertificate', flagSetting(ctx.vars, 'ExecuteSQL.TrustServerCertificate') ? 'True' : undefined]],
  );
  return [{ type: 'sql-scripts', package: pkg.path, settings: sqlBase(connection, files) }];
}

/**
 * The template runs its SQLScripts lines in line order, a wildcard line's files where that line
 * stands. The package's entries are known now, so the lines become the exact file list (natural
 * order within a wildcard, each file once): a pattern list would be re-sorted by name at run time.
 * A wildcard matching nothing adds nothing, as in the template; a literal line is kept (spelled as
 * in the package, since the target file system may be case-sensitive) and checked at run time.
 */
function expandScriptLines(pkg: DropPackage, lines: readonly string[]): string[] {
  const files = pkg.entries.filter((e) => !e.endsWith('/'));
  const seen = new Set<string>();
  const out: string[] = [];
  const add = (file: string) => {
    const key = file.toLowerCase();
    if (seen.has(key)) return;
    seen.add(key);
    out.push(file);
  };
  for (const line of lines) {
    if (/[*?]/.test(line)) {
      // The lines come from the drop: "*a*a*a…b" backtracks exponentially in a JavaScript RegExp, not in RE2.
      const compiled = compileSafeRegex(`(?i)${globToRegExp(line).source}`, { dialect: 'javascript' });
      if (!compiled.ok) continue;
      const pattern = compiled.regex;
      files
        .filter((f) => pattern.test(f))
        .sort(naturalCompare)
        .forEach(add);
    } else add(files.find((f) => f.toLowerCase() === line.toLowerCase()) ?? line);
  }
  return out;
}

function mapScriptsOrdered(ctx: StepContext): Mapping {
  const found = packageForPath(ctx, ctx.vars.getRaw('PathToScripts') ?? '');
  if (typeof found === 'string') return unsupported(`It is the "SQL - Execute Scripts Ordered" template, but ${found}.`);
  const { pkg, subPath } = found;
  const prefix = subPath ? `${subPath.toLowerCase()}/` : '';
  const files = entriesWith(pkg, '.sql').filter((e) => e.toLowerCase().startsWith(prefix) && !e.slice(prefix.length).includes('/'));
  if (files.length === 0) return unsupported(`It is the "SQL - Execute Scripts Ordered" template, but the package "${pkg.path}" has no .sql files in "${subPath || '/'}".`);
  // The drop's VersionRegEx is a .NET pattern; it runs in RE2 so a hostile one cannot hang opening the drop.
  const compiled = compileSafeRegex(nonEmpty(ctx.text('VersionRegEx')) ?? 'Release(\\d+)_(\\d+)\\.');
  if (!compiled.ok) return unsupported(`It is the "SQL - Execute Scripts Ordered" template, but its VersionRegEx cannot be used (${compiled.reason}).`);
  const regex = compiled.regex;
  // The template sorts by the two captured groups compared as strings; we pin that order explicitly.
  const key = (f: string) => {
    const m = regex.exec(f.slice(f.lastIndexOf('/') + 1));
    return [m?.[1] ?? '', m?.[2] ?? ''];
  };
  const ordered = [...files].sort((a, b) => {
    const [a1, a2] = key(a);
    const [b1, b2] = key(b);
    return a1! < b1! ? -1 : a1! > b1! ? 1 : a2! < b2! ? -1 : a2! > b2! ? 1 : 0;
  });
  return [{ type: 'sql-scripts', package: pkg.path, settings: { ...sqlBase(withWindowsAccount(ctx, requiredSetting(ctx.vars, 'ConnectionString')), ordered), ...templateOptions(ctx) } }];
}

function mapDeployPackage(ctx: StepContext): Mapping {
  if (!ctx.step.packagePath) return unsupported('It is a deploy-package step without a --package file.');
  const pkg = findPackage(ctx.packages, ctx.step.packagePath);
  if (!pkg) return unsupported(`Its package "${ctx.step.packagePath}" is not in the Packages folder.`);
  const ispacs = entriesWith(pkg, '.ispac');
  const dacpacs = entriesWith(pkg, '.dacpac');
  const sql = entriesWith(pkg, '.sql');
  const connectionVar = ctx.vars.list().find((e) => /connection\s*string/i.test(e.name) && !/^octopus\./i.test(e.name))?.name ?? 'ConnectionString';
  const connection = `#{${connectionVar}}`;
  if (ispacs.length > 0) {
    const folderVar = ctx.vars.list().find((e) => /^(ssis\.?)?folder(name)?$/i.test(e.name))?.name;
    const folder = (folderVar && nonEmpty(settingValue(ctx.vars, folderVar))) || pkg.identity.id;
    const environment = nonEmpty(ctx.text('Octopus.Environment.Name')) ?? 'Default';
    return ispacs.map((ispac) => {
      const facts = pkg.facts.nested?.find((n) => n.path.toLowerCase() === `${pkg.path}!/${ispac}`.toLowerCase());
      const stem = ispac.slice(ispac.lastIndexOf('/') + 1).replace(/\.ispac$/i, '');
      const settings: Record<string, unknown> = { connection, ispac, folder, projectName: facts?.projectName ?? stem, environment, environmentVariables: [], parameterBindings: [] };
      return { type: 'ssis-project' as const, package: pkg.path, settings, ...(ispacs.length > 1 ? { suffix: stem } : {}) };
    });
  }
  if (dacpacs.length > 0) {
    const settings: Record<string, unknown> = { connection, dacpac: dacpacs[0] };
    const variables = sqlcmdVariables(ctx);
    if (variables) settings.variables = variables;
    return [{ type: 'dacpac', package: pkg.path, settings }];
  }
  if (sql.length > 0) return [{ type: 'sql-scripts', package: pkg.path, settings: { connection, transaction: 'per-script' } }];
  return unsupported(`It deploys the package "${pkg.identity.id}" ${pkg.identity.version}, which holds no .sql scripts, .ispac or .dacpac. Drop Runner does not install application packages (IIS sites, Windows services, files).`);
}
