// SQLite failures in the store's words: what was being done, in which file, and the likely reason.
import { StoreError, messageOf } from './errors';

/** Runs `fn`, turning SQLite errors into StoreErrors that say what was being done and in which file. */
export function wrapSqlite<T>(file: string, doing: string, fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    if (error instanceof StoreError) throw error;
    const code = (error as { code?: string }).code ?? '';
    let why = messageOf(error);
    if (code === 'SQLITE_CONSTRAINT_PRIMARYKEY' && why.includes('results.')) {
      why = 'some of these configurations are already stored for this session';
    } else if (code === 'SQLITE_CONSTRAINT_FOREIGNKEY') {
      why = 'it refers to a session, model or device that does not exist';
    } else if (code === 'SQLITE_CONSTRAINT_NOTNULL') {
      why = `${why} (figures other than latency and accuracy must be numbers, not NaN or null)`;
    } else if (code === 'SQLITE_BUSY') {
      why = `${why} (another process holds the database)`;
    }
    throw new StoreError(`cannot ${doing} in ${file}: ${why}`, { file: file, cause: error });
  }
}
