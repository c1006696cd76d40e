// The sweep's hot path: a model compiled once, then re-analysed for many channel counts, precisions and devices
// without rebuilding graphs. It computes exactly what `analyze` computes (a test holds the two together); only the
// work is arranged for speed: topology, deployment plan and tensor lifetimes are fixed at compile time, channel
// counts change numbers in typed arrays, and each precision × device evaluation is arithmetic over those arrays.
import type { DeviceProfile } from '../devices';
import { COMPUTE_KINDS } from '../devices';
import { channelGroups } from '../model/edit';
import { deployPlan, separableMidTensor } from '../model/deploy';
import { topologicalOrder, validateGraph } from '../model/graph';
import { inferShapes, layerOutputShape } from '../model/shapes';
import { isChannelLayer, outputChannelsOf, type Layer, type ModelGraph } from '../model/types';
import { inputDepth } from './counts';
import { calibratedAccuracy, penaltyAccuracy, type AccuracyModel, type CalibrationCurves } from './accuracy';
import type { BiasMode } from './evaluate';
import { greedyPlan } from './arena';
import { arenaBufferSizes, arenaLifetimes, inPlaceSteps, type ArenaLifetimes, type MemoryModel } from './memory';
import { BITS, isInteger, parsePrecision, type Precision } from './precision';
import { tidySig } from '../format';
import { inferenceSeconds, layerSeconds } from '../latency/model';
import { exact } from './exact';
import { dropSums, predict, prepareMeasured, type PreparedMeasured } from './measuredAccuracy';

const MAX_WEIGHT_TENSORS = 3;

export interface CompiledSettings {
  memoryModel: MemoryModel;
  /** Depthwise convolutions write over their input when it is not needed afterwards. */
  inPlaceDepthwise?: boolean;
  biasMode: BiasMode;
  headroom: number;
  accuracy: AccuracyModel | null;
  curves?: CalibrationCurves;
}

/** Output of one evaluation; reused between calls to avoid allocation. */
export interface FastFigures {
  params: number;
  paramBytes: number;
  peakActivationBytes: number;
  totalBytes: number;
  sramBytes: number;
  macs: number;
  /** NaN without a device or when a precision is unsupported on it. */
  latencyS: number;
  /** NaN without an accuracy model (or no calibration for the precision). */
  accuracy: number;
  fits: boolean;
  /** The unsupported precision name, or '' when all are supported. */
  unsupported: string;
}

export function emptyFigures(): FastFigures {
  return {
    params: 0,
    paramBytes: 0,
    peakActivationBytes: 0,
    totalBytes: 0,
    sramBytes: 0,
    macs: 0,
    latencyS: NaN,
    accuracy: NaN,
    fits: false,
    unsupported: '',
  };
}

const tensorBytesBits = (count: number, bits: number): number => Math.ceil((count * bits) / 8);

export class CompiledModel {
  private readonly layers: Layer[];
  private readonly inputIdx: number[][];
  private readonly n: number;
  /** Per layer: up to 3 weight tensor counts; a count of -1 marks "no tensor". Bias is the last used slot. */
  private readonly weightCounts: Float64Array;
  private readonly biasSlot: Int8Array;
  private readonly macs: Float64Array;
  private readonly outElements: Float64Array;
  private readonly scratchElements: Float64Array;
  private readonly kindIdx: Int8Array;
  private readonly allocates: Uint8Array;
  private readonly isInput: Uint8Array;
  private readonly override: (Precision | null)[];
  /** Memory steps: op layer index, its distinct input tensor layer indices, and liveness release lists. */
  private readonly stepLayer: number[];
  private readonly stepInputs: number[][];
  private readonly releaseAfter: number[][];
  private readonly inputLayers: number[];
  private readonly baseChannels: Map<string, number>;
  private readonly groups: Map<string, string[]>;
  private readonly reshapeFollows: Map<number, { inputLast: number }>;
  private readonly overridesUsed: string[];
  /** The precision the file stores, and per layer where the file stores it otherwise (applied at that precision). */
  private readonly filePrecision: string | null;
  private readonly fileOverride: (Precision | null)[];
  private params = 0;
  private totalMacs = 0;
  private pruned = false;
  private macsFraction = 1;
  readonly baseMacs: number;

  constructor(
    base: ModelGraph,
    readonly settings: CompiledSettings,
  ) {
    validateGraph(base);
    const baseShapes = inferShapes(base);
    this.layers = topologicalOrder(base).map((l) => JSON.parse(JSON.stringify(l)) as Layer);
    this.n = this.layers.length;
    const index = new Map(this.layers.map((l, i) => [l.name, i]));
    this.inputIdx = this.layers.map((l) => l.inputs.map((name) => index.get(name) as number));
    this.weightCounts = new Float64Array(this.n * MAX_WEIGHT_TENSORS);
    this.biasSlot = new Int8Array(this.n).fill(-1);
    this.macs = new Float64Array(this.n);
    this.outElements = new Float64Array(this.n);
    this.scratchElements = new Float64Array(this.n);
    this.kindIdx = new Int8Array(this.n).fill(-1);
    this.allocates = new Uint8Array(this.n);
    this.isInput = new Uint8Array(this.n);
    this.override = this.layers.map((l) => (l.precision ? parsePrecision(l.precision) : null));
    const stored = base.source?.layerPrecisions ?? {};
    this.filePrecision = base.source?.precision ? parsePrecision(base.source.precision).name : null;
    this.fileOverride = this.layers.map((l) => (stored[l.name] ? parsePrecision(stored[l.name]) : null));
    this.overridesUsed = [
      ...new Set(
        [...this.override, ...this.fileOverride].filter((p): p is Precision => p !== null).map((p) => p.name),
      ),
    ];

    const plan = deployPlan(base);
    const kinds: Record<string, number> = { Conv2D: 0, DepthwiseConv2D: 1, SeparableConv2D: 2, Dense: 3 };
    const folded = new Set(plan.ops.filter((op) => op.foldedBatchNorm).map((op) => op.layer.name));
    this.hasBias = this.layers.map((l) => ('useBias' in l && l.useBias) || folded.has(l.name));
    this.bnOp = this.layers.map((l) => l.type === 'BatchNormalization' && plan.roles.get(l.name)?.role === 'op');
    this.layers.forEach((l, i) => {
      const role = plan.roles.get(l.name)?.role;
      this.allocates[i] = role === 'op' || role === 'input' ? 1 : 0;
      this.isInput[i] = role === 'input' ? 1 : 0;
      if (l.type in kinds) this.kindIdx[i] = kinds[l.type];
    });
    this.inputLayers = plan.inputs.map((l) => index.get(l.name) as number);
    this.stepLayer = plan.ops.map((op) => index.get(op.layer.name) as number);
    this.stepInputs = plan.ops.map((op) => op.inputs.map((name) => index.get(name) as number));
    this.opInputs = this.layers.map(() => []);
    this.stepLayer.forEach((layerIdx, s) => (this.opInputs[layerIdx] = this.stepInputs[s]));
    // Liveness: release each tensor after the last step that reads it; outputs are never released.
    const lastUse = new Map<number, number>();
    this.stepInputs.forEach((inputs, s) => inputs.forEach((t) => lastUse.set(t, s)));
    for (const out of plan.outputs) lastUse.set(index.get(out) as number, Number.POSITIVE_INFINITY);
    this.releaseAfter = this.stepLayer.map(() => []);
    this.stepLayer.forEach((layerIdx, s) => {
      const last = lastUse.get(layerIdx) ?? s;
      if (Number.isFinite(last)) this.releaseAfter[last].push(layerIdx);
    });
    for (const t of this.inputLayers) {
      const last = lastUse.get(t);
      if (last !== undefined && Number.isFinite(last)) this.releaseAfter[last].push(t);
    }

    const stepNames = plan.ops.map((op) => ({
      output: op.layer.name,
      inputs: op.inputs,
      // Only "has a temporary" matters to in-place eligibility.
      scratchBytes: op.layer.type === 'SeparableConv2D' ? 1 : 0,
    }));
    const depthwise = settings.inPlaceDepthwise
      ? new Set(plan.ops.filter((op) => op.layer.type === 'DepthwiseConv2D').map((op) => op.layer.name))
      : undefined;
    this.stepInPlace = Uint8Array.from(inPlaceSteps(stepNames, plan.outputs, depthwise), Number);
    if (settings.memoryModel === 'arena') {
      // TFLM's buffers: every allocating layer, each Flatten / Reshape copy (sized as its source), each separable
      // convolution's depthwise half; the layout is fixed, only the sizes change per configuration.
      const sizes = new Map<string, { layer: number; mid: boolean }>();
      this.layers.forEach((l, i) => {
        if (this.allocates[i]) sizes.set(l.name, { layer: i, mid: false });
        if (l.type === 'SeparableConv2D') sizes.set(separableMidTensor(l.name), { layer: i, mid: true });
      });
      this.layers.forEach((l) => {
        if (plan.roles.get(l.name)?.role === 'alias') {
          sizes.set(l.name, { layer: index.get(plan.tensorOf.get(l.name) as string) as number, mid: false });
        }
      });
      this.arenaSizeOf = sizes;
      this.arenaLifetimes = arenaLifetimes({
        inputs: plan.inputs.map((l) => l.name),
        steps: stepNames.map((step) => ({ ...step, scratchBytes: 0 })),
        outputs: plan.outputs,
        tflm: {
          steps: plan.tflm.steps.map((step) => ({ ...step, scratchBytes: 0 })),
          outputs: plan.tflm.outputs,
          order: base.source?.tensorOrder,
        },
        inPlace: depthwise,
      });
    }

    this.baseChannels = new Map(
      this.layers.filter(isChannelLayer).map((l) => [l.name, outputChannelsOf(l)] as [string, number]),
    );
    this.groups = new Map();
    for (const group of channelGroups(base)) {
      for (const m of group.members) this.groups.set(m, group.fixedBy ? [] : group.members);
    }
    this.reshapeFollows = new Map();
    this.layers.forEach((l, i) => {
      if (l.type !== 'Reshape') return;
      const inShape = baseShapes.get(l.inputs[0]) as number[];
      const last = l.targetShape.length - 1;
      if (l.targetShape[last] === inShape[inShape.length - 1]) {
        this.reshapeFollows.set(i, { inputLast: inShape[inShape.length - 1] });
      }
    });
    this.computeCounts();
    this.baseMacs = this.totalMacs;
    const accuracy = settings.accuracy;
    if (accuracy?.kind === 'measured') {
      this.measured = prepareMeasured(accuracy);
      for (const { layer } of this.measured.curves) {
        const i = index.get(layer);
        if (i === undefined || !isChannelLayer(this.layers[i])) throw new Error(`the measured accuracy model names ${layer}, which is not a layer with output channels in ${base.name}`);
        this.measuredLayers.set(layer, i);
      }
    }
  }

  /** The measured accuracy model's curves and the layers they belong to (none for other models). */
  private measured: PreparedMeasured | null = null;
  private readonly measuredLayers = new Map<string, number>();
  /** S and L of the measured accuracy model (measuredAccuracy.ts) for the current channels (set by setChannels). */
  private drops = { s: 0, l: 0 };

  private readonly hasBias: boolean[];
  private readonly bnOp: boolean[];
  /** Per memory step: 1 when it runs in place (see `inPlaceSteps`). */
  private readonly stepInPlace: Uint8Array;
  /** Under the arena model: where each TFLM buffer's size comes from, and the buffers' lifetimes (fixed). */
  private arenaSizeOf = new Map<string, { layer: number; mid: boolean }>();
  private arenaLifetimes: ArenaLifetimes | null = null;
  /** Per layer: the tensors (layer indices) its operator reads; empty for layers that are not operators. */
  private readonly opInputs: number[][];

  /** Names of layers whose channels can be set. */
  editable(): string[] {
    return [...this.baseChannels.keys()];
  }

  originalChannels(name: string): number | undefined {
    return this.baseChannels.get(name);
  }

  /**
   * Sets output channels (layer → count); Add groups follow. Absent layers return to the original count.
   * Throws a ModelError naming the layer when the shapes become impossible.
   */
  setChannels(channels: ReadonlyMap<string, number>): void {
    const target = new Map<string, number>();
    for (const [name, value] of channels) {
      const members = this.groups.get(name);
      if (members && members.length === 0 && value !== this.baseChannels.get(name)) {
        throw new Error(`${name}: its output channels are tied by an Add to a layer whose channels cannot change`);
      }
      for (const m of members && members.length > 0 ? members : [name]) {
        const previous = target.get(m);
        if (previous !== undefined && previous !== value) {
          throw new Error(`${m}: joined by an Add to layers set to ${previous} and ${value}; they must be equal`);
        }
        target.set(m, value);
      }
    }
    let pruned = false;
    for (const layer of this.layers) {
      if (!isChannelLayer(layer)) continue;
      const original = this.baseChannels.get(layer.name) as number;
      const value = target.get(layer.name) ?? original;
      if (value < original) pruned = true;
      if (layer.type === 'Dense') layer.units = value;
      else layer.filters = value;
    }
    this.pruned = pruned;
    this.computeCounts();
    this.macsFraction = this.baseMacs > 0 ? this.totalMacs / this.baseMacs : 1;
    // Once per structure, so each precision × device evaluation of it predicts the accuracy in a few operations.
    if (this.measured) this.drops = dropSums(this.measured, (name) => this.fractionKept(this.measuredLayers.get(name) as number));
  }

  private fractionKept(i: number): number {
    const layer = this.layers[i];
    return outputChannelsOf(layer as Parameters<typeof outputChannelsOf>[0]) / (this.baseChannels.get(layer.name) as number);
  }

  private computeCounts(): void {
    const shapes: number[][] = new Array(this.n);
    let params = 0;
    let macs = 0;
    for (let i = 0; i < this.n; i++) {
      const layer = this.layers[i];
      const inputs = this.inputIdx[i].map((j) => shapes[j]);
      const follow = this.reshapeFollows.get(i);
      if (follow && layer.type === 'Reshape') {
        const inLast = inputs[0][inputs[0].length - 1];
        layer.targetShape[layer.targetShape.length - 1] = inLast;
      }
      const out = layerOutputShape(layer, inputs);
      shapes[i] = out;
      const inC = inputDepth(layer, inputs[0]);
      const w = i * MAX_WEIGHT_TENSORS;
      this.weightCounts[w] = this.weightCounts[w + 1] = this.weightCounts[w + 2] = -1;
      this.biasSlot[i] = -1;
      let layerMacs = 0;
      let scratch = 0;
      switch (layer.type) {
        case 'Conv2D': {
          const k = layer.kernel[0] * layer.kernel[1];
          this.weightCounts[w] = (k * inC * layer.filters) / layer.groups;
          if (this.hasBias[i]) this.setBias(i, 1, layer.filters);
          layerMacs = (out[0] * out[1] * layer.filters * k * inC) / layer.groups;
          break;
        }
        case 'DepthwiseConv2D': {
          const k = layer.kernel[0] * layer.kernel[1];
          const outC = inC * layer.depthMultiplier;
          this.weightCounts[w] = k * outC;
          if (this.hasBias[i]) this.setBias(i, 1, outC);
          layerMacs = out[0] * out[1] * outC * k;
          break;
        }
        case 'SeparableConv2D': {
          const k = layer.kernel[0] * layer.kernel[1];
          const mid = inC * layer.depthMultiplier;
          this.weightCounts[w] = k * mid;
          this.weightCounts[w + 1] = mid * layer.filters;
          if (this.hasBias[i]) this.setBias(i, 2, layer.filters);
          const positions = out[0] * out[1];
          layerMacs = positions * mid * k + positions * mid * layer.filters;
          scratch = positions * mid;
          break;
        }
        case 'Dense': {
          this.weightCounts[w] = inC * layer.units;
          if (this.hasBias[i]) this.setBias(i, 1, layer.units);
          let positions = 1;
          for (let d = 0; d < out.length - 1; d++) positions *= out[d];
          layerMacs = positions * inC * layer.units;
          break;
        }
        case 'BatchNormalization':
          if (this.bnOp[i]) {
            this.weightCounts[w] = inC;
            this.weightCounts[w + 1] = inC;
          }
          break;
        default:
          break;
      }
      for (let s = 0; s < MAX_WEIGHT_TENSORS; s++) if (this.weightCounts[w + s] > 0) params += this.weightCounts[w + s];
      this.macs[i] = layerMacs;
      macs += layerMacs;
      this.scratchElements[i] = scratch;
      let elements = 0;
      if (this.allocates[i]) {
        elements = 1;
        for (const d of out) elements *= d;
      }
      this.outElements[i] = elements;
      // The same bounds as countModel: a configuration whose counts cannot be exact fails, naming the layer.
      exact(params, "the model's parameters up to it", layer.name);
      exact(2 * macs, "the model's FLOPs up to it", layer.name);
      exact(elements + scratch, 'its activation values', layer.name);
    }
    this.params = params;
    this.totalMacs = macs;
  }

  private setBias(layer: number, slot: number, count: number): void {
    this.weightCounts[layer * MAX_WEIGHT_TENSORS + slot] = count;
    this.biasSlot[layer] = slot;
  }

  private bytes: Float64Array = new Float64Array(0);

  /** Evaluates the current channel configuration at a precision on a device (or none). */
  evaluate(precision: Precision, device: DeviceProfile | null, out: FastFigures): FastFigures {
    if (this.bytes.length !== this.n) this.bytes = new Float64Array(this.n);
    const bytes = this.bytes;
    const int32Bias = this.settings.biasMode === 'int32';
    let paramBytes = 0;
    let latency = device ? inferenceSeconds(device) : 0;
    const layered = device?.latency !== undefined;
    let unsupported = '';
    for (let i = 0; i < this.n; i++) {
      const p = this.precisionOf(i, precision);
      const wBits = BITS[p.weights];
      const w = i * MAX_WEIGHT_TENSORS;
      const biasSlot = this.biasSlot[i];
      for (let s = 0; s < MAX_WEIGHT_TENSORS; s++) {
        const count = this.weightCounts[w + s];
        if (count < 0) continue;
        paramBytes += s === biasSlot && int32Bias && isInteger(p.weights) ? 4 * count : tensorBytesBits(count, wBits);
      }
      const actBits = BITS[p.activations];
      bytes[i] = this.allocates[i] ? tensorBytesBits(this.outElements[i], actBits) : 0;
      // The plain model charges MAC-carrying layers only; skipping the rest keeps the sweep's hot loop lean.
      if (device && (layered || this.macs[i] > 0)) {
        const kind = this.kindIdx[i];
        const layer = this.layers[i];
        const isOp = this.allocates[i] === 1 && this.isInput[i] === 0;
        let inputElements = 0;
        if (layered && isOp && this.macs[i] === 0) for (const t of this.opInputs[i]) inputElements += this.outElements[t];
        const seconds = layerSeconds(device, p.name, layer.type, kind >= 0 ? COMPUTE_KINDS[kind] : undefined, isOp,
          this.macs[i], this.scratchElements[i], layer.type === 'SeparableConv2D' ? layer.filters : 0, inputElements);
        if (seconds === null) {
          if (unsupported === '') unsupported = p.name;
        } else latency += seconds;
      }
    }
    const peak = this.peak(precision);
    out.params = this.params;
    out.paramBytes = paramBytes;
    out.peakActivationBytes = peak;
    out.totalBytes = paramBytes + peak;
    out.macs = this.totalMacs;
    out.unsupported = unsupported;
    out.latencyS = device && unsupported === '' ? tidySig(latency) : NaN;
    if (device) {
      const inSram = device.weightsIn === 'sram';
      out.sramBytes = peak + (inSram ? paramBytes : 0) + device.runtimeRamBytes;
      const flash = (inSram ? 0 : paramBytes) + device.runtimeFlashBytes;
      const budget = Math.floor(device.sramBytes * (1 - this.settings.headroom));
      out.fits = out.sramBytes <= budget && flash <= device.flashBytes;
    } else {
      out.sramBytes = peak;
      out.fits = false;
    }
    out.accuracy = this.accuracy(precision);
    return out;
  }

  private scratchBytes(i: number, precision: Precision): number {
    const s = this.scratchElements[i];
    return s > 0 ? tensorBytesBits(s, BITS[this.precisionOf(i, precision).activations]) : 0;
  }

  /** As `evaluate` does: a per-layer override (operations only), then the file's own type, then the precision. */
  private precisionOf(i: number, precision: Precision): Precision {
    const user = this.isInput[i] ? null : this.override[i];
    const file = precision.name === this.filePrecision ? this.fileOverride[i] : null;
    return user ?? file ?? precision;
  }

  private peak(precision: Precision): number {
    const bytes = this.bytes;
    const steps = this.stepLayer;
    let best = 0;
    switch (this.settings.memoryModel) {
      case 'largest-tensor': {
        for (const t of this.inputLayers) if (bytes[t] > best) best = bytes[t];
        for (const i of steps) {
          if (bytes[i] > best) best = bytes[i];
          const s = this.scratchBytes(i, precision);
          if (s > best) best = s;
        }
        return best;
      }
      case 'layer-io': {
        for (const t of this.inputLayers) if (bytes[t] > best) best = bytes[t];
        for (let s = 0; s < steps.length; s++) {
          let inputs = 0;
          for (const t of this.stepInputs[s]) inputs += bytes[t];
          const i = steps[s];
          const scratch = this.scratchBytes(i, precision);
          const v =
            scratch > 0 || this.stepInPlace[s] ? Math.max(inputs, bytes[i]) + scratch : inputs + bytes[i];
          if (v > best) best = v;
        }
        return best;
      }
      case 'liveness': {
        let live = 0;
        for (const t of this.inputLayers) live += bytes[t];
        best = live;
        for (let s = 0; s < steps.length; s++) {
          const i = steps[s];
          live += bytes[i];
          const reused = this.stepInPlace[s] ? Math.min(bytes[i], bytes[this.stepInputs[s][0]]) : 0;
          const v = live + this.scratchBytes(i, precision) - reused;
          if (v > best) best = v;
          for (const t of this.releaseAfter[s]) live -= bytes[t];
        }
        return best;
      }
      case 'arena': {
        const sizeOf = (name: string): number => {
          const from = this.arenaSizeOf.get(name);
          return !from ? 0 : from.mid ? this.scratchBytes(from.layer, precision) : bytes[from.layer];
        };
        return greedyPlan(arenaBufferSizes(this.arenaLifetimes as ArenaLifetimes, sizeOf).filter((b) => b.size > 0)).size;
      }
    }
  }

  private readonly penaltyCache = new Map<string, number>();

  private accuracy(precision: Precision): number {
    const model = this.settings.accuracy;
    if (!model) return NaN;
    if (model.kind === 'measured') {
      const base = model.base[precision.name];
      return base === undefined ? NaN : predict(model.form, model.coefficients, base, this.drops.s, this.drops.l);
    }
    // A penalty model depends only on (pruned, precision): cache it, the sweep asks millions of times.
    const key = model.kind === 'penalties' ? `${this.pruned ? 1 : 0}${precision.name}` : '';
    const cached = key ? this.penaltyCache.get(key) : undefined;
    if (cached !== undefined) return cached;
    const used = this.overridesUsed.length === 0 ? [precision.name] : this.precisionsUsed(precision);
    const input = { pruned: this.pruned, precision: precision.name, precisionsUsed: used, macsFraction: this.macsFraction };
    const estimate =
      model.kind === 'penalties'
        ? penaltyAccuracy(model, input)
        : calibratedAccuracy(this.settings.curves ?? new Map(), input);
    const value = estimate.value ?? NaN;
    if (key) this.penaltyCache.set(key, value);
    return value;
  }

  private precisionsUsed(precision: Precision): string[] {
    const used = new Set<string>();
    for (let i = 0; i < this.n; i++) {
      if (this.allocates[i]) used.add(this.precisionOf(i, precision).name);
    }
    return [...used];
  }
}
