// Frontier's own model file: the graph as stored, one object per layer. Documented in docs/model-format.md.
import { validateGraph } from './graph';
import { isPrecisionName } from '../analysis/precision';
import { LAYER_TYPES, ModelError, type Layer, type LayerType, type ModelGraph, type ModelFormat, type ModelSource } from './types';

export const NATIVE_FORMAT = 'frontier-model';
export const NATIVE_VERSION = 1;

export interface NativeModelFile {
  format: typeof NATIVE_FORMAT;
  version: number;
  name: string;
  outputs: string[];
  layers: Layer[];
  /** What an imported file stores beyond its layers (format, precision, weight bytes); absent for presets. */
  source?: ModelSource;
}

const MODEL_FORMATS: readonly ModelFormat[] = ['frontier', 'keras-json', 'keras-archive', 'keras-h5', 'tfjs', 'tflite', 'onnx'];

function parseSource(raw: unknown, sourceName: string): ModelSource | undefined {
  if (raw === undefined) return undefined;
  const bad = (field: string, what: string): never => {
    throw new ModelError(`${sourceName}: source.${field} must be ${what}`);
  };
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return bad('', 'an object');
  const obj = raw as Record<string, unknown>;
  if (!MODEL_FORMATS.includes(obj.format as ModelFormat)) bad('format', `one of ${MODEL_FORMATS.join(', ')}`);
  const source: ModelSource = { format: obj.format as ModelFormat };
  if (obj.precision !== undefined) {
    if (typeof obj.precision !== 'string' || !isPrecisionName(obj.precision)) bad('precision', 'a precision name');
    source.precision = obj.precision as string;
  }
  if (obj.biasMode !== undefined) {
    if (obj.biasMode !== 'weight' && obj.biasMode !== 'int32') bad('biasMode', '"weight" or "int32"');
    source.biasMode = obj.biasMode as 'weight' | 'int32';
  }
  if (obj.layerPrecisions !== undefined) {
    const map = obj.layerPrecisions;
    if (
      typeof map !== 'object' ||
      map === null ||
      Array.isArray(map) ||
      !Object.values(map).every((p) => typeof p === 'string' && isPrecisionName(p))
    ) {
      bad('layerPrecisions', 'an object of layer name → precision name');
    }
    source.layerPrecisions = Object.fromEntries(Object.entries(map as Record<string, string>));
  }
  if (obj.storedWeightBytes !== undefined) {
    if (!isNonNegInt(obj.storedWeightBytes) || (obj.storedWeightBytes as number) > Number.MAX_SAFE_INTEGER) {
      bad('storedWeightBytes', 'a whole number of bytes');
    }
    source.storedWeightBytes = obj.storedWeightBytes as number;
  }
  if (obj.sharedWeightBytes !== undefined) {
    if (!isNonNegInt(obj.sharedWeightBytes) || (obj.sharedWeightBytes as number) > Number.MAX_SAFE_INTEGER) {
      bad('sharedWeightBytes', 'a whole number of bytes');
    }
    source.sharedWeightBytes = obj.sharedWeightBytes as number;
  }
  if (obj.tensorOrder !== undefined) {
    if (!Array.isArray(obj.tensorOrder) || !obj.tensorOrder.every((n) => typeof n === 'string')) {
      bad('tensorOrder', 'a list of layer names');
    }
    source.tensorOrder = [...(obj.tensorOrder as string[])];
  }
  if (obj.kerasLayout !== undefined) {
    if (obj.kerasLayout !== 'keras2' && obj.kerasLayout !== 'keras3') bad('kerasLayout', '"keras2" or "keras3"');
    source.kerasLayout = obj.kerasLayout as 'keras2' | 'keras3';
  }
  if (obj.notes !== undefined) {
    if (!Array.isArray(obj.notes) || !obj.notes.every((n) => typeof n === 'string')) bad('notes', 'a list of strings');
    source.notes = [...(obj.notes as string[])];
  }
  return source;
}

type FieldKind =
  | 'count'
  | 'pair'
  | 'padding'
  | 'bool'
  | 'optional-bool'
  | 'activation'
  | 'rate'
  | 'shape'
  | 'target'
  | 'pad2d'
  | 'axis'
  | 'format'
  | 'perm'
  | 'op-name';

/** Every field each layer type carries; the same list validates files and documents the format. */
export const LAYER_FIELDS: Record<LayerType, Record<string, FieldKind>> = {
  Input: { shape: 'shape' },
  Conv2D: {
    filters: 'count',
    kernel: 'pair',
    strides: 'pair',
    padding: 'padding',
    dilation: 'pair',
    groups: 'count',
    useBias: 'bool',
    activation: 'activation',
  },
  DepthwiseConv2D: {
    kernel: 'pair',
    strides: 'pair',
    padding: 'padding',
    dilation: 'pair',
    depthMultiplier: 'count',
    useBias: 'bool',
    activation: 'activation',
  },
  SeparableConv2D: {
    filters: 'count',
    kernel: 'pair',
    strides: 'pair',
    padding: 'padding',
    dilation: 'pair',
    depthMultiplier: 'count',
    useBias: 'bool',
    activation: 'activation',
  },
  Dense: { units: 'count', useBias: 'bool', activation: 'activation', flattenInput: 'optional-bool' },
  MaxPooling2D: { pool: 'pair', strides: 'pair', padding: 'padding' },
  AveragePooling2D: { pool: 'pair', strides: 'pair', padding: 'padding' },
  GlobalAveragePooling2D: { keepDims: 'bool' },
  GlobalMaxPooling2D: { keepDims: 'bool' },
  Flatten: {},
  Reshape: { targetShape: 'target' },
  ZeroPadding2D: { padding: 'pad2d' },
  BatchNormalization: { center: 'bool', scale: 'bool' },
  Activation: { activation: 'activation', standalone: 'optional-bool' },
  Dropout: { rate: 'rate' },
  Add: { constantOperand: 'optional-bool' },
  Concatenate: { axis: 'axis' },
  Multiply: { constantOperand: 'optional-bool' },
  Cast: { to: 'format' },
  Transpose: { perm: 'perm' },
  Opaque: { op: 'op-name', outputShape: 'shape' },
};

export const ACTIVATIONS = [
  'linear',
  'relu',
  'relu6',
  'leaky_relu',
  'elu',
  'selu',
  'gelu',
  'sigmoid',
  'hard_sigmoid',
  'swish',
  'silu',
  'hard_swish',
  'hard_silu',
  'tanh',
  'softmax',
  'softplus',
  'softsign',
  'exponential',
  'mish',
  'clip',
  'relu_n1_to_1',
] as const;

const FORMATS = ['fp32', 'fp16', 'int8', 'int4'];

const isCount = (v: unknown): v is number => Number.isInteger(v) && (v as number) >= 1;
const isNonNegInt = (v: unknown): v is number => Number.isInteger(v) && (v as number) >= 0;

function checkField(kind: FieldKind, value: unknown): string | undefined {
  switch (kind) {
    case 'count':
      return isCount(value) ? undefined : 'a whole number ≥ 1';
    case 'pair':
      return Array.isArray(value) && value.length === 2 && value.every(isCount)
        ? undefined
        : 'two whole numbers ≥ 1, e.g. [3, 3]';
    case 'padding':
      return value === 'same' || value === 'valid' ? undefined : '"same" or "valid"';
    case 'bool':
      return typeof value === 'boolean' ? undefined : 'true or false';
    case 'activation':
      return (ACTIVATIONS as readonly unknown[]).includes(value) ? undefined : `one of ${ACTIVATIONS.join(', ')}`;
    case 'rate':
      return typeof value === 'number' && value >= 0 && value < 1 ? undefined : 'a number in [0, 1)';
    case 'shape':
      return Array.isArray(value) && value.length > 0 && value.every(isCount)
        ? undefined
        : 'a list of whole numbers ≥ 1, e.g. [128, 128, 1]';
    case 'target':
      return Array.isArray(value) && value.length > 0 && value.every((d) => d === -1 || isCount(d))
        ? undefined
        : 'a list of whole numbers ≥ 1 (one may be -1)';
    case 'pad2d':
      return Array.isArray(value) &&
        value.length === 2 &&
        value.every((p) => Array.isArray(p) && p.length === 2 && p.every(isNonNegInt))
        ? undefined
        : '[[top, bottom], [left, right]] of whole numbers ≥ 0';
    case 'axis':
      return Number.isInteger(value) ? undefined : 'a whole number (-1 = channels)';
    case 'optional-bool':
      return value === undefined || typeof value === 'boolean' ? undefined : 'true or false (or absent)';
    case 'format':
      return FORMATS.includes(value as string) ? undefined : `one of ${FORMATS.join(', ')}`;
    case 'perm':
      return Array.isArray(value) && value.length > 0 && value.every(isNonNegInt)
        ? undefined
        : 'a list of dimension indices, e.g. [2, 0, 1]';
    case 'op-name':
      return typeof value === 'string' && value !== '' ? undefined : 'an operator name';
  }
}

function parseLayer(raw: unknown, index: number, sourceName: string): Layer {
  if (typeof raw !== 'object' || raw === null) {
    throw new ModelError(`${sourceName}: layers[${index}] is not an object`);
  }
  const obj = raw as Record<string, unknown>;
  const name = obj.name;
  if (typeof name !== 'string' || name === '') {
    throw new ModelError(`${sourceName}: layers[${index}] has no "name"`);
  }
  const type = obj.type;
  if (!(LAYER_TYPES as readonly unknown[]).includes(type)) {
    throw new ModelError(
      `${sourceName}: layer "${name}" has unknown type ${JSON.stringify(type)} (known: ${LAYER_TYPES.join(', ')})`,
      name,
    );
  }
  const inputs = obj.inputs ?? [];
  if (!Array.isArray(inputs) || !inputs.every((i) => typeof i === 'string')) {
    throw new ModelError(`${sourceName}: layer "${name}": "inputs" must be a list of layer names`, name);
  }
  const layer: Record<string, unknown> = { name, type, inputs: [...inputs] };
  for (const [field, kind] of Object.entries(LAYER_FIELDS[type as LayerType])) {
    const problem = checkField(kind, obj[field]);
    if (problem) {
      throw new ModelError(
        obj[field] === undefined
          ? `${sourceName}: layer "${name}": ${field} is missing; it must be ${problem}`
          : `${sourceName}: layer "${name}": ${field} must be ${problem}, got ${JSON.stringify(obj[field])}`,
        name,
      );
    }
    if (obj[field] !== undefined) layer[field] = JSON.parse(JSON.stringify(obj[field]));
  }
  if (obj.sourceOp !== undefined) {
    if (typeof obj.sourceOp !== 'string' || !/^[A-Z][A-Z0-9_]*$/.test(obj.sourceOp)) {
      throw new ModelError(`${sourceName}: layer "${name}": sourceOp must be an operator name such as SQUEEZE`, name);
    }
    layer.sourceOp = obj.sourceOp;
  }
  if (obj.precision !== undefined) {
    if (typeof obj.precision !== 'string') {
      throw new ModelError(`${sourceName}: layer "${name}": precision must be a precision name`, name);
    }
    layer.precision = obj.precision;
  }
  return layer as unknown as Layer;
}

export function nativeToGraph(json: unknown, sourceName: string): ModelGraph {
  if (typeof json !== 'object' || json === null) throw new ModelError(`${sourceName}: not a JSON object`);
  const file = json as Record<string, unknown>;
  if (file.format !== NATIVE_FORMAT) {
    throw new ModelError(
      file.format === undefined
        ? `${sourceName}: "format" is missing; it must be "${NATIVE_FORMAT}"`
        : `${sourceName}: "format" must be "${NATIVE_FORMAT}", got ${JSON.stringify(file.format)}`,
    );
  }
  if (typeof file.version !== 'number' || file.version > NATIVE_VERSION) {
    throw new ModelError(
      `${sourceName}: model format version ${JSON.stringify(file.version)} is newer than this Frontier reads (${NATIVE_VERSION})`,
    );
  }
  if (!Array.isArray(file.layers)) throw new ModelError(`${sourceName}: no "layers" list`);
  const outputs = file.outputs ?? [];
  if (!Array.isArray(outputs) || !outputs.every((o) => typeof o === 'string')) {
    throw new ModelError(`${sourceName}: "outputs" must be a list of layer names`);
  }
  const graph: ModelGraph = {
    name: typeof file.name === 'string' && file.name !== '' ? file.name : 'model',
    layers: file.layers.map((l, i) => parseLayer(l, i, sourceName)),
    outputs: [...outputs],
  };
  const source = parseSource(file.source, sourceName);
  if (source) graph.source = source;
  validateGraph(graph);
  return graph;
}

export function graphToNative(graph: ModelGraph): NativeModelFile {
  return {
    format: NATIVE_FORMAT,
    version: NATIVE_VERSION,
    name: graph.name,
    outputs: [...graph.outputs],
    layers: graph.layers.map((l) => JSON.parse(JSON.stringify(l)) as Layer),
    ...(graph.source ? { source: JSON.parse(JSON.stringify(graph.source)) as ModelSource } : {}),
  };
}
