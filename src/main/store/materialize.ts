// Files kept in the database (stored_files) written out to a temporary folder, because the engine's readers take
// paths: the app's evaluations of an uploaded data set, and a sweep measured on one. One folder per hash under one
// temporary root, written once; messages name an upload by its own name, never the temporary path it is read from.
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { UsageError } from '../../shared/cli/valueList';
import { ModelError } from '../../shared/model/types';
import type { StoredFiles } from './storedFiles';

export class StoredPaths {
  private root: string | null = null;

  constructor(
    private readonly files: StoredFiles,
    private readonly prefix = 'frontier-uploads-',
  ) {}

  /** The stored file `hash` on disk (written the first time), named as it was uploaded; `what` names it in errors. */
  path(hash: string, what: string): string {
    const info = this.files.info(hash);
    const bytes = info ? this.files.get(hash) : undefined;
    if (!info || !bytes) throw new UsageError(`no ${what} with hash ${hash.slice(0, 12)}… is kept in the database; open the file again`);
    const safe = basename(info.name).replace(/[^\w.-]+/g, '_') || what;
    const dir = join((this.root ??= mkdtempSync(join(tmpdir(), this.prefix))), hash);
    const path = join(dir, safe);
    try {
      statSync(path);
    } catch {
      mkdirSync(dir, { recursive: true });
      writeFileSync(path, bytes);
    }
    return path;
  }

  /** `text` with the temporary folders taken out, so an upload is named by its own name. */
  plain(text: string): string {
    if (!this.root) return text;
    const root = this.root.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    return text.replace(new RegExp(`${root}[\\\\/][0-9a-f]{64}[\\\\/]`, 'g'), '');
  }

  /** The same error, its message made plain (its class kept: usage and model errors are answered as such). */
  plainError(error: unknown): unknown {
    if (!(error instanceof Error) || !this.root || !error.message.includes(this.root)) return error;
    const message = this.plain(error.message);
    const again = error instanceof ModelError ? new ModelError(message) : error instanceof UsageError ? new UsageError(message) : new Error(message);
    again.name = error.name;
    return again;
  }

  /** Removes the files written (they stay in the database). */
  close(): void {
    if (this.root) rmSync(this.root, { recursive: true, force: true });
    this.root = null;
  }
}
