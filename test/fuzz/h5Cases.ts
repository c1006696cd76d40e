// Seeded fuzz cases for the Keras .h5 importer: the committed seed files (scripts/make-h5-fixtures.ts) damaged by
// the harness's byte mutations and truncations, plus what is particular to HDF5: its addresses and lengths (8-byte
// words) made huge or zero, and the superblock and root object header (the first kilobyte) overwritten.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { H5_FIXTURE_DIR, H5_FIXTURES } from '../../scripts/make-h5-fixtures';
import { int, mutateBytes, pick, truncate, type Rng } from './harness';

export const h5Seeds = (): Uint8Array[] =>
  Object.keys(H5_FIXTURES).map((name) => new Uint8Array(readFileSync(join(H5_FIXTURE_DIR, name))));

/** One damaged .h5 file from `seeds`, drawn from `rng`. */
export function h5Case(rng: Rng, seeds: readonly Uint8Array[]): Uint8Array {
  const seed = pick(rng, seeds);
  switch (int(rng, 4)) {
    case 0:
      return mutateBytes(rng, seed);
    case 1:
      return truncate(rng, seed);
    case 2: {
      const bytes = Uint8Array.from(seed);
      const view = new DataView(bytes.buffer);
      for (let k = 1 + int(rng, 3); k > 0; k--) {
        const at = int(rng, Math.max(1, bytes.length - 8)) & ~7;
        view.setBigUint64(at, pick(rng, [0xffffffffffffffffn, 0x7fffffffffffffffn, BigInt(bytes.length * 2), 0n]), true);
      }
      return bytes;
    }
    default: {
      const bytes = Uint8Array.from(seed);
      for (let k = 1 + int(rng, 4); k > 0; k--) bytes[8 + int(rng, Math.min(1024, bytes.length - 8))] = int(rng, 256);
      return bytes;
    }
  }
}
