/**
 * One measured splitter run for `npm run bench:sql` (see sql.ts): `node sql-split-child.mjs <path> <file>`
 * prints a JSON ChildReport. A separate entry point so the process holds only the splitter, and its
 * peak RSS is the path's own. `idle` measures Node with these imports alone.
 * The streaming path does not hash (hash: false): the whole-text path it is compared with does not either.
 */
import { existsSync, readFileSync } from 'node:fs';
import { streamSqlFile } from '../../main/sql/script-file';
import { decodeScript } from '../../main/sql/script-decoding';
import { splitSqlText as splitWholeTextBaseline } from './whole-text-splitter-baseline';

export type SplitPath = 'idle' | 'whole-text' | 'streaming';

export interface ChildReport {
  path: SplitPath;
  times: number[];
  batches: number;
  largestBatchChars: number;
  maxRssMiB: number;
}

// One path, measured inside a child process (see the file comment): a warm-up, then CHILD_ROUNDS timed runs.
const CHILD_ROUNDS = 2;
function runChild(pathName: SplitPath, file: string): ChildReport {
  const times: number[] = [];
  let batches = 0;
  let largest = 0;
  for (let r = 0; pathName !== 'idle' && r <= CHILD_ROUNDS; r++) {
    const t = performance.now();
    batches = 0;
    if (pathName === 'whole-text') {
      const result = splitWholeTextBaseline(decodeScript(readFileSync(file)).text, { file: 'bench.sql' });
      batches = result.batches.length;
      for (const b of result.batches) largest = Math.max(largest, b.text.length);
    } else {
      for (const b of streamSqlFile(file, { displayName: 'bench.sql', hash: false })) {
        batches++;
        if (b.text.length > largest) largest = b.text.length;
      }
    }
    if (r > 0) times.push(performance.now() - t);
  }
  return { path: pathName, times, batches, largestBatchChars: largest, maxRssMiB: peakRssMiB() };
}

/**
 * Peak RSS of this process. On Linux, VmHWM: getrusage's maxRSS of a spawned child starts at its
 * parent's RSS (the high-water mark survives fork + exec), which here is the 100 MiB script builder.
 */
function peakRssMiB(): number {
  if (existsSync('/proc/self/status')) {
    const hwm = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync('/proc/self/status', 'utf8'));
    if (hwm) return Number(hwm[1]) / 1024;
  }
  return process.resourceUsage().maxRSS / 1024;
}

console.log(JSON.stringify(runChild(process.argv[2] as SplitPath, process.argv[3]!)));
