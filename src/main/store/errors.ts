// The one error type of the store: what went wrong, in words, naming the database file.

export class StoreError extends Error {
  /** The database file concerned (`:memory:` for an in-memory database), when known. */
  readonly file?: string;

  constructor(message: string, options?: { file?: string; cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'StoreError';
    this.file = options?.file;
  }
}

/** The message of anything thrown, for wrapping. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
