import type { ColumnSpec, ResponseSpec, SqlValue, TdsRequest, TdsServer, TdsServerPlugin } from '../tds-server/index';
import { callCatalogProcedure, type CallerRights, type SsisdbScenario } from './catalog-procedures';
import { EmulatedCatalog } from './catalog-state';
import { CATALOG_VIEWS, type ViewCaller, type ViewCell } from './catalog-views';
import { variantText } from './ssis-value-check';
import { parseViewQuery, type Condition } from './view-query';

/**
 * SSISDB for the TDS double, installed as a plugin through the double's public responder API:
 * the catalog views answer SELECTs, the catalog procedures answer RPCs (checked against their
 * documented signatures), and DB_ID(N'SSISDB') tells whether the catalog exists.
 */

export interface SsisdbOptions {
  /** False: the server has no SSISDB (DB_ID returns NULL, catalog names are unknown). Default true. */
  present?: boolean;
  /** Callers in ssis_admin, as the double records them ('DOMAIN\\user' or the SQL login). Default: everyone. */
  admins?: string[];
  /** For callers outside ssis_admin: the folders they hold READ/MODIFY/CREATE_OBJECTS on. */
  folderGrants?: Record<string, string[]>;
  /** Reads of catalog.operations before a deployment ends; 0 (default) makes deploy_project wait, like SQL Server. */
  deployPolls?: number;
  /** Reads of catalog.operations before a validation ends (at least 1; validation is asynchronous). */
  validationPolls?: number;
}

/** The installed emulation: its state and scenario switches are for tests to read and flip. */
export interface SsisdbEmulation extends TdsServerPlugin {
  readonly catalog: EmulatedCatalog;
  readonly scenario: SsisdbScenario;
  readonly options: SsisdbOptions;
}

function lower(s: string | undefined): string {
  return (s ?? '').toLowerCase();
}

function nameParts(name: string): string[] {
  return name.split('.').map((p) => p.trim().replace(/^\[(.*)\]$/, '$1'));
}

function callerOf(req: TdsRequest, options: SsisdbOptions, catalog: EmulatedCatalog): CallerRights & ViewCaller {
  const name = req.connection.user ?? '';
  const isAdmin = options.admins === undefined || options.admins.some((a) => lower(a) === lower(name));
  const granted = new Set((options.folderGrants?.[name] ?? Object.entries(options.folderGrants ?? {}).find(([k]) => lower(k) === lower(name))?.[1] ?? []).map(lower));
  return {
    name,
    authKind: req.connection.authKind,
    isAdmin,
    catalog,
    canSeeFolder: (id) => isAdmin || granted.has(lower(catalog.folders.find((f) => f.folder_id === id)?.name)),
  };
}

/** Where a name points: the catalog schema of SSISDB (three-part, or two-part while connected to SSISDB). */
function inSsisdb(parts: string[], req: TdsRequest): boolean | 'missing-db' {
  if (parts.length === 3) return lower(parts[0]) === 'ssisdb' ? true : false;
  return lower(req.connection.database) === 'ssisdb' ? true : 'missing-db';
}

function compare(cell: ViewCell, op: Condition['op'], wanted: SqlValue | undefined): boolean {
  if (cell === null || wanted === null || wanted === undefined || typeof cell === 'object' && !(cell instanceof Date) && !Buffer.isBuffer(cell)) return false;
  const a = cell instanceof Date ? cell.getTime() : cell;
  const b = wanted instanceof Date ? wanted.getTime() : wanted;
  let order: number;
  const na = typeof a === 'number' || typeof a === 'bigint' ? Number(a) : typeof a === 'boolean' ? Number(a) : NaN;
  const nb = typeof b === 'number' || typeof b === 'bigint' ? Number(b) : typeof b === 'boolean' ? Number(b) : typeof b === 'string' && /^-?\d+$/.test(b) ? Number(b) : NaN;
  if (!Number.isNaN(na) && !Number.isNaN(nb)) order = na - nb;
  // The default collation is case-insensitive.
  else order = String(a).toLowerCase().localeCompare(String(b).toLowerCase());
  switch (op) {
    case '=':
      return order === 0;
    case '<>':
      return order !== 0;
    case '>':
      return order > 0;
    case '<':
      return order < 0;
    case '>=':
      return order >= 0;
    case '<=':
      return order <= 0;
  }
}

function answerView(req: TdsRequest, options: SsisdbOptions, catalog: EmulatedCatalog): ResponseSpec | undefined {
  let query;
  try {
    query = parseViewQuery(req.text ?? '');
  } catch (error) {
    return { error: { number: 50000, message: `TDS double SSISDB emulation cannot read this query: ${(error as Error).message}`, class: 16 } };
  }
  if (!query) return undefined;
  const where = inSsisdb(query.database ? [query.database, query.schema, query.view] : [query.schema, query.view], req);
  const objectName = `${query.database ? `${query.database}.` : ''}${query.schema}.${query.view}`;
  if (where === false) return undefined;
  if (where === 'missing-db' || options.present === false) {
    return { error: options.present === false && query.database ? { number: 911, message: `Database '${query.database}' does not exist. Make sure that the name is entered correctly.`, class: 16 } : { number: 208, message: `Invalid object name '${objectName}'.`, class: 16 } };
  }
  const view = CATALOG_VIEWS[query.view];
  if (!view) return { error: { number: 208, message: `Invalid object name '${objectName}'.`, class: 16 } };
  for (const c of [...query.items.map((i) => i.column), ...query.where.map((w) => w.column), ...query.orderBy.map((o) => o.column)]) {
    if (!(c in view.columns)) return { error: { number: 207, message: `Invalid column name '${c}'.`, class: 16 } };
  }
  for (const item of query.items) {
    if (!item.asText && view.columns[item.column] === 'sql_variant') {
      return { error: { number: 50000, message: `TDS double: ${item.column} is sql_variant; read it with CONVERT(nvarchar(4000), ${item.column}) (the double cannot send sql_variant).`, class: 16 } };
    }
  }
  let rows = view.rows(callerOf(req, options, catalog)).filter((row) => query.where.every((w) => compare(row[w.column] ?? null, w.op, w.param !== undefined ? req.param(w.param) : w.literal)));
  for (const o of [...query.orderBy].reverse()) {
    rows = [...rows].sort((x, y) => {
      const a = x[o.column];
      const b = y[o.column];
      const r = typeof a === 'number' && typeof b === 'number' ? a - b : String(a).localeCompare(String(b));
      return o.desc ? -r : r;
    });
  }
  const columns: ColumnSpec[] = query.items.map((i) => ({ name: i.alias, type: i.asText ? 'nvarchar(4000)' : view.columns[i.column]! }));
  return {
    columns,
    rows: rows.map((row) =>
      query.items.map((i) => {
        const cell = row[i.column] ?? null;
        if (i.asText && cell instanceof Date) {
          // CONVERT(nvarchar, datetimeoffset, 127) of a UTC time: seven decimals and Z, as SQL Server writes it.
          return cell.toISOString().replace(/\.(\d{3})Z$/, '.$10000Z');
        }
        if (i.asText) {
          const variant = (cell as { variant: { baseType: string; value: SqlValue } | null }).variant;
          return variant ? variantText(variant.baseType, variant.value) : null;
        }
        return cell as SqlValue;
      }),
    ),
  };
}

/** Creates the emulation; install it with `server.use(ssisdb)`. */
export function createSsisdbEmulation(options: SsisdbOptions = {}): SsisdbEmulation {
  const catalog = new EmulatedCatalog();
  const scenario: SsisdbScenario = {};
  return {
    name: 'ssisdb',
    catalog,
    scenario,
    options,
    install(server: TdsServer) {
      server.addResponder({
        name: 'ssisdb: DB_ID',
        sql: /DB_ID\s*\(\s*N?'SSISDB'\s*\)/i,
        respond: (req) => {
          const alias = /\)\s+AS\s+\[?(\w+)\]?/i.exec(req.text ?? '')?.[1] ?? '';
          return { columns: [{ name: alias, type: 'int' }], rows: [[options.present === false ? null : 5]] };
        },
      });
      server.addResponder({
        name: 'ssisdb: catalog views',
        match: (req) => req.text !== undefined && /\bcatalog\]?\s*\.\s*\[?\w+/i.test(req.text) && /^\s*SELECT\b/i.test(req.text),
        respond: (req) => answerView(req, options, catalog),
      });
      server.addResponder({
        name: 'ssisdb: catalog procedures',
        match: (req) => req.kind === 'rpc' && req.procedure !== undefined && nameParts(req.procedure).length >= 2 && lower(nameParts(req.procedure).at(-2)) === 'catalog',
        respond: (req) => {
          const parts = nameParts(req.procedure!);
          const shortName = lower(parts.at(-1));
          const where = inSsisdb(parts, req);
          if (where === false) return undefined;
          if (where === 'missing-db' || options.present === false) {
            return { error: { number: 2812, message: `Could not find stored procedure '${req.procedure}'.`, class: 16 } };
          }
          return callCatalogProcedure(
            { req, catalog, scenario, caller: callerOf(req, options, catalog), deployPolls: options.deployPolls ?? 0, validationPolls: options.validationPolls ?? 1 },
            shortName,
          );
        },
      });
    },
  };
}
