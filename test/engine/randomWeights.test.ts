// Seeded random canonical weights: deterministic, in the layouts of weights.ts, as many values as the analysis counts.
import { describe, expect, it } from 'vitest';
import { countModel } from '../../src/shared/analysis/counts';
import { modelWeightShapes } from '../../src/shared/engine/layouts';
import { randomWeights } from '../../src/shared/engine/randomWeights';
import { checkFinite, type LayerWeights, type WeightTensor } from '../../src/shared/engine/weights';
import type { LayerSpec } from '../../src/shared/model/types';
import { GraphBuilder, PRESETS } from '../../src/shared/presets';

const tensors = (w: LayerWeights): [string, WeightTensor][] =>
  Object.entries(w).filter((e): e is [string, WeightTensor] => typeof e[1] === 'object');

describe('randomWeights', () => {
  for (const preset of PRESETS) {
    it(`${preset.id}: canonical shapes, float32, finite, the analysis's framework parameter count`, () => {
      const graph = preset.build();
      const weights = randomWeights(graph, 7);
      expect(weights.flattenOrder).toBe('hwc');
      const shapes = modelWeightShapes(graph);
      expect(Object.keys(weights.layers).sort()).toEqual([...shapes.keys()].sort());
      let total = 0;
      for (const [name, roles] of shapes) {
        const layer = weights.layers[name];
        expect(tensors(layer).map(([role]) => role).sort()).toEqual(Object.keys(roles).sort());
        for (const [role, t] of tensors(layer)) {
          expect(t.shape, `${name} ${role}`).toEqual(roles[role as keyof typeof roles]);
          expect(t.data).toBeInstanceOf(Float32Array);
          expect(t.data.length).toBe(t.shape.reduce((a, b) => a * b, 1));
          checkFinite(t, name, role);
          total += t.data.length;
        }
        if (layer.variance) {
          expect(layer.epsilon).toBeGreaterThan(0);
          expect(Math.min(...layer.variance.data)).toBeGreaterThan(0);
        }
      }
      expect(total).toBe(countModel(graph).frameworkParams);
    });
  }

  it('the same seed gives the same values; another seed others', () => {
    const graph = PRESETS[0].build();
    const a = randomWeights(graph, 1);
    const b = randomWeights(graph, 1);
    const c = randomWeights(graph, 2);
    expect([...a.layers.conv1.kernel!.data]).toEqual([...b.layers.conv1.kernel!.data]);
    expect([...a.layers.conv1.kernel!.data]).not.toEqual([...c.layers.conv1.kernel!.data]);
    // LeCun uniform: within ±√(3 / fan-in).
    const k = a.layers.conv1.kernel!;
    const limit = Math.sqrt(3 / (k.shape[1] * k.shape[2] * k.shape[3]));
    expect(Math.max(...k.data.map(Math.abs))).toBeLessThanOrEqual(limit);
  });

  it('flatten order as asked; a per-channel constant for Add / Multiply with a constant operand', () => {
    const b = new GraphBuilder('const');
    const c = b.conv2d('c', b.input('in', [2, 2, 1]), { filters: 3, kernel: 1, useBias: false });
    b.layer('mul', [c], { type: 'Multiply', constantOperand: true } as LayerSpec);
    const w = randomWeights(b.build(), 3, { flattenOrder: 'chw' });
    expect(w.flattenOrder).toBe('chw');
    expect(w.layers.mul.constant?.shape).toEqual([3]);
    expect(w.layers.c.bias).toBeUndefined();
  });
});
