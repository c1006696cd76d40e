// Convolution and pooling windows: ONNX's explicit pads, auto_pad and ceil_mode resolved to what Frontier's layers
// express — 'valid', 'same' (the output size TensorFlow's SAME gives), or explicit zero padding in front of a
// 'valid' window. Only the output size matters to Frontier's figures, so pads that give SAME's size are 'same'.
import { ModelError, type Padding, type Pair } from '../../../shared/model/types';

export interface WindowAttributes {
  kernel: Pair;
  strides: Pair;
  dilation: Pair;
  /** [top, left, bottom, right], ONNX's [x1_begin, x2_begin, x1_end, x2_end]. */
  pads: [number, number, number, number];
  autoPad: string;
  ceilMode: boolean;
}

export interface ResolvedWindow {
  padding: Padding;
  /** Zero padding to insert before a 'valid' window: [[top, bottom], [left, right]]. */
  prePad?: [Pair, Pair];
  /** Output [H, W] as ONNX computes it. */
  out: Pair;
}

/** Output size of one axis as ONNX Runtime computes it. */
export function onnxOutputSize(size: number, axis: 0 | 1, w: WindowAttributes, what: string): number {
  const k = w.kernel[axis];
  const s = w.strides[axis];
  const effective = w.dilation[axis] * (k - 1) + 1;
  switch (w.autoPad) {
    case 'SAME_UPPER':
    case 'SAME_LOWER':
      return Math.ceil(size / s);
    case 'VALID':
      if (size < effective) throw tooSmall(size, effective, what);
      return Math.floor((size - effective) / s) + 1;
    case 'NOTSET':
    case '': {
      const begin = w.pads[axis];
      const end = w.pads[axis + 2];
      const span = size + begin + end - effective;
      if (span < 0) throw tooSmall(size + begin + end, effective, what);
      let out = (w.ceilMode ? Math.ceil(span / s) : Math.floor(span / s)) + 1;
      // A window may not start in the end padding (ceil_mode): ONNX drops it.
      if (w.ceilMode && (out - 1) * s >= size + begin) out--;
      return out;
    }
    default:
      throw new ModelError(`${what}: auto_pad "${w.autoPad}" is not one of NOTSET, SAME_UPPER, SAME_LOWER, VALID`);
  }
}

function tooSmall(size: number, effective: number, what: string): ModelError {
  return new ModelError(`${what}: a window of ${effective} does not fit an input of ${size}`);
}

export function resolveWindow(input: Pair, w: WindowAttributes, what: string): ResolvedWindow {
  for (const axis of [0, 1] as const) {
    if (!(w.kernel[axis] >= 1 && w.strides[axis] >= 1 && w.dilation[axis] >= 1)) {
      throw new ModelError(
        `${what}: kernel ${w.kernel.join('×')}, strides ${w.strides.join('×')} and dilations ${w.dilation.join('×')} must be whole numbers ≥ 1`,
      );
    }
  }
  if (w.pads.some((p) => !Number.isInteger(p) || p < 0)) {
    throw new ModelError(`${what}: pads [${w.pads.join(', ')}] must be whole numbers ≥ 0`);
  }
  const out: Pair = [onnxOutputSize(input[0], 0, w, what), onnxOutputSize(input[1], 1, w, what)];
  const valid = (axis: 0 | 1): number => {
    const effective = w.dilation[axis] * (w.kernel[axis] - 1) + 1;
    return input[axis] < effective ? -1 : Math.floor((input[axis] - effective) / w.strides[axis]) + 1;
  };
  const same = (axis: 0 | 1): number => Math.ceil(input[axis] / w.strides[axis]);
  if (out[0] === valid(0) && out[1] === valid(1)) return { padding: 'valid', out };
  if (out[0] === same(0) && out[1] === same(1)) return { padding: 'same', out };
  // Explicit padding: the begin pads as given, the end pads what the ONNX output size needs.
  const prePad = ([0, 1] as const).map((axis) => {
    const effective = w.dilation[axis] * (w.kernel[axis] - 1) + 1;
    const begin = w.autoPad === 'NOTSET' || w.autoPad === '' ? w.pads[axis] : 0;
    const needed = (out[axis] - 1) * w.strides[axis] + effective;
    let end = w.autoPad === 'NOTSET' || w.autoPad === '' ? w.pads[axis + 2] : 0;
    const padded = input[axis] + begin + end;
    if (padded < needed || padded > needed + w.strides[axis] - 1) end = needed - input[axis] - begin;
    if (end < 0) {
      throw new ModelError(
        `${what}: an output of ${out[axis]} from an input of ${input[axis]} cannot be expressed with zero padding`,
      );
    }
    return [begin, end] as Pair;
  }) as [Pair, Pair];
  return { padding: 'valid', prePad, out };
}
