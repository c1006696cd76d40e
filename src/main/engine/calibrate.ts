// Calibration: the float model runs on the calibration samples and every deployed tensor's range is recorded, the
// ranges TFLite's converter would see through its representative dataset.
import ort from 'onnxruntime-node';
import type { ModelWeights } from '../../shared/engine/weights';
import { calibrationLayerOf, preActivation, separateActivation, type CalibrationRanges } from '../../shared/engine/quantize';
import { deployPlan } from '../../shared/model/deploy';
import type { ModelGraph } from '../../shared/model/types';
import { buildFloatGraph } from './build/float';
import { throughNativeGate } from './nativeGate';

const sizeOf = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

/** Ranges by tensor owner (deploy plan) of the float model over `count` samples of float input (one array per input). */
export async function calibrationRanges(graph: ModelGraph, weights: ModelWeights, inputs: Float32Array[], count: number, batch = 32): Promise<CalibrationRanges> {
  if (count === 0) throw new Error('the calibration data holds no samples');
  const plan = deployPlan(graph);
  const owners = [...plan.inputs.map((l) => l.name), ...plan.ops.map((o) => o.layer.name)];
  const probeOf = new Map(owners.map((o) => [o, calibrationLayerOf(plan, o)]));
  // The value before an activation run as an operation of its own: the layer the absorbed Activation reads, or the
  // layer's own value before its built-in activation.
  for (const op of plan.ops) {
    if (!separateActivation(op)) continue;
    const absorbed = graph.layers.find((l) => l.name === op.absorbed[op.absorbed.length - 1] && l.type === 'Activation');
    probeOf.set(preActivation(op.layer.name), absorbed ? absorbed.inputs[0] : preActivation(op.layer.name));
  }
  const probes = [...new Set(probeOf.values())];
  const built = buildFloatGraph(graph, weights, { probes });
  const session = await throughNativeGate(() => ort.InferenceSession.create(built.model, { logSeverityLevel: 3, graphOptimizationLevel: 'all' }));
  const seen = new Map<string, { min: number; max: number }>();
  try {
    for (let start = 0; start < count; start += batch) {
      const n = Math.min(batch, count - start);
      const feeds: Record<string, ort.Tensor> = {};
      built.inputs.forEach((io, i) => {
        const per = sizeOf(io.shape);
        feeds[io.name] = new ort.Tensor('float32', inputs[i].subarray(start * per, (start + n) * per), [n, ...io.shape]);
      });
      const results = await throughNativeGate(() => session.run(feeds));
      for (const io of built.outputs) {
        if (!io.probe) continue;
        const data = results[io.name].data as Float32Array;
        let { min, max } = seen.get(io.layer) ?? { min: Infinity, max: -Infinity };
        for (let i = 0; i < data.length; i++) {
          const v = data[i];
          if (v < min) min = v;
          if (v > max) max = v;
        }
        seen.set(io.layer, { min, max });
      }
    }
  } finally {
    await throughNativeGate(() => session.release(), true);
  }
  const ranges: CalibrationRanges = {};
  for (const [owner, probe] of probeOf) {
    const r = seen.get(probe);
    if (!r || !Number.isFinite(r.min) || !Number.isFinite(r.max)) {
      throw new Error(`layer ${owner}: its values over the calibration samples are not finite numbers`);
    }
    ranges[owner] = r;
  }
  return ranges;
}
