// Schema 4: every evaluation measured on the user's data, kept by the hash of all it depends on (model bytes, data
// bytes, resolved preprocessing, configuration, calibration; see src/main/engine/evaluationKey.ts), so that running
// an evaluation or a sensitivity analysis again repeats nothing, and a killed one resumes where it stopped.
import type { Migration } from './types';

export const migration004: Migration = {
  version: 4,
  name: 'evaluations',
  up(db) {
    db.exec(`
      CREATE TABLE evaluations (
        key        TEXT PRIMARY KEY,
        model_hash TEXT NOT NULL,
        data_hash  TEXT NOT NULL,
        inputs     TEXT NOT NULL,
        result     TEXT NOT NULL,
        created_at TEXT NOT NULL
      ) WITHOUT ROWID;
      CREATE INDEX evaluations_model ON evaluations (model_hash);
    `);
  },
};
