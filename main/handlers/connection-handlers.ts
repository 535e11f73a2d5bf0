import type { ContractHandlers } from '../../common/contract';
import { connectionStringEntries, joinConnectionString, maskUnparsedPassword } from '../../common/connection-string';
import { AppError } from '../../common/errors';
import { prepareInputs, type DeploymentInputs } from '../deploy/deployment-inputs';
import { resolveConnectionSettings } from '../sql/connection-settings';
import { testSqlConnection } from '../sql/connection-test';
import { evaluateConnectionTemplate } from '../variables/connection-template';
import { evaluate } from '../variables/evaluator';
import { MASK } from '../variables/redactor';
import type { EngineContext } from './engine-context';

type ConnectionHandlers = Pick<ContractHandlers, 'connection.test' | 'connection.resolve'>;

const PASSWORD_KEYS = new Set(['password', 'pwd']);

/** A template (a drop default, an edited value) evaluated pair by pair with the tenant's values. */
function evaluateTemplate(inputs: DeploymentInputs, template: string): { text: string; missing: string[] } {
  const r = evaluateConnectionTemplate(template, (text) => evaluate(text, inputs.dictionary));
  return { text: r.text, missing: r.missing };
}

/** Which connection a request means, evaluated; VARIABLE_REFERENCE_MISSING when it names what is not there. */
function connectionText(inputs: DeploymentInputs, params: { variable?: string | undefined; stepId?: string | undefined; value?: string | undefined }): string {
  let text: string | undefined;
  let missing: string[] = [];
  if (params.value !== undefined) ({ text, missing } = evaluateTemplate(inputs, params.value));
  else if (params.variable !== undefined) {
    text = inputs.evaluatedValues().get(params.variable);
    if (text === undefined) throw new AppError('VARIABLE_NOT_FOUND', `The drop has no variable "${params.variable}".`, 'Pick a connection-string variable of this drop.');
  } else {
    const step = inputs.drop.steps.find((s) => s.id === params.stepId);
    if (!step) throw new AppError('STEP_NOT_FOUND', `The drop has no step "${params.stepId}".`, 'Pick a step of this drop.');
    const { settings, problems } = inputs.settingsFor(step);
    if (problems[0]) throw new AppError(problems[0].code, problems[0].message, problems[0].hint);
    if (typeof settings.connection !== 'string') throw new AppError('STEP_HAS_NO_CONNECTION', `Step "${step.name}" has no SQL Server connection.`, 'Test the connection of a SQL, DACPAC or SSIS step.');
    text = settings.connection;
  }
  if (missing.length > 0) {
    throw new AppError('VARIABLE_REFERENCE_MISSING', `The connection refers to ${missing.map((m) => `#{${m}}`).join(', ')}, which ${missing.length === 1 ? 'has' : 'have'} no value yet.`, 'Enter the referenced variables first.');
  }
  return text;
}

/** Test connection for the editor and the Preflight screen; the password is added to the Redactor before anything can fail. */
export function connectionHandlers(ctx: EngineContext): ConnectionHandlers {
  return {
    'connection.test': async ({ dropId, tenantId, variable, stepId, value }) => {
      const inputs = await prepareInputs(ctx.drops.get(dropId), tenantId, ctx.tenants);
      if (inputs.secretsProblem && value === undefined) throw new AppError(inputs.secretsProblem.code, inputs.secretsProblem.message, inputs.secretsProblem.hint);
      const text = connectionText(inputs, { variable, stepId, value });
      try {
        const settings = resolveConnectionSettings({ connectionString: text });
        ctx.redactor.add(settings.password);
        return await testSqlConnection(settings);
      } catch (error) {
        if (error instanceof AppError) throw new AppError(error.code, inputs.redactor.redact(ctx.redactor.redact(error.message)), error.hint, error.details);
        throw error;
      }
    },
    'connection.resolve': async ({ dropId, tenantId, value }) => {
      const inputs = await prepareInputs(ctx.drops.get(dropId), tenantId, ctx.tenants);
      let shown: string;
      const missing = new Set<string>();
      try {
        // Keyword by keyword, keeping the keywords as the drop writes them; the password is shown as
        // ******** whatever it is, the rest is what the step will use.
        shown = joinConnectionString(
          connectionStringEntries(value).map((e): [string, string] => {
            const r = evaluate(e.value, inputs.dictionary);
            for (const m of r.missing) missing.add(m);
            return [e.name, PASSWORD_KEYS.has(e.key) && r.text ? MASK : r.text];
          }),
        );
      } catch {
        const r = evaluateTemplate(inputs, value);
        for (const m of r.missing) missing.add(m);
        // Not a connection string as typed (mid-edit, or a whole #{…} reference): a typed password is in
        // no redactor yet, so it is masked by position.
        shown = maskUnparsedPassword(r.text, MASK);
      }
      return { text: ctx.redactor.redact(inputs.redactor.redact(shown)), missing: [...missing] };
    },
  };
}
