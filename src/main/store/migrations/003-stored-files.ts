// Schema 3: files the user handed to the app (model files, data sets), kept by content so a session can run its
// model and data again later — the web host and the app receive them as uploads, with no path to go back to.
import type { Migration } from './types';

export const migration003: Migration = {
  version: 3,
  name: 'stored files',
  up(db) {
    db.exec(`
      CREATE TABLE stored_files (
        hash       TEXT PRIMARY KEY,
        kind       TEXT NOT NULL CHECK (kind IN ('model', 'data')),
        name       TEXT NOT NULL,
        size       INTEGER NOT NULL CHECK (size >= 0),
        bytes      BLOB NOT NULL,
        created_at TEXT NOT NULL
      ) WITHOUT ROWID;
    `);
  },
};
