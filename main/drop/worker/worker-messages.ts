import type { Drop } from '../../../common/drop-model';
import type { ErrorShape } from '../../../common/errors';
import type { DropLimits } from '../limits';
import type { TrustedKey } from '../signature';

/** What the main thread hands the drop worker (structured-cloned: plain data only). */
export interface WorkerRequest {
  path: string;
  dataDir: string;
  limits?: Partial<DropLimits>;
  trustedKeys: TrustedKey[];
  /** True when the caller can supply an Octopus drop password on request. */
  askPassword: boolean;
}

export type WorkerToMain =
  | { type: 'temp'; path: string }
  | { type: 'password-request' }
  | { type: 'done'; drop: Drop }
  | { type: 'failed'; error: ErrorShape }
  | { type: 'crashed'; message: string };

export interface WorkerReply {
  password?: string;
}
