/**
 * Turns what the catalog answered into coded errors with a next step. The SSISDB error numbers are
 * those its procedures raise (27123 SQL login, 27188 folder creation without ssis_admin, the
 * "does not exist or you do not have permission" family 27104/27109/27182/27183/27190, 27106
 * unknown parameter, 27147 value type, 27203 failed deploy).
 */
import { AppError } from '../../common/errors';
import { CatalogRequestError } from './catalog-client';

/** The hint the issue asks for, word for word, so support recognises it. */
export const WINDOWS_AUTH_HINT = 'SSISDB accepts only Windows authentication: set the connection to Windows (domain\\user)';

/** What a failed call was about, for the message and hint. */
export interface CatalogErrorContext {
  target: string;
  folder: string;
  redact: (text: string) => string;
}

const NOT_FOUND_OR_DENIED = new Set([27104, 27109, 27182, 27183, 27190]);

/** An SSISDB_MISSING error for a server without the catalog. */
export function ssisdbMissing(target: string): AppError {
  return new AppError(
    'SSISDB_MISSING',
    `The server ${target} has no SSIS catalog (database SSISDB does not exist).`,
    'Create the catalog first: in SQL Server Management Studio, right-click "Integration Services Catalogs" → "Create Catalog…" (needs CLR enabled and a catalog password), then run the step again. A SQL Server on Linux cannot host SSISDB.',
    { target },
  );
}

/** Maps a failed catalog request to an AppError; ECANCEL is returned as SSIS_CANCELLED. */
export function catalogError(error: unknown, ctx: CatalogErrorContext): AppError {
  if (error instanceof AppError) return error;
  if (!(error instanceof CatalogRequestError)) {
    return new AppError('SSIS_REQUEST_FAILED', ctx.redact(`A request to the SSIS catalog on ${ctx.target} failed: ${(error as Error)?.message ?? String(error)}`), 'Check the connection to the server and retry the step.');
  }
  const what = error.what;
  const server = ctx.redact(error.message);
  const details = { target: ctx.target, call: what, number: error.number, driverCode: error.driverCode };
  if (error.driverCode === 'ECANCEL') return new AppError('SSIS_CANCELLED', `The SSIS step was cancelled during ${what}.`, 'Run the step again to finish it; everything already done is kept and will be recognised.', details);
  if (error.driverCode === 'ETIMEOUT') {
    return new AppError('SSIS_TIMEOUT', `${what} on ${ctx.target} did not answer within the step's timeout.`, 'Deployments of large projects can take minutes: raise the step\'s timeoutSeconds, or check the server for blocking, then retry.', details);
  }
  const n = error.number;
  if (n === 27123) {
    return new AppError('SSIS_WINDOWS_AUTH_REQUIRED', `SSISDB refused ${what} (error 27123): the connection ${ctx.target} uses SQL Server authentication.`, WINDOWS_AUTH_HINT, details);
  }
  if (n === 27188) {
    return new AppError(
      'SSIS_PERMISSION_DENIED',
      `SSISDB refused to create folder "${ctx.folder}" (error 27188): only members of ssis_admin or sysadmin may create catalog folders. ${server}`,
      `Ask the DBA to add this Windows account to the ssis_admin role in SSISDB, or to create the folder "${ctx.folder}" and grant the account MODIFY and CREATE_OBJECTS on it.`,
      details,
    );
  }
  if (NOT_FOUND_OR_DENIED.has(n)) {
    return new AppError(
      'SSIS_PERMISSION_DENIED',
      `SSISDB refused ${what} (error ${n}): ${server}`,
      `The object exists but this account may not see or change it. Ask the DBA to grant READ, MODIFY and CREATE_OBJECTS on folder "${ctx.folder}" (catalog.grant_permission) or to add the account to ssis_admin.`,
      details,
    );
  }
  if (n === 27106) return new AppError('SSIS_PARAMETER_NOT_FOUND', `SSISDB refused ${what} (error 27106): ${server}`, 'The deployed project has no such parameter: check the binding against the project (names are case-sensitive).', details);
  if (n === 27147 || n === 27159) return new AppError('SSIS_VALUE_TYPE_REJECTED', `SSISDB refused ${what} (error ${n}): ${server}`, 'The value\'s type does not match the declared SSIS type: check the variable or parameter type in the drop.', details);
  return new AppError('SSIS_REQUEST_FAILED', `${what} failed on ${ctx.target}${n ? ` (error ${n})` : ''}: ${server}`, 'Read the server message; fix the cause on the server or in the drop, then retry the step.', details);
}
