// A TensorFlow Lite model (subgraph 0) as a Frontier graph. The file is already the deployed graph: one layer per
// operator, named after the tensor it writes, with the file's own shapes, types and tensor order. Frontier then
// recomputes every shape and weight count from the layers and checks them against the file's tensors, so a mapping
// mistake (or a file that contradicts itself) is reported, naming the operator and the tensor, instead of analysed.
import { countModel } from '../../../shared/analysis/counts';
import { BITS, type NumberFormat } from '../../../shared/analysis/precision';
import type { ImportOptions } from '../../../shared/model/importOptions';
import { formatShape } from '../../../shared/model/shapes';
import {
  ModelError,
  type ActivationName,
  type Layer,
  type LayerSpec,
  type ModelGraph,
  type ModelSource,
} from '../../../shared/model/types';
import { ActivationFunctionType } from './generated/tflite/activation-function-type';
import { OperatorMapper, type OperatorHost } from './operatorMapper';
import { isSupported, operatorName } from './operators';
import {
  readGraph,
  readOperators,
  readOptions,
  type TfliteGraph,
  type TfliteOperator,
  type TfliteOperators,
  type TfliteTensor,
} from './reader';
import { TensorType, isIntegerType, storedBytes, typeInfo, typeName } from './tensorTypes';

/** The most values one tensor may hold (TensorFlow Lite sizes tensors with 32-bit integers). */
export const MAX_TENSOR_ELEMENTS = 2 ** 31 - 1;

const product = (dims: readonly number[]): number => dims.reduce((a, b) => a * b, 1);

const FUSED: Record<number, ActivationName | undefined> = {
  [ActivationFunctionType.NONE]: 'linear',
  [ActivationFunctionType.RELU]: 'relu',
  [ActivationFunctionType.RELU_N1_TO_1]: 'relu_n1_to_1',
  [ActivationFunctionType.RELU6]: 'relu6',
  [ActivationFunctionType.TANH]: 'tanh',
};


/** Unknown operators by name, with how many times each occurs, in order of first use. */
export function unknownOperators(file: TfliteOperators): Map<string, number> {
  const counts = new Map<string, number>();
  for (const op of file.operators) {
    if (isSupported(op.kind)) continue;
    const name = operatorName(op.kind);
    counts.set(name, (counts.get(name) ?? 0) + 1);
  }
  return counts;
}

export function tfliteToGraph(bytes: Uint8Array, fileName: string, modelName: string, options: ImportOptions = {}): ModelGraph {
  const file = readOperators(bytes, fileName);
  // Unknown operators come first: no other complaint about the file is worth reading before this one.
  const unknown = unknownOperators(file);
  if (unknown.size > 0 && !options.allowUnknownOps) {
    const list = [...unknown].map(([name, n]) => `${name} ×${n}`).join(', ');
    const total = [...unknown.values()].reduce((a, b) => a + b, 0);
    throw new ModelError(
      `${fileName}: ${total} operator${total > 1 ? 's' : ''} Frontier does not know: ${list}. ` +
        'With --allow-unknown-ops (allowUnknownOps) they are analysed as zero-MAC operations with the output shapes the file declares.',
    );
  }
  if (file.operators.length === 0) file.guard.damaged('subgraph 0 has no operators');
  return new Converter(file, readGraph(file), fileName, modelName, options).convert();
}

/** Where each layer's weights and output lie in the file: what the engine reads to run it. */
export interface TfliteBindings {
  graph: ModelGraph;
  file: TfliteOperators;
  tensors: TfliteGraph;
  /** Compute layer → its filter and bias tensors. */
  weights: Map<string, { kernel: TfliteTensor; bias: TfliteTensor | null }>;
  /** Add / Multiply layer → its constant operand. */
  constants: Map<string, TfliteTensor>;
  /** Layer → the tensor it writes (model inputs included). */
  outputs: Map<string, number>;
}

export function tfliteBindings(bytes: Uint8Array, fileName: string, modelName: string, options: ImportOptions = {}): TfliteBindings {
  const file = readOperators(bytes, fileName);
  const tensors = readGraph(file);
  const converter = new Converter(file, tensors, fileName, modelName, options);
  const graph = converter.convert();
  return { graph, file, tensors, ...converter.bindings() };
}

interface ComputeOperands {
  op: string;
  kernel: TfliteTensor;
  bias: TfliteTensor | null;
}

class Converter implements OperatorHost {
  private readonly layers: Layer[] = [];
  /** The same layers by name, so finding one never scans the list (a model may have hundreds of thousands). */
  private readonly layerByName = new Map<string, Layer>();
  /** Tensor index → the layer whose output is that tensor (after a fused activation). */
  private readonly layerOf = new Map<number, string>();
  /** Tensor index → the layer that writes (allocates) it. */
  private readonly ownerOf = new Map<number, string>();
  /** Allocating layer → its tensor and the operator that writes it (for the checks and precisions). */
  private readonly written = new Map<string, { tensor: number; op: string }>();
  private readonly compute = new Map<string, ComputeOperands>();
  private readonly constantOperands = new Map<string, TfliteTensor>();
  /** Outputs of DEQUANTIZE operators on constants: weights stored in another format (float16 models). */
  private readonly constantAlias = new Map<number, number>();
  private readonly used = new Set<string>();
  private readonly nextSuffix = new Map<string, number>();
  private readonly notes: string[] = [];

  constructor(
    private readonly file: TfliteOperators,
    private readonly g: TfliteGraph,
    private readonly fileName: string,
    private readonly modelName: string,
    private readonly options: ImportOptions,
  ) {}

  bindings(): Pick<TfliteBindings, 'weights' | 'constants' | 'outputs'> {
    const outputs = new Map<string, number>();
    for (const [layer, { tensor }] of this.written) outputs.set(layer, tensor);
    return { weights: this.compute, constants: this.constantOperands, outputs };
  }

  recordConstantOperand(layer: string, tensor: TfliteTensor): void {
    this.constantOperands.set(layer, tensor);
  }

  fail(message: string, layer?: string): never {
    throw new ModelError(`${this.fileName}: ${message}`, layer);
  }

  private tensorLabel(t: number): string {
    const name = this.g.tensors[t].name;
    return name === null ? `tensor ${t}` : `tensor ${t} "${name}"`;
  }

  private uniqueName(base: string): string {
    let name = base;
    if (this.used.has(name)) {
      let k = this.nextSuffix.get(base) ?? 2;
      while (this.used.has(`${base}_${k}`)) k++;
      this.nextSuffix.set(base, k + 1);
      name = `${base}_${k}`;
    }
    this.used.add(name);
    return name;
  }

  private isConstant(t: number): boolean {
    if (this.constantAlias.has(t)) return true;
    const tensor = this.g.tensors[t];
    return this.g.data(tensor.buffer, this.tensorLabel(t)).bytes > 0;
  }

  /** A tensor's shape as Frontier writes it: without the batch dimension when the first dimension is 1. */
  private activationShape(t: number): number[] {
    const { shape } = this.g.tensors[t];
    this.checkDims(t);
    if (shape.length === 0) return [1];
    if (shape.length === 1) return [...shape];
    return shape[0] === 1 ? shape.slice(1) : [...shape];
  }

  private checkDims(t: number): void {
    const { shape } = this.g.tensors[t];
    for (const d of shape) {
      if (!Number.isInteger(d) || d < 1) {
        this.fail(`${this.tensorLabel(t)} has a dimension of ${d} in its shape [${shape.join(', ')}]; every dimension must be at least 1`);
      }
    }
    if (product(shape) > MAX_TENSOR_ELEMENTS) {
      this.fail(`${this.tensorLabel(t)} has shape ${formatShape(shape)}, more than ${MAX_TENSOR_ELEMENTS} values`);
    }
  }

  private format(t: number): NumberFormat {
    const { type } = this.g.tensors[t];
    const info = typeInfo(type);
    if (!info?.format) {
      this.fail(`${this.tensorLabel(t)} holds ${typeName(type)} values, which Frontier cannot size (it sizes 8-, 16- and 32-bit and packed 4-bit values)`);
    }
    return info.format;
  }

  convert(): ModelGraph {
    for (const t of this.g.inputs) this.addInput(t);
    this.file.operators.forEach((op) => this.addOperator(op));
    const outputs = this.g.outputs.map((t) => {
      const layer = this.layerOf.get(t);
      if (!layer) this.fail(`model output ${this.tensorLabel(t)} is written by no operator`);
      return layer;
    });
    const tensorOrder: string[] = [];
    this.g.tensors.forEach((_, t) => {
      const owner = this.ownerOf.get(t);
      if (owner !== undefined) tensorOrder.push(owner);
    });
    const graph: ModelGraph = { name: this.modelName, layers: this.layers, outputs: [...new Set(outputs)] };
    const source: ModelSource = { format: 'tflite', tensorOrder };
    graph.source = source;
    const { storedWeightBytes, sharedWeightBytes } = this.checkAgainstFile(graph);
    Object.assign(source, this.precision(), { storedWeightBytes }, sharedWeightBytes > 0 ? { sharedWeightBytes } : {});
    if (this.file.subgraphCount > 1) {
      this.notes.push(`the file has ${this.file.subgraphCount} subgraphs; Frontier analyses subgraph 0, the main model`);
    }
    if (this.options.inputShapes && Object.keys(this.options.inputShapes).length > 0) {
      this.notes.push('--input-shape is not used for TFLite files: their tensor shapes are fixed in the file');
    }
    if (this.notes.length > 0) source.notes = [...new Set([...(source.notes ?? []), ...this.notes])];
    return graph;
  }

  private addInput(t: number): void {
    const tensor = this.g.tensors[t];
    if (this.layerOf.has(t)) this.fail(`${this.tensorLabel(t)} is listed twice as a model input`);
    if (this.isConstant(t)) this.fail(`model input ${this.tensorLabel(t)} holds constant data`);
    this.checkDims(t);
    if (tensor.shape.length >= 2 && tensor.shape[0] !== 1) {
      this.fail(`model input ${this.tensorLabel(t)} has a batch of ${tensor.shape[0]} (shape ${formatShape(tensor.shape)}); Frontier analyses one inference, batch 1`);
    }
    const name = this.uniqueName(tensor.name ?? `tensor_${t}`);
    this.push({ type: 'Input', shape: this.activationShape(t), name, inputs: [] });
    this.layerOf.set(t, name);
    this.ownerOf.set(t, name);
    this.written.set(name, { tensor: t, op: `model input ${this.tensorLabel(t)}` });
  }

  private addOperator(op: TfliteOperator): void {
    const name = operatorName(op.kind);
    const label = `operator ${op.index} (${name})`;
    const { inputs, outputs } = this.g.operands[op.index];
    if (!isSupported(op.kind)) {
      this.addOpaque(op, name, label);
      return;
    }
    if (outputs.length !== 1) this.fail(`${label} writes ${outputs.length} tensors; it writes one`);
    const out = outputs[0];
    this.checkWritable(out, label);
    new OperatorMapper(this, op, label, inputs, out).map();
  }

  checkWritable(out: number, label: string): void {
    if (this.layerOf.has(out)) {
      this.fail(`${label} writes ${this.tensorLabel(out)}, which a model input or an earlier operator already holds`);
    }
    if (this.isConstant(out)) this.fail(`${label} writes ${this.tensorLabel(out)}, which holds constant data`);
  }

  private addOpaque(op: TfliteOperator, name: string, label: string): void {
    const { inputs, outputs } = this.g.operands[op.index];
    const sources = inputs.filter((t) => t >= 0 && !this.isConstant(t) && this.layerOf.has(t)).map((t) => this.layerOf.get(t) as string);
    for (const out of outputs) {
      this.checkWritable(out, label);
      this.addLayer(out, label, { type: 'Opaque', op: name, outputShape: this.activationShape(out) }, [...new Set(sources)]);
    }
  }

  /** Adds the layer that writes tensor `out` (and a fused activation after it); returns the layer's name. */
  addLayer(out: number, op: string, spec: LayerSpec, inputs: string[], fused: ActivationName = 'linear'): string {
    const name = this.uniqueName(this.g.tensors[out].name ?? `tensor_${out}`);
    this.push({ ...spec, name, inputs } as Layer);
    this.ownerOf.set(out, name);
    this.written.set(name, { tensor: out, op });
    let end = name;
    if (fused !== 'linear') {
      end = this.uniqueName(`${name}/${fused}`);
      this.push({ type: 'Activation', activation: fused, name: end, inputs: [name] });
    }
    this.layerOf.set(out, end);
    return name;
  }

  /** Records the operator the file runs for the layer writing `out`, where its type would convert to another. */
  markSourceOp(out: number, op: string): void {
    const owner = this.ownerOf.get(out);
    const layer = owner === undefined ? undefined : this.layerByName.get(owner);
    if (layer) layer.sourceOp = op;
  }

  private push(layer: Layer): void {
    this.layers.push(layer);
    this.layerByName.set(layer.name, layer);
  }

  addCompute(out: number, op: string, spec: LayerSpec, input: string, kernel: TfliteTensor, bias: TfliteTensor | null): void {
    const name = this.addLayer(out, op, spec, [input]);
    this.compute.set(name, { op, kernel, bias });
  }

  /** The layer holding a non-constant tensor an operator reads. */
  source(t: number, label: string, what: string): string {
    if (t < 0) this.fail(`${label}: ${what} is missing`);
    if (this.isConstant(t)) this.fail(`${label}: ${what}, ${this.tensorLabel(t)}, holds constant data; Frontier reads it as an activation`);
    const layer = this.layerOf.get(t);
    if (!layer) this.fail(`${label} reads ${this.tensorLabel(t)} before any operator writes it (and it is not a model input)`);
    return layer;
  }

  /** A constant tensor an operator reads (its weights), through a DEQUANTIZE of a constant when there is one. */
  constant(t: number, label: string, what: string): TfliteTensor {
    if (t < 0) this.fail(`${label}: ${what} is missing`);
    const stored = this.constantAlias.get(t) ?? t;
    if (!this.isConstant(stored)) {
      this.fail(`${label}: ${what}, ${this.tensorLabel(t)}, is not constant; Frontier reads this operator with constant weights only`);
    }
    return this.g.tensors[stored];
  }

  /** Small integer constants (axes, paddings), read from the file after checking their size. */
  integers(t: number, label: string, what: string): number[] {
    const tensor = this.constant(t, label, what);
    this.checkDims(tensor.index);
    const count = product(tensor.shape);
    const wide = tensor.type === TensorType.INT64;
    if ((tensor.type !== TensorType.INT32 && !wide) || count > 64) {
      this.fail(`${label}: ${what}, ${this.tensorLabel(tensor.index)}, should be a short INT32 or INT64 list; it is ${typeName(tensor.type)} of shape ${formatShape(tensor.shape)}`);
    }
    const data = this.checkedData(tensor, label);
    const values: number[] = [];
    for (let i = 0; i < count; i++) {
      // Little-endian; an INT64 value this small has its sign in the high word.
      values.push(wide ? this.file.guard.int32At(data.start + 8 * i) : this.file.guard.int32At(data.start + 4 * i));
    }
    return values;
  }

  /** A constant tensor's data, checked to hold exactly the bytes its shape and type need. */
  checkedData(tensor: TfliteTensor, label: string): { start: number; bytes: number } {
    this.checkDims(tensor.index);
    const data = this.g.data(tensor.buffer, this.tensorLabel(tensor.index));
    const elements = product(tensor.shape);
    const need = storedBytes(tensor.type, elements);
    if (need === undefined) this.fail(`${label}: ${this.tensorLabel(tensor.index)} holds ${typeName(tensor.type)} values, which Frontier cannot size`);
    // 4-bit weights are packed two to a byte; some writers keep one per byte.
    const ok = data.bytes === need || (tensor.type === TensorType.INT4 && data.bytes === elements);
    if (!ok) {
      this.fail(
        `${label}: ${this.tensorLabel(tensor.index)} of shape ${formatShape(tensor.shape)} and type ${typeName(tensor.type)} needs ${need} bytes, its buffer ${tensor.buffer} holds ${data.bytes}`,
      );
    }
    return data;
  }

  activationShapeOf(t: number): number[] {
    return this.activationShape(t);
  }

  /** For mappers: a fused activation, or a clear refusal. */
  fusedActivation(code: number, label: string): ActivationName {
    const activation = FUSED[code];
    if (!activation) this.fail(`${label} has a fused activation ${ActivationFunctionType[code] ?? code} Frontier does not know`);
    return activation;
  }

  note(text: string): void {
    this.notes.push(text);
  }

  markConstantAlias(out: number, stored: number): void {
    this.constantAlias.set(out, stored);
  }

  readOptions<T extends { bb_pos: number }>(op: TfliteOperator, type: number, make: () => T, label: string): T | null {
    return readOptions(this.file.guard, op, type, make, `the options of ${label}`);
  }

  isConstantTensor(t: number): boolean {
    return t >= 0 && this.isConstant(t);
  }

  tensor(t: number): TfliteTensor {
    return this.g.tensors[t];
  }

  /**
   * Frontier's own counts against the file: every compute layer's weight and bias counts against its tensors, every
   * layer's output shape against the tensor it writes. Returns the weight bytes as stored, each buffer once.
   */
  private checkAgainstFile(graph: ModelGraph): { storedWeightBytes: number; sharedWeightBytes: number } {
    const counts = countModel(graph);
    for (const layer of counts.layers) {
      const written = this.written.get(layer.name);
      if (!written) continue;
      const fileShape = this.activationShape(written.tensor);
      if (formatShape(fileShape) !== formatShape(layer.outputShape)) {
        this.fail(
          `${written.op} writes ${this.tensorLabel(written.tensor)} of shape ${formatShape(this.g.tensors[written.tensor].shape)}, ` +
            `but its ${layer.type} layer "${layer.name}" computes ${formatShape(layer.outputShape)} (batch left out)`,
          layer.name,
        );
      }
      const operands = this.compute.get(layer.name);
      if (!operands) continue;
      const kernel = layer.weights.find((w) => w.role !== 'bias');
      const bias = layer.weights.find((w) => w.role === 'bias');
      const check = (tensor: TfliteTensor, counted: number | undefined, what: string): void => {
        const elements = product(tensor.shape);
        if (counted !== elements) {
          this.fail(
            `${operands.op}: its ${what} ${this.tensorLabel(tensor.index)} holds ${elements} values (shape ${formatShape(tensor.shape)}), ` +
              `but its ${layer.type} layer "${layer.name}" counts ${counted ?? 0}`,
            layer.name,
          );
        }
      };
      check(operands.kernel, kernel?.count, 'filter');
      if (operands.bias) check(operands.bias, bias?.count, 'bias');
    }
    const buffers = new Map<number, number>();
    let perLayer = 0;
    for (const { op, kernel, bias } of this.compute.values()) {
      for (const tensor of bias ? [kernel, bias] : [kernel]) {
        const bytes = this.checkedData(tensor, op).bytes;
        buffers.set(tensor.buffer, bytes);
        perLayer += bytes;
      }
    }
    const storedWeightBytes = [...buffers.values()].reduce((a, b) => a + b, 0);
    return { storedWeightBytes, sharedWeightBytes: perLayer - storedWeightBytes };
  }

  /** The precision the file stores, its bias storage, and the layers stored otherwise. */
  private precision(): Pick<ModelSource, 'precision' | 'biasMode' | 'layerPrecisions'> {
    const weightElements = new Map<NumberFormat, number>();
    const computeFormats = new Map<string, NumberFormat>();
    let int32Bias = false;
    for (const [layer, { kernel, bias }] of this.compute) {
      const format = this.format(kernel.index);
      computeFormats.set(layer, format);
      weightElements.set(format, (weightElements.get(format) ?? 0) + product(kernel.shape));
      if (bias && isIntegerType(kernel.type) && typeInfo(bias.type)?.bytes === 4) int32Bias = true;
    }
    const activationCount = new Map<NumberFormat, number>();
    const activationFormats = new Map<string, NumberFormat>();
    const sizedAs = new Set<string>();
    for (const [layer, { tensor }] of this.written) {
      const format = this.format(tensor);
      activationFormats.set(layer, format);
      activationCount.set(format, (activationCount.get(format) ?? 0) + 1);
      if (typeInfo(this.g.tensors[tensor].type)?.sizedAs) sizedAs.add(typeName(this.g.tensors[tensor].type));
    }
    const most = (counts: Map<NumberFormat, number>): NumberFormat | undefined =>
      [...counts].sort((a, b) => b[1] - a[1] || BITS[b[0]] - BITS[a[0]])[0]?.[0];
    const activations = most(activationCount) ?? 'fp32';
    const weights = most(weightElements) ?? activations;
    const name = (w: NumberFormat, a: NumberFormat): string => (w === a ? w : `w${BITS[w]}a${BITS[a]}`);
    const precision = name(weights, activations);

    const layerPrecisions: Record<string, string> = {};
    for (const [layer, a] of activationFormats) {
      const w = computeFormats.get(layer);
      if (w !== undefined) {
        if (name(w, a) !== precision) layerPrecisions[layer] = name(w, a);
      } else if (a !== activations) {
        layerPrecisions[layer] = a;
      }
    }
    if (weights !== activations && BITS[weights] < BITS[activations] && (activations === 'fp32' || activations === 'fp16')) {
      this.notes.push(`hybrid model: ${weights} weights, ${activations} activations (the weights are dequantized as the operators run)`);
    }
    if (sizedAs.size > 0) {
      this.notes.push(`${[...sizedAs].join(', ')} tensors are sized by their width (shown as the float format of the same width)`);
    }
    return {
      precision,
      biasMode: int32Bias ? 'int32' : 'weight',
      ...(Object.keys(layerPrecisions).length > 0 ? { layerPrecisions } : {}),
    };
  }
}
