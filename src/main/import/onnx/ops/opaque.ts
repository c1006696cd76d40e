// An operator Frontier does not know, analysed (only when the user asks) as a zero-MAC layer whose output shape is
// the one the file declares.
import { ModelError } from '../../../../shared/model/types';
import type { Converter, NodeContext } from '../context';
import { frontierShape, layoutForRank, type Value } from '../layout';
import { operatorName } from './index';

/**
 * Shapes the file declares (value_info, graph outputs and inputs): a size, a symbolic name (`batch`, `h`), or null
 * for a dimension left open.
 */
export type DeclaredShapes = ReadonlyMap<string, { dims?: (number | string | null)[]; elemType: number }>;

export function opaque(c: Converter, ctx: NodeContext, declared: DeclaredShapes): void {
  const inputs = ctx.node.input.filter((n) => c.values.has(n)).map((n) => c.values.get(n) as Value);
  ctx.node.output.forEach((name, i) => {
    if (i > 0 && name !== '' && c.readers(name) > 0) {
      throw new ModelError(`${ctx.where}: output ${i + 1} ("${name}") of an unknown operator is read; Frontier analyses only the first output of an unknown operator`);
    }
  });
  const out = ctx.node.output[0] ?? '';
  const dims = declared.get(out)?.dims;
  if (!dims) {
    throw new ModelError(
      `${ctx.where}: an unknown operator is analysed with the output shape the file declares, and the file declares none for "${out}" (add it to value_info, e.g. with onnx.shape_inference)`,
    );
  }
  const batch = inputs[0]?.batch ?? 1;
  // Symbolic sizes take the values the inputs gave them (an input `batch×3×h×w` names h and w).
  const known = dims.map((d, i) => {
    if (typeof d === 'number') return d;
    const value = d === null ? undefined : c.symbols.get(d);
    if (value !== undefined) return value;
    if (i === 0) return batch;
    throw new ModelError(`${ctx.where}: the file declares output "${out}" with an unknown dimension ${i + 1}${d ? ` (${d})` : ''}`);
  });
  if (known.length < 2) throw new ModelError(`${ctx.where}: output "${out}" is declared ${known.length}-D; Frontier needs a batch and at least one more dimension`);
  const layout = layoutForRank(known.length);
  const outputShape = frontierShape(known, layout);
  const value = c.addLayer(ctx, { type: 'Opaque', op: operatorName(ctx.node.domain, ctx.node.opType), outputShape }, inputs.map((v) => ({ ...v, batchAxis: 0 })), { layout });
  c.values.set(value.name, { ...value, batch: known[0] });
}
