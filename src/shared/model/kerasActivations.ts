// Keras activations, given by name, as an object or as a ReLU-family layer, mapped to Frontier's names.
import { isObj, show, type Obj } from './kerasValues';
import { ModelError, type ActivationName } from './types';

/** Keras spellings of activations, mapped to Frontier's names. */
const ACTIVATION_NAMES: Record<string, ActivationName> = {
  linear: 'linear',
  relu: 'relu',
  relu6: 'relu6',
  leaky_relu: 'leaky_relu',
  elu: 'elu',
  selu: 'selu',
  gelu: 'gelu',
  sigmoid: 'sigmoid',
  hard_sigmoid: 'hard_sigmoid',
  swish: 'swish',
  silu: 'silu',
  hard_swish: 'hard_swish',
  hard_silu: 'hard_silu',
  tanh: 'tanh',
  softmax: 'softmax',
  softplus: 'softplus',
  softsign: 'softsign',
  exponential: 'exponential',
  mish: 'mish',
};

/**
 * The activation of a ReLU-family layer (also used for activations given as layer objects).
 * Frontier keeps only the function's name, so Keras's parameters are folded as follows:
 * - ReLU(max_value=6, negative_slope=0, threshold=0) → relu6 (also the ReLU6 class);
 * - ReLU with negative_slope > 0 → leaky_relu (any max_value or threshold is dropped);
 * - any other ReLU (no cap, a cap other than 6, or a threshold) → relu;
 * - LeakyReLU (whatever its slope, `alpha` in Keras 2, `negative_slope` in Keras 3) → leaky_relu;
 * - ELU → elu; Softmax → softmax.
 * The choice changes no parameter or operation count; it matters only where an activation's cost
 * depends on its kind.
 */
export function activationLayer(className: string, config: Obj, name: string): ActivationName {
  switch (className) {
    case 'ReLU6':
      return 'relu6';
    case 'ReLU': {
      const num = (field: string, fallback: number): number => {
        const v = config[field];
        if (v === undefined || v === null) return fallback;
        if (typeof v !== 'number') {
          throw new ModelError(`layer "${name}": ${field} must be a number, it is ${show(v)}`, name);
        }
        return v;
      };
      const maxValue = num('max_value', Infinity);
      const slope = num('negative_slope', 0);
      const threshold = num('threshold', 0);
      if (slope > 0) return 'leaky_relu';
      if (maxValue === 6 && threshold === 0) return 'relu6';
      return 'relu';
    }
    case 'LeakyReLU':
      return 'leaky_relu';
    case 'ELU':
      return 'elu';
    case 'Softmax':
      return 'softmax';
  }
  throw new ModelError(`layer "${name}": unsupported activation layer ${className}`, name);
}

export function activationName(value: unknown, name: string, field: string): ActivationName {
  if (value === undefined || value === null) return 'linear';
  if (typeof value === 'string') {
    // "keras.activations.relu" → "relu"
    const key = value.split('.').pop()?.toLowerCase() ?? value;
    const mapped = ACTIVATION_NAMES[key];
    if (mapped) return mapped;
    throw new ModelError(`layer "${name}": unsupported activation ${show(value)} in "${field}"`, name);
  }
  if (isObj(value)) {
    // Keras 3 may write {"module": "keras.activations", "class_name": "function", "config": "relu", ...};
    // older writers an activation layer object {"class_name": "ReLU", "config": {...}}.
    const cls = value.class_name;
    const cfg = value.config;
    if (typeof cfg === 'string') return activationName(cfg, name, field);
    if (typeof cls === 'string' && ['ReLU', 'ReLU6', 'LeakyReLU', 'ELU', 'Softmax'].includes(cls)) {
      return activationLayer(cls, isObj(cfg) ? cfg : {}, name);
    }
    if (isObj(cfg) && typeof cfg.name === 'string') return activationName(cfg.name, name, field);
    if (typeof value.registered_name === 'string') return activationName(value.registered_name, name, field);
    if (typeof cls === 'string' && cls !== 'function') return activationName(cls, name, field);
  }
  throw new ModelError(`layer "${name}": unsupported activation ${show(value)} in "${field}"`, name);
}
