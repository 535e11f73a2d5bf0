/**
 * `npm run bench:journal` — what the crash-safe journal costs a chatty script, in the same run and
 * folder (default: the OS temp folder; pass a folder on the disk you care about as the first argument):
 * 1. 5,000 log events through JournalWriter as deployments use it (redacted, written at once, fsync'ed
 *    as a group within LOG_FLUSH_MS), then one state event (fsync'ed at once);
 * 2. the same with an fsync after every line (what the journal did before grouping);
 * 3. baseline: the same lines with appendFileSync and no fsync.
 * Prints events per second and the ratios to the baseline; medians of 3 rounds.
 */
import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { JournalWriter } from '../../main/journal/journal-file';
import { Redactor } from '../../main/variables/redactor';

const EVENTS = 5_000;
const ROUNDS = 3;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

const base = mkdtempSync(path.join(process.argv[2] ?? tmpdir(), 'drop-runner-bench-journal-'));
const message = (i: number) => `Batch ${i}: (1 row affected) — PRINT output from a chatty post-deployment script, line ${i}`;
const journalMs: number[] = [];
const everyLineMs: number[] = [];
const plainMs: number[] = [];
try {
  for (let round = 0; round < ROUNDS; round++) {
    const journal = JournalWriter.open(path.join(base, `journal-${round}.jsonl`), new Redactor(['not-in-these-lines']));
    let t = performance.now();
    for (let i = 0; i < EVENTS; i++) journal.append({ type: 'log', stepId: 'staging-db', level: 'info', message: message(i), source: 'sql' });
    journal.append({ type: 'step-finished', stepId: 'staging-db', attempt: 1, outcome: 'succeeded', durationMs: 1 });
    journalMs.push(performance.now() - t);
    journal.close();

    const strict = JournalWriter.open(path.join(base, `strict-${round}.jsonl`), new Redactor(['not-in-these-lines']));
    t = performance.now();
    for (let i = 0; i < EVENTS; i++) {
      strict.append({ type: 'log', stepId: 'staging-db', level: 'info', message: message(i), source: 'sql' });
      strict.flush();
    }
    everyLineMs.push(performance.now() - t);
    strict.close();

    const plain = path.join(base, `plain-${round}.jsonl`);
    t = performance.now();
    for (let i = 0; i < EVENTS; i++) appendFileSync(plain, `${JSON.stringify({ seq: i + 1, at: new Date().toISOString(), type: 'log', stepId: 'staging-db', level: 'info', message: message(i), source: 'sql' })}\n`);
    plainMs.push(performance.now() - t);
  }
} finally {
  rmSync(base, { recursive: true, force: true });
}
const j = median(journalMs);
const e = median(everyLineMs);
const p = median(plainMs);
const rate = (ms: number) => `${ms.toFixed(0)} ms = ${Math.round((EVENTS * 1000) / ms)} events/s, ${((ms * 1000) / EVENTS).toFixed(0)} µs per event`;
console.log(`bench:journal — ${EVENTS} log events, median of ${ROUNDS}, folder ${process.argv[2] ?? tmpdir()}, load average ${loadavg()[0]!.toFixed(2)}`);
console.log(`  journal, log lines fsync'ed as a group: ${rate(j)}`);
console.log(`  journal, fsync after every line:        ${rate(e)}`);
console.log(`  baseline, appendFileSync without fsync: ${rate(p)}`);
console.log(`  ratios to the baseline: grouped ${(j / p).toFixed(2)}, every line ${(e / p).toFixed(2)}`);
