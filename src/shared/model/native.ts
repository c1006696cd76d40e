// Frontier's own model file: the graph as stored, one object per layer. Documented in docs/model-format.md.
import { validateGraph } from './graph';
import { LAYER_TYPES, ModelError, type Layer, type LayerType, type ModelGraph } from './types';

export const NATIVE_FORMAT = 'frontier-model';
export const NATIVE_VERSION = 1;

export interface NativeModelFile {
  format: typeof NATIVE_FORMAT;
  version: number;
  name: string;
  outputs: string[];
  layers: Layer[];
}

type FieldKind = 'count' | 'pair' | 'padding' | 'bool' | 'activation' | 'rate' | 'shape' | 'target' | 'pad2d' | 'axis';

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
  Dense: { units: 'count', useBias: 'bool', activation: 'activation' },
  MaxPooling2D: { pool: 'pair', strides: 'pair', padding: 'padding' },
  AveragePooling2D: { pool: 'pair', strides: 'pair', padding: 'padding' },
  GlobalAveragePooling2D: { keepDims: 'bool' },
  GlobalMaxPooling2D: { keepDims: 'bool' },
  Flatten: {},
  Reshape: { targetShape: 'target' },
  ZeroPadding2D: { padding: 'pad2d' },
  BatchNormalization: { center: 'bool', scale: 'bool' },
  Activation: { activation: 'activation' },
  Dropout: { rate: 'rate' },
  Add: {},
  Concatenate: { axis: 'axis' },
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
] as const;

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
        `${sourceName}: layer "${name}": ${field} must be ${problem}, got ${JSON.stringify(obj[field])}`,
        name,
      );
    }
    layer[field] = JSON.parse(JSON.stringify(obj[field]));
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
    throw new ModelError(`${sourceName}: "format" must be "${NATIVE_FORMAT}", got ${JSON.stringify(file.format)}`);
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
  };
}
