// idx files (MNIST's format): generated ones, gzipped or not, and the real Fashion-MNIST files of Debian's
// dataset-fashion-mnist package (skipped, saying why, where the package is not installed; CI installs it).
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { openDataSet, summarizeDataSet } from '../../../src/main/engine/data/open';
import { parseIdx } from '../../../src/main/engine/data/idx';

const dir = mkdtempSync(join(tmpdir(), 'frontier-idx-'));
const FASHION = '/usr/share/datasets/fashion-mnist';
const hasFashion = existsSync(join(FASHION, 't10k-images-idx3-ubyte.gz'));

/** An idx file written by hand: zeros, type, dimensions, big-endian sizes, values. */
function idx(type: number, shape: number[], values: Uint8Array): Uint8Array {
  const head = new Uint8Array(4 + 4 * shape.length);
  head[2] = type;
  head[3] = shape.length;
  const view = new DataView(head.buffer);
  shape.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  return Uint8Array.from([...head, ...values]);
}

describe('idx files', () => {
  it('reads uint8 images and labels, gzipped or not', async () => {
    const images = join(dir, 'images-idx3-ubyte.gz');
    const labels = join(dir, 'labels-idx1-ubyte');
    writeFileSync(images, gzipSync(idx(0x08, [3, 2, 2], Uint8Array.from({ length: 12 }, (_, i) => i * 10))));
    writeFileSync(labels, idx(0x08, [3], Uint8Array.from([2, 0, 1])));
    const data = openDataSet({ data: images, labels });
    expect(data).toMatchObject({ kind: 'idx', count: 3, sampleShape: [2, 2], dtype: 'uint8' });
    expect(Array.from((await data.read(1, 1)).data as Uint8Array)).toEqual([40, 50, 60, 70]);
    expect(Array.from(data.labels?.classes ?? [])).toEqual([2, 0, 1]);
  });

  it('reads big-endian int16 and float32 values', () => {
    const bytes = idx(0x0b, [2], Uint8Array.from([0xff, 0xfe, 0x01, 0x00]));
    expect(Array.from(parseIdx(bytes, 'a').data as Int16Array)).toEqual([-2, 256]);
    const f = idx(0x0d, [1], Uint8Array.from([0x3f, 0xc0, 0, 0]));
    expect(Array.from(parseIdx(f, 'b').data as Float32Array)).toEqual([1.5]);
  });

  it('says how many bytes a cut-short file should hold', () => {
    const path = join(dir, 'short-idx3-ubyte');
    writeFileSync(path, idx(0x08, [3, 2, 2], new Uint8Array(7)));
    expect(() => openDataSet({ data: path })).toThrow(`${path}: its shape (3, 2, 2) of uint8 needs 28 bytes; the file holds 23`);
  });

  it('refuses a file, or its inflated values, larger than the memory the machine has, saying how big', () => {
    const path = join(dir, 'big-idx3-ubyte.gz');
    writeFileSync(path, gzipSync(idx(0x08, [100, 10, 10], new Uint8Array(10_000))));
    expect(() => openDataSet({ data: path }, { memory: 5_000 })).toThrow(`${path}: its values once inflated would need 10,016 bytes of memory, more than the 5,000 bytes this machine has`);
    expect(() => openDataSet({ data: path }, { memory: 20 })).toThrow(/big-idx3-ubyte\.gz: the file would need [\d,]+ bytes of memory, more than the 20 bytes/);
  });

  it('a folder of idx files is its test split, or its train split with --data-keys train', () => {
    const folder = join(dir, 'mnist');
    mkdirSync(folder);
    writeFileSync(join(folder, 't10k-images-idx3-ubyte.gz'), gzipSync(idx(0x08, [2, 1, 1], Uint8Array.from([1, 2]))));
    writeFileSync(join(folder, 't10k-labels-idx1-ubyte.gz'), gzipSync(idx(0x08, [2], Uint8Array.from([0, 1]))));
    writeFileSync(join(folder, 'train-images-idx3-ubyte'), idx(0x08, [3, 1, 1], Uint8Array.from([1, 2, 3])));
    writeFileSync(join(folder, 'train-labels-idx1-ubyte'), idx(0x08, [3], Uint8Array.from([0, 1, 1])));
    expect(openDataSet({ data: folder }).count).toBe(2);
    expect(openDataSet({ data: folder, dataKeys: ['train'] }).count).toBe(3);
  });
});

describe.skipIf(!hasFashion)(`Fashion-MNIST from ${FASHION} (Debian's dataset-fashion-mnist)`, () => {
  it('the test split: 10,000 images of 28 × 28, 1,000 of each of the 10 classes, values as in the file', async () => {
    const data = openDataSet({ data: join(FASHION, 't10k-images-idx3-ubyte.gz'), labels: join(FASHION, 't10k-labels-idx1-ubyte.gz') });
    expect(summarizeDataSet(data)).toMatchObject({ samples: 10_000, sampleShape: [28, 28], dtype: 'uint8', labelCounts: new Array(10).fill(1000) });
    // Independently: the raw bytes after the 16-byte header.
    const raw = gunzipSync(readFileSync(join(FASHION, 't10k-images-idx3-ubyte.gz')));
    const last = await data.read(9_999, 1);
    expect(Buffer.from(last.data as Uint8Array).equals(raw.subarray(16 + 9_999 * 784))).toBe(true);
    const labels = gunzipSync(readFileSync(join(FASHION, 't10k-labels-idx1-ubyte.gz')));
    expect(Array.from(data.labels?.classes?.subarray(0, 10) ?? [])).toEqual(Array.from(labels.subarray(8, 18)));
    expect(openDataSet({ data: FASHION }).count).toBe(10_000);
  });
});
if (!hasFashion) console.warn(`Fashion-MNIST tests skipped: ${FASHION} is absent (apt-get install dataset-fashion-mnist)`);
