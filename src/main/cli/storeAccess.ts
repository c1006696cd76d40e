// Opens the database a command works on: --db, else FRONTIER_DB, else the user's data directory.
import { openDatabase, resolveDbPath, SessionStore, type Db } from '../store';

/**
 * `readOnly`: the command only reads (sessions, show, export, compare), so a database on a read-only mount or
 * without write permission is opened read-only rather than refused.
 */
export function openStore(dbFlag: string | undefined, options: { readOnly?: boolean } = {}): { store: SessionStore; db: Db; path: string } {
  const path = resolveDbPath(dbFlag);
  const db = openDatabase(path, { readOnly: options.readOnly });
  return { store: new SessionStore(db), db, path };
}
