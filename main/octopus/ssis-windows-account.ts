/**
 * The Windows account an SSIS template step deploys with. The community templates connect with
 * Integrated Security (the Tentacle's service account); Drop Runner connects from Node over NTLM,
 * which needs the account named and its password given, and SSISDB refuses SQL logins. So the
 * importer asks the tenant for that account once, under these names, unless the drop bakes them.
 */

/** Variable holding the account as DOMAIN\user. */
export const SSIS_WINDOWS_USER = 'SsisDeploy.WindowsUser';
/** Variable holding the account's password (a secret: keychain only). */
export const SSIS_WINDOWS_PASSWORD = 'SsisDeploy.WindowsPassword';

export interface KnownPrompt {
  label: string;
  help: string;
  group: string;
  sensitive: boolean;
  pattern?: string;
}

const GROUP = 'SSIS deployment account';

const PROMPTS = new Map<string, KnownPrompt>([
  [
    SSIS_WINDOWS_USER.toLowerCase(),
    {
      label: 'SSIS deployment Windows account',
      help: 'The Windows account that deploys the SSIS projects, written DOMAIN\\user (e.g. HOSPITAL\\svc_ssis). In Octopus the Tentacle\'s service account did this; SSISDB accepts only Windows logins.',
      group: GROUP,
      sensitive: false,
      // NTLM needs the domain part: a bare user name would only fail at connect time.
      pattern: '[^\\\\\\s]+\\\\[^\\\\]+',
    },
  ],
  [
    SSIS_WINDOWS_PASSWORD.toLowerCase(),
    {
      label: 'SSIS deployment Windows password',
      help: 'The password of the SSIS deployment Windows account. Kept in the OS keychain, never written to reports.',
      group: GROUP,
      sensitive: true,
    },
  ],
]);

/** Label, help and checks for a prompt the importer itself introduced; undefined for any other name. */
export function knownPrompt(name: string): KnownPrompt | undefined {
  return PROMPTS.get(name.toLowerCase());
}
