// A small fluent builder for writing model graphs compactly, with Keras's defaults for every field left out.

import {
  ModelError,
  type ActivationName,
  type Layer,
  type LayerSpec,
  type ModelGraph,
  type Padding,
  type Pair,
} from '../model/types';

/** A pair, or one number standing for both entries (as Keras accepts `kernel_size=3`). */
export type PairLike = number | Pair;

export interface Conv2DOptions {
  filters: number;
  kernel: PairLike;
  /** Default 1. */
  strides?: PairLike;
  /** Default 'valid'. */
  padding?: Padding;
  /** Default 1. */
  dilation?: PairLike;
  /** Default 1. */
  groups?: number;
  /** Default true. */
  useBias?: boolean;
  /** Default 'linear'. */
  activation?: ActivationName;
}

export interface DepthwiseConv2DOptions {
  kernel: PairLike;
  strides?: PairLike;
  padding?: Padding;
  dilation?: PairLike;
  /** Default 1. */
  depthMultiplier?: number;
  useBias?: boolean;
  activation?: ActivationName;
}

export interface SeparableConv2DOptions extends DepthwiseConv2DOptions {
  filters: number;
}

export interface DenseOptions {
  units: number;
  useBias?: boolean;
  activation?: ActivationName;
}

export interface Pool2DOptions {
  pool: PairLike;
  /** Default: the pool size, as in Keras. */
  strides?: PairLike;
  padding?: Padding;
}

export interface GlobalPool2DOptions {
  /** Default false. */
  keepDims?: boolean;
}

export interface BatchNormalizationOptions {
  /** Default true (beta exists). */
  center?: boolean;
  /** Default true (gamma exists). */
  scale?: boolean;
}

/** Keras's ZeroPadding2D forms: n (all sides), [h, w] (symmetric per axis), [[top, bottom], [left, right]]. */
export type ZeroPaddingLike = number | Pair | [Pair, Pair];

export const pair = (value: PairLike): Pair => (typeof value === 'number' ? [value, value] : [value[0], value[1]]);

function zeroPadding(value: ZeroPaddingLike): [Pair, Pair] {
  if (typeof value === 'number') return [[value, value], [value, value]];
  const [h, w] = value;
  if (typeof h === 'number' && typeof w === 'number') return [[h, h], [w, w]];
  return [pair(h as Pair), pair(w as Pair)];
}

/**
 * Builds a ModelGraph layer by layer. Every method adds one layer and returns its name, which is what the
 * next layer takes as input, so a graph reads like Keras's functional API:
 *
 *     const b = new GraphBuilder('tiny');
 *     const x = b.input('input', [28, 28, 1]);
 *     const c = b.conv2d('conv', x, { filters: 8, kernel: 3, activation: 'relu' });
 *     const graph = b.build(b.dense('dense', b.flatten('flatten', c), { units: 10 }));
 */
export class GraphBuilder {
  private readonly layers: Layer[] = [];
  private readonly names = new Set<string>();

  constructor(readonly name: string) {}

  /** Adds a layer from a complete spec; the typed helpers below all go through here. */
  layer(name: string, inputs: string[], spec: LayerSpec): string {
    if (this.names.has(name)) throw new ModelError(`two layers are named "${name}"`, name);
    for (const input of inputs) {
      if (!this.names.has(input)) {
        throw new ModelError(`${name}: input "${input}" has not been added to the builder yet`, name);
      }
    }
    this.names.add(name);
    this.layers.push({ ...spec, name, inputs: [...inputs] } as Layer);
    return name;
  }

  input(name: string, shape: number[]): string {
    return this.layer(name, [], { type: 'Input', shape: [...shape] });
  }

  conv2d(name: string, input: string, o: Conv2DOptions): string {
    return this.layer(name, [input], {
      type: 'Conv2D',
      filters: o.filters,
      kernel: pair(o.kernel),
      strides: pair(o.strides ?? 1),
      padding: o.padding ?? 'valid',
      dilation: pair(o.dilation ?? 1),
      groups: o.groups ?? 1,
      useBias: o.useBias ?? true,
      activation: o.activation ?? 'linear',
    });
  }

  depthwiseConv2d(name: string, input: string, o: DepthwiseConv2DOptions): string {
    return this.layer(name, [input], {
      type: 'DepthwiseConv2D',
      kernel: pair(o.kernel),
      strides: pair(o.strides ?? 1),
      padding: o.padding ?? 'valid',
      dilation: pair(o.dilation ?? 1),
      depthMultiplier: o.depthMultiplier ?? 1,
      useBias: o.useBias ?? true,
      activation: o.activation ?? 'linear',
    });
  }

  separableConv2d(name: string, input: string, o: SeparableConv2DOptions): string {
    return this.layer(name, [input], {
      type: 'SeparableConv2D',
      filters: o.filters,
      kernel: pair(o.kernel),
      strides: pair(o.strides ?? 1),
      padding: o.padding ?? 'valid',
      dilation: pair(o.dilation ?? 1),
      depthMultiplier: o.depthMultiplier ?? 1,
      useBias: o.useBias ?? true,
      activation: o.activation ?? 'linear',
    });
  }

  dense(name: string, input: string, o: DenseOptions): string {
    return this.layer(name, [input], {
      type: 'Dense',
      units: o.units,
      useBias: o.useBias ?? true,
      activation: o.activation ?? 'linear',
    });
  }

  maxPool2d(name: string, input: string, o: Pool2DOptions): string {
    return this.pool('MaxPooling2D', name, input, o);
  }

  averagePool2d(name: string, input: string, o: Pool2DOptions): string {
    return this.pool('AveragePooling2D', name, input, o);
  }

  private pool(type: 'MaxPooling2D' | 'AveragePooling2D', name: string, input: string, o: Pool2DOptions): string {
    return this.layer(name, [input], {
      type,
      pool: pair(o.pool),
      strides: pair(o.strides ?? o.pool),
      padding: o.padding ?? 'valid',
    });
  }

  globalAveragePool2d(name: string, input: string, o: GlobalPool2DOptions = {}): string {
    return this.layer(name, [input], { type: 'GlobalAveragePooling2D', keepDims: o.keepDims ?? false });
  }

  globalMaxPool2d(name: string, input: string, o: GlobalPool2DOptions = {}): string {
    return this.layer(name, [input], { type: 'GlobalMaxPooling2D', keepDims: o.keepDims ?? false });
  }

  flatten(name: string, input: string): string {
    return this.layer(name, [input], { type: 'Flatten' });
  }

  reshape(name: string, input: string, targetShape: number[]): string {
    return this.layer(name, [input], { type: 'Reshape', targetShape: [...targetShape] });
  }

  zeroPadding2d(name: string, input: string, padding: ZeroPaddingLike = 1): string {
    return this.layer(name, [input], { type: 'ZeroPadding2D', padding: zeroPadding(padding) });
  }

  batchNorm(name: string, input: string, o: BatchNormalizationOptions = {}): string {
    return this.layer(name, [input], {
      type: 'BatchNormalization',
      center: o.center ?? true,
      scale: o.scale ?? true,
    });
  }

  activation(name: string, input: string, activation: ActivationName): string {
    return this.layer(name, [input], { type: 'Activation', activation });
  }

  dropout(name: string, input: string, rate: number): string {
    return this.layer(name, [input], { type: 'Dropout', rate });
  }

  /** Keras's Add: element-wise sum of equal-shaped inputs. */
  add(name: string, inputs: string[]): string {
    return this.layer(name, inputs, { type: 'Add' });
  }

  concatenate(name: string, inputs: string[], o: { axis?: number } = {}): string {
    return this.layer(name, inputs, { type: 'Concatenate', axis: o.axis ?? -1 });
  }

  /** The graph so far, as an independent copy. Outputs default to the last layer added. */
  build(outputs?: string | string[]): ModelGraph {
    const outs = outputs === undefined ? [] : typeof outputs === 'string' ? [outputs] : [...outputs];
    if (outs.length === 0 && this.layers.length > 0) outs.push(this.layers[this.layers.length - 1].name);
    for (const out of outs) {
      if (!this.names.has(out)) throw new ModelError(`model output "${out}" is not a layer of this model`);
    }
    return {
      name: this.name,
      layers: JSON.parse(JSON.stringify(this.layers)) as Layer[],
      outputs: outs,
    };
  }
}
