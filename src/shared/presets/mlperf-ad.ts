import type { ModelGraph } from '../model/types';
import { GraphBuilder } from './builder';

/** Units of the nine hidden Dense layers: the 128-128-128-128-8-128-128-128-128 autoencoder. */
const HIDDEN = [128, 128, 128, 128, 8, 128, 128, 128, 128] as const;

/**
 * MLPerf Tiny anomaly detection reference model: a fully connected autoencoder on 5 frames × 128 log-mel
 * bins = 640 inputs (ToyADMOS ToyCar, DCASE 2020 Task 2 baseline).
 *
 * Layer by layer as `get_model(inputDim)` in mlcommons/tiny benchmark/training/anomaly_detection/keras_model.py
 * (Hitachi's DCASE 2020 Task 2 baseline, Koizumi et al., arXiv:2006.05822): nine Dense layers of
 * 128-128-128-128-8-128-128-128-128 units, each followed by BatchNormalization and ReLU, then a linear Dense
 * back to 640. inputDim = n_mels × frames = 128 × 5 from the benchmark's baseline.yaml. The Dense and BN
 * layers carry the source's own names (Dense_N, Batch_Normalization_N); the source leaves the activations
 * and the last Dense unnamed.
 */
export function mlperfAd(): ModelGraph {
  const inputDim = 5 * 128;
  const b = new GraphBuilder('mlperf-ad');
  let h = b.input('input', [inputDim]);
  HIDDEN.forEach((units, i) => {
    const n = i + 1;
    h = b.dense(`Dense_${n}`, h, { units });
    h = b.batchNorm(`Batch_Normalization_${n}`, h);
    h = b.activation(`Activation_${n}`, h, 'relu');
  });
  h = b.dense('Dense_10', h, { units: inputDim });
  return b.build(h);
}
