import { evaluate } from '../../variables/evaluator';
import { parseVarAssignments, readVarFile } from '../../variables/var-file';
import { VariableDictionary } from '../../variables/variable-dictionary';
import { EXIT, type CliCommand } from '../cli-types';
import { printFailure } from '../failure';

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * `drop-runner eval <template>`: evaluates an Octostache template with the given variables, so an
 * engineer can check a substitution before a release. Exit 0 when everything resolved, 1 when tokens
 * were left unresolved or the template has problems (the text is printed either way), 2 for bad input.
 */
export const evalCommand: CliCommand = {
  name: 'eval',
  summary: 'Evaluate an Octostache #{…} template with variables (check a substitution before a release)',
  usage: 'drop-runner eval <template | -> [--var NAME=VALUE …] [--var-file <file> …] [--json]',
  run: async (ctx) => {
    const source = ctx.args[0];
    if (source === undefined || ctx.args.length > 1) {
      return printFailure(ctx, { code: 'INVALID_ARGUMENTS', message: `${source === undefined ? 'give the template to evaluate' : 'give exactly one template (quote it)'}.`, hint: `Usage: ${evalCommand.usage} (use - to read the template from stdin)` });
    }
    const template = source === '-' ? await readAll(ctx.stdin) : source;
    const vars = new VariableDictionary();
    // Files first, then --var, so a command-line value overrides the file.
    for (const file of ctx.flags.getAll('var-file')) for (const [name, value] of await readVarFile(file)) vars.set(name, value);
    for (const [name, value] of parseVarAssignments(ctx.flags.getAll('var'))) vars.set(name, value);
    const result = evaluate(template, vars);
    const clean = result.unresolved.length === 0 && result.errors.length === 0;
    if (ctx.flags.has('json')) {
      ctx.stdout(JSON.stringify({ result: result.text, unresolved: result.unresolved, missing: result.missing, errors: result.errors }, null, 2) + '\n');
      return clean ? EXIT.ok : EXIT.failed;
    }
    ctx.stdout(result.text.endsWith('\n') ? result.text : `${result.text}\n`);
    if (result.unresolved.length > 0) ctx.stderr(`warning: unresolved: ${result.unresolved.join(', ')}${result.missing.length ? ` (no value for: ${result.missing.join(', ')})` : ''}\n`);
    for (const e of result.errors) ctx.stderr(`warning ${e.code}: ${e.message}\n`);
    return clean ? EXIT.ok : EXIT.failed;
  },
};
