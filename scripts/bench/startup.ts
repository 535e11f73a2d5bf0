/**
 * `npm run bench:startup` — what starting Drop Runner costs, against plain Node in the same run:
 * CPU time (user + system, of the whole process, all threads) of `drop-runner --version`,
 * `drop-runner inspect` of the sample drop and `drop-runner eval`, each beside `node -e 0`, as medians
 * of interleaved runs; and the browser host's wall time from spawn to its first served page.
 * Goals (issue 14): --version ≤ 1.5× node -e 0; inspect of the sample drop ≤ 0.5 s CPU.
 * Uses the built CLI (runs `node scripts/build.mjs --main-only` when dist/ is missing).
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { buildSampleDrop } from '../../test/support/fixtures/sample-drop';

const ROUNDS = 11;
const root = process.cwd();
const bin = path.join(root, 'bin', 'drop-runner.js');
if (!existsSync(path.join(root, 'dist', 'main', 'cli.js'))) spawnSync(process.execPath, ['scripts/build.mjs', '--main-only'], { stdio: 'inherit' });

const work = mkdtempSync(path.join(tmpdir(), 'drop-runner-bench-startup-'));
// Every measured process loads this first; it writes the process's own CPU time when it exits.
const reporter = path.join(work, 'cpu-report.mjs');
writeFileSync(reporter, "import { writeFileSync } from 'node:fs';\nprocess.on('exit', () => { const u = process.cpuUsage(); writeFileSync(process.env.BENCH_CPU_OUT, String((u.user + u.system) / 1000)); });\n");

function cpuMs(args: string[]): number {
  const out = path.join(work, 'cpu.txt');
  rmSync(out, { force: true });
  const r = spawnSync(process.execPath, ['--import', `file://${reporter}`, ...args], { env: { ...process.env, BENCH_CPU_OUT: out }, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  if (r.status !== 0 && r.status !== 3) throw new Error(`${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return Number(readFileSync(out, 'utf8'));
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function firstPageMs(dataDir: string): Promise<number> {
  const started = performance.now();
  const child = spawn(process.execPath, [bin, 'serve', '--data-dir', dataDir], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let text = '';
      child.stdout.on('data', (chunk: Buffer) => {
        text += chunk.toString();
        const m = /http:\/\/127\.0\.0\.1:\d+\/\?token=\S+/.exec(text);
        if (m) resolve(m[0]);
      });
      child.once('exit', (code) => reject(new Error(`serve exited ${code}`)));
    });
    await new Promise<void>((resolve, reject) => {
      http.get(url, (res) => {
        res.resume();
        res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`first page: HTTP ${res.statusCode}`))));
      }).on('error', reject);
    });
    return performance.now() - started;
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
  }
}

try {
  const zip = await buildSampleDrop({ outDir: work, release: '2.4.0', sign: true, zipName: 'sample-drop.zip' });
  const dataDir = path.join(work, 'data');
  const series = { node: [] as number[], version: [] as number[], inspect: [] as number[], eval: [] as number[] };
  cpuMs([bin, '--version']); // warm the file cache once; not counted
  for (let i = 0; i < ROUNDS; i++) {
    series.node.push(cpuMs(['-e', '0']));
    series.version.push(cpuMs([bin, '--version']));
    series.inspect.push(cpuMs([bin, 'inspect', zip, '--data-dir', dataDir]));
    series.eval.push(cpuMs([bin, 'eval', '#{Greeting | ToUpper} from #{Site}', '--var', 'Greeting=hello', '--var', 'Site=St Mary']));
  }
  const pages: number[] = [];
  for (let i = 0; i < 5; i++) pages.push(await firstPageMs(path.join(work, `serve-${i}`)));

  const base = median(series.node);
  const line = (label: string, ms: number, extra = '') => console.log(`${label.padEnd(34)} ${ms.toFixed(0).padStart(6)} ms CPU  ${(ms / base).toFixed(2)}× node -e 0${extra}`);
  console.log(`bench:startup — medians of ${ROUNDS} interleaved runs; ${cpus().length} cores, load ${loadavg()[0]!.toFixed(2)}`);
  line('node -e 0 (baseline)', base);
  line('drop-runner --version', median(series.version), `   (goal ≤ 1.50×: ${median(series.version) / base <= 1.5 ? 'met' : 'NOT met'})`);
  line('drop-runner inspect <sample drop>', median(series.inspect), `   (goal ≤ 500 ms CPU: ${median(series.inspect) <= 500 ? 'met' : 'NOT met'})`);
  line('drop-runner eval', median(series.eval));
  console.log(`${'browser host: spawn to first page'.padEnd(34)} ${median(pages).toFixed(0).padStart(6)} ms wall (median of ${pages.length})`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
