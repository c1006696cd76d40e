// The one writer of the files a user names (calibrate --out, export --out, analyze --emit --out, and any later
// one). It never replaces what it should not: a database (or its -wal, -shm or -journal, which would corrupt it),
// reached by its own path, through a symbolic link or through another hard link; a device, a directory or a FIFO
// (replacing /dev/full with a regular file, for one); or an existing file unless the user said so (`--force`; the
// app asks first). Everything is checked before anything is written, so a refused target stays byte-for-byte as
// it was; the file is then written atomically (atomicWrite.ts): readers see the old content or the new, never a part.
import { realpathSync, statSync, type Stats } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { UsageError } from '../../shared/cli/valueList';
import { writeFileAtomic, type FileData } from './atomicWrite';
import { kindOf } from './readFile';

const SIDE_FILES = ['', '-wal', '-shm', '-journal'];

export interface OutputOptions {
  /** Databases never to write over, with their side files (`:memory:` and null entries are ignored). */
  databases: readonly (string | null | undefined)[];
  /** Replace an existing regular file (never a database, whatever this says). */
  force: boolean;
  /** The option that named the file, for messages (default `--out`). */
  flag?: string;
  /** How the messages speak of the first database, the command's own (default "the database Frontier uses"). */
  databaseRole?: string;
}

function statOrNull(path: string, flag: string, out: string): Stats | null {
  try {
    return statSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return null;
    throw new UsageError(`${flag} ${out}: cannot be checked: ${(error as Error).message}`);
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

const sameFile = (a: Stats | null, b: Stats | null): boolean => a !== null && b !== null && a.dev === b.dev && a.ino === b.ino;

/**
 * Checks where a file may be written and returns the path to write (links resolved, so a link is written through,
 * not replaced). Throws a UsageError naming the option, the target and the reason.
 */
export function checkOutputTarget(out: string, options: OutputOptions): string {
  const flag = options.flag ?? '--out';
  if (out === '') throw new UsageError(`${flag} needs a file name`);
  const target = realTarget(out);
  const stat = statOrNull(target, flag, out);
  for (const [index, db] of options.databases.entries()) {
    if (db === null || db === undefined || db === '' || db === ':memory:') continue;
    const database = realTarget(db);
    for (const suffix of SIDE_FILES) {
      const side = `${database}${suffix}`;
      if (target === side || sameFile(stat, statOrNull(side, flag, out))) {
        const what = suffix === '' ? 'the database' : `the database's ${suffix.slice(1)} file`;
        throw new UsageError(
          `${flag} ${out}: that is ${what} ${(index === 0 && options.databaseRole) || 'Frontier uses'} (${db}); it is never ` +
            'written over, even with --force: choose another file',
        );
      }
    }
  }
  if (stat !== null) {
    if (!stat.isFile()) throw new UsageError(`${flag} ${out}: it is ${kindOf(stat)}; Frontier writes regular files only`);
    if (!options.force) throw new UsageError(`${flag} ${out}: the file exists; add --force to replace it`);
  }
  return target;
}

/**
 * Checks the target (checkOutputTarget), then writes `data` atomically. When the target was checked already
 * (before a long computation), pass the path checkOutputTarget returned: it is checked again, at no cost.
 */
export function writeOutputFile(out: string, data: FileData, options: OutputOptions): string {
  const target = checkOutputTarget(out, options);
  // Without --force the file is published only if nothing appeared there meanwhile (a link, not a rename).
  writeFileAtomic(target, data, { replace: options.force });
  return target;
}
