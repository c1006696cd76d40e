// Keras model configs (what `model.to_json()` writes, `config.json` in a `.keras` archive, and the
// `modelTopology` of a TensorFlow.js `model.json`) converted to a Frontier graph.
//
// Both layouts Keras has written are read:
// - Keras 2 (tf.keras, standalone Keras 2.x, TensorFlow.js): `batch_input_shape` on InputLayer (or on
//   the first layer of a Sequential), `inbound_nodes` as nested lists `[[["conv1", 0, 0, {}]]]`,
//   `input_layers` / `output_layers` as `[["name", 0, 0]]`.
// - Keras 3: a `module` beside each `class_name`, `batch_shape` on InputLayer, `dtype` as a DTypePolicy
//   object, `inbound_nodes` as `[{"args": [...], "kwargs": {...}}]` holding `__keras_tensor__` objects
//   whose `keras_history` names the producing layer, and `input_layers` / `output_layers` that may be a
//   single flat `["name", 0, 0]`.
// Fields Keras leaves out take Keras's defaults. Only what Frontier's analysis needs is kept: weights,
// initialisers, regularisers and dtypes are ignored.
import { MAX_JSON_DEPTH, nestingExceededAt, nestingMessage, valueNestingExceeds } from '../json';
import { validateGraph } from './graph';
import { inferShapes } from './shapes';
import {
  ModelError,
  type ActivationName,
  type Layer,
  type LayerSpec,
  type ModelGraph,
  type Padding,
  type Pair,
} from './types';

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

const show = (v: unknown): string => {
  if (v === undefined) return 'nothing';
  const text = JSON.stringify(v);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
};

/** Keras spellings of activations, mapped to Frontier's names. */
const ACTIVATION_NAMES: Record<string, ActivationName> = {
  linear: 'linear',
  relu: 'relu',
  relu6: 'relu6',
  leaky_relu: 'leaky_relu',
  elu: 'elu',
  selu: 'selu',
  gelu: 'gelu',
  sigmoid: 'sigmoid',
  hard_sigmoid: 'hard_sigmoid',
  swish: 'swish',
  silu: 'silu',
  hard_swish: 'hard_swish',
  hard_silu: 'hard_silu',
  tanh: 'tanh',
  softmax: 'softmax',
  softplus: 'softplus',
  softsign: 'softsign',
  exponential: 'exponential',
  mish: 'mish',
};

const MODEL_CLASSES = new Set(['Sequential', 'Functional', 'Model']);

const DROPOUT_CLASSES = new Set(['Dropout', 'SpatialDropout2D', 'GaussianDropout', 'AlphaDropout', 'GaussianNoise']);

/**
 * Turns the JSON of a Keras model (Keras 2 or 3 `model.to_json()`, a `.keras` archive's `config.json`,
 * or a TensorFlow.js layers-model `model.json`) into a Frontier graph.
 */
export function kerasToGraph(json: unknown, sourceName: string): ModelGraph {
  // The walks below recurse into the config (inbound nodes, activations): bound the depth first.
  if (valueNestingExceeds(json, MAX_JSON_DEPTH)) {
    throw new ModelError(`${sourceName}: the model config is ${nestingMessage(MAX_JSON_DEPTH)}`);
  }
  const model = unwrapModel(json, sourceName);
  const className = model.class_name;
  const bnAxes: BatchNormAxes = new Map();
  let graph: ModelGraph;
  if (className === 'Sequential') {
    graph = sequentialGraph(model.config, sourceName, bnAxes);
  } else if (className === 'Functional' || className === 'Model') {
    graph = functionalGraph(model.config, sourceName, bnAxes);
  } else if (isObj(model.config) && Array.isArray(model.config.layers) && 'output_layers' in model.config) {
    // A subclass of Model that kept the functional config (e.g. a custom Model with the Functional constructor).
    graph = functionalGraph(model.config, sourceName, bnAxes);
  } else {
    throw new ModelError(
      `${sourceName}: the model class is ${show(className)}; Frontier reads Sequential and Functional Keras models`,
    );
  }
  validateGraph(graph);
  checkBatchNormAxes(graph, bnAxes);
  return graph;
}

/**
 * Which layout the file is written in: Keras 3 puts a `module` beside class names and a `batch_shape` on InputLayer;
 * Keras 2 (and TensorFlow.js) does not.
 */
export function kerasLayoutOf(json: unknown): 'keras2' | 'keras3' {
  try {
    const model = unwrapModel(json, '');
    if ('module' in model) return 'keras3';
    const layers = isObj(model.config) && Array.isArray(model.config.layers) ? model.config.layers : [];
    return layers.some((l) => isObj(l) && ('module' in l || (isObj(l.config) && 'batch_shape' in l.config)))
      ? 'keras3'
      : 'keras2';
  } catch {
    return 'keras2';
  }
}

/** The `{class_name, config}` object of the model, whichever container it arrived in. */
function unwrapModel(json: unknown, sourceName: string): Obj {
  if (!isObj(json)) {
    const kind = Array.isArray(json) ? 'a list' : json === null ? 'null' : `a ${typeof json}`;
    throw new ModelError(`${sourceName}: expected a JSON object holding a Keras model config, got ${kind}`);
  }
  let model: unknown = json;
  if ('modelTopology' in json || json.format === 'layers-model' || json.format === 'graph-model') {
    // TensorFlow.js model.json
    if (json.format !== undefined && json.format !== 'layers-model') {
      throw new ModelError(
        `${sourceName}: a TensorFlow.js "${String(json.format)}" has no Keras layers; only "layers-model" files can be read ` +
          '(convert the Keras model with tensorflowjs_converter --output_format tfjs_layers_model)',
      );
    }
    const topology = json.modelTopology;
    if (!isObj(topology)) throw new ModelError(`${sourceName}: no "modelTopology" object`);
    model = 'model_config' in topology ? topology.model_config : topology;
  } else if ('model_config' in json && !('class_name' in json)) {
    model = json.model_config;
  }
  if (typeof model === 'string') {
    // Keras H5 attributes keep the config as a JSON string.
    if (nestingExceededAt(model, MAX_JSON_DEPTH) >= 0) {
      throw new ModelError(`${sourceName}: "model_config" is ${nestingMessage(MAX_JSON_DEPTH)}`);
    }
    try {
      model = JSON.parse(model) as unknown;
    } catch {
      throw new ModelError(`${sourceName}: "model_config" is a string that is not JSON`);
    }
  }
  if (!isObj(model)) throw new ModelError(`${sourceName}: no model config object ("model_config")`);
  if (typeof model.class_name !== 'string') {
    throw new ModelError(
      `${sourceName}: no "class_name" (expected a Keras model config as written by model.to_json())`,
    );
  }
  if (model.config === undefined) throw new ModelError(`${sourceName}: no "config" in the ${model.class_name} model`);
  return model;
}

interface LayerEntry {
  className: string;
  config: Obj;
  name: string;
  raw: Obj;
}

function layerEntries(layers: unknown[], sourceName: string): LayerEntry[] {
  return layers.map((raw, i) => {
    if (!isObj(raw)) throw new ModelError(`${sourceName}: config.layers[${i}] is not an object`);
    const className = raw.class_name;
    if (typeof className !== 'string') throw new ModelError(`${sourceName}: config.layers[${i}] has no "class_name"`);
    const config = raw.config;
    if (!isObj(config)) {
      throw new ModelError(`${sourceName}: config.layers[${i}] (${className}) has no "config" object`);
    }
    const name = typeof raw.name === 'string' ? raw.name : config.name;
    if (typeof name !== 'string' || name === '') {
      throw new ModelError(`${sourceName}: config.layers[${i}] (${className}) has no "name"`);
    }
    return { className, config, name, raw };
  });
}

function checkUniqueNames(layers: Layer[], sourceName: string): void {
  const seen = new Set<string>();
  for (const layer of layers) {
    if (seen.has(layer.name)) throw new ModelError(`${sourceName}: two layers are named "${layer.name}"`, layer.name);
    seen.add(layer.name);
  }
}

function modelName(config: unknown, fallback: string): string {
  return isObj(config) && typeof config.name === 'string' && config.name !== '' ? config.name : fallback;
}

// ---------------------------------------------------------------------------------------------
// Sequential

function sequentialGraph(config: unknown, sourceName: string, bnAxes: BatchNormAxes): ModelGraph {
  // Keras ≤ 2.1 wrote a Sequential's config as the bare list of layers.
  const layersJson = Array.isArray(config) ? config : isObj(config) ? config.layers : undefined;
  if (!Array.isArray(layersJson)) throw new ModelError(`${sourceName}: no "config.layers" list`);
  const entries = layerEntries(layersJson, sourceName);
  if (entries.length === 0) throw new ModelError(`${sourceName}: the Sequential model has no layers`);

  const layers: Layer[] = [];
  let rest = entries;
  if (entries[0].className === 'InputLayer') {
    layers.push(makeLayer(entries[0].name, [], convertLayer(entries[0], bnAxes)));
    rest = entries.slice(1);
  } else {
    // No InputLayer: the input shape sits on the first layer (`batch_input_shape`, Keras 2) or on the
    // Sequential itself (`build_input_shape`, written when the model was built by `model.build(shape)`).
    const first = entries[0];
    const batchShape =
      first.config.batch_input_shape ??
      first.config.batch_shape ??
      (isObj(config) ? config.build_input_shape : undefined);
    if (batchShape === undefined || batchShape === null) {
      throw new ModelError(
        `${sourceName}: the Sequential model has no input shape (no InputLayer, no "batch_input_shape" on ` +
          `its first layer "${first.name}", no "build_input_shape"); build the model with an input shape before saving`,
      );
    }
    // Keras names the InputLayer it creates after the first layer.
    const inputName = `${first.name}_input`;
    layers.push(makeLayer(inputName, [], { type: 'Input', shape: fixedShape(inputName, batchShape, true) }));
  }
  for (const entry of rest) {
    if (entry.className === 'InputLayer') {
      throw new ModelError(
        `layer "${entry.name}": an InputLayer in the middle of a Sequential model is not supported`,
        entry.name,
      );
    }
    const previous = layers[layers.length - 1].name;
    layers.push(makeLayer(entry.name, [previous], convertLayer(entry, bnAxes)));
  }
  checkUniqueNames(layers, sourceName);
  return { name: modelName(config, 'sequential'), layers, outputs: [layers[layers.length - 1].name] };
}

// ---------------------------------------------------------------------------------------------
// Functional

interface TensorRef {
  layer: string;
  node: number;
  tensor: number;
}

/** `["name", node, tensor]` or `["name", node, tensor, kwargs]`: a Keras 2 tensor reference. */
function asHistory(value: unknown): TensorRef | undefined {
  if (
    Array.isArray(value) &&
    value.length >= 3 &&
    value.length <= 4 &&
    typeof value[0] === 'string' &&
    Number.isInteger(value[1]) &&
    Number.isInteger(value[2])
  ) {
    return { layer: value[0], node: value[1] as number, tensor: value[2] as number };
  }
  return undefined;
}

/** Every tensor reference in a structure, in order: Keras 2 lists and Keras 3 `__keras_tensor__` objects. */
function collectRefs(value: unknown, out: TensorRef[] = []): TensorRef[] {
  const history = asHistory(value);
  if (history) {
    out.push(history);
  } else if (Array.isArray(value)) {
    for (const item of value) collectRefs(item, out);
  } else if (isObj(value)) {
    if (value.class_name === '__keras_tensor__') {
      const h = isObj(value.config) ? asHistory(value.config.keras_history) : undefined;
      if (h) out.push(h);
    } else if (!('class_name' in value)) {
      // A dict of tensors (e.g. named model inputs or outputs).
      for (const item of Object.values(value)) collectRefs(item, out);
    }
  }
  return out;
}

function inboundRefs(entry: LayerEntry, sourceName: string): TensorRef[] {
  const nodes = entry.raw.inbound_nodes;
  if (nodes === undefined) {
    throw new ModelError(`${sourceName}: layer "${entry.name}" has no "inbound_nodes" (expected in a Functional model)`, entry.name);
  }
  if (!Array.isArray(nodes)) {
    throw new ModelError(`layer "${entry.name}": "inbound_nodes" is not a list`, entry.name);
  }
  if (nodes.length === 0) return [];
  if (asHistory(nodes[0])) {
    // A bare list of references, as some Keras 2 writers emit: [["input_1", 0, 0]].
    if (nodes.length > 1 && nodes.every((n) => asHistory(n))) return nodes.map((n) => asHistory(n) as TensorRef);
    return [asHistory(nodes[0]) as TensorRef];
  }
  if (nodes.length > 1) {
    throw new ModelError(
      `layer "${entry.name}" is called ${nodes.length} times (a shared layer); ` +
        'Frontier needs every layer to be applied once',
      entry.name,
    );
  }
  const node = nodes[0];
  let refs: TensorRef[];
  if (Array.isArray(node)) {
    // Keras 2: [["conv1", 0, 0, {}], ...]
    refs = collectRefs(node);
  } else if (isObj(node) && ('args' in node || 'kwargs' in node)) {
    // Keras 3: {"args": [tensor or [tensors]], "kwargs": {...}}
    refs = collectRefs(node.args);
    if (refs.length === 0) refs = collectRefs(node.kwargs);
  } else {
    throw new ModelError(`layer "${entry.name}": inbound node ${show(node)} is not in a known Keras layout`, entry.name);
  }
  for (const ref of refs) {
    if (ref.node !== 0) {
      throw new ModelError(
        `layer "${entry.name}" reads call #${ref.node + 1} of layer "${ref.layer}" (a shared layer); ` +
          'Frontier needs every layer to be applied once',
        entry.name,
      );
    }
    if (ref.tensor !== 0) {
      throw new ModelError(
        `layer "${entry.name}" reads output #${ref.tensor + 1} of layer "${ref.layer}"; layers with several outputs are not supported`,
        entry.name,
      );
    }
  }
  return refs;
}

function functionalGraph(config: unknown, sourceName: string, bnAxes: BatchNormAxes): ModelGraph {
  if (!isObj(config) || !Array.isArray(config.layers)) throw new ModelError(`${sourceName}: no "config.layers" list`);
  const entries = layerEntries(config.layers, sourceName);
  if (entries.length === 0) throw new ModelError(`${sourceName}: the model has no layers`);
  const names = new Set(entries.map((e) => e.name));
  const layers: Layer[] = [];
  for (const entry of entries) {
    const spec = convertLayer(entry, bnAxes);
    const refs = inboundRefs(entry, sourceName);
    for (const ref of refs) {
      if (!names.has(ref.layer)) {
        throw new ModelError(`layer "${entry.name}": its input "${ref.layer}" is not a layer of this model`, entry.name);
      }
    }
    if (spec.type === 'Input' && refs.length > 0) {
      throw new ModelError(`layer "${entry.name}": an InputLayer cannot have inputs`, entry.name);
    }
    if (spec.type !== 'Input' && refs.length === 0) {
      throw new ModelError(`layer "${entry.name}" (${entry.className}) has no inputs (empty "inbound_nodes")`, entry.name);
    }
    layers.push(makeLayer(entry.name, refs.map((r) => r.layer), spec));
  }
  checkUniqueNames(layers, sourceName);

  if (!('output_layers' in config)) throw new ModelError(`${sourceName}: no "config.output_layers"`);
  const outputRefs = collectRefs(config.output_layers);
  if (outputRefs.length === 0) {
    throw new ModelError(`${sourceName}: "config.output_layers" names no layer: ${show(config.output_layers)}`);
  }
  for (const ref of [...collectRefs(config.input_layers), ...outputRefs]) {
    if (!names.has(ref.layer)) {
      throw new ModelError(`${sourceName}: model input/output "${ref.layer}" is not a layer of this model`);
    }
    if (ref.node !== 0 || ref.tensor !== 0) {
      throw new ModelError(
        `${sourceName}: model input/output ${show([ref.layer, ref.node, ref.tensor])} is not the single output of a layer applied once`,
      );
    }
  }
  return { name: modelName(config, 'model'), layers, outputs: outputRefs.map((r) => r.layer) };
}

// ---------------------------------------------------------------------------------------------
// Layers

function makeLayer(name: string, inputs: string[], spec: LayerSpec): Layer {
  return { name, ...spec, inputs } as Layer;
}

/** Keras's `axis` of each BatchNormalization layer, by layer name, checked once shapes are known. */
type BatchNormAxes = Map<string, unknown>;

function convertLayer(entry: LayerEntry, bnAxes: BatchNormAxes): LayerSpec {
  const { className, config, name } = entry;
  const f = new Fields(name, config);
  if (config.data_format === 'channels_first') {
    throw new ModelError(
      `layer "${name}": data_format "channels_first" is not supported; Frontier reads channels_last (NHWC) models`,
      name,
    );
  }
  switch (className) {
    case 'InputLayer': {
      const batchShape = config.batch_shape ?? config.batch_input_shape ?? config.batchInputShape;
      if (batchShape !== undefined && batchShape !== null) {
        return { type: 'Input', shape: fixedShape(name, batchShape, true) };
      }
      const shape = config.input_shape ?? config.shape;
      if (shape !== undefined && shape !== null) return { type: 'Input', shape: fixedShape(name, shape, false) };
      throw new ModelError(`layer "${name}": InputLayer has no "batch_shape" / "batch_input_shape"`, name);
    }
    case 'Conv2D':
    case 'Convolution2D':
      return {
        type: 'Conv2D',
        filters: f.count('filters'),
        kernel: f.pair('kernel_size'),
        strides: f.pair('strides', [1, 1]),
        padding: f.padding(),
        dilation: f.pair('dilation_rate', [1, 1]),
        groups: f.count('groups', 1),
        useBias: f.bool('use_bias', true),
        activation: f.activation('activation'),
      };
    case 'DepthwiseConv2D':
      return {
        type: 'DepthwiseConv2D',
        kernel: f.pair('kernel_size'),
        strides: f.pair('strides', [1, 1]),
        padding: f.padding(),
        dilation: f.pair('dilation_rate', [1, 1]),
        depthMultiplier: f.count('depth_multiplier', 1),
        useBias: f.bool('use_bias', true),
        activation: f.activation('activation'),
      };
    case 'SeparableConv2D':
    case 'SeparableConvolution2D':
      return {
        type: 'SeparableConv2D',
        filters: f.count('filters'),
        kernel: f.pair('kernel_size'),
        strides: f.pair('strides', [1, 1]),
        padding: f.padding(),
        dilation: f.pair('dilation_rate', [1, 1]),
        depthMultiplier: f.count('depth_multiplier', 1),
        useBias: f.bool('use_bias', true),
        activation: f.activation('activation'),
      };
    case 'Dense':
      return {
        type: 'Dense',
        units: f.count('units'),
        useBias: f.bool('use_bias', true),
        activation: f.activation('activation'),
      };
    case 'MaxPooling2D':
    case 'MaxPool2D':
    case 'AveragePooling2D':
    case 'AvgPool2D': {
      const pool = f.pair('pool_size', [2, 2]);
      return {
        type: className.startsWith('Max') ? 'MaxPooling2D' : 'AveragePooling2D',
        pool,
        // Keras: strides=None means strides = pool_size.
        strides: f.pair('strides', pool),
        padding: f.padding(),
      };
    }
    case 'GlobalAveragePooling2D':
    case 'GlobalAvgPool2D':
    case 'GlobalMaxPooling2D':
    case 'GlobalMaxPool2D':
      return {
        type: className.startsWith('GlobalMax') ? 'GlobalMaxPooling2D' : 'GlobalAveragePooling2D',
        keepDims: f.bool('keepdims', false),
      };
    case 'Flatten':
      return { type: 'Flatten' };
    case 'Reshape':
      return { type: 'Reshape', targetShape: f.targetShape('target_shape') };
    case 'ZeroPadding2D':
      return { type: 'ZeroPadding2D', padding: f.padding2d() };
    case 'BatchNormalization':
      bnAxes.set(name, config.axis ?? -1);
      return { type: 'BatchNormalization', center: f.bool('center', true), scale: f.bool('scale', true) };
    case 'Activation':
      if (config.activation === undefined) {
        throw new ModelError(`layer "${name}": Activation has no "activation"`, name);
      }
      return { type: 'Activation', activation: f.activation('activation') };
    case 'ReLU':
    case 'ReLU6':
    case 'LeakyReLU':
    case 'ELU':
    case 'Softmax':
      return { type: 'Activation', activation: activationLayer(className, config, name) };
    case 'Add':
      return { type: 'Add' };
    case 'Multiply':
      return { type: 'Multiply' };
    case 'Concatenate': {
      // Keras counts the batch dimension in the axis; Frontier does not. Negative axes count from the end
      // either way.
      const axis = f.int('axis', -1);
      if (axis === 0) {
        throw new ModelError(`layer "${name}": Concatenate along axis 0 (the batch) is not supported`, name);
      }
      return { type: 'Concatenate', axis: axis > 0 ? axis - 1 : axis };
    }
    default:
      if (DROPOUT_CLASSES.has(className)) {
        // Noise layers do nothing at inference; GaussianNoise has a stddev, not a rate.
        const rate = className === 'GaussianNoise' ? 0 : f.rate('rate');
        return { type: 'Dropout', rate };
      }
      if (MODEL_CLASSES.has(className) || Array.isArray(config.layers)) {
        throw new ModelError(
          `layer "${name}": unsupported layer type ${className} (a model used as a layer; nested models are not supported)`,
          name,
        );
      }
      if (className === 'PReLU') {
        throw new ModelError(
          `layer "${name}": unsupported layer type PReLU (its learned slopes are parameters Frontier does not model)`,
          name,
        );
      }
      throw new ModelError(`layer "${name}": unsupported layer type ${className}`, name);
  }
}

/**
 * The activation of a ReLU-family layer (also used for activations given as layer objects).
 * Frontier keeps only the function's name, so Keras's parameters are folded as follows:
 * - ReLU(max_value=6, negative_slope=0, threshold=0) → relu6 (also the ReLU6 class);
 * - ReLU with negative_slope > 0 → leaky_relu (any max_value or threshold is dropped);
 * - any other ReLU (no cap, a cap other than 6, or a threshold) → relu;
 * - LeakyReLU (whatever its slope, `alpha` in Keras 2, `negative_slope` in Keras 3) → leaky_relu;
 * - ELU → elu; Softmax → softmax.
 * The choice changes no parameter or operation count; it matters only where an activation's cost
 * depends on its kind.
 */
function activationLayer(className: string, config: Obj, name: string): ActivationName {
  switch (className) {
    case 'ReLU6':
      return 'relu6';
    case 'ReLU': {
      const num = (field: string, fallback: number): number => {
        const v = config[field];
        if (v === undefined || v === null) return fallback;
        if (typeof v !== 'number') {
          throw new ModelError(`layer "${name}": ${field} must be a number, it is ${show(v)}`, name);
        }
        return v;
      };
      const maxValue = num('max_value', Infinity);
      const slope = num('negative_slope', 0);
      const threshold = num('threshold', 0);
      if (slope > 0) return 'leaky_relu';
      if (maxValue === 6 && threshold === 0) return 'relu6';
      return 'relu';
    }
    case 'LeakyReLU':
      return 'leaky_relu';
    case 'ELU':
      return 'elu';
    case 'Softmax':
      return 'softmax';
  }
  throw new ModelError(`layer "${name}": unsupported activation layer ${className}`, name);
}

function activationName(value: unknown, name: string, field: string): ActivationName {
  if (value === undefined || value === null) return 'linear';
  if (typeof value === 'string') {
    // "keras.activations.relu" → "relu"
    const key = value.split('.').pop()?.toLowerCase() ?? value;
    const mapped = ACTIVATION_NAMES[key];
    if (mapped) return mapped;
    throw new ModelError(`layer "${name}": unsupported activation ${show(value)} in "${field}"`, name);
  }
  if (isObj(value)) {
    // Keras 3 may write {"module": "keras.activations", "class_name": "function", "config": "relu", ...};
    // older writers an activation layer object {"class_name": "ReLU", "config": {...}}.
    const cls = value.class_name;
    const cfg = value.config;
    if (typeof cfg === 'string') return activationName(cfg, name, field);
    if (typeof cls === 'string' && ['ReLU', 'ReLU6', 'LeakyReLU', 'ELU', 'Softmax'].includes(cls)) {
      return activationLayer(cls, isObj(cfg) ? cfg : {}, name);
    }
    if (isObj(cfg) && typeof cfg.name === 'string') return activationName(cfg.name, name, field);
    if (typeof value.registered_name === 'string') return activationName(value.registered_name, name, field);
    if (typeof cls === 'string' && cls !== 'function') return activationName(cls, name, field);
  }
  throw new ModelError(`layer "${name}": unsupported activation ${show(value)} in "${field}"`, name);
}

/** An input shape without the batch dimension; every dimension must be known. */
function fixedShape(name: string, value: unknown, hasBatch: boolean): number[] {
  if (!Array.isArray(value) || value.length < (hasBatch ? 2 : 1)) {
    throw new ModelError(`layer "${name}": input shape ${show(value)} is not a list of dimensions`, name);
  }
  const dims = hasBatch ? value.slice(1) : value;
  return dims.map((d, i) => {
    if (d === null) {
      throw new ModelError(
        `layer "${name}": input dimension ${i + 1} of ${show(value)} is unknown (None); Frontier needs a fixed input size`,
        name,
      );
    }
    if (!Number.isInteger(d) || (d as number) < 1) {
      throw new ModelError(`layer "${name}": input shape ${show(value)} has an invalid dimension ${show(d)}`, name);
    }
    return d as number;
  });
}

/** Reads one layer's config fields, applying Keras defaults and naming the layer and field on errors. */
class Fields {
  constructor(
    readonly layer: string,
    readonly config: Obj,
  ) {}

  private fail(field: string, expected: string): never {
    throw new ModelError(
      `layer "${this.layer}": "${field}" must be ${expected}, it is ${show(this.config[field])}`,
      this.layer,
    );
  }

  private get(field: string): unknown {
    const v = this.config[field];
    return v === null ? undefined : v;
  }

  int(field: string, fallback?: number): number {
    const v = this.get(field) ?? fallback;
    if (!Number.isInteger(v)) this.fail(field, 'a whole number');
    return v as number;
  }

  count(field: string, fallback?: number): number {
    const v = this.get(field) ?? fallback;
    if (!Number.isInteger(v) || (v as number) < 1) this.fail(field, 'a whole number ≥ 1');
    return v as number;
  }

  pair(field: string, fallback?: Pair): Pair {
    const v = this.get(field) ?? fallback;
    if (Number.isInteger(v) && (v as number) >= 1) return [v as number, v as number];
    if (Array.isArray(v) && v.length === 1 && Number.isInteger(v[0]) && v[0] >= 1) return [v[0], v[0]];
    if (Array.isArray(v) && v.length === 2 && v.every((d) => Number.isInteger(d) && d >= 1)) {
      return [v[0] as number, v[1] as number];
    }
    return this.fail(field, 'a whole number ≥ 1 or a pair of them');
  }

  bool(field: string, fallback: boolean): boolean {
    const v = this.get(field) ?? fallback;
    if (typeof v !== 'boolean') this.fail(field, 'true or false');
    return v as boolean;
  }

  rate(field: string): number {
    const v = this.get(field) ?? 0;
    if (typeof v !== 'number' || v < 0 || v >= 1) this.fail(field, 'a number in [0, 1)');
    return v as number;
  }

  padding(): Padding {
    const v = this.get('padding') ?? 'valid';
    if (typeof v === 'string' && (v.toLowerCase() === 'valid' || v.toLowerCase() === 'same')) {
      return v.toLowerCase() as Padding;
    }
    return this.fail('padding', '"valid" or "same"');
  }

  activation(field: string): ActivationName {
    return activationName(this.config[field], this.layer, field);
  }

  targetShape(field: string): number[] {
    const v = this.get(field);
    if (!Array.isArray(v) || v.length === 0 || !v.every((d) => d === -1 || (Number.isInteger(d) && d >= 1))) {
      this.fail(field, 'a list of whole numbers ≥ 1 (one may be -1)');
    }
    return [...(v as number[])];
  }

  /** ZeroPadding2D's padding: an int, [symmetric_h, symmetric_w], or [[top, bottom], [left, right]]. */
  padding2d(): [Pair, Pair] {
    const v = this.get('padding') ?? 1;
    const ok = (d: unknown): d is number => Number.isInteger(d) && (d as number) >= 0;
    if (ok(v)) return [[v, v], [v, v]];
    if (Array.isArray(v) && v.length === 2) {
      if (ok(v[0]) && ok(v[1])) return [[v[0], v[0]], [v[1], v[1]]];
      const [h, w] = v as unknown[];
      if (Array.isArray(h) && Array.isArray(w) && h.length === 2 && w.length === 2 && [...h, ...w].every(ok)) {
        return [[h[0], h[1]], [w[0], w[1]]];
      }
    }
    return this.fail('padding', 'a whole number ≥ 0, [height, width] or [[top, bottom], [left, right]]');
  }
}

/**
 * Frontier's BatchNormalization normalises the channel (last) axis. Keras's axis counts the batch
 * dimension (`3` for an H×W×C input, `-1` for the last axis); anything else is refused.
 */
function checkBatchNormAxes(graph: ModelGraph, bnAxes: BatchNormAxes): void {
  const pending: { layer: Layer; axes: unknown[] }[] = [];
  for (const layer of graph.layers) {
    if (layer.type !== 'BatchNormalization') continue;
    const raw = bnAxes.get(layer.name) ?? -1;
    const axes = Array.isArray(raw) ? raw : [raw];
    if (axes.length === 1 && axes[0] === -1) continue;
    if (axes.length !== 1 || !Number.isInteger(axes[0])) {
      throw new ModelError(
        `layer "${layer.name}": BatchNormalization over axis ${show(raw)} is not supported; Frontier normalises the channel (last) axis`,
        layer.name,
      );
    }
    pending.push({ layer, axes });
  }
  if (pending.length === 0) return;
  let shapes: Map<string, number[]>;
  try {
    shapes = inferShapes(graph);
  } catch {
    return; // the shape problem is reported by whoever infers shapes next
  }
  for (const { layer, axes } of pending) {
    const rank = (shapes.get(layer.inputs[0]) ?? []).length;
    const axis = axes[0] as number;
    if (axis !== rank && axis !== -1) {
      throw new ModelError(
        `layer "${layer.name}": BatchNormalization over axis ${axis} is not supported; Frontier normalises the channel (last) axis (${rank} here)`,
        layer.name,
      );
    }
  }
}
