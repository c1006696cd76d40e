// A float model as the ONNX graph Frontier runs: every framework layer as the ONNX operator that computes it, with
// the model's own weights (integer weights dequantized). `fp16` rounds the weights and every layer's output to
// binary16 (a Cast to float16 and back: float32 arithmetic, binary16 storage).
import { roundToFloat16 } from '../../../shared/engine/float16';
import type { LayerWeights, ModelWeights, WeightTensor } from '../../../shared/engine/weights';
import { sizeOf } from '../../../shared/engine/weights';
import { realValues } from '../../../shared/engine/tensorOps';
import { topologicalOrder } from '../../../shared/model/graph';
import { inferShapes } from '../../../shared/model/shapes';
import { ModelError, type ActivationName, type Layer, type ModelGraph } from '../../../shared/model/types';
import { attr, DT, OnnxBuilder } from '../onnx/builder';
import type { BuiltGraph, IoTensor } from './int8';
import { isImage, Layout, samePads, type GraphTensor } from './layout';

export interface FloatOptions {
  fp16?: boolean;
  /** Layers whose values are also graph outputs, in the graph's internal layout (for calibration). */
  probes?: string[];
}

export function buildFloatGraph(graph: ModelGraph, weights: ModelWeights, options: FloatOptions = {}): BuiltGraph {
  return new FloatLowering(graph, weights, options).build();
}

const UNARY: Partial<Record<ActivationName, string>> = {
  relu: 'Relu',
  sigmoid: 'Sigmoid',
  tanh: 'Tanh',
  softplus: 'Softplus',
  softsign: 'Softsign',
  elu: 'Elu',
  selu: 'Selu',
  exponential: 'Exp',
  hard_swish: 'HardSwish',
  hard_silu: 'HardSwish',
};

class FloatLowering {
  private readonly b = new OnnxBuilder('frontier-float', 17);
  private readonly layout: Layout;
  private readonly shapes: Map<string, number[]>;
  private readonly tensors = new Map<string, GraphTensor>();

  constructor(
    private readonly graph: ModelGraph,
    private readonly weights: ModelWeights,
    private readonly options: FloatOptions,
  ) {
    this.layout = new Layout(this.b, weights.flattenOrder);
    this.shapes = inferShapes(graph);
  }

  private fail(layer: string, message: string): never {
    throw new ModelError(`layer ${layer}: ${message}`, layer);
  }

  private node(op: string, inputs: string[], prefix: string, attrs: Parameters<OnnxBuilder['node']>[3] = {}): string {
    return this.b.node(op, inputs, [this.b.fresh(prefix)], attrs);
  }

  /** Rounds a value to binary16 and back when running fp16. */
  private stored(x: string): string {
    if (!this.options.fp16) return x;
    const half = this.node('Cast', [x], `${x}/fp16`, { to: attr.int(DT.FLOAT16) });
    return this.node('Cast', [half], `${x}/fp32`, { to: attr.int(DT.FLOAT) });
  }

  private constant(layer: string, role: string, t: WeightTensor, shape: number[] = t.shape): string {
    const real = realValues(t, `layer ${layer}: its ${role}`);
    const values = this.options.fp16 ? Float32Array.from(real, roundToFloat16) : Float32Array.from(real);
    return this.b.initializer(this.b.fresh(`${layer}.${role}`), shape, values);
  }

  private read(layer: Layer, index = 0): { name: string; shape: number[] } {
    const source = layer.inputs[index];
    const t = this.tensors.get(source);
    if (!t) this.fail(layer.name, `reads ${source} before it is computed`);
    const shape = this.shapes.get(source) as number[];
    return { name: this.layout.view(t, shape), shape };
  }

  private layerWeights(layer: Layer): LayerWeights {
    const w = this.weights.layers[layer.name];
    if (!w) this.fail(layer.name, 'has no weights');
    return w;
  }

  build(): BuiltGraph {
    const inputs: IoTensor[] = [];
    const outputs: IoTensor[] = [];
    for (const layer of topologicalOrder(this.graph)) {
      const shape = this.shapes.get(layer.name) as number[];
      if (layer.type === 'Input') {
        this.b.input(layer.name, ['N', ...shape], DT.FLOAT);
        inputs.push({ name: layer.name, layer: layer.name, shape, type: 'float32' });
        this.tensors.set(layer.name, { name: this.stored(this.layout.input(layer.name, shape)), shape });
        continue;
      }
      const value = this.lower(layer);
      // A pass-through keeps its input's value (and its shape, which views convert from).
      this.tensors.set(layer.name, value === null ? (this.tensors.get(layer.inputs[0]) as GraphTensor) : { name: this.stored(value), shape });
    }
    for (const layerName of this.options.probes ?? []) {
      const t = this.tensors.get(layerName);
      if (!t) this.fail(layerName, 'is not a layer of the model');
      const name = this.b.node('Identity', [t.name], [this.b.fresh(`${layerName}:probe`)]);
      this.b.output(name, undefined, DT.FLOAT);
      outputs.push({ name, layer: layerName, shape: t.shape, type: 'float32', probe: true });
    }
    for (const layerName of this.graph.outputs) {
      const t = this.tensors.get(layerName) as GraphTensor;
      const shape = this.shapes.get(layerName) as number[];
      const viewed = this.layout.view(t, shape);
      const last = this.layout.output({ name: viewed, shape });
      const name = this.b.node('Identity', [last], [this.b.fresh(`${layerName}:output`)]);
      this.b.output(name, ['N', ...shape], DT.FLOAT);
      outputs.push({ name, layer: layerName, shape, type: 'float32' });
    }
    return { model: this.b.bytes(), inputs, outputs };
  }

  private activation(layer: Layer, act: ActivationName, x: string, rank: number): string {
    const name = layer.name;
    switch (act) {
      case 'linear':
        return x;
      case 'relu6':
      case 'relu_n1_to_1': {
        const [lo, hi] = act === 'relu6' ? [0, 6] : [-1, 1];
        return this.node('Clip', [x, this.b.constant(`${name}_min`, [lo], DT.FLOAT, []), this.b.constant(`${name}_max`, [hi], DT.FLOAT, [])], `${name}/${act}`);
      }
      case 'softmax':
        return this.node('Softmax', [x], `${name}/softmax`, { axis: attr.int(rank === 3 ? 1 : -1) });
      case 'leaky_relu':
        // Keras's default slope (TFLite writes its own into the graph; Frontier's graph keeps the Keras default).
        return this.node('LeakyRelu', [x], `${name}/leaky_relu`, { alpha: attr.float(0.3) });
      case 'hard_sigmoid':
        return this.node('HardSigmoid', [x], `${name}/hard_sigmoid`, { alpha: attr.float(0.2), beta: attr.float(0.5) });
      case 'swish':
      case 'silu':
        return this.node('Mul', [x, this.node('Sigmoid', [x], `${name}/sigmoid`)], `${name}/swish`);
      case 'gelu': {
        // 0.5 x (1 + erf(x / √2))
        const erf = this.node('Erf', [this.node('Mul', [x, this.b.constant('inv_sqrt2', [Math.SQRT1_2], DT.FLOAT, [])], `${name}/scaled`)], `${name}/erf`);
        const one = this.node('Add', [erf, this.b.constant('one', [1], DT.FLOAT, [])], `${name}/one_plus`);
        return this.node('Mul', [this.node('Mul', [x, one], `${name}/x_one_plus`), this.b.constant('half', [0.5], DT.FLOAT, [])], `${name}/gelu`);
      }
      case 'mish':
        return this.node('Mul', [x, this.node('Tanh', [this.node('Softplus', [x], `${name}/softplus`)], `${name}/tanh`)], `${name}/mish`);
      default: {
        const op = UNARY[act];
        if (!op) this.fail(name, `the activation ${act} cannot be run`);
        return this.node(op, [x], `${name}/${act}`);
      }
    }
  }

  private window(inShape: number[], kernel: [number, number], strides: [number, number], dilation: [number, number], padding: 'same' | 'valid') {
    const [top, bottom] = padding === 'same' ? samePads(inShape[0], kernel[0], strides[0], dilation[0]) : [0, 0];
    const [left, right] = padding === 'same' ? samePads(inShape[1], kernel[1], strides[1], dilation[1]) : [0, 0];
    return { kernel_shape: attr.ints(kernel), strides: attr.ints(strides), pads: attr.ints([top, left, bottom, right]) };
  }

  /** The layer's ONNX value, or null when it passes its input on unchanged (Dropout, Flatten/Reshape views). */
  private lower(layer: Layer): string | null {
    const name = layer.name;
    const rank = (this.shapes.get(name) as number[]).length;
    switch (layer.type) {
      case 'Conv2D':
      case 'DepthwiseConv2D': {
        const x = this.read(layer);
        const w = this.layerWeights(layer);
        if (!w.kernel) this.fail(name, 'has no kernel');
        const groups = layer.type === 'DepthwiseConv2D' ? x.shape[2] : layer.groups;
        const inputs = [x.name, this.constant(name, 'kernel', w.kernel)];
        if (w.bias) inputs.push(this.constant(name, 'bias', w.bias));
        const y = this.node('Conv', inputs, name, {
          ...this.window(x.shape, layer.kernel, layer.strides, layer.dilation, layer.padding),
          dilations: attr.ints(layer.dilation),
          group: attr.int(groups),
        });
        return this.activation(layer, layer.activation, y, rank);
      }
      case 'SeparableConv2D': {
        const x = this.read(layer);
        const w = this.layerWeights(layer);
        if (!w.kernel || !w.depthwiseKernel) this.fail(name, 'needs a depthwise and a pointwise kernel');
        const mid = this.stored(
          this.node('Conv', [x.name, this.constant(name, 'depthwise', w.depthwiseKernel)], `${name}/depthwise`, {
            ...this.window(x.shape, layer.kernel, layer.strides, layer.dilation, layer.padding),
            dilations: attr.ints(layer.dilation),
            group: attr.int(x.shape[2]),
          }),
        );
        const inputs = [mid, this.constant(name, 'kernel', w.kernel)];
        if (w.bias) inputs.push(this.constant(name, 'bias', w.bias));
        return this.activation(layer, layer.activation, this.node('Conv', inputs, name), rank);
      }
      case 'Dense': {
        const w = this.layerWeights(layer);
        if (!w.kernel) this.fail(name, 'has no kernel');
        const [units, depth] = w.kernel.shape;
        const inShape = this.shapes.get(layer.inputs[0]) as number[];
        const flat = layer.flattenInput || inShape.length === 1;
        const t = this.tensors.get(layer.inputs[0]) as GraphTensor;
        let x = flat ? this.layout.view(t, [depth]) : this.read(layer).name;
        const channelsFirst = !flat && isImage(inShape);
        if (channelsFirst) x = this.layout.toChannelsLast(x);
        // x · Wᵀ: the kernel is stored [units, depth]
        const k = realValues(w.kernel, `layer ${name}: its kernel`);
        const transposed = new Float32Array(k.length);
        for (let u = 0; u < units; u++) for (let d = 0; d < depth; d++) transposed[d * units + u] = k[u * depth + d];
        let y = this.node('MatMul', [x, this.constant(name, 'kernel', { shape: [depth, units], data: transposed })], name);
        if (w.bias) y = this.node('Add', [y, this.constant(name, 'bias', w.bias)], `${name}/bias`);
        if (channelsFirst) y = this.layout.toChannelsFirst(y);
        return this.activation(layer, layer.activation, y, rank);
      }
      case 'MaxPooling2D':
      case 'AveragePooling2D': {
        const x = this.read(layer);
        const attrs = this.window(x.shape, layer.pool, layer.strides, [1, 1], layer.padding);
        // TensorFlow's average leaves padding out of the count.
        return this.node(layer.type === 'MaxPooling2D' ? 'MaxPool' : 'AveragePool', [x.name], name, layer.type === 'AveragePooling2D' ? { ...attrs, count_include_pad: attr.int(0) } : attrs);
      }
      case 'GlobalAveragePooling2D':
      case 'GlobalMaxPooling2D': {
        const x = this.read(layer);
        const pooled = this.node(layer.type === 'GlobalAveragePooling2D' ? 'GlobalAveragePool' : 'GlobalMaxPool', [x.name], name);
        return layer.keepDims ? pooled : this.node('Flatten', [pooled], `${name}/flat`, { axis: attr.int(1) });
      }
      case 'Flatten':
      case 'Reshape':
      case 'Dropout':
        return null;
      case 'ZeroPadding2D': {
        const x = this.read(layer);
        const [[t, bt], [l, r]] = layer.padding;
        return this.node('Pad', [x.name, this.b.constant('pads', [0, 0, t, l, 0, 0, bt, r], DT.INT64, [8])], name);
      }
      case 'BatchNormalization': {
        const x = this.read(layer);
        const w = this.layerWeights(layer);
        const c = x.shape[x.shape.length - 1];
        const vector = (t: WeightTensor | undefined, fill: number, role: string): string =>
          t ? this.constant(name, role, t) : this.b.initializer(this.b.fresh(`${name}.${role}`), [c], new Float32Array(c).fill(fill));
        if (!w.mean || !w.variance) this.fail(name, 'needs its moving mean and variance');
        const inputs = [x.name, vector(w.gamma, 1, 'gamma'), vector(w.beta, 0, 'beta'), vector(w.mean, 0, 'mean'), vector(w.variance, 1, 'variance')];
        let source = x.name;
        const last = !isImage(x.shape) && x.shape.length > 1;
        // ONNX normalizes axis 1: move the channels there for a [N, T, C] tensor.
        if (last) source = this.node('Transpose', [x.name], `${name}/to_c`, { perm: attr.ints([0, 2, 1]) });
        inputs[0] = source;
        let y = this.node('BatchNormalization', inputs, name, { epsilon: attr.float(w.epsilon ?? 1e-3) });
        if (last) y = this.node('Transpose', [y], `${name}/from_c`, { perm: attr.ints([0, 2, 1]) });
        return y;
      }
      case 'Activation': {
        const x = this.read(layer);
        return this.activation(layer, layer.activation, x.name, rank);
      }
      case 'Add':
      case 'Multiply': {
        const op = layer.type === 'Add' ? 'Add' : 'Mul';
        const operands = layer.inputs.map((_, i) => this.read(layer, i).name);
        const w = this.weights.layers[name];
        if (w?.constant) {
          // A channels-last constant: NCHW images need it with the channels first.
          let c = this.constant(name, 'constant', w.constant);
          if (isImage(this.shapes.get(name) as number[]) && w.constant.shape.length >= 1) {
            const shape = w.constant.shape;
            const channels = shape[shape.length - 1];
            if (sizeOf(shape) === channels) c = this.constant(name, 'constant', w.constant, [channels, 1, 1]);
            else if (shape.length === 4 || shape.length === 3) c = this.node('Transpose', [c], `${name}/const_nchw`, { perm: attr.ints(shape.length === 4 ? [0, 3, 1, 2] : [2, 0, 1]) });
          }
          operands.push(c);
        }
        let acc = operands[0];
        for (const next of operands.slice(1)) acc = this.node(op, [acc, next], `${name}/${op.toLowerCase()}`);
        return this.activation(layer, 'activation' in layer ? (layer as { activation?: ActivationName }).activation ?? 'linear' : 'linear', acc, rank);
      }
      case 'Concatenate': {
        const parts = layer.inputs.map((_, i) => this.read(layer, i).name);
        // A builder or Keras file may keep axis −1 (channels): count it from the end.
        const along = layer.axis < 0 ? layer.axis + rank : layer.axis;
        const axis = rank === 3 ? [2, 3, 1][along] : along + 1;
        return this.node('Concat', parts, name, { axis: attr.int(axis) });
      }
      case 'Cast':
        return this.read(layer).name;
      case 'Transpose': {
        const x = this.read(layer);
        // Permute in Frontier's layout (channels-last), then back to the internal one.
        let v = isImage(x.shape) ? this.layout.toChannelsLast(x.name) : x.name;
        v = this.node('Transpose', [v], name, { perm: attr.ints([0, ...layer.perm.map((p) => p + 1)]) });
        return isImage(this.shapes.get(name) as number[]) ? this.layout.toChannelsFirst(v) : v;
      }
      default:
        return this.fail(name, `${layer.type} layers cannot be run`);
    }
  }
}
