/**
 * `npm run bench:open`: opening a ~300 MB drop (open + verify + extract + hash) against the plain
 * baseline `unzip -q` followed by sha256 of every extracted file, measured in the same run on the
 * same warm page cache. Prints the ratio and our peak RSS (measured in a child process so only
 * openDrop's own memory counts). Targets: ratio ≤ 1.5, peak RSS ≤ 200 MB.
 * Flags: --keep (leave the generated drop), --runs <n> (default 3), --strict (exit 1 when a target is missed).
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDrop } from '../../main/drop/open-drop';
import { packDrop } from '../../main/drop/pack';

const TARGET_RATIO = 1.5;
const TARGET_RSS_MB = 200;
const MiB = 1024 * 1024;

async function child(zipPath: string, dataDir: string): Promise<void> {
  const started = process.hrtime.bigint();
  const drop = await openDrop(zipPath, { dataDir });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  const usage = process.resourceUsage();
  const cpuMs = (usage.userCPUTime + usage.systemCPUTime) / 1000;
  process.stdout.write(JSON.stringify({ ms, cpuMs, maxRssKb: usage.maxRSS, files: drop.files.length }));
}

/** Pseudo-random but compressible CSV, like an extract a vendor ships as reference data. */
function csv(bytes: number, seed: number): Buffer {
  const wards = ['ED', 'ICU', 'MAT', 'ONC', 'SURG', 'PAED'];
  const lines: string[] = ['VisitNumber,PatientMrn,WardCode,AdmittedAt,Status'];
  let size = lines[0]!.length + 1;
  let x = seed;
  while (size < bytes) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    const line = `V${(x % 90000000) + 10000000},M${(x >>> 7) % 9000000},${wards[x % wards.length]},2026-${String((x % 12) + 1).padStart(2, '0')}-${String((x % 28) + 1).padStart(2, '0')}T${String(x % 24).padStart(2, '0')}:00:00,${x % 3 === 0 ? 'Discharged' : 'Admitted'}`;
    lines.push(line);
    size += line.length + 1;
  }
  return Buffer.from(lines.join('\n')).subarray(0, bytes);
}

function generate(dir: string): void {
  mkdirSync(join(dir, 'data', 'random'), { recursive: true });
  mkdirSync(join(dir, 'data', 'csv'), { recursive: true });
  mkdirSync(join(dir, 'sql'), { recursive: true });
  writeFileSync(join(dir, 'data', 'random', 'big.bin'), randomBytes(120 * MiB));
  for (let i = 0; i < 110; i++) writeFileSync(join(dir, 'data', 'random', `r${String(i).padStart(3, '0')}.bin`), randomBytes(MiB));
  for (let i = 0; i < 50; i++) writeFileSync(join(dir, 'data', 'csv', `extract${String(i).padStart(2, '0')}.csv`), csv(4 * MiB, i + 1));
  for (let i = 0; i < 2000; i++) {
    const body = `-- script ${i}\nCREATE OR ALTER PROCEDURE cdh.usp_Bench${i} AS\nBEGIN\n  SET NOCOUNT ON;\n  SELECT ${i} AS Value, N'${randomBytes(1200).toString('base64')}' AS Payload;\nEND\nGO\n`;
    writeFileSync(join(dir, 'sql', `${String(i).padStart(4, '0')}_bench.sql`), body.repeat(2));
  }
  const manifest = {
    formatVersion: '1',
    project: { id: 'bench', name: 'Benchmark' },
    release: { version: '1.0.0', created: '2026-11-26T00:00:00Z' },
    target: { tenantId: 'bench', tenantName: 'Bench Hospital', environment: 'Test' },
    publisher: { name: 'Bench' },
    variables: [],
    steps: [{ id: 'sql', name: 'Scripts', type: 'sql-scripts', package: 'sql', settings: { connection: 'x' } }],
  };
  writeFileSync(join(dir, 'drop.json'), JSON.stringify(manifest, null, 2));
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function timed(fn: () => void): number {
  const started = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - started) / 1e6;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args[0] === '--child') return child(args[1]!, args[2]!);
  const runs = Number(args[args.indexOf('--runs') + 1]) || 3;
  const work = mkdtempSync(join(tmpdir(), 'bench-open-'));
  try {
    const src = join(work, 'src');
    process.stdout.write('generating the drop folder…\n');
    generate(src);
    const zipPath = join(work, 'bench-drop.zip');
    process.stdout.write('packing…\n');
    const packed = await packDrop(src, zipPath);
    rmSync(src, { recursive: true, force: true });
    const zipSize = statSync(zipPath).size;
    const uncompressed = packed.files.reduce((s, f) => s + f.size, 0);
    process.stdout.write(`drop: ${(zipSize / 1e6).toFixed(1)} MB zip, ${packed.files.length + 1} entries, ${(uncompressed / 1e6).toFixed(1)} MB uncompressed\n`);
    // Warm the page cache so neither side pays for the first read.
    spawnSync('cat', [zipPath], { stdio: ['ignore', 'ignore', 'inherit'] });

    const baseline: number[] = [];
    const ours: number[] = [];
    const baselineCpu: number[] = [];
    const oursCpu: number[] = [];
    let peakKb = 0;
    for (let run = 0; run < runs; run++) {
      const out = join(work, 'unzipped');
      rmSync(out, { recursive: true, force: true });
      baseline.push(
        timed(() => {
          const script = 'TIMEFORMAT="%U %S"; time (unzip -q "$1" -d "$2" && find "$2" -type f -print0 | xargs -0 sha256sum > /dev/null)';
          const r = spawnSync('bash', ['-c', script, 'bench', zipPath, out]);
          if (r.status !== 0) throw new Error(`baseline failed: ${r.stderr.toString()}`);
          const [user = 0, sys = 0] = r.stderr.toString().trim().split(/\s+/).slice(-2).map(Number);
          baselineCpu.push((user + sys) * 1000);
        }),
      );
      rmSync(out, { recursive: true, force: true });
      const dataDir = join(work, 'data');
      rmSync(dataDir, { recursive: true, force: true });
      let report = { ms: 0, cpuMs: 0, maxRssKb: 0, files: 0 };
      ours.push(
        timed(() => {
          const r = spawnSync(process.execPath, [process.argv[1]!, '--child', zipPath, dataDir], { maxBuffer: 1e6 });
          if (r.status !== 0) throw new Error(`openDrop failed: ${r.stderr.toString()}`);
          report = JSON.parse(r.stdout.toString()) as typeof report;
        }),
      );
      rmSync(dataDir, { recursive: true, force: true });
      peakKb = Math.max(peakKb, report.maxRssKb);
      oursCpu.push(report.cpuMs);
      process.stdout.write(`run ${run + 1}: unzip+sha256 ${(baseline.at(-1)! / 1000).toFixed(2)} s, openDrop ${(ours.at(-1)! / 1000).toFixed(2)} s (in-process ${(report.ms / 1000).toFixed(2)} s), peak RSS ${(report.maxRssKb / 1024).toFixed(0)} MB\n`);
    }
    const ratio = median(ours) / median(baseline);
    const cpuRatio = median(oursCpu) / median(baselineCpu);
    const rssMb = peakKb / 1024;
    process.stdout.write(
      [
        '',
        `baseline (unzip -q + sha256sum, median of ${runs}): ${(median(baseline) / 1000).toFixed(2)} s`,
        `openDrop (open+verify+extract+hash, median of ${runs}): ${(median(ours) / 1000).toFixed(2)} s`,
        `ratio: ${ratio.toFixed(2)}  (target ≤ ${TARGET_RATIO}) ${ratio <= TARGET_RATIO ? 'PASS' : 'MISS'}`,
        `CPU time (user+sys, median): baseline ${(median(baselineCpu) / 1000).toFixed(2)} s, openDrop ${(median(oursCpu) / 1000).toFixed(2)} s, ratio ${cpuRatio.toFixed(2)} (for reference on a busy machine)`,
        `peak RSS of openDrop: ${rssMb.toFixed(0)} MB  (target ≤ ${TARGET_RSS_MB} MB) ${rssMb <= TARGET_RSS_MB ? 'PASS' : 'MISS'}`,
        '',
      ].join('\n'),
    );
    if (args.includes('--strict') && (ratio > TARGET_RATIO || rssMb > TARGET_RSS_MB)) process.exitCode = 1;
  } finally {
    if (!args.includes('--keep')) rmSync(work, { recursive: true, force: true });
    else process.stdout.write(`kept ${work}\n`);
  }
}

await main();
