// Files kept by content: stored once, read back byte for byte, refused beyond SQLite's limit without a row.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../src/main/store/database';
import { fileHash, MAX_STORED_FILE_BYTES, StoredFiles } from '../../src/main/store/storedFiles';

let dir: string;
let db: Db;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'frontier-stored-'));
  db = openDatabase(join(dir, 'f.db'));
});
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

it('keeps a file once per content and gives it back byte for byte', () => {
  const files = new StoredFiles(db);
  const bytes = new Uint8Array([0, 1, 2, 255, 254]);
  const first = files.put('model', 'a.tflite', bytes);
  expect(first).toEqual({ hash: fileHash(bytes), kind: 'model', name: 'a.tflite', size: 5 });
  const again = files.put('model', 'renamed.tflite', bytes.slice());
  expect(again.name).toBe('a.tflite');
  expect([...(files.get(first.hash) ?? [])]).toEqual([...bytes]);
  files.put('data', 'x.npy', new Uint8Array([9]));
  expect(files.list('model').map((f) => f.name)).toEqual(['a.tflite']);
  expect(files.list()).toHaveLength(2);
  expect(files.get('0'.repeat(64))).toBeUndefined();
});

it('refuses a file beyond the limit and stores nothing', () => {
  const files = new StoredFiles(db);
  const huge = { byteLength: MAX_STORED_FILE_BYTES + 1 } as Uint8Array;
  expect(() => files.put('data', 'big.npy', huge)).toThrow(/big\.npy is 1,000,000,001 bytes; .* at most 1,000,000,000 bytes/);
  expect(files.list()).toEqual([]);
});
