// Reading a node's window attributes (kernel, strides, pads, dilations, auto_pad, ceil_mode) and inserting the zero
// padding an explicit pad list needs.
import { ModelError, type Pair } from '../../../../shared/model/types';
import type { Converter, NodeContext } from '../context';
import type { Value } from '../layout';
import { resolveWindow, type ResolvedWindow, type WindowAttributes } from '../spatial';

function pairOf(ctx: NodeContext, name: string, list: number[] | undefined, fallback: Pair): Pair {
  if (list === undefined) return fallback;
  if (list.length !== 2) {
    throw new ModelError(`${ctx.where}: ${name} [${list.join(', ')}] should have 2 entries (a 2-D window)`);
  }
  return [list[0], list[1]];
}

export function windowAttributes(ctx: NodeContext, kernel: Pair): WindowAttributes {
  const { attrs } = ctx;
  const given = attrs.ints('kernel_shape');
  if (given && (given.length !== 2 || given[0] !== kernel[0] || given[1] !== kernel[1])) {
    throw new ModelError(`${ctx.where}: kernel_shape [${given.join(', ')}] disagrees with the ${kernel.join('×')} weights`);
  }
  const pads = attrs.ints('pads') ?? [0, 0, 0, 0];
  if (pads.length !== 4) throw new ModelError(`${ctx.where}: pads [${pads.join(', ')}] should have 4 entries`);
  return {
    kernel,
    strides: pairOf(ctx, 'strides', attrs.ints('strides'), [1, 1]),
    dilation: pairOf(ctx, 'dilations', attrs.ints('dilations'), [1, 1]),
    pads: [pads[0], pads[1], pads[2], pads[3]],
    autoPad: attrs.string('auto_pad', 'NOTSET'),
    ceilMode: attrs.int('ceil_mode', 0) !== 0,
  };
}

/** A window over an NCHW image: resolves its padding, adding a ZeroPadding2D layer when pads must be explicit. */
export function windowInput(c: Converter, ctx: NodeContext, x: Value, w: WindowAttributes): { source: Value; window: ResolvedWindow } {
  const window = resolveWindow([x.shape[0], x.shape[1]], w, ctx.where);
  if (!window.prePad) return { source: x, window };
  // The padded tensor is internal to this node: no file tensor name is bound to it.
  const source = c.addLayer(ctx, { type: 'ZeroPadding2D', padding: window.prePad }, [x], {
    name: c.nameFor(ctx, '/pad'),
    output: '',
  });
  return { source, window };
}

/** Checks that a node reads an NCHW image, as Conv and pooling do. */
export function requireImage(ctx: NodeContext, x: Value): void {
  if (x.shape.length !== 3 || x.layout !== 'cf') {
    const shown = x.layout === 'cf' ? `an input of Frontier shape ${x.shape.join('×')}` : `a ${x.shape.length + 1}-D tensor that is not NCHW`;
    throw new ModelError(`${ctx.where}: needs a 4-D NCHW image (N×C×H×W), it gets ${shown}`);
  }
}

/** Checks Frontier's spatial output against ONNX's. */
export function checkSpatial(ctx: NodeContext, out: Value, window: ResolvedWindow): void {
  if (out.shape[0] !== window.out[0] || out.shape[1] !== window.out[1]) {
    throw new ModelError(
      `${ctx.where}: ONNX gives a ${window.out.join('×')} output, Frontier's layer ${out.shape[0]}×${out.shape[1]}`,
    );
  }
}
