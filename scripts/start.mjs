#!/usr/bin/env node
// `npm start`: builds the app when the build is missing or older than its sources, then runs the desktop app where
// Electron's binary is installed, else the same UI in the browser through the web host (`frontier serve --open`).
// Extra arguments are passed on (`npm start -- --port 8080` reaches `frontier serve`).
//
// Electron is detected WITHOUT `require('electron')`: that call downloads the binary when it is missing, which
// fails (slowly) on a machine without internet. Its package records the executable's path in path.txt instead.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const require = createRequire(import.meta.url);
const args = process.argv.slice(2);

const OUTPUTS = ['out/main/index.js', 'out/preload/index.cjs', 'out/renderer/index.html'];
const SOURCES = ['src', 'electron.vite.config.ts', 'package.json', 'tsconfig.json', 'tsconfig.node.json', 'tsconfig.web.json'];

/** Newest modification time under a file or directory (0 when it does not exist). */
function newest(path) {
  let stat;
  try {
    stat = statSync(path);
  } catch {
    return 0;
  }
  if (!stat.isDirectory()) return stat.mtimeMs;
  let latest = stat.mtimeMs;
  for (const entry of readdirSync(path)) latest = Math.max(latest, newest(join(path, entry)));
  return latest;
}

function buildIsStale() {
  const built = OUTPUTS.map((p) => newest(join(root, p)));
  if (built.some((t) => t === 0)) return true;
  const sources = Math.max(...SOURCES.map((p) => newest(join(root, p))));
  return sources > Math.min(...built);
}

function build() {
  const bin = join(dirname(require.resolve('electron-vite/package.json')), 'bin', 'electron-vite.js');
  console.log('Building Frontier (electron-vite build)…');
  const result = spawnSync(process.execPath, [bin, 'build'], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) {
    console.error('The build failed; see the messages above.');
    process.exit(result.status ?? 1);
  }
}

/** The Electron executable if its binary is installed, else null. Never triggers a download. */
function electronBinary() {
  let packageDir;
  try {
    packageDir = dirname(require.resolve('electron/package.json'));
  } catch {
    return null;
  }
  const pathFile = join(packageDir, 'path.txt');
  const relative = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : '';
  if (process.env.ELECTRON_OVERRIDE_DIST_PATH) {
    const exe = join(process.env.ELECTRON_OVERRIDE_DIST_PATH, relative || 'electron');
    return existsSync(exe) ? exe : null;
  }
  if (!relative) return null;
  const exe = join(packageDir, 'dist', relative);
  return existsSync(exe) ? exe : null;
}

/**
 * Runs a child with our stdio and exits with its status. Ctrl-C in the terminal reaches the child directly (same
 * process group), so this process only stays alive for it; a SIGTERM sent to this process alone is passed on.
 */
function run(command, commandArgs, env = process.env) {
  const child = spawn(command, commandArgs, { cwd: root, stdio: 'inherit', env });
  process.on('SIGINT', () => {});
  process.on('SIGTERM', () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
  });
  child.on('error', (error) => {
    console.error(`Could not start ${command}: ${error.message}`);
    process.exit(1);
  });
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

if (buildIsStale()) build();

const electron = electronBinary();
if (electron) {
  // ELECTRON_RUN_AS_NODE would make the binary a plain Node and ignore the app.
  const env = { ...process.env };
  delete env.ELECTRON_RUN_AS_NODE;
  run(electron, ['.', ...args], env);
} else {
  console.log(
    'Electron is not available on this machine (no binary in node_modules/electron/dist); starting the web host instead',
  );
  run(process.execPath, [join(root, 'bin', 'frontier.mjs'), 'serve', '--open', ...args]);
}
