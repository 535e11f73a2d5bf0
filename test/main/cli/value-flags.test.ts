import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseFlags } from '../../../main/cli/parse-flags';
import { applyCommandLineValues, readValueFlags } from '../../../main/cli/value-flags';
import { createKeychainSecretStore } from '../../../main/platform/secret-store';
import { openTenantStore } from '../../../main/tenants/open-tenant-store';
import { scratchDir, template } from '../tenants/tenant-test-support';

const flags = (argv: string[]) => parseFlags(argv, new Set(['var', 'var-file']));

describe('--var / --var-file / --remember', () => {
  it('reads files first, then --var; the last assignment of a name wins', async () => {
    const dir = scratchDir('value-flags');
    const lines = path.join(dir, 'vars.env');
    const json = path.join(dir, 'vars.json');
    writeFileSync(lines, '# tenant values\nSqlServer=sql01\nPort=1433\n');
    writeFileSync(json, JSON.stringify({ Port: 1500, Debug: true }));
    const cli = await readValueFlags(flags(['--var-file', lines, '--var-file', json, '--var', 'SqlServer=sql02', '--var', 'Empty=', '--remember']));
    expect(cli).toEqual({
      remember: true,
      values: [
        { name: 'SqlServer', value: 'sql02' },
        { name: 'Port', value: '1500' },
        { name: 'Debug', value: 'true' },
        { name: 'Empty', value: '' },
      ],
    });
  });

  it('reports a malformed --var or file with the parser codes', async () => {
    await expect(readValueFlags(flags(['--var', 'novalue']))).rejects.toMatchObject({ code: 'INVALID_VAR' });
    await expect(readValueFlags(flags(['--var-file', '/nonexistent/vars.env']))).rejects.toMatchObject({ code: 'VAR_FILE_UNREADABLE' });
  });

  it('without --remember the values are "entered" for this run only; with it they are stored', async () => {
    const dir = scratchDir('value-flags-store');
    const store = openTenantStore(dir, { secrets: createKeychainSecretStore({ moduleId: 'keytar-not-needed' }) });
    const templates = [template('SqlServer', { required: true })];
    await applyCommandLineValues(store, 'st-marys', templates, await readValueFlags(flags(['--var', 'SqlServer=sql01'])));
    const view = await store.diffForDrop('st-marys', { variables: templates, baked: [] }, { probeSecrets: false });
    expect(view.items[0]).toMatchObject({ source: 'entered', value: 'sql01' });
    expect(store.get('st-marys')).toBeUndefined();
    await applyCommandLineValues(store, 'st-marys', templates, await readValueFlags(flags(['--var', 'SqlServer=sql01', '--remember'])));
    expect(store.get('st-marys')!.values.SqlServer!.value).toBe('sql01');
  });
});
