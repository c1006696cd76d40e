// The metrics against hand computations and brute-force versions written here independently: pair counting for the
// AUC, a per-class loop over label/prediction lists for F1 and recall, sorting for top-k. Streaming in chunks of any
// size gives what one pass gives.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  AgreementAccumulator,
  aucOf,
  ClassificationAccumulator,
  RegressionAccumulator,
  sampleErrors,
  ScoreAccumulator,
  taskOf,
} from '../../src/shared/engine/metrics';

/** Scores that make `predicted` the argmax of each row (a one-hot row). */
const oneHotScores = (predicted: number[], c: number): Float32Array => {
  const s = new Float32Array(predicted.length * c);
  predicted.forEach((p, i) => (s[i * c + p] = 1));
  return s;
};

function bruteForce(scores: number[][], labels: number[], c: number, k: number) {
  const argmax = (row: number[]) => row.indexOf(Math.max(...row));
  const predicted = scores.map(argmax);
  const accuracy = predicted.filter((p, i) => p === labels[i]).length / labels.length;
  const topK = scores.filter((row, i) => {
    const ranked = row.map((v, j) => ({ v, j })).sort((a, b) => b.v - a.v || a.j - b.j).slice(0, k);
    return ranked.some((r) => r.j === labels[i]);
  }).length / labels.length;
  const f1s: number[] = [];
  const recalls: (number | null)[] = [];
  for (let cls = 0; cls < c; cls++) {
    const tp = labels.filter((y, i) => y === cls && predicted[i] === cls).length;
    const fp = labels.filter((y, i) => y !== cls && predicted[i] === cls).length;
    const fn = labels.filter((y, i) => y === cls && predicted[i] !== cls).length;
    if (tp + fp + fn > 0) {
      const precision = tp + fp > 0 ? tp / (tp + fp) : 0;
      const recall = tp + fn > 0 ? tp / (tp + fn) : 0;
      f1s.push(precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0);
    }
    recalls.push(tp + fn > 0 ? tp / (tp + fn) : null);
  }
  const present = recalls.filter((r): r is number => r !== null);
  return {
    accuracy,
    topK,
    macroF1: f1s.reduce((a, b) => a + b, 0) / f1s.length,
    balancedAccuracy: present.reduce((a, b) => a + b, 0) / present.length,
    perClassRecall: recalls,
  };
}

const bruteAuc = (scores: number[], labels: number[]): number => {
  let sum = 0;
  let pairs = 0;
  scores.forEach((p, i) => {
    if (labels[i] !== 1) return;
    scores.forEach((q, j) => {
      if (labels[j] !== 0) return;
      pairs++;
      sum += p > q ? 1 : p === q ? 0.5 : 0;
    });
  });
  return sum / pairs;
};

describe('classification', () => {
  it('matches a hand computation: accuracy 4/6, macro F1 (0.5 + 0.8 + 2/3) / 3, balanced accuracy 2/3', () => {
    const acc = new ClassificationAccumulator(3);
    acc.add(oneHotScores([0, 1, 1, 1, 2, 0], 3), [0, 0, 1, 1, 2, 2]);
    const r = acc.result();
    expect(r.accuracy).toBeCloseTo(4 / 6, 12);
    expect(r.macroF1).toBeCloseTo((0.5 + 0.8 + 2 / 3) / 3, 12);
    expect(r.balancedAccuracy).toBeCloseTo(2 / 3, 12);
    expect(r.perClassRecall).toEqual([0.5, 1, 0.5]);
    expect(r.topK).toBeUndefined();
  });

  it('leaves a class absent from labels out of balanced accuracy (recall null) and out of F1 when never predicted', () => {
    const acc = new ClassificationAccumulator(4);
    acc.add(oneHotScores([0, 1, 1], 4), [0, 1, 0]);
    const r = acc.result();
    expect(r.perClassRecall).toEqual([0.5, 1, null, null]);
    expect(r.balancedAccuracy).toBeCloseTo(0.75, 12);
    // class 0: P 1, R .5 → 2/3; class 1: P .5, R 1 → 2/3
    expect(r.macroF1).toBeCloseTo(2 / 3, 12);
  });

  it('top-k counts ties by the lower class index first, so top-1 equals argmax accuracy', () => {
    const acc = new ClassificationAccumulator(3, 2);
    // row 0: all tied; label 2 ranks third → miss at k=2. row 1: label 1 ties class 0 → second → hit.
    acc.add([1, 1, 1, 5, 5, 0], [2, 1]);
    expect(acc.result().topK).toEqual({ k: 2, value: 0.5 });
    expect(acc.result().accuracy).toBe(0); // argmax is class 0 in both rows
  });

  it('equals the brute-force computation on random data, however the samples are split into chunks', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 6 }).chain((c) =>
          fc.tuple(
            fc.constant(c),
            fc.array(fc.tuple(fc.array(fc.integer({ min: 0, max: 4 }), { minLength: c, maxLength: c }), fc.integer({ min: 0, max: c - 1 })), { minLength: 1, maxLength: 40 }),
            fc.integer({ min: 1, max: 7 }),
            fc.integer({ min: 1, max: c }),
          ),
        ),
        ([c, rows, chunk, k]) => {
          const scores = rows.map((r) => r[0]);
          const labels = rows.map((r) => r[1]);
          const acc = new ClassificationAccumulator(c, k);
          for (let s = 0; s < rows.length; s += chunk) {
            acc.add(scores.slice(s, s + chunk).flat(), labels.slice(s, s + chunk));
          }
          const got = acc.result();
          const want = bruteForce(scores, labels, c, k);
          expect(got.accuracy).toBeCloseTo(want.accuracy, 12);
          if (k > 1) expect(got.topK?.value).toBeCloseTo(want.topK, 12);
          expect(got.macroF1).toBeCloseTo(want.macroF1, 12);
          expect(got.balancedAccuracy).toBeCloseTo(want.balancedAccuracy, 12);
          expect(got.perClassRecall).toEqual(want.perClassRecall);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('names the sample of a label outside the classes', () => {
    const acc = new ClassificationAccumulator(3);
    acc.add(oneHotScores([0], 3), [0]);
    expect(() => acc.add(oneHotScores([0], 3), [3])).toThrow('sample 1: label 3 is not a class of 0 to 2');
  });
});

describe('AUC', () => {
  it("matches scikit-learn's documented example (0.75) and counts ties one half", () => {
    expect(aucOf([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1])).toBeCloseTo(0.75, 12);
    expect(aucOf([0.5, 0.5, 0.5, 0.9], [0, 1, 0, 1])).toBeCloseTo(0.75, 12);
    expect(aucOf([1, 1, 1], [0, 1, 1])).toBe(0.5);
    expect(aucOf([1, 2], [1, 1])).toBeNaN();
  });

  it('equals pair counting on random scores with many ties', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 5 }), fc.integer({ min: 0, max: 1 })), { minLength: 2, maxLength: 60 }), (rows) => {
        const scores = rows.map((r) => r[0] / 4);
        const labels = rows.map((r) => r[1]);
        const got = aucOf(scores, labels);
        if (!labels.includes(0) || !labels.includes(1)) expect(got).toBeNaN();
        else expect(got).toBeCloseTo(bruteAuc(scores, labels), 12);
      }),
      { numRuns: 300 },
    );
  });

  it('an autoencoder: per-sample mean squared error, scored against anomaly labels in chunks', () => {
    const outputs = [1, 1, 0, 0, 3, 3];
    const inputs = [1, 1, 1, 1, 0, 0];
    const errors = sampleErrors(outputs, inputs, 2);
    expect(Array.from(errors)).toEqual([0, 1, 9]);
    const acc = new ScoreAccumulator();
    acc.add(errors.subarray(0, 1), [0]);
    acc.add(errors.subarray(1), [1, 1]);
    expect(acc.auc()).toBe(1);
    expect(acc.mean()).toBeCloseTo(10 / 3, 12);
  });

  it('a one-output binary model: accuracy at 0.5 for probabilities, at 0 for logits', () => {
    const p = new ScoreAccumulator();
    p.add([0.2, 0.7, 0.6], [0, 1, 0]);
    expect(p.binaryAccuracy()).toBeCloseTo(2 / 3, 12);
    const logits = new ScoreAccumulator();
    logits.add([-2, 0.3, 1.5], [0, 1, 0]);
    expect(logits.binaryAccuracy()).toBeCloseTo(2 / 3, 12);
  });
});

describe('regression and agreement', () => {
  it('MAE and MSE over every value, in chunks', () => {
    const acc = new RegressionAccumulator();
    acc.add([1, 2], [0, 4]);
    acc.add([5], [5]);
    expect(acc.result()).toEqual({ mae: 1, mse: 5 / 3 });
  });

  it('agreement: top-1 share, mean cosine, RMSE', () => {
    const acc = new AgreementAccumulator(2);
    acc.add([1, 0, 0, 1], [2, 0, 1, 0]);
    acc.add([0, 0], [0, 0]);
    const r = acc.result();
    expect(r.top1).toBeCloseTo(2 / 3, 12); // sample 2: both argmax 0
    expect(r.cosine).toBeCloseTo((1 + 0 + 1) / 3, 12);
    expect(r.rmse).toBeCloseTo(Math.sqrt((1 + 1 + 1) / 6), 12);
  });

  it('agreement of a one-value output compares the sides of the threshold', () => {
    const acc = new AgreementAccumulator(1);
    acc.add([0.2, 0.9, 0.4], [0.3, 0.4, 0.1]);
    expect(acc.result().top1).toBeCloseTo(2 / 3, 12);
  });

  it('the task an output implies', () => {
    expect(taskOf({ shape: [10] }, { shape: [28, 28, 1] })).toBe('classification');
    expect(taskOf({ shape: [640] }, { shape: [640] })).toBe('autoencoder');
    expect(taskOf({ shape: [1] }, { shape: [8] }, { classIndices: true, binary: true })).toBe('binary');
    expect(taskOf({ shape: [1] }, { shape: [8] }, { classIndices: false, binary: false })).toBe('regression');
    expect(taskOf({ shape: [3] }, { shape: [8] }, { classIndices: false, binary: false })).toBe('regression');
  });
});
