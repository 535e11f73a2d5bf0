/**
 * A read-only preview of a SQL Server connection string for the Variables screen. It uses the same
 * parser as the engine (common/connection-string.ts), so the UI can never accept a string the
 * deployment would then reject. Passwords are parsed but never shown.
 */
import { parseConnectionString as parseSettings } from '../../../common/connection-string';

export interface ConnectionPreview {
  server?: string;
  database?: string;
  authentication?: string;
  user?: string;
  encrypt?: string;
  problem?: string;
}

const AUTH_LABELS: Record<string, string> = {
  windows: 'Windows',
  sql: 'SQL Server login',
  unspecified: 'Not specified',
};

/** Parses a connection string into the facts worth previewing, or the engine's explanation of what is wrong. */
export function parseConnectionString(input: string): ConnectionPreview {
  try {
    const s = parseSettings(input);
    const preview: ConnectionPreview = {
      server: s.server + (s.instance ? `\\${s.instance}` : '') + (s.port ? `,${s.port}` : ''),
      authentication: AUTH_LABELS[s.authentication] ?? s.authentication,
    };
    if (s.database) preview.database = s.database;
    if (s.user) preview.user = s.domain ? `${s.domain}\\${s.user}` : s.user;
    if (s.encrypt !== undefined) preview.encrypt = String(s.encrypt);
    return preview;
  } catch (error) {
    return { problem: (error as Error).message };
  }
}
