// Seeded fuzz cases for the Keras .h5 importer: the committed seed files (scripts/make-h5-fixtures.ts) truncated,
// bit-flipped, overwritten with huge offsets and sizes (HDF5 keeps its addresses and lengths in 8-byte words), cut
// and spliced, or damaged in the superblock and root object header. A case is its random source.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { H5_FIXTURE_DIR, H5_FIXTURES } from '../../scripts/make-h5-fixtures';
import { int, pick, type Rng } from './harness';

export const h5Seeds = (): Uint8Array[] =>
  Object.keys(H5_FIXTURES).map((name) => new Uint8Array(readFileSync(join(H5_FIXTURE_DIR, name))));

const MUTATIONS = ['flip', 'truncate', 'huge-word', 'run', 'splice', 'header'] as const;

/** One damaged .h5 file from `seeds`, drawn from `rng`. */
export function h5Case(rng: Rng, seeds: readonly Uint8Array[]): Uint8Array {
  let bytes = Uint8Array.from(pick(rng, seeds));
  switch (pick(rng, MUTATIONS)) {
    case 'flip':
      for (let k = 1 + int(rng, 8); k > 0; k--) bytes[int(rng, bytes.length)] ^= 1 << int(rng, 8);
      break;
    case 'truncate':
      bytes = bytes.slice(0, int(rng, bytes.length));
      break;
    case 'huge-word': {
      const view = new DataView(bytes.buffer);
      for (let k = 1 + int(rng, 3); k > 0; k--) {
        const at = int(rng, Math.max(1, bytes.length - 8)) & ~7;
        view.setBigUint64(at, pick(rng, [0xffffffffffffffffn, 0x7fffffffffffffffn, BigInt(bytes.length * 2), 0n]), true);
      }
      break;
    }
    case 'run': {
      const at = int(rng, bytes.length);
      bytes.fill(pick(rng, [0, 0xff]), at, at + 1 + int(rng, 256));
      break;
    }
    case 'splice':
      bytes.copyWithin(int(rng, bytes.length), int(rng, bytes.length), int(rng, bytes.length));
      break;
    case 'header':
      for (let k = 1 + int(rng, 4); k > 0; k--) bytes[8 + int(rng, Math.min(1024, bytes.length - 8))] = int(rng, 256);
      break;
  }
  return bytes;
}
