import type { ErrorSpec, RpcParam } from '../tds-server/index';

/**
 * The documented signatures of the catalog procedures the emulation implements (parameter names,
 * types, required or defaulted, OUTPUT), and a check of an RPC against them. Where SQL Server would
 * silently convert (an int sent for an nvarchar, a 200-character name for nvarchar(128)) the double
 * is deliberately stricter and says so, because such a call is a bug in our client.
 */

type Family = 'nvarchar' | 'char' | 'bigint' | 'smallint' | 'bit' | 'varbinary' | 'sql_variant';

/** One declared parameter. */
export interface ParamSignature {
  name: string;
  family: Family;
  /** Characters (nvarchar/char) or -1 for max. */
  length?: number;
  /** No default: the caller must send it. */
  required: boolean;
  output?: boolean;
}

const nv = (name: string, length = 128, required = true): ParamSignature => ({ name, family: 'nvarchar', length, required });
const ch = (name: string, required = true): ParamSignature => ({ name, family: 'char', length: 1, required });
const big = (name: string, required = true, output = false): ParamSignature => ({ name, family: 'bigint', required, ...(output ? { output } : {}) });
const bit = (name: string, required = true): ParamSignature => ({ name, family: 'bit', required });
const variant = (name: string): ParamSignature => ({ name, family: 'sql_variant', required: true });

/** catalog.<name> → its parameters, as on each procedure's documentation page. */
export const CATALOG_SIGNATURES: Record<string, ParamSignature[]> = {
  create_folder: [nv('@folder_name'), big('@folder_id', true, true)],
  deploy_project: [nv('@folder_name'), nv('@project_name'), { name: '@project_stream', family: 'varbinary', length: -1, required: true }, big('@operation_id', false, true)],
  get_project: [nv('@folder_name'), nv('@project_name')],
  restore_project: [nv('@folder_name'), nv('@project_name'), big('@object_version_lsn')],
  create_environment: [nv('@folder_name'), nv('@environment_name'), nv('@environment_description', 1024, false)],
  create_environment_variable: [nv('@folder_name'), nv('@environment_name'), nv('@variable_name'), nv('@data_type'), bit('@sensitive'), variant('@value'), nv('@description', 1024, false)],
  set_environment_variable_value: [nv('@folder_name'), nv('@environment_name'), nv('@variable_name'), variant('@value')],
  set_environment_variable_protection: [nv('@folder_name'), nv('@environment_name'), nv('@variable_name'), bit('@sensitive')],
  set_environment_variable_property: [nv('@folder_name'), nv('@environment_name'), nv('@variable_name'), nv('@property_name'), nv('@property_value', 4000)],
  delete_environment_variable: [nv('@folder_name'), nv('@environment_name'), nv('@variable_name')],
  delete_environment: [nv('@folder_name'), nv('@environment_name')],
  delete_project: [nv('@folder_name'), nv('@project_name')],
  delete_folder: [nv('@folder_name')],
  create_environment_reference: [nv('@folder_name'), nv('@project_name'), nv('@environment_name'), ch('@reference_location'), nv('@environment_folder_name', 128, false), big('@reference_id', true, true)],
  set_environment_reference_type: [big('@reference_id'), ch('@reference_type'), nv('@environment_folder_name', 128, false)],
  set_object_parameter_value: [
    { name: '@object_type', family: 'smallint', required: true },
    nv('@folder_name'),
    nv('@project_name'),
    nv('@parameter_name'),
    variant('@parameter_value'),
    nv('@object_name', 260, false),
    ch('@value_type', false),
  ],
  validate_project: [nv('@folder_name'), nv('@project_name'), ch('@validate_type', false), big('@validation_id', true, true), bit('@use32bitruntime', false), ch('@environment_scope', false), big('@reference_id', false)],
};

/** Parses a recorded type name such as `nvarchar(128)` or `varbinary(max)`. */
function sentType(typeName: string): { family: string; length: number | undefined } {
  const m = /^(\w+)(?:\((max|\d+)(?:,\d+)?\))?$/.exec(typeName);
  const family = m?.[1] ?? typeName;
  const len = m?.[2] === 'max' ? -1 : m?.[2] !== undefined ? Number(m[2]) : undefined;
  return { family, length: len };
}

const STRINGS = new Set(['nvarchar', 'nchar', 'varchar', 'char']);
const INTS = new Set(['tinyint', 'smallint', 'int', 'bigint']);

function clash(procedure: string, sent: string, declared: string): ErrorSpec {
  return { number: 206, message: `Operand type clash: ${sent} is incompatible with ${declared}`, procedure, class: 16 };
}

function strict(procedure: string, message: string): ErrorSpec {
  return { number: 50000, message: `TDS double (stricter than SQL Server): ${message}`, procedure, class: 16 };
}

/** Checks an RPC's parameters against a signature; the error SQL Server (or the stricter double) would raise, or undefined. */
export function checkSignature(procedure: string, signature: ParamSignature[], params: RpcParam[], typeNameOf: (p: RpcParam) => string): ErrorSpec | undefined {
  const seen = new Set<string>();
  for (const p of params) {
    const key = p.name.toLowerCase();
    if (!p.name) return strict(procedure, `positional parameters are not used by Drop Runner; name every parameter of ${procedure}`);
    if (seen.has(key)) return { number: 8143, message: `Parameter '${p.name}' was supplied multiple times.`, procedure, class: 16 };
    seen.add(key);
    const sig = signature.find((s) => s.name === key);
    if (!sig) return { number: 8145, message: `${p.name} is not a parameter for procedure ${procedure}.`, procedure, class: 16 };
    if (p.output && !sig.output) return { number: 8162, message: `The formal parameter "${sig.name}" was not declared as an OUTPUT parameter, but the actual parameter passed in requested output.`, procedure, class: 16 };
    if (sig.output && !p.output) return strict(procedure, `${sig.name} is an OUTPUT parameter of ${procedure} but was sent as input, so its value would never come back`);
    const typeName = typeNameOf(p);
    const t = sentType(typeName);
    switch (sig.family) {
      case 'nvarchar':
      case 'char': {
        const declared = sig.family === 'char' ? 'char(1)' : `nvarchar(${sig.length === -1 ? 'max' : sig.length})`;
        if (!STRINGS.has(t.family)) return strict(procedure, `${sig.name} is ${declared} but a ${typeName} was sent`);
        if (typeof p.value === 'string' && sig.length !== undefined && sig.length > 0 && p.value.length > sig.length) {
          return strict(procedure, `${sig.name} is ${declared}; a ${p.value.length}-character value would be truncated`);
        }
        break;
      }
      case 'bigint':
      case 'smallint':
        if (!INTS.has(t.family)) return t.family === 'varbinary' ? clash(procedure, typeName, sig.family) : strict(procedure, `${sig.name} is ${sig.family} but a ${typeName} was sent`);
        if (sig.family === 'smallint' && typeof p.value === 'number' && (p.value < -32768 || p.value > 32767)) return { number: 220, message: 'Arithmetic overflow error for data type smallint.', procedure, class: 16 };
        break;
      case 'bit':
        if (t.family !== 'bit') return strict(procedure, `${sig.name} is bit but a ${typeName} was sent`);
        break;
      case 'varbinary':
        if (t.family !== 'varbinary' && t.family !== 'binary') return clash(procedure, typeName, 'varbinary(max)');
        break;
      case 'sql_variant':
        if (t.length === -1 || t.family === 'xml' || t.family === 'text' || t.family === 'ntext' || t.family === 'image') return clash(procedure, typeName, 'sql_variant');
        break;
    }
  }
  for (const sig of signature) {
    if (sig.required && !seen.has(sig.name)) {
      return { number: 201, message: `Procedure or function '${procedure}' expects parameter '${sig.name}', which was not supplied.`, procedure, class: 16 };
    }
  }
  return undefined;
}
