// The project as it is remembered in localStorage (so a reload keeps it), and the two projects the app starts from:
// the worked example a newcomer sees, and a blank one.
import type { ImportOptions } from '../../shared/model/importOptions';
import type { AccuracyModel, PenaltyModel } from '../../shared/analysis/accuracy';
import type { BiasMode } from '../../shared/analysis/evaluate';
import type { MemoryModel } from '../../shared/analysis/memory';
import type { Client } from '../../shared/sweep/types';

export interface SweepDims {
  /** Layer → value list text as typed ("8,16", "8:64:8"); empty = not swept. */
  channels: Record<string, string>;
  /** Layer (or `*`) → ratio list text ("0:0.75:0.25"). */
  prune: Record<string, string>;
  precisions: string[];
  strategy: 'grid' | 'random';
  samples: number;
  seed: number;
}

/** The precisions the Sweep view always offers as boxes; a file's stored precision (W8A32) joins them while it is loaded. */
export const SWEEP_PRECISIONS: readonly string[] = ['fp32', 'fp16', 'int8', 'int4', 'w4a8', 'w8a16'];

export interface SavedProject {
  version: 1;
  /** The model and how its file is read (`options.allowUnknownOps` once the user chose to analyse unknown operators). */
  source: { preset?: string; file?: { name: string; base64: string }; options?: ImportOptions } | null;
  channels: Record<string, number>;
  precision: string;
  deviceIds: string[];
  /** Runtimes every device runs under (a sweep dimension); empty = each device profile's own figures. */
  runtimeIds?: string[];
  memoryModel: MemoryModel;
  headroom: number;
  biasMode: BiasMode;
  /** Where weights live: as each device profile says, or SRAM / flash on every device. */
  weightsIn?: 'sram' | 'flash';
  /** Depthwise convolutions run in place (every memory model). */
  inPlaceDepthwise?: boolean;
  clients: Client[];
  accuracy: AccuracyModel | null;
  /** The Sweep view's accuracy source (absent: typed), with measured accuracy's verify budget and metric. */
  accuracySource?: { kind: 'typed' | 'measured'; verify: number; metric: string };
  dims: SweepDims;
  session: string | null;
}

const STORAGE_KEY = 'frontier.project';

export const EXAM_ACCURACY: PenaltyModel = {
  kind: 'penalties',
  metric: 'accuracy',
  base: 0.93,
  penalties: { pruned: 0.05, int8: 0.03 },
};

/** The sample project a newcomer sees: the worked example, ready to Run. */
export function sampleProject(): SavedProject {
  return {
    version: 1,
    source: { preset: 'exam-cnn' },
    channels: {},
    precision: 'fp32',
    deviceIds: ['exam-mcu'],
    memoryModel: 'largest-tensor',
    headroom: 0,
    biasMode: 'weight',
    clients: [
      { name: 'client1', deadlineS: 0.2 },
      { name: 'client2', deadlineS: 0.5 },
    ],
    accuracy: EXAM_ACCURACY,
    dims: {
      channels: { conv1: '8,16', conv2: '8,32' },
      prune: {},
      precisions: ['fp32', 'int8'],
      strategy: 'grid',
      samples: 10000,
      seed: 1,
    },
    session: null,
  };
}

export function blankProject(): SavedProject {
  return {
    version: 1,
    source: null,
    channels: {},
    precision: 'fp32',
    deviceIds: [],
    memoryModel: 'layer-io',
    headroom: 0,
    biasMode: 'weight',
    clients: [],
    accuracy: null,
    dims: { channels: {}, prune: {}, precisions: ['fp32'], strategy: 'grid', samples: 10000, seed: 1 },
    session: null,
  };
}

/** The remembered project, or null when there is none (or it is unreadable or of another version). */
export function loadSavedProject(): SavedProject | null {
  try {
    const text = localStorage.getItem(STORAGE_KEY);
    const parsed = text ? (JSON.parse(text) as SavedProject) : null;
    return parsed?.version === 1 ? parsed : null;
  } catch {
    return null;
  }
}

export function storeSavedProject(saved: SavedProject): void {
  try {
    localStorage.setItem(STORAGE_KEY, JSON.stringify(saved));
  } catch {
    // Storage full or unavailable: the project still works, it is just not remembered.
  }
}
