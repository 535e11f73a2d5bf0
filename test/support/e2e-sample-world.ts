/**
 * The set-up the Playwright specs share: the TDS double with SSISDB (in the Playwright process, so a
 * spec can make it fail a batch), the sample drop built once per release asked for, the app host
 * (Electron where a binary exists, else the browser host) and, unless a spec tests trusting it itself,
 * the example publisher trusted. closeSampleHostWorld undoes all of it, whatever was started.
 */
import { expect } from '@playwright/test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDeployDouble, type DeployDouble } from '../main/deploy/deploy-fixture';
import { startAppHost, type AppHost, type HostChoice } from './app-host';
import { buildSampleDrop, exampleKeyPaths, type SampleRelease } from './fixtures/sample-drop';
import { runDropRunner } from './run-cli';

export interface SampleHostWorld {
  double: DeployDouble;
  host: AppHost;
  /** Scratch folder holding the built zips (and whatever a spec writes beside them). */
  dir: string;
  /** The sample drop's zip per release asked for. */
  zips: Partial<Record<SampleRelease, string>>;
}

export async function openSampleHostWorld(
  choice: HostChoice,
  options: { prefix: string; releases?: SampleRelease[]; trustPublisher?: boolean },
  world: Partial<SampleHostWorld> = {},
): Promise<SampleHostWorld> {
  // Filled in as it goes, so closeSampleHostWorld(world) after a failed set-up stops what did start.
  world.double = await startDeployDouble();
  const dir = (world.dir = mkdtempSync(join(tmpdir(), options.prefix)));
  const releases: SampleRelease[] = options.releases ?? ['2.4.0'];
  const built = await Promise.all(releases.map((release) => buildSampleDrop({ outDir: dir, release })));
  world.zips = Object.fromEntries(releases.map((release, i) => [release, built[i]!]));
  const host = (world.host = await startAppHost(choice));
  if (options.trustPublisher !== false) {
    const trusted = await runDropRunner(['trust', 'add', exampleKeyPaths().publicKeyPath, '--name', 'Example Vendor', '--data-dir', host.dataDir]);
    expect(trusted.code, trusted.stderr).toBe(0);
  }
  return world as SampleHostWorld;
}

/** Stops the host (already stopped is fine) and the double, and removes the host's data and the scratch folder. */
export async function closeSampleHostWorld(world: Partial<SampleHostWorld>): Promise<void> {
  await world.host?.stop().catch(() => undefined);
  await world.double?.server.close();
  if (world.host) rmSync(world.host.dataDir, { recursive: true, force: true });
  if (world.dir) rmSync(world.dir, { recursive: true, force: true });
}
