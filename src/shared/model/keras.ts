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
import {
  checkBatchNormAxes,
  convertLayer,
  makeLayer,
  type BatchNormAxes,
  type LayerEntry,
} from './kerasLayers';
import { fixedShape } from './kerasFields';
import { isObj, show, type Obj } from './kerasValues';
import { ModelError, type Layer, type ModelGraph } from './types';

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

