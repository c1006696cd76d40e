// Windows BMP, decoded here because sharp's prebuilt libvips reads PNG, JPEG, GIF and WebP but not BMP, which Keras's
// image_dataset_from_directory accepts. Read: the BITMAPCOREHEADER (12 bytes) and BITMAPINFOHEADER and its later
// versions (40, 52, 56, 108, 124 bytes); 1, 4 and 8 bits per pixel with a palette, 16 bits (5-5-5 or bit fields),
// 24 bits, 32 bits (BGRX or bit fields); bottom-up or top-down rows padded to 4 bytes. RLE compression is refused.
// Every offset and size is checked against the file before it is read.

export class BmpError extends Error {}

export interface DecodedImage {
  width: number;
  height: number;
  /** 3 (RGB) here; the image reader also takes 1, 2 and 4. */
  channels: number;
  /** height × width × channels values, row by row from the top, 0..255. */
  data: Uint8Array;
}

export const isBmp = (b: Uint8Array): boolean => b.length >= 2 && b[0] === 0x42 && b[1] === 0x4d;

/** The largest width × height decoded: 2^28 pixels (768 MiB of RGB), far beyond any data set's images. */
const MAX_PIXELS = 2 ** 28;

export function decodeBmp(bytes: Uint8Array): DecodedImage {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const need = (end: number, what: string): void => {
    if (end > bytes.length) throw new BmpError(`the file is cut short: ${what} ends at byte ${end}, the file has ${bytes.length}`);
  };
  if (!isBmp(bytes)) throw new BmpError('not a BMP file (it does not begin with "BM")');
  need(18, 'the header');
  const dataOffset = view.getUint32(10, true);
  const headerSize = view.getUint32(14, true);
  if (![12, 40, 52, 56, 64, 108, 124].includes(headerSize)) throw new BmpError(`its header of ${headerSize} bytes is no BMP header version`);
  need(14 + headerSize, 'the header');
  const core = headerSize === 12;
  const width = core ? view.getUint16(18, true) : view.getInt32(18, true);
  const rawHeight = core ? view.getInt16(22, true) : view.getInt32(22, true);
  const bits = view.getUint16(core ? 24 : 28, true);
  const compression = core ? 0 : view.getUint32(30, true);
  const topDown = rawHeight < 0;
  const height = Math.abs(rawHeight);
  if (width <= 0 || height <= 0 || width * height > MAX_PIXELS) throw new BmpError(`its size ${width} × ${height} is not one an image can have here`);
  if (compression === 1 || compression === 2) throw new BmpError('it is RLE-compressed, which is not read; save it uncompressed or as PNG');
  if (compression !== 0 && compression !== 3 && compression !== 6) throw new BmpError(`its compression ${compression} is not read (only uncompressed and bit fields)`);

  // Palette (1/4/8 bits): 4 bytes per colour (3 in the core header), BGR.
  let palette: Uint8Array | null = null;
  if (bits <= 8) {
    if (![1, 4, 8].includes(bits)) throw new BmpError(`${bits} bits per pixel is not a BMP depth`);
    const entry = core ? 3 : 4;
    const used = core ? 0 : view.getUint32(46, true);
    const colours = used > 0 && used <= 1 << bits ? used : 1 << bits;
    const start = 14 + headerSize;
    need(start + colours * entry, 'the palette');
    palette = new Uint8Array(256 * 3);
    for (let i = 0; i < colours; i++) {
      palette[i * 3] = bytes[start + i * entry + 2];
      palette[i * 3 + 1] = bytes[start + i * entry + 1];
      palette[i * 3 + 2] = bytes[start + i * entry];
    }
  } else if (![16, 24, 32].includes(bits)) {
    throw new BmpError(`${bits} bits per pixel is not a BMP depth`);
  }

  // Bit fields: masks after a 40-byte header (or within a later header); defaults 5-5-5 and 8-8-8.
  let masks = bits === 16 ? [0x7c00, 0x03e0, 0x001f] : [0xff0000, 0x00ff00, 0x0000ff];
  if (compression === 3 || compression === 6) {
    need(54 + 12, 'the bit field masks');
    masks = [view.getUint32(40 + 14, true), view.getUint32(44 + 14, true), view.getUint32(48 + 14, true)];
  }
  const fields = masks.map((mask) => {
    if (mask === 0) return { shift: 0, max: 0, mask };
    let shift = 0;
    while (((mask >>> shift) & 1) === 0) shift++;
    return { shift, max: mask >>> shift, mask };
  });

  const stride = Math.ceil((width * bits) / 32) * 4;
  need(dataOffset + stride * (height - 1) + Math.ceil((width * bits) / 8), 'the pixels');
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    const row = dataOffset + (topDown ? y : height - 1 - y) * stride;
    for (let x = 0; x < width; x++) {
      const o = (y * width + x) * 3;
      if (palette) {
        const bit = x * bits;
        const byte = bytes[row + (bit >> 3)];
        const index = (byte >> (8 - bits - (bit & 7))) & ((1 << bits) - 1);
        data[o] = palette[index * 3];
        data[o + 1] = palette[index * 3 + 1];
        data[o + 2] = palette[index * 3 + 2];
      } else if (bits === 24) {
        data[o] = bytes[row + x * 3 + 2];
        data[o + 1] = bytes[row + x * 3 + 1];
        data[o + 2] = bytes[row + x * 3];
      } else {
        const value = bits === 16 ? view.getUint16(row + x * 2, true) : view.getUint32(row + x * 4, true);
        for (let c = 0; c < 3; c++) {
          const f = fields[c];
          data[o + c] = f.max === 0 ? 0 : Math.round((((value & f.mask) >>> f.shift) * 255) / f.max);
        }
      }
    }
  }
  return { width, height, channels: 3, data };
}
