// `frontier analyze` and `frontier sweep` on TensorFlow Lite files: the TFLM models' published figures through the
// real command, recognition by content, and unknown operators.
import { copyFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GraphBuilder } from '../../src/shared/presets';
import { graphToTflite } from '../import/tflite/writer';
import { cli, cliJson, root } from './run';

const model = (name: string): string => join(root, 'test', 'fixtures', 'tflite', name);
const dir = mkdtempSync(join(tmpdir(), 'frontier-tflite-'));

interface Report {
  params: number;
  paramBytes: number;
  storedParamBytes: number | null;
  macs: number;
  peakActivationBytes: number;
  precision: string;
  biasMode: string;
  format: string | null;
  filePrecision: string | null;
  whatIf: boolean;
  memoryModel: string;
  notes: string[];
  layers: { name: string; type: string }[];
  arena?: { bytes: number; livenessBoundBytes: number };
}

describe('frontier analyze FILE.tflite --json', () => {
  it('person_detect: 31 operators, 210,706 parameters, 218,920 B, 7,157,888 MACs, 55,296 B under layer-io', async () => {
    const r = await cliJson<Report>(['analyze', model('person_detect.tflite')]);
    expect(r).toMatchObject({
      params: 210706,
      paramBytes: 218920,
      storedParamBytes: 218920,
      macs: 7157888,
      peakActivationBytes: 55296,
      memoryModel: 'layer-io',
      precision: 'int8',
      biasMode: 'int32',
      format: 'tflite',
      filePrecision: 'int8',
      whatIf: false,
    });
    expect(r.layers.filter((l) => l.type !== 'Input')).toHaveLength(31);
  });
  it('person_detect: 36,864 B largest tensor, a 55,296 B arena', async () => {
    expect((await cliJson<Report>(['analyze', model('person_detect.tflite'), '--memory', 'largest-tensor'])).peakActivationBytes).toBe(36864);
    const arena = await cliJson<Report>(['analyze', model('person_detect.tflite'), '--memory', 'arena']);
    expect(arena.peakActivationBytes).toBe(55296);
    expect(arena.arena).toMatchObject({ bytes: 55296, livenessBoundBytes: 55296 });
  });
  it('hello_world_int8: 3 operators, 321 parameters, 420 B, 288 MACs, 32 B under layer-io; 16 B largest tensor', async () => {
    const r = await cliJson<Report>(['analyze', model('hello_world_int8.tflite')]);
    expect(r).toMatchObject({ params: 321, paramBytes: 420, storedParamBytes: 420, macs: 288, peakActivationBytes: 32 });
    expect(r.layers.filter((l) => l.type !== 'Input')).toHaveLength(3);
    expect((await cliJson<Report>(['analyze', model('hello_world_int8.tflite'), '--memory', 'largest-tensor'])).peakActivationBytes).toBe(16);
  });
  it('recognises the format by content, whatever the extension', async () => {
    const renamed = join(dir, 'model.bin');
    copyFileSync(model('hello_world_int8.tflite'), renamed);
    expect((await cliJson<Report>(['analyze', renamed])).params).toBe(321);
  });
  it('unknown operators: exit 1 naming them; --allow-unknown-ops analyses them with a warning', async () => {
    const b = new GraphBuilder('svdf');
    const x = b.input('in', [16]);
    const s = b.layer('svdf', [x], { type: 'Opaque', op: 'SVDF', outputShape: [16] });
    b.dense('fc', s, { units: 4 });
    const file = join(dir, 'svdf.tflite');
    writeFileSync(file, graphToTflite(b.build(), { precision: 'int8' }));
    const refused = await cli(['analyze', file, '--json']);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toContain(`${file}: 1 operator Frontier does not know: SVDF ×1`);
    const r = await cliJson<Report>(['analyze', file, '--allow-unknown-ops']);
    expect(r.macs).toBe(64);
    expect(r.notes.some((n) => n.includes('unknown operators analysed as zero-MAC operations: svdf (SVDF)'))).toBe(true);
  });
});

describe('frontier sweep FILE.tflite', () => {
  it('sweeps pruning ratios and precisions of an imported model', async () => {
    const summary = await cliJson<{ configs: number; status: string; model: string; pareto: { params: number; precision: string }[] }>(
      ['sweep', model('person_detect.tflite'), '--device', 'stm32f746', '--prune', '*=0,0.5', '--precision', 'int8,fp32', '--memory', 'arena', '--session', 'tflite'],
      { FRONTIER_DB: join(dir, 'sweep.db') },
    );
    expect(summary).toMatchObject({ configs: 4, status: 'complete', model: 'person_detect' });
    expect(summary.pareto.length).toBeGreaterThan(0);
    expect(summary.pareto.every((p) => p.params <= 210706)).toBe(true);
  });

  it('sweeps the file at the precision it stores, with its int32 biases, unless told otherwise', async () => {
    const summary = await cliJson<{ pareto: { precision: string; paramBytes: number; channels: Record<string, number> }[] }>(
      ['sweep', model('person_detect.tflite'), '--device', 'stm32f746', '--session', 'as-stored'],
      { FRONTIER_DB: join(dir, 'sweep.db') },
    );
    expect(summary.pareto.map((p) => [p.precision, p.paramBytes])).toEqual([['int8', 218_920]]);
  });
});
