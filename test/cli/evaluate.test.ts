// `frontier evaluate` as a user runs it: a PyTorch-trained Fashion-MNIST CNN on its first 1,000 test images.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeNpy } from '../../src/shared/engine/npy';
import { cli, cliJson, root } from './run';

const fashion = (name: string) => join(root, 'test', 'fixtures', 'fashion', name);
const summary = JSON.parse(readFileSync(fashion('cnn.json'), 'utf8')) as { subsetCorrect: number };
const data = ['--data', fashion('test-images-1000.npy'), '--labels', fashion('test-labels-1000.npy')];
// The evaluation cache goes to a database of the tests' own, never the user's.
const env = { FRONTIER_DB: join(mkdtempSync(join(tmpdir(), 'frontier-evaluate-db-')), 'frontier.db') };

describe('frontier evaluate', () => {
  it("a float model's accuracy is the count of right answers PyTorch gets, with the metrics and the preprocessing said", async () => {
    const result = await cliJson<{
      metrics: { accuracy: number; top5: number; macroF1: number; balancedAccuracy: number; perClassRecall: number[] };
      agreement: { top1: number };
      samples: number;
      precision: string;
      preprocessing: { text: string };
      channels: Record<string, number>;
    }>(['evaluate', fashion('cnn.onnx'), ...data], env);
    expect(result.samples).toBe(1000);
    expect(result.precision).toBe('fp32');
    expect(result.metrics.accuracy).toBe(summary.subsetCorrect / 1000);
    expect(result.metrics.perClassRecall).toHaveLength(10);
    expect(result.agreement.top1).toBe(1);
    expect(result.preprocessing.text).toContain('x ÷ 255');
    expect(Object.values(result.channels).length).toBeGreaterThan(0);
  });

  it('an int8, pruned configuration is measured and compared with the float model', async () => {
    const r = await cli(['evaluate', fashion('cnn.onnx'), ...data, '--precision', 'int8', '--prune', '*=0.25'], env);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^1,000 samples of .*test-images-1000\.npy, INT8, classification$/m);
    expect(r.stdout).toMatch(/^ {2}accuracy +\d+\.\d %$/m);
    expect(r.stdout).toMatch(/^agreement with the model at fp32: top-1 \d+\.\d %/m);
    expect(r.stderr).toMatch(/note: calibrated on 256 samples: spread evenly over/);
  });

  it('labels of another length: an error with both lengths, nothing run', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'frontier-evaluate-'));
    const labels = join(dir, 'labels.npy');
    writeFileSync(labels, writeNpy({ dtype: 'int64', shape: [999], data: new BigInt64Array(999) }));
    const r = await cli(['evaluate', fashion('cnn.onnx'), '--data', fashion('test-images-1000.npy'), '--labels', labels], env);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('999');
    expect(r.stderr).toContain('1000');
  });

  it('--emit writes the evaluated configuration as the model file itself: evaluated again, the same metrics', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'frontier-evaluate-emit-'));
    for (const format of ['tflite', 'onnx']) {
      const out = join(dir, `pruned.${format}`);
      const first = await cliJson<{ metrics: Record<string, unknown> }>(['evaluate', fashion('cnn.onnx'), ...data, '--precision', 'int8', '--prune', '*=0.25', '--agreement', 'none', '--emit', format, '--out', out], env);
      const again = await cliJson<{ metrics: Record<string, unknown>; precision: string }>(['evaluate', out, ...data, '--agreement', 'none'], env);
      expect(again.precision).toBe('int8');
      expect(again.metrics).toEqual(first.metrics);
    }
  });
});
