// Two stored sessions side by side: their 3-D fronts (which points of one the other beats, and the hypervolume of
// each under one normalisation) and how each client's chosen configuration moved from A to B.
import type { SessionComparison } from '../../shared/api';
import { compareChoices, compareFronts, type FrontPoint } from '../../shared/sweep/compare';
import type { SessionStore } from '../store';
import { requireSession } from './exports';
import { sessionSummary, type ResultEntry } from './sweeps';

const frontPoint = (e: ResultEntry): FrontPoint => ({
  idx: e.idx,
  accuracy: e.accuracy,
  latencyS: e.latencyS as number,
  totalBytes: e.totalBytes,
});

export function compareSessions(store: SessionStore, a: string, b: string): SessionComparison {
  requireSession(store, a);
  requireSession(store, b);
  const sa = sessionSummary(store, a);
  const sb = sessionSummary(store, b);
  // Front points always have a latency (the front takes only feasible points with one); the filter is a guard.
  const frontA = sa.pareto.filter((e) => e.latencyS !== null);
  const frontB = sb.pareto.filter((e) => e.latencyS !== null);
  const fronts = compareFronts(frontA.map(frontPoint), frontB.map(frontPoint));
  const changes = compareChoices(sa.best, sb.best);
  return {
    a: { session: sa.session, model: sa.model, devices: sa.devices, status: sa.status, front: sa.pareto },
    b: { session: sb.session, model: sb.model, devices: sb.devices, status: sb.status, front: sb.pareto },
    aDominatedByB: fronts.aDominatedByB,
    bDominatedByA: fronts.bDominatedByA,
    hypervolumeA: fronts.hypervolumeA,
    hypervolumeB: fronts.hypervolumeB,
    bounds: fronts.bounds,
    accuracyIgnored: fronts.accuracyIgnored,
    verdict: fronts.verdict,
    clients: changes.map((c) => ({
      client: c.client,
      before: sa.best[c.client] ?? null,
      after: sb.best[c.client] ?? null,
      change: c.change,
    })),
  };
}
