// The SQL of the session store, prepared once per connection.
import type Database from 'better-sqlite3';
import { BATCH_COLUMNS, BATCH_ROWS, IDX_CHUNK } from './resultRows';

type Stmt = Database.Statement<unknown[], unknown>;

export type SessionStatements = ReturnType<typeof prepareSessionStatements>;

/** Every statement `SessionStore` runs (those whose text depends on the query are prepared on demand). */
export function prepareSessionStatements(db: Database.Database) {
  const p = (sql: string): Stmt => db.prepare(sql);
  const batchRow = `(${new Array(BATCH_COLUMNS).fill('?').join(',')})`;
  return {
    modelByHash: p('SELECT id FROM models WHERE hash = ?'),
    insertModel: p('INSERT INTO models (name, graph_json, hash) VALUES (?, ?, ?)'),
    modelById: p('SELECT id, name, hash, graph_json FROM models WHERE id = ?'),
    deviceByHash: p('SELECT id FROM devices WHERE hash = ?'),
    insertDevice: p('INSERT INTO devices (device_id, profile_json, hash) VALUES (?, ?, ?)'),
    sessionByName: p('SELECT * FROM sessions WHERE name = ?'),
    sessionById: p('SELECT * FROM sessions WHERE id = ?'),
    insertSession: p(
      `INSERT INTO sessions (name, model_id, spec_json, status, total, created_at, started_at, frontier_version,
         schema_version, pid, host) VALUES (?, ?, ?, 'running', ?, ?, ?, ?, ?, ?, ?)`,
    ),
    insertClient: p(
      'INSERT INTO clients (session_id, position, name, deadline_s, min_accuracy, device) VALUES (?, ?, ?, ?, ?, ?)',
    ),
    insertSessionDevice: p('INSERT INTO session_devices (session_id, position, device_id) VALUES (?, ?, ?)'),
    deleteSession: p('DELETE FROM sessions WHERE id = ?'),
    renameSession: p('UPDATE sessions SET name = ? WHERE id = ?'),
    finishSession: p(
      `UPDATE sessions SET status = ?, finished_at = ?, elapsed_s = ?, error = ? WHERE id = ?`,
    ),
    markRunning: p(
      `UPDATE sessions SET status = 'running', pid = ?, host = ?, finished_at = NULL, error = NULL WHERE id = ?`,
    ),
    runningSessions: p(`SELECT id, pid, host FROM sessions WHERE status = 'running'`),
    markInterrupted: p(
      `UPDATE sessions SET status = 'interrupted' WHERE id = ? AND status = 'running' AND pid IS ? AND host IS ?`,
    ),
    listSessions: p(
      `SELECT s.id, s.name, s.status, s.total, s.created_at, m.name AS model,
         (SELECT count(*) FROM results r WHERE r.session_id = s.id) AS configs,
         (SELECT json_group_array(d.device_id ORDER BY sd.position)
            FROM session_devices sd JOIN devices d ON d.id = sd.device_id WHERE sd.session_id = s.id) AS devices
       FROM sessions s JOIN models m ON m.id = s.model_id
       ORDER BY s.created_at, s.id`,
    ),
    countResults: p('SELECT count(*) FROM results WHERE session_id = ?').pluck(),
    sessionState: p('SELECT id, status, finished_at AS finishedAt FROM sessions WHERE name = ?'),
    sessionClients: p(
      'SELECT name, deadline_s, min_accuracy, device FROM clients WHERE session_id = ? ORDER BY position',
    ),
    sessionDevices: p(
      `SELECT d.id, d.device_id, d.profile_json FROM session_devices sd JOIN devices d ON d.id = sd.device_id
       WHERE sd.session_id = ? ORDER BY sd.position`,
    ),
    insertOne: p(
      `INSERT INTO results (session_id, idx, status, params, param_bytes, peak_bytes, total_bytes, sram_bytes, macs,
         latency_s, accuracy, message) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    insertBatch: p(
      `INSERT INTO results (session_id, idx, status, params, param_bytes, peak_bytes, total_bytes, sram_bytes, macs,
         latency_s, accuracy) SELECT ?, * FROM (VALUES ${new Array(BATCH_ROWS).fill(batchRow).join(',')})`,
    ),
    updateSpec: p('UPDATE sessions SET spec_json = ? WHERE id = ?'),
    setAccuracy: p(
      'UPDATE results SET accuracy = ?, accuracy_measured = ?, accuracy_predicted = ? WHERE session_id = ? AND idx = ?',
    ),
    setFlags: p('UPDATE results SET flags = flags | ? WHERE session_id = ? AND idx = ?'),
    clearFlags: p(
      // INDEXED BY: without statistics the planner prefers the primary key, i.e. scanning the whole session.
      'UPDATE results INDEXED BY results_front SET flags = flags & ~? WHERE session_id = ? AND flags <> 0 AND (flags & ?) <> 0',
    ),
    storedIdx: p(
      'SELECT idx FROM results WHERE session_id = ? AND idx > ? ORDER BY idx LIMIT ' + IDX_CHUNK,
    ).pluck(),
    messages: p(
      'SELECT idx, message FROM results INDEXED BY results_messages WHERE session_id = ? AND message IS NOT NULL ORDER BY idx',
    ).raw(),
  };
}
