import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ZodError } from 'zod';
import { buildReportModel } from '../../../main/report/report-model';
import { deploymentReportSchema, renderReportJson, reportJsonSchemaText } from '../../../main/report/report-schema';
import { failedRetrySkipJournal, interruptedJournal, PLANTED_SECRET, successfulJournal } from './journal-fixtures';

const repoRoot = join(import.meta.dirname, '..', '..', '..');
const fixed = { generatedAt: '2025-03-14T22:00:00.000Z' };

describe('JSON report and its schema', () => {
  it('docs/report.schema.json is the generated schema (run `npm run schema:report` after changing report-schema.ts)', () => {
    const committed = readFileSync(join(repoRoot, 'docs', 'report.schema.json'), 'utf8');
    expect(committed).toBe(reportJsonSchemaText());
    const schema = JSON.parse(committed);
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(schema.title).toBe('Drop Runner deployment report');
    expect(schema.required).toEqual(expect.arrayContaining(['drop', 'target', 'execution', 'steps', 'timeline', 'variables', 'decisions', 'log']));
    expect(schema.properties.execution.properties.outcome.enum).toContain('incomplete');
  });

  it('renders every fixture as JSON that parses back and validates', () => {
    for (const journal of [successfulJournal(), failedRetrySkipJournal(), interruptedJournal()]) {
      const model = buildReportModel(journal, fixed);
      const json = JSON.parse(renderReportJson(model));
      expect(deploymentReportSchema.parse(json)).toEqual(model);
      expect(json.kind).toBe('drop-runner.deployment-report');
      expect(json.schemaVersion).toBe(1);
    }
    expect(JSON.parse(renderReportJson(buildReportModel(interruptedJournal(), fixed))).execution.outcome).toBe('incomplete');
  });

  it('refuses to serialise a model that breaks the schema', () => {
    const model = buildReportModel(successfulJournal(), fixed);
    expect(() => renderReportJson({ ...model, execution: { ...model.execution, outcome: 'great' as never } })).toThrow(ZodError);
  });

  it('never contains a secret value the journal should not have held', () => {
    const json = renderReportJson(buildReportModel(successfulJournal({ leakSecret: true, secretInLog: true }), fixed));
    expect(json).not.toContain(PLANTED_SECRET);
    expect(JSON.parse(json).variables.find((v: { name: string }) => v.name === 'EtlPassword').value).toBe('********');
  });
});
