// `frontier analyze FILE` and `frontier sweep FILE` on ONNX files, recognised by content, as a user runs them.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { examCnn, mlperfIc } from '../../src/shared/presets';
import { cli, cliJson } from '../cli/run';
import { attr, OnnxBuilder } from './builder';
import { runOnZeros } from './ort';
import { graphToOnnx } from './writer';

const dir = mkdtempSync(join(tmpdir(), 'frontier-onnx-'));
const file = (name: string, bytes: Uint8Array): string => {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
};

interface Report {
  format: string | null;
  filePrecision: string | null;
  whatIf: boolean;
  params: number;
  paramBytes: number;
  storedParamBytes: number | null;
  macs: number;
  peakActivationBytes: number;
  biasMode: string;
  notes: string[];
  layers: { name: string; type: string; outputShape: number[] }[];
}

describe('frontier analyze on ONNX files', () => {
  const int8 = file('exam-int8.onnx', graphToOnnx(examCnn(), { precision: 'int8' }));

  it('analyses the file at the precision it stores, with its stored weight bytes', async () => {
    const report = await cliJson<Report>(['analyze', int8, '--memory', 'arena']);
    const preset = await cliJson<Report>(['analyze', 'exam-cnn', '--memory', 'arena', '--precision', 'int8', '--bias', 'int32']);
    expect(report).toMatchObject({ format: 'onnx', filePrecision: 'int8', whatIf: false, biasMode: 'int32', storedParamBytes: 91356 });
    expect([report.params, report.paramBytes, report.macs, report.peakActivationBytes]).toEqual([
      preset.params,
      preset.paramBytes,
      preset.macs,
      preset.peakActivationBytes,
    ]);
    expect(report.layers.find((l) => l.name === 'conv1')?.outputShape).toEqual([126, 126, 16]);
    expect(report.notes.some((n) => n.includes('channels-first (NCHW)'))).toBe(true);
  });

  it('recognises ONNX by content, whatever the extension', async () => {
    const renamed = file('exam.model', graphToOnnx(examCnn()));
    expect(await cliJson<Report>(['analyze', renamed])).toMatchObject({ format: 'onnx', filePrecision: 'fp32', params: 91203 });
  });

  it('takes --input-shape for dynamic dimensions and --allow-unknown-ops for operators it does not know', async () => {
    const b = new OnnxBuilder('m', 13);
    b.input('image', ['batch', 3, 'h', 'w']);
    b.initializer('w', [8, 3, 3, 3], new Array(216).fill(0.1));
    b.node('Conv', ['image', 'w'], ['c'], { pads: attr.ints([1, 1, 1, 1]) }, 'conv');
    b.node('Erf', ['c'], ['y'], {}, 'erf');
    b.output('y', ['batch', 8, 'h', 'w']);
    await runOnZeros(b.bytes(), { image: [1, 3, 64, 48] });
    const path = file('dynamic.onnx', b.bytes());
    const refused = await cli(['analyze', path]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`${path}: unknown ONNX operators: Erf ×1`);
    const report = await cliJson<Report>(['analyze', path, '--allow-unknown-ops', '--input-shape', 'image=1x3x64x48']);
    expect(report.layers.map((l) => [l.name, l.type, l.outputShape])).toEqual([
      ['image', 'Input', [64, 48, 3]],
      ['conv', 'Conv2D', [64, 48, 8]],
      ['erf', 'Opaque', [64, 48, 8]],
    ]);
    expect(report.macs).toBe(64 * 48 * 8 * 27);
  });
});

describe('frontier sweep on an ONNX file', () => {
  it('gives the same front and picks as the preset it was written from', async () => {
    const path = file('exam.onnx', graphToOnnx(examCnn()));
    const args = [
      '--device', 'exam-mcu', '--memory', 'largest-tensor', '--channels', 'conv1=8,16', '--channels', 'conv2=8,32',
      '--precision', 'fp32,int8', '--base-accuracy', '0.93', '--penalty', 'pruned=0.05', '--penalty', 'int8=0.03',
      '--deadline', 'client1=0.2', '--deadline', 'client2=0.5',
    ];
    type Summary = { configs: number; best: Record<string, unknown>; pareto: unknown[] };
    const db = join(dir, 'sweep.db');
    const onnx = await cliJson<Summary>(['sweep', path, ...args, '--session', 'onnx'], { FRONTIER_DB: db });
    const preset = await cliJson<Summary>(['sweep', 'exam-cnn', ...args, '--session', 'preset'], { FRONTIER_DB: db });
    expect(onnx.configs).toBe(8);
    expect(onnx.best).toEqual(preset.best);
    expect(onnx.pareto).toEqual(preset.pareto);
  });

  it('prunes an imported ResNet with its Add groups kept equal', async () => {
    const path = file('ic.onnx', graphToOnnx(mlperfIc(), { precision: 'int8' }));
    type Summary = { configs: number; pareto: { channels: Record<string, number> }[] };
    const summary = await cliJson<Summary>(['sweep', path, '--device', 'stm32f746', '--prune', '*=0,0.5', '--session', 'ic'], { FRONTIER_DB: join(dir, 'ic.db') });
    expect(summary.configs).toBe(2);
    const pruned = summary.pareto.find((p) => p.channels.stack3_conv2 === 32);
    expect(pruned?.channels).toMatchObject({ stack2_conv2: 16, stack2_shortcut: 16, stack3_shortcut: 32, stack1_conv2: 8, conv1: 8 });
  });
});
