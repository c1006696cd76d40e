// The session report describes an INT8 file's session at INT8: the file as it stores it, the sweep's precisions.
import { describe, expect, it } from 'vitest';
import { analyze } from '../../src/shared/analysis/analyze';
import type { SessionView } from '../../src/shared/api';
import { graphToNative } from '../../src/shared/model/native';
import { configVocabulary } from '../../src/shared/sweep/describeConfig';
import { reportHtml, reportMarkdown } from '../../src/renderer/lib/report';
import { fixtureBytes, importTflite } from '../import/tflite/helpers';

describe('session report', () => {
  const graph = importTflite(fixtureBytes('person_detect.tflite'), 'person_detect.tflite');
  const spec = { channels: {}, prune: {}, precisions: ['int8'], clients: [], accuracy: null } as unknown as SessionView['spec'];
  const view = {
    summary: { session: 's', model: 'person_detect', frontierVersion: 'x', configs: 1, status: 'complete', feasible: 1, pareto: [], best: {}, nearestMiss: {} },
    spec,
    graph: graphToNative(graph),
    devices: [],
    clients: [],
    created: '',
  } as unknown as SessionView;
  const input = {
    view,
    base: analyze(graph),
    swept: [analyze(graph, { precision: 'int8' })],
    words: configVocabulary(graph, spec),
    plots: [],
  };

  it('says the stored precision and the swept one, never FP32', () => {
    for (const text of [reportHtml(input), reportMarkdown(input)]) {
      expect(text).toContain('as the file stores it (INT8)');
      expect(text).toContain('The sweep tried INT8');
      expect(text).not.toContain('FP32');
    }
  });

  it('names layers by display name, the full name on hover', () => {
    const html = reportHtml(input);
    expect(html).toContain('<td title="MobilenetV1/MobilenetV1/Conv2d_0/Relu6">Conv2d_0</td>');
  });
});
