// `frontier sensitivity`: each layer pruned alone, each precision, on the Fashion-MNIST CNN's first 1,000 test images.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, cliJson, root } from './run';

const fashion = (name: string) => join(root, 'test', 'fixtures', 'fashion', name);
const data = ['--data', fashion('test-images-1000.npy'), '--labels', fashion('test-labels-1000.npy')];
// The evaluation cache goes to a database of the tests' own, never the user's.
const env = { FRONTIER_DB: join(mkdtempSync(join(tmpdir(), 'frontier-sensitivity-db-')), 'frontier.db') };

interface Report {
  metric: string;
  base: Record<string, number>;
  layers: { layer: string; group: string[]; points: { channels: number; fractionKept: number; precision: string; value: number }[] }[];
  precisions: { precision: string; value: number }[];
}

describe('frontier sensitivity', () => {
  it('every prunable layer at every level, and every precision; each point is the evaluation of that configuration', async () => {
    const report = await cliJson<Report>(['sensitivity', fashion('cnn.onnx'), ...data, '--prune', '*=0.5', '--precision', 'fp32,int8'], env);
    expect(report.metric).toBe('accuracy');
    expect(Object.keys(report.base)).toEqual(['fp32', 'int8']);
    expect(report.precisions.map((p) => p.precision)).toEqual(['fp32', 'int8']);
    // The output layer is left alone by a wildcard, as sweeps leave it.
    expect(report.layers.map((l) => l.layer)).toEqual(['/conv1/Conv', '/conv2/Conv']);
    const point = report.layers[0].points[0];
    expect(point).toMatchObject({ channels: 4, fractionKept: 0.5, precision: 'fp32' });
    const evaluated = await cliJson<{ metrics: { accuracy: number } }>(['evaluate', fashion('cnn.onnx'), ...data, '--channels', '/conv1/Conv=4', '--agreement', 'none', '--no-cache'], env);
    expect(point.value).toBe(evaluated.metrics.accuracy);
    expect(report.base.fp32).toBe(823 / 1000);
  });

  it('a table by short names, the change in points, the most and least sensitive layers', async () => {
    const r = await cli(['sensitivity', fashion('cnn.onnx'), ...data, '--prune', 'conv1=0.75', '--prune', 'conv2=0.75'], env);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^conv1 +2 +25\.0 % +FP32 +\d+\.\d % +−\d+\.\d points$/m);
    expect(r.stdout).toMatch(/^most sensitive: conv\d; least sensitive: conv\d/m);
  });
});
