// Two sessions side by side: whose front points beat whose, how much of the space each front covers, and how each
// client's choice moved.
import { hypervolume, objectiveBounds, type ObjectiveBounds, type ObjectivePoint } from '../pareto';
import { compareFigures, type RankedFigures } from './choose';

/** A point of a session's front (3-D: accuracy ↑, latency ↓, totalBytes ↓). */
export interface FrontPoint {
  idx: number;
  /** null when that session has no accuracy model. */
  accuracy: number | null;
  latencyS: number;
  totalBytes: number;
}

export interface FrontComparison {
  /** idx of the points of A that some point of B dominates, ascending. */
  aDominatedByB: number[];
  /** idx of the points of B that some point of A dominates, ascending. */
  bDominatedByA: number[];
  /** Hypervolume of each front in the unit cube normalised by `bounds` (see `hypervolume`). */
  hypervolumeA: number;
  hypervolumeB: number;
  /**
   * The box both hypervolumes are measured in: from the best value of either front on each axis to a tenth of the
   * range beyond the worst (the reference point). The margin lets every front point count: measured from the worst
   * values themselves, a point worst on any one axis would add nothing, and a valid front could score 0.
   */
  bounds: ObjectiveBounds;
  /** True when some point has no accuracy: accuracy then takes no part, in dominance nor in the hypervolume. */
  accuracyIgnored: boolean;
  /**
   * `a-better`: B has dominated points and A none; `b-better`: the reverse; `same`: neither has any and both hold
   * the same figures; `mixed`: each has points the other lacks or beats.
   */
  verdict: 'same' | 'a-better' | 'b-better' | 'mixed';
}

/** The share of each axis's range the reference point lies beyond the worst value. */
export const REFERENCE_MARGIN = 0.1;

/** Bounds pushed a margin beyond their worst end: lower accuracy, higher latency and memory. */
function withMargin(b: ObjectiveBounds): ObjectiveBounds {
  const span = ([lo, hi]: readonly [number, number]): number => (hi > lo ? (hi - lo) * REFERENCE_MARGIN : 0);
  return {
    accuracy: [b.accuracy[0] - span(b.accuracy), b.accuracy[1]],
    latency: [b.latency[0], b.latency[1] + span(b.latency)],
    memory: [b.memory[0], b.memory[1] + span(b.memory)],
  };
}

/** q dominates p: no worse anywhere, strictly better somewhere (equal figures do not dominate). */
function dominates(q: FrontPoint, p: FrontPoint, useAccuracy: boolean): boolean {
  const qa = useAccuracy ? (q.accuracy as number) : 0;
  const pa = useAccuracy ? (p.accuracy as number) : 0;
  return (
    qa >= pa &&
    q.latencyS <= p.latencyS &&
    q.totalBytes <= p.totalBytes &&
    (qa > pa || q.latencyS < p.latencyS || q.totalBytes < p.totalBytes)
  );
}

const dominatedBy = (xs: readonly FrontPoint[], ys: readonly FrontPoint[], useAccuracy: boolean): number[] =>
  xs
    .filter((p) => ys.some((q) => dominates(q, p, useAccuracy)))
    .map((p) => p.idx)
    .sort((a, b) => a - b);

const key = (p: FrontPoint, useAccuracy: boolean) => `${useAccuracy ? p.accuracy : ''}|${p.latencyS}|${p.totalBytes}`;

/**
 * Compares two fronts (each usually a session's 3-D front; any point sets work). Dominance is checked pairwise,
 * O(|A|·|B|), fine for fronts of a few thousand points. Accuracy is ignored altogether when any point of either
 * front lacks it, since a known accuracy cannot be weighed against an unknown one.
 */
export function compareFronts(a: readonly FrontPoint[], b: readonly FrontPoint[]): FrontComparison {
  const accuracyIgnored = [...a, ...b].some((p) => p.accuracy === null || Number.isNaN(p.accuracy));
  const useAccuracy = !accuracyIgnored;
  const asObjective = (p: FrontPoint): ObjectivePoint => ({
    accuracy: useAccuracy ? p.accuracy : null,
    latency: p.latencyS,
    memory: p.totalBytes,
  });
  const pa = a.map(asObjective);
  const pb = b.map(asObjective);
  const bounds = withMargin(objectiveBounds([...pa, ...pb]));
  const aDominatedByB = dominatedBy(a, b, useAccuracy);
  const bDominatedByA = dominatedBy(b, a, useAccuracy);

  let verdict: FrontComparison['verdict'];
  if (aDominatedByB.length === 0 && bDominatedByA.length > 0) verdict = 'a-better';
  else if (bDominatedByA.length === 0 && aDominatedByB.length > 0) verdict = 'b-better';
  else if (aDominatedByB.length > 0) verdict = 'mixed';
  else {
    const ka = new Set(a.map((p) => key(p, useAccuracy)));
    const kb = new Set(b.map((p) => key(p, useAccuracy)));
    verdict = ka.size === kb.size && [...ka].every((k) => kb.has(k)) ? 'same' : 'mixed';
  }
  return {
    aDominatedByB,
    bDominatedByA,
    hypervolumeA: hypervolume(pa, bounds),
    hypervolumeB: hypervolume(pb, bounds),
    bounds,
    accuracyIgnored,
    verdict,
  };
}

/** A client's chosen configuration in one session (idx is that session's; only the figures are compared). */
export interface ChosenPoint extends RankedFigures {
  idx: number;
}

export type ChoiceChangeKind = 'same' | 'better' | 'worse' | 'new' | 'lost';

export interface ChoiceChange {
  client: string;
  before: ChosenPoint | null;
  after: ChosenPoint | null;
  /**
   * `better`/`worse` by the chooser's own order (higher accuracy, then lower latency, then lower totalBytes; see
   * `compareFigures`; accuracy left out when either side lacks it); `same` when the figures are equal (or neither session satisfies the client); `new` when only
   * `after` satisfies the client; `lost` when only `before` did.
   */
  change: ChoiceChangeKind;
}

/**
 * Per client, how the best choice moved from session A (`before`) to session B (`after`). Clients are listed in
 * A's order, then those only B has. A client missing from a side, or with null there, has no choice on that side.
 */
export function compareChoices(
  before: Readonly<Record<string, ChosenPoint | null | undefined>>,
  after: Readonly<Record<string, ChosenPoint | null | undefined>>,
): ChoiceChange[] {
  const names = [...Object.keys(before), ...Object.keys(after).filter((name) => !(name in before))];
  return names.map((client) => {
    const b = before[client] ?? null;
    const a = after[client] ?? null;
    let change: ChoiceChangeKind;
    if (b === null) change = a === null ? 'same' : 'new';
    else if (a === null) change = 'lost';
    else {
      // A known accuracy cannot be weighed against an unknown one: then only latency and memory decide.
      const known = a.accuracy !== null && b.accuracy !== null;
      const order = known ? compareFigures(a, b) : compareFigures({ ...a, accuracy: null }, { ...b, accuracy: null });
      change = order < 0 ? 'better' : order > 0 ? 'worse' : 'same';
    }
    return { client, before: b, after: a, change };
  });
}
