import type Database from 'better-sqlite3';

/**
 * One schema version. `up` brings a database at `version - 1` to `version`; it runs inside the transaction that
 * `openDatabase` opens for all pending migrations, so it must not BEGIN/COMMIT itself nor change `foreign_keys`
 * (a no-op inside a transaction).
 */
export interface Migration {
  version: number;
  /** A few words for error messages. */
  name: string;
  up(db: Database.Database): void;
}
