// Frontier's own model file (`"format": "frontier-model"`), from every preset.
import { graphToNative } from '../../../src/shared/model/native';
import { PRESETS } from '../../../src/shared/presets';
import { jsonCase, type FuzzFormat } from '../harness';

const SEEDS = PRESETS.map((p) => JSON.parse(JSON.stringify(graphToNative(p.build()))) as unknown);

export const format: FuzzFormat = {
  name: 'frontier-model',
  fileName: 'model.frontier.json',
  generate: (rng) => jsonCase(rng, SEEDS),
};
