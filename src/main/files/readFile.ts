// The one reader of the files a user names (measurements, device, spec and calibration files, bundles, model files):
// only a regular file, never more than a limit for its kind. A device (/dev/zero), a FIFO or a socket would block or
// never end; a directory is not a file; a huge file would exhaust memory. The file is opened without blocking and
// checked through its descriptor, so what is checked is what is read; it is then read to the limit and one byte
// more, so a file that grows meanwhile is still refused. Standard input is counted the same way while it is read.
import { closeSync, constants, fstatSync, openSync, readSync, type Stats } from 'node:fs';

export const MIB = 1024 * 1024;

/** Spec, device, measurements and calibration files: a few KiB in practice. */
export const MAX_SETTINGS_FILE_BYTES = 16 * MIB;

export class FileReadError extends Error {
  constructor(
    readonly path: string,
    /** Why, in words, without the path: "no such file", "it is a directory, not a regular file"… */
    readonly reason: string,
  ) {
    super(`${path}: ${reason}`);
    this.name = 'FileReadError';
  }
}

export const mib = (bytes: number): string => `${bytes / MIB} MiB`;

/** What a file that is not a regular file is, in words: "a directory", "a device", "a pipe (FIFO)"… */
export function kindOf(stat: Stats): string {
  if (stat.isDirectory()) return 'a directory';
  if (stat.isCharacterDevice() || stat.isBlockDevice()) return 'a device';
  if (stat.isFIFO()) return 'a pipe (FIFO)';
  if (stat.isSocket()) return 'a socket';
  return 'not a regular file';
}

/** A failed file operation's reason, in words. */
export function reasonOf(error: NodeJS.ErrnoException): string {
  switch (error.code) {
    case 'ENOENT':
      return 'no such file';
    case 'EISDIR':
      return 'it is a directory, not a regular file';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'ENXIO':
      return 'it is a socket or a device without a reader, not a regular file';
    default:
      return error.message;
  }
}

const tooLarge = (bytes: number, maxBytes: number): string =>
  `it is ${bytes.toLocaleString('en-US')} bytes, more than the limit of ${mib(maxBytes)}`;

/** Reads from `fd` until its end, refusing (with `name`) more than `maxBytes`: at most maxBytes + 1 bytes are read. */
function readToEnd(fd: number, name: string, maxBytes: number, sizeHint: number): Buffer {
  const chunks: Buffer[] = [];
  let total = 0;
  for (;;) {
    const want = Math.min(Math.max(sizeHint - total, 64 * 1024), maxBytes + 1 - total);
    const chunk = Buffer.allocUnsafe(Math.max(want, 1));
    const got = readSync(fd, chunk, 0, chunk.length, null);
    if (got === 0) break;
    total += got;
    if (total > maxBytes) throw new FileReadError(name, `it is more than the limit of ${mib(maxBytes)}`);
    chunks.push(got === chunk.length ? chunk : chunk.subarray(0, got));
  }
  return chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, total);
}

/** The whole content of a regular file of at most `maxBytes`; anything else is refused at once. */
export function readRegularFile(path: string, maxBytes: number): Buffer {
  return withRegularFile(path, maxBytes, (fd, size) => readToEnd(fd, path, maxBytes, size));
}

/** The first `count` bytes (or fewer) of a regular file of at most `maxBytes`, checked as readRegularFile checks. */
export function readRegularFileHead(path: string, maxBytes: number, count: number): Buffer {
  return withRegularFile(path, maxBytes, (fd) => {
    const head = Buffer.alloc(count);
    return head.subarray(0, readSync(fd, head, 0, count, 0));
  });
}

/** Checks that `path` is a regular file of at most `maxBytes` without reading it (for readers that open it themselves). */
export function checkRegularFile(path: string, maxBytes: number): void {
  withRegularFile(path, maxBytes, () => undefined);
}

function withRegularFile<T>(path: string, maxBytes: number, read: (fd: number, size: number) => T): T {
  let fd: number;
  try {
    // O_NONBLOCK: opening a FIFO must not wait for a writer. It changes nothing for a regular file.
    fd = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (error) {
    throw new FileReadError(path, reasonOf(error as NodeJS.ErrnoException));
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) throw new FileReadError(path, `it is ${kindOf(stat)}, not a regular file`);
    if (stat.size > maxBytes) throw new FileReadError(path, tooLarge(stat.size, maxBytes));
    return read(fd, stat.size);
  } catch (error) {
    if (error instanceof FileReadError) throw error;
    throw new FileReadError(path, reasonOf(error as NodeJS.ErrnoException));
  } finally {
    closeSync(fd);
  }
}

/**
 * Everything on a stream (standard input) up to `maxBytes`, counted while it arrives: more is refused as soon as the
 * count passes the limit, and the stream is let go. A regular file redirected to stdin is refused at once by its size.
 */
export async function readStreamBounded(
  stream: NodeJS.ReadableStream & { fd?: number; destroy?: () => void },
  name: string,
  maxBytes: number,
): Promise<Buffer> {
  if (typeof stream.fd === 'number') {
    let stat: Stats | null = null;
    try {
      stat = fstatSync(stream.fd);
    } catch {
      stat = null; // not a descriptor fstat can see: counted while read
    }
    if (stat?.isFile() && stat.size > maxBytes) throw new FileReadError(name, tooLarge(stat.size, maxBytes));
    if (stat?.isDirectory()) throw new FileReadError(name, 'it is a directory, not a regular file');
  }
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    for await (const chunk of stream) {
      const buffer = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : (chunk as Buffer);
      total += buffer.length;
      if (total > maxBytes) throw new FileReadError(name, `it is more than the limit of ${mib(maxBytes)}`);
      chunks.push(buffer);
    }
  } catch (error) {
    if (error instanceof FileReadError) {
      stream.destroy?.();
      throw error;
    }
    throw new FileReadError(name, reasonOf(error as NodeJS.ErrnoException));
  }
  return Buffer.concat(chunks, total);
}

/**
 * A buffer as text. V8 strings hold at most about 2^29 characters, so a file under a byte limit may still not fit
 * in one: that is refused in words rather than with V8's own message.
 */
export function textOf(bytes: Buffer, name: string): string {
  try {
    return bytes.toString('utf8');
  } catch (error) {
    throw new FileReadError(name, `it is too long to be read as text (${bytes.length.toLocaleString('en-US')} bytes): ${(error as Error).message}`);
  }
}
