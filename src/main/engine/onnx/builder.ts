// Writes ONNX models with the official schema (onnx-proto): the graphs the engine runs, and the hand-made graphs
// of the tests, fuzz cases and benchmarks.
import onnxProto from 'onnx-proto';
import type { onnx as OnnxTypes } from 'onnx-proto';

export const onnx = onnxProto.onnx;
export type ModelProtoInit = OnnxTypes.IModelProto;
export type NodeInit = OnnxTypes.INodeProto;
export type AttributeInit = OnnxTypes.IAttributeProto;

export const DT = {
  FLOAT: 1,
  UINT8: 2,
  INT8: 3,
  INT32: 6,
  INT64: 7,
  FLOAT16: 10,
} as const;

type AttrValue = Omit<AttributeInit, 'name'>;
const A = onnx.AttributeProto.AttributeType;
export const attr = {
  int: (i: number): AttrValue => ({ type: A.INT, i }),
  ints: (ints: number[]): AttrValue => ({ type: A.INTS, ints }),
  float: (f: number): AttrValue => ({ type: A.FLOAT, f }),
  floats: (floats: number[]): AttrValue => ({ type: A.FLOATS, floats }),
  string: (s: string): AttrValue => ({ type: A.STRING, s: new TextEncoder().encode(s) }),
  tensor: (t: OnnxTypes.ITensorProto): AttrValue => ({ type: A.TENSOR, t }),
};

/** A dimension: a size, or a symbolic name (dynamic). */
export type Dim = number | string;

const BYTES: Record<number, number> = { [DT.FLOAT]: 4, [DT.UINT8]: 1, [DT.INT8]: 1, [DT.INT32]: 4, [DT.INT64]: 8, [DT.FLOAT16]: 2 };

/** Little-endian bytes of values in an ONNX data type. */
export function rawBytes(values: ArrayLike<number>, type: number): Uint8Array {
  const size = BYTES[type];
  const out = new Uint8Array(values.length * size);
  const view = new DataView(out.buffer);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (type === DT.FLOAT) view.setFloat32(i * 4, v, true);
    else if (type === DT.INT8) view.setInt8(i, v);
    else if (type === DT.UINT8) view.setUint8(i, v);
    else if (type === DT.INT32) view.setInt32(i * 4, v, true);
    else if (type === DT.INT64) view.setBigInt64(i * 8, BigInt(v), true);
    else throw new Error(`rawBytes: type ${type}`);
  }
  return out;
}

/** A tensor type; without dims the shape is left out (unknown rank). */
export const tensorType = (dims: readonly Dim[] | undefined, elemType: number = DT.FLOAT): OnnxTypes.ITypeProto => ({
  tensorType: {
    elemType,
    ...(dims ? { shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) } } : {}),
  },
});

export class OnnxBuilder {
  readonly nodes: NodeInit[] = [];
  readonly initializers: OnnxTypes.ITensorProto[] = [];
  readonly inputs: OnnxTypes.IValueInfoProto[] = [];
  readonly outputs: OnnxTypes.IValueInfoProto[] = [];
  readonly valueInfo: OnnxTypes.IValueInfoProto[] = [];
  private readonly used = new Set<string>();

  constructor(
    readonly name = 'graph',
    readonly opset = 13,
    readonly producer = 'frontier',
  ) {}

  input(name: string, dims: readonly Dim[], elemType: number = DT.FLOAT): string {
    this.inputs.push({ name, type: tensorType(dims, elemType) });
    return name;
  }

  output(name: string, dims?: readonly Dim[], elemType: number = DT.FLOAT): void {
    this.outputs.push({ name, type: tensorType(dims, elemType) });
  }

  info(name: string, dims: readonly Dim[], elemType: number = DT.FLOAT): void {
    this.valueInfo.push({ name, type: tensorType(dims, elemType) });
  }

  /** An initializer from values. */
  initializer(name: string, dims: readonly number[], values: ArrayLike<number>, dataType: number = DT.FLOAT): string {
    return this.rawInitializer(name, dims, rawBytes(values, dataType), dataType);
  }

  /** An initializer from its little-endian bytes, used as they are (a view, not a copy). */
  rawInitializer(name: string, dims: readonly number[], bytes: Uint8Array, dataType: number = DT.FLOAT): string {
    this.used.add(name);
    this.initializers.push({ name, dims: [...dims], dataType, rawData: bytes });
    return name;
  }

  /** A scalar or vector constant initializer with a unique name. */
  constant(prefix: string, values: number[], dataType: number = DT.FLOAT, dims: number[] = [values.length]): string {
    return this.initializer(this.fresh(prefix), dims, values, dataType);
  }

  node(
    opType: string,
    inputs: string[],
    outputs: string[],
    attributes: Record<string, AttrValue> = {},
    name?: string,
    domain = '',
  ): string {
    this.nodes.push({
      opType,
      input: inputs,
      output: outputs,
      name: name ?? outputs[0],
      domain,
      attribute: Object.entries(attributes).map(([n, a]) => ({ name: n, ...a })),
    });
    return outputs[0];
  }

  /** A tensor name not used yet. */
  fresh(prefix: string): string {
    let name = prefix;
    for (let i = 2; this.used.has(name); i++) name = `${prefix}_${i}`;
    this.used.add(name);
    return name;
  }

  model(): ModelProtoInit {
    return {
      irVersion: 8,
      producerName: this.producer,
      opsetImport: [
        { domain: '', version: this.opset },
        ...[...new Set(this.nodes.map((n) => n.domain ?? ''))].filter((d) => d !== '').map((domain) => ({ domain, version: 1 })),
      ],
      graph: {
        name: this.name,
        node: this.nodes,
        initializer: this.initializers,
        input: this.inputs,
        output: this.outputs,
        valueInfo: this.valueInfo,
      },
    };
  }

  bytes(): Uint8Array {
    return encodeModel(this.model());
  }
}

export function encodeModel(model: ModelProtoInit): Uint8Array {
  return onnx.ModelProto.encode(onnx.ModelProto.create(model)).finish();
}
