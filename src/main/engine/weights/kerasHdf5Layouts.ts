// The two ways Keras lays weights out in an HDF5 file, read into the canonical layout:
// - by name (`model.save("x.h5")`, Keras 2 and Keras 3 alike): `model_weights/<layer>` lists its weights in the
//   attribute `weight_names` (`conv1/kernel:0` in Keras 2, `conv1/kernel` in Keras 3), each a dataset at that path
//   under the layer's group; a `save_weights()` file has the same groups at its root;
// - by number (the model.weights.h5 inside a `.keras` archive): `layers/<saveable>/vars/0`, `1`, … in the order the
//   layer creates its variables, where <saveable> is the layer's class in snake case numbered per class in the
//   model's layer order (`conv2d_1`: see kerasSaveableNames); tf.keras 2.13–2.15 wrote
//   `_layer_checkpoint_dependencies/<saveable>/vars/…`.
// Both take the model's config (for BatchNormalization epsilons and the numbering of saveables).
import type { Dataset, Group } from 'h5wasm/node';
import {
  kerasBatchNormEpsilons,
  kerasLayerSpecs,
  kerasSaveableNames,
  kerasToLayerWeights,
  matchKerasTensors,
  type KerasLayerSpec,
  type KerasValues,
  type StoredTensor,
} from '../../../shared/engine/kerasWeights';
import type { ModelWeights } from '../../../shared/engine/weights';
import { ModelError, type ModelGraph } from '../../../shared/model/types';
import { floatShape, h5Names, h5Read, readFloatDataset, type H5Module } from './hdf5';

/** Groups that hold a `.keras` archive's layers, newest Keras first. */
const VARS_CONTAINERS = ['layers', '_layer_checkpoint_dependencies'];

interface Located {
  stored: StoredTensor[];
  datasets: Dataset[];
  /** Where the layer's weights sit, for messages. */
  holder: string;
}

export interface Hdf5Source {
  library: H5Module;
  root: Group;
  /** Names the file in messages (`model.keras (model.weights.h5)`). */
  fileName: string;
  /** Bytes of the HDF5 file: no dataset may declare more. */
  fileBytes: number;
}

/**
 * Every weighted layer of `graph` read from a Keras HDF5 weights file, in either layout. `config` is the model's
 * Keras config (null when the file has none); `configName` names it in messages.
 */
export function readKerasHdf5(source: Hdf5Source, graph: ModelGraph, config: unknown, configName: string): ModelWeights {
  const { library, fileName, fileBytes } = source;
  const epsilons = kerasBatchNormEpsilons(config, configName);
  const specs = kerasLayerSpecs(graph);
  const locate = h5Read(fileName, 'its groups', () => layoutOf(source, config, specs));
  const weights: ModelWeights = { layers: {}, flattenOrder: 'hwc' };
  for (const spec of specs) {
    const located = h5Read(fileName, `the weights of layer "${spec.layer.name}"`, () => locate(spec));
    const roles = matchKerasTensors(spec, located.stored, fileName, located.holder);
    const values: KerasValues = {};
    for (const [role, index] of roles) {
      const dataset = located.datasets[index];
      values[role] = {
        shape: located.stored[index].shape,
        data: readFloatDataset(library, dataset, fileName, fileBytes),
        source: located.stored[index].where,
      };
    }
    weights.layers[spec.layer.name] = kerasToLayerWeights(spec.layer, values, epsilons.get(spec.layer.name));
  }
  return weights;
}

function layoutOf(source: Hdf5Source, config: unknown, specs: KerasLayerSpec[]): (spec: KerasLayerSpec) => Located {
  const { library, root, fileName } = source;
  const keys = root.keys();
  const isGroup = (entity: unknown): entity is Group => entity instanceof library.Group;
  if (keys.includes('model_weights')) {
    const group = root.get('model_weights');
    if (isGroup(group)) return (spec) => byName(source, group, 'model_weights', spec);
  }
  if ('layer_names' in root.attrs || 'layer_names0' in root.attrs) return (spec) => byName(source, root, '', spec);
  const container = VARS_CONTAINERS.find((name) => keys.includes(name) && isGroup(root.get(name)));
  if (container !== undefined) {
    const group = root.get(container) as Group;
    const names = saveableNames(source, group, config, specs);
    return (spec) => byNumber(source, group, container, names, spec);
  }
  const shown = keys.length === 0 ? 'nothing' : keys.slice(0, 8).join(', ');
  throw new ModelError(
    `${fileName}: no Keras weights in this HDF5 file (no model_weights group, no layers/<name>/vars groups; it holds ${shown})`,
  );
}

function childGroup(source: Hdf5Source, parent: Group, name: string): Group | null {
  if (!parent.keys().includes(name)) return null;
  const entity = parent.get(name);
  return entity instanceof source.library.Group ? entity : null;
}

const join = (...parts: string[]): string => parts.filter((p) => p !== '').join('/');

function byName(source: Hdf5Source, weights: Group, prefix: string, spec: KerasLayerSpec): Located {
  const { library, fileName } = source;
  const name = spec.layer.name;
  const holder = join(prefix, name);
  const group = childGroup(source, weights, name);
  if (group === null) {
    throw new ModelError(`${fileName}: layer "${name}" (${spec.layer.type}) has weights but the file holds no group ${holder}`, name);
  }
  // weight_names gives the order and paths; a file without it (not written by Keras) is walked instead.
  const names = h5Names(group, 'weight_names') ?? datasetPaths(source, group, '');
  const located: Located = { stored: [], datasets: [], holder };
  for (const weightName of names) {
    const where = join(holder, weightName);
    const entity = group.get(weightName);
    if (!(entity instanceof library.Dataset)) {
      throw new ModelError(`${fileName}: layer "${name}": weight "${weightName}" is listed but ${where} is not stored`, name);
    }
    located.stored.push({ name: weightName, shape: shapeOf(fileName, entity, where, name), where });
    located.datasets.push(entity);
  }
  return located;
}

function datasetPaths(source: Hdf5Source, group: Group, prefix: string): string[] {
  const paths: string[] = [];
  for (const key of group.keys()) {
    const entity = group.get(key);
    if (entity instanceof source.library.Dataset) paths.push(join(prefix, key));
    else if (entity instanceof source.library.Group) paths.push(...datasetPaths(source, entity, join(prefix, key)));
  }
  return paths;
}

/**
 * Keras 3's numbering of saveables, or tf.keras's doubled one (see kerasSaveableNames), whichever the file follows:
 * decided once for the whole file, by which one finds every weighted layer's group.
 */
function saveableNames(source: Hdf5Source, container: Group, config: unknown, specs: KerasLayerSpec[]): Map<string, string> {
  const keys = new Set(container.keys());
  const complete = (names: Map<string, string>): boolean =>
    specs.every((s) => {
      const name = names.get(s.layer.name);
      return name !== undefined && keys.has(name) && childGroup(source, container, name) !== null;
    });
  const single = kerasSaveableNames(config);
  if (complete(single)) return single;
  const doubled = kerasSaveableNames(config, true);
  return complete(doubled) ? doubled : single;
}

function byNumber(
  source: Hdf5Source,
  container: Group,
  prefix: string,
  saveables: Map<string, string>,
  spec: KerasLayerSpec,
): Located {
  const { library, fileName } = source;
  const name = spec.layer.name;
  const saveable = saveables.get(name);
  if (saveable === undefined) {
    throw new ModelError(`${fileName}: layer "${name}" is not in the model's config, so where its weights sit is unknown`, name);
  }
  const layerGroup = childGroup(source, container, saveable);
  const vars = layerGroup === null ? null : childGroup(source, layerGroup, 'vars');
  const holder = join(prefix, saveable, 'vars');
  if (vars === null) {
    throw new ModelError(`${fileName}: layer "${name}" (${spec.layer.type}) has weights but the file holds no group ${holder}`, name);
  }
  const keys = vars.keys();
  // Keras numbers a layer's variables 0, 1, … in the order the layer creates them.
  const located: Located = { stored: [], datasets: [], holder };
  for (let i = 0; i < keys.length; i++) {
    const where = join(holder, String(i));
    const entity = keys.includes(String(i)) ? vars.get(String(i)) : null;
    if (!(entity instanceof library.Dataset)) {
      throw new ModelError(
        `${fileName}: layer "${name}": ${holder} should number its weights 0 to ${keys.length - 1}, it holds ${keys.join(', ')}`,
        name,
      );
    }
    located.stored.push({ name: null, shape: shapeOf(fileName, entity, where, name), where });
    located.datasets.push(entity);
  }
  return located;
}

function shapeOf(fileName: string, dataset: Dataset, where: string, layer: string): number[] {
  const shape = floatShape(dataset);
  if (shape === null) {
    throw new ModelError(`${fileName}: layer "${layer}": ${where} is not an array of floating-point numbers`, layer);
  }
  return shape;
}
