export { startTdsServer } from './server';
export type { TdsServer, TdsServerOptions, TdsServerPlugin } from './server';
export type { SqlLogin } from './tds-session';
export type { WindowsUser } from './ntlm';
export type { TdsRecord, RecordedParam, RecordedValue, AuthKind } from './recorder';
export type {
  ColumnSpec,
  ConnectionInfo,
  ErrorSpec,
  InfoSpec,
  ResponderHandle,
  ResponderSpec,
  ResponseSpec,
  ResultSetSpec,
  TdsRequest,
  TextMatcher,
} from './responder-types';
export type { TableEmulator, TableColumnInput, EmulatedTable } from './table-emulator';
export type { SqlValue } from './value-codec';
export type { RpcParam } from './rpc-parser';
export type { BackupEmulation, BackupEmulationOptions, BackupOperation, BackupScenario, EmulatedBackupFile } from './backup-emulation';
