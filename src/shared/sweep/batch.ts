// Analyses a contiguous run of configurations into columns: the work one worker does for one batch.
import { prepareModel } from '../analysis/analyze';
import { CompiledModel, emptyFigures } from '../analysis/compiled';
import { allExact } from '../analysis/exact';
import { parsePrecision, type Precision } from '../analysis/precision';
import type { DeviceProfile } from '../devices';
import type { ModelGraph } from '../model/types';
import { channelTargets, decode, digits, gridIndex, structuralDims, type DesignSpace, type SpaceContext } from './space';
import type { ConfigStatus, SweepSpec } from './types';

/** Everything a worker needs to analyse any configuration of a sweep (plain data: it crosses threads). */
export interface SweepJob {
  graph: ModelGraph;
  /** Profiles in the order of the device dimension's values. */
  devices: DeviceProfile[];
  spec: Pick<SweepSpec, 'memoryModel' | 'biasMode' | 'headroom' | 'accuracy' | 'inPlaceDepthwise'>;
  space: DesignSpace;
  ctx: SpaceContext;
}

export const STATUS_CODE: Record<ConfigStatus, number> = { ok: 0, 'no-fit': 1, unsupported: 2, error: 3 };
export const STATUS_NAME: ConfigStatus[] = ['ok', 'no-fit', 'unsupported', 'error'];

/** Results of a batch, one entry per configuration, as columns (NaN = no value). */
export interface ResultColumns {
  /** Rows used, when the arrays are longer (a reused buffer); all of them when absent. */
  count?: number;
  /** Ordinals of the configurations. */
  idx: Float64Array | Uint32Array;
  status: Uint8Array;
  params: Float64Array;
  paramBytes: Float64Array;
  peakActivationBytes: Float64Array;
  totalBytes: Float64Array;
  sramBytes: Float64Array;
  macs: Float64Array;
  latencyS: Float64Array;
  accuracy: Float64Array;
  /** Position in this batch → message, for configurations that failed analysis. */
  messages?: Map<number, string>;
}

export function allocateColumns(n: number): ResultColumns {
  return {
    idx: new Float64Array(n),
    status: new Uint8Array(n),
    params: new Float64Array(n),
    paramBytes: new Float64Array(n),
    peakActivationBytes: new Float64Array(n),
    totalBytes: new Float64Array(n),
    sramBytes: new Float64Array(n),
    macs: new Float64Array(n),
    latencyS: new Float64Array(n),
    accuracy: new Float64Array(n),
    messages: new Map(),
  };
}

/** The buffers of a batch's columns, for zero-copy transfer between threads. */
export function columnBuffers(c: ResultColumns): ArrayBuffer[] {
  return [c.idx, c.status, c.params, c.paramBytes, c.peakActivationBytes, c.totalBytes, c.sramBytes, c.macs, c.latencyS, c.accuracy].map(
    (a) => a.buffer as ArrayBuffer,
  );
}

export class BatchAnalyser {
  private readonly model: CompiledModel;
  /** Indexed by the precision and device dimensions' digits. */
  private readonly precisions: Precision[];
  private readonly devices: DeviceProfile[];
  private readonly precisionDim: number;
  private readonly deviceDim: number;
  private readonly structural: number;
  private readonly digitBuffer: Int32Array;
  private lastKey = '';
  private lastError: string | null = null;

  constructor(private readonly job: SweepJob) {
    const prepared = job.spec.accuracy?.kind === 'calibrated' ? prepareModel(job.graph, job.spec.accuracy) : undefined;
    this.model = new CompiledModel(job.graph, { ...job.spec, curves: prepared?.curves });
    const dims = job.space.dims;
    this.precisionDim = dims.findIndex((d) => d.kind === 'precision');
    this.deviceDim = dims.findIndex((d) => d.kind === 'device');
    this.precisions = dims[this.precisionDim].values.map((p) => parsePrecision(String(p)));
    const deviceOf = new Map(job.devices.map((d) => [d.id, d]));
    this.devices = dims[this.deviceDim].values.map((id) => {
      const device = deviceOf.get(String(id));
      if (!device) throw new Error(`device "${id}" has no profile in this sweep`);
      return device;
    });
    this.structural = structuralDims(job.space);
    this.digitBuffer = new Int32Array(job.space.dims.length);
  }

  /** Analyses ordinals [start, end); `onProgress` is called now and then with the number done so far. */
  run(start: number, end: number, onProgress?: (done: number) => void): ResultColumns {
    const n = end - start;
    const out = allocateColumns(n);
    const figures = emptyFigures();
    for (let k = 0; k < n; k++) {
      const ordinal = start + k;
      out.idx[k] = ordinal;
      const ds = digits(this.job.space, gridIndex(this.job.space, ordinal), this.digitBuffer);
      let key = '';
      for (let d = 0; d < this.structural; d++) key += ds[d] + ',';
      if (key !== this.lastKey) {
        this.lastKey = key;
        this.lastError = null;
        try {
          this.model.setChannels(channelTargets(decode(this.job.space, ordinal), this.job.ctx));
        } catch (error) {
          this.lastError = (error as Error).message;
        }
      }
      if (this.lastError !== null) {
        out.status[k] = STATUS_CODE.error;
        out.latencyS[k] = out.accuracy[k] = NaN;
        out.messages?.set(k, this.lastError);
        continue;
      }
      const precision = this.precisions[ds[this.precisionDim]];
      const device = this.devices[ds[this.deviceDim]];
      this.model.evaluate(precision, device, figures);
      if (!allExact(figures.paramBytes, figures.peakActivationBytes, figures.totalBytes, figures.sramBytes)) {
        out.status[k] = STATUS_CODE.error;
        out.latencyS[k] = out.accuracy[k] = NaN;
        out.messages?.set(k, "its memory figures would be beyond 2^53 bytes, where Frontier's figures stop being exact");
        continue;
      }
      out.params[k] = figures.params;
      out.paramBytes[k] = figures.paramBytes;
      out.peakActivationBytes[k] = figures.peakActivationBytes;
      out.totalBytes[k] = figures.totalBytes;
      out.sramBytes[k] = figures.sramBytes;
      out.macs[k] = figures.macs;
      out.latencyS[k] = figures.latencyS;
      out.accuracy[k] = figures.accuracy;
      // The reason for `unsupported` follows from the configuration (precision, device): not stored per row.
      if (figures.unsupported !== '') out.status[k] = STATUS_CODE.unsupported;
      else out.status[k] = figures.fits ? STATUS_CODE.ok : STATUS_CODE['no-fit'];
      if (onProgress && (k & 4095) === 4095) onProgress(k + 1);
    }
    return out;
  }
}
