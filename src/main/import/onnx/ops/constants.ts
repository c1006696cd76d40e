// Constants and the arithmetic exporters do on shapes: Constant nodes, Identity, and — when every input is known —
// Shape, Gather, Cast, Slice, Concat, Reshape, Squeeze, Unsqueeze, Flatten, ConstantOfShape and element-wise
// arithmetic, folded to small constants (PyTorch writes x.view(x.size(0), -1) as Shape → Gather → Unsqueeze →
// Concat → Reshape). Nothing here is a layer.
import { ModelError } from '../../../../shared/model/types';
import type { Constant, Converter, NodeContext } from '../context';
import { onnxShape, normaliseAxis } from '../layout';
import { resolveReshape } from '../reshapeTarget';
import { onnx, type TensorProto } from '../proto';
import { elementCount, MAX_READ_VALUES, tensorInfo } from '../tensors';

const T = onnx.TensorProto.DataType;

/** A constant made of known values. */
export function literal(name: string, dims: number[], values: number[] | undefined, dataType: number): Constant {
  return {
    name,
    dims,
    count: elementCount(dims, name),
    dataType,
    storedBytes: 0,
    storageKey: name,
    values,
    external: false,
  };
}

/** A stored tensor (an initializer or a Constant node's value) as a constant. */
export function storedConstant(tensor: TensorProto, name: string, what: string): Constant {
  const info = tensorInfo(tensor, what);
  return {
    name,
    dims: info.dims,
    count: info.count,
    dataType: info.dataType,
    storedBytes: info.storedBytes,
    storageKey: name,
    tensor,
    external: info.external,
  };
}

export function constantNode(c: Converter, ctx: NodeContext): void {
  const out = ctx.node.output[0] ?? '';
  const { attrs } = ctx;
  const tensor = attrs.tensor('value');
  let k: Constant;
  if (tensor) k = storedConstant(tensor, out, `${ctx.where}: value`);
  else if (attrs.has('value_float')) k = literal(out, [], [attrs.float('value_float', 0)], T.FLOAT);
  else if (attrs.has('value_int')) k = literal(out, [], [attrs.int('value_int', 0)], T.INT64);
  else if (attrs.has('value_floats')) {
    const v = attrs.floats('value_floats') ?? [];
    k = literal(out, [v.length], v, T.FLOAT);
  } else if (attrs.has('value_ints')) {
    const v = attrs.ints('value_ints') ?? [];
    k = literal(out, [v.length], v, T.INT64);
  } else {
    throw new ModelError(`${ctx.where}: Frontier reads Constant values given as value, value_float(s) or value_int(s); this one has ${attrs.names().join(', ') || 'none'}`);
  }
  c.bindConstant(ctx, out, k);
}

export function identity(c: Converter, ctx: NodeContext): void {
  const name = ctx.node.input[0] ?? '';
  const k = c.constants.get(name);
  if (k) c.bindConstant(ctx, ctx.node.output[0], k);
  else c.bind(ctx, ctx.node.output[0], c.input(ctx, 0));
}

/** Shape of an activation: a constant (its batch included). */
export function shapeOf(c: Converter, ctx: NodeContext): void {
  const name = ctx.node.input[0] ?? '';
  const k = c.constants.get(name);
  const dims = k ? k.dims : onnxShape(c.input(ctx, 0));
  const rank = dims.length;
  const clamp = (v: number): number => Math.min(rank, Math.max(0, v < 0 ? v + rank : v));
  const start = clamp(ctx.attrs.int('start', 0));
  const end = clamp(ctx.attrs.int('end', rank));
  const values = dims.slice(start, Math.max(start, end));
  c.bindConstant(ctx, ctx.node.output[0], literal(ctx.node.output[0], [values.length], values, T.INT64));
}

/** Values of every input, when all are known constants; undefined otherwise. */
function knownInputs(c: Converter, ctx: NodeContext): { k: Constant; values: number[] }[] | undefined {
  const inputs = ctx.node.input.filter((n) => n !== '');
  if (inputs.length === 0 || !inputs.every((n) => c.isConstant(n))) return undefined;
  return ctx.node.input.map((n, i) => {
    if (n === '') return { k: literal('', [0], [], T.INT64), values: [] };
    const k = c.constants.get(n) as Constant;
    if (k.count > MAX_READ_VALUES) {
      throw new ModelError(`${ctx.where}: input ${i + 1} is a constant of ${k.count} values; Frontier folds only small shape arithmetic`);
    }
    return { k, values: c.read(k, `${ctx.where}: input ${i + 1}`) };
  });
}

/**
 * Folds a view or join of constants (Reshape, Squeeze, Unsqueeze, Flatten, Transpose, Concat): the result's
 * dimensions always, its values when they are few. A view of a stored weight keeps that weight's storage, so a
 * weight that the file reshapes or transposes before a Conv or Gemm still counts its stored bytes. Returns false when
 * the data is an activation, which the caller then handles as a layer.
 */
export function foldConstantOp(c: Converter, ctx: NodeContext): boolean {
  const data = c.constants.get(ctx.node.input[0] ?? '');
  if (!data) return false;
  const out = ctx.node.output[0] ?? '';
  const small = (k: Constant): number[] | undefined => (k.count <= MAX_READ_VALUES && (k.values || k.tensor) ? c.read(k, ctx.where) : undefined);
  const ints = (i: number, attr: string): number[] | undefined => {
    const k = c.optionalConstant(ctx, i, attr);
    return k ? c.readInts(k, `${ctx.where}: ${attr}`) : ctx.attrs.ints(attr);
  };
  const product = (d: readonly number[]): number => d.reduce((a, b) => a * b, 1);
  const dims = data.dims;
  let outDims: number[];
  let values: number[] | undefined;
  // A view keeps the order of the values: they stay readable from the same source.
  let keepsOrder = false;
  // A Transpose that moves values: the engine's weight reader permutes the source's values.
  let permuted: Constant['permuted'];
  const view = (): void => {
    values = data.values;
    keepsOrder = true;
  };
  switch (ctx.node.opType) {
    case 'Reshape': {
      const target = ints(1, 'shape');
      if (!target) throw new ModelError(`${ctx.where}: the target shape is missing`);
      outDims = resolveReshape(dims, target, ctx.attrs.int('allowzero', 0) !== 0, ctx.where);
      view();
      break;
    }
    case 'Flatten': {
      const raw = ctx.attrs.int('axis', 1);
      const axis = Math.min(dims.length, Math.max(0, raw < 0 ? raw + dims.length : raw));
      outDims = [product(dims.slice(0, axis)), product(dims.slice(axis))];
      view();
      break;
    }
    case 'Squeeze': {
      const given = ints(1, 'axes');
      const axes = given ? given.map((a) => normaliseAxis(a, dims.length, ctx.where)) : dims.map((d, i) => (d === 1 ? i : -1));
      outDims = dims.filter((_, i) => !axes.includes(i));
      view();
      break;
    }
    case 'Unsqueeze': {
      const given = ints(1, 'axes') ?? [];
      const rank = dims.length + given.length;
      const axes = given.map((a) => normaliseAxis(a, rank, ctx.where));
      outDims = [];
      let next = 0;
      for (let i = 0; i < rank; i++) outDims.push(axes.includes(i) ? 1 : dims[next++]);
      view();
      break;
    }
    case 'Transpose': {
      const perm = ctx.attrs.ints('perm') ?? dims.map((_, i) => dims.length - 1 - i);
      if (perm.length !== dims.length || [...perm].sort((a, b) => a - b).some((a, i) => a !== i)) {
        throw new ModelError(`${ctx.where}: perm [${perm.join(', ')}] is not a permutation of ${dims.length} axes`);
      }
      outDims = perm.map((a) => dims[a]);
      // Values keep their order only when at most one dimension is not 1.
      if (dims.filter((d) => d !== 1).length <= 1) view();
      else permuted = { from: data, perm };
      break;
    }
    case 'Concat': {
      const parts = ctx.node.input.map((_, i) => c.constant(ctx, i, `input ${i + 1}`));
      const rank = dims.length;
      const axis = normaliseAxis(ctx.attrs.int('axis', 0), Math.max(rank, 1), ctx.where);
      outDims = [...dims];
      if (rank === 0) outDims = [parts.length];
      else outDims[axis] = parts.reduce((sum, k) => sum + (k.dims[axis] ?? 1), 0);
      const all = parts.map(small);
      values = rank <= 1 && all.every((v) => v !== undefined) ? all.flat() as number[] : undefined;
      c.bindConstant(ctx, out, literal(out, outDims, values, data.dataType));
      return true;
    }
    default:
      return false;
  }
  elementCount(outDims, ctx.where);
  c.bindConstant(ctx, out, {
    ...data,
    name: out,
    dims: outDims,
    count: product(outDims),
    values,
    tensor: keepsOrder ? data.tensor : undefined,
    ...(permuted ? { permuted } : {}),
  });
  return true;
}

export function gather(c: Converter, ctx: NodeContext): void {
  const known = knownInputs(c, ctx);
  if (!known) {
    throw new ModelError(
      `${ctx.where}: gathers from an activation; Frontier reads Gather only on constant shape values (use --allow-unknown-ops to analyse it as an unknown operator)`,
    );
  }
  const [data, indices] = known;
  if (data.k.dims.length > 1) throw new ModelError(`${ctx.where}: Frontier folds Gather on vectors only, this data is ${data.k.dims.join('×')}`);
  normaliseAxis(ctx.attrs.int('axis', 0), Math.max(1, data.k.dims.length), ctx.where);
  const values = indices.values.map((i) => {
    const at = i < 0 ? i + data.values.length : i;
    if (!(at >= 0 && at < data.values.length)) throw new ModelError(`${ctx.where}: index ${i} is outside ${data.values.length} values`);
    return data.values[at];
  });
  const out = ctx.node.output[0] ?? '';
  c.bindConstant(ctx, out, literal(out, indices.k.dims, values, data.k.dataType));
}

export function cast(c: Converter, ctx: NodeContext): void {
  const known = knownInputs(c, ctx);
  if (!known) {
    throw new ModelError(
      `${ctx.where}: casts an activation; Frontier reads Cast only on constants (use --allow-unknown-ops to analyse it as an unknown operator)`,
    );
  }
  const to = ctx.attrs.int('to', T.FLOAT);
  const integer = to !== T.FLOAT && to !== T.DOUBLE && to !== T.FLOAT16 && to !== T.BFLOAT16;
  const values = known[0].values.map((v) => (integer ? Math.trunc(v) : v));
  const out = ctx.node.output[0] ?? '';
  c.bindConstant(ctx, out, literal(out, known[0].k.dims, values, to));
}

export function slice(c: Converter, ctx: NodeContext): void {
  const known = knownInputs(c, ctx);
  if (!known) {
    throw new ModelError(
      `${ctx.where}: slices an activation; Frontier reads Slice only on constant shape values (use --allow-unknown-ops to analyse it as an unknown operator)`,
    );
  }
  const [data] = known;
  if (data.k.dims.length > 1) throw new ModelError(`${ctx.where}: Frontier folds Slice on vectors only`);
  const starts = known[1]?.values ?? ctx.attrs.ints('starts') ?? [0];
  const ends = known[2]?.values ?? ctx.attrs.ints('ends') ?? [data.values.length];
  const steps = known[4]?.values ?? [1];
  const n = data.values.length;
  const clamp = (v: number): number => Math.min(n, Math.max(0, v < 0 ? v + n : v));
  const step = steps[0] ?? 1;
  if (step !== 1) throw new ModelError(`${ctx.where}: Frontier folds Slice with step 1 only`);
  const values = data.values.slice(clamp(starts[0] ?? 0), clamp(ends[0] ?? n));
  const out = ctx.node.output[0] ?? '';
  c.bindConstant(ctx, out, literal(out, [values.length], values, data.k.dataType));
}

export function constantOfShape(c: Converter, ctx: NodeContext): void {
  const shape = c.constant(ctx, 0, 'shape');
  const dims = c.readInts(shape, `${ctx.where}: shape`);
  const out = ctx.node.output[0] ?? '';
  const value = ctx.attrs.tensor('value');
  const count = elementCount(dims, ctx.where);
  const fill = value ? (c.read(storedConstant(value, out, `${ctx.where}: value`), ctx.where)[0] ?? 0) : 0;
  const values = count <= MAX_READ_VALUES ? new Array<number>(count).fill(fill) : undefined;
  c.bindConstant(ctx, out, literal(out, dims, values, value ? value.dataType : T.FLOAT));
}

/** Add, Sub, Mul, Div of two known constants (shape arithmetic). */
export function foldElementwise(c: Converter, ctx: NodeContext): void {
  const known = knownInputs(c, ctx);
  if (!known || known.length !== 2) throw new ModelError(`${ctx.where}: takes 2 inputs`);
  const [a, b] = known;
  const n = Math.max(a.values.length, b.values.length);
  if ((a.values.length !== n && a.values.length !== 1) || (b.values.length !== n && b.values.length !== 1)) {
    throw new ModelError(`${ctx.where}: constants of ${a.values.length} and ${b.values.length} values do not broadcast`);
  }
  const integer = a.k.dataType !== T.FLOAT && a.k.dataType !== T.DOUBLE && a.k.dataType !== T.FLOAT16;
  const op = ctx.node.opType;
  const values = Array.from({ length: n }, (_, i) => {
    const x = a.values.length === 1 ? a.values[0] : a.values[i];
    const y = b.values.length === 1 ? b.values[0] : b.values[i];
    const r = op === 'Add' ? x + y : op === 'Sub' ? x - y : op === 'Mul' ? x * y : integer ? Math.trunc(x / y) : x / y;
    return r;
  });
  const dims = a.values.length >= b.values.length ? a.k.dims : b.k.dims;
  const out = ctx.node.output[0] ?? '';
  c.bindConstant(ctx, out, literal(out, dims, values, a.k.dataType));
}
