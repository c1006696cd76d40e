// Schema 2: the user's own device profiles, kept by id so the app can list, edit and delete them.
import type { Migration } from './types';

export const migration002: Migration = {
  version: 2,
  name: 'user device profiles',
  up(db) {
    db.exec(`
      CREATE TABLE user_devices (
        device_id    TEXT PRIMARY KEY,
        profile_json TEXT NOT NULL,
        updated_at   TEXT NOT NULL
      ) WITHOUT ROWID;
    `);
  },
};
