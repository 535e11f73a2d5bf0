/**
 * The Windows accounts template steps deploy with. The community templates can connect with
 * Integrated Security (the Tentacle's service account); Drop Runner connects from Node over NTLM,
 * which needs the account named and its password given. So the importer asks the tenant for that
 * account once per purpose, under these names, unless the drop bakes them. SSIS and SQL/DACPAC
 * steps get separate accounts: SSISDB accepts only Windows logins, and hospitals often deploy the
 * catalog with a different service account than the databases.
 */

/** What a Windows account deploys: SSIS projects, or SQL scripts and DACPACs. */
export type WindowsAccountPurpose = 'ssis' | 'sql';

/** The variable names holding one purpose's account (DOMAIN\user) and its password (a secret: keychain only). */
export interface WindowsAccountNames {
  user: string;
  password: string;
}

export interface KnownPrompt {
  label: string;
  help: string;
  group: string;
  sensitive: boolean;
  pattern?: string;
}

interface Purpose {
  names: WindowsAccountNames;
  /** Words for labels and the group ("SSIS deployment"). */
  what: string;
  /** Why this account: what Octopus used instead and what it deploys. */
  detail: string;
}

const PURPOSES: Record<WindowsAccountPurpose, Purpose> = {
  ssis: {
    names: { user: 'SsisDeploy.WindowsUser', password: 'SsisDeploy.WindowsPassword' },
    what: 'SSIS deployment',
    detail: 'deploys the SSIS projects, written DOMAIN\\user (e.g. HOSPITAL\\svc_ssis). In Octopus the Tentacle\'s service account did this; SSISDB accepts only Windows logins.',
  },
  sql: {
    names: { user: 'SqlDeploy.WindowsUser', password: 'SqlDeploy.WindowsPassword' },
    what: 'SQL deployment',
    detail: 'runs the SQL scripts and DACPAC deployments whose Octopus step used Windows (integrated) authentication, written DOMAIN\\user (e.g. HOSPITAL\\svc_sqldeploy). In Octopus the Tentacle\'s service account did this.',
  },
};

/** Variable names of the SSIS deployment account. */
export const SSIS_WINDOWS_ACCOUNT: WindowsAccountNames = PURPOSES.ssis.names;
/** Variable names of the SQL script / DACPAC deployment account. */
export const SQL_WINDOWS_ACCOUNT: WindowsAccountNames = PURPOSES.sql.names;

function promptsOf(p: Purpose): Array<[string, KnownPrompt]> {
  const group = `${p.what} account`;
  return [
    [
      p.names.user.toLowerCase(),
      {
        label: `${p.what} Windows account`,
        help: `The Windows account that ${p.detail}`,
        group,
        sensitive: false,
        // NTLM needs the domain part: a bare user name would only fail at connect time.
        pattern: '[^\\\\\\s]+\\\\[^\\\\]+',
      },
    ],
    [
      p.names.password.toLowerCase(),
      { label: `${p.what} Windows password`, help: `The password of the ${p.what} Windows account. Kept in the OS keychain, never written to reports.`, group, sensitive: true },
    ],
  ];
}

const PROMPTS = new Map<string, KnownPrompt>(Object.values(PURPOSES).flatMap(promptsOf));

/** Label, help and checks for a prompt the importer itself introduced; undefined for any other name. */
export function knownPrompt(name: string): KnownPrompt | undefined {
  return PROMPTS.get(name.toLowerCase());
}
