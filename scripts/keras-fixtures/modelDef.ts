// A model as the Python code builds it: layer classes and constructor arguments, and the output shapes Keras
// computes for them.

export type Args = Record<string, unknown>;
export type Shape = (number | null)[];

export interface LayerDef {
  cls: string;
  name: string;
  args: Args;
  /** Names of the input layers (functional models; a Sequential chains its layers). */
  inputs: string[];
  /** Call kwargs recorded in a Keras 3 node. */
  kwargs?: Args;
}

export interface ModelDef {
  name: string;
  kind: 'sequential' | 'functional';
  /** Keras 3: input_layers / output_layers as a bare ["name", 0, 0] (Model(inputs=x, outputs=y)). */
  flatIo?: boolean;
  layers: LayerDef[];
  outputs: string[];
}

export class Builder {
  layers: LayerDef[] = [];
  constructor(readonly name: string) {}
  input(shape: number[], name: string): string {
    this.layers.push({ cls: 'InputLayer', name, args: { shape }, inputs: [] });
    return name;
  }
  add(cls: string, name: string, args: Args, inputs: string | string[], kwargs?: Args): string {
    this.layers.push({ cls, name, args, inputs: Array.isArray(inputs) ? inputs : [inputs], kwargs });
    return name;
  }
}

export const pair = (v: unknown): [number, number] => (Array.isArray(v) ? [v[0], v[1]] : [v as number, v as number]);

function convOut(size: number, k: number, s: number, pad: string, d = 1): number {
  if (pad === 'same') return Math.ceil(size / s);
  return Math.floor((size - (d * (k - 1) + 1)) / s) + 1;
}

/** Output shape (with the batch dimension) of a layer as Keras computes it. */
export function outputShape(layer: LayerDef, inputs: Shape[]): Shape {
  const a = layer.args;
  const x = inputs[0];
  const spatial = (k: unknown, s: unknown, pad: unknown, d: unknown = 1): [number, number] => {
    const [kh, kw] = pair(k);
    const [sh, sw] = pair(s ?? 1);
    const [dh, dw] = pair(d);
    const p = (pad as string) ?? 'valid';
    return [convOut(x[1] as number, kh, sh, p, dh), convOut(x[2] as number, kw, sw, p, dw)];
  };
  switch (layer.cls) {
    case 'InputLayer':
      return [null, ...(a.shape as number[])];
    case 'Conv2D':
    case 'SeparableConv2D':
      return [null, ...spatial(a.kernel_size, a.strides, a.padding, a.dilation_rate), a.filters as number];
    case 'DepthwiseConv2D':
      return [null, ...spatial(a.kernel_size, a.strides, a.padding), (x[3] as number) * ((a.depth_multiplier as number) ?? 1)];
    case 'MaxPooling2D':
    case 'AveragePooling2D':
      return [null, ...spatial(a.pool_size ?? 2, a.strides ?? a.pool_size ?? 2, a.padding), x[3]];
    case 'GlobalAveragePooling2D':
      return a.keepdims ? [null, 1, 1, x[3]] : [null, x[3]];
    case 'ZeroPadding2D': {
      const p = a.padding as number | [[number, number], [number, number]];
      const [[t, b], [l, r]] = typeof p === 'number' ? [[p, p], [p, p]] : p;
      return [null, (x[1] as number) + t + b, (x[2] as number) + l + r, x[3]];
    }
    case 'Flatten':
      return [null, (x.slice(1) as number[]).reduce((m, d) => m * d, 1)];
    case 'Dense':
      return [...x.slice(0, -1), a.units as number];
    case 'Reshape':
      return [null, ...(a.target_shape as number[])];
    case 'Concatenate': {
      const axis = (a.axis as number | undefined) ?? -1;
      const ax = axis < 0 ? x.length + axis : axis;
      const out = [...x];
      out[ax] = inputs.reduce((m, s) => m + (s[ax] as number), 0);
      return out;
    }
    default:
      return [...x];
  }
}
