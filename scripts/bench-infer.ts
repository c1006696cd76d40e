// `npm run bench:infer`: the engine's speed on MLPerf Tiny's image-classification architecture (ResNet-8, seeded
// random weights), written as a float ONNX file and an int8 (QDQ) ONNX file into a temporary folder, then run:
//   floatRatio      — samples/s of `frontier infer`'s engine on the float file ÷ onnxruntime running the file directly
//   int8RatioToQdq  — samples/s of the bit-exact int8 path (TFLM's integer requantization) on the int8 file ÷
//                     onnxruntime running that QDQ file directly (float rescaling, not bit-exact)
//   buildMs         — building one configuration's graph of MobileNetV1 0.25 96×96 (pruning 50 %, int8 weights and
//                     requantization constants, the ONNX graph), calibration and session creation excluded; median
//                     of nine after five warm-up builds
// The last line is one JSON object with these keys.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ort from 'onnxruntime-node';
import { calibrationRanges } from '../src/main/engine/calibrate';
import { buildInt8Graph } from '../src/main/engine/build/int8';
import { inferModel } from '../src/main/engine/infer';
import { loadRunnableModel } from '../src/main/engine/load';
import { applyChannelEdits } from '../src/shared/model/edit';
import { pruneWeights, selectChannels } from '../src/shared/engine/prune';
import { quantizeModel } from '../src/shared/engine/quantize';
import { randomWeights } from '../src/shared/engine/randomWeights';
import { findPreset } from '../src/shared/presets';
import type { ModelGraph } from '../src/shared/model/types';
import { graphToOnnx } from '../test/onnx/writer';

const SAMPLES = 2048;
/** Each figure is the best of this many runs, engine and onnxruntime alternating (the machine may be busy). */
const ROUNDS = 3;
const BATCH = 64;
const dir = mkdtempSync(join(tmpdir(), 'frontier-bench-infer-'));
const preset = (id: string): ModelGraph => (findPreset(id) as { build: () => ModelGraph }).build();

function images(count: number, shape: number[]): Float32Array {
  const data = new Float32Array(count * shape.reduce((a, b) => a * b, 1));
  for (let i = 0; i < data.length; i++) data[i] = Math.sin(i * 0.731) * 0.5 + 0.5;
  return data;
}

function toNchw(data: Float32Array, count: number, [h, w, c]: number[]): Float32Array {
  const out = new Float32Array(data.length);
  for (let n = 0; n < count; n++) for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) for (let k = 0; k < c; k++) out[((n * c + k) * h + y) * w + x] = data[((n * h + y) * w + x) * c + k];
  return out;
}

/**
 * Samples per second of onnxruntime running an NCHW file directly, in the same batches, from a new session — as
 * `frontier infer` runs (a session per run; its first batch pays onnxruntime's first-run costs in both).
 */
async function direct(bytes: Uint8Array, nchw: Float32Array, shape: number[]): Promise<number> {
  const session = await ort.InferenceSession.create(bytes, { logSeverityLevel: 3, graphOptimizationLevel: 'all' });
  const [h, w, c] = shape;
  const per = h * w * c;
  const started = performance.now();
  for (let start = 0; start < SAMPLES; start += BATCH) {
    const n = Math.min(BATCH, SAMPLES - start);
    await session.run({ [session.inputNames[0]]: new ort.Tensor('float32', nchw.subarray(start * per, (start + n) * per), [n, c, h, w]) });
  }
  const seconds = (performance.now() - started) / 1000;
  await session.release();
  return SAMPLES / seconds;
}

async function engine(path: string, data: Float32Array, shape: number[]): Promise<number> {
  const model = await loadRunnableModel(path);
  const input = [{ file: 'bench', array: { dtype: 'float32' as const, shape: [SAMPLES, ...shape], data } }];
  const result = await inferModel(model, {}, input);
  return result.samples / result.seconds;
}

async function main(): Promise<void> {
  const resnet = preset('mlperf-ic');
  const shape = (resnet.layers.find((l) => l.type === 'Input') as { shape: number[] }).shape;
  const data = images(SAMPLES, shape);
  const nchw = toNchw(data, SAMPLES, shape);
  const floatFile = graphToOnnx(resnet, { weights: 1, batch: 'N' });
  const int8File = graphToOnnx(resnet, { weights: 1, batch: 'N', precision: 'int8' });
  writeFileSync(join(dir, 'resnet8.onnx'), floatFile);
  writeFileSync(join(dir, 'resnet8-int8.onnx'), int8File);

  const best = async (measure: () => Promise<number>, other: () => Promise<number>): Promise<[number, number]> => {
    let a = 0;
    let b = 0;
    for (let i = 0; i < ROUNDS; i++) {
      a = Math.max(a, await measure());
      b = Math.max(b, await other());
    }
    return [a, b];
  };
  const [floatEngine, floatDirect] = await best(() => engine(join(dir, 'resnet8.onnx'), data, shape), () => direct(floatFile, nchw, shape));
  console.log(`float: engine ${floatEngine.toFixed(0)} samples/s, onnxruntime on the file ${floatDirect.toFixed(0)} samples/s`);
  const [int8Engine, qdqDirect] = await best(() => engine(join(dir, 'resnet8-int8.onnx'), data, shape), () => direct(int8File, nchw, shape));
  console.log(`int8: bit-exact engine ${int8Engine.toFixed(0)} samples/s, onnxruntime on the QDQ file ${qdqDirect.toFixed(0)} samples/s`);

  // buildMs: MobileNetV1 0.25 at 96×96, pruned 50 %, int8.
  const vww = preset('mlperf-vww');
  const weights = randomWeights(vww, 3);
  const vwwShape = (vww.layers.find((l) => l.type === 'Input') as { shape: number[] }).shape;
  const edited = applyChannelEdits(vww, { prune: { '*': 0.5 } }).graph;
  const ranges = await calibrationRanges(edited, pruneWeights(vww, edited, weights, selectChannels(vww, edited, weights, 'l1')), [images(8, vwwShape)], 8);
  const times: number[] = [];
  // The first builds include the JIT compiling the builder: warm up, then take the median of nine.
  for (let i = 0; i < 14; i++) {
    const started = performance.now();
    const graph = applyChannelEdits(vww, { prune: { '*': 0.5 } }).graph;
    const pruned = pruneWeights(vww, graph, weights, selectChannels(vww, graph, weights, 'l1'));
    buildInt8Graph(graph, quantizeModel(graph, pruned, ranges));
    if (i >= 5) times.push(performance.now() - started);
  }
  const buildMs = times.sort((a, b) => a - b)[4];
  console.log(`build: MobileNetV1 0.25 96×96, pruned 50 %, int8: ${buildMs.toFixed(1)} ms (median of 9 after 5 warm-up builds)`);
  rmSync(dir, { recursive: true, force: true });
  console.log(
    JSON.stringify({
      floatRatio: Number((floatEngine / floatDirect).toFixed(3)),
      int8RatioToQdq: Number((int8Engine / qdqDirect).toFixed(3)),
      buildMs: Number(buildMs.toFixed(1)),
      floatSamplesPerSecond: Math.round(floatEngine),
      int8SamplesPerSecond: Math.round(int8Engine),
      onnxruntimeFloatSamplesPerSecond: Math.round(floatDirect),
      onnxruntimeQdqSamplesPerSecond: Math.round(qdqDirect),
    }),
  );
}

await main();
