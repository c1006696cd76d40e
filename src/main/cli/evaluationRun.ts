// What `evaluate` and `sensitivity` share around a run: the evaluation cache (the database of --db or FRONTIER_DB,
// as the other commands open it; --no-cache measures again), the progress line, and Ctrl-C, which cancels (exit 130,
// as a cancelled sweep; finished evaluations stay cached).
import { dbPathFor, type Db } from '../store';
import { openStore } from './storeAccess';
import type { ParsedArgs } from './args';
import type { Io } from './io';

export const CACHE_FLAGS = { db: 'string', 'no-cache': 'bool' } as const;

/** The exit status of a run cancelled by Ctrl-C (128 + SIGINT), as `frontier sweep` uses. */
export const CANCELLED_EXIT = 130;

/**
 * The database holding the cache. One named by --db or FRONTIER_DB must open; the default one, when it cannot
 * (a read-only home, a newer schema), only turns the cache off, with a note: the measurement does not need it.
 */
export function openCache(args: ParsedArgs, io: Io): Db | undefined {
  const flag = args.strings.get('db');
  try {
    return openStore(flag).db;
  } catch (error) {
    if (flag !== undefined || (process.env.FRONTIER_DB ?? '') !== '') throw error;
    io.err(`note: evaluations are not cached: the database ${dbPathFor(undefined)} cannot be opened: ${(error as Error).message}`);
    return undefined;
  }
}

/** Ctrl-C aborts the signal (once; a second Ctrl-C is Node's default again: the process ends). */
export function cancelOnSigint(): { signal: AbortSignal; dispose: () => void } {
  const controller = new AbortController();
  const onSigint = (): void => controller.abort();
  process.once('SIGINT', onSigint);
  return { signal: controller.signal, dispose: () => process.off('SIGINT', onSigint) };
}
