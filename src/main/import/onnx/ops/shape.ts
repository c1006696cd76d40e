// Operators that move data without computing: Flatten, Reshape, Squeeze, Unsqueeze (views: Frontier's Reshape),
// Transpose, Concat and Pad. Axes, targets, permutations and pad lists are in the file's layout (NCHW) and are
// converted to Frontier's channels-last dimensions.
import { ModelError } from '../../../../shared/model/types';
import type { Converter, NodeContext } from '../context';
import { frontierAxis, frontierShape, layoutForRank, normaliseAxis, onnxAxisOf, onnxShape, showShape, type Layout, type Value } from '../layout';
import type { NumberFormat } from '../../../../shared/analysis/precision';
import { quantizedOutput, recordInputScale, recordOutputScale } from './compute';
import { foldConstantOp } from './constants';
import { resolveReshape } from '../reshapeTarget';

const product = (dims: readonly number[]): number => dims.reduce((a, b) => a * b, 1);

/** A view of `x` with ONNX shape `dims` (batch first): a Frontier Reshape (or Flatten). */
function reshapeTo(c: Converter, ctx: NodeContext, x: Value, dims: number[], flatten = false): void {
  if (dims[0] !== x.batch) {
    throw new ModelError(
      `${ctx.where}: the result ${showShape(dims)} does not keep the batch dimension (${x.batch}) first; Frontier analyses one sample`,
    );
  }
  if (product(dims) !== product(onnxShape(x))) {
    throw new ModelError(`${ctx.where}: cannot view ${showShape(onnxShape(x))} as ${showShape(dims)}`);
  }
  // A 4-D result is an NCHW image, unless it reshapes a channels-last 4-D tensor (after an NCHW → NHWC transpose).
  const layout = dims.length === 4 && x.shape.length === 3 ? x.layout : layoutForRank(dims.length);
  const shape = frontierShape(dims, layout);
  if (shape.length === 0) throw new ModelError(`${ctx.where}: the result ${showShape(dims)} keeps nothing but the batch`);
  // A one-dimensional target is written -1 so that it follows channel edits upstream.
  const spec = flatten
    ? ({ type: 'Flatten' } as const)
    : ({ type: 'Reshape', targetShape: shape.length === 1 ? [-1] : shape } as const);
  const out = c.addLayer(ctx, spec, [x], { layout });
  // The order the values of an image take in a vector (the source's flatten order, for the weights after it);
  // with one position per channel both orders are the same.
  if (shape.length === 1 && x.shape.length >= 2 && product(x.shape.slice(0, -1)) > 1) c.flattens.set(out.layer, x.layout);
}

export function flatten(c: Converter, ctx: NodeContext): void {
  if (foldConstantOp(c, ctx)) return;
  const x = c.input(ctx, 0);
  const dims = onnxShape(x);
  const raw = ctx.attrs.int('axis', 1);
  const axis = raw < 0 ? raw + dims.length : raw;
  if (axis < 0 || axis > dims.length) throw new ModelError(`${ctx.where}: axis ${raw} is outside a ${dims.length}-D tensor`);
  const out = [product(dims.slice(0, axis)), product(dims.slice(axis))];
  reshapeTo(c, ctx, x, out, axis === 1 || (axis === 0 && x.batch === 1));
}

export function reshape(c: Converter, ctx: NodeContext): void {
  if (foldConstantOp(c, ctx)) return;
  const x = c.input(ctx, 0);
  const shapeInput = c.optionalConstant(ctx, 1, 'shape');
  const target = shapeInput ? c.readInts(shapeInput, `${ctx.where}: shape`) : ctx.attrs.ints('shape');
  if (!target) throw new ModelError(`${ctx.where}: the target shape is missing`);
  const allowZero = ctx.attrs.int('allowzero', 0) !== 0;
  reshapeTo(c, ctx, x, resolveReshape(onnxShape(x), target, allowZero, ctx.where));
}

/** Axes from input 2 (opset ≥ 13) or the `axes` attribute. */
function axesOf(c: Converter, ctx: NodeContext): number[] | undefined {
  const input = c.optionalConstant(ctx, 1, 'axes');
  return input ? c.readInts(input, `${ctx.where}: axes`) : ctx.attrs.ints('axes');
}

export function squeeze(c: Converter, ctx: NodeContext): void {
  if (foldConstantOp(c, ctx)) return;
  const x = c.input(ctx, 0);
  const dims = onnxShape(x);
  const given = axesOf(c, ctx);
  // Without axes every dimension of 1 goes, except the batch: Frontier analyses one sample either way.
  const axes = given
    ? given.map((a) => normaliseAxis(a, dims.length, ctx.where))
    : dims.map((d, i) => (i > 0 && d === 1 ? i : -1)).filter((i) => i >= 0);
  for (const a of axes) {
    if (a === 0) throw new ModelError(`${ctx.where}: squeezes the batch dimension; Frontier keeps it first`);
    if (dims[a] !== 1) throw new ModelError(`${ctx.where}: axis ${a} has size ${dims[a]}, not 1`);
  }
  reshapeTo(c, ctx, x, dims.filter((_, i) => !axes.includes(i)));
}

export function unsqueeze(c: Converter, ctx: NodeContext): void {
  if (foldConstantOp(c, ctx)) return;
  const x = c.input(ctx, 0);
  const dims = onnxShape(x);
  const given = axesOf(c, ctx);
  if (!given) throw new ModelError(`${ctx.where}: axes are missing`);
  const rank = dims.length + given.length;
  const axes = given.map((a) => normaliseAxis(a, rank, ctx.where));
  if (new Set(axes).size !== axes.length) throw new ModelError(`${ctx.where}: axes [${given.join(', ')}] repeat`);
  if (axes.includes(0)) throw new ModelError(`${ctx.where}: inserts a dimension before the batch; Frontier keeps the batch first`);
  const out: number[] = [];
  let next = 0;
  for (let i = 0; i < rank; i++) out.push(axes.includes(i) ? 1 : dims[next++]);
  reshapeTo(c, ctx, x, out);
}

export function transpose(c: Converter, ctx: NodeContext): void {
  if (foldConstantOp(c, ctx)) return;
  const name = ctx.node.input[0] ?? '';
  const x = c.values.get(name);
  if (!x) throw c.missing(ctx, name);
  const dims = onnxShape(x);
  const rank = dims.length;
  const perm = ctx.attrs.ints('perm') ?? dims.map((_, i) => rank - 1 - i);
  const valid = perm.length === rank && [...perm].sort((a, b) => a - b).every((a, i) => a === i);
  if (!valid) throw new ModelError(`${ctx.where}: perm [${perm.join(', ')}] is not a permutation of ${rank} axes`);
  const fr = x.shape.length;
  if (rank === 2 && perm[0] === 1) {
    // A matrix turned to features × batch: Frontier's tensor is the same vector; Gemm transA=1 reads it.
    const out = c.addLayer(ctx, { type: 'Transpose', perm: [0] }, [{ ...x, batchAxis: 0 }]);
    c.values.set(out.name, { ...out, batchAxis: x.batchAxis === 0 ? 1 : 0 });
    return;
  }
  if (x.batchAxis !== 0 || perm[0] !== 0) {
    throw new ModelError(`${ctx.where}: perm [${perm.join(', ')}] moves the batch dimension; Frontier keeps it first`);
  }
  // NCHW → NHWC leaves the channels last in the file too; NHWC → NCHW makes an image of a channels-last tensor.
  const toLast = [0, ...Array.from({ length: rank - 2 }, (_, i) => i + 2), 1];
  const toFirst = [0, rank - 1, ...Array.from({ length: rank - 2 }, (_, i) => i + 1)];
  let layout: Layout = x.layout;
  if (rank >= 3 && x.layout === 'cf' && perm.join() === toLast.join()) layout = 'plain';
  else if (rank >= 3 && x.layout === 'plain' && perm.join() === toFirst.join()) layout = 'cf';
  const fromOnnx = (axis: number): number => {
    if (x.layout === 'cf' && fr >= 2) return axis === 1 ? fr - 1 : axis - 2;
    return axis - 1;
  };
  const frontierPerm = Array.from({ length: fr }, (_, i) => fromOnnx(perm[onnxAxisOf(i, fr, layout)]));
  const out = c.addLayer(ctx, { type: 'Transpose', perm: frontierPerm }, [x], { layout });
  const expected = perm.map((a) => dims[a]);
  if (onnxShape(out).join() !== expected.join()) {
    throw new ModelError(`${ctx.where}: Frontier's transpose gives ${showShape(onnxShape(out))}, ONNX ${showShape(expected)}`);
  }
}

export function concat(c: Converter, ctx: NodeContext): void {
  if (foldConstantOp(c, ctx)) return;
  join(c, ctx, ctx.node.input.map((_, i) => i));
}

/** ONNX Runtime's QLinearConcat: Y_scale, Y_zero_point, then (X, X_scale, X_zero_point) per input. */
export function qlinearConcat(c: Converter, ctx: NodeContext): void {
  const data = Array.from({ length: Math.floor((ctx.node.input.length - 2) / 3) }, (_, i) => 2 + 3 * i);
  join(c, ctx, data, quantizedOutput(c, ctx, 1));
  for (const i of data) recordInputScale(c, ctx, i, i + 1);
  recordOutputScale(c, ctx, 0);
}

function join(c: Converter, ctx: NodeContext, indices: number[], format?: NumberFormat): void {
  const inputs = indices.map((i) => c.input(ctx, i, `input ${i + 1}`));
  if (inputs.length === 0) throw new ModelError(`${ctx.where}: has no inputs`);
  const axisAttr = ctx.attrs.int('axis', Number.NaN);
  if (Number.isNaN(axisAttr)) throw new ModelError(`${ctx.where}: attribute axis is missing`);
  const first = inputs[0];
  const mixed = inputs.find((v) => v.shape.length >= 2 && (v.layout !== first.layout || v.shape.length !== first.shape.length));
  if (mixed) {
    throw new ModelError(`${ctx.where}: joins tensors of different layouts or ranks (${first.name}, ${mixed.name})`);
  }
  const axis = frontierAxis(first, axisAttr, ctx.where);
  if (inputs.length === 1) {
    c.bind(ctx, ctx.node.output[0], first);
    return;
  }
  c.addLayer(ctx, { type: 'Concatenate', axis }, inputs, { format });
}

/** Pad on the spatial axes of an image: ZeroPadding2D (the mode changes values, not shapes). */
export function pad(c: Converter, ctx: NodeContext): void {
  const x = c.input(ctx, 0);
  const dims = onnxShape(x);
  const rank = dims.length;
  const padsInput = c.optionalConstant(ctx, 1, 'pads');
  const pads = padsInput ? c.readInts(padsInput, `${ctx.where}: pads`) : ctx.attrs.ints('pads');
  if (!pads) throw new ModelError(`${ctx.where}: pads are missing`);
  const axesInput = c.optionalConstant(ctx, 3, 'axes');
  const axes = axesInput ? c.readInts(axesInput, `${ctx.where}: axes`).map((a) => normaliseAxis(a, rank, ctx.where)) : dims.map((_, i) => i);
  if (pads.length !== 2 * axes.length) {
    throw new ModelError(`${ctx.where}: pads [${pads.join(', ')}] should have ${2 * axes.length} entries (begin and end per axis)`);
  }
  const begin = new Array<number>(rank).fill(0);
  const end = new Array<number>(rank).fill(0);
  axes.forEach((a, i) => {
    begin[a] = pads[i];
    end[a] = pads[i + axes.length];
  });
  if ([...begin, ...end].some((p) => p < 0)) throw new ModelError(`${ctx.where}: negative pads (cropping) are not supported`);
  const spatial = x.layout === 'cf' ? [2, 3] : [1, 2];
  const ok = rank === 4 && begin.every((p, a) => spatial.includes(a) || (p === 0 && end[a] === 0));
  if (!ok) {
    throw new ModelError(
      `${ctx.where}: pads [${pads.join(', ')}] pad more than the height and width of an image; Frontier reads Pad as 2-D zero padding`,
    );
  }
  const [h, w] = spatial;
  c.addLayer(ctx, { type: 'ZeroPadding2D', padding: [[begin[h], end[h]], [begin[w], end[w]]] }, [x], { layout: x.layout });
}
