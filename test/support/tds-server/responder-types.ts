import type { EncryptionState } from './tls-transport';
import type { AuthKind } from './recorder';
import type { RpcParam } from './rpc-parser';
import type { TypeInfo } from './type-info';
import type { SqlValue } from './value-codec';

/** What a responder knows about the connection a request came in on. */
export interface ConnectionInfo {
  id: number;
  open: boolean;
  loggedIn: boolean;
  authKind?: AuthKind;
  user?: string;
  domain?: string;
  database: string;
  appName?: string;
  /** @@TRANCOUNT as the double tracks it. */
  tranCount: number;
  remotePort?: number;
  /** How the session is protected, set at login. */
  encryption?: EncryptionState;
}

/** A request handed to responders: a SQL batch or an RPC. */
export interface TdsRequest {
  kind: 'batch' | 'rpc';
  /** Sequence number of this request's record. */
  seq: number;
  connection: ConnectionInfo;
  /** Batch text, or the @statement of sp_executesql; undefined for other RPCs. */
  text: string | undefined;
  /** RPC procedure name as sent ('sp_executesql' for ProcID 10); undefined for batches. */
  procedure: string | undefined;
  /** RPC parameters; for sp_executesql only the user parameters (without @statement and @params). */
  params: RpcParam[];
  /** Every RPC parameter as sent, with its ordinal position. */
  allParams: RpcParam[];
  /** A parameter value by name, with or without '@', case-insensitive. */
  param(name: string): SqlValue | undefined;
  /** Aborted when the client sends ATTENTION or disconnects. */
  signal: AbortSignal;
}

/** A result column: a T-SQL type name such as 'nvarchar(255)' or a raw TypeInfo. */
export interface ColumnSpec {
  name: string;
  type: string | TypeInfo;
  nullable?: boolean;
}

/** One result set; rows are objects keyed by column name or arrays in column order. */
export interface ResultSetSpec {
  /** Omitted: inferred from the first row (number → int/bigint/float, string → nvarchar(max), boolean → bit, Buffer → varbinary(max), Date → datetime2). */
  columns?: ColumnSpec[];
  rows: Array<Record<string, SqlValue> | SqlValue[]>;
}

/** An ERROR token to send. */
export interface ErrorSpec {
  number: number;
  message: string;
  /** Severity; default 16. */
  class?: number;
  state?: number;
  /** Line number relative to the batch; default 1. */
  lineNumber?: number;
  /** Procedure name shown in the error; for RPCs defaults to the called procedure. */
  procedure?: string;
  /** Also roll back the open transaction (like XACT_ABORT ON or a doomed transaction). */
  rollback?: boolean;
}

/** An INFO token (PRINT output, RAISERROR with severity <= 10). */
export interface InfoSpec {
  message: string;
  number?: number;
  class?: number;
  state?: number;
  lineNumber?: number;
  procedure?: string;
}

/** What to answer. Every field is optional; an empty spec answers a plain successful DONE. */
export interface ResponseSpec {
  info?: InfoSpec[];
  resultSets?: ResultSetSpec[];
  /** Shorthand for one result set. */
  columns?: ColumnSpec[];
  rows?: ResultSetSpec['rows'];
  /** Rows affected reported after the result sets (INSERT/UPDATE/DELETE). */
  rowCount?: number;
  error?: ErrorSpec | ErrorSpec[];
  /** RPC return code; default 0. */
  returnStatus?: number;
  /** Output parameter values by name (without '@'). Output parameters not listed echo their input value. */
  output?: Record<string, SqlValue>;
  /** Wait this long before answering; an ATTENTION interrupts the wait. */
  delayMs?: number;
  /** Close the TCP connection instead of answering. */
  drop?: boolean;
  /** Exact token bytes to send as the whole response (for protocol experiments). */
  raw?: Buffer;
}

/** How a responder recognises text: substring (case-insensitive), regular expression, or predicate. */
export type TextMatcher = string | RegExp | ((text: string) => boolean);

/** A responder registration. All given criteria must match; none given matches every request. */
export interface ResponderSpec {
  name?: string;
  /** Matches SQL batch text or the @statement of sp_executesql. */
  sql?: TextMatcher;
  /** Matches SQL_BATCH text only. */
  batch?: TextMatcher;
  /** Matches an RPC procedure name; dotted parts compare from the right, brackets and case ignored. */
  procedure?: string | RegExp;
  match?: (req: TdsRequest) => boolean;
  /** Stop matching after this many uses. */
  times?: number;
  /** A fixed answer, or a function; a function returning undefined passes the request on. */
  respond: ResponseSpec | ((req: TdsRequest) => ResponseSpec | undefined | Promise<ResponseSpec | undefined>);
}

/** Handle returned by addResponder. */
export interface ResponderHandle {
  readonly name: string | undefined;
  /** How many requests this responder answered. */
  readonly calls: number;
  remove(): void;
}
