// `frontier analyze` end to end: the exam's figures, JSON only on stdout, model files, and usage errors.
import { describe, expect, it } from 'vitest';
import { fixture, cli, cliJson } from './run';

const exam = ['analyze', 'exam-cnn', '--device', 'exam-mcu', '--memory', 'largest-tensor', '--base-accuracy', '0.93', '--penalty', 'pruned=0.05', '--penalty', 'int8=0.03'];

interface Report {
  params: number;
  paramBytes: number;
  peakActivationBytes: number;
  totalBytes: number;
  macs: number;
  flops: number;
  latencyS: number | null;
  fits: boolean | null;
  accuracy: number | null;
  precision: string;
  memoryModel: string;
  frontierVersion: string;
  schemaVersion: number;
  layers: { name: string; type: string; outputShape: number[]; params: number; macs: number; activationBytes: number }[];
}

describe('frontier analyze --json', () => {
  it('base FP32: the exam Part 1 figures', async () => {
    const r = await cliJson<Report>(exam);
    expect(r).toMatchObject({
      params: 91203,
      paramBytes: 364812,
      peakActivationBytes: 1016064,
      totalBytes: 1380876,
      macs: 19518912,
      flops: 39037824,
      latencyS: 3.9037824,
      fits: false,
      accuracy: 0.93,
      precision: 'fp32',
      memoryModel: 'largest-tensor',
      schemaVersion: 1,
    });
    expect(r.frontierVersion).toMatch(/^\d+\.\d+\.\d+$/);
    expect(r.layers.map((l) => [l.name, l.outputShape])).toEqual([
      ['input', [128, 128, 1]],
      ['conv1', [126, 126, 16]],
      ['pool1', [63, 63, 16]],
      ['conv2', [61, 61, 32]],
      ['pool2', [30, 30, 32]],
      ['flatten', [28800]],
      ['dense', [3]],
    ]);
  });
  it('pruned + INT8 via --channels: 149,275 B, 0.0827 s, 0.85', async () => {
    const r = await cliJson<Report>([...exam, '--precision', 'INT8', '--channels', 'conv1=8,conv2=8']);
    expect(r).toMatchObject({ totalBytes: 149275, latencyS: 0.0826992, fits: true, accuracy: 0.85, precision: 'int8' });
  });
  it('--channels may be repeated and --prune gives ratios', async () => {
    const a = await cliJson<Report>([...exam, '--channels', 'conv1=8', '--channels', 'conv2=8']);
    const b = await cliJson<Report>([...exam, '--prune', 'conv1=0.5,conv2=0.75']);
    expect(a.totalBytes).toBe(597100);
    expect(b.totalBytes).toBe(597100);
  });
  it('without a device latency and fit are null; without an accuracy model accuracy is null; layer-io by default', async () => {
    const r = await cliJson<Report>(['analyze', 'exam-cnn']);
    expect(r.latencyS).toBeNull();
    expect(r.fits).toBeNull();
    expect(r.accuracy).toBeNull();
    expect(r.memoryModel).toBe('layer-io');
  });
  it('reads Keras 2 and Keras 3 files and gets the same numbers', async () => {
    const k2 = await cliJson<Report>(['analyze', fixture('mobilenet_1.00_224.keras2.json')]);
    const k3 = await cliJson<Report>(['analyze', fixture('mobilenet_1.00_224.keras3.json')]);
    expect(k2.macs).toBe(568740352);
    expect(k3.macs).toBe(568740352);
    expect(k2.params).toBe(k3.params);
    const vgg = await cliJson<Report>(['analyze', fixture('vgg16.keras3.json')]);
    expect(vgg.params).toBe(138357544);
  });
  it('a model that does not fit exits 0', async () => {
    expect((await cli(exam)).code).toBe(0);
  });
});

describe('frontier analyze as text', () => {
  it('prints the per-layer table and totals', async () => {
    const r = await cli(exam);
    expect(r.stdout).toMatch(/conv1\s+Conv2D\s+126×126×16\s+160\s+2,286,144\s+992\.25/);
    expect(r.stdout).toMatch(/Total memory\s+1,380,876 B = 1,348\.51 KiB/);
    expect(r.stdout).toMatch(/19,518,912 MACs = 39\.04 MFLOPs \(FLOPs = 2 × MACs\)/);
    expect(r.stdout).toMatch(/Latency\s+3\.904 s/);
  });
  it('training mode reports the breakdown', async () => {
    const r = await cli(['analyze', 'exam-cnn', '--mode', 'training', '--optimizer', 'adam']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/optimizer state \(adam\)\s+729,624/);
  });
});

describe('usage errors exit non-zero and list the valid choices', () => {
  it.each([
    [['analyze', 'exam-cnn', '--channels', 'conv9=8'], /"conv9" is not a layer with output channels in exam-cnn; choose one of conv1, conv2, dense/],
    [['analyze', 'exam-cnn', '--channels', 'conv1=0'], /--channels conv1: "0" is outside the limit: values run from 1 to 1,048,576/],
    [['analyze', 'exam-cnn', '--prune', 'conv1=1'], /--prune conv1: "1" is outside the limit: values run from 0 up to \(not including\) 1/],
    [['analyze', 'exam-cnn', '--device', 'stm32f999'], /unknown device "stm32f999": built-in devices are exam-mcu, stm32f746/],
    [['analyze', 'exam-cnn', '--precision', 'int3'], /unknown precision "int3": use fp32, fp16, int8, int4/],
    [['analyze', 'exam-cnn', '--memory', 'peak'], /--memory peak: choose one of largest-tensor, layer-io, liveness/],
    [['analyze', 'no-such-model'], /neither a preset \(exam-cnn, mlperf-vww/],
    [['analyze', 'exam-cnn', '--frobnicate'], /unknown option --frobnicate/],
  ])('%j', async (args, message) => {
    const r = await cli(args);
    expect(r.code).not.toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(message);
  });
  it('a malformed model file names the file', async () => {
    const r = await cli(['analyze', fixture('README.md')]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/README\.md/);
  });
});

describe('--weights-in overrides where the device keeps weights', () => {
  it('weights in flash leave SRAM to the activations', async () => {
    const inSram = await cliJson<Report & { device: { sramRequiredBytes: number; flashRequiredBytes: number } }>([...exam, '--precision', 'int8']);
    const inFlash = await cliJson<Report & { device: { sramRequiredBytes: number; flashRequiredBytes: number; weightsIn: string } }>([
      ...exam, '--precision', 'int8', '--weights-in', 'flash',
    ]);
    expect(inSram.device.sramRequiredBytes).toBe(345219);
    expect(inFlash.device.weightsIn).toBe('flash');
    expect(inFlash.device.sramRequiredBytes).toBe(254016);
    // exam-mcu has no flash: weights cannot live there
    expect(inFlash.fits).toBe(false);
  });
});
