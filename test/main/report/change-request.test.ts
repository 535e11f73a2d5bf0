import { describe, expect, it } from 'vitest';
import { AppError } from '../../../common/errors';
import { renderChangeRequestHtml } from '../../../main/report/change-request';
import { PLANTED_SECRET } from './journal-fixtures';
import { samplePlan } from './plan-fixtures';

describe('renderChangeRequestHtml', () => {
  const doc = renderChangeRequestHtml(samplePlan());

  it('is a change request titled for the board, with identity, tenant, steps and dry-run details', () => {
    expect(doc).toContain('<h1>Change request — Patient Flow 2.4.0 — St Mary&#39;s Hospital</h1>');
    expect(doc).toContain('For approval');
    expect(doc).toContain('Fri 14 March 2025, 21:00–22:30');
    for (const s of ['Apply database schema changes', 'Deploy SSIS project PatientFlowETL', 'Manual check: admissions dashboard loads']) expect(doc).toContain(s);
    expect(doc).toContain('0001-create-bed-tables.sql');
    expect(doc).toContain('Already applied, will not run again: 0000-baseline.sql');
    expect(doc).toContain('version 2.3.1 → 2.4.0');
    expect(doc).toContain('<strong>Scripts to run:</strong> 2');
    expect(doc).toContain('<strong>SSIS objects to create or change:</strong> 3');
    expect(doc).toContain('SQL Server connection');
  });

  it('has an approval block with "Approved by" and date lines for each approver', () => {
    expect(doc.match(/Approved by \(name\)/g)).toHaveLength(3);
    expect(doc.match(/<span>Date<\/span>/g)).toHaveLength(3);
    const custom = renderChangeRequestHtml({ ...samplePlan(), approvers: ['CAB chair'] });
    expect(custom.match(/Approved by \(name\)/g)).toHaveLength(1);
    expect(custom).toContain('CAB chair');
  });

  it('masks sensitive variables even when the plan passes the value', () => {
    expect(doc).not.toContain(PLANTED_SECRET);
    expect(doc).toContain('********');
    expect(doc).toContain('smh-sql01.stmarys.local');
  });

  it('is self-contained and escapes plan text', () => {
    expect(doc).not.toMatch(/https?:|<script|<link|<img/i);
    const evil = samplePlan();
    evil.steps[0]!.name = '<script>alert(1)</script>';
    const out = renderChangeRequestHtml(evil);
    expect(out).not.toContain('<script>');
    expect(out).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  });

  it('rejects a plan without steps with REPORT_PLAN_INVALID', () => {
    let err: unknown;
    try {
      renderChangeRequestHtml({ ...samplePlan(), steps: [] });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe('REPORT_PLAN_INVALID');
    expect((err as AppError).message).toContain('"steps"');
  });
});
