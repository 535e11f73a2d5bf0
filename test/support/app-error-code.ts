import { AppError } from '../../common/errors';

/** The code of the AppError `fn` throws; anything else thrown is rethrown, and not throwing fails the test. */
export function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    if (error instanceof AppError) return error.code;
    throw error;
  }
  throw new Error('expected an AppError');
}

/** The code a promise rejects with, or a description of what happened instead (so the assertion shows it). */
export async function rejectionCodeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (e) {
    return e instanceof AppError ? e.code : `not an AppError: ${String(e)}`;
  }
  return 'no error';
}

/** The AppError a promise rejects with; anything else thrown is rethrown, and not rejecting fails the test. */
export async function rejectionOf(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('expected the promise to reject');
}
