// The evaluation cache (schema 4): an evaluation's result by the key of everything it depends on. What the key
// covers is decided in src/main/engine/evaluationKey.ts; this file only keeps and finds rows.
import type { Db } from './database';

export interface CachedEvaluation<T> {
  key: string;
  /** What the key was hashed from (canonical JSON), for a reader who wants to know what a row measured. */
  inputs: string;
  result: T;
  createdAt: string;
}

export class EvaluationCache {
  constructor(private readonly db: Db) {}

  get<T>(key: string): CachedEvaluation<T> | undefined {
    const row = this.db.prepare('SELECT key, inputs, result, created_at FROM evaluations WHERE key = ?').get(key) as
      | { key: string; inputs: string; result: string; created_at: string }
      | undefined;
    if (!row) return undefined;
    return { key: row.key, inputs: row.inputs, result: JSON.parse(row.result) as T, createdAt: row.created_at };
  }

  /** Keeps a result (a later one for the same key replaces it: the same inputs, measured again with --no-cache). */
  put(key: string, parts: { modelHash: string; dataHash: string; inputs: string }, result: unknown): void {
    this.db
      .prepare(
        `INSERT INTO evaluations (key, model_hash, data_hash, inputs, result, created_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT(key) DO UPDATE SET result = excluded.result, created_at = excluded.created_at`,
      )
      .run(key, parts.modelHash, parts.dataHash, parts.inputs, JSON.stringify(result), new Date().toISOString());
  }

  delete(key: string): boolean {
    return this.db.prepare('DELETE FROM evaluations WHERE key = ?').run(key).changes > 0;
  }

  count(): number {
    return this.db.prepare('SELECT COUNT(*) FROM evaluations').pluck().get() as number;
  }
}
