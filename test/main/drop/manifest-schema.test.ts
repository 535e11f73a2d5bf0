import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseManifest } from '../../../main/drop/manifest';
import { dropManifestJsonSchemaText, dropManifestSchema } from '../../../main/drop/manifest-schema';
import { manifestBytes, manifestFor } from '../../support/fixtures/native-drop';
import { repoRoot } from '../../support/fixtures/sample-drop';

const messageOf = (fn: () => unknown): string => {
  try {
    fn();
    return '';
  } catch (error) {
    expect((error as { code?: string }).code).toBe('DROP_MANIFEST_INVALID');
    return (error as Error).message;
  }
};

describe('drop.json schema', () => {
  it('docs/drop.schema.json is the file generated from the zod schema (run `npm run schema:drop`)', () => {
    const committed = join(repoRoot(), 'docs', 'drop.schema.json');
    expect(existsSync(committed)).toBe(true);
    expect(readFileSync(committed, 'utf8')).toBe(dropManifestJsonSchemaText());
  });

  it('the sample drop asks to resume the interface engine whatever happened before (runCondition always)', () => {
    const source = JSON.parse(readFileSync(join(repoRoot(), 'examples', 'sample-drop', 'drop.json'), 'utf8')) as { steps: Array<{ id: string; runCondition?: string }> };
    const parsed = dropManifestSchema.parse({ ...source, files: [] });
    expect(parsed.steps.find((s) => s.id === 'resume-interface-engine')?.runCondition).toBe('always');
    expect(parsed.steps.filter((s) => s.runCondition !== undefined).map((s) => s.id)).toEqual(['resume-interface-engine']);
  });

  it('accepts the sample drop manifest once it has a files list', () => {
    const source = JSON.parse(readFileSync(join(repoRoot(), 'examples', 'sample-drop', 'drop.json'), 'utf8')) as Record<string, unknown>;
    expect(dropManifestSchema.safeParse({ ...source, files: [] }).success).toBe(true);
    expect(messageOf(() => parseManifest(manifestBytes(source)))).toContain('files');
  });

  it.each([
    ['unknown top-level key', { extra: true }, 'extra: unknown key'],
    ['wrong format version', { formatVersion: '2' }, 'formatVersion'],
    ['choice without choices', { variables: [{ name: 'Mode', label: 'Mode', type: 'choice' }] }, 'variables[0].choices'],
    ['choices on a text variable', { variables: [{ name: 'A', label: 'A', type: 'text', choices: ['x'] }] }, 'variables[0].choices'],
    ['duplicate variable (case-insensitive)', { variables: [{ name: 'Conn', label: 'a', type: 'text' }, { name: 'CONN', label: 'b', type: 'text' }] }, 'variables[1].name'],
    ['bad regular expression', { variables: [{ name: 'A', label: 'A', type: 'text', pattern: '([' }] }, 'variables[0].pattern'],
    ['unknown variable type', { variables: [{ name: 'A', label: 'A', type: 'password' }] }, 'variables[0].type'],
    ['no steps', { steps: [] }, 'steps'],
    ['unknown run condition', { steps: [{ id: 's', name: 'S', type: 'manual-check', runCondition: 'on-error', settings: { instructions: 'x' } }] }, 'steps[0].runCondition'],
    ['unknown step type', { steps: [{ id: 's', name: 'S', type: 'powershell', settings: {} }] }, 'steps[0].type'],
    ['duplicate step id', { steps: [{ id: 's', name: 'A', type: 'manual-check', settings: { instructions: 'x' } }, { id: 's', name: 'B', type: 'manual-check', settings: { instructions: 'y' } }] }, 'steps[1].id'],
    ['unsafe package path', { steps: [{ id: 's', name: 'S', type: 'sql-scripts', package: '../x', settings: { connection: 'c' } }] }, 'steps[0].package'],
    ['bad transaction mode', { steps: [{ id: 's', name: 'S', type: 'sql-scripts', package: 'sql', settings: { connection: 'c', transaction: 'all' } }] }, 'steps[0].settings.transaction'],
    [
      'binding with both variable and value',
      { steps: [{ id: 's', name: 'S', type: 'ssis-project', package: 'sql', settings: { connection: 'c', ispac: 'a.ispac', folder: 'f', environment: 'e', parameterBindings: [{ objectType: 'project', parameter: 'p', variable: 'v', value: 'x' }] } }] },
      'steps[0].settings.parameterBindings[0]',
    ],
    [
      'package binding without package',
      { steps: [{ id: 's', name: 'S', type: 'ssis-project', package: 'sql', settings: { connection: 'c', ispac: 'a.ispac', folder: 'f', environment: 'e', parameterBindings: [{ objectType: 'package', parameter: 'p', value: 'x' }] } }] },
      'steps[0].settings.parameterBindings[0].package',
    ],
    ['manifest listing itself', { files: [{ path: 'drop.json', size: 1, sha256: 'a'.repeat(64) }] }, 'files[0].path'],
    ['upper-case hash', { files: [{ path: 'a', size: 1, sha256: 'A'.repeat(64) }] }, 'files[0].sha256'],
    ['bad created date', { release: { version: '1', created: '20/11/2026' } }, 'release.created'],
    ['unknown environmentReference', { steps: [{ id: 's', name: 'S', type: 'ssis-project', package: 'p', settings: { connection: 'c', ispac: 'a.ispac', folder: 'f', environment: 'e', environmentReference: 'shared' } }] }, 'steps[0].settings.environmentReference'],
    ['zero timeoutSeconds', { steps: [{ id: 's', name: 'S', type: 'ssis-project', package: 'p', settings: { connection: 'c', ispac: 'a.ispac', folder: 'f', environment: 'e', timeoutSeconds: 0 } }] }, 'steps[0].settings.timeoutSeconds'],
    ['empty runAlways', { steps: [{ id: 's', name: 'S', type: 'sql-scripts', package: 'sql', settings: { connection: 'c', runAlways: [] } }] }, 'steps[0].settings.runAlways'],
    ['dacpac without its file', { steps: [{ id: 's', name: 'S', type: 'dacpac', package: 'db', settings: { connection: 'c' } }] }, 'steps[0].settings.dacpac'],
    ['dacpac with an unknown key', { steps: [{ id: 's', name: 'S', type: 'dacpac', package: 'db', settings: { connection: 'c', dacpac: 'a.dacpac', blockOnDataLoss: true } }] }, 'steps[0].settings.blockOnDataLoss'],
    ['dacpac profile outside the drop', { steps: [{ id: 's', name: 'S', type: 'dacpac', package: 'db', settings: { connection: 'c', dacpac: 'a.dacpac', profile: '../p.xml' } }] }, 'steps[0].settings.profile'],
    ['script with both file and body', { steps: [{ id: 's', name: 'S', type: 'script', settings: { scriptFile: 'a.ps1', scriptBody: 'x' } }] }, 'steps[0].settings'],
    ['script with neither file nor body', { steps: [{ id: 's', name: 'S', type: 'script', settings: { syntax: 'Bash' } }] }, 'steps[0].settings'],
    ['script in an unknown syntax', { steps: [{ id: 's', name: 'S', type: 'script', settings: { syntax: 'python', scriptBody: 'x' } }] }, 'steps[0].settings.syntax'],
  ])('refuses %s, naming the JSON path', (_label, override, path) => {
    expect(messageOf(() => parseManifest(manifestBytes(manifestFor({}, override as Record<string, unknown>))))).toContain(path);
  });

  it('accepts every setting the dacpac and script executors read', () => {
    const steps = [
      { id: 'db', name: 'D', type: 'dacpac', package: 'db', settings: { connection: '#{Conn}', dacpac: 'Staging.dacpac', variables: { Env: 'Prod' }, profile: 'prod.publish.xml' } },
      { id: 'sh', name: 'S', type: 'script', settings: { syntax: 'bash', scriptBody: 'echo hi', environment: { HOSPITAL: '#{Name}' } } },
      { id: 'ps', name: 'P', type: 'script', package: 'db', settings: { scriptFile: 'tools/post.ps1' } },
    ];
    expect(dropManifestSchema.safeParse({ ...manifestFor({}, { steps }) }).error?.issues ?? []).toEqual([]);
  });

  it('accepts every SSIS setting the ssis-project executor reads, and runAlways on sql-scripts', () => {
    const steps = [
      { id: 'sql', name: 'S', type: 'sql-scripts', package: 'sql', settings: { connection: 'c', runAlways: ['**'] } },
      {
        id: 'ssis',
        name: 'P',
        type: 'ssis-project',
        package: 'p',
        settings: { connection: 'c', ispac: 'a.ispac', folder: 'f', environment: 'e', environmentReference: 'absolute', environmentFolder: 'Shared', removeUndeclaredVariables: true, validate: true, timeoutSeconds: 600 },
      },
    ];
    const result = dropManifestSchema.safeParse({ ...manifestFor({}, { steps }), files: [] });
    expect(result.success ? 'ok' : JSON.stringify(result.error.issues)).toBe('ok');
  });

  it('accepts continueOnError and commandTimeoutSeconds on sql-scripts, with their types', () => {
    const step = (settings: Record<string, unknown>) => ({ ...manifestFor({}, { steps: [{ id: 'sql', name: 'S', type: 'sql-scripts', package: 'sql', settings: { connection: 'c', ...settings } }] }), files: [] });
    expect(dropManifestSchema.safeParse(step({ continueOnError: true, commandTimeoutSeconds: 600 })).success).toBe(true);
    expect(dropManifestSchema.safeParse(step({ continueOnError: 'yes' })).success).toBe(false);
    expect(dropManifestSchema.safeParse(step({ commandTimeoutSeconds: -1 })).success).toBe(false);
  });

  it('accepts a UTF-8 byte-order mark', () => {
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), manifestBytes(manifestFor({ 'sql/a.sql': 'x' }))]);
    expect(parseManifest(bytes).project.id).toBe('test-project');
  });
});
