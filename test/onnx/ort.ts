// ONNX Runtime (onnxruntime-node, CPU) as the judge of test files: a model it loads and runs is a valid model, and
// the output shapes it computes are the ground truth for Frontier's shape inference.
import ort from 'onnxruntime-node';
import { onnx } from './builder';

const TYPES: Record<number, { name: 'float32' | 'float16' | 'int8' | 'uint8' | 'int64'; array: (n: number) => ArrayLike<number> | BigInt64Array }> = {
  1: { name: 'float32', array: (n) => new Float32Array(n) },
  10: { name: 'float16', array: (n) => new Uint16Array(n) },
  2: { name: 'uint8', array: (n) => new Uint8Array(n) },
  3: { name: 'int8', array: (n) => new Int8Array(n) },
  7: { name: 'int64', array: (n) => new BigInt64Array(n) },
};

/** Loads a model in ONNX Runtime, runs it on zeros (symbolic dimensions = 1) and returns every output's dims. */
export async function runOnZeros(bytes: Uint8Array, inputDims: Record<string, number[]> = {}): Promise<Record<string, number[]>> {
  const model = onnx.ModelProto.decode(bytes);
  const graph = model.graph as InstanceType<typeof onnx.GraphProto>;
  const initializers = new Set(graph.initializer.map((t) => t.name));
  const session = await ort.InferenceSession.create(bytes, { logSeverityLevel: 3 });
  const feeds: Record<string, InstanceType<typeof ort.Tensor>> = {};
  for (const input of graph.input) {
    if (initializers.has(input.name as string)) continue;
    const tensorType = input.type?.tensorType;
    const dims =
      inputDims[input.name as string] ??
      (tensorType?.shape?.dim ?? []).map((d) => (d.dimValue !== undefined && d.dimValue !== null && Number(d.dimValue) > 0 ? Number(d.dimValue) : 1));
    const type = TYPES[tensorType?.elemType ?? 1];
    if (!type) throw new Error(`runOnZeros: input type ${tensorType?.elemType}`);
    const count = dims.reduce((a, b) => a * b, 1);
    feeds[input.name as string] = new ort.Tensor(type.name, type.array(count) as Float32Array, dims);
  }
  const results = await session.run(feeds);
  await session.release();
  return Object.fromEntries(Object.entries(results).map(([name, t]) => [name, [...t.dims]]));
}
