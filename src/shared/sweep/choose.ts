// The best configuration for each client, and when none qualifies, the one that comes closest and by how much.
import { duration, kibLabel, percent } from '../format';
import type { Client, ConfigStatus } from './types';

/** One analysed configuration on one device, as the chooser needs it. */
export interface Candidate {
  idx: number;
  status: ConfigStatus;
  /** null when the sweep has no accuracy model. */
  accuracy: number | null;
  /** null when the device cannot run it (or there is no device). */
  latencyS: number | null;
  totalBytes: number;
  /** SRAM the configuration needs on its device. */
  sramBytes: number;
  /** SRAM available on the device after the headroom; lets a `no-fit` candidate say how far over it is. */
  sramBudgetBytes?: number;
  /** Device id. */
  device: string;
  /** The board of a `board+runtime` device, so a client naming the board matches it under every runtime. */
  board?: string;
}

export interface MissBy {
  /** Seconds over the deadline. */
  latencyS?: number;
  /** Accuracy (fraction) below the client's minimum; absent when the accuracy is unknown (the reason says so). */
  accuracy?: number;
  /** SRAM bytes over the device's budget. */
  memoryBytes?: number;
}

export interface NearestMiss {
  candidate: Candidate;
  missBy: MissBy;
  /** The normalised violation the miss was chosen by (see `bestForClient`). */
  violation: number;
  reason: string;
}

export interface ClientChoice {
  best: Candidate | null;
  /** Only when `best` is null: the candidate closest to qualifying, or null when there is none at all. */
  nearestMiss: NearestMiss | null;
}

/** Relative tolerance of the deadline and minimum-accuracy tests: float noise must not decide. */
export const RELATIVE_EPSILON = 1e-9;

/** latency ≤ deadline, tolerating relative float noise (0.2000000000001 meets a 0.2 s deadline). */
export function meetsDeadline(latencyS: number, deadlineS: number): boolean {
  return latencyS <= deadlineS + Math.abs(deadlineS) * RELATIVE_EPSILON;
}

/** accuracy ≥ minimum, tolerating relative float noise (0.93 − 0.03 − 0.05 meets 0.85). */
export function meetsMinAccuracy(accuracy: number, minAccuracy: number): boolean {
  return accuracy >= minAccuracy - Math.abs(minAccuracy) * RELATIVE_EPSILON;
}

/**
 * Accuracy as an integer key for comparisons: rounded to 1e-9, so 0.9 and 0.9000000000000001 tie, and ties are
 * transitive (rounding to a grid, unlike comparing with a tolerance). null (no accuracy model) is -Infinity, which
 * equals every other null.
 */
export function accuracyKey(accuracy: number | null): number {
  return accuracy === null || Number.isNaN(accuracy) ? -Infinity : Math.round(accuracy * 1e9);
}

/** The figures a ranking of choices looks at. */
export interface RankedFigures {
  accuracy: number | null;
  latencyS: number | null;
  totalBytes: number;
}

/**
 * Orders choices best first: higher accuracy (rounded as in `accuracyKey`; nulls equal), then lower latency (null
 * last), then lower totalBytes. Negative when `a` is better. Indices are not compared (see `compareCandidates`).
 */
export function compareFigures(a: RankedFigures, b: RankedFigures): number {
  const ka = accuracyKey(a.accuracy);
  const kb = accuracyKey(b.accuracy);
  if (ka !== kb) return ka > kb ? -1 : 1;
  const la = a.latencyS ?? Infinity;
  const lb = b.latencyS ?? Infinity;
  if (la !== lb) return la < lb ? -1 : 1;
  if (a.totalBytes !== b.totalBytes) return a.totalBytes < b.totalBytes ? -1 : 1;
  return 0;
}

/** `compareFigures`, then the lower index: a total order, so the choice never depends on input order. */
export function compareCandidates(a: Candidate, b: Candidate): number {
  return compareFigures(a, b) || a.idx - b.idx || (a.device < b.device ? -1 : a.device > b.device ? 1 : 0);
}

const onDevice = (client: Client, c: Candidate) =>
  client.device === undefined || c.device === client.device || c.board === client.device;

/** Does the candidate satisfy the client? */
export function qualifies(client: Client, c: Candidate): boolean {
  if (c.status !== 'ok' || c.latencyS === null || !onDevice(client, c)) return false;
  if (!meetsDeadline(c.latencyS, client.deadlineS)) return false;
  if (client.minAccuracy !== undefined) {
    if (c.accuracy === null || !meetsMinAccuracy(c.accuracy, client.minAccuracy)) return false;
  }
  return true;
}

/**
 * How far a candidate is from satisfying the client, normalised so the parts add up:
 *   latency overshoot / deadline + accuracy shortfall / minAccuracy + SRAM overshoot / SRAM budget.
 * An unknown accuracy against a minimum counts as a full shortfall (1). Returns null when the candidate cannot be a
 * miss at all: another device than the client's, status `error` or `unsupported`, no latency, or `no-fit` without a
 * known SRAM budget (how far it is over cannot be said).
 */
export function violation(client: Client, c: Candidate): { violation: number; missBy: MissBy } | null {
  if (!onDevice(client, c) || c.latencyS === null) return null;
  if (c.status !== 'ok' && c.status !== 'no-fit') return null;
  const missBy: MissBy = {};
  let v = 0;
  if (!meetsDeadline(c.latencyS, client.deadlineS)) {
    missBy.latencyS = c.latencyS - client.deadlineS;
    v += client.deadlineS > 0 ? missBy.latencyS / client.deadlineS : Infinity;
  }
  if (client.minAccuracy !== undefined) {
    if (c.accuracy === null) {
      v += 1;
    } else if (!meetsMinAccuracy(c.accuracy, client.minAccuracy)) {
      missBy.accuracy = client.minAccuracy - c.accuracy;
      v += client.minAccuracy > 0 ? missBy.accuracy / client.minAccuracy : Infinity;
    }
  }
  if (c.status === 'no-fit') {
    if (c.sramBudgetBytes === undefined) return null;
    missBy.memoryBytes = Math.max(0, c.sramBytes - c.sramBudgetBytes);
    v += c.sramBudgetBytes > 0 ? missBy.memoryBytes / c.sramBudgetBytes : Infinity;
  }
  return { violation: v, missBy };
}

/** Seconds with 4 significant figures, without float noise: 0.03999999999999998 → "0.04 s". */
/** Times as the app shows them: ms below a second ("82.7 ms"), s above ("3.904 s"). */
const seconds = (s: number) => duration(s);
/** Percentage points: 0.05 → "5 points". */
const points = (fraction: number) => `${Number((fraction * 100).toPrecision(4))} percentage points`;

function describeMiss(client: Client, c: Candidate, missBy: MissBy, fastest: boolean): string {
  const parts: string[] = [];
  if (missBy.latencyS !== undefined) {
    parts.push(
      `takes ${seconds(c.latencyS as number)}, ${seconds(missBy.latencyS)} over the ${seconds(client.deadlineS)} deadline`,
    );
  }
  if (client.minAccuracy !== undefined && c.accuracy === null) {
    parts.push(`has no accuracy estimate (the sweep has no accuracy model) against the ${percent(client.minAccuracy)} minimum`);
  } else if (missBy.accuracy !== undefined) {
    parts.push(
      `reaches ${percent(c.accuracy)}, ${points(missBy.accuracy)} below the ${percent(client.minAccuracy ?? null)} minimum`,
    );
  }
  if (missBy.memoryBytes !== undefined) {
    parts.push(
      `needs ${kibLabel(c.sramBytes)} of SRAM, ${kibLabel(missBy.memoryBytes)} over the ${kibLabel(c.sramBudgetBytes ?? 0)} available on ${c.device}`,
    );
  }
  const who = fastest
    ? `the fastest feasible configuration (#${c.idx} on ${c.device})`
    : `the nearest configuration (#${c.idx} on ${c.device})`;
  return `${who} ${parts.join('; ')}`;
}

/**
 * The best candidate for a client: among candidates with status `ok`, on the client's device if it names one,
 * latency ≤ deadline (relative tolerance 1e-9) and accuracy ≥ minAccuracy when one is given (an unknown accuracy
 * never meets a minimum), the highest accuracy; ties go to lower latency, then lower totalBytes, then lower idx
 * (then device id). Accuracies are compared rounded to 1e-9; null accuracies are all equal.
 *
 * When none qualifies, `nearestMiss` is the candidate with the least normalised `violation` (ties broken the same
 * way as the best), with what it misses by in figures and in words.
 */
export function bestForClient(client: Client, candidates: readonly Candidate[]): ClientChoice {
  let best: Candidate | null = null;
  for (const c of candidates) {
    if (qualifies(client, c) && (best === null || compareCandidates(c, best) < 0)) best = c;
  }
  if (best) return { best, nearestMiss: null };

  let miss: { candidate: Candidate; violation: number; missBy: MissBy } | null = null;
  let fastest: Candidate | null = null;
  for (const c of candidates) {
    const v = violation(client, c);
    if (!v) continue;
    if (c.status === 'ok' && (fastest === null || (c.latencyS as number) < (fastest.latencyS as number))) fastest = c;
    if (miss === null || v.violation < miss.violation || (v.violation === miss.violation && compareCandidates(c, miss.candidate) < 0)) {
      miss = { candidate: c, ...v };
    }
  }
  if (!miss) return { best: null, nearestMiss: null };
  const onlyLatency = Object.keys(miss.missBy).length === 1 && miss.missBy.latencyS !== undefined;
  const isFastest = onlyLatency && fastest !== null && fastest.latencyS === miss.candidate.latencyS;
  return {
    best: null,
    nearestMiss: { ...miss, reason: describeMiss(client, miss.candidate, miss.missBy, isFastest) },
  };
}

/** `bestForClient` for every client, by client name. */
export function chooseAll(clients: readonly Client[], candidates: readonly Candidate[]): Record<string, ClientChoice> {
  const out: Record<string, ClientChoice> = {};
  for (const client of clients) out[client.name] = bestForClient(client, candidates);
  return out;
}
