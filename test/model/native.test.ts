import { describe, expect, it } from 'vitest';
import { graphToNative, nativeToGraph } from '../../src/shared/model/native';
import { PRESETS } from '../../src/shared/presets';

describe('native model format', () => {
  it.each(PRESETS.map((p) => [p.id, p]))('%s round-trips', (_id, preset) => {
    const graph = preset.build();
    expect(nativeToGraph(JSON.parse(JSON.stringify(graphToNative(graph))), 'm.json')).toEqual(graph);
  });
  it.each([
    [{ format: 'x' }, /m\.json: "format" must be "frontier-model"/],
    [{ format: 'frontier-model', version: 9, layers: [] }, /version 9 is newer than this Frontier reads \(1\)/],
    [{ format: 'frontier-model', version: 1 }, /no "layers" list/],
    [{ format: 'frontier-model', version: 1, layers: [{ name: 'a', type: 'Conv3D' }] }, /layer "a" has unknown type "Conv3D"/],
    [
      { format: 'frontier-model', version: 1, layers: [{ name: 'in', type: 'Input', shape: [0, 2] }] },
      /layer "in": shape must be a list of whole numbers ≥ 1, e\.g\. \[128, 128, 1\], got \[0,2\]/,
    ],
    [
      {
        format: 'frontier-model',
        version: 1,
        layers: [
          { name: 'in', type: 'Input', shape: [4] },
          { name: 'd', type: 'Dense', inputs: ['nope'], units: 2, useBias: true, activation: 'linear' },
        ],
      },
      /d: input "nope" is not a layer of this model/,
    ],
  ])('refuses %j', (json, message) => {
    expect(() => nativeToGraph(json, 'm.json')).toThrow(message);
  });
});
