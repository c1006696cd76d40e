// Seeded fuzz cases for the Keras .h5 importer: Keras 2 files written by the test writer (through h5wasm) from the
// presets' exported architectures, then truncated, bit-flipped, overwritten with huge offsets and sizes, or cut and
// spliced. The same seed gives the same cases. Reusable by any harness: it only makes bytes.
import { graphToKerasJson } from '../../src/shared/export/kerasJson';
import { kerasToGraph } from '../../src/shared/model/keras';
import { findPreset } from '../../src/shared/presets';
import { mulberry32 } from '../../src/shared/sweep/space';
import { kerasH5Bytes } from '../import/writers/kerasH5';

export interface FuzzCase {
  /** A file name that says where the case comes from, e.g. `fuzz-17-exam-cnn-truncate.h5`. */
  name: string;
  bytes: Uint8Array;
}

export interface H5Seed {
  name: string;
  bytes: Uint8Array;
}

/** Valid .h5 files of a few presets (exam-cnn: plain CNN; mlperf-kws: depthwise and BatchNormalization). */
export async function h5FuzzSeeds(): Promise<H5Seed[]> {
  const seeds: H5Seed[] = [];
  for (const id of ['exam-cnn', 'mlperf-kws', 'mlperf-ad']) {
    const json = JSON.stringify(graphToKerasJson((findPreset(id) as { build(): ReturnType<typeof kerasToGraph> }).build()));
    const bytes = await kerasH5Bytes(json, kerasToGraph(JSON.parse(json), id));
    seeds.push({ name: id, bytes: new Uint8Array(bytes) });
  }
  return seeds;
}

const MUTATIONS = ['flip', 'truncate', 'huge-word', 'zero-run', 'splice', 'header'] as const;

/** `count` cases from the seeds, deterministic in `seed`. */
export function* h5FuzzCases(seed: number, count: number, seeds: H5Seed[]): Generator<FuzzCase> {
  const random = mulberry32(seed);
  const int = (n: number): number => Math.floor(random() * n);
  for (let i = 0; i < count; i++) {
    const source = seeds[int(seeds.length)];
    const kind = MUTATIONS[int(MUTATIONS.length)];
    let bytes = new Uint8Array(source.bytes);
    switch (kind) {
      case 'flip':
        for (let k = 1 + int(8); k > 0; k--) bytes[int(bytes.length)] ^= 1 << int(8);
        break;
      case 'truncate':
        bytes = bytes.slice(0, int(bytes.length));
        break;
      case 'huge-word': {
        // An offset or a size made huge: where HDF5 keeps its addresses and lengths (8-byte words).
        const view = new DataView(bytes.buffer);
        for (let k = 1 + int(3); k > 0; k--) {
          const at = int(Math.max(1, bytes.length - 8)) & ~7;
          view.setBigUint64(at, [0xffffffffffffffffn, 0x7fffffffffffffffn, BigInt(bytes.length * 2), 0n][int(4)], true);
        }
        break;
      }
      case 'zero-run': {
        const at = int(bytes.length);
        bytes.fill(int(2) ? 0 : 0xff, at, at + 1 + int(256));
        break;
      }
      case 'splice': {
        const from = int(bytes.length);
        const to = int(bytes.length);
        const len = 1 + int(512);
        bytes.copyWithin(to, from, from + len);
        break;
      }
      case 'header':
        // The superblock and the root group's object header live in the first kilobyte.
        for (let k = 1 + int(4); k > 0; k--) bytes[8 + int(Math.min(1024, bytes.length - 8))] = int(256);
        break;
    }
    yield { name: `fuzz-${i}-${source.name}-${kind}.h5`, bytes };
  }
}
