/** A realistic plan for the change-request tests: SQL scripts pending, SSIS changes, a manual check, a secret. */
import type { ChangeRequestInput } from '../../../main/report/change-request';
import { PLANTED_SECRET } from './journal-fixtures';

/** A fresh copy each call, so tests can mutate it. */
export function samplePlan(): ChangeRequestInput {
  return {
    drop: {
      format: 'native',
      project: { id: 'patient-flow', name: 'Patient Flow' },
      release: { version: '2.4.0', channel: 'Stable', notes: 'Adds bed-management tables.' },
      sha256: '9f2c1a7be5d04c8e3b6a1f0e2d4c6b8a0e1f2d3c4b5a69788796a5b4c3d2e1f0',
      signature: { state: 'verified', publisher: 'Contoso Health Software B.V.' },
    },
    tenant: { id: 'st-marys', name: "St Mary's Hospital", environment: 'Production' },
    preparedBy: 'Jana de Vries',
    preparedAt: '2025-03-13T10:00:00.000Z',
    plannedWindow: 'Fri 14 March 2025, 21:00–22:30',
    steps: [
      {
        id: 'db-schema',
        name: 'Apply database schema changes',
        type: 'sql-scripts',
        transactional: 'each script in its own transaction',
        scriptsPending: [
          { name: '0001-create-bed-tables.sql', sha256: 'a1b2c3d4' },
          { name: '0002-add-ward-index.sql', sha256: 'b2c3d4e5' },
        ],
        scriptsAlreadyApplied: [{ name: '0000-baseline.sql' }],
      },
      {
        id: 'ssis-etl',
        name: 'Deploy SSIS project PatientFlowETL',
        type: 'ssis-project',
        ssisChanges: [
          { kind: 'folder', name: 'PatientFlow', action: 'create' },
          { kind: 'project', name: 'PatientFlowETL', action: 'update', detail: 'version 2.3.1 → 2.4.0' },
          { kind: 'variable', name: 'EtlPassword', action: 'create', detail: 'sensitive' },
          { kind: 'reference', name: 'PatientFlowETL → Production', action: 'unchanged' },
        ],
        warnings: ['The project parameter ArchiveDays becomes required.'],
      },
      { id: 'verify', name: 'Manual check: admissions dashboard loads', type: 'manual-check', instructions: 'Open the dashboard and check that the bed list loads.' },
    ],
    variables: [
      { name: 'SqlServer', source: 'tenant (remembered)', sensitive: false, value: 'smh-sql01.stmarys.local' },
      { name: 'EtlPassword', source: 'keychain', sensitive: true, value: PLANTED_SECRET },
    ],
    preflight: { at: '2025-03-13T09:58:00.000Z', checks: [{ id: 'conn', title: 'SQL Server connection', status: 'pass', detail: 'Connected.' }] },
  };
}
