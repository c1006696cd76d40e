// Where the sweep database lives: --db, else $FRONTIER_DB, else the user's data directory for this platform.
import { mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { StoreError, messageOf } from './errors';

export const DB_FILE_NAME = 'frontier.db';

export interface PathContext {
  env?: NodeJS.ProcessEnv;
  platform?: NodeJS.Platform;
  home?: string;
  cwd?: string;
}

const pathFor = (platform: NodeJS.Platform): path.PlatformPath => (platform === 'win32' ? path.win32 : path.posix);

const nonEmpty = (v: string | undefined): string | undefined => (v !== undefined && v.trim() !== '' ? v : undefined);

function expandHome(p: string, home: string, platform: NodeJS.Platform): string {
  if (p === '~') return home;
  if (p.startsWith('~/') || (platform === 'win32' && p.startsWith('~\\'))) {
    return pathFor(platform).join(home, p.slice(2));
  }
  return p;
}

/** The platform's default: XDG on Linux (and other Unixes), Application Support on macOS, %APPDATA% on Windows. */
export function platformDbPath(ctx: PathContext = {}): string {
  const env = ctx.env ?? process.env;
  const platform = ctx.platform ?? process.platform;
  const home = ctx.home ?? homedir();
  if (platform === 'win32') {
    const appData = nonEmpty(env.APPDATA) ?? path.win32.join(home, 'AppData', 'Roaming');
    return path.win32.join(appData, 'Frontier', DB_FILE_NAME);
  }
  if (platform === 'darwin') return path.posix.join(home, 'Library', 'Application Support', 'Frontier', DB_FILE_NAME);
  const xdg = nonEmpty(env.XDG_DATA_HOME);
  // The XDG spec says a relative XDG_DATA_HOME is invalid and should be ignored.
  const base = xdg !== undefined && path.posix.isAbsolute(xdg) ? xdg : path.posix.join(home, '.local', 'share');
  return path.posix.join(base, 'frontier', DB_FILE_NAME);
}

/** `$FRONTIER_DB` when set, else the platform's default. Does not touch the file system. */
export function defaultDbPath(ctx: PathContext = {}): string {
  const env = ctx.env ?? process.env;
  const fromEnv = nonEmpty(env.FRONTIER_DB);
  if (fromEnv === undefined) return platformDbPath(ctx);
  if (fromEnv === ':memory:') return fromEnv;
  const platform = ctx.platform ?? process.platform;
  const expanded = expandHome(fromEnv, ctx.home ?? homedir(), platform);
  return pathFor(platform).resolve(ctx.cwd ?? process.cwd(), expanded);
}

/**
 * The database a command would use, without touching the file system: the `--db` flag wins over `$FRONTIER_DB`,
 * which wins over the platform default. `:memory:` passes through.
 */
export function dbPathFor(flag?: string, ctx: PathContext = {}): string {
  if (flag === undefined) return defaultDbPath(ctx);
  if (flag.trim() === '') throw new StoreError('--db needs a file path');
  if (flag === ':memory:') return flag;
  const platform = ctx.platform ?? process.platform;
  const expanded = expandHome(flag, ctx.home ?? homedir(), platform);
  return pathFor(platform).resolve(ctx.cwd ?? process.cwd(), expanded);
}

/**
 * The databases a file written by a command must never replace: the one `--db` names, and the one Frontier uses by
 * default (`$FRONTIER_DB` or the platform's), whichever the command itself opens.
 */
export function protectedDatabases(flag?: string, ctx: PathContext = {}): string[] {
  // The command's own first (`:memory:` included, which names no file), so that messages can say which is which.
  return [...new Set([dbPathFor(flag, ctx), defaultDbPath(ctx)])];
}

/**
 * The database to use: the `--db` flag wins over `$FRONTIER_DB`, which wins over the platform default.
 * Creates the file's directory (not the file). `:memory:` passes through.
 */
export function resolveDbPath(flag?: string, ctx: PathContext = {}): string {
  const target = dbPathFor(flag, ctx);
  if (target === ':memory:') return target;
  const dir = pathFor(ctx.platform ?? process.platform).dirname(target);
  try {
    mkdirSync(dir, { recursive: true });
  } catch (error) {
    throw new StoreError(`cannot create the directory ${dir} for ${target}: ${messageOf(error)}`, {
      file: target,
      cause: error,
    });
  }
  return target;
}
