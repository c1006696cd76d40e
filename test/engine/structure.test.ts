// The graph Frontier runs has the structure analyze reports: for every preset with seeded random weights, unpruned
// and pruned, float and int8, the built ONNX graph holds exactly the analysed parameters (float: every framework
// weight; int8: the deployed ones, BatchNormalization folded), and runs to the analysed output shapes.
import onnxProto from 'onnx-proto';
import { describe, expect, it } from 'vitest';
import { prepareRun } from '../../src/main/engine/configure';
import { GraphSession } from '../../src/main/engine/session';
import { countModel } from '../../src/shared/analysis/counts';
import { randomWeights } from '../../src/shared/engine/randomWeights';
import { PRESETS } from '../../src/shared/presets';
import { inferShapes } from '../../src/shared/model/shapes';

const WEIGHT_ROLES = /\.(kernel|bias|depthwise|gamma|beta|mean|variance|constant)(_\d+)?$/;

function weightCount(model: Uint8Array): number {
  const graph = onnxProto.onnx.ModelProto.decode(model).graph as InstanceType<typeof onnxProto.onnx.GraphProto>;
  return graph.initializer.filter((t) => WEIGHT_ROLES.test(t.name as string)).reduce((a, t) => a + (t.dims as number[]).reduce((x, d) => x * Number(d), 1), 0);
}

describe('the graph Frontier runs has the structure analyze reports', () => {
  for (const preset of PRESETS) {
    for (const prune of [undefined, 0.5]) {
      it(`${preset.id}${prune ? `, pruned ${prune * 100} %` : ''}: float and int8`, async () => {
        const graph = preset.build();
        const weights = randomWeights(graph, 7);
        const config = prune ? { prune: { '*': prune } } : {};
        const float = await prepareRun({ graph, weights }, { ...config, precision: 'fp32' });
        const counts = countModel(float.graph);
        expect(weightCount(float.built.model)).toBe(counts.frameworkParams);

        const inputs = float.built.inputs.map((io) => Float32Array.from({ length: 4 * io.shape.reduce((a, b) => a * b, 1) }, (_, i) => Math.sin(i)));
        const calibration = async () => ({ inputs, count: 4, source: 'test samples' });
        const int8 = await prepareRun({ graph, weights }, { ...config, precision: 'int8' }, calibration);
        expect(weightCount(int8.built.model)).toBe(countModel(int8.graph).params);

        for (const run of [float, int8]) {
          // An int8 run's graph has a softmax of its own after the last Dense (as TFLite runs it).
          const shapes = inferShapes(run.graph);
          const session = await GraphSession.create(run.built);
          const feeds = run.built.inputs.map((io, i) => (io.type === 'int8' ? new Int8Array(inputs[i].length) : inputs[i]));
          const outs = await session.run(feeds, 4);
          await session.release();
          run.built.outputs.forEach((io, i) => {
            expect(io.shape).toEqual(shapes.get(io.layer));
            expect(outs[i].length).toBe(4 * io.shape.reduce((a, b) => a * b, 1));
          });
        }
      }, 60_000);
    }
  }
});
