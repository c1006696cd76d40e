// ONNX models (.onnx, as PyTorch, tf2onnx and ONNX Runtime's quantizer write them) converted to a Frontier graph:
// decoded with the official schema, operators mapped to Frontier's layers in channels-last shapes, every inferred
// shape checked against the shapes the file declares and every weight count against the initializers.
import { countModel } from '../../../shared/analysis/counts';
import type { ImportOptions } from '../../../shared/model/importOptions';
import { validateGraph } from '../../../shared/model/graph';
import { ModelError, type InputSpec, type Layer, type ModelGraph } from '../../../shared/model/types';
import { Converter } from './context';
import { frontierShape, layoutForRank, onnxShape, showShape } from './layout';
import { converterFor, MICROSOFT_OPERATORS, operatorName, OPERATORS, SHAPE_ONLY } from './ops';
import { Attributes } from './attributes';
import { storedConstant } from './ops/constants';
import { opaque, type DeclaredShapes } from './ops/opaque';
import { storedPrecision } from './precision';
import { decodeModel, graphOf, hasField, int64, looksLikeOnnx, type GraphProto, type Int64, type NodeProto, type TensorProto, type ValueInfoProto } from './proto';
import { dataTypeName, elementCount, numberFormatOf } from './tensors';

export { looksLikeOnnx };

export function onnxToGraph(bytes: Uint8Array, fileName: string, options: ImportOptions = {}): ModelGraph {
  return convertOnnx(bytes, fileName, options).graph;
}

/**
 * The conversion with what it kept on the way: the constants each layer reads (references into the decoded model,
 * never read here) for the engine's weight reader, which converts the same bytes again when a run needs weights.
 */
export function convertOnnx(bytes: Uint8Array, fileName: string, options: ImportOptions = {}): { graph: ModelGraph; converter: Converter } {
  const model = decodeModel(bytes);
  const graph = graphOf(model);
  const nodes = graph.node as NodeProto[];
  if (nodes.length === 0) throw new ModelError('the ONNX graph has no nodes: there is nothing to analyse');
  checkOperators(nodes, options);

  const declared = declaredShapes(graph);
  const outputNames = (graph.output as ValueInfoProto[]).map((o) => o.name);
  const c = new Converter(options, new Set(outputNames), nodes);

  for (const tensor of graph.initializer as TensorProto[]) {
    if (c.constants.has(tensor.name)) throw new ModelError(`initializer "${tensor.name}" appears twice`);
    c.constants.set(tensor.name, storedConstant(tensor, tensor.name, `initializer ${tensor.name}`));
  }
  addInputs(c, graph, declared, options);

  for (const [index, node] of executionOrder(nodes, c).entries()) {
    const ctx = c.context(node, index);
    const convert = converterFor(node.domain, node.opType);
    const foldsOnly = SHAPE_ONLY.has(node.opType) && node.input.some((n) => c.values.has(n));
    if (!convert || (foldsOnly && options.allowUnknownOps)) opaque(c, ctx, declared);
    else convert(c, ctx);
  }

  const outputs: string[] = [];
  const listed = new Set<string>();
  for (const name of outputNames) {
    const value = c.values.get(name);
    if (!value) {
      throw new ModelError(
        c.constants.has(name) ? `model output "${name}" is a constant, not computed by the graph` : `model output "${name}" is not produced by any node`,
      );
    }
    if (!listed.has(value.layer)) {
      listed.add(value.layer);
      outputs.push(value.layer);
    }
  }
  if (outputs.length === 0) throw new ModelError('the ONNX graph declares no outputs');

  checkDeclaredShapes(c, declared);
  const result: ModelGraph = { name: modelName(graph, fileName), layers: c.layers, outputs };
  validateGraph(result);
  const counts = checkWeights(c, result);
  const stored = storedPrecision(c, result, counts.plan);

  if ([...c.values.values()].some((v) => v.layout === 'cf')) {
    c.notes.add('ONNX stores images channels-first (NCHW); Frontier shows every shape channels-last ([H, W, C]) without the batch, as for every format');
  }
  const storage = new Map<string, number>();
  let external = false;
  for (const w of c.weights.values()) {
    for (const k of [w.kernel, w.bias, ...(w.batchNorm ?? [])]) {
      if (!k) continue;
      storage.set(k.storageKey, k.storedBytes);
      external ||= k.external;
    }
  }
  if (external) c.notes.add('weights are stored in external data files: their sizes come from the declared shapes, their values were not read');
  result.source = {
    format: 'onnx',
    precision: stored.precision,
    ...(stored.biasMode ? { biasMode: stored.biasMode } : {}),
    ...(Object.keys(stored.layerPrecisions).length > 0 ? { layerPrecisions: stored.layerPrecisions } : {}),
    storedWeightBytes: [...storage.values()].reduce((a, b) => a + b, 0),
    notes: [...c.notes],
  };
  return { graph: result, converter: c };
}

/** Unknown operators are the first complaint: all of them, by name and count. */
function checkOperators(nodes: readonly NodeProto[], options: ImportOptions): void {
  const unknown = new Map<string, number>();
  for (const node of nodes) {
    if (!converterFor(node.domain, node.opType)) {
      const name = operatorName(node.domain, node.opType) || '(no op_type)';
      unknown.set(name, (unknown.get(name) ?? 0) + 1);
    }
  }
  if (unknown.size === 0 || options.allowUnknownOps) return;
  const list = [...unknown].map(([name, n]) => `${name} ×${n}`).join(', ');
  throw new ModelError(
    `unknown ONNX operators: ${list}. Frontier reads ${Object.keys(OPERATORS).join(', ')}, ` +
      `and ONNX Runtime's ${Object.keys(MICROSOFT_OPERATORS).map((op) => `com.microsoft.${op}`).join(', ')}; ` +
      '--allow-unknown-ops analyses the others as zero-MAC operations with the output shapes the file declares',
  );
}

function declaredShapes(graph: GraphProto): DeclaredShapes {
  const out = new Map<string, { dims?: (number | string | null)[]; elemType: number }>();
  const infos = [...(graph.input as ValueInfoProto[]), ...(graph.valueInfo as ValueInfoProto[]), ...(graph.output as ValueInfoProto[])];
  for (const info of infos) {
    const tensorType = info.type?.tensorType;
    if (!tensorType) continue;
    const shape = tensorType.shape;
    const dims = shape
      ? (shape.dim ?? []).map((d, i) => {
          if (!hasField(d, 'dimValue')) return d.dimParam ? d.dimParam : null;
          const n = int64(d.dimValue as Int64, `the declared shape of ${info.name}, dimension ${i + 1}`);
          return n;
        })
      : undefined;
    out.set(info.name, { dims, elemType: tensorType.elemType ?? 0 });
  }
  return out;
}

function addInputs(c: Converter, graph: GraphProto, declared: DeclaredShapes, options: ImportOptions): void {
  const inputs = (graph.input as ValueInfoProto[]).filter((i) => !c.constants.has(i.name));
  const given = options.inputShapes ?? {};
  for (const name of Object.keys(given)) {
    if (!inputs.some((i) => i.name === name)) {
      throw new ModelError(`--input-shape ${name}: the model's inputs are ${inputs.map((i) => i.name).join(', ') || 'none'}`);
    }
  }
  for (const input of inputs) {
    const where = `input ${input.name}`;
    if (!input.type?.tensorType) throw new ModelError(`${where}: not a tensor; Frontier reads tensor inputs`);
    const elemType = input.type.tensorType.elemType ?? 0;
    const format = numberFormatOf(elemType);
    if (!format) {
      throw new ModelError(`${where}: ${dataTypeName(elemType)} elements; Frontier analyses float and 8-bit or 4-bit integer inputs`);
    }
    const declaredDims = declared.get(input.name)?.dims;
    const fileDims = declaredDims?.map((d) => (typeof d === 'number' ? d : null));
    const user = given[input.name];
    let dims: number[];
    if (user) {
      if (fileDims && fileDims.length !== user.length) {
        throw new ModelError(`--input-shape ${input.name}=${user.join('x')}: the file declares ${fileDims.length} dimensions`);
      }
      fileDims?.forEach((d, i) => {
        if (d !== null && d !== user[i]) {
          throw new ModelError(`--input-shape ${input.name}=${user.join('x')}: dimension ${i + 1} is fixed at ${d} in the file`);
        }
      });
      dims = [...user];
    } else {
      if (!fileDims) {
        throw new ModelError(`${where}: the file gives no shape; give one with --input-shape ${input.name}=1x3x224x224 (the file's layout, batch first)`);
      }
      const dynamic = fileDims.map((d, i) => (d === null ? i : -1)).filter((i) => i >= 0);
      dims = fileDims.map((d) => d ?? 1);
      if (dynamic.length > 0) {
        const names = (input.type.tensorType.shape?.dim ?? []).filter((_, i) => dynamic.includes(i)).map((d, k) => d.dimParam || `dimension ${dynamic[k] + 1}`);
        c.notes.add(
          `input ${input.name}: dynamic ${names.join(', ')} analysed as 1 (choose with --input-shape ${input.name}=${dims.join('x')})`,
        );
      }
    }
    declaredDims?.forEach((d, i) => {
      if (typeof d === 'string' && !c.symbols.has(d)) c.symbols.set(d, dims[i]);
    });
    if (dims.length < 2) {
      throw new ModelError(`${where}: declared ${showShape(dims)}; Frontier needs a batch dimension and at least one more`);
    }
    elementCount(dims, where);
    if (dims.some((d) => d < 1)) throw new ModelError(`${where}: shape ${showShape(dims)} has an empty dimension`);
    // A 4-D input is an NCHW image, unless it is only read through NHWC → NCHW transposes (as tf2onnx writes Keras
    // models): then it is channels-last already.
    const readers = c.consumers.get(input.name) ?? [];
    const nhwc =
      dims.length === 4 &&
      readers.length > 0 &&
      readers.every((n) => n.opType === 'Transpose' && (n.domain === '' || n.domain === 'ai.onnx') && new Attributes(n, where).ints('perm')?.join() === '0,3,1,2');
    const layout = nhwc ? 'plain' : layoutForRank(dims.length);
    const shape = frontierShape(dims, layout);
    const name = c.uniqueName(input.name);
    const layer: Layer = { type: 'Input', shape, name, inputs: [] } as InputSpec & { name: string; inputs: string[] };
    c.layers.push(layer);
    c.layerByName.set(name, layer);
    c.formats.set(name, format);
    c.values.set(input.name, { name: input.name, layer: name, shape, layout: shape.length >= 2 ? layout : 'plain', batch: dims[0], batchAxis: 0, format });
    c.producer.set(input.name, where);
  }
}

/** Nodes in an order where every node follows the nodes it reads (ONNX requires it; not every file obeys). */
function executionOrder(nodes: NodeProto[], c: Converter): NodeProto[] {
  const known = new Set<string>([...c.values.keys(), ...c.constants.keys()]);
  if (nodes.every((n) => (n.input.every((i) => i === '' || known.has(i)) ? (n.output.forEach((o) => known.add(o)), true) : false))) {
    return nodes;
  }
  const producerOf = new Map<string, number>();
  nodes.forEach((n, i) => n.output.forEach((o) => o !== '' && producerOf.set(o, i)));
  const waiting = nodes.map((n) => new Set(n.input.filter((i) => producerOf.has(i) && !c.has(i)).map((i) => producerOf.get(i) as number)));
  const readers = nodes.map((): number[] => []);
  waiting.forEach((deps, i) => deps.forEach((d) => readers[d].push(i)));
  const ready = nodes.map((_, i) => i).filter((i) => waiting[i].size === 0);
  for (let next = 0; next < ready.length; next++) {
    const i = ready[next];
    for (const r of readers[i]) {
      waiting[r].delete(i);
      if (waiting[r].size === 0) ready.push(r);
    }
  }
  const order = ready.map((i) => nodes[i]);
  if (order.length < nodes.length) {
    const placed = new Set(ready);
    const stuck = nodes.find((_, i) => !placed.has(i)) as NodeProto;
    throw new ModelError(`the graph has a cycle through node ${stuck.name || stuck.output[0]} (${stuck.opType})`);
  }
  return order;
}

/** Every shape the file declares must be the shape Frontier infers. */
function checkDeclaredShapes(c: Converter, declared: DeclaredShapes): void {
  for (const [name, value] of c.values) {
    const dims = declared.get(name)?.dims;
    if (!dims) continue;
    const ours = onnxShape(value);
    // Symbolic dimensions are not compared: exporters name them loosely.
    const agrees = dims.length === ours.length && dims.every((d, i) => typeof d !== 'number' || d === ours[i]);
    if (!agrees) {
      const shown = dims.map((d) => (typeof d === 'number' ? d : '?')).join('×');
      throw new ModelError(
        `${c.producer.get(name) ?? name}: the file declares "${name}" as ${shown}, Frontier infers ${showShape(ours)}`,
        value.layer,
      );
    }
  }
}

/** Frontier's weight counts per layer must be the initializers' element counts. */
function checkWeights(c: Converter, graph: ModelGraph): ReturnType<typeof countModel> {
  const counts = countModel(graph);
  const byName = new Map(counts.layers.map((l) => [l.name, l]));
  for (const [name, w] of c.weights) {
    const layer = byName.get(name);
    if (!layer) continue;
    const kernel = layer.weights.filter((t) => t.role !== 'bias').reduce((a, t) => a + t.count, 0);
    if (w.kernel && kernel !== w.kernel.count) {
      throw new ModelError(
        `${w.where}: Frontier counts ${kernel} weights, the initializer ${w.kernel.name} holds ${w.kernel.count} (${showShape(w.kernel.dims)})`,
        name,
      );
    }
    const bias = layer.weights.find((t) => t.role === 'bias')?.count;
    if (w.bias && w.bias.count !== 1 && bias !== w.bias.count) {
      throw new ModelError(`${w.where}: Frontier counts ${bias ?? 0} biases, ${w.bias.name} holds ${w.bias.count}`, name);
    }
  }
  return counts;
}

function modelName(graph: GraphProto, fileName: string): string {
  if (graph.name) return graph.name.slice(0, 200);
  const base = fileName.split(/[\\/]/).pop() ?? fileName;
  return base.replace(/\.onnx$/i, '') || 'onnx-model';
}
