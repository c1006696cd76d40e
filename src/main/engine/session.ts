// Runs a built graph in onnxruntime, a batch of samples at a time: inputs and outputs are flat typed arrays of
// N samples in Frontier's layout (channels-last, no padding between samples).
import ort from 'onnxruntime-node';
import type { BuiltGraph, IoTensor } from './build/int8';
import { throughNativeGate } from './nativeGate';

export type SampleData = Float32Array | Int8Array;

const sizeOf = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

export class GraphSession {
  private constructor(
    private readonly session: ort.InferenceSession,
    readonly graph: BuiltGraph,
  ) {}

  static async create(graph: BuiltGraph, threads = 0): Promise<GraphSession> {
    const session = await throughNativeGate(() =>
      ort.InferenceSession.create(graph.model, {
        logSeverityLevel: 3,
        graphOptimizationLevel: 'all',
        ...(threads > 0 ? { intraOpNumThreads: threads } : {}),
      }),
    );
    return new GraphSession(session, graph);
  }

  /**
   * Runs `count` samples: `inputs[i]` holds count × the i-th input's values. Returns one array per output with
   * count × its values. `batch` bounds how many samples go through onnxruntime at once.
   */
  async run(inputs: SampleData[], count: number, batch = 64): Promise<SampleData[]> {
    const outs = this.graph.outputs.map((o) => allocate(o, count));
    for (let start = 0; start < count; start += batch) {
      const n = Math.min(batch, count - start);
      const feeds: Record<string, ort.Tensor> = {};
      this.graph.inputs.forEach((io, i) => {
        const per = sizeOf(io.shape);
        const slice = inputs[i].subarray(start * per, (start + n) * per);
        feeds[io.name] = new ort.Tensor(io.type, slice, [n, ...io.shape]);
      });
      const results = await throughNativeGate(() => this.session.run(feeds));
      this.graph.outputs.forEach((io, i) => {
        const per = sizeOf(io.shape);
        outs[i].set(results[io.name].data as SampleData, start * per);
      });
    }
    return outs;
  }

  async release(): Promise<void> {
    await throughNativeGate(() => this.session.release(), true);
  }
}

function allocate(io: IoTensor, count: number): SampleData {
  const n = count * sizeOf(io.shape);
  return io.type === 'int8' ? new Int8Array(n) : new Float32Array(n);
}
