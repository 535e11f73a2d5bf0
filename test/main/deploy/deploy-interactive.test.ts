/**
 * `drop-runner deploy` at a real terminal (a tmux pane, so stdin and stdout are a TTY): the operator's
 * name is asked once and remembered, each manual check is asked with its instructions when the run
 * reaches it, and the journal records who confirmed it. Then `--yes` on the same machine confirms the
 * checks in advance, asks for nothing, and the journal says "confirmed in advance by <operator>".
 * Needs the built CLI and tmux; skips visibly without them.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { repoRoot } from '../../support/browser-host';
import { journalOf, sampleDropZip, closeCliWorld, openCliWorld, type CliWorld } from './deploy-fixture';

const built = existsSync(path.join(repoRoot, 'dist', 'main', 'cli.js'));
const hasTmux = spawnSync('sh', ['-c', 'command -v tmux']).status === 0;
if (!built || !hasTmux) console.warn(`deploy-interactive SKIPPED: ${!built ? 'dist/main/cli.js missing (run `node scripts/build.mjs`)' : 'tmux is not installed'}`);

const socket = `dr-ux-${process.pid}`;
const tmux = (...args: string[]) => spawnSync('tmux', ['-L', socket, ...args], { encoding: 'utf8' });
/** Everything the pane showed, scrollback included, lines re-joined where the pane wrapped them. */
const screen = (session: string) => tmux('capture-pane', '-p', '-J', '-S', '-', '-t', session).stdout;

async function until(session: string, what: RegExp, timeoutMs = 90_000): Promise<string> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const text = screen(session);
    if (what.test(text)) return text;
    if (Date.now() > end) throw new Error(`the terminal never showed ${what}:\n${text}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

let dataDir: string;
let varFile: string;
let zip: string;

beforeAll(async () => {
  zip = await sampleDropZip();
});
let world: CliWorld;
beforeEach(async () => {
  world = await openCliWorld('dr-cli-tty');
  ({ dataDir, varFile } = world);
});
afterEach(async () => {
  tmux('kill-server');
  await closeCliWorld(world);
});

/** Starts `drop-runner deploy …` in a fresh tmux session; the pane stays open after the command to read its exit code. */
function deployInTerminal(session: string, ...extra: string[]): void {
  const cli = [process.execPath, path.join(repoRoot, 'bin', 'drop-runner.js'), 'deploy', zip, '--var-file', varFile, '--data-dir', dataDir, ...extra].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  const started = tmux('new-session', '-d', '-s', session, '-x', '220', '-y', '50', `${cli}; echo "EXIT=$?"; sleep 600`);
  expect(started.status, started.stderr).toBe(0);
}
const type = (session: string, text: string) => {
  tmux('send-keys', '-t', session, '-l', text);
  tmux('send-keys', '-t', session, 'Enter');
};
const onlyDeployment = () => readdirSync(path.join(dataDir, 'deployments')).filter((d) => !d.startsWith('.')).sort();

describe.skipIf(!built || !hasTmux)('deploy at an interactive terminal (tmux)', () => {
  it('asks the operator once, then at each manual check with its instructions; --yes later confirms in advance', async () => {
    const s1 = `${socket}-a`;
    deployInTerminal(s1);
    await until(s1, /Your name, for the deployment report/);
    type(s1, 'Jana de Vries');

    // First manual check, with its instructions (#{InterfaceEngineHost} evaluated), asked when the run reaches it.
    let text = await until(s1, /Done\? \[c\]onfirm/);
    expect(text).toContain('Manual check: ');
    expect(text).toContain("Ask the St. Brigid's integration team to pause the ADT and lab result channels on ie01.sbrh.example");
    expect(text).not.toMatch(/Resume the interface|resume the ADT/);
    type(s1, 'c');

    // The second check comes only after the steps between them ran.
    text = await until(s1, /resume the ADT and lab result channels on ie01\.sbrh\.example[\s\S]*Done\? \[c\]onfirm/);
    expect(text).toMatch(/✔ \[4\/5\] Deploy the Clinical Feeds SSIS project succeeded[\s\S]*resume the ADT/);
    type(s1, 'c');
    text = await until(s1, /EXIT=\d+/);
    expect(text).toContain('EXIT=0');

    const [first] = onlyDeployment();
    const events = journalOf(dataDir, first!);
    const start = events[0]!;
    expect(start.type === 'deployment-started' && start.operator).toBe('Jana de Vries');
    const confirmations = events.flatMap((e) => (e.type === 'artifact' && e.artifact.name === 'Manual check' ? [`${e.artifact.action} ${e.artifact.detail}`] : []));
    expect(confirmations).toEqual(['confirmed by Jana de Vries', 'confirmed by Jana de Vries']);
    // Remembered: never the OS account.
    expect(JSON.parse(readFileSync(path.join(dataDir, 'settings.json'), 'utf8'))).toMatchObject({ 'operator.name': 'Jana de Vries' });

    // Same machine, --yes: no question at all, and the record says the checks were confirmed in advance.
    const s2 = `${socket}-b`;
    deployInTerminal(s2, '--yes');
    text = await until(s2, /EXIT=\d+/);
    expect(text).toContain('EXIT=0');
    expect(text).not.toContain('Your name');
    expect(text).not.toContain('Done? [c]onfirm');
    const second = onlyDeployment().find((d) => d !== first)!;
    const inAdvance = journalOf(dataDir, second).flatMap((e) => (e.type === 'artifact' && e.artifact.name === 'Manual check' ? [e.artifact.detail] : []));
    expect(inAdvance).toEqual(['confirmed in advance by Jana de Vries (deploy --yes)', 'confirmed in advance by Jana de Vries (deploy --yes)']);
  }, 240_000);

  it('an abort at a manual check stops the deployment (exit 1): only the always-run clean-up check asks after it', async () => {
    const s = `${socket}-c`;
    deployInTerminal(s, '--operator', 'Sam Okafor');
    await until(s, /Done\? \[c\]onfirm/);
    type(s, 'a');
    // The sample drop's last check (resume the interface engine) has runCondition "always": it still asks.
    await until(s, /Confirm the interface engine is running again ──[\s\S]*Done\? \[c\]onfirm/);
    type(s, 'c');
    const text = await until(s, /EXIT=\d+/);
    expect(text).toContain('EXIT=1');
    const events = journalOf(dataDir, onlyDeployment()[0]!);
    const started = events.filter((e) => e.type === 'step-started').map((e) => (e as { stepId: string }).stepId);
    expect(started).toEqual([started[0], 'resume-interface-engine']);
    expect(events.at(-1)).toMatchObject({ type: 'deployment-finished', outcome: 'aborted' });
  }, 180_000);

  it('a failed backup before change is asked as such (retry / run without a backup / abort), not as a manual check', async () => {
    world.double.server.backups.scenario.failBackup = { error: 3201 };
    const s = `${socket}-e`;
    deployInTerminal(s, '--operator', 'Sam Okafor');
    await until(s, /Done\? \[c\]onfirm/);
    type(s, 'c');
    let text = await until(s, /\[r\]etry the backup/);
    expect(text).toContain('── The backup before change failed: Update the staging database ──');
    expect(text).toContain('the step runs WITHOUT a backup');
    // "c" is a manual check's answer, not this one's.
    type(s, 'c');
    await until(s, /Answer r, s or a\./);
    type(s, 'r');
    await until(s, /resume the ADT[\s\S]*Done\? \[c\]onfirm/);
    type(s, 'c');
    text = await until(s, /EXIT=\d+/);
    expect(text).toContain('EXIT=0');
    expect(world.double.server.backups.operations.filter((o) => o.kind === 'backup').map((o) => o.ok)).toEqual([false, true]);
    const events = journalOf(dataDir, onlyDeployment()[0]!);
    expect(events.some((e) => e.type === 'artifact' && e.artifact.kind === 'backup' && e.artifact.action === 'written and verified')).toBe(true);
  }, 180_000);

  it('a crash during the clean-up after an abort: resume asks only the clean-up check again and ends aborted, applying nothing more', async () => {
    world.double.server.addResponder({ batch: /CREATE TABLE cdh\.LabResult/i, respond: { error: { number: 262, message: 'CREATE TABLE permission denied in database CDH_Staging.', class: 14 } } });
    const s = `${socket}-f`;
    deployInTerminal(s, '--operator', 'Sam Okafor', '--on-failure', 'abort');
    await until(s, /Done\? \[c\]onfirm/);
    type(s, 'c');
    // The staging step fails, the policy aborts, and the always-run check (resume the interface engine) asks.
    await until(s, /Confirm the interface engine is running again ──[\s\S]*Done\? \[c\]onfirm/);
    // The machine dies while the engineer is at that question.
    const killed = spawnSync('pkill', ['-KILL', '-f', `drop-runner.js deploy .*${dataDir}`]);
    expect(killed.status).toBe(0);
    const [id] = onlyDeployment();
    const before = journalOf(dataDir, id!);
    expect(before.some((e) => e.type === 'deployment-finished')).toBe(false);
    expect(before.some((e) => e.type === 'run-stopped' && e.outcome === 'aborted')).toBe(true);

    const r = `${socket}-g`;
    const cli = [process.execPath, path.join(repoRoot, 'bin', 'drop-runner.js'), 'resume', id!, '--var-file', varFile, '--data-dir', dataDir].map((a) => `'${a}'`).join(' ');
    expect(tmux('new-session', '-d', '-s', r, '-x', '220', '-y', '50', `${cli}; echo "EXIT=$?"; sleep 600`).status).toBe(0);
    await until(r, /Confirm the interface engine is running again ──[\s\S]*Done\? \[c\]onfirm/);
    type(r, 'c');
    const text = await until(r, /EXIT=\d+/);
    expect(text).toContain('EXIT=1');
    expect(text).toContain('only the clean-up steps that did not finish run now');
    const events = journalOf(dataDir, id!);
    expect(events.at(-1)).toMatchObject({ type: 'deployment-finished', outcome: 'aborted' });
    expect(events.find((e) => e.type === 'interrupted')).toMatchObject({ stepId: 'resume-interface-engine' });
    // Nothing of the aborted release ran again: the staging step started once, the steps after it never.
    const started = events.filter((e) => e.type === 'step-started').map((e) => (e as { stepId: string }).stepId);
    expect(started.filter((x) => x === 'staging-db')).toHaveLength(1);
    expect(started).not.toContain('transforms');
    expect(started).not.toContain('ssis-feeds');
    expect(started.filter((x) => x === 'resume-interface-engine')).toHaveLength(2);
    expect(events.filter((e) => e.type === 'step-finished' && e.stepId === 'resume-interface-engine').map((e) => (e as { outcome: string }).outcome)).toEqual(['succeeded']);
  }, 180_000);

  it('Ctrl+C at a manual check stops there instead of waiting for ever', async () => {
    const s = `${socket}-d`;
    deployInTerminal(s, '--operator', 'Sam Okafor');
    await until(s, /Done\? \[c\]onfirm/);
    tmux('send-keys', '-t', s, 'C-c');
    const text = await until(s, /EXIT=\d+/, 60_000);
    expect(text).toContain('Aborted at the manual check (Ctrl+C).');
    expect(text).not.toContain('EXIT=0');
    const events = journalOf(dataDir, onlyDeployment()[0]!);
    expect(events.at(-1)).toMatchObject({ type: 'deployment-finished' });
    expect(events.some((e) => e.type === 'step-started' && e.stepId === 'staging-db')).toBe(false);
  }, 180_000);
});
