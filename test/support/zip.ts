// Archives for tests, written by fflate, and the one edit a hostile archive needs: a declared size that lies.
import { zipSync } from 'fflate';

export interface ZipInput {
  name: string;
  data: Uint8Array;
  /** Deflated unless told to store. */
  store?: boolean;
}

/** A ZIP archive of the files, reproducible byte for byte. */
export function zipArchive(entries: ZipInput[]): Buffer {
  const files = Object.fromEntries(entries.map((e) => [e.name, [e.data, { level: e.store ? 0 : 6 }] as const]));
  return Buffer.from(zipSync(files as never, { mtime: '2024-01-01T00:00:00' }));
}

/** Rewrites the uncompressed size an entry declares, in its local header and in the central directory. */
export function withDeclaredSize(zip: Buffer, name: string, size: number): Buffer {
  const out = Buffer.from(zip);
  const nameBytes = Buffer.from(name);
  for (let at = 0; at + 46 <= out.length; at++) {
    const sig = out.readUInt32LE(at);
    if (sig === 0x04034b50 && out.subarray(at + 30, at + 30 + nameBytes.length).equals(nameBytes)) out.writeUInt32LE(size, at + 22);
    if (sig === 0x02014b50 && out.subarray(at + 46, at + 46 + nameBytes.length).equals(nameBytes)) out.writeUInt32LE(size, at + 24);
  }
  return out;
}

/** Offsets of the central directory record of `name` (its fields are at fixed positions from it). */
export function centralRecordOf(zip: Buffer, name: string): number {
  const nameBytes = Buffer.from(name);
  for (let at = zip.length - 46; at >= 0; at--) {
    if (zip.readUInt32LE(at) === 0x02014b50 && zip.subarray(at + 46, at + 46 + nameBytes.length).equals(nameBytes)) return at;
  }
  throw new Error(`no central directory record for ${name}`);
}
