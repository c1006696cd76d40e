// Fashion-MNIST for the engine's tests: the committed subset (test/fixtures/fashion, made by
// scripts/make-fashion-fixtures.py) and the full idx files of Debian's dataset-fashion-mnist when installed.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { NpyArray } from '../../src/shared/engine/npy';

export const FASHION_FIXTURES = join(__dirname, '..', 'fixtures', 'fashion');
export const FASHION_DATASET = '/usr/share/datasets/fashion-mnist';

/** Why the tests on the full data set cannot run here, or null when they can. */
export function fashionDatasetMissing(): string | null {
  const files = ['t10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz'];
  const missing = files.filter((f) => !existsSync(join(FASHION_DATASET, f)));
  if (missing.length === 0) return null;
  return `${FASHION_DATASET} has no ${missing.join(' or ')}: install Debian's dataset-fashion-mnist (apt-get install dataset-fashion-mnist) to run it`;
}

/** A gzipped idx file of uint8 values (the MNIST format): magic 00 00 08 NDIM, big-endian uint32 sizes, data. */
export function readIdx(path: string): { shape: number[]; data: Uint8Array } {
  const bytes = gunzipSync(readFileSync(path));
  if (bytes[0] !== 0 || bytes[1] !== 0 || bytes[2] !== 8) throw new Error(`${path}: not a uint8 idx file`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const shape = Array.from({ length: bytes[3] }, (_, i) => view.getUint32(4 + 4 * i, false));
  const offset = 4 + 4 * shape.length;
  const size = shape.reduce((a, b) => a * b, 1);
  if (bytes.length !== offset + size) throw new Error(`${path}: ${bytes.length - offset} data bytes for shape ${shape.join('×')}`);
  return { shape, data: bytes.subarray(offset) };
}

/** The scripts' preprocessing, x / 255 in float32 (numpy's float32 division rounds the same way). */
export function scaled(pixels: Uint8Array, shape: number[]): NpyArray {
  const data = new Float32Array(pixels.length);
  for (let i = 0; i < pixels.length; i++) data[i] = pixels[i] / 255;
  return { dtype: 'float32', shape, data };
}

/** Top-1 answers: the index of the largest logit per sample, the first one on ties (as torch.argmax). */
export function argmax(logits: Float32Array, classes: number): number[] {
  const answers: number[] = [];
  for (let s = 0; s * classes < logits.length; s++) {
    let best = 0;
    for (let c = 1; c < classes; c++) if (logits[s * classes + c] > logits[s * classes + best]) best = c;
    answers.push(best);
  }
  return answers;
}

export const countRight = (answers: number[], labels: ArrayLike<number>): number => answers.filter((a, i) => a === labels[i]).length;
