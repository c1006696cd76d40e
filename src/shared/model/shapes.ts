import { layerMap, topologicalOrder, validateGraph } from './graph';
import { ModelError, type Layer, type ModelGraph, type Padding, type Pair } from './types';

/** Output shape of every layer, channels-last without the batch dimension. */
export type ShapeMap = Map<string, number[]>;

/** 128×128×1; a dimension too large for plain digits is written in full, never with an exponent. */
export const formatShape = (shape: readonly number[]): string =>
  shape.map((d) => (Number.isFinite(d) && Math.abs(d) >= 1e21 ? BigInt(d).toString() : String(d))).join('×');

/** A shape for tables a person reads: each dimension with thousands separators (Flatten's "28,800", "1×28,800"). */
export const shapeLabel = (shape: readonly number[]): string =>
  shape.map((d) => (Number.isFinite(d) ? String(d).replace(/\B(?=(\d{3})+(?!\d))/g, ',') : String(d))).join('×');

const elements = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

export function inferShapes(graph: ModelGraph): ShapeMap {
  validateGraph(graph);
  const shapes: ShapeMap = new Map();
  for (const layer of topologicalOrder(graph)) {
    const inputs = layer.inputs.map((name) => shapes.get(name) as number[]);
    const shape = layerOutputShape(layer, inputs);
    for (const d of shape) {
      if (!Number.isInteger(d) || d < 1) {
        throw new ModelError(`${layer.name}: output shape ${formatShape(shape)} is empty or invalid`, layer.name);
      }
    }
    if (!Number.isSafeInteger(elements(shape))) {
      // Counts, MACs and bytes follow from the shapes: none could be exact.
      throw new ModelError(
        `${layer.name}: output shape ${formatShape(shape)} holds more than 2^53 values, beyond which Frontier's figures stop being exact; refused`,
        layer.name,
      );
    }
    shapes.set(layer.name, shape);
  }
  return shapes;
}

function spatialOut(
  layer: Layer,
  what: string,
  input: number[],
  window: Pair,
  strides: Pair,
  padding: Padding,
  dilation: Pair = [1, 1],
): Pair {
  const out: number[] = [];
  for (let axis = 0; axis < 2; axis++) {
    const size = input[axis];
    const stride = strides[axis];
    if (padding === 'same') {
      out.push(Math.ceil(size / stride));
      continue;
    }
    const effective = dilation[axis] * (window[axis] - 1) + 1;
    if (size < effective) {
      const dil = dilation[axis] > 1 ? ` (dilated to ${effective})` : '';
      throw new ModelError(
        `${layer.name}: ${formatShape(window)} ${what}${dil} does not fit a ${input[0]}×${input[1]} input with valid padding`,
        layer.name,
      );
    }
    out.push(Math.floor((size - effective) / stride) + 1);
  }
  return [out[0], out[1]];
}

function requireRank(layer: Layer, input: number[], rank: number): void {
  if (input.length !== rank) {
    const expected = rank === 3 ? 'an H×W×C input' : `a rank-${rank} input`;
    throw new ModelError(
      `${layer.name}: ${layer.type} needs ${expected}, it gets ${formatShape(input)}`,
      layer.name,
    );
  }
}

function requirePositive(layer: Layer, field: string, value: number): void {
  if (!Number.isInteger(value) || value < 1) {
    throw new ModelError(`${layer.name}: ${field} must be a whole number ≥ 1, it is ${value}`, layer.name);
  }
}

export function layerOutputShape(layer: Layer, inputs: number[][]): number[] {
  const input = inputs[0];
  switch (layer.type) {
    case 'Input':
      layer.shape.forEach((d, i) => requirePositive(layer, `input dimension ${i + 1}`, d));
      return [...layer.shape];
    case 'Conv2D': {
      requireRank(layer, input, 3);
      requirePositive(layer, 'filters', layer.filters);
      requirePositive(layer, 'groups', layer.groups);
      const inC = input[2];
      if (inC % layer.groups !== 0 || layer.filters % layer.groups !== 0) {
        throw new ModelError(
          `${layer.name}: ${layer.groups} groups must divide both the ${inC} input channels and the ${layer.filters} filters`,
          layer.name,
        );
      }
      const [h, w] = spatialOut(layer, 'kernel', input, layer.kernel, layer.strides, layer.padding, layer.dilation);
      return [h, w, layer.filters];
    }
    case 'DepthwiseConv2D': {
      requireRank(layer, input, 3);
      requirePositive(layer, 'depth multiplier', layer.depthMultiplier);
      const [h, w] = spatialOut(layer, 'kernel', input, layer.kernel, layer.strides, layer.padding, layer.dilation);
      return [h, w, input[2] * layer.depthMultiplier];
    }
    case 'SeparableConv2D': {
      requireRank(layer, input, 3);
      requirePositive(layer, 'filters', layer.filters);
      requirePositive(layer, 'depth multiplier', layer.depthMultiplier);
      const [h, w] = spatialOut(layer, 'kernel', input, layer.kernel, layer.strides, layer.padding, layer.dilation);
      return [h, w, layer.filters];
    }
    case 'Dense':
      requirePositive(layer, 'units', layer.units);
      return layer.flattenInput ? [layer.units] : [...input.slice(0, -1), layer.units];
    case 'MaxPooling2D':
    case 'AveragePooling2D': {
      requireRank(layer, input, 3);
      const [h, w] = spatialOut(layer, 'pool', input, layer.pool, layer.strides, layer.padding);
      return [h, w, input[2]];
    }
    case 'GlobalAveragePooling2D':
    case 'GlobalMaxPooling2D':
      requireRank(layer, input, 3);
      return layer.keepDims ? [1, 1, input[2]] : [input[2]];
    case 'Flatten':
      return [elements(input)];
    case 'Reshape':
      return reshapeTarget(layer, input);
    case 'ZeroPadding2D': {
      requireRank(layer, input, 3);
      const [[top, bottom], [left, right]] = layer.padding;
      return [input[0] + top + bottom, input[1] + left + right, input[2]];
    }
    case 'BatchNormalization':
    case 'Activation':
    case 'Dropout':
      return [...input];
    case 'Add':
    case 'Multiply':
      return broadcastShapes(layer, inputs);
    case 'Cast':
      return [...input];
    case 'Transpose': {
      const perm = layer.perm;
      const valid =
        perm.length === input.length && [...perm].sort((a, b) => a - b).every((axis, i) => axis === i);
      if (!valid) {
        throw new ModelError(
          `${layer.name}: permutation [${perm.join(', ')}] does not reorder the ${input.length} dimensions of ${formatShape(input)}`,
          layer.name,
        );
      }
      return perm.map((axis) => input[axis]);
    }
    case 'Opaque':
      layer.outputShape.forEach((d, i) => requirePositive(layer, `output dimension ${i + 1}`, d));
      return [...layer.outputShape];
    case 'Concatenate': {
      const rank = input.length;
      const axis = layer.axis < 0 ? rank + layer.axis : layer.axis;
      if (axis < 0 || axis >= rank) {
        throw new ModelError(`${layer.name}: axis ${layer.axis} is outside a rank-${rank} input`, layer.name);
      }
      const out = [...input];
      for (let i = 1; i < inputs.length; i++) {
        const other = inputs[i];
        const mismatch = other.length !== rank || other.some((d, j) => j !== axis && d !== input[j]);
        if (mismatch) {
          throw new ModelError(
            `${layer.name}: Concatenate on axis ${axis} needs the other dimensions equal, it gets ${inputs.map(formatShape).join(' and ')}`,
            layer.name,
          );
        }
        out[axis] += other[axis];
      }
      return out;
    }
  }
}

/**
 * Numpy broadcasting, as TFLite and ONNX element-wise operators do it: shapes align at the last dimension and each
 * dimension is equal or 1. Keras's Add is the special case of equal shapes.
 */
function broadcastShapes(layer: Layer, inputs: number[][]): number[] {
  // A loop, not Math.max(...): a layer may read more inputs than a call can take arguments.
  let rank = 0;
  for (const shape of inputs) rank = Math.max(rank, shape.length);
  const out: number[] = new Array(rank).fill(1);
  for (const shape of inputs) {
    for (let i = 0; i < shape.length; i++) {
      const axis = rank - shape.length + i;
      const d = shape[i];
      if (d === out[axis] || d === 1) continue;
      if (out[axis] !== 1) {
        throw new ModelError(
          `${layer.name}: ${layer.type} needs equal shapes, it gets ${inputs.map(formatShape).join(' and ')} (from ${layer.inputs.join(', ')}); only dimensions of 1 broadcast`,
          layer.name,
        );
      }
      out[axis] = d;
    }
  }
  return out;
}

function reshapeTarget(layer: Extract<Layer, { type: 'Reshape' }>, input: number[]): number[] {
  const total = elements(input);
  const target = [...layer.targetShape];
  const unknown = target.filter((d) => d === -1).length;
  if (unknown > 1) throw new ModelError(`${layer.name}: target shape may contain at most one -1`, layer.name);
  const known = target.filter((d) => d !== -1).reduce((a, b) => a * b, 1);
  if (unknown === 1) {
    if (known === 0 || total % known !== 0) {
      throw new ModelError(
        `${layer.name}: cannot reshape ${formatShape(input)} (${total} values) to ${formatShape(target)}`,
        layer.name,
      );
    }
    target[target.indexOf(-1)] = total / known;
  } else if (known !== total) {
    throw new ModelError(
      `${layer.name}: cannot reshape ${formatShape(input)} (${total} values) to ${formatShape(target)} (${known} values)`,
      layer.name,
    );
  }
  return target;
}

/** Shapes plus name lookup, the form most analysis code wants. */
export function shapedGraph(graph: ModelGraph): { shapes: ShapeMap; byName: Map<string, Layer> } {
  return { shapes: inferShapes(graph), byName: layerMap(graph) };
}
