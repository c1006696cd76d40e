// Data sets from .npy and .npz files: samples read a chunk at a time, labels as class indices or one-hot, and bad
// data refused naming the file and the numbers.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { writeNpy, type NpyArray } from '../../../src/shared/engine/npy';
import { openDataSet, summarizeDataSet } from '../../../src/main/engine/data/open';
import { DataError } from '../../../src/main/engine/data/dataSet';

const dir = mkdtempSync(join(tmpdir(), 'frontier-data-'));
const save = (name: string, array: NpyArray): string => {
  const path = join(dir, name);
  writeFileSync(path, writeNpy(array));
  return path;
};
const npz = (name: string, arrays: Record<string, NpyArray>): string => {
  const path = join(dir, name);
  writeFileSync(path, zipSync(Object.fromEntries(Object.entries(arrays).map(([k, a]) => [`${k}.npy`, writeNpy(a)])), { level: 0 }));
  return path;
};

const x = Uint8Array.from({ length: 5 * 2 * 2 }, (_, i) => i);
const images = { dtype: 'uint8', shape: [5, 2, 2], data: x } as NpyArray;

describe('.npy data', () => {
  it('reads samples a chunk at a time, with int64 class labels', async () => {
    const data = openDataSet({ data: save('x.npy', images), labels: save('y.npy', { dtype: 'int64', shape: [5], data: BigInt64Array.from([0n, 1n, 2n, 1n, 0n]) }) });
    expect(data).toMatchObject({ kind: 'npy', count: 5, sampleShape: [2, 2], dtype: 'uint8', codeRange: [0, 255], bytes: 20 });
    const chunk = await data.read(2, 2);
    expect(chunk.shape).toEqual([2, 2, 2]);
    expect(Array.from(chunk.data as Uint8Array)).toEqual([8, 9, 10, 11, 12, 13, 14, 15]);
    expect(Array.from(data.labels?.classes ?? [])).toEqual([0, 1, 2, 1, 0]);
    expect(summarizeDataSet(data).labelCounts).toEqual([2, 2, 1]);
    data.close();
  });

  it('takes one-hot labels as classes, and float targets as values without classes', () => {
    const oneHot = Float32Array.from([0, 1, 0, 1, 0, 0, 0, 0, 1, 0, 1, 0, 1, 0, 0]);
    const data = openDataSet({ data: save('x1.npy', images), labels: save('onehot.npy', { dtype: 'float32', shape: [5, 3], data: oneHot }) });
    expect(data.labels).toMatchObject({ oneHot: true, shape: [3] });
    expect(Array.from(data.labels?.classes ?? [])).toEqual([1, 0, 2, 1, 0]);
    const targets = openDataSet({ data: save('x2.npy', images), labels: save('t.npy', { dtype: 'float32', shape: [5], data: Float32Array.from([0.5, 1, 2, 3, 4]) }) });
    expect(targets.labels?.classes).toBeNull();
    expect(Array.from(targets.labels?.values ?? [])).toEqual([0.5, 1, 2, 3, 4]);
  });

  it('refuses labels of another length, saying both lengths', () => {
    const labels = save('y4.npy', { dtype: 'int32', shape: [4], data: Int32Array.from([0, 1, 2, 3]) });
    expect(() => openDataSet({ data: save('x3.npy', images), labels })).toThrow(DataError);
    expect(() => openDataSet({ data: save('x4.npy', images), labels })).toThrow(`${labels}: holds 4 labels, but ${join(dir, 'x4.npy')} holds 5 samples`);
  });

  it('refuses a file that is no data, and a missing one, naming it', () => {
    const text = join(dir, 'notes.txt');
    writeFileSync(text, 'hello');
    expect(() => openDataSet({ data: text })).toThrow(`${text}: is not a .npy array, an .npz archive, an idx file`);
    expect(() => openDataSet({ data: join(dir, 'none.npy') })).toThrow(`${join(dir, 'none.npy')}: no such file`);
  });
});

describe('.npz data', () => {
  it('takes x and y by default, and other keys with --data-keys', async () => {
    const y = { dtype: 'uint8', shape: [5], data: Uint8Array.from([1, 1, 0, 0, 1]) } as NpyArray;
    const d = openDataSet({ data: npz('d.npz', { x: images, y }) });
    expect(d).toMatchObject({ kind: 'npz', count: 5, sampleShape: [2, 2] });
    expect(Array.from(d.labels?.classes ?? [])).toEqual([1, 1, 0, 0, 1]);
    expect(Array.from((await d.read(4, 1)).data as Uint8Array)).toEqual([16, 17, 18, 19]);
    const keyed = openDataSet({ data: npz('k.npz', { x_test: images, y_test: y }), dataKeys: ['x_test', 'y_test'] });
    expect(keyed.source).toBe(`${join(dir, 'k.npz')} ['x_test']`);
    expect(keyed.labels?.count).toBe(5);
  });

  it('without y is a data set without labels; a missing key asked for is named with what the archive holds', () => {
    expect(openDataSet({ data: npz('nolabels.npz', { x: images }) }).labels).toBeNull();
    const path = npz('other.npz', { a: images });
    expect(() => openDataSet({ data: path, dataKeys: ['x_test', 'y_test'] })).toThrow(`${path}: the archive has no array 'y_test' (it holds 'a')`);
  });

  it('refuses an archive larger than the memory the machine has, saying how big it is', () => {
    const path = npz('big.npz', { x: images });
    expect(() => openDataSet({ data: path }, { memory: 100 })).toThrow(/big\.npz: the archive would need [\d,]+ bytes of memory, more than the 100 bytes this machine has/);
  });
});
