// Folders of images, one sub-folder per class: classes in Python's sorted order (as Keras numbers them), PNG, JPEG
// and BMP decoded, converted to the input's channels and resized as TensorFlow's bilinear resize does.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { decodeBmp } from '../../../src/shared/engine/bmp';
import { convertChannels, resizeBilinear } from '../../../src/shared/engine/imageResize';
import { decodeImage } from '../../../src/main/engine/data/images';
import { openDataSet } from '../../../src/main/engine/data/open';

const root = mkdtempSync(join(tmpdir(), 'frontier-images-'));

const png = (w: number, h: number, channels: 1 | 3 | 4, pixels: number[]): Promise<Buffer> => {
  const image = sharp(Buffer.from(pixels), { raw: { width: w, height: h, channels } });
  return (channels === 1 ? image.toColourspace('b-w') : image).png().toBuffer(); // else sharp writes grey as RGB
};

/** A 24-bit bottom-up BMP of RGB pixels (rows from the top), rows padded to 4 bytes. */
function bmp24(w: number, h: number, rgb: number[]): Buffer {
  const stride = Math.ceil((w * 3) / 4) * 4;
  const out = Buffer.alloc(54 + stride * h);
  out.write('BM', 0, 'latin1');
  out.writeUInt32LE(out.length, 2);
  out.writeUInt32LE(54, 10);
  out.writeUInt32LE(40, 14);
  out.writeInt32LE(w, 18);
  out.writeInt32LE(h, 22);
  out.writeUInt16LE(1, 26);
  out.writeUInt16LE(24, 28);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const o = 54 + (h - 1 - y) * stride + x * 3;
      const i = (y * w + x) * 3;
      out[o] = rgb[i + 2];
      out[o + 1] = rgb[i + 1];
      out[o + 2] = rgb[i];
    }
  }
  return out;
}

/** An 8-bit palette BMP, top-down (negative height). */
function bmp8(w: number, h: number, palette: number[][], indices: number[]): Buffer {
  const stride = Math.ceil(w / 4) * 4;
  const offset = 54 + 4 * palette.length;
  const out = Buffer.alloc(offset + stride * h);
  out.write('BM', 0, 'latin1');
  out.writeUInt32LE(offset, 10);
  out.writeUInt32LE(40, 14);
  out.writeInt32LE(w, 18);
  out.writeInt32LE(-h, 22);
  out.writeUInt16LE(1, 26);
  out.writeUInt16LE(8, 28);
  out.writeUInt32LE(palette.length, 46);
  palette.forEach(([r, g, b], i) => {
    out[54 + 4 * i] = b;
    out[54 + 4 * i + 1] = g;
    out[54 + 4 * i + 2] = r;
  });
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) out[offset + y * stride + x] = indices[y * w + x];
  return out;
}

describe('image decoding', () => {
  it('BMP: 24-bit bottom-up with row padding and 8-bit palette top-down', () => {
    const rgb = [255, 0, 0, 0, 255, 0, 0, 0, 255, 10, 20, 30, 40, 50, 60, 70, 80, 90];
    expect(Array.from(decodeBmp(bmp24(3, 2, rgb)).data)).toEqual(rgb);
    const image = decodeBmp(bmp8(2, 2, [[1, 2, 3], [200, 100, 50]], [0, 1, 1, 0]));
    expect(image).toMatchObject({ width: 2, height: 2, channels: 3 });
    expect(Array.from(image.data)).toEqual([1, 2, 3, 200, 100, 50, 200, 100, 50, 1, 2, 3]);
  });

  it('PNG through sharp, grey and RGBA, exactly', async () => {
    const dir = join(root, 'single');
    mkdirSync(dir);
    writeFileSync(join(dir, 'g.png'), await png(2, 1, 1, [7, 250]));
    expect(await decodeImage(join(dir, 'g.png'))).toMatchObject({ width: 2, height: 1, channels: 1, data: Uint8Array.from([7, 250]) });
    writeFileSync(join(dir, 'a.png'), await png(1, 1, 4, [1, 2, 3, 4]));
    expect(Array.from((await decodeImage(join(dir, 'a.png'))).data)).toEqual([1, 2, 3, 4]);
  });

  it("resizes as TensorFlow's bilinear resize with half-pixel centres: [[0, 1], [2, 3]] to 4 × 4", () => {
    const out = resizeBilinear([0, 1, 2, 3], 2, 2, 1, 4, 4);
    expect(Array.from(out)).toEqual([0, 0.25, 0.75, 1, 0.5, 0.75, 1.25, 1.5, 1.5, 1.75, 2.25, 2.5, 2, 2.25, 2.75, 3]);
    // Down by 2: each output pixel is the mean of a 2 × 2 block (coordinates land midway).
    expect(Array.from(resizeBilinear([0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30], 4, 4, 1, 2, 2))).toEqual([5, 9, 21, 25]);
  });

  it('converts channels: RGB to grey with BT.601 weights, grey to RGB, alpha dropped or added', () => {
    expect(Array.from(convertChannels([100, 200, 50], 1, 3, 1) ?? [])).toEqual([Math.fround(0.299 * 100 + 0.587 * 200 + 0.114 * 50)]);
    expect(Array.from(convertChannels([9, 255], 1, 2, 3) ?? [])).toEqual([9, 9, 9]);
    expect(Array.from(convertChannels([1, 2, 3, 4], 1, 4, 3) ?? [])).toEqual([1, 2, 3]);
    expect(Array.from(convertChannels([1, 2, 3], 1, 3, 4) ?? [])).toEqual([1, 2, 3, 255]);
    expect(convertChannels([1], 1, 1, 2)).toBeNull();
  });
});

describe('a folder of images, one sub-folder per class', () => {
  it("numbers classes in Python's sorted order and reads PNG, JPEG and BMP at the input's size and channels", async () => {
    const dir = join(root, 'classes');
    for (const c of ['b', 'A', 'a']) mkdirSync(join(dir, c), { recursive: true });
    writeFileSync(join(dir, 'A', 'one.png'), await png(2, 2, 3, new Array(12).fill(255)));
    writeFileSync(join(dir, 'a', 'two.BMP'), bmp24(2, 2, new Array(12).fill(0)));
    mkdirSync(join(dir, 'b', 'deeper'));
    writeFileSync(join(dir, 'b', 'deeper', 'three.jpg'), await sharp({ create: { width: 8, height: 8, channels: 3, background: { r: 128, g: 128, b: 128 } } }).jpeg({ quality: 100 }).toBuffer());
    writeFileSync(join(dir, 'b', 'notes.txt'), 'not an image');
    const data = openDataSet({ data: dir }, { inputShape: [4, 4, 1] });
    expect(data).toMatchObject({ kind: 'images', count: 3, sampleShape: [4, 4, 1], dtype: 'float32', codeRange: [0, 255], classNames: ['A', 'a', 'b'] });
    expect(Array.from(data.labels?.classes ?? [])).toEqual([0, 1, 2]);
    const all = (await data.read(0, 3)).data as Float32Array;
    expect(all.length).toBe(48);
    expect(Array.from(all.subarray(0, 16)).every((v) => Math.abs(v - 255) < 1e-3)).toBe(true); // white, 2×2 → 4×4
    expect(Array.from(all.subarray(16, 32)).every((v) => v === 0)).toBe(true);
    expect(Array.from(all.subarray(32)).every((v) => Math.abs(v - 128) <= 2)).toBe(true); // JPEG: near its grey
  });

  it('refuses an empty class folder, a folder without classes, and names an undecodable image and its sample', async () => {
    const empty = join(root, 'empty');
    mkdirSync(join(empty, 'cat'), { recursive: true });
    mkdirSync(join(empty, 'dog'));
    writeFileSync(join(empty, 'cat', 'c.png'), await png(1, 1, 1, [1]));
    expect(() => openDataSet({ data: empty }, { inputShape: [1, 1, 1] })).toThrow(`${join(empty, 'dog')}: the folder of class 1 (dog) holds no image`);
    const flat = join(root, 'flat');
    mkdirSync(flat);
    expect(() => openDataSet({ data: flat }, { inputShape: [1, 1, 1] })).toThrow(`${flat}: holds no sub-folders`);
    const broken = join(root, 'broken');
    mkdirSync(join(broken, 'x'), { recursive: true });
    writeFileSync(join(broken, 'x', 'ok.png'), await png(1, 1, 1, [1]));
    writeFileSync(join(broken, 'x', 'zz.png'), 'this is not a PNG');
    const data = openDataSet({ data: broken }, { inputShape: [1, 1, 1] });
    await expect(data.read(0, 2)).rejects.toThrow(`${join(broken, 'x', 'zz.png')}: cannot be decoded as an image`);
    await expect(data.read(0, 2)).rejects.toThrow(`(sample 1, ${join('x', 'zz.png')})`);
  });

  it('refuses an input that no image gives', () => {
    expect(() => openDataSet({ data: join(root, 'classes') }, { inputShape: [4, 4, 2] })).toThrow('the model input takes 2 channels; images give 1 (grey), 3 (RGB) or 4 (RGBA)');
  });
});
