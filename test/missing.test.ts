// A refusal of an absent field says it is missing, never "got undefined": in spec files, model files in Frontier's
// format and accuracy models here; bundles in test/exports.test.ts, the API's schemas in test/validate.test.ts.
import { describe, expect, it } from 'vitest';
import { validateAccuracyModel, type AccuracyModel } from '../src/shared/analysis/accuracy';
import { nativeToGraph, graphToNative } from '../src/shared/model/native';
import { findPreset } from '../src/shared/presets';
import { defaultSpec, parseSweepSpec } from '../src/shared/sweep/specFile';

const messageOf = (fn: () => unknown): string => {
  try {
    fn();
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected a refusal');
};

describe('an absent field is missing', () => {
  it('in a spec file: a client without its deadline', () => {
    const spec = { ...defaultSpec('exam-cnn'), clients: [{ name: 'c' }] };
    const message = messageOf(() => parseSweepSpec(spec, 's.json'));
    expect(message).toBe('s.json: clients[0].deadlineS is missing; it must be a positive number of seconds, at most 86,400');
  });

  it("in Frontier's model format: a layer field and the format", () => {
    const native = graphToNative(findPreset('exam-cnn')!.build()) as unknown as { layers: Record<string, unknown>[]; format?: string };
    const withoutFilters = structuredClone(native);
    delete withoutFilters.layers[1].filters;
    expect(messageOf(() => nativeToGraph(withoutFilters, 'm.json'))).toMatch(/^m\.json: layer "conv1": filters is missing; it must be /);
    const withoutFormat = structuredClone(native);
    delete withoutFormat.format;
    expect(messageOf(() => nativeToGraph(withoutFormat, 'm.json'))).toBe('m.json: "format" is missing; it must be "frontier-model"');
  });

  it('in an accuracy model: the base accuracy', () => {
    const model = { kind: 'penalties', penalties: {} } as unknown as AccuracyModel;
    expect(messageOf(() => validateAccuracyModel(model))).toBe('base accuracy is missing; it must be a fraction between 0 and 1 (e.g. 0.93)');
  });
});
