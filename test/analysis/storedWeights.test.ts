// A file's stored weight bytes beside the parameter memory: equal, or the difference explained.
import { describe, expect, it } from 'vitest';
import { analyze, storedDifference } from '../../src/shared/analysis/analyze';
import { fixtureBytes, importTflite } from '../import/tflite/helpers';

describe('stored weights vs parameter memory', () => {
  it('person_detect: the two agree, nothing to explain', () => {
    const r = analyze(importTflite(fixtureBytes('person_detect.tflite'), 'person_detect.tflite'));
    expect(r.storedParamBytes).toBe(r.paramBytes);
    expect(r.storedParamNote).toBeNull();
  });

  it('shared buffers explain a file smaller than the parameter memory', () => {
    expect(storedDifference(48_388, 49_408, 1_020)).toBe(
      '1,020 B less than the parameter memory: 1,020 B of weights are buffers several layers share, which the file stores once and the parameter memory counts for each layer',
    );
  });

  it('a difference sharing does not explain is said as such', () => {
    expect(storedDifference(1_000, 1_200, 0)).toBe(
      '200 B less than the parameter memory: 200 B more come from values the analysis counts at another width than the file stores them (biases, per-channel scales)',
    );
  });
});
