import type { ErrorSpec } from '../tds-server/index';

/**
 * The SQL Server and SSISDB error numbers the emulation raises, with messages in the spirit of the
 * server's (texts are our own wording; the numbers are the ones the catalog procedures raise).
 */
export const SsisdbError = {
  SQL_LOGIN: 27123,
  INVALID_ARGUMENT: 27101,
  FOLDER_NOT_FOUND: 27104,
  PARAMETER_NOT_FOUND: 27106,
  PROJECT_NOT_FOUND: 27109,
  NULL_ARGUMENT: 27138,
  VALUE_TYPE: 27147,
  REFERENCE_TYPE_WARNING: 27148,
  DATA_TYPE: 27159,
  VARIABLE_EXISTS: 27173,
  ENVIRONMENT_EXISTS: 27171,
  ENVIRONMENT_NOT_FOUND: 27182,
  VARIABLE_NOT_FOUND: 27183,
  FOLDER_ADMIN_ONLY: 27188,
  FOLDER_EXISTS: 27190,
  REFERENCE_EXISTS: 27192,
  INVALID_NAME: 27199,
  DEPLOY_FAILED: 27203,
  /** restore_project: "the project version does not exist or does not match the project name" (documented condition; the number is the double's choice). */
  PROJECT_VERSION_NOT_FOUND: 27194,
} as const;

/** An ERROR token spec for a catalog procedure. */
export function catalogError(number: number, message: string, procedure: string, state = 1): ErrorSpec {
  return { number, message, procedure, class: 16, state };
}

/** 27123, raised before anything else by every catalog procedure that writes or starts work. */
export function sqlLoginError(procedure: string): ErrorSpec {
  return catalogError(
    SsisdbError.SQL_LOGIN,
    'The operation cannot be started by an account that uses SQL Server Authentication. Start the operation with an account that uses Integrated Authentication.',
    procedure,
  );
}
