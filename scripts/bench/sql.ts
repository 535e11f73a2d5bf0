/**
 * `npm run bench:sql` — two figures, each against a baseline measured in the same run:
 * 1. Batch splitter on a ~100 MB script file built from the public corpus (../shared/corpus/sql; a
 *    synthetic script when it is absent): the streaming path (streamSqlFile: read, decode and split in
 *    64 KiB chunks, batches dropped once counted) against the old whole-text path (read the file,
 *    decode it whole, split it with the pre-streaming splitter kept in whole-text-splitter-baseline.ts,
 *    keep every batch). Each path runs in its own child processes, alternating, so its peak RSS
 *    (VmHWM on Linux) is its own; MB/s is file bytes over read+decode+split time. Targets:
 *    streaming no slower than whole-text (ratio <= 1.0), peak RSS <= 150 MiB and within an idle
 *    Node's RSS + 2x the largest batch + a small constant.
 * 2. Script-runner overhead: 5,000 small batches through runSqlScripts (one connection, per-script
 *    transaction, journal table, splitting, hashing, events) vs a bare tedious loop sending the same
 *    batches in one transaction, both against the same in-process TDS double. Target ratio <= 1.15.
 * 3. (`-- --odbc`, or with the others when the ODBC driver loads) The same runner over the ODBC session
 *    (msnodesqlv8 → unixODBC → FreeTDS) against a bare msnodesqlv8 loop sending the same batches in one
 *    transaction, and against the tedious runner: what the ODBC path adds per batch (its @@TRANCOUNT
 *    reads come once per script, not per batch). Target runner/bare over ODBC <= 1.15, as for tedious.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Connection, Request } from 'tedious';
import { resolveConnectionSettings, toTediousConfig } from '../../main/sql/connection-settings';
import { runSqlScripts } from '../../main/sql/script-runner';
import { startTdsServer } from '../../test/support/tds-server/index';
import { whyNoOdbcPath } from '../../test/support/odbc-driver';
import { createRequire } from 'node:module';
import type { ChildReport, SplitPath } from './sql-split-child';

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

function spawnChild(pathName: SplitPath, file: string): ChildReport {
  // The child is its own small bundle (built beside this one), so its RSS is not this file's imports.
  const child = path.join(path.dirname(fileURLToPath(import.meta.url)), 'sql-split-child.mjs');
  const out = execFileSync(process.execPath, [child, pathName, file], { encoding: 'utf8' });
  return JSON.parse(out.trim().split('\n').pop()!) as ChildReport;
}

function benchSplitter(): void {
  const { bytes, source } = buildScript();
  const mb = bytes.length / (1024 * 1024);
  const work = mkdtempSync(path.join(tmpdir(), 'dr-bench-split-'));
  const file = path.join(work, 'bench.sql');
  writeFileSync(file, bytes);
  console.log(`Splitter: ${mb.toFixed(1)} MiB from ${source}`);
  try {
    const idle = spawnChild('idle', file);
    const runs: Record<'whole-text' | 'streaming', ChildReport[]> = { 'whole-text': [], streaming: [] };
    // Alternate the paths so a change in machine load hits both alike.
    for (let i = 0; i < 3; i++) {
      runs['whole-text'].push(spawnChild('whole-text', file));
      runs.streaming.push(spawnChild('streaming', file));
    }
    const summary = (reports: ChildReport[]) => {
      const times = reports.flatMap((r) => r.times);
      return { ms: median(times), best: Math.min(...times), rss: Math.max(...reports.map((r) => r.maxRssMiB)), batches: reports[0]!.batches, largest: reports[0]!.largestBatchChars };
    };
    const whole = summary(runs['whole-text']);
    const stream = summary(runs.streaming);
    const largestMiB = stream.largest / (1024 * 1024);
    console.log(`  batches: whole-text ${whole.batches}, streaming ${stream.batches}; largest batch ${largestMiB.toFixed(2)} MiB`);
    console.log(`  whole-text (read, decode, split, keep all):  ${(mb / (whole.ms / 1000)).toFixed(0)} MB/s  (${whole.ms.toFixed(0)} ms)  peak RSS ${whole.rss.toFixed(0)} MiB`);
    console.log(`  streaming (64 KiB chunks, batch by batch):   ${(mb / (stream.ms / 1000)).toFixed(0)} MB/s  (${stream.ms.toFixed(0)} ms)  peak RSS ${stream.rss.toFixed(0)} MiB`);
    console.log(`  ratio streaming / whole-text time:           ${(stream.ms / whole.ms).toFixed(2)}  (target <= 1.00; best runs ${(stream.best / whole.best).toFixed(2)})`);
    console.log(`  streaming peak RSS: ${stream.rss.toFixed(0)} MiB = idle Node ${idle.maxRssMiB.toFixed(0)} MiB + ${(stream.rss - idle.maxRssMiB).toFixed(0)} MiB (2x largest batch ${(2 * largestMiB).toFixed(1)} MiB; target <= 150 MiB in all)`);
    console.log(`  (load average ${loadavg().map((l) => l.toFixed(1)).join(' ')} on ${cpus().length} CPUs: absolute MB/s scale with free CPU, the ratio much less)`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** The runner benchmarks' world: a double, one script of `batches` small batches, and settings for it. */
async function runnerWorld(batches: number) {
  const server = await startTdsServer({ logins: [{ user: 'bench', password: 'bench-pw' }] });
  const work = mkdtempSync(path.join(tmpdir(), 'dr-bench-sql-'));
  const pkg = path.join(work, 'pkg');
  mkdirSync(pkg);
  const texts = Array.from({ length: batches }, (_, i) => `SELECT ${i + 1}`);
  writeFileSync(path.join(pkg, '001-small-batches.sql'), texts.join('\nGO\n') + '\n');
  const settings = resolveConnectionSettings({ server: `127.0.0.1,${server.port}`, user: 'bench', password: 'bench-pw', database: 'Bench', encrypt: 'optional' });
  return { server, work, pkg, texts, settings };
}

async function benchRunner(): Promise<void> {
  const BATCHES = 5000;
  const { server, work, pkg, texts, settings } = await runnerWorld(BATCHES);

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

interface OdbcConnection {
  query(sql: string, params: unknown[], cb: (e: unknown, rows?: unknown[], more?: boolean) => void): unknown;
  close(cb: () => void): void;
}

async function benchOdbc(): Promise<void> {
  const why = whyNoOdbcPath();
  if (why) {
    console.log(`ODBC runner: SKIPPED — ${why}`);
    return;
  }
  const odbc = createRequire(path.join(repo, 'package.json'))('msnodesqlv8') as { open(d: { conn_str: string }, cb: (e: unknown, c: OdbcConnection) => void): void };
  const BATCHES = 2000;
  const { server, work, pkg, texts, settings: tedious } = await runnerWorld(BATCHES);
  const viaOdbc = { ...tedious, odbcDriver: 'FreeTDS' };
  const connStr = `Driver={FreeTDS};Server=127.0.0.1,${server.port};Database=Bench;UID=bench;PWD=bench-pw;`;
  const send = (c: OdbcConnection, text: string) => new Promise<void>((resolve, reject) => void c.query(text, [], (e, _r, more) => (e ? reject(e) : more ? undefined : resolve())));

  const bare = async () => {
    const t = performance.now();
    const c = await new Promise<OdbcConnection>((resolve, reject) => odbc.open({ conn_str: connStr }, (e, conn) => (e ? reject(e) : resolve(conn))));
    await send(c, 'BEGIN TRANSACTION');
    for (const text of texts) await send(c, text);
    await send(c, 'COMMIT TRANSACTION');
    await new Promise<void>((resolve) => c.close(() => resolve()));
    return performance.now() - t;
  };
  const runnerOn = (connection: typeof tedious) => async () => {
    server.tables.clear();
    const t = performance.now();
    const result = await runSqlScripts({ stepId: 'bench', packageRoot: pkg, connection, onEvent: () => {} });
    if (result.ran.length !== 1) throw new Error('the runner did not run the script');
    return performance.now() - t;
  };
  const runnerOdbc = runnerOn(viaOdbc);
  const runnerTedious = runnerOn(tedious);
  await bare();
  await runnerOdbc();
  await runnerTedious(); // warm-up
  const times = { bare: [] as number[], odbc: [] as number[], tedious: [] as number[] };
  for (let r = 0; r < ROUNDS; r++) {
    times.bare.push(await bare());
    times.odbc.push(await runnerOdbc());
    times.tedious.push(await runnerTedious());
    server.clearRecords();
  }
  const b = median(times.bare);
  const o = median(times.odbc);
  const t = median(times.tedious);
  console.log(`ODBC runner: ${BATCHES} small batches against the TDS double through msnodesqlv8 → unixODBC → FreeTDS (median of ${ROUNDS})`);
  console.log(`  bare msnodesqlv8 loop:     ${b.toFixed(0)} ms  (${((b * 1000) / BATCHES).toFixed(0)} µs/batch)`);
  console.log(`  runSqlScripts over ODBC:   ${o.toFixed(0)} ms  (${((o * 1000) / BATCHES).toFixed(0)} µs/batch)`);
  console.log(`  runSqlScripts over tedious:${t.toFixed(0).padStart(5)} ms  (${((t * 1000) / BATCHES).toFixed(0)} µs/batch)`);
  console.log(`  ratio ODBC runner / bare:  ${(o / b).toFixed(3)}  (target <= 1.15)`);
  console.log(`  ratio ODBC / tedious runner: ${(o / t).toFixed(3)}`);
  await server.close();
  rmSync(work, { recursive: true, force: true });
}

// `npm run bench:sql -- --splitter`, `-- --runner` or `-- --odbc` runs one part.
const only = process.argv.includes('--splitter') ? 'splitter' : process.argv.includes('--runner') ? 'runner' : process.argv.includes('--odbc') ? 'odbc' : 'all';
if (only === 'all' || only === 'splitter') benchSplitter();
if (only === 'all' || only === 'runner') await benchRunner();
if (only === 'all' || only === 'odbc') await benchOdbc();
