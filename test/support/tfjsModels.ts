// Small TensorFlow.js layers models with seeded weights, saved as `model.json` + weight shards the way TensorFlow.js
// and tensorflowjs_converter write them (float32, or quantized uint8 / uint16 / float16 as the converter quantizes),
// and run by TensorFlow.js itself: an independent reference for the engine's weights and float outputs.
//
//   const { model } = TFJS_MODELS[0]; const saved = await saveTfjsModel(model(), dir, { quantize: 'uint8' });
//   const input = seededInput(model, 4, 7); const output = tfjsPredict(model, input);
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { seededRandom } from './kerasWeightFiles';

export type TfjsQuantization = 'uint8' | 'uint16' | 'float16';

export interface TfjsModelBuilder {
  name: string;
  /** What the model exercises. */
  covers: string;
  /** A new model with seeded weights (the same every call). */
  build(): tf.LayersModel;
}

/** Sets every weight of the model from a seeded generator (moving variances positive, as trained ones are). */
export function seedWeights(model: tf.LayersModel, seed: number): tf.LayersModel {
  const random = seededRandom(seed);
  const values = model.weights.map((w) => {
    const data = new Float32Array((w.shape as number[]).reduce((a, b) => a * b, 1));
    const variance = w.originalName.endsWith('moving_variance');
    for (let i = 0; i < data.length; i++) data[i] = variance ? 0.5 + random() : random() * 2 - 1;
    return tf.tensor(data, w.shape as number[]);
  });
  model.setWeights(values);
  tf.dispose(values);
  return model;
}

export const TFJS_MODELS: TfjsModelBuilder[] = [
  {
    name: 'tfjs-cnn',
    covers: 'Conv2D, BatchNormalization (own epsilon; no beta), DepthwiseConv2D ×2, SeparableConv2D, MaxPooling2D, Flatten, Dense',
    build() {
      const model = tf.sequential({ name: 'tfjs_cnn' });
      model.add(tf.layers.conv2d({ name: 'conv1', inputShape: [10, 10, 3], filters: 4, kernelSize: 3, padding: 'same', activation: 'relu' }));
      model.add(tf.layers.batchNormalization({ name: 'bn1', epsilon: 0.01 }));
      model.add(tf.layers.depthwiseConv2d({ name: 'dw', kernelSize: 3, depthMultiplier: 2, padding: 'same' }));
      model.add(tf.layers.separableConv2d({ name: 'sep', filters: 5, kernelSize: 3, depthMultiplier: 2, activation: 'relu' }));
      model.add(tf.layers.batchNormalization({ name: 'bn2', center: false }));
      model.add(tf.layers.maxPooling2d({ name: 'pool', poolSize: 2 }));
      model.add(tf.layers.flatten({ name: 'flat' }));
      model.add(tf.layers.dense({ name: 'fc', units: 3, activation: 'softmax' }));
      return seedWeights(model, 11);
    },
  },
  {
    name: 'tfjs-branch',
    covers: 'functional: Conv2D without bias, BatchNormalization without gamma, Add, GlobalAveragePooling2D, Dense without bias',
    build() {
      const input = tf.input({ name: 'image', shape: [8, 8, 2] });
      const a = tf.layers.conv2d({ name: 'a', filters: 6, kernelSize: 1, useBias: false }).apply(input) as tf.SymbolicTensor;
      const aBn = tf.layers.batchNormalization({ name: 'a_bn', scale: false }).apply(a) as tf.SymbolicTensor;
      const aRelu = tf.layers.activation({ name: 'a_relu', activation: 'relu' }).apply(aBn) as tf.SymbolicTensor;
      const b = tf.layers.conv2d({ name: 'b', filters: 6, kernelSize: 3, padding: 'same' }).apply(input) as tf.SymbolicTensor;
      const sum = tf.layers.add({ name: 'sum' }).apply([aRelu, b]) as tf.SymbolicTensor;
      const gap = tf.layers.globalAveragePooling2d({ name: 'gap' }).apply(sum) as tf.SymbolicTensor;
      const out = tf.layers.dense({ name: 'out', units: 4, useBias: false }).apply(gap) as tf.SymbolicTensor;
      return seedWeights(tf.model({ name: 'tfjs_branch', inputs: input, outputs: out }), 12);
    },
  },
];

export interface SavedTfjsModel {
  /** model.json's path. */
  path: string;
  /** The manifest's weights (with their quantization). */
  specs: tf.io.WeightsManifestEntry[];
  /** The weight bytes as written, all shards end to end. */
  data: ArrayBuffer;
}

export interface SaveOptions {
  quantize?: TfjsQuantization;
  /** Split the weight bytes over this many shard files (at byte boundaries, as the converter splits). */
  shards?: number;
}

/** Saves the model to `dir` as model.json + `group1-shardNofM.bin`, as TensorFlow.js's file writers lay it out. */
export async function saveTfjsModel(model: tf.LayersModel, dir: string, options: SaveOptions = {}): Promise<SavedTfjsModel> {
  let artifacts: tf.io.ModelArtifacts | undefined;
  await model.save(
    tf.io.withSaveHandler(async (saved) => {
      artifacts = saved;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  const saved = artifacts as tf.io.ModelArtifacts;
  withDepthMultipliers(model, saved.modelTopology);
  const raw = saved.weightData;
  const float = raw instanceof ArrayBuffer ? raw : tf.io.CompositeArrayBuffer.join(raw as ArrayBuffer[]);
  let specs = saved.weightSpecs as tf.io.WeightsManifestEntry[];
  let data = float;
  if (options.quantize) ({ specs, data } = quantizeWeights(specs, float, options.quantize));
  const count = options.shards ?? 1;
  const bytes = new Uint8Array(data);
  const paths: string[] = [];
  const step = Math.ceil(bytes.length / count);
  mkdirSync(dir, { recursive: true });
  for (let s = 0; s < count; s++) {
    const name = `group1-shard${s + 1}of${count}.bin`;
    writeFileSync(join(dir, name), bytes.subarray(s * step, Math.min(bytes.length, (s + 1) * step)));
    paths.push(name);
  }
  const json = {
    format: 'layers-model',
    generatedBy: `TensorFlow.js tfjs-layers v${tf.version_layers}`,
    convertedBy: options.quantize ? 'TensorFlow.js Converter v4.22.0' : null,
    modelTopology: saved.modelTopology,
    weightsManifest: [{ paths, weights: specs }],
  };
  const path = join(dir, 'model.json');
  writeFileSync(path, JSON.stringify(json));
  return { path, specs, data };
}

/**
 * TensorFlow.js leaves a SeparableConv2D's depth_multiplier out of the config it saves (a known omission: the model
 * would read back with a multiplier of 1); the converter, writing from Keras, keeps it. Put it back.
 */
function withDepthMultipliers(model: tf.LayersModel, topology: unknown): void {
  const config = (topology as { config?: { layers?: { class_name: string; config: Record<string, unknown> }[] } }).config;
  for (const entry of config?.layers ?? []) {
    if (entry.class_name !== 'SeparableConv2D' || 'depth_multiplier' in entry.config) continue;
    const layer = model.getLayer(entry.config.name as string) as unknown as { depthMultiplier: number };
    entry.config.depth_multiplier = layer.depthMultiplier;
  }
}

/** numpy's round: halves to even. */
const roundHalfEven = (x: number): number => {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
};

/**
 * Quantizes float32 weights as tensorflowjs_converter's quantization.py does: uint8/uint16 affine per tensor, the
 * minimum nudged so that 0 is exact when the range holds it (q = round((w − min) / scale), w ≈ q × scale + min), or
 * float16 (round to nearest even).
 */
export function quantizeWeights(
  specs: tf.io.WeightsManifestEntry[],
  data: ArrayBuffer,
  dtype: TfjsQuantization,
): { specs: tf.io.WeightsManifestEntry[]; data: ArrayBuffer } {
  const chunks: Uint8Array[] = [];
  const out: tf.io.WeightsManifestEntry[] = [];
  let offset = 0;
  for (const spec of specs) {
    const count = spec.shape.reduce((a, b) => a * b, 1);
    const values = new Float32Array(data.slice(offset, offset + count * 4));
    offset += count * 4;
    if (dtype === 'float16') {
      const halves = new Uint16Array(count);
      for (let i = 0; i < count; i++) halves[i] = floatToHalf(values[i]);
      chunks.push(new Uint8Array(halves.buffer));
      out.push({ ...spec, quantization: { dtype: 'float16', original_dtype: 'float32' } as never });
      continue;
    }
    const quantMax = dtype === 'uint8' ? 255 : 65535;
    let min = Infinity;
    let max = -Infinity;
    for (const v of values) {
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
    const q = dtype === 'uint8' ? new Uint8Array(count) : new Uint16Array(count);
    let scale = 1;
    let nudgedMin = min;
    if (min !== max) {
      scale = (max - min) / quantMax;
      if (min <= 0 && 0 <= max) nudgedMin = roundHalfEven(min / scale) * scale;
      const nudgedMax = quantMax * scale + nudgedMin;
      for (let i = 0; i < count; i++) {
        const clipped = Math.min(Math.max(values[i], nudgedMin), nudgedMax);
        q[i] = roundHalfEven((clipped - nudgedMin) / scale);
      }
    }
    chunks.push(new Uint8Array(q.buffer));
    out.push({ ...spec, quantization: { dtype, scale, min: nudgedMin, original_dtype: 'float32' } as never });
  }
  const total = chunks.reduce((n, c) => n + c.length, 0);
  const joined = new Uint8Array(total);
  let at = 0;
  for (const chunk of chunks) {
    joined.set(chunk, at);
    at += chunk.length;
  }
  return { specs: out, data: joined.buffer };
}

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** A number as IEEE binary16 bits, rounded to nearest even (numpy's astype(float16)). */
export function floatToHalf(value: number): number {
  f32[0] = value;
  const x = u32[0];
  const sign = (x >>> 16) & 0x8000;
  const exponent = (x >>> 23) & 0xff;
  let mantissa = x & 0x7fffff;
  if (exponent === 0xff) return sign | 0x7c00 | (mantissa ? 0x200 : 0);
  const e = exponent - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  const round = (bits: number, shift: number, base: number): number => {
    const rest = bits & ((1 << shift) - 1);
    const half = 1 << (shift - 1);
    let r = base;
    if (rest > half || (rest === half && (r & 1) === 1)) r++;
    return r;
  };
  if (e <= 0) {
    if (e < -10) return sign;
    mantissa |= 0x800000;
    const shift = 14 - e;
    return sign | round(mantissa, shift, mantissa >>> shift);
  }
  return sign | round(mantissa, 13, (e << 10) | (mantissa >>> 13));
}

/** `count` seeded samples for the model's (single) input: { shape: [count, ...input], data }. */
export function seededInput(model: tf.LayersModel, count: number, seed: number): { shape: number[]; data: Float32Array } {
  const shape = [count, ...(model.inputs[0].shape.slice(1) as number[])];
  const random = seededRandom(seed);
  const data = new Float32Array(shape.reduce((a, b) => a * b, 1));
  for (let i = 0; i < data.length; i++) data[i] = random() * 2 - 1;
  return { shape, data };
}

/** TensorFlow.js's own outputs for the samples (float32, channels-last, batch first). */
export function tfjsPredict(model: tf.LayersModel, input: { shape: number[]; data: Float32Array }): { shape: number[]; data: Float32Array } {
  return tf.tidy(() => {
    const output = model.predict(tf.tensor(input.data, input.shape)) as tf.Tensor;
    return { shape: output.shape, data: Float32Array.from(output.dataSync()) };
  });
}
