// The measures of a model on labelled data (issue 15), each accumulated a chunk of samples at a time so that a data
// set is never held whole: classification (top-1 and top-k accuracy, macro F1, balanced accuracy, per-class recall)
// from a confusion matrix; a one-output binary model's AUC; an autoencoder's per-sample reconstruction error (its
// AUC against normal/anomaly labels, as MLPerf Tiny's anomaly-detection benchmark scores it, or its mean without
// labels); MAE/MSE for regression; and the agreement of a configuration's outputs with a reference model's, with or
// without labels, as ST Edge AI's validate reports it. Accuracies are fractions (0.8762), never percentages.
//
// Conventions, chosen to match what engineers compare against:
// - the predicted class is the first highest score (numpy's argmax); top-k counts a sample when fewer than k classes
//   rank above its label, a tie ranking the lower class index first (so top-1 is exactly argmax accuracy);
// - macro F1 averages over the classes that occur in the labels or the predictions, and balanced accuracy over the
//   classes that occur in the labels, as scikit-learn's f1_score(average='macro') and balanced_accuracy_score do;
// - AUC is the Mann–Whitney statistic: the share of (positive, negative) pairs the score orders rightly, a tie
//   counting one half (scikit-learn's roc_auc_score gives the same value).

export interface ClassificationMetrics {
  accuracy: number;
  /** Top-k accuracy, when k was asked for (k ≥ 2). */
  topK?: { k: number; value: number };
  macroF1: number;
  balancedAccuracy: number;
  /** Recall of each class, null for a class absent from the labels. */
  perClassRecall: (number | null)[];
}

/** The confusion matrix and top-k hits of a classifier over any number of chunks. */
export class ClassificationAccumulator {
  /** confusion[label * classes + predicted] */
  readonly confusion: Float64Array;
  private hitsK = 0;
  private count = 0;

  constructor(
    readonly classes: number,
    readonly k = 0,
  ) {
    if (!Number.isInteger(classes) || classes < 1) throw new RangeError(`a classifier needs at least one class, not ${classes}`);
    this.confusion = new Float64Array(classes * classes);
  }

  /** `scores` holds labels.length × classes values, one row per sample; labels are class indices. */
  add(scores: ArrayLike<number>, labels: ArrayLike<number>): void {
    const c = this.classes;
    if (scores.length !== labels.length * c) {
      throw new RangeError(`${scores.length} scores for ${labels.length} samples of ${c} classes (expected ${labels.length * c})`);
    }
    for (let s = 0; s < labels.length; s++) {
      const y = labels[s];
      if (!Number.isInteger(y) || y < 0 || y >= c) throw new RangeError(`sample ${this.count + s}: label ${y} is not a class of 0 to ${c - 1}`);
      const row = s * c;
      let best = 0;
      let above = 0;
      const sy = scores[row + y];
      for (let j = 0; j < c; j++) {
        const v = scores[row + j];
        if (v > scores[row + best]) best = j;
        if (v > sy || (v === sy && j < y)) above++;
      }
      this.confusion[y * c + best]++;
      if (this.k > 0 && above < this.k) this.hitsK++;
    }
    this.count += labels.length;
  }

  get samples(): number {
    return this.count;
  }

  result(): ClassificationMetrics {
    return classificationMetrics(this.confusion, this.classes, this.count, this.k > 1 ? { k: this.k, hits: this.hitsK } : undefined);
  }
}

function classificationMetrics(confusion: Float64Array, c: number, n: number, topK?: { k: number; hits: number }): ClassificationMetrics {
  let correct = 0;
  const recall: (number | null)[] = [];
  let f1Sum = 0;
  let f1Classes = 0;
  let recallSum = 0;
  let recallClasses = 0;
  for (let i = 0; i < c; i++) {
    let actual = 0;
    let predicted = 0;
    for (let j = 0; j < c; j++) {
      actual += confusion[i * c + j];
      predicted += confusion[j * c + i];
    }
    const tp = confusion[i * c + i];
    correct += tp;
    recall.push(actual > 0 ? tp / actual : null);
    if (actual > 0) {
      recallSum += tp / actual;
      recallClasses++;
    }
    if (actual + predicted > 0) {
      f1Sum += (2 * tp) / (actual + predicted); // 2TP / (2TP + FP + FN)
      f1Classes++;
    }
  }
  return {
    accuracy: n > 0 ? correct / n : NaN,
    ...(topK ? { topK: { k: topK.k, value: n > 0 ? topK.hits / n : NaN } } : {}),
    macroF1: f1Classes > 0 ? f1Sum / f1Classes : NaN,
    balancedAccuracy: recallClasses > 0 ? recallSum / recallClasses : NaN,
    perClassRecall: recall,
  };
}

/**
 * The area under the ROC curve of `scores` for binary `labels` (1 = positive): the Mann–Whitney U statistic over
 * n₁·n₀, ties counted one half, from average ranks (O(n log n)). NaN when either class is absent.
 */
export function aucOf(scores: ArrayLike<number>, labels: ArrayLike<number>): number {
  const n = scores.length;
  if (labels.length !== n) throw new RangeError(`${n} scores for ${labels.length} labels`);
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[a] - scores[b]);
  let positives = 0;
  let rankSum = 0; // sum of the positives' ranks (1-based), ties given their average rank
  for (let i = 0; i < n; ) {
    let j = i;
    while (j + 1 < n && scores[order[j + 1]] === scores[order[i]]) j++;
    const rank = (i + j + 2) / 2;
    for (let t = i; t <= j; t++) {
      if (labels[order[t]] === 1) {
        positives++;
        rankSum += rank;
      }
    }
    i = j + 1;
  }
  const negatives = n - positives;
  if (positives === 0 || negatives === 0) return NaN;
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

/** Binary labels check: every label 0 or 1. */
export const isBinary = (labels: ArrayLike<number>): boolean => {
  for (let i = 0; i < labels.length; i++) if (labels[i] !== 0 && labels[i] !== 1) return false;
  return true;
};

/** Scores (one per sample) kept for an AUC at the end: n numbers, never the samples themselves. */
export class ScoreAccumulator {
  private scores: number[] = [];
  private labels: number[] = [];

  add(scores: ArrayLike<number>, labels?: ArrayLike<number>): void {
    for (let i = 0; i < scores.length; i++) this.scores.push(scores[i]);
    if (labels) for (let i = 0; i < labels.length; i++) this.labels.push(labels[i]);
  }

  get samples(): number {
    return this.scores.length;
  }

  auc(): number {
    return aucOf(this.scores, this.labels);
  }

  mean(): number {
    let sum = 0;
    for (const s of this.scores) sum += s;
    return this.scores.length > 0 ? sum / this.scores.length : NaN;
  }

  /**
   * Accuracy of a one-output binary model: probabilities (every score within 0..1) at 0.5, logits at 0, as a
   * sigmoid output and a linear one are read.
   */
  binaryAccuracy(): number {
    const probabilities = this.scores.every((s) => s >= 0 && s <= 1);
    const threshold = probabilities ? 0.5 : 0;
    let correct = 0;
    this.scores.forEach((s, i) => {
      if ((s > threshold ? 1 : 0) === this.labels[i]) correct++;
    });
    return this.scores.length > 0 ? correct / this.scores.length : NaN;
  }
}

/** Mean squared error of each sample's `per` values: an autoencoder's reconstruction error, sample by sample. */
export function sampleErrors(outputs: ArrayLike<number>, targets: ArrayLike<number>, per: number): Float64Array {
  if (outputs.length !== targets.length || per < 1 || outputs.length % per !== 0) {
    throw new RangeError(`${outputs.length} outputs against ${targets.length} targets of ${per} values each`);
  }
  const errors = new Float64Array(outputs.length / per);
  for (let s = 0; s < errors.length; s++) {
    let sum = 0;
    for (let i = s * per; i < (s + 1) * per; i++) sum += (outputs[i] - targets[i]) ** 2;
    errors[s] = sum / per;
  }
  return errors;
}

/** Mean absolute and mean squared error over every value of every sample. */
export class RegressionAccumulator {
  private abs = 0;
  private sq = 0;
  private values = 0;

  add(outputs: ArrayLike<number>, targets: ArrayLike<number>): void {
    if (outputs.length !== targets.length) throw new RangeError(`${outputs.length} outputs against ${targets.length} targets`);
    for (let i = 0; i < outputs.length; i++) {
      const d = outputs[i] - targets[i];
      this.abs += Math.abs(d);
      this.sq += d * d;
    }
    this.values += outputs.length;
  }

  result(): { mae: number; mse: number } {
    return { mae: this.values > 0 ? this.abs / this.values : NaN, mse: this.values > 0 ? this.sq / this.values : NaN };
  }
}

export interface Agreement {
  /** Share of samples whose highest output is at the same index (1 for a one-value output: not applicable, see below). */
  top1: number;
  /** Mean over samples of the cosine similarity of the two output vectors. */
  cosine: number;
  /** Root mean square of the difference, over every output value. */
  rmse: number;
}

/**
 * Agreement of a configuration's outputs with a reference's, sample by sample. For a one-value output, top-1 is the
 * share of samples on the same side of the binary threshold (0.5 for probabilities, 0 for logits: the reference's
 * range decides). Two zero vectors have cosine 1; a zero vector against a non-zero one, 0.
 */
export class AgreementAccumulator {
  private same = 0;
  private cosineSum = 0;
  private sq = 0;
  private values = 0;
  private count = 0;
  private oneValue: { a: number[]; b: number[] } | null;

  constructor(readonly per: number) {
    if (!Number.isInteger(per) || per < 1) throw new RangeError(`outputs of ${per} values cannot be compared`);
    this.oneValue = per === 1 ? { a: [], b: [] } : null;
  }

  add(outputs: ArrayLike<number>, reference: ArrayLike<number>): void {
    const per = this.per;
    if (outputs.length !== reference.length || outputs.length % per !== 0) {
      throw new RangeError(`${outputs.length} outputs against ${reference.length} reference outputs of ${per} values each`);
    }
    for (let s = 0; s < outputs.length / per; s++) {
      let bestA = 0;
      let bestB = 0;
      let dot = 0;
      let na = 0;
      let nb = 0;
      const row = s * per;
      for (let j = 0; j < per; j++) {
        const a = outputs[row + j];
        const b = reference[row + j];
        if (a > outputs[row + bestA]) bestA = j;
        if (b > reference[row + bestB]) bestB = j;
        dot += a * b;
        na += a * a;
        nb += b * b;
        this.sq += (a - b) ** 2;
      }
      if (this.oneValue) {
        this.oneValue.a.push(outputs[row]);
        this.oneValue.b.push(reference[row]);
      } else if (bestA === bestB) this.same++;
      this.cosineSum += na === 0 && nb === 0 ? 1 : na === 0 || nb === 0 ? 0 : dot / Math.sqrt(na * nb);
    }
    this.values += outputs.length;
    this.count += outputs.length / per;
  }

  result(): Agreement {
    let same = this.same;
    if (this.oneValue) {
      const { a, b } = this.oneValue;
      const threshold = b.every((v) => v >= 0 && v <= 1) ? 0.5 : 0;
      same = a.filter((v, i) => v > threshold === b[i] > threshold).length;
    }
    return {
      top1: this.count > 0 ? same / this.count : NaN,
      cosine: this.count > 0 ? this.cosineSum / this.count : NaN,
      rmse: this.values > 0 ? Math.sqrt(this.sq / this.values) : NaN,
    };
  }
}

/** What a model's output is measured as. */
export type Task = 'classification' | 'binary' | 'autoencoder' | 'regression';

/** The measures a task reports (the names `--metric` takes). */
export const METRICS_OF: Record<Task, readonly string[]> = {
  classification: ['accuracy', 'topK', 'macroF1', 'balancedAccuracy'],
  binary: ['auc', 'accuracy'],
  autoencoder: ['auc', 'meanError'],
  regression: ['mae', 'mse'],
};

/**
 * The task an output implies: an output of the input's shape is an autoencoder; one value with 0/1 labels (or no
 * labels) a binary classifier; one value with other labels, or labels that are not class indices, regression;
 * otherwise classification.
 */
export function taskOf(output: { shape: readonly number[] }, input: { shape: readonly number[] }, labels?: { classIndices: boolean; binary: boolean }): Task {
  const size = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);
  const squeeze = (s: readonly number[]) => s.filter((d) => d !== 1);
  const si = squeeze(input.shape);
  const so = squeeze(output.shape);
  if (size(output.shape) > 1 && si.length === so.length && si.every((d, i) => d === so[i])) return 'autoencoder';
  if (size(output.shape) === 1) return !labels || labels.binary ? 'binary' : 'regression';
  return !labels || labels.classIndices ? 'classification' : 'regression';
}
