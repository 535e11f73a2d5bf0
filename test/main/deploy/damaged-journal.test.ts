/**
 * A journal whose first line is damaged (not JSON, torn, or not a deployment-started event) keeps its
 * deployment in the list as `damaged` with the problem — in the index the UI's history and Home read,
 * and in `drop-runner history` — next to the healthy ones.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../../../main/cli/main';
import { listDeployments } from '../../../main/deploy/deployment-index';
import { cleanup, scratch } from './deploy-fixture';

let root: string;
let dataDir: string;
beforeEach(() => {
  root = scratch('dr-damaged');
  dataDir = path.join(root, 'data');
});
afterEach(() => cleanup(root));

const GOOD = '20261201T080000Z-st-brigids-aaaaaa';
const NOT_JSON = '20261202T080000Z-st-brigids-bbbbbb';
const TORN = '20261203T080000Z-st-brigids-cccccc';
const WRONG_TYPE = '20261204T080000Z-st-brigids-dddddd';

function journal(id: string, text: string, run?: object): void {
  const dir = path.join(dataDir, 'deployments', id);
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'journal.jsonl'), text);
  if (run) writeFileSync(path.join(dir, 'run.json'), JSON.stringify(run));
}

function started(id: string): string {
  return JSON.stringify({ seq: 1, at: '2026-12-01T08:00:00.000Z', type: 'deployment-started', deploymentId: id, drop: { id: 'drop-1', project: { id: 'p', name: 'Clinical Data Hub' }, release: { version: '2.4.0' } }, tenant: { id: 'st-brigids' } });
}

describe('damaged first journal line', () => {
  beforeEach(() => {
    journal(GOOD, `${started(GOOD)}\n${JSON.stringify({ seq: 2, at: '2026-12-01T08:01:00.000Z', type: 'deployment-finished', outcome: 'succeeded', durationMs: 60000 })}\n`);
    journal(NOT_JSON, `{"seq":1,"at":"2026-12-02T08:00:00.000Z","type":"deploym\u0000\u0000garbage\n${JSON.stringify({ seq: 2, at: '2026-12-02T08:00:01.000Z', type: 'preflight', checks: [] })}\n`, { dropId: 'drop-2', tenantId: 'st-brigids' });
    journal(TORN, '{"seq":1,"at":"2026-12-03T08:00:00.000Z","type":"deployment-sta');
    journal(WRONG_TYPE, `${JSON.stringify({ seq: 1, at: '2026-12-04T08:00:00.000Z', type: 'preflight', checks: [] })}\n`);
  });

  it('lists every deployment: the healthy one with its outcome, the others as damaged with the problem', () => {
    const list = listDeployments(dataDir, () => undefined);
    expect(list.map((d) => `${d.deploymentId} ${d.state}`)).toEqual([`${WRONG_TYPE} damaged`, `${TORN} damaged`, `${NOT_JSON} damaged`, `${GOOD} succeeded`]);
    const byId = new Map(list.map((d) => [d.deploymentId, d]));
    expect(byId.get(NOT_JSON)).toMatchObject({ problem: 'The first line of the journal is not valid JSON.', dropId: 'drop-2', tenantId: 'st-brigids', startedAt: '2026-12-02T08:00:00.000Z' });
    expect(byId.get(TORN)?.problem).toContain('first line is incomplete');
    expect(byId.get(WRONG_TYPE)?.problem).toContain('"preflight" event, not the start of a deployment');
  });

  it('drop-runner history shows them as damaged, with the problem', async () => {
    let stdout = '';
    const stdin = new PassThrough();
    stdin.end();
    const code = await runCli(['history', '--data-dir', dataDir], { stdout: (s) => void (stdout += s), stderr: () => undefined, stdin });
    expect(code).toBe(0);
    expect(stdout).toMatch(new RegExp(`${NOT_JSON}.*damaged`));
    expect(stdout).toContain(`damaged ${NOT_JSON}: The first line of the journal is not valid JSON.`);
    expect(stdout).toMatch(new RegExp(`${GOOD}.*succeeded`));
  });
});
