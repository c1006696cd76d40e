// Image resizing and channel conversion as Keras's image_dataset_from_directory does them, so that a folder of
// images gives the values Keras would feed the model: tf.image.resize(method='bilinear') with half-pixel centres and
// no antialiasing (TensorFlow 2's default), on float values (not rounded back to integers).

/**
 * Bilinear resize of an H × W × C image (row by row, channels last) to outH × outW, as TensorFlow's ResizeBilinear
 * with half_pixel_centers: a source coordinate (o + 0.5) · in/out − 0.5, its lower neighbour clamped at 0, the upper at
 * in − 1, and the fraction from the unclamped coordinate.
 */
export function resizeBilinear(src: ArrayLike<number>, h: number, w: number, c: number, outH: number, outW: number): Float32Array {
  const out = new Float32Array(outH * outW * c);
  const axis = (outSize: number, inSize: number) =>
    Array.from({ length: outSize }, (_, o) => {
      const x = (o + 0.5) * (inSize / outSize) - 0.5;
      const floor = Math.floor(x);
      return { lo: Math.max(floor, 0), hi: Math.min(Math.ceil(x), inSize - 1), t: x - floor };
    });
  const ys = axis(outH, h);
  const xs = axis(outW, w);
  for (let oy = 0; oy < outH; oy++) {
    const { lo: y0, hi: y1, t: ty } = ys[oy];
    for (let ox = 0; ox < outW; ox++) {
      const { lo: x0, hi: x1, t: tx } = xs[ox];
      for (let k = 0; k < c; k++) {
        const tl = src[(y0 * w + x0) * c + k];
        const tr = src[(y0 * w + x1) * c + k];
        const bl = src[(y1 * w + x0) * c + k];
        const br = src[(y1 * w + x1) * c + k];
        const top = tl + (tr - tl) * tx;
        const bottom = bl + (br - bl) * tx;
        out[(oy * outW + ox) * c + k] = top + (bottom - top) * ty;
      }
    }
  }
  return out;
}

/**
 * Pixels of `from` channels (1 grey, 2 grey + alpha, 3 RGB, 4 RGBA) as `to` channels: alpha dropped (as TensorFlow's
 * decoders drop it), grey repeated into RGB, an opaque alpha added, and RGB made grey with ITU-R BT.601's weights
 * (0.299, 0.587, 0.114, as libjpeg and PIL compute it). Null when `to` is not 1, 3 or 4.
 */
export function convertChannels(src: ArrayLike<number>, pixels: number, from: number, to: number): Float32Array | null {
  if (to !== 1 && to !== 3 && to !== 4) return null;
  const out = new Float32Array(pixels * to);
  for (let p = 0; p < pixels; p++) {
    const i = p * from;
    const grey = from <= 2;
    const r = src[i];
    const g = grey ? r : src[i + 1];
    const b = grey ? r : src[i + 2];
    if (to === 1) out[p] = grey ? r : 0.299 * r + 0.587 * g + 0.114 * b;
    else {
      out[p * to] = r;
      out[p * to + 1] = g;
      out[p * to + 2] = b;
      if (to === 4) out[p * to + 3] = from === 4 ? src[i + 3] : from === 2 ? src[i + 1] : 255;
    }
  }
  return out;
}
