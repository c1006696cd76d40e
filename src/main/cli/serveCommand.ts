// `frontier serve`: the Frontier UI in a browser, served on 127.0.0.1 with a per-run token, until Ctrl-C.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UsageError } from '../../shared/cli/valueList';
import { createServices } from '../services/handlers';
import { resolveDbPath } from '../store/paths';
import { analyzeOffLoop, ParseWorkers } from '../web/parseWorkers';
import { startWebHost } from '../web/server';
import { parseArgs } from './args';
import type { Io } from './io';

export const SERVE_USAGE = 'frontier serve [--port N] [--db FILE] [--open]';

/** The built renderer, relative to this file: `<repo>/out/renderer`. */
export const RENDERER_DIR = fileURLToPath(new URL('../../../out/renderer', import.meta.url));

function portFlag(value: string | undefined): number {
  if (value === undefined) return 0;
  const n = Number(value);
  if (value.trim() === '' || !Number.isInteger(n) || n < 0 || n > 65535) {
    throw new UsageError(`--port ${value}: must be a whole number from 0 to 65535 (0 picks a free port)`);
  }
  return n;
}

/**
 * Opens the URL in the default browser. Resolves with null once a browser is on its way, or with why none could be
 * opened (no display, no opener, the opener failed) so the caller can say so and point at the URL.
 */
export function openBrowser(url: string, env: NodeJS.ProcessEnv = process.env): Promise<string | null> {
  const linux = process.platform !== 'darwin' && process.platform !== 'win32';
  if (linux && !env.DISPLAY && !env.WAYLAND_DISPLAY) return Promise.resolve('there is no display here');
  const [command, args]: [string, string[]] =
    process.platform === 'darwin'
      ? ['open', [url]]
      : process.platform === 'win32'
        ? ['cmd', ['/c', 'start', '""', url]]
        : ['xdg-open', [url]];
  return new Promise((resolve) => {
    let settled = false;
    const settle = (reason: string | null): void => {
      if (settled) return;
      settled = true;
      resolve(reason);
    };
    try {
      const child = spawn(command, args, { stdio: 'ignore', detached: true, windowsHide: true, env });
      child.on('error', (error: NodeJS.ErrnoException) =>
        settle(error.code === 'ENOENT' ? `${command} is not installed` : `${command} failed: ${error.message}`),
      );
      child.on('exit', (code) => settle(code === 0 ? null : `${command} found no browser (exit code ${code})`));
      child.unref();
      // An opener still running after a few seconds has handed the URL to a browser.
      setTimeout(() => settle(null), 3000).unref();
    } catch (error) {
      settle(`${command} failed: ${(error as Error).message}`);
    }
  });
}

/** Resolves with the signal's name at the first SIGINT or SIGTERM. */
function untilStopped(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const stop = (signal: NodeJS.Signals): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve(signal);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

export async function serveCommand(argv: string[], io: Io): Promise<number> {
  const args = parseArgs('serve', argv, { port: 'string', db: 'string', open: 'bool' });
  if (args.positionals.length > 0) throw new UsageError(`serve takes no arguments\nusage: ${SERVE_USAGE}`);
  const port = portFlag(args.strings.get('port'));
  // Large bodies and uploaded model files are parsed in a worker thread, off the event loop.
  const parser = new ParseWorkers();
  const services = createServices({
    dbPath: resolveDbPath(args.strings.get('db')),
    parseModel: (base64, name, options) => parser.parseModel(base64, name, options),
    calibrate: (params, board) => parser.calibrate(params, board),
    analyzeModel: (graph, request) => analyzeOffLoop(parser, graph, request),
    warmWorkers: true,
  });
  let host;
  try {
    host = await startWebHost({ services, rendererDir: RENDERER_DIR, port, parser });
  } catch (error) {
    services.close();
    parser.close();
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') throw new UsageError(`--port ${port}: the port is in use; choose another or use --port 0`);
    if (code === 'EACCES') throw new UsageError(`--port ${port}: not allowed to listen on this port`);
    throw error;
  }
  const stopped = untilStopped();
  io.out(host.url);
  if (!existsSync(join(RENDERER_DIR, 'index.html'))) {
    io.err(`frontier serve: the UI is not built (no ${join(RENDERER_DIR, 'index.html')}): run \`npm run build\``);
  }
  io.err(`frontier serve: serving ${services.dbPath} on 127.0.0.1:${host.port}; press Ctrl-C to stop`);
  if (args.bools.has('open')) {
    void openBrowser(host.url).then((reason) => {
      if (reason) io.err(`frontier serve: could not open a browser (${reason}); open this address in yours:\n  ${host.url}`);
    });
  }

  const signal = await stopped;
  try {
    await host.close();
  } finally {
    services.close();
    parser.close();
  }
  io.err(`frontier serve: stopped (${signal})`);
  return 0;
}
