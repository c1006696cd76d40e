// Files kept in the database by content (schema 3): a model file or data set uploaded to the app, so that what was
// swept can be run, evaluated and exported again from the session alone.
import { createHash } from 'node:crypto';
import type { Db } from './database';

export type StoredFileKind = 'model' | 'data';

/** SQLite's default limit on one value is 1e9 bytes; a file beyond it is refused before it is read into a row. */
export const MAX_STORED_FILE_BYTES = 1_000_000_000;

export interface StoredFileInfo {
  hash: string;
  kind: StoredFileKind;
  name: string;
  size: number;
}

export const fileHash = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

export class StoredFiles {
  constructor(private readonly db: Db) {}

  /** Stores the bytes once per content and returns their hash (the first name given is kept). */
  put(kind: StoredFileKind, name: string, bytes: Uint8Array): StoredFileInfo {
    if (bytes.byteLength > MAX_STORED_FILE_BYTES) {
      throw new RangeError(
        `${name} is ${bytes.byteLength.toLocaleString('en-US')} bytes; a file kept in the database may be at most ` +
          `${MAX_STORED_FILE_BYTES.toLocaleString('en-US')} bytes`,
      );
    }
    const hash = fileHash(bytes);
    this.db
      .prepare(
        `INSERT INTO stored_files (hash, kind, name, size, bytes, created_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT(hash) DO NOTHING`,
      )
      .run(hash, kind, name, bytes.byteLength, Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), new Date().toISOString());
    return this.info(hash) as StoredFileInfo;
  }

  info(hash: string): StoredFileInfo | undefined {
    return this.db.prepare('SELECT hash, kind, name, size FROM stored_files WHERE hash = ?').get(hash) as StoredFileInfo | undefined;
  }

  /** The bytes, or undefined when no file has that hash. */
  get(hash: string): Uint8Array | undefined {
    const row = this.db.prepare('SELECT bytes FROM stored_files WHERE hash = ?').get(hash) as { bytes: Buffer } | undefined;
    return row ? new Uint8Array(row.bytes.buffer, row.bytes.byteOffset, row.bytes.byteLength) : undefined;
  }

  list(kind?: StoredFileKind): StoredFileInfo[] {
    const sql = 'SELECT hash, kind, name, size FROM stored_files' + (kind ? ' WHERE kind = ?' : '') + ' ORDER BY created_at, hash';
    return (kind ? this.db.prepare(sql).all(kind) : this.db.prepare(sql).all()) as StoredFileInfo[];
  }
}
