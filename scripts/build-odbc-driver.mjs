// `npm run odbc-driver`: makes the msnodesqlv8 (ODBC) driver loadable on this Linux machine, so the
// ODBC session path (main/sql/odbc-session.ts) runs against the TDS double through unixODBC and
// FreeTDS's ODBC driver, as issue 13 asks. On Windows a hospital simply runs `npm install msnodesqlv8`
// (Windows prebuilt); this script exists for the build and test machine only.
//
// Why a build is needed here, measured with msnodesqlv8 5.5.0 on Node 20:
//  - its linux-x64 prebuilt declares Node-API version 10, and Node 20 (Node-API 9) crashes with
//    SIGSEGV inside napi_module_register_by_symbol while loading it (Electron 41's Node loads it);
//  - its source build includes <msodbcsql.h>, which only Microsoft's msodbcsql18 package installs
//    (not in Debian). The same constants and structs are in the ODBC section of sqlncli.h, which the
//    package itself ships for its Windows build, so a stand-in msodbcsql.h is derived from that
//    section at build time (nothing of it is kept in this repository).
// msnodesqlv8 is an optional dependency whose install script allowScripts denies, so npm ci leaves only its
// prebuilt binaries; this builds from that package (or, without it, from the registry) and puts the binary in
// its build/Release, where node-gyp-build looks first, then checks it by loading it in a child process (a
// bad native module would crash this one).
// Exit codes: 0 built (or already there), 2 a prerequisite is missing (named), 1 the build failed.
// It writes .tmp/odbc-driver/status.json either way, so the ODBC suite can say exactly why it skips.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

const VERSION = '5.5.0';
const WORK = resolve('.tmp/odbc-driver');
const TARGET = resolve('node_modules/msnodesqlv8');
const STATUS = join(WORK, 'status.json');

function finish(code, status) {
  mkdirSync(WORK, { recursive: true });
  writeFileSync(STATUS, JSON.stringify({ version: VERSION, node: process.versions.node, ...status }, null, 2));
  console.log(status.ok ? `odbc-driver: ${status.message}` : `odbc-driver: NOT BUILT — ${status.reason}`);
  process.exit(code);
}

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, ...options });
  return { ok: result.status === 0, output: `${result.stdout ?? ''}${result.stderr ?? ''}`, status: result.status, signal: result.signal };
}

/** Loads the driver in a child process: a native module that crashes must not take this script down. */
function loadsInChild() {
  const probe = run(process.execPath, ['-e', "const m = require('msnodesqlv8'); if (typeof m.open !== 'function') throw new Error('no open()'); console.log('ok')"]);
  if (probe.ok && probe.output.includes('ok')) return { ok: true };
  return { ok: false, why: probe.signal ? `the process died with ${probe.signal}` : probe.output.trim().split('\n').slice(-3).join(' ') };
}

if (process.platform !== 'linux') finish(2, { ok: false, reason: `this build is for Linux test machines; on ${process.platform} run "npm install msnodesqlv8" (prebuilt)` });

if (existsSync(join(TARGET, 'build/Release/sqlserver.node')) && loadsInChild().ok) {
  finish(0, { ok: true, message: `msnodesqlv8 ${VERSION} already built in node_modules/msnodesqlv8` });
}

// Prerequisites, each named with the Debian package that provides it.
const missing = [];
if (!existsSync('/usr/include/sql.h')) missing.push('unixodbc-dev (ODBC headers)');
if (run('sh', ['-c', 'command -v g++ && command -v make']).ok === false) missing.push('g++ make (a C++ compiler)');
if (run('sh', ['-c', 'command -v python3']).ok === false) missing.push('python3 (node-gyp)');
const nodeDir = resolve(dirname(process.execPath), '..');
if (!existsSync(join(nodeDir, 'include/node/node_api.h'))) missing.push(`Node's C headers (${join(nodeDir, 'include/node')}; node-gyp cannot download them here)`);
const nodeGyp = process.env.npm_config_node_gyp ?? join(nodeDir, 'lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js');
if (!existsSync(nodeGyp)) missing.push(`node-gyp (npm's own copy was not found at ${nodeGyp})`);
if (missing.length > 0) finish(2, { ok: false, reason: `missing: ${missing.join('; ')}. On Debian: apt-get install -y unixodbc-dev tdsodbc g++ make python3` });

// The sources: the optional dependency npm ci installed (its install script is denied in allowScripts, so
// it holds only the prebuilt binaries), or else the exact release fetched from the npm registry.
rmSync(WORK, { recursive: true, force: true });
mkdirSync(WORK, { recursive: true });
const source = join(WORK, 'package');
const installed = existsSync(join(TARGET, 'package.json')) ? JSON.parse(readFileSync(join(TARGET, 'package.json'), 'utf8')) : undefined;
if (installed?.version === VERSION && existsSync(join(TARGET, 'binding.gyp'))) {
  // node-addon-api and node-gyp-build are its dependencies, so npm ci installed them beside it.
  cpSync(TARGET, source, { recursive: true });
} else {
  const pack = run('npm', ['pack', `msnodesqlv8@${VERSION}`, '--pack-destination', WORK, '--silent']);
  if (!pack.ok) finish(1, { ok: false, reason: `npm pack msnodesqlv8@${VERSION} failed: ${pack.output.trim().slice(-400)}` });
  const tarball = readdirSync(WORK).find((f) => f.endsWith('.tgz'));
  const untar = run('tar', ['xzf', join(WORK, tarball), '-C', WORK]);
  if (!untar.ok) finish(1, { ok: false, reason: `could not unpack ${tarball}: ${untar.output.trim()}` });
  // Only its two runtime dependencies are needed to build (node-addon-api's headers, node-gyp-build).
  const manifest = JSON.parse(readFileSync(join(source, 'package.json'), 'utf8'));
  delete manifest.devDependencies;
  delete manifest.scripts;
  writeFileSync(join(source, 'package.json'), JSON.stringify(manifest, null, 2));
  const deps = run('npm', ['install', '--ignore-scripts', '--no-audit', '--no-fund', '--no-package-lock'], { cwd: source });
  if (!deps.ok) finish(1, { ok: false, reason: `installing node-addon-api and node-gyp-build failed: ${deps.output.trim().slice(-400)}` });
}

// The stand-in <msodbcsql.h>: the ODBC section of the package's own sqlncli.h, with the two Windows
// packing includes written as the pragmas they stand for and the two Windows names it uses defined.
const sqlncli = readFileSync(join(source, 'cpp/include/odbc/sqlncli.h'), 'utf8').split('\n');
const open = '#if defined(_SQLNCLI_ODBC_) || !defined(_SQLNCLI_OLEDB_)';
const start = sqlncli.lastIndexOf(open);
const end = sqlncli.findIndex((line, i) => i > start && line.startsWith('#endif  // defined(_SQLNCLI_ODBC_) || !defined(_SQLNCLI_OLEDB_)'));
if (start < 0 || end < 0) finish(1, { ok: false, reason: 'sqlncli.h in this msnodesqlv8 release has no ODBC section to derive msodbcsql.h from' });
const compat = join(WORK, 'compat');
mkdirSync(compat, { recursive: true });
writeFileSync(
  join(compat, 'msodbcsql.h'),
  [
    '#pragma once',
    '/* Derived at build time by scripts/build-odbc-driver.mjs from the ODBC section of msnodesqlv8\'s sqlncli.h. */',
    '#include <sql.h>',
    '#include <sqlext.h>',
    '#include <sqlucode.h>',
    'typedef int LONG; /* Windows LONG is 32 bits on every Windows ABI */',
    '#define __in_bcount(x) /* a Windows source annotation */',
    ...sqlncli.slice(start + 1, end).map((line) =>
      line.startsWith('#include <pshpack8.h>') ? '#pragma pack(push, 8)' : line.startsWith('#include <poppack.h>') ? '#pragma pack(pop)' : line,
    ),
    '',
  ].join('\n'),
);

console.log(`odbc-driver: compiling msnodesqlv8 ${VERSION} against unixODBC (about a minute on two cores)…`);
const build = run(process.execPath, [nodeGyp, 'rebuild', `--nodedir=${nodeDir}`, '-j', '2'], {
  cwd: source,
  env: { ...process.env, CPLUS_INCLUDE_PATH: [compat, process.env.CPLUS_INCLUDE_PATH].filter(Boolean).join(':') },
});
writeFileSync(join(WORK, 'build.log'), build.output);
if (!build.ok || !existsSync(join(source, 'build/Release/sqlserver.node'))) {
  const firstError = build.output.split('\n').find((l) => /error/i.test(l)) ?? build.output.trim().slice(-400);
  finish(1, { ok: false, reason: `the C++ build failed (full log .tmp/odbc-driver/build.log): ${firstError}` });
}

// Install the binary where node-gyp-build looks first (build/Release, before the prebuilds), in the package
// npm installed; or, without one, the package itself where `npm install msnodesqlv8` would put it.
if (installed?.version === VERSION) {
  mkdirSync(join(TARGET, 'build', 'Release'), { recursive: true });
  cpSync(join(source, 'build/Release/sqlserver.node'), join(TARGET, 'build/Release/sqlserver.node'));
} else {
  rmSync(TARGET, { recursive: true, force: true });
  for (const part of ['package.json', 'lib', 'build/Release/sqlserver.node', 'node_modules/node-gyp-build', 'LICENSE']) {
    cpSync(join(source, part), join(TARGET, part), { recursive: true });
  }
}
const loaded = loadsInChild();
if (!loaded.ok) {
  rmSync(join(TARGET, 'build'), { recursive: true, force: true });
  finish(1, { ok: false, reason: `the built driver does not load: ${loaded.why}` });
}
finish(0, { ok: true, message: `msnodesqlv8 ${VERSION} built against unixODBC and installed in node_modules/msnodesqlv8` });
