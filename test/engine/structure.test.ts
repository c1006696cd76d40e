// The graph Frontier runs has the structure analyze reports: for every preset with seeded random weights, unpruned
// and pruned, float and int8, the built ONNX graph holds exactly the analysed parameters (float: every framework
// weight; int8: the deployed ones, BatchNormalization folded) and does exactly the analysed multiply-accumulates
// (counted from its convolutions' and matrix products' own weights and output shapes, as onnxruntime computes them),
// and runs to the analysed output shapes. The same for model files of every format.
import onnxProto from 'onnx-proto';
import ort from 'onnxruntime-node';
import { join } from 'node:path';
import { loadRunnableModel } from '../../src/main/engine/load';
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

/** Multiply-accumulates of a built graph: every convolution and matrix product, from its weight and its output's size. */
async function graphMacs(model: Uint8Array, inputs: { name: string; shape: number[]; type: string }[]): Promise<number> {
  const decoded = onnxProto.onnx.ModelProto.decode(model);
  const graph = decoded.graph as InstanceType<typeof onnxProto.onnx.GraphProto>;
  const dims = new Map(graph.initializer.map((t) => [t.name as string, (t.dims as number[]).map(Number)]));
  const counted = graph.node.filter((n) => ['Conv', 'ConvInteger', 'MatMul', 'MatMulInteger', 'Gemm'].includes(n.opType as string) && dims.has(n.input?.[1] as string) && !(n.input?.[1] as string).includes('.ones'));
  for (const n of counted) graph.output.push({ name: n.output?.[0] as string });
  const session = await ort.InferenceSession.create(onnxProto.onnx.ModelProto.encode(decoded).finish());
  const feeds = Object.fromEntries(inputs.map((io) => [io.name, io.type === 'int8' ? new ort.Tensor('int8', new Int8Array(sizeOf(io.shape)), [1, ...io.shape]) : new ort.Tensor('float32', new Float32Array(sizeOf(io.shape)), [1, ...io.shape])]));
  const results = await session.run(feeds);
  await session.release();
  let macs = 0;
  for (const n of counted) {
    const w = dims.get(n.input?.[1] as string) as number[];
    const outputs = sizeOf(results[n.output?.[0] as string].dims as number[]);
    const transB = n.attribute?.find((a) => a.name === 'transB')?.i;
    // Conv weight [O, I/g, kh, kw]: each output value sums I/g·kh·kw products; MatMul weight [depth, units]: depth.
    const perOutput = n.opType?.startsWith('Conv') ? sizeOf(w) / w[0] : n.opType === 'Gemm' && Number(transB) === 1 ? w[1] : w[0];
    macs += outputs * perOutput;
  }
  return macs;
}

const sizeOf = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

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

        expect(await graphMacs(float.built.model, float.built.inputs)).toBe(counts.macs);
        expect(await graphMacs(int8.built.model, int8.built.inputs)).toBe(countModel(int8.graph).macs);

        const shapes = inferShapes(float.graph);
        for (const run of [float, int8]) {
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

describe('model files of every format: the built graph holds the parameters and does the MACs analyze reports', () => {
  const fixtures = join(import.meta.dirname, '..', 'fixtures');
  for (const file of ['tflite/person_detect.tflite', 'tflite/hello_world_int8.tflite', 'fashion/cnn.onnx', 'fashion/mlp.onnx', 'fashion/cnn.tfjs/model.json']) {
    it(file, async () => {
      const model = await loadRunnableModel(join(fixtures, file));
      const stored = await prepareRun(model, { prune: { '*': 0.5 } }, async () => {
        throw new Error('a stored configuration needs no calibration');
      });
      const counts = countModel(stored.graph);
      expect(await graphMacs(stored.built.model, stored.built.inputs)).toBe(counts.macs);
      const kind = stored.built.inputs[0].type === 'int8' ? counts.params : counts.frameworkParams;
      expect(weightCount(stored.built.model)).toBe(kind);
    }, 60_000);
  }
});
