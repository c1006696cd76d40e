// Tensors of the graph Frontier runs: images are NCHW inside the graph (onnxruntime's convolutions want it) and
// channels-last at its inputs and outputs (Frontier's layout); other tensors keep Frontier's layout with a batch
// dimension in front. A Flatten or Reshape is a view: it reorders the tensor it reads into the source's own order.
import { attr, DT, type OnnxBuilder } from '../onnx/builder';

export interface GraphTensor {
  /** The ONNX value's name. */
  name: string;
  /** Frontier's shape of the values (no batch). */
  shape: number[];
}

const sameShape = (a: readonly number[], b: readonly number[]): boolean => a.length === b.length && a.every((d, i) => d === b[i]);

export const isImage = (shape: readonly number[]): boolean => shape.length === 3;

/** [top, bottom] of TensorFlow's SAME padding along one axis. */
export function samePads(size: number, kernel: number, stride: number, dilation: number): [number, number] {
  const out = Math.ceil(size / stride);
  const total = Math.max(0, (out - 1) * stride + dilation * (kernel - 1) + 1 - size);
  return [Math.floor(total / 2), total - Math.floor(total / 2)];
}

export class Layout {
  private readonly views = new Map<string, string>();

  constructor(
    private readonly b: OnnxBuilder,
    /** How a flattened H×W×C tensor orders its values in the source model. */
    private readonly flattenOrder: 'hwc' | 'chw',
  ) {}

  toChannelsFirst(x: string): string {
    return this.b.node('Transpose', [x], [this.b.fresh(`${x}/nchw`)], { perm: attr.ints([0, 3, 1, 2]) });
  }

  toChannelsLast(x: string): string {
    return this.b.node('Transpose', [x], [this.b.fresh(`${x}/nhwc`)], { perm: attr.ints([0, 2, 3, 1]) });
  }

  private reshape(x: string, shape: readonly number[]): string {
    const target = this.b.constant('shape', [0, ...shape], DT.INT64, [shape.length + 1]);
    return this.b.node('Reshape', [x, target], [this.b.fresh(`${x}/reshape`)]);
  }

  /** The tensor `t` as a tensor of Frontier shape `shape` (same values, the source's element order). */
  view(t: GraphTensor, shape: readonly number[]): string {
    if (sameShape(t.shape, shape)) return t.name;
    const key = `${t.name}→${shape.join('x')}`;
    const known = this.views.get(key);
    if (known) return known;
    let flat: string;
    if (isImage(t.shape) && this.flattenOrder === 'hwc') flat = this.toChannelsLast(t.name);
    else flat = t.name;
    let out: string;
    if (!isImage(shape)) out = this.reshape(flat, shape);
    // A channel-major source's reshape to an image reads C×H×W order.
    else if (this.flattenOrder === 'chw') out = this.reshape(flat, [shape[2], shape[0], shape[1]]);
    else out = this.toChannelsFirst(this.reshape(flat, shape));
    this.views.set(key, out);
    return out;
  }

  /** The model input as the graph receives it (channels-last), in the graph's internal layout. */
  input(name: string, shape: readonly number[]): string {
    return isImage(shape) ? this.toChannelsFirst(name) : name;
  }

  /** A model output in Frontier's layout (channels-last). */
  output(t: GraphTensor): string {
    return isImage(t.shape) ? this.toChannelsLast(t.name) : t.name;
  }
}
