// Whether two sweep specs ask for the same sweep: the open session's (as stored) and the one the inputs describe.
// Key order, absent optional fields and the sampling settings of a grid sweep do not count; the model is compared
// by its graph elsewhere (a spec names it by preset or file).
import type { SweepSpec } from '../../shared/sweep/types';

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) {
    const v = (value as Record<string, unknown>)[key];
    if (v !== undefined) out[key] = canonical(v);
  }
  return out;
}

function comparable(spec: SweepSpec): unknown {
  // The model file and the calibration data are where the model's weights come from, not what is swept.
  const { model: _model, gridLimit: _limit, modelFile: _file, calibrationData: _data, samples, seed, ...all } = spec;
  // Measured on data, the accuracy model is the sweep's own result (fitted and stored with the session), not an input.
  const rest = spec.data ? { ...all, accuracy: null } : all;
  void _model;
  void _limit;
  void _file;
  void _data;
  return canonical({
    ...rest,
    precisions: rest.precisions.map((p) => p.toLowerCase()),
    ...(spec.strategy === 'random' ? { samples, seed } : {}),
  });
}

export const sameSpec = (a: SweepSpec, b: SweepSpec): boolean => JSON.stringify(comparable(a)) === JSON.stringify(comparable(b));
