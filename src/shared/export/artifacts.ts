// The two files an engineer takes to the board for one configuration: the TFLM header (arena, op resolver, I/O) and
// the edited architecture as Keras JSON (to retrain it). Both come from the same analysis as every other figure.
import { analyze, type AnalysisRequest } from '../analysis/analyze';
import { TFLM_RAM_BYTES, TFLM_RAM_SOURCE, type DeviceProfile } from '../devices';
import { applyChannelEdits } from '../model/edit';
import type { ModelGraph } from '../model/types';
import { graphToKerasJson, type KerasLayout } from './kerasJson';
import { tflmHeader, type PersistentAllocations } from './tflmHeader';

export const ARTIFACT_FORMATS = ['tflm', 'keras-json'] as const;
export type ArtifactFormat = (typeof ARTIFACT_FORMATS)[number];

export interface ArtifactRequest {
  /** The model as loaded (unedited). */
  base: ModelGraph;
  /** The configuration: channels / pruning, precision, device, bias storage. */
  configuration: Omit<AnalysisRequest, 'memoryModel' | 'accuracy'>;
  /** Margin on the tensor arena, a fraction of arena + persistent allocations (TFLM header only). */
  headroom?: number;
  /** Where the configuration comes from, for the header's first comment. */
  origin: string;
}

/** Whether a built-in runtime is TensorFlow Lite Micro (with any kernel library), which the TFLM header is for. */
export const isTflmRuntime = (id: string): boolean => id.startsWith('tflm');

/** The runtime a device profile runs under when it is not TFLM (X-CUBE-AI, microTVM…), or null. */
export function otherRuntime(device: DeviceProfile | null | undefined): { id: string; name: string } | null {
  const r = device?.runtime;
  return r && !isTflmRuntime(r.id) ? { id: r.id, name: r.name } : null;
}

/**
 * The runtime's persistent arena allocations: the device profile's runtime RAM, or TFLM's measured reference. A
 * profile under another runtime (X-CUBE-AI) gives that runtime's figure, which a TFLM build does not have: the
 * header then counts TFLM's.
 */
export function persistentAllocations(device: DeviceProfile | null | undefined): PersistentAllocations {
  const other = otherRuntime(device);
  if (other) return { bytes: TFLM_RAM_BYTES, source: `TFLM's, not ${other.name}'s: ${TFLM_RAM_SOURCE}` };
  if (device && device.runtimeRamBytes > 0) {
    return {
      bytes: device.runtimeRamBytes,
      source: `${device.id} profile, runtimeRamBytes: ${device.sources.runtimeRamBytes ?? 'no source given'}`,
    };
  }
  return { bytes: TFLM_RAM_BYTES, source: TFLM_RAM_SOURCE };
}

/** Keras sources keep their layout; TFLite, ONNX and Frontier's own models get the Keras 2 functional layout. */
export function kerasLayoutFor(base: ModelGraph): KerasLayout {
  const keras = ['keras-json', 'keras-archive', 'keras-h5', 'tfjs'].includes(base.source?.format ?? '');
  return keras && base.source?.kerasLayout === 'keras3' ? 'keras3' : 'keras2';
}

/** What a TFLM header assumes when the configuration was chosen under another runtime, or null. */
function otherRuntimeNote(device: DeviceProfile | null | undefined): string | null {
  const other = otherRuntime(device);
  if (!device || !other) return null;
  return (
    `This configuration was chosen on ${device.id}, which runs ${other.name}; this header is for TensorFlow Lite Micro ` +
    `on the same board: the arena is TFLM's plan and the persistent allocations are TFLM's, while the predicted ` +
    `latency below is ${other.name}'s. Under TFLM the latency differs; sweep with a TFLM runtime (e.g. tflm-cmsis-nn) ` +
    'for TFLM figures.'
  );
}

/** The text of one artifact for one configuration. */
export function configurationArtifact(format: ArtifactFormat, request: ArtifactRequest): string {
  const { base, configuration } = request;
  const report = analyze(base, { ...configuration, memoryModel: 'arena', accuracy: null });
  const { graph } = applyChannelEdits(base, configuration);
  if (format === 'keras-json') {
    const shown = new Map(report.layers.map((l) => [l.name, l.displayName]));
    const channels = Object.entries(report.channels)
      .map(([layer, n]) => `${shown.get(layer) ?? layer} ${n}`)
      .join(', ');
    const json = graphToKerasJson(graph, {
      layout: kerasLayoutFor(base),
      precision: report.precision,
      comment:
        `${request.origin}. Channels: ${channels}. Precision ${report.precision} (the architecture is float; quantize when ` +
        `converting). Parameters (framework count): ${report.frameworkParams}. Weights are not included.`,
    });
    return `${JSON.stringify(json, null, 2)}\n`;
  }
  return tflmHeader({
    graph,
    report,
    persistent: persistentAllocations(configuration.device),
    headroom: request.headroom ?? 0,
    runtime: report.runtime?.name,
    latencyBand: report.latencyBand,
    origin: request.origin,
    ...(otherRuntimeNote(configuration.device) ? { assumes: otherRuntimeNote(configuration.device) as string } : {}),
  });
}
