// Opens the database a command works on: --db, else FRONTIER_DB, else the user's data directory.
import { openDatabase, resolveDbPath, SessionStore, type Db } from '../store';

export function openStore(dbFlag: string | undefined): { store: SessionStore; db: Db; path: string } {
  const path = resolveDbPath(dbFlag);
  const db = openDatabase(path);
  return { store: new SessionStore(db), db, path };
}
