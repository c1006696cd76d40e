// Best configuration per client: tie rules, float noise at the deadline, minimum accuracy, devices, nearest misses,
// and the exam's two clients on the eight exam configurations (figures computed by the analysis, not typed in).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AccuracyModel } from '../src/shared/analysis/accuracy';
import { analyze } from '../src/shared/analysis/analyze';
import { EXAM_MCU } from '../src/shared/devices';
import { examCnn } from '../src/shared/presets';
import {
  bestForClient,
  chooseAll,
  compareCandidates,
  meetsDeadline,
  type Candidate,
} from '../src/shared/sweep/choose';
import type { Client } from '../src/shared/sweep/types';

let nextIdx = 0;
const cand = (c: Partial<Candidate>): Candidate => ({
  idx: nextIdx++,
  status: 'ok',
  accuracy: 0.8,
  latencyS: 0.1,
  totalBytes: 1000,
  sramBytes: 1000,
  device: 'mcu',
  ...c,
});
const client = (c: Partial<Client> = {}): Client => ({ name: 'c', deadlineS: 0.2, ...c });

describe('bestForClient: the rule', () => {
  it('takes the highest accuracy within the deadline', () => {
    const cs = [
      cand({ idx: 0, accuracy: 0.8, latencyS: 0.05 }),
      cand({ idx: 1, accuracy: 0.9, latencyS: 0.15 }),
      cand({ idx: 2, accuracy: 0.95, latencyS: 0.25 }), // too slow
    ];
    const r = bestForClient(client(), cs);
    expect(r.best?.idx).toBe(1);
    expect(r.nearestMiss).toBeNull();
  });

  it('breaks ties: lower latency, then lower totalBytes, then lower idx', () => {
    const a = cand({ idx: 5, accuracy: 0.9, latencyS: 0.1, totalBytes: 500 });
    const b = cand({ idx: 3, accuracy: 0.9, latencyS: 0.12, totalBytes: 100 });
    expect(bestForClient(client(), [b, a]).best).toBe(a); // equal accuracy → lower latency
    const c = cand({ idx: 4, accuracy: 0.9, latencyS: 0.1, totalBytes: 400 });
    expect(bestForClient(client(), [a, c]).best).toBe(c); // equal latency too → lower memory
    const d = cand({ idx: 2, accuracy: 0.9, latencyS: 0.1, totalBytes: 400 });
    expect(bestForClient(client(), [a, c, d]).best).toBe(d); // all equal → lower idx
    expect(bestForClient(client(), [d, c, a]).best).toBe(d);
  });

  it('does not let float noise in the accuracy decide', () => {
    const a = cand({ idx: 1, accuracy: 0.93 - 0.03, latencyS: 0.1 }); // 0.9000000000000000222…
    const b = cand({ idx: 2, accuracy: 0.9, latencyS: 0.05 });
    expect(bestForClient(client(), [a, b]).best).toBe(b);
  });

  it('treats null accuracies as equal: latency decides', () => {
    const a = cand({ idx: 1, accuracy: null, latencyS: 0.15 });
    const b = cand({ idx: 2, accuracy: null, latencyS: 0.1 });
    expect(bestForClient(client(), [a, b]).best).toBe(b);
  });

  it('is independent of the order of the candidates', () => {
    const arb = fc.array(
      fc.record({
        idx: fc.integer({ min: 0, max: 20 }),
        accuracy: fc.option(fc.constantFrom(0.8, 0.85, 0.9), { nil: null }),
        latencyS: fc.option(fc.constantFrom(0.1, 0.2, 0.3), { nil: null }),
        totalBytes: fc.constantFrom(100, 200),
        status: fc.constantFrom('ok', 'no-fit', 'error', 'unsupported'),
      }),
      { maxLength: 20 },
    );
    fc.assert(
      fc.property(arb, (rows) => {
        const cs = rows.map((r) => cand({ ...r, status: r.status as Candidate['status'] }));
        const forward = bestForClient(client(), cs).best;
        const backward = bestForClient(client(), [...cs].reverse()).best;
        expect(forward === null ? null : compareCandidates(forward, backward as Candidate)).toEqual(forward === null ? null : 0);
        if (forward) for (const c of cs) if (c !== forward && c.status === 'ok' && c.latencyS !== null && c.latencyS <= 0.2) expect(compareCandidates(forward, c)).toBeLessThanOrEqual(0);
      }),
      { numRuns: 300 },
    );
  });

  it('meets the deadline exactly, and through float noise', () => {
    expect(meetsDeadline(0.2, 0.2)).toBe(true);
    expect(meetsDeadline(0.2000000000001, 0.2)).toBe(true);
    expect(meetsDeadline(0.1 + 0.2, 0.3)).toBe(true); // 0.30000000000000004
    expect(meetsDeadline(0.2000002, 0.2)).toBe(false);
    const exact = cand({ accuracy: 0.9, latencyS: 0.2 });
    const noisy = cand({ accuracy: 0.9, latencyS: 0.2000000000001 });
    expect(bestForClient(client(), [exact]).best).toBe(exact);
    expect(bestForClient(client(), [noisy]).best).toBe(noisy);
    expect(bestForClient(client(), [cand({ latencyS: 0.21 })]).best).toBeNull();
  });

  it('honours a minimum accuracy (with float noise) and never lets an unknown accuracy meet it', () => {
    const low = cand({ idx: 1, accuracy: 0.8, latencyS: 0.05 });
    const high = cand({ idx: 2, accuracy: 0.93 - 0.03 - 0.05, latencyS: 0.15 }); // 0.8500000000000001 or so
    expect(bestForClient(client({ minAccuracy: 0.85 }), [low, high]).best).toBe(high);
    expect(bestForClient(client({ minAccuracy: 0.86 }), [low, high]).best).toBeNull();
    expect(bestForClient(client({ minAccuracy: 0.5 }), [cand({ accuracy: null })]).best).toBeNull();
    expect(bestForClient(client(), [cand({ accuracy: null })]).best).not.toBeNull();
  });

  it('keeps to the client device when it names one', () => {
    const onA = cand({ idx: 1, accuracy: 0.9, device: 'a' });
    const onB = cand({ idx: 1, accuracy: 0.8, device: 'b' });
    expect(bestForClient(client(), [onA, onB]).best).toBe(onA);
    expect(bestForClient(client({ device: 'b' }), [onA, onB]).best).toBe(onB);
    const r = bestForClient(client({ device: 'c' }), [onA, onB]);
    expect(r).toEqual({ best: null, nearestMiss: null });
  });

  it('never picks infeasible candidates or ones without a latency', () => {
    const cs = [
      cand({ status: 'no-fit', accuracy: 0.99, latencyS: 0.01 }),
      cand({ status: 'unsupported', accuracy: 0.99, latencyS: null }),
      cand({ status: 'error', accuracy: 0.99, latencyS: 0.01 }),
      cand({ status: 'ok', accuracy: 0.99, latencyS: null }),
    ];
    expect(bestForClient(client(), cs).best).toBeNull();
  });
});

describe('bestForClient: nearest miss', () => {
  it('names the fastest feasible configuration when only the deadline is missed', () => {
    const cs = [cand({ idx: 7, latencyS: 0.24, device: 'm' }), cand({ idx: 8, latencyS: 0.3, device: 'm' })];
    const r = bestForClient(client(), cs);
    expect(r.best).toBeNull();
    expect(r.nearestMiss?.candidate.idx).toBe(7);
    expect(r.nearestMiss?.missBy.latencyS).toBeCloseTo(0.04, 12);
    expect(r.nearestMiss?.violation).toBeCloseTo(0.2, 12);
    expect(r.nearestMiss?.reason).toBe('the fastest feasible configuration (#7 on m) takes 240 ms, 40.0 ms over the 200 ms deadline');
  });

  it('weighs latency overshoot, accuracy shortfall and memory overshoot, each relative to its limit', () => {
    const c = client({ deadlineS: 0.2, minAccuracy: 0.9 });
    const slow = cand({ idx: 1, accuracy: 0.95, latencyS: 0.3 }); // 0.5 over
    const weak = cand({ idx: 2, accuracy: 0.81, latencyS: 0.1 }); // 0.1 under
    const big = cand({ idx: 3, status: 'no-fit', accuracy: 0.95, latencyS: 0.1, sramBytes: 1200, sramBudgetBytes: 1000 }); // 0.2 over
    const broken = cand({ idx: 4, status: 'error', accuracy: 0.95, latencyS: 0.21 });
    const r = bestForClient(c, [slow, weak, big, broken]);
    expect(r.nearestMiss?.candidate).toBe(weak);
    expect(r.nearestMiss?.missBy.accuracy).toBeCloseTo(0.09, 12);
    expect(r.nearestMiss?.reason).toBe('the nearest configuration (#2 on mcu) reaches 81.0 %, 9 percentage points below the 90.0 % minimum');

    const r2 = bestForClient(c, [slow, big, broken]);
    expect(r2.nearestMiss?.candidate).toBe(big);
    expect(r2.nearestMiss?.missBy).toEqual({ memoryBytes: 200 });
    expect(r2.nearestMiss?.reason).toBe('the nearest configuration (#3 on mcu) needs 1.17 KiB of SRAM, 0.20 KiB over the 0.98 KiB available on mcu');

    // Several misses at once are all named.
    const both = cand({ idx: 5, accuracy: 0.85, latencyS: 0.25 });
    const r3 = bestForClient(c, [both]);
    expect(r3.nearestMiss?.violation).toBeCloseTo(0.25 + 0.05 / 0.9, 12);
    expect(r3.nearestMiss?.reason).toBe(
      'the nearest configuration (#5 on mcu) takes 250 ms, 50.0 ms over the 200 ms deadline; reaches 85.0 %, 5 percentage points below the 90.0 % minimum',
    );
  });

  it('never offers error or unsupported candidates, nor no-fit ones of unknown budget, as misses', () => {
    const cs = [
      cand({ status: 'error', latencyS: 0.21 }),
      cand({ status: 'unsupported', latencyS: null }),
      cand({ status: 'no-fit', latencyS: 0.1 }),
    ];
    expect(bestForClient(client(), cs)).toEqual({ best: null, nearestMiss: null });
  });

  it('says when an accuracy minimum cannot be checked', () => {
    const r = bestForClient(client({ minAccuracy: 0.9 }), [cand({ idx: 1, accuracy: null, latencyS: 0.1 })]);
    expect(r.nearestMiss?.violation).toBe(1);
    expect(r.nearestMiss?.reason).toMatch(/no accuracy estimate/);
  });
});

describe('the exam: two clients on eight configurations', () => {
  const exam: AccuracyModel = { kind: 'penalties', metric: 'accuracy', base: 0.93, penalties: { pruned: 0.05, int8: 0.03 } };
  const configs = [8, 16].flatMap((conv1) => [8, 32].flatMap((conv2) => (['fp32', 'int8'] as const).map((precision) => ({ conv1, conv2, precision }))));
  const candidates: Candidate[] = configs.map(({ conv1, conv2, precision }, idx) => {
    const r = analyze(examCnn(), {
      memoryModel: 'largest-tensor',
      device: EXAM_MCU,
      accuracy: exam,
      precision,
      channels: { conv1, conv2 },
    });
    return {
      idx,
      status: r.fits ? 'ok' : 'no-fit',
      accuracy: r.accuracy,
      latencyS: r.latencyS,
      totalBytes: r.totalBytes,
      sramBytes: r.device?.sramRequiredBytes ?? r.totalBytes,
      sramBudgetBytes: r.device?.sramBudgetBytes,
      device: EXAM_MCU.id,
    };
  });
  const named = (conv1: number, conv2: number, precision: string) =>
    candidates[configs.findIndex((c) => c.conv1 === conv1 && c.conv2 === conv2 && c.precision === precision)];
  const clients: Client[] = [
    { name: 'client1', deadlineS: 0.2 },
    { name: 'client2', deadlineS: 0.5 },
  ];

  it('has the exam figures', () => {
    const figures = (c: Candidate) => [c.accuracy, c.latencyS, c.totalBytes, c.status];
    expect(figures(named(8, 8, 'fp32'))).toEqual([0.88, 0.6615936, 597100, 'no-fit']);
    expect(figures(named(8, 8, 'int8'))).toEqual([0.85, 0.0826992, 149275, 'ok']);
    expect(figures(named(16, 8, 'int8'))).toEqual([0.85, 0.1648584, 276939, 'ok']);
    expect(figures(named(16, 32, 'int8'))).toEqual([0.9, 0.4879728, 345219, 'ok']);
    expect(figures(named(16, 32, 'fp32'))).toEqual([0.93, 3.9037824, 1380876, 'no-fit']);
    // conv1 8 / conv2 32: 126·126·8·9 + 61·61·32·9·8 + 28800·3 = 9,802,656 MACs; INT8 at 80 MOPS → 0.2450664 s.
    expect(named(8, 32, 'int8').latencyS).toBeCloseTo((2 * (126 * 126 * 8 * 9 + 61 * 61 * 32 * 9 * 8 + 28800 * 3)) / 80e6, 12);
    expect(named(8, 32, 'int8').accuracy).toBe(0.85);
  });

  it('client1 (0.2 s) gets 8/8/INT8 and client2 (0.5 s) gets 16/32/INT8', () => {
    const choice = chooseAll(clients, candidates);
    expect(Object.keys(choice)).toEqual(['client1', 'client2']);
    expect(choice.client1.best).toBe(named(8, 8, 'int8')); // ties with 16/8/INT8 at 85 %, faster
    expect(choice.client2.best).toBe(named(16, 32, 'int8'));
  });

  it('a 50 ms client misses: the fastest feasible configuration is 32.7 ms too slow', () => {
    const r = bestForClient({ name: 'fast', deadlineS: 0.05 }, candidates);
    expect(r.best).toBeNull();
    expect(r.nearestMiss?.candidate).toBe(named(8, 8, 'int8'));
    expect(r.nearestMiss?.reason).toBe(
      `the fastest feasible configuration (#${named(8, 8, 'int8').idx} on exam-mcu) takes 82.7 ms, 32.7 ms over the 50.0 ms deadline`,
    );
  });

  it('a client needing 93 % is closest with 16/32/INT8, not the unfit FP32 base model', () => {
    const r = bestForClient({ name: 'picky', deadlineS: 5, minAccuracy: 0.93 }, candidates);
    expect(r.best).toBeNull();
    expect(r.nearestMiss?.candidate).toBe(named(16, 32, 'int8'));
    expect(r.nearestMiss?.missBy.accuracy).toBeCloseTo(0.03, 12);
  });
});
