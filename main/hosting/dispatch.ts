import { requestSchemas, type ContractHandlers, type Reply, type RequestName } from '../../common/contract';
import { AppError, toErrorShape } from '../../common/errors';

/** True when `name` is a request of the contract (hosts refuse everything else before parsing a body). */
export function isRequestName(name: string): name is RequestName {
  return Object.prototype.hasOwnProperty.call(requestSchemas, name);
}

/**
 * Validates an untrusted payload against the contract and runs its handler. Every host (Electron IPC,
 * the browser host, tests) goes through here, so validation cannot be forgotten by one of them.
 */
export async function dispatch(handlers: ContractHandlers, name: string, rawParams: unknown, redact: (s: string) => string = (s) => s): Promise<Reply<RequestName>> {
  if (!isRequestName(name)) {
    return { ok: false, error: { code: 'UNKNOWN_REQUEST', message: `There is no request named "${name.slice(0, 80)}".`, hint: 'The UI and the engine are from different versions; restart Drop Runner.' } };
  }
  const parsed = requestSchemas[name].safeParse(rawParams ?? {});
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    const where = first && first.path.length ? first.path.join('.') : 'params';
    return {
      ok: false,
      error: {
        code: 'INVALID_REQUEST',
        message: `Request ${name}: ${where}: ${first?.message ?? 'invalid'}.`,
        hint: 'Correct the highlighted value and try again.',
      },
    };
  }
  try {
    const handler = handlers[name] as (p: unknown) => Promise<unknown>;
    const result = await handler(parsed.data);
    return { ok: true, result } as Reply<RequestName>;
  } catch (error) {
    const shape = toErrorShape(error);
    // Errors can quote values they were given; pass them through the redactor before they leave the engine.
    return { ok: false, error: { ...shape, message: redact(shape.message), hint: redact(shape.hint) } };
  }
}

/** Throws the error a reply carries; for callers (CLI, tests) that prefer exceptions. */
export function unwrap<K extends RequestName>(reply: Reply<K>) {
  if (reply.ok) return reply.result;
  throw new AppError(reply.error.code, reply.error.message, reply.error.hint, reply.error.details);
}
