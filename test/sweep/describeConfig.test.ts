// The compact form of a configuration: a wildcard prune as one ratio, otherwise only the layers that changed.
import { describe, expect, it } from 'vitest';
import { findPreset } from '../../src/shared/presets';
import type { ModelGraph } from '../../src/shared/model/types';
import { configVocabulary, describeConfiguration } from '../../src/shared/sweep/describeConfig';
import { fixtureBytes, importTflite } from '../import/tflite/helpers';

const exam = (findPreset('exam-cnn') as { build(): ModelGraph }).build();

describe('describeConfiguration', () => {
  it('a wildcard prune reads as one ratio and the precision', () => {
    const words = configVocabulary(exam, { channels: {}, prune: { '*': ['0', '0.25', '0.5'] } });
    expect(describeConfiguration({ channels: { conv1: 12, conv2: 24, dense: 3 }, precision: 'int8' }, words)).toBe('pruned 25 % · INT8');
    expect(describeConfiguration({ channels: { conv1: 16, conv2: 32, dense: 3 }, precision: 'fp32' }, words)).toBe('unpruned · FP32');
  });

  it('otherwise only the layers that differ from the model', () => {
    const words = configVocabulary(exam, { channels: { conv1: ['8', '16'] }, prune: {} });
    expect(describeConfiguration({ channels: { conv1: 8, conv2: 32, dense: 3 }, precision: 'int8' }, words)).toBe('conv1 8 · INT8');
  });

  it('a precision-only sweep says just the precision', () => {
    expect(describeConfiguration({ channels: { conv1: 16, conv2: 32, dense: 3 }, precision: 'w8a32' }, configVocabulary(exam))).toBe('W8A32');
  });

  it('a converted file’s layers by display name, named in the sweep by either name', () => {
    const hello = importTflite(fixtureBytes('hello_world_int8.tflite'), 'hello_world_int8.tflite');
    const full = hello.layers[2].name;
    const words = configVocabulary(hello, { channels: { dense_1: ['8', '16'] }, prune: {} });
    expect(describeConfiguration({ channels: { [full]: 8 }, precision: 'int8' }, words)).toBe('dense_1 8 · INT8');
  });
});
