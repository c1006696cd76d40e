// A configuration emitted as an .onnx file round-trips: read back, it gives the same analyze figures as the
// configuration it came from, and Frontier runs it to the same outputs (int8: identical; float: within 1e-6
// relative). Every preset with seeded random weights, at fp32 and int8 (calibrated on seeded samples), unpruned and
// pruned; person_detect re-emitted as int8 reproduces TFLM's own outputs. ONNX Runtime loads and runs every file.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ort from 'onnxruntime-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { writeExamKerasArchive } from '../support/examKerasArchive';
import { emitOnnx, EMIT_OPSET, kernelColumnsToChw } from '../../src/main/engine/emit/onnx';
import { prepareRun, type RunConfiguration } from '../../src/main/engine/configure';
import { inferModel, type InputArrays } from '../../src/main/engine/infer';
import { loadRunnableModel, type RunnableModel } from '../../src/main/engine/load';
import { analyze, type AnalysisRequest } from '../../src/shared/analysis/analyze';
import { parsePrecision } from '../../src/shared/analysis/precision';
import { MEMORY_MODELS } from '../../src/shared/analysis/memory';
import { roundToFloat16 } from '../../src/shared/engine/float16';
import { parseNpy, type NpyArray } from '../../src/shared/engine/npy';
import { randomWeights } from '../../src/shared/engine/randomWeights';
import { mulberry32 } from '../../src/shared/sweep/space';
import { PRESETS } from '../../src/shared/presets';
import { GraphBuilder } from '../../src/shared/presets/builder';
import type { ModelGraph } from '../../src/shared/model/types';
import { inferShapes } from '../../src/shared/model/shapes';
import { onnx } from '../../src/main/engine/onnx/builder';
import { runOnZeros } from '../onnx/ort';

const dir = mkdtempSync(join(tmpdir(), 'frontier-emit-onnx-'));
const fixtures = join(import.meta.dirname, '..', 'fixtures');

/** The figures analyze gives, under every memory model. */
function figures(graph: ModelGraph, request: AnalysisRequest = {}) {
  return MEMORY_MODELS.map((memoryModel) => {
    const r = analyze(graph, { ...request, memoryModel });
    return { memoryModel, params: r.params, paramBytes: r.paramBytes, macs: r.macs, peakActivationBytes: r.peakActivationBytes, ...(r.arena ? { arena: r.arena.bytes } : {}) };
  });
}

/** `count` seeded samples of the model's one input, uniform in [−1, 1]. */
function samples(graph: ModelGraph, count: number, seed: number): InputArrays {
  const input = graph.layers.find((l) => l.type === 'Input') as { shape: number[] };
  const size = input.shape.reduce((a, d) => a * d, 1);
  const random = mulberry32(seed);
  const data = Float32Array.from({ length: count * size }, () => random() * 2 - 1);
  return [{ file: `seed${seed}.npy`, array: { dtype: 'float32', shape: [count, ...input.shape], data } }];
}

async function emitted(name: string, bytes: Uint8Array): Promise<RunnableModel> {
  const path = join(dir, `${name}.onnx`);
  writeFileSync(path, bytes);
  return loadRunnableModel(path);
}

/** An array's values as plain numbers (int8 codes). */
const codes = (data: NpyArray['data']): number[] => Array.from(data as ArrayLike<number>);

const farFrom = (actual: Float32Array, expected: Float32Array, rel: number, abs: number): number[] => {
  const bad: number[] = [];
  for (let i = 0; i < expected.length; i++) if (!(Math.abs(actual[i] - expected[i]) <= Math.max(abs, rel * Math.abs(expected[i])))) bad.push(i);
  return bad;
};

/**
 * Float outputs agree within 1e-6 relative. A Dense behind a flattened image of a channels-last source is the
 * exception: the file reads the image channel-major (its kernel's columns reordered), so the dot product sums the
 * same terms in another order, and a sum of thousands of terms with cancellation moves by more than 1e-6 of a small
 * result: there the bound is the one every format meets with the same weights (1e-5 relative, 1e-6 absolute).
 */
function floatTolerance(graph: ModelGraph, order: 'hwc' | 'chw'): [number, number] {
  const shapes = inferShapes(graph);
  const image = (name: string) => (shapes.get(name) as number[]).length === 3 && (shapes.get(name) as number[])[0] * (shapes.get(name) as number[])[1] > 1;
  const reordered = graph.layers.some(
    (l) => (l.type === 'Flatten' && image(l.inputs[0])) || (l.type === 'Dense' && l.flattenInput && image(l.inputs[0])),
  );
  return order === 'hwc' && reordered ? [1e-5, 1e-6] : [1e-6, 1e-7];
}

const CONFIGS: [string, RunConfiguration][] = [
  ['fp32', { precision: 'fp32' }],
  ['fp32 pruned', { precision: 'fp32', prune: { '*': 0.5 } }],
  ['int8', { precision: 'int8' }],
  ['int8 pruned', { precision: 'int8', prune: { '*': 0.5 } }],
];

describe.each(PRESETS.map((p) => [p.id, p] as const))('%s emitted as ONNX', (id, preset) => {
  it.each(CONFIGS)('%s: the same figures and outputs when read back', async (label, config) => {
    const graph = preset.build();
    const source: RunnableModel = { graph, weights: randomWeights(graph, 7), file: `${id} (preset)` };
    const calibration = samples(graph, 16, 11);
    const inputs = samples(graph, 3, 13);
    const int8 = config.precision === 'int8';
    const expected = await inferModel(source, config, inputs, { raw: int8, calibration });
    const bytes = emitOnnx(expected.run);
    await runOnZeros(bytes);
    const model = await emitted(`${id}-${label.replace(' ', '-')}`, bytes);

    expect(model.graph.source).toMatchObject({ format: 'onnx', precision: int8 ? 'int8' : 'fp32' });
    expect(figures(model.graph)).toEqual(figures(expected.run.graph, { precision: config.precision, biasMode: int8 ? 'int32' : 'weight' }));

    const actual = await inferModel(model, {}, inputs, { raw: int8 });
    expect(actual.precision).toBe(expected.precision);
    expect(actual.outputs[0].array.shape).toEqual(expected.outputs[0].array.shape);
    if (int8) expect(codes(actual.outputs[0].array.data)).toEqual(codes(expected.outputs[0].array.data));
    else {
      const [a, e] = [actual.outputs[0].array.data as Float32Array, expected.outputs[0].array.data as Float32Array];
      expect(farFrom(a, e, ...floatTolerance(graph, source.weights.flattenOrder))).toEqual([]);
    }
  }, 60_000);
});

describe('Keras model files emitted as ONNX', () => {
  // The .keras archive is written before the tests run (its weights are seeded; the committed one has stubs).
  let keras = '';
  beforeAll(async () => {
    keras = await writeExamKerasArchive(dir);
  });
  const files: [string, () => string][] = [
    ['.h5', () => join(fixtures, 'h5', 'exam-cnn-small.h5')],
    ['.keras', () => keras],
  ];
  for (const [format, path] of files) {
    it.each(CONFIGS)(`${format}, %s: the same figures and outputs when read back`, async (label, config) => {
      const source = await loadRunnableModel(path());
      const graph = source.graph;
      const inputs = samples(graph, 3, 13);
      const int8 = config.precision === 'int8';
      const expected = await inferModel(source, config, inputs, { raw: int8, calibration: samples(graph, 8, 11) });
      const bytes = emitOnnx(expected.run);
      const model = await emitted(`keras${format.replace('.', '-')}-${label.replace(' ', '-')}`, bytes);
      expect(figures(model.graph)).toEqual(figures(expected.run.graph, { precision: config.precision, biasMode: int8 ? 'int32' : 'weight' }));
      const actual = await inferModel(model, {}, inputs, { raw: int8 });
      if (int8) expect(codes(actual.outputs[0].array.data)).toEqual(codes(expected.outputs[0].array.data));
      else {
        const [a, e] = [actual.outputs[0].array.data as Float32Array, expected.outputs[0].array.data as Float32Array];
        expect(farFrom(a, e, ...floatTolerance(graph, source.weights.flattenOrder))).toEqual([]);
      }
    }, 60_000);
  }
});

describe('a channel-major source', () => {
  it('keeps its Dense columns: fp32 outputs within 1e-6 relative, int8 identical', async () => {
    const graph = (PRESETS.find((p) => p.id === 'exam-cnn') as (typeof PRESETS)[number]).build();
    const source: RunnableModel = { graph, weights: randomWeights(graph, 5, { flattenOrder: 'chw' }), file: 'exam-cnn (preset)' };
    const inputs = samples(graph, 3, 17);
    for (const precision of ['fp32', 'int8']) {
      const raw = precision === 'int8';
      const expected = await inferModel(source, { precision }, inputs, { raw, calibration: samples(graph, 8, 19) });
      const model = await emitted(`exam-chw-${precision}`, emitOnnx(expected.run));
      expect(model.weights.flattenOrder).toBe('chw');
      const actual = await inferModel(model, {}, inputs, { raw });
      const [a, e] = [actual.outputs[0].array.data, expected.outputs[0].array.data];
      if (raw) expect(codes(a)).toEqual(codes(e));
      else expect(farFrom(a as Float32Array, e as Float32Array, 1e-6, 1e-7)).toEqual([]);
    }
  }, 60_000);
});

describe('a channels-last source whose flattened image is reshaped back to an image', () => {
  /** A flattened image read by a Reshape back to an image, and one read by a Dense through a ReLU and a Dropout: the
   * values keep the source's H×W×C order through Transposes. */
  function orders(): ModelGraph {
    const b = new GraphBuilder('orders');
    let x = b.input('input', [6, 6, 2]);
    x = b.conv2d('c1', x, { filters: 4, kernel: 3, padding: 'same' });
    x = b.flatten('f1', x);
    x = b.reshape('r', x, [3, 3, 16]);
    x = b.conv2d('c2', x, { filters: 3, kernel: 1 });
    x = b.flatten('f2', x);
    x = b.activation('relu', x, 'relu');
    x = b.dropout('drop', x, 0.5);
    x = b.dense('d', x, { units: 5 });
    return b.build(x);
  }

  it('fp32: ONNX Runtime running the file gives the configuration\'s outputs', async () => {
    const graph = orders();
    const source: RunnableModel = { graph, weights: randomWeights(graph, 29), file: 'orders' };
    const count = 4;
    const inputs = samples(graph, count, 31);
    const expected = await inferModel(source, { precision: 'fp32' }, inputs);
    const session = await ort.InferenceSession.create(emitOnnx(expected.run));
    const nhwc = inputs[0].array.data as Float32Array;
    const nchw = new Float32Array(nhwc.length);
    for (let n = 0; n < count; n++) for (let y = 0; y < 6; y++) for (let x = 0; x < 6; x++) for (let c = 0; c < 2; c++) nchw[((n * 2 + c) * 6 + y) * 6 + x] = nhwc[((n * 6 + y) * 6 + x) * 2 + c];
    const out = await session.run({ input: new ort.Tensor('float32', nchw, [count, 2, 6, 6]) });
    const direct = out[session.outputNames[0]].data as Float32Array;
    await session.release();
    expect(farFrom(direct, expected.outputs[0].array.data as Float32Array, 1e-5, 1e-6)).toEqual([]);
  });
});

describe("TFLM's example models re-emitted as int8 give TFLM's outputs", () => {
  it('hello_world: every input code', async () => {
    const source = await loadRunnableModel(join(fixtures, 'tflite', 'hello_world_int8.tflite'));
    const prepared = await prepareRun(source, {});
    const bytes = emitOnnx(prepared);
    await runOnZeros(bytes);
    const model = await emitted('hello_world', bytes);
    expect(figures(model.graph)).toEqual(figures(prepared.graph, { precision: 'int8', biasMode: 'int32' }));
    const golden = (name: string) => parseNpy(readFileSync(join(fixtures, 'golden', 'tflm', name)), name);
    const result = await inferModel(model, {}, [{ file: 'hello_world_int8.inputs.npy', array: golden('hello_world_int8.inputs.npy') }], { raw: true });
    expect(codes(result.outputs[0].array.data)).toEqual(codes(golden('hello_world_int8.outputs.npy').data));
  });


  it('person_detect: value for value on the golden images, and ONNX Runtime runs it', async () => {
    const source = await loadRunnableModel(join(fixtures, 'tflite', 'person_detect.tflite'));
    const prepared = await prepareRun(source, {});
    const bytes = emitOnnx(prepared);
    await runOnZeros(bytes);
    const model = await emitted('person_detect', bytes);
    expect(figures(model.graph)).toEqual(figures(prepared.graph, { precision: 'int8', biasMode: 'int32' }));
    const golden = (name: string) => parseNpy(readFileSync(join(fixtures, 'golden', 'tflm', name)), name);
    const inputs = golden('person_detect.inputs.npy');
    const result = await inferModel(model, {}, [{ file: 'person_detect.inputs.npy', array: inputs }], { raw: true });
    expect(codes(result.outputs[0].array.data)).toEqual(codes(golden('person_detect.outputs.npy').data));
  }, 60_000);
});

describe('the emitted file', () => {
  it('states its opset and is a float model ONNX Runtime runs', async () => {
    const graph = (PRESETS.find((p) => p.id === 'exam-cnn') as (typeof PRESETS)[number]).build();
    const bytes = emitOnnx(await prepareRun({ graph, weights: randomWeights(graph, 3) }, { precision: 'fp32' }));
    const model = onnx.ModelProto.decode(bytes);
    expect(model.opsetImport.map((o) => [o.domain, Number(o.version)])).toEqual([['', EMIT_OPSET]]);
    const session = await ort.InferenceSession.create(bytes);
    expect(session.inputNames).toEqual(['input']);
    const out = await session.run({ input: new ort.Tensor('float32', new Float32Array(128 * 128), [1, 1, 128, 128]) });
    expect(out[session.outputNames[0]].dims).toEqual([1, 3]);
    await session.release();
  });

  it.each(['mlperf-vww', 'mlperf-kws'])('%s at fp16: binary16 weights, and run at fp16 the outputs of the configuration to a binary16 step', async (id) => {
    const graph = (PRESETS.find((p) => p.id === id) as (typeof PRESETS)[number]).build();
    const source: RunnableModel = { graph, weights: randomWeights(graph, 3), file: `${id} (preset)` };
    const inputs = samples(graph, 2, 23);
    const expected = await inferModel(source, { precision: 'fp16' }, inputs);
    const bytes = emitOnnx(expected.run);
    const g = onnx.ModelProto.decode(bytes).graph as InstanceType<typeof onnx.GraphProto>;
    const kernels = g.initializer.filter((t) => (t.name ?? '').endsWith('.weight'));
    expect(kernels.length).toBeGreaterThan(0);
    for (const t of kernels) {
      expect(t.dataType).toBe(1);
      const raw = t.rawData as Uint8Array;
      const values = new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength));
      expect(values.every((v) => roundToFloat16(v) === v)).toBe(true);
    }
    await runOnZeros(bytes);
    const model = await emitted(`${id}-fp16`, bytes);
    const actual = await inferModel(model, { precision: 'fp16' }, inputs);
    // Within binary16's own step: the file cannot say where a layer ends (an activation fused into a Dense reads back
    // as a layer of its own, whose input fp16 rounds once more).
    const [a, e] = [actual.outputs[0].array.data as Float32Array, expected.outputs[0].array.data as Float32Array];
    expect(farFrom(a, e, 2 ** -10, 2 ** -24)).toEqual([]);
  });

  it('w4a8: the 4-bit weights in int8 containers, read back as int8 with identical outputs', async () => {
    const graph = (PRESETS.find((p) => p.id === 'mlperf-ic') as (typeof PRESETS)[number]).build();
    const source: RunnableModel = { graph, weights: randomWeights(graph, 3), file: 'mlperf-ic (preset)' };
    const inputs = samples(graph, 3, 41);
    const expected = await inferModel(source, { precision: 'w4a8' }, inputs, { raw: true, calibration: samples(graph, 8, 43) });
    const model = await emitted('mlperf-ic-w4a8', emitOnnx(expected.run));
    const kernel = model.weights.layers.conv1.kernel?.data as Int8Array;
    expect(kernel.every((v) => v >= -7 && v <= 7)).toBe(true);
    const actual = await inferModel(model, {}, inputs, { raw: true });
    expect(actual.precision).toBe('int8');
    expect(codes(actual.outputs[0].array.data)).toEqual(codes(expected.outputs[0].array.data));
  });

  it('an int8 configuration without activation scales is refused, saying so', async () => {
    const graph = (PRESETS.find((p) => p.id === 'exam-cnn') as (typeof PRESETS)[number]).build();
    const prepared = await prepareRun({ graph, weights: randomWeights(graph, 3) }, { precision: 'fp32' });
    expect(() => emitOnnx({ ...prepared, precision: parsePrecision('int8') })).toThrow('int8: the configuration has no activation scales to write');
  });

  it("reorders a Dense kernel's columns from H×W×C to C×H×W", () => {
    // 2×1×3 image: hwc index (y, x, c) → chw index (c, y, x)
    const kernel = { shape: [1, 6], data: Float32Array.from([0, 1, 2, 3, 4, 5]) };
    expect(Array.from(kernelColumnsToChw(kernel, [2, 1, 3]).data)).toEqual([0, 3, 1, 4, 2, 5]);
  });
});
