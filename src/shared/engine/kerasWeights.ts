// Keras weights (whatever file holds them: .h5, .keras, TensorFlow.js) turned into Frontier's canonical layout.
// Keras stores kernels channels-last: Conv2D HWIO [kh, kw, cin / groups, cout], DepthwiseConv2D [kh, kw, cin, mult],
// SeparableConv2D's pointwise kernel [1, 1, cin × mult, filters], Dense [inputs, units]; weights.ts wants ONNX's
// [out, in, kh, kw] and [units, inputs]. A Dense behind a Flatten reads H×W×C values in Keras's own (hwc) order, so
// its rows need no reordering. The readers find the tensors; this module says which tensors a layer must have, in
// what shape, and converts them.
import { inferShapes } from '../model/shapes';
import { ModelError, type Layer, type ModelGraph } from '../model/types';
import { checkFinite, sizeOf, type LayerWeights, type WeightTensor } from './weights';

/** The names Keras gives a layer's weights (the last part of `conv1/kernel:0`, `bn/moving_mean`). */
export type KerasRole =
  | 'kernel'
  | 'depthwise_kernel'
  | 'pointwise_kernel'
  | 'bias'
  | 'gamma'
  | 'beta'
  | 'moving_mean'
  | 'moving_variance';

export interface KerasTensorSpec {
  role: KerasRole;
  /** The shape Keras stores it in. */
  shape: number[];
}

/** A layer of the graph that has weights, with the tensors Keras stores for it, in Keras's own order. */
export interface KerasLayerSpec {
  layer: Layer;
  tensors: KerasTensorSpec[];
}

/** Keras's tensors for a layer, in the order Keras creates them (which is the order `.keras` archives number them). */
export function kerasTensorSpecs(layer: Layer, inShape: readonly number[] | undefined): KerasTensorSpec[] {
  const inC = inShape && inShape.length > 0 ? inShape[inShape.length - 1] : 0;
  const bias = (useBias: boolean, n: number): KerasTensorSpec[] => (useBias ? [{ role: 'bias', shape: [n] }] : []);
  switch (layer.type) {
    case 'Conv2D':
      return [
        { role: 'kernel', shape: [...layer.kernel, inC / layer.groups, layer.filters] },
        ...bias(layer.useBias, layer.filters),
      ];
    case 'DepthwiseConv2D':
      return [
        { role: 'depthwise_kernel', shape: [...layer.kernel, inC, layer.depthMultiplier] },
        ...bias(layer.useBias, inC * layer.depthMultiplier),
      ];
    case 'SeparableConv2D':
      return [
        { role: 'depthwise_kernel', shape: [...layer.kernel, inC, layer.depthMultiplier] },
        { role: 'pointwise_kernel', shape: [1, 1, inC * layer.depthMultiplier, layer.filters] },
        ...bias(layer.useBias, layer.filters),
      ];
    case 'Dense':
      return [{ role: 'kernel', shape: [inC, layer.units] }, ...bias(layer.useBias, layer.units)];
    case 'BatchNormalization':
      return [
        ...(layer.scale ? [{ role: 'gamma' as const, shape: [inC] }] : []),
        ...(layer.center ? [{ role: 'beta' as const, shape: [inC] }] : []),
        { role: 'moving_mean', shape: [inC] },
        { role: 'moving_variance', shape: [inC] },
      ];
    default:
      return [];
  }
}

/** Every layer of the graph that has weights, with what Keras stores for it. */
export function kerasLayerSpecs(graph: ModelGraph): KerasLayerSpec[] {
  const shapes = inferShapes(graph);
  const specs: KerasLayerSpec[] = [];
  for (const layer of graph.layers) {
    const tensors = kerasTensorSpecs(layer, layer.inputs[0] === undefined ? undefined : shapes.get(layer.inputs[0]));
    if (tensors.length > 0) specs.push({ layer, tensors });
  }
  return specs;
}

const ROLES = new Set<string>(['kernel', 'depthwise_kernel', 'pointwise_kernel', 'bias', 'gamma', 'beta', 'moving_mean', 'moving_variance']);

/**
 * The role of a stored weight from its name: the last path part without the `:0` TensorFlow adds
 * (`model_weights/conv1/conv1/kernel:0`, `conv1/kernel`, `kernel`). Keras 3 calls a DepthwiseConv2D's kernel
 * `kernel` where Keras 2 said `depthwise_kernel`. Null for a name Keras does not give these layers.
 */
export function kerasRoleOf(name: string, layer: Layer): KerasRole | null {
  const base = (name.split('/').pop() ?? '').replace(/:\d+$/, '');
  if (!ROLES.has(base)) return null;
  if (layer.type === 'DepthwiseConv2D' && base === 'kernel') return 'depthwise_kernel';
  return base as KerasRole;
}

/** A weight as a reader found it, before its values are read. */
export interface StoredTensor {
  /** Its name in the file (null where the file numbers weights instead of naming them, as `.keras` archives do). */
  name: string | null;
  shape: number[];
  /** Where it is, for messages: `model_weights/conv1/conv1/kernel:0`. */
  where: string;
}

const shapeText = (shape: readonly number[]): string => `[${shape.join(', ')}]`;

/**
 * Which stored tensor is which of the layer's weights: by name where the file names them, else by position (Keras
 * numbers a layer's variables in creation order). Shapes are checked here, before any value is read.
 * `fileName` and `holder` (where the layer's weights sit in the file) go into the messages.
 */
export function matchKerasTensors(
  spec: KerasLayerSpec,
  stored: readonly StoredTensor[],
  fileName: string,
  holder: string,
): Map<KerasRole, number> {
  const { layer, tensors } = spec;
  const what = `${fileName}: layer "${layer.name}" (${layer.type})`;
  const listed = stored.length === 0 ? 'nothing' : stored.map((s) => `${s.name ?? s.where} ${shapeText(s.shape)}`).join(', ');
  const byRole = new Map<KerasRole, number>();
  const named = stored.length > 0 && stored.every((s) => s.name !== null);
  if (named) {
    stored.forEach((s, i) => {
      const role = kerasRoleOf(s.name as string, layer);
      if (role === null || !tensors.some((t) => t.role === role)) {
        throw new ModelError(
          `${what}: ${holder} holds a weight "${s.name}" ${shapeText(s.shape)} that this layer does not have ` +
            `(it needs ${tensors.map((t) => `${t.role} ${shapeText(t.shape)}`).join(', ')})`,
          layer.name,
        );
      }
      if (byRole.has(role)) throw new ModelError(`${what}: ${holder} holds two weights named ${role}`, layer.name);
      byRole.set(role, i);
    });
  } else {
    if (stored.length !== tensors.length) {
      throw new ModelError(
        `${what}: needs ${tensors.length} weights (${tensors.map((t) => `${t.role} ${shapeText(t.shape)}`).join(', ')}), ` +
          `${holder} holds ${stored.length} (${listed})`,
        layer.name,
      );
    }
    tensors.forEach((t, i) => byRole.set(t.role, i));
  }
  for (const t of tensors) {
    const index = byRole.get(t.role);
    if (index === undefined) {
      throw new ModelError(
        `${what}: its ${t.role} ${shapeText(t.shape)} is not in the file (${holder} holds ${listed})`,
        layer.name,
      );
    }
    const found = stored[index].shape;
    if (found.length !== t.shape.length || found.some((d, k) => d !== t.shape[k])) {
      throw new ModelError(
        `${what}: its ${t.role} is stored as ${shapeText(found)} (${stored[index].where}) where the model needs ${shapeText(t.shape)}`,
        layer.name,
      );
    }
  }
  return byRole;
}

/** `data` of `shape` with its axes reordered: output axis k is input axis perm[k]. */
export function transpose(data: Float32Array, shape: readonly number[], perm: readonly number[]): Float32Array {
  const rank = shape.length;
  const out = new Float32Array(data.length);
  const outShape = perm.map((p) => shape[p]);
  const inStrides = new Array<number>(rank);
  for (let k = rank - 1, s = 1; k >= 0; k--) {
    inStrides[k] = s;
    s *= shape[k];
  }
  // The input stride for each output axis, walked with an odometer over the output.
  const strides = perm.map((p) => inStrides[p]);
  const index = new Array<number>(rank).fill(0);
  let from = 0;
  for (let i = 0; i < out.length; i++) {
    out[i] = data[from];
    for (let k = rank - 1; k >= 0; k--) {
      index[k]++;
      from += strides[k];
      if (index[k] < outShape[k]) break;
      from -= strides[k] * outShape[k];
      index[k] = 0;
    }
  }
  return out;
}

/** A layer's weights as Keras stores them (float32 values in Keras's shapes), by role. */
export type KerasValues = Partial<Record<KerasRole, { shape: number[]; data: Float32Array; source: string }>>;

/** Converts one layer's Keras tensors to the canonical layout, refusing values that are not finite. */
export function kerasToLayerWeights(layer: Layer, values: KerasValues, epsilon: number | undefined): LayerWeights {
  const tensor = (role: KerasRole, perm?: number[], reshape?: (shape: number[]) => number[]): WeightTensor | undefined => {
    const value = values[role];
    if (!value) return undefined;
    const data = perm ? transpose(value.data, value.shape, perm) : value.data;
    let shape = perm ? perm.map((p) => value.shape[p]) : [...value.shape];
    if (reshape) shape = reshape(shape);
    if (sizeOf(shape) !== data.length) throw new Error(`layer ${layer.name}: ${role} has ${data.length} values for ${shapeText(shape)}`);
    const out: WeightTensor = { shape, data, source: value.source };
    checkFinite(out, layer.name, role);
    return out;
  };
  // HWIO → OIHW, for Conv2D kernels and pointwise kernels.
  const hwioToOihw = [3, 2, 0, 1];
  // [kh, kw, cin, mult] → [cin, mult, kh, kw] → [cin × mult, 1, kh, kw]: output channel c × mult + m reads input c.
  const depthwise = (): WeightTensor | undefined =>
    tensor('depthwise_kernel', [2, 3, 0, 1], ([c, m, kh, kw]) => [c * m, 1, kh, kw]);
  const result: LayerWeights = {};
  const put = <K extends keyof LayerWeights>(key: K, value: LayerWeights[K] | undefined): void => {
    if (value !== undefined) result[key] = value;
  };
  switch (layer.type) {
    case 'Conv2D':
      put('kernel', tensor('kernel', hwioToOihw));
      put('bias', tensor('bias'));
      break;
    case 'DepthwiseConv2D':
      put('kernel', depthwise());
      put('bias', tensor('bias'));
      break;
    case 'SeparableConv2D':
      put('depthwiseKernel', depthwise());
      put('kernel', tensor('pointwise_kernel', hwioToOihw));
      put('bias', tensor('bias'));
      break;
    case 'Dense':
      put('kernel', tensor('kernel', [1, 0]));
      put('bias', tensor('bias'));
      break;
    case 'BatchNormalization':
      put('gamma', tensor('gamma'));
      put('beta', tensor('beta'));
      put('mean', tensor('moving_mean'));
      put('variance', tensor('moving_variance'));
      result.epsilon = epsilon ?? KERAS_BATCH_NORM_EPSILON;
      break;
    default:
      break;
  }
  return result;
}

/** Keras's default BatchNormalization epsilon (Keras 2, Keras 3 and TensorFlow.js alike). */
export const KERAS_BATCH_NORM_EPSILON = 1e-3;

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The layer entries of a Keras model config, whichever container it arrived in (config order). */
function configLayers(json: unknown): unknown[] {
  let model: unknown = json;
  if (isObj(model) && isObj(model.modelTopology)) {
    const topology = model.modelTopology;
    model = 'model_config' in topology ? topology.model_config : topology;
  } else if (isObj(model) && 'model_config' in model && !('class_name' in model)) {
    model = model.model_config;
  }
  if (typeof model === 'string') {
    try {
      model = JSON.parse(model) as unknown;
    } catch {
      model = null;
    }
  }
  const config = isObj(model) ? model.config : undefined;
  const layers = Array.isArray(config) ? config : isObj(config) && Array.isArray(config.layers) ? config.layers : [];
  return layers;
}

/**
 * The `epsilon` of every BatchNormalization layer in a Keras model config (any container the importer reads: a
 * `model.to_json()`, a `.keras` config.json, an .h5 `model_config`, a TensorFlow.js model.json), by layer name.
 * The graph keeps no epsilon (it changes no count), so the readers take it from the config. A value that is not a
 * number ≥ 0 is refused, naming the layer.
 */
export function kerasBatchNormEpsilons(json: unknown, sourceName: string): Map<string, number> {
  const layers = configLayers(json);
  const epsilons = new Map<string, number>();
  for (const raw of layers) {
    if (!isObj(raw) || raw.class_name !== 'BatchNormalization' || !isObj(raw.config)) continue;
    const name = typeof raw.name === 'string' ? raw.name : raw.config.name;
    const value = raw.config.epsilon;
    if (typeof name !== 'string' || value === undefined || value === null) continue;
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
      throw new ModelError(
        `${sourceName}: layer "${name}" (BatchNormalization): epsilon must be a number ≥ 0, it is ${JSON.stringify(value)}`,
        name,
      );
    }
    epsilons.set(name, value);
  }
  return epsilons;
}

/** Keras classes with variables among those Frontier reads. */
const WEIGHTED_CLASSES = new Set(['Conv2D', 'Convolution2D', 'DepthwiseConv2D', 'SeparableConv2D', 'SeparableConvolution2D', 'Dense', 'BatchNormalization']);

/**
 * Where a `.keras` archive keeps each layer's variables: Keras (3, and tf.keras 2.13–2.15) does not use the layer's
 * name but its class name in snake case, numbered per class in the model's layer order (`conv2d`, `conv2d_1`,
 * `batch_normalization`, …), because layer names are often generated and differ between two builds of one model.
 * By layer name.
 *
 * tf.keras walked `_layer_checkpoint_dependencies`, which lists a layer with weights twice (as `layer_with_weights-i`
 * and as `layer-k`) and counted both before skipping the second: such files number a class's layers 0, 2, 4, …
 * (`conv2d`, `conv2d_2`); `weightedTwice` gives that numbering.
 */
export function kerasSaveableNames(json: unknown, weightedTwice = false): Map<string, string> {
  const used = new Map<string, number>();
  const names = new Map<string, string>();
  for (const raw of configLayers(json)) {
    if (!isObj(raw) || typeof raw.class_name !== 'string') continue;
    const layerName = typeof raw.name === 'string' ? raw.name : isObj(raw.config) ? raw.config.name : undefined;
    const base = snakeCase(raw.class_name);
    const seen = used.get(base) ?? 0;
    used.set(base, seen + (weightedTwice && WEIGHTED_CLASSES.has(raw.class_name) ? 2 : 1));
    if (typeof layerName === 'string') names.set(layerName, seen === 0 ? base : `${base}_${seen}`);
  }
  return names;
}

/** Keras's to_snake_case: `DepthwiseConv2D` → `depthwise_conv2d`, `BatchNormalization` → `batch_normalization`. */
export function snakeCase(className: string): string {
  return className
    .replace(/\W+/g, '')
    .replace(/(.)([A-Z][a-z]+)/g, '$1_$2')
    .replace(/([a-z])([A-Z])/g, '$1_$2')
    .toLowerCase();
}
