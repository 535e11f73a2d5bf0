/**
 * `npm run bench:sql` — two figures, each against a baseline measured in the same run:
 * 1. Batch-splitter throughput on a ~100 MB script built from the public corpus
 *    (../shared/corpus/sql; a synthetic script when it is absent). Baseline: a plain line split
 *    (String.prototype.split('\n')) over the same decoded text. Target >= 100 MB/s.
 * 2. Script-runner overhead: 5,000 small batches through runSqlScripts (one connection, per-script
 *    transaction, journal table, splitting, hashing, events) vs a bare tedious loop sending the same
 *    batches in one transaction, both against the same in-process TDS double. Target ratio <= 1.15.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Connection, Request } from 'tedious';
import { splitSqlText } from '../../main/sql/batch-splitter';
import { resolveConnectionSettings, toTediousConfig } from '../../main/sql/connection-settings';
import { decodeScript } from '../../main/sql/script-decoding';
import { runSqlScripts } from '../../main/sql/script-runner';
import { startTdsServer } from '../../test/support/tds-server/index';

// This file runs bundled from .tmp/, so find the checkout by walking up to its package.json.
function findRepo(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(dir, 'package.json')) && path.dirname(dir) !== dir) dir = path.dirname(dir);
  return dir;
}
const repo = findRepo();
// DROP_RUNNER_SHARED points at the shared folder when the checkout does not sit beside it (a worktree).
const corpusDir = path.resolve(process.env.DROP_RUNNER_SHARED ?? path.resolve(repo, '../shared'), 'corpus/sql');
const TARGET_BYTES = 100 * 1024 * 1024;
const ROUNDS = 5;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function buildScript(): { bytes: Buffer; source: string } {
  const separator = Buffer.from('\r\nGO\r\n');
  let parts: Buffer[];
  let source: string;
  if (existsSync(corpusDir)) {
    // instawdb needs its own :setvar values; every corpus file is self-contained otherwise.
    const files = ['ola-hallengren-MaintenanceSolution.sql', 'first-responder-kit-Install-All-Scripts.sql', 'sql-server-samples-instawdb.sql', 'sql-server-samples-1_PBM_CustomPolicies.sql'];
    parts = files.map((f) => {
      const b = readFileSync(path.join(corpusDir, f));
      return b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf ? b.subarray(3) : b;
    });
    source = `corpus ${corpusDir}`;
  } else {
    const synthetic = [];
    for (let i = 0; i < 2000; i++) synthetic.push(`/* proc ${i} */\nCREATE PROCEDURE dbo.p${i} AS\nBEGIN\n  -- comment GO\n  SELECT '${'x'.repeat(40)} GO', [col ${i}] FROM dbo.t WHERE a = N'it''s';\nEND\nGO\n`);
    parts = [Buffer.from(synthetic.join(''))];
    source = 'synthetic script (corpus absent)';
  }
  const chunks: Buffer[] = [];
  let size = 0;
  while (size < TARGET_BYTES) {
    for (const p of parts) {
      chunks.push(p, separator);
      size += p.length + separator.length;
    }
  }
  return { bytes: Buffer.concat(chunks), source };
}

function benchSplitter(): void {
  const { bytes, source } = buildScript();
  const mb = bytes.length / (1024 * 1024);
  console.log(`Splitter: ${mb.toFixed(1)} MiB from ${source}`);
  const decodeTimes: number[] = [];
  const splitTimes: number[] = [];
  const baselineTimes: number[] = [];
  let batches = 0;
  let lines = 0;
  for (let r = 0; r < ROUNDS; r++) {
    let t = performance.now();
    const text = decodeScript(bytes).text;
    decodeTimes.push(performance.now() - t);
    t = performance.now();
    const result = splitSqlText(text, { file: 'bench.sql' });
    splitTimes.push(performance.now() - t);
    batches = result.batches.length;
    t = performance.now();
    lines = text.split('\n').length;
    baselineTimes.push(performance.now() - t);
  }
  const split = median(splitTimes);
  const decode = median(decodeTimes);
  const base = median(baselineTimes);
  console.log(`  batches: ${batches}, lines: ${lines}`);
  console.log(`  split (decoded text):      ${(mb / (split / 1000)).toFixed(0)} MB/s  (${split.toFixed(0)} ms)`);
  console.log(`  decode + split (bytes):    ${(mb / ((split + decode) / 1000)).toFixed(0)} MB/s  (${(split + decode).toFixed(0)} ms)`);
  console.log(`  baseline line split:       ${(mb / (base / 1000)).toFixed(0)} MB/s  (${base.toFixed(0)} ms)`);
  console.log(`  ratio split / line split:  ${(split / base).toFixed(2)}  (target >= 100 MB/s for the splitter; best run ${(mb / (Math.min(...splitTimes) / 1000)).toFixed(0)} MB/s)`);
  console.log(`  (load average ${loadavg().map((l) => l.toFixed(1)).join(' ')} on ${cpus().length} CPUs: absolute MB/s scale with free CPU, the ratio much less)`);
}

async function benchRunner(): Promise<void> {
  const BATCHES = 5000;
  const server = await startTdsServer({ logins: [{ user: 'bench', password: 'bench-pw' }] });
  const work = mkdtempSync(path.join(tmpdir(), 'dr-bench-sql-'));
  const pkg = path.join(work, 'pkg');
  mkdirSync(pkg);
  const texts = Array.from({ length: BATCHES }, (_, i) => `SELECT ${i + 1}`);
  writeFileSync(path.join(pkg, '001-small-batches.sql'), texts.join('\nGO\n') + '\n');
  const settings = resolveConnectionSettings({ server: `127.0.0.1,${server.port}`, user: 'bench', password: 'bench-pw', database: 'Bench', encrypt: 'optional' });

  const bare = async () => {
    const t = performance.now();
    const connection = new Connection(toTediousConfig(settings));
    await new Promise<void>((resolve, reject) => connection.connect((e) => (e ? reject(e) : resolve())));
    // Same server-visible work as the runner's default per-script mode: the batches inside one transaction.
    await new Promise<void>((resolve, reject) => connection.beginTransaction((e) => (e ? reject(e) : resolve())));
    for (const text of texts) {
      await new Promise<void>((resolve, reject) => connection.execSqlBatch(new Request(text, (e) => (e ? reject(e) : resolve()))));
    }
    await new Promise<void>((resolve, reject) => connection.commitTransaction((e) => (e ? reject(e) : resolve())));
    await new Promise<void>((resolve) => {
      connection.once('end', () => resolve());
      connection.close();
    });
    return performance.now() - t;
  };
  const runner = async () => {
    server.tables.clear();
    const t = performance.now();
    const result = await runSqlScripts({ stepId: 'bench', packageRoot: pkg, connection: settings, onEvent: () => {} });
    if (result.ran.length !== 1) throw new Error('the runner did not run the script');
    return performance.now() - t;
  };

  await bare();
  await runner(); // warm-up both paths
  const bareTimes: number[] = [];
  const runnerTimes: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    bareTimes.push(await bare());
    runnerTimes.push(await runner());
    server.clearRecords();
  }
  const b = median(bareTimes);
  const rn = median(runnerTimes);
  console.log(`Runner: ${BATCHES} small batches against the TDS double (median of ${ROUNDS})`);
  console.log(`  bare tedious loop:         ${b.toFixed(0)} ms  (${((b * 1000) / BATCHES).toFixed(0)} µs/batch)`);
  console.log(`  runSqlScripts:             ${rn.toFixed(0)} ms  (${((rn * 1000) / BATCHES).toFixed(0)} µs/batch)`);
  console.log(`  ratio runner / bare:       ${(rn / b).toFixed(3)}  (target <= 1.15; best-of-${ROUNDS} ratio ${(Math.min(...runnerTimes) / Math.min(...bareTimes)).toFixed(3)})`);
  await server.close();
  rmSync(work, { recursive: true, force: true });
}

// `npm run bench:sql -- --splitter` or `-- --runner` runs one half.
const only = process.argv.includes('--splitter') ? 'splitter' : process.argv.includes('--runner') ? 'runner' : 'both';
if (only !== 'runner') benchSplitter();
if (only !== 'splitter') await benchRunner();
