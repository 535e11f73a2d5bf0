/**
 * Small native drops for the executor tests (script, dacpac, manual-check), opened through the real
 * DropLibrary from a folder, with a manager over a scratch data folder.
 */
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import AdmZip from 'adm-zip';
import type { Drop } from '../../../common/drop-model';
import { createDeploymentManager, type DeploymentManager, type DeploymentManagerOptions } from '../../../main/deploy/deployment-manager';
import { DropLibrary } from '../../../main/drop/drop-library';
import { createConfSettingsStore } from '../../../main/platform/settings-store';
import { openTenantStore } from '../../../main/tenants/open-tenant-store';
import type { TenantStore } from '../../../main/tenants/tenant-store';
import { manifestBytes, manifestFor, writeFolder, type FileMap } from '../../support/fixtures/native-drop';
import { createOctopusImporter } from '../../../main/octopus/octopus-importer';

export const TENANT = 'test-tenant';

export interface StepWorld {
  root: string;
  dataDir: string;
  drop: Drop;
  tenants: TenantStore;
  manager: DeploymentManager;
}

/** A folder drop with these files and manifest overrides; values are entered (not remembered). */
export async function stepWorld(root: string, files: FileMap, overrides: Record<string, unknown>, values: Record<string, string>, extra: Partial<DeploymentManagerOptions> = {}): Promise<StepWorld> {
  const dataDir = path.join(root, 'data');
  const folder = path.join(root, 'drop');
  await writeFolder(folder, { ...files, 'drop.json': manifestBytes(manifestFor(files, overrides)) });
  const settings = createConfSettingsStore(dataDir, 'settings');
  const drops = new DropLibrary(dataDir, settings, () => ({}), createOctopusImporter);
  const drop = await drops.open(folder);
  const tenants = openTenantStore(dataDir);
  tenants.ensure(TENANT, 'Test Hospital');
  await tenants.saveValues(TENANT, Object.entries(values).map(([name, value]) => ({ name, value })), { remember: false, templates: drop.variables });
  const manager = createDeploymentManager({ dataDir, drops, tenants, settings, ...extra });
  return { root, dataDir, drop, tenants, manager };
}

/** A minimal .dacpac (a zip with DacMetadata.xml) as the drop reader expects. */
export function dacpacBytes(): Buffer {
  const zip = new AdmZip();
  zip.addFile('DacMetadata.xml', Buffer.from('<?xml version="1.0" encoding="utf-8"?><DacType xmlns="http://schemas.microsoft.com/sqlserver/dac/Serialization/2012/02"><Name>Staging</Name><Version>2.4.0</Version></DacType>'));
  zip.addFile('model.xml', Buffer.from('<DataSchemaModel/>'));
  return zip.toBuffer();
}

/**
 * A stand-in SqlPackage on a private PATH: SqlPackage is Microsoft's external tool, not our code, so
 * a script with its command-line contract is a fair double. It echoes its arguments (the test checks
 * the password in them is masked in the log), writes a DeployReport XML for /Action:DeployReport, and
 * exits with STANDIN_EXIT (default 0) for /Action:Publish.
 */
export function installSqlPackageStandIn(dir: string): { env: NodeJS.ProcessEnv; log: string } {
  const bin = path.join(dir, 'bin');
  mkdirSync(bin, { recursive: true });
  const log = path.join(dir, 'sqlpackage-calls.log');
  writeFileSync(
    path.join(bin, 'SqlPackage'),
    `#!/usr/bin/env bash
printf '%s\\n' "$*" >> '${log}'
out=''
for a in "$@"; do
  case "$a" in /OutputPath:*) out="\${a#/OutputPath:}";; esac
  echo "arg: $a"
done
case "$*" in
  */Action:DeployReport*)
    printf '%s' '<?xml version="1.0"?><DeploymentReport><Alerts><Alert Name="DataIssue"/></Alerts><Operations><Operation Name="Create"><Item Value="[dbo].[Ward]" Type="SqlTable"/></Operation><Operation Name="Alter"><Item Value="[dbo].[Admission]" Type="SqlTable"/></Operation></Operations></DeploymentReport>' > "$out"
    ;;
  */Action:Publish*)
    echo "Publishing to database 'Staging' on server '127.0.0.1'."
    echo "Successfully published database." ;;
esac
exit \${STANDIN_EXIT:-0}
`,
  );
  chmodSync(path.join(bin, 'SqlPackage'), 0o755);
  return { env: { ...process.env, PATH: `${bin}${path.delimiter}${process.env.PATH ?? ''}`, DROP_RUNNER_SQLPACKAGE: '' }, log };
}
