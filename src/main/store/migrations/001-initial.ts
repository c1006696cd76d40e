// Schema 1: models, devices, sessions and their clients/devices, one row per analysed configuration.
import type { Migration } from './types';

export const migration001: Migration = {
  version: 1,
  name: 'initial schema',
  up(db) {
    db.exec(`
      -- Marks the file as Frontier's (with PRAGMA application_id); other keys may follow.
      CREATE TABLE meta (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
      ) WITHOUT ROWID;
      INSERT INTO meta (key, value) VALUES ('application', 'frontier');

      -- A model graph, stored once per content (sha256 of its canonical JSON).
      CREATE TABLE models (
        id         INTEGER PRIMARY KEY,
        name       TEXT NOT NULL,
        graph_json TEXT NOT NULL,
        hash       TEXT NOT NULL UNIQUE
      );

      -- A device profile, stored once per content; device_id is the profile's own id (e.g. exam-mcu).
      CREATE TABLE devices (
        id           INTEGER PRIMARY KEY,
        device_id    TEXT NOT NULL,
        profile_json TEXT NOT NULL,
        hash         TEXT NOT NULL UNIQUE
      );

      -- AUTOINCREMENT: a session id is never reused, so a stale id (a writer of a replaced or deleted session)
      -- can never land in another session.
      CREATE TABLE sessions (
        id               INTEGER PRIMARY KEY AUTOINCREMENT,
        name             TEXT NOT NULL UNIQUE,
        model_id         INTEGER NOT NULL REFERENCES models (id),
        spec_json        TEXT NOT NULL,
        status           TEXT NOT NULL
                         CHECK (status IN ('running', 'complete', 'cancelled', 'interrupted', 'failed')),
        -- Configurations in the design space (grid) or in the sample (random).
        total            INTEGER NOT NULL CHECK (total >= 0),
        created_at       TEXT NOT NULL,
        started_at       TEXT,
        finished_at      TEXT,
        elapsed_s        REAL,
        frontier_version TEXT NOT NULL,
        schema_version   INTEGER NOT NULL,
        pid              INTEGER,
        host             TEXT,
        error            TEXT
      );
      CREATE INDEX sessions_model ON sessions (model_id);
      CREATE INDEX sessions_running ON sessions (status) WHERE status = 'running';

      -- One row per configuration; status 0 ok, 1 no-fit, 2 unsupported, 3 error. flags: FRONT_* bits.
      -- WITHOUT ROWID: the primary key is the table's only b-tree (smaller file, no second index to maintain).
      CREATE TABLE results (
        session_id  INTEGER NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
        idx         INTEGER NOT NULL,
        status      INTEGER NOT NULL CHECK (status BETWEEN 0 AND 3),
        params      INTEGER NOT NULL,
        param_bytes INTEGER NOT NULL,
        peak_bytes  INTEGER NOT NULL,
        total_bytes INTEGER NOT NULL,
        sram_bytes  INTEGER NOT NULL,
        macs        INTEGER NOT NULL,
        latency_s   REAL,
        accuracy    REAL,
        flags       INTEGER NOT NULL DEFAULT 0,
        message     TEXT,
        PRIMARY KEY (session_id, idx)
      ) WITHOUT ROWID;
      -- Partial indexes: free at insert time (flags start at 0; messages are rare), small, and they serve
      -- "the fronts of a session" and "the messages of a session" without scanning the session.
      CREATE INDEX results_front ON results (session_id) WHERE flags <> 0;
      CREATE INDEX results_messages ON results (session_id) WHERE message IS NOT NULL;

      CREATE TABLE clients (
        session_id   INTEGER NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
        position     INTEGER NOT NULL,
        name         TEXT NOT NULL,
        deadline_s   REAL NOT NULL,
        min_accuracy REAL,
        device       TEXT,
        PRIMARY KEY (session_id, position)
      ) WITHOUT ROWID;

      -- The devices of a session, in the order of the spec (the device is a dimension of the design space).
      CREATE TABLE session_devices (
        session_id INTEGER NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
        position   INTEGER NOT NULL,
        device_id  INTEGER NOT NULL REFERENCES devices (id),
        PRIMARY KEY (session_id, position)
      ) WITHOUT ROWID;
      CREATE INDEX session_devices_device ON session_devices (device_id);
    `);
  },
};
