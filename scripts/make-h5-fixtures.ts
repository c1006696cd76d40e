// Writes the Keras .h5 files the fuzz test starts from (test/fixtures/h5/): small presets saved as model.save("x.h5")
// lays them out, written through the HDF5 library by the test writer (zero weights: only their shapes matter).
//
//   npx tsx scripts/make-h5-fixtures.ts
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { graphToKerasJson } from '../src/shared/export/kerasJson';
import { applyChannelEdits, type ChannelEdits } from '../src/shared/model/edit';
import { kerasToGraph } from '../src/shared/model/keras';
import { findPreset } from '../src/shared/presets';
import type { ModelGraph } from '../src/shared/model/types';
import { kerasH5Bytes } from '../test/import/writers/kerasH5';

export const H5_FIXTURE_DIR = join(import.meta.dirname, '..', 'test', 'fixtures', 'h5');

/** File name → preset and edits: small enough to commit, varied enough to reach every check. */
export const H5_FIXTURES: Record<string, { preset: string; edits: ChannelEdits }> = {
  'exam-cnn-small.h5': { preset: 'exam-cnn', edits: { channels: { conv1: 4, conv2: 4 } } },
  'mlperf-kws-half.h5': { preset: 'mlperf-kws', edits: { prune: { '*': 0.5 } } },
};

if (import.meta.url === `file://${process.argv[1]}`) {
  mkdirSync(H5_FIXTURE_DIR, { recursive: true });
  for (const [name, { preset, edits }] of Object.entries(H5_FIXTURES)) {
    const graph = applyChannelEdits((findPreset(preset) as { build(): ModelGraph }).build(), edits).graph;
    const json = JSON.stringify(graphToKerasJson(graph));
    writeFileSync(join(H5_FIXTURE_DIR, name), await kerasH5Bytes(json, kerasToGraph(JSON.parse(json), name)));
    console.log(`wrote ${name}`);
  }
}
