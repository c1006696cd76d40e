// Where an export may be written. An export never replaces what it should not: the database it reads from (or its
// -wal, -shm or -journal, which would corrupt it), a device, a directory or a FIFO (replacing /dev/full with a
// regular file, for one), or an existing file unless the user said so (`--force`; the app asks first).
import { realpathSync, statSync, type Stats } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { UsageError } from '../../shared/cli/valueList';

const SIDE_FILES = ['', '-wal', '-shm', '-journal'];

function statOrNull(path: string): Stats | null {
  try {
    return statSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new UsageError(`--out ${path}: cannot be checked: ${(error as Error).message}`);
  }
}

/** The path with every symbolic link resolved, for a path that may not exist yet (its directory must). */
function realTarget(path: string): string {
  const absolute = resolve(path);
  try {
    return realpathSync(absolute);
  } catch {
    try {
      return join(realpathSync(dirname(absolute)), basename(absolute));
    } catch {
      return absolute;
    }
  }
}

function kindOf(stat: Stats): string {
  if (stat.isDirectory()) return 'a directory';
  if (stat.isCharacterDevice() || stat.isBlockDevice()) return 'a device';
  if (stat.isFIFO()) return 'a pipe (FIFO)';
  if (stat.isSocket()) return 'a socket';
  return 'not a regular file';
}

/**
 * Checks an export's target and returns the path to write (links resolved, so a link is written through, not
 * replaced). Throws a UsageError naming the target and the reason.
 */
export function checkExportTarget(out: string, options: { database: string | null; force: boolean }): string {
  const target = realTarget(out);
  const stat = statOrNull(target);
  if (options.database !== null && options.database !== ':memory:') {
    const database = realTarget(options.database);
    for (const suffix of SIDE_FILES) {
      const side = `${database}${suffix}`;
      const sideStat = suffix === '' ? statOrNull(side) : null;
      const sameFile =
        target === side || (stat !== null && sideStat !== null && stat.dev === sideStat.dev && stat.ino === sideStat.ino);
      if (sameFile) {
        const what = suffix === '' ? 'the database' : `the database's ${suffix.slice(1)} file`;
        throw new UsageError(`--out ${out}: that is ${what} this export reads from (${options.database}); choose another file`);
      }
    }
  }
  if (stat !== null) {
    if (!stat.isFile()) {
      throw new UsageError(`--out ${out}: it is ${kindOf(stat)}; exports are written to regular files only`);
    }
    if (!options.force) throw new UsageError(`--out ${out}: the file exists; add --force to replace it`);
  }
  return target;
}
