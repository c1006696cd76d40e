// Short names a person can read. Converted files name layers after tensors, and TensorFlow's converter joins the
// names of every op it fused into one tensor name ("model/activation/Relu;model/batch_normalization/…;model/conv2d/
// Conv2D1", 200+ characters). Frontier keeps that full name as the layer's `name` (files, sessions and JSON rely on
// it) and shows a short display name beside it: the Keras layer scope the name carries (`conv2d_3`), or, when the
// name carries none, the operator and its index (`Dense_2`). Display names are unique within a model and never equal
// another layer's full name, so either one finds exactly one layer.
import type { Layer, LayerType, ModelGraph } from './types';

/** Display names no longer than this are shown as they are; longer ones are shortened even without a scope. */
const READABLE = 32;

/** Names that say nothing about the layer: TensorFlow's call wrappers, ONNX's numbered outputs, Frontier's fallbacks. */
const MEANINGLESS = /^(?:StatefulPartitionedCall|PartitionedCall|Identity(?:_\d+)?|tensor_\d+|\d+|onnx::.*)(?::\d+)?$/;

/** The Keras spelling of a layer type: `DepthwiseConv2D` → `depthwise_conv2d`, `MaxPooling2D` → `max_pooling2d`. */
export function kerasSnake(type: LayerType): string {
  return type
    .replace(/2D$/, '2d')
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase();
}

/** A Keras (or PyTorch) layer scope: lower case, digits, underscores, dots (`conv2d_3`, `features.0`). */
const isScope = (segment: string): boolean => /^[a-z][a-z0-9_.]*$/.test(segment) && segment !== 'resource';

/**
 * The layer scope one op's path names: the deepest lower-case scope below the model's root
 * (`model/conv2d/BiasAdd/ReadVariableOp/resource` → `conv2d`), else the op's enclosing scope
 * (`MobilenetV1/MobilenetV1/Conv2d_0/Relu6` → `Conv2d_0`), else nothing.
 */
function scopeOf(path: string): string | null {
  // A leading slash (PyTorch's ONNX export: `/features/features.0/Conv_output_0`) means there is no model root.
  const rooted = !path.startsWith('/');
  const segments = path.split('/').filter((s) => s !== '');
  if (segments.length < 2) return null;
  const scopes = segments.slice(0, -1);
  for (let i = scopes.length - 1; i >= (rooted ? 1 : 0); i--) if (isScope(scopes[i])) return scopes[i];
  // `MobilenetV1/Logits/SpatialSqueeze` → `Logits`; `model/dense` → `dense` (the only thing below the root).
  return rooted && scopes.length === 1 ? segments[1] : scopes[scopes.length - 1];
}

/** The scope a full name gives a layer of this type, preferring the fused op that is the layer's own. */
function scopeFor(name: string, type: LayerType): string | null {
  const parts = name.split(';').filter((p) => p !== '');
  const scopes = parts.map(scopeOf).filter((s): s is string => s !== null);
  if (scopes.length === 0) return null;
  const own = kerasSnake(type);
  const match = scopes.find((s) => s.replace(/_\d+$/, '') === own);
  return match ?? scopes[0];
}

/** `serving_default_dense_input:0` → `dense_input`: the signature prefix and output index say nothing. */
function tidy(name: string): string {
  return name.replace(/^serving_default_/, '').replace(/:0$/, '');
}

function baseName(layer: Layer, ordinal: number): string {
  const { name } = layer;
  if (name.includes('/') || name.includes(';')) {
    const scope = scopeFor(name, layer.type);
    if (scope !== null) return scope;
  } else if (!MEANINGLESS.test(name)) {
    const tidied = tidy(name);
    if (tidied.length <= READABLE && tidied !== '') return tidied;
  }
  return `${layer.sourceOp ?? layer.type}_${ordinal}`;
}

const cache = new WeakMap<object, Map<string, string>>();

/** Layer name → display name, for every layer of the graph (graph order decides who keeps a contested name). */
export function displayNames(graph: Pick<ModelGraph, 'layers'>): Map<string, string> {
  const cached = cache.get(graph);
  if (cached) return cached;
  const fullNames = new Set(graph.layers.map((l) => l.name));
  const taken = new Set<string>();
  const ordinals = new Map<string, number>();
  const result = new Map<string, string>();
  const free = (candidate: string, own: string): boolean =>
    !taken.has(candidate) && (candidate === own || !fullNames.has(candidate));
  for (const layer of graph.layers) {
    const kind = layer.sourceOp ?? layer.type;
    const ordinal = ordinals.get(kind) ?? 0;
    ordinals.set(kind, ordinal + 1);
    const base = baseName(layer, ordinal);
    let chosen = base;
    if (!free(chosen, layer.name)) {
      // A fused activation shares its producer's scope: name it after its own op (`conv2d/relu`).
      const last = layer.name.split('/').pop() ?? '';
      const withOp = last && isScope(last) && last !== base ? `${base}/${last}` : null;
      if (withOp && free(withOp, layer.name)) chosen = withOp;
      else {
        let k = 2;
        while (!free(`${base}#${k}`, layer.name)) k++;
        chosen = `${base}#${k}`;
      }
    }
    taken.add(chosen);
    result.set(layer.name, chosen);
  }
  cache.set(graph, result);
  return result;
}

/** A layer's display name (the name itself when the graph does not have the layer). */
export function displayName(graph: Pick<ModelGraph, 'layers'>, name: string): string {
  return displayNames(graph).get(name) ?? name;
}

/**
 * The layer a user means by `given`: its full name, else its display name. Returns the full name, or null when
 * neither matches.
 */
export function resolveLayerName(graph: Pick<ModelGraph, 'layers'>, given: string): string | null {
  if (graph.layers.some((l) => l.name === given)) return given;
  for (const [full, shown] of displayNames(graph)) if (shown === given) return full;
  return null;
}
