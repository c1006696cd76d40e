// A C++ header for flashing a chosen configuration with TensorFlow Lite Micro: the tensor arena it needs (TFLM's own
// greedy plan of the configuration), the op resolver registering exactly the operators it runs, its input and output
// shapes and types, and the configuration and its figures in comments. Constants are plain decimal literals.
import type { AnalysisReport } from '../analysis/analyze';
import { ARENA_ALIGNMENT } from '../analysis/arena';
import { parsePrecision, type NumberFormat } from '../analysis/precision';
import { outputNames } from '../model/graph';
import type { ModelGraph } from '../model/types';
import { tflmOperators } from './tflmOps';

/** TFLM's persistent allocations (tensor structs, quantization data, node and registration structs). */
export interface PersistentAllocations {
  bytes: number;
  /** Where the figure comes from. */
  source: string;
}

export interface TflmHeaderInput {
  /** The configured (edited) graph. */
  graph: ModelGraph;
  /** Its analysis under the `arena` memory model. */
  report: AnalysisReport;
  /** The runtime's persistent allocations in the arena's tail. */
  persistent: PersistentAllocations;
  /** Margin added on top of arena + persistent, as a fraction of them (0.1 = 10 %). */
  headroom: number;
  /** Runtime (software stack) name, when one is chosen. */
  runtime?: string;
  /** The predicted latency's band, when the profile has one. */
  latencyBand?: { low: number; high: number; basis: string } | null;
  /** Where the configuration comes from (a session and its index, a client's choice, a model file). */
  origin: string;
  /** What the header assumes that the configuration's own profile does not (chosen under another runtime). */
  assumes?: string;
}

/** Words as comment lines of at most about 110 characters. */
function commentLines(text: string): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line !== '' && line.length + word.length + 1 > 110) {
      lines.push(comment(line));
      line = word;
    } else line = line === '' ? word : `${line} ${word}`;
  }
  if (line !== '') lines.push(comment(line));
  return lines;
}

const TFLITE_TYPES: Record<NumberFormat, string> = {
  fp32: 'kTfLiteFloat32',
  fp16: 'kTfLiteFloat16',
  int8: 'kTfLiteInt8',
  // TFLM has no int4 activation tensors: packed int4 values travel as int8 at the interface.
  int4: 'kTfLiteInt8',
};

const group = (n: number): string => n.toLocaleString('en-US');
const roundUp = (n: number, to: number): number => Math.ceil(n / to) * to;

function seconds(s: number | null): string {
  if (s === null) return 'not predicted (no device, or a precision the device cannot run)';
  return s < 1 ? `${(s * 1000).toPrecision(4)} ms` : `${s.toPrecision(4)} s`;
}

/** A C comment line: no "*\/" can close it early. */
const comment = (text: string): string => `// ${text.replace(/\*\//g, '* /')}`;

interface Port {
  name: string;
  shape: number[];
  type: string;
}

function ports(input: TflmHeaderInput): { inputs: Port[]; outputs: Port[] } {
  const { graph, report } = input;
  const byName = new Map(report.layers.map((l) => [l.name, l]));
  const port = (name: string): Port => {
    const layer = byName.get(name);
    const precision = parsePrecision(layer?.precision ?? report.precision);
    return { name: layer?.displayName ?? name, shape: [1, ...(layer?.outputShape ?? [])], type: TFLITE_TYPES[precision.activations] };
  };
  return {
    inputs: graph.layers.filter((l) => l.type === 'Input').map((l) => port(l.name)),
    outputs: outputNames(graph).map(port),
  };
}

function portConstants(kind: 'Input' | 'Output', list: Port[]): string[] {
  const lines = [`constexpr int kFrontier${kind}Count = ${list.length};`];
  list.forEach((p, i) => {
    const id = list.length === 1 ? kind : `${kind}${i}`;
    lines.push(
      comment(`${kind.toLowerCase()} "${p.name}": ${p.shape.join('×')}, ${p.type}`),
      `constexpr int kFrontier${id}Rank = ${p.shape.length};`,
      `constexpr int kFrontier${id}Shape[${p.shape.length}] = {${p.shape.join(', ')}};`,
      `constexpr TfLiteType kFrontier${id}Type = ${p.type};`,
    );
  });
  return lines;
}

/** The header's text. */
export function tflmHeader(input: TflmHeaderInput): string {
  const { report, persistent } = input;
  if (report.memoryModel !== 'arena' || !report.arena) {
    throw new Error('the TFLM header needs the analysis under the arena memory model');
  }
  const arena = report.peakActivationBytes;
  const base = arena + persistent.bytes;
  const headroomBytes = Math.ceil(base * input.headroom);
  const total = roundUp(base + headroomBytes, ARENA_ALIGNMENT);
  const ops = tflmOperators(input.graph);
  const { inputs, outputs } = ports(input);
  // Display names: a converted file's full names would make each comment line hundreds of characters long.
  const shown = new Map(report.layers.map((l) => [l.name, l.displayName ?? l.name]));
  const channels = Object.entries(report.channels)
    .map(([layer, n]) => `${shown.get(layer) ?? layer} ${n}`)
    .join(', ');
  const b = input.latencyBand;
  const band = !b ? '' : b.low === b.high ? ` (exact: ${b.basis})` : ` (band ${seconds(b.low)} to ${seconds(b.high)}: ${b.basis})`;
  const guard = 'FRONTIER_MODEL_CONFIG_H_';
  const lines = [
    comment(`Generated by Frontier ${report.frontierVersion} for ${report.model}: ${input.origin}.`),
    ...(input.assumes ? commentLines(input.assumes) : []),
    comment(`Configuration: ${channels || 'as the model file'}; precision ${report.precision}` +
      (report.device ? `; device ${report.device.name} (${report.device.id})` : '; no device') +
      (input.runtime ? `; runtime ${input.runtime}` : '') + '.'),
    comment(`Parameters: ${group(report.params)}; parameter bytes: ${group(report.paramBytes)} (biases ${report.biasMode === 'int32' ? 'int32' : 'at the weight precision'}).`),
    comment(`MACs: ${group(report.macs)} (FLOPs = 2 × MACs = ${group(report.flops)}).`),
    comment(`Predicted latency: ${seconds(report.latencyS)}${band}.`),
    `#ifndef ${guard}`,
    `#define ${guard}`,
    '',
    '#include <cstddef>',
    '',
    '#include "tensorflow/lite/micro/micro_mutable_op_resolver.h"',
    '',
    comment(`Activation arena: TFLM's GreedyMemoryPlanner over this configuration's tensors, 16-byte aligned,`),
    comment(`fragmentation included (the same figure as frontier analyze --memory arena; liveness lower bound ${group(report.arena.livenessBoundBytes)} B).`),
    comment('Kernel scratch buffers (e.g. CMSIS-NN im2col) are not included: no source gives their size.'),
    `constexpr size_t kFrontierArenaBytes = ${arena};`,
    '',
    comment('Tensor arena to allocate, rounded up to 16 bytes:'),
    comment(`  ${group(arena)} B activation arena (above)`),
    comment(`+ ${group(persistent.bytes)} B persistent allocations: ${persistent.source}`),
    comment(`+ ${group(headroomBytes)} B headroom: ${(input.headroom * 100).toFixed(1)} % of the two, as chosen`),
    `constexpr size_t kTensorArenaSize = ${total};`,
    '',
    ...portConstants('Input', inputs),
    '',
    ...portConstants('Output', outputs),
    '',
    comment('The builtin operators this configuration runs, each registered once.'),
    `constexpr int kFrontierOpCount = ${ops.length};`,
    '',
    `inline TfLiteStatus FrontierRegisterOps(tflite::MicroMutableOpResolver<kFrontierOpCount>& resolver) {`,
    '  TfLiteStatus status = kTfLiteOk;',
    ...ops.flatMap((op) => [`  status = resolver.${op}();`, '  if (status != kTfLiteOk) return status;']),
    '  return status;',
    '}',
    '',
    `#endif  // ${guard}`,
    '',
  ];
  return lines.join('\n');
}
