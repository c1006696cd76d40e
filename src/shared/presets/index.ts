// Built-in model presets: fresh graphs of well-known small networks, each written from its published definition.

import type { ModelGraph } from '../model/types';
import { examCnn } from './exam-cnn';
import { mlperfAd } from './mlperf-ad';
import { mlperfIc } from './mlperf-ic';
import { mlperfKws } from './mlperf-kws';
import { mlperfVww } from './mlperf-vww';

export { GraphBuilder } from './builder';
export { examCnn, mlperfAd, mlperfIc, mlperfKws, mlperfVww };

export interface Preset {
  /** Stable identifier, also the built graph's name. */
  id: string;
  /** Display name. */
  name: string;
  /** One line on what the model is. */
  description: string;
  /** Where the architecture comes from: repository path and paper. */
  source: string;
  /** A new, independent graph on every call. */
  build: () => ModelGraph;
}

const MLPERF_TINY = 'MLPerf Tiny (Banbury et al., arXiv:2106.07597)';

export const PRESETS: readonly Preset[] = [
  {
    id: 'exam-cnn',
    name: 'Exam CNN',
    description: '128×128×1 input, two 3×3 conv + 2×2 max-pool stages (16, 32 filters), Flatten, Dense 3.',
    source: 'Frontier built-in example network',
    build: examCnn,
  },
  {
    id: 'mlperf-vww',
    name: 'MLPerf Tiny VWW: MobileNetV1 0.25',
    description: 'Visual wake words: MobileNetV1 (α = 0.25) on 96×96×3 images, person / no person.',
    source: `github.com/mlcommons/tiny benchmark/training/visual_wake_words/vww_model.py (mobilenet_v1); ${MLPERF_TINY}; MobileNets (Howard et al., arXiv:1704.04861)`,
    build: mlperfVww,
  },
  {
    id: 'mlperf-kws',
    name: 'MLPerf Tiny KWS: DS-CNN',
    description: 'Keyword spotting: depthwise separable CNN on 49×10 MFCC features, 12 classes.',
    source: `github.com/mlcommons/tiny benchmark/training/keyword_spotting/keras_model.py (ds_cnn); ${MLPERF_TINY}; Hello Edge (Zhang et al., arXiv:1711.07128)`,
    build: mlperfKws,
  },
  {
    id: 'mlperf-ic',
    name: 'MLPerf Tiny IC: ResNet-8',
    description: 'Image classification: ResNet-8 with three residual stacks (16, 32, 64 filters) on 32×32×3 CIFAR-10, 10 classes.',
    source: `github.com/mlcommons/tiny benchmark/training/image_classification/keras_model.py (resnet_v1_eembc); ${MLPERF_TINY}; ResNet (He et al., arXiv:1512.03385)`,
    build: mlperfIc,
  },
  {
    id: 'mlperf-ad',
    name: 'MLPerf Tiny AD: FC autoencoder',
    description: 'Anomaly detection: fully connected autoencoder (128×4, 8, 128×4) on 5 frames × 128 log-mel bins = 640 inputs.',
    source: `github.com/mlcommons/tiny benchmark/training/anomaly_detection/keras_model.py (get_model); ${MLPERF_TINY}; DCASE 2020 Task 2 baseline (Koizumi et al., arXiv:2006.05822)`,
    build: mlperfAd,
  },
];

export function findPreset(id: string): Preset | undefined {
  return PRESETS.find((p) => p.id === id);
}

export function presetIds(): string[] {
  return PRESETS.map((p) => p.id);
}
