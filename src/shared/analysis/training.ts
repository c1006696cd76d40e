// Training memory, for on-device learning: far above inference, because training keeps weights, their gradients,
// the optimizer's state and every activation of the forward pass for the backward pass. It works on the framework
// graph as written (nothing folded or fused), at the weight and activation formats of the chosen precision.
import { UsageError } from '../cli/valueList';
import type { ModelCounts } from './counts';
import { tensorBytes, type Precision } from './precision';

export type Optimizer = 'sgd' | 'momentum' | 'adam';
export const OPTIMIZERS: readonly Optimizer[] = ['sgd', 'momentum', 'adam'];

/** Values of optimizer state kept per trainable parameter. */
const STATE_PER_PARAM: Record<Optimizer, number> = { sgd: 0, momentum: 1, adam: 2 };

export interface TrainingMemory {
  optimizer: Optimizer;
  batchSize: number;
  precision: string;
  trainableParams: number;
  nonTrainableParams: number;
  weightBytes: number;
  gradientBytes: number;
  optimizerStateBytes: number;
  /** Every layer output of the forward pass, times the batch size, kept for the backward pass. */
  activationBytes: number;
  totalBytes: number;
}

export function trainingMemory(
  counts: ModelCounts,
  precision: Precision,
  optimizer: Optimizer,
  batchSize: number,
): TrainingMemory {
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new UsageError(`batch size must be a whole number ≥ 1, got ${batchSize}`);
  }
  let trainable = 0;
  let nonTrainable = 0;
  let activationElements = 0;
  for (const layer of counts.layers) {
    if (layer.type === 'BatchNormalization') {
      // Keras: gamma and beta train; the moving mean and variance do not.
      const channels = layer.outputShape[layer.outputShape.length - 1];
      nonTrainable += 2 * channels;
      trainable += layer.frameworkParams - 2 * channels;
    } else {
      trainable += layer.frameworkParams;
    }
    // Views (Flatten, Reshape) share their input's buffer; every other layer's output is kept.
    if (layer.role !== 'alias') activationElements += layer.outputShape.reduce((a, b) => a * b, 1);
  }
  const weightBytes = tensorBytes(trainable + nonTrainable, precision.weights);
  const gradientBytes = tensorBytes(trainable, precision.weights);
  const optimizerStateBytes = tensorBytes(trainable * STATE_PER_PARAM[optimizer], precision.weights);
  const activationBytes = tensorBytes(activationElements, precision.activations) * batchSize;
  return {
    optimizer,
    batchSize,
    precision: precision.name,
    trainableParams: trainable,
    nonTrainableParams: nonTrainable,
    weightBytes,
    gradientBytes,
    optimizerStateBytes,
    activationBytes,
    totalBytes: weightBytes + gradientBytes + optimizerStateBytes + activationBytes,
  };
}
