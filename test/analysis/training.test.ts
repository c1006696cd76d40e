import { describe, expect, it } from 'vitest';
import { countModel } from '../../src/shared/analysis/counts';
import { parsePrecision } from '../../src/shared/analysis/precision';
import { trainingMemory } from '../../src/shared/analysis/training';
import { examCnn, mlperfKws } from '../../src/shared/presets';

describe('training memory', () => {
  const fp32 = parsePrecision('fp32');
  it('exam-cnn with Adam: weights + gradients + 2 moments + every activation', () => {
    const t = trainingMemory(countModel(examCnn()), fp32, 'adam', 1);
    expect(t.weightBytes).toBe(91203 * 4);
    expect(t.gradientBytes).toBe(91203 * 4);
    expect(t.optimizerStateBytes).toBe(2 * 91203 * 4);
    // input, conv1, pool1, conv2, pool2, dense (flatten is a view)
    expect(t.activationBytes).toBe((16384 + 254016 + 63504 + 119072 + 28800 + 3) * 4);
    expect(t.totalBytes).toBe(4 * 91203 * 4 + t.activationBytes);
  });
  it('SGD keeps no state, momentum one value per parameter; batch multiplies activations', () => {
    const counts = countModel(examCnn());
    expect(trainingMemory(counts, fp32, 'sgd', 1).optimizerStateBytes).toBe(0);
    expect(trainingMemory(counts, fp32, 'momentum', 1).optimizerStateBytes).toBe(91203 * 4);
    expect(trainingMemory(counts, fp32, 'sgd', 8).activationBytes).toBe(8 * trainingMemory(counts, fp32, 'sgd', 1).activationBytes);
  });
  it('BatchNormalization moving statistics are stored but not trained', () => {
    const t = trainingMemory(countModel(mlperfKws()), fp32, 'sgd', 1);
    expect(t.trainableParams + t.nonTrainableParams).toBe(24908);
    expect(t.nonTrainableParams).toBe(1152);
  });
  it('refuses a batch below 1', () => {
    expect(() => trainingMemory(countModel(examCnn()), fp32, 'sgd', 0)).toThrow(/batch size must be a whole number ≥ 1, got 0/);
  });
});
