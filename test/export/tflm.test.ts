// The TFLM header: arena equal to the arena plan, exactly the operators the graph runs, plain decimal constants, and
// it compiles against TFLM's resolver API (a minimal declaration of it in test/fixtures/tflm).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyze } from '../../src/shared/analysis/analyze';
import { EXAM_MCU, STM32F746 } from '../../src/shared/devices';
import { resolveRuntime, withRuntime } from '../../src/shared/latency/runtimes';
import { configurationArtifact, persistentAllocations } from '../../src/shared/export/artifacts';
import { tflmOperators } from '../../src/shared/export/tflmOps';
import { GraphBuilder } from '../../src/shared/presets/builder';
import { findPreset, PRESETS } from '../../src/shared/presets';
import type { ModelGraph } from '../../src/shared/model/types';
import { loadHdf5, parseModelBytes } from '../../src/main/import/loadModelFile';
import { graphToKerasJson } from '../../src/shared/export/kerasJson';
import { kerasToGraph } from '../../src/shared/model/keras';
import { graphToTflite } from '../import/tflite/writer';
import { kerasH5Bytes } from '../import/writers/kerasH5';
import { graphToOnnx } from '../onnx/writer';

const preset = (id: string): ModelGraph => (findPreset(id) as { build(): ModelGraph }).build();
const includeDir = join(import.meta.dirname, '..', 'fixtures', 'tflm');

/** Compiles the header with a translation unit that instantiates the resolver; returns g++'s complaints or ''. */
function compile(header: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'frontier-tflm-'));
  try {
    writeFileSync(join(dir, 'model_config.h'), header);
    writeFileSync(
      join(dir, 'main.cc'),
      '#include "model_config.h"\n' +
        'int main() {\n' +
        '  static tflite::MicroMutableOpResolver<kFrontierOpCount> resolver;\n' +
        '  static unsigned char arena[kTensorArenaSize];\n' +
        '  (void)arena;\n' +
        '  return FrontierRegisterOps(resolver) == kTfLiteOk ? 0 : 1;\n' +
        '}\n',
    );
    execFileSync('g++', ['-std=c++17', '-fsyntax-only', '-Wall', '-Werror', '-I', includeDir, '-I', dir, join(dir, 'main.cc')], {
      stdio: 'pipe',
    });
    return '';
  } catch (err) {
    return String((err as { stderr?: Buffer }).stderr ?? err);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const constant = (header: string, name: string): string | undefined =>
  new RegExp(`constexpr (?:size_t|int|TfLiteType) ${name}(?:\\[\\d+\\])? = ([^;]+);`).exec(header)?.[1];

const registered = (header: string): string[] => [...header.matchAll(/resolver\.(Add\w+)\(\)/g)].map((m) => m[1]);

describe('TFLM header of real TFLM models', () => {
  const load = (name: string): ModelGraph =>
    parseModelBytes(readFileSync(join(import.meta.dirname, '..', 'fixtures', 'tflite', name)), name);

  it("person_detect.tflite registers exactly the five operators of TFLM's person detection example", () => {
    const header = configurationArtifact('tflm', { base: load('person_detect.tflite'), configuration: {}, origin: 'x' });
    expect(registered(header).sort()).toEqual(
      ['AddAveragePool2D', 'AddConv2D', 'AddDepthwiseConv2D', 'AddReshape', 'AddSoftmax'],
    );
    expect(constant(header, 'kFrontierOpCount')).toBe('5');
    expect(constant(header, 'kFrontierArenaBytes')).toBe('55296');
    expect(constant(header, 'kFrontierInputShape')).toBe('{1, 96, 96, 1}');
    expect(constant(header, 'kFrontierInputType')).toBe('kTfLiteInt8');
    expect(compile(header)).toBe('');
  });

  it('hello_world_int8.tflite: fully connected layers only', () => {
    const header = configurationArtifact('tflm', { base: load('hello_world_int8.tflite'), configuration: {}, origin: 'x' });
    expect(registered(header)).toEqual(['AddFullyConnected']);
    expect(compile(header)).toBe('');
  });

  it('names layers in its comments by their display names, not the converter’s fused tensor names', () => {
    const header = configurationArtifact('tflm', { base: load('hello_world_int8.tflite'), configuration: {}, origin: 'x' });
    expect(header).toContain('Configuration: dense 16, dense_1 16, Dense_2 1;');
    expect(header).toContain('// input "dense_input": 1×1, kTfLiteInt8');
    expect(header).not.toContain('sequential/dense');
  });
});

describe('TFLM header', () => {
  const client1 = { channels: { conv1: 8, conv2: 8 }, precision: 'int8', device: EXAM_MCU };
  const header = configurationArtifact('tflm', { base: preset('exam-cnn'), configuration: client1, origin: 'exam client1' });

  it("exam client1: 4 operators, the arena plan's bytes, compiles", () => {
    expect(registered(header)).toEqual(['AddConv2D', 'AddMaxPool2D', 'AddReshape', 'AddFullyConnected']);
    expect(constant(header, 'kFrontierOpCount')).toBe('4');
    const arena = analyze(preset('exam-cnn'), { ...client1, memoryModel: 'arena' }).peakActivationBytes;
    expect(constant(header, 'kFrontierArenaBytes')).toBe(String(arena));
    expect(compile(header)).toBe('');
  });

  it('sizes the tensor arena as arena + persistent allocations + headroom, rounded up to 16, each term sourced', () => {
    const arena = Number(constant(header, 'kFrontierArenaBytes'));
    const persistent = persistentAllocations(EXAM_MCU);
    expect(persistent.bytes).toBe(7_404); // the exam device gives none: TFLM's measured reference
    expect(Number(constant(header, 'kTensorArenaSize'))).toBe(Math.ceil((arena + 7_404) / 16) * 16);
    const withMargin = configurationArtifact('tflm', {
      base: preset('exam-cnn'),
      configuration: { ...client1, device: STM32F746 },
      headroom: 0.1,
      origin: 'x',
    });
    const base = arena + STM32F746.runtimeRamBytes;
    expect(Number(constant(withMargin, 'kTensorArenaSize'))).toBe(Math.ceil((base + Math.ceil(base * 0.1)) / 16) * 16);
    expect(withMargin).toContain('persistent allocations: stm32f746 profile, runtimeRamBytes: TFLM RecordingMicroAllocator');
    expect(withMargin).toContain('headroom: 10.0 % of the two');
  });

  it('for a configuration chosen under X-CUBE-AI: TFLM’s persistent allocations, and it says what it assumes', () => {
    const cubeAi = withRuntime(STM32F746, resolveRuntime('x-cube-ai'));
    const text = configurationArtifact('tflm', { base: preset('exam-cnn'), configuration: { ...client1, device: cubeAi }, origin: 'x' });
    expect(text).toContain("persistent allocations: TFLM's, not X-CUBE-AI");
    expect(text).toMatch(/which runs X-CUBE-AI[^;]*; this header is for TensorFlow\n\/\/ Lite Micro on the same board/);
    const arena = Number(constant(text, 'kFrontierArenaBytes'));
    expect(Number(constant(text, 'kTensorArenaSize'))).toBe(Math.ceil((arena + 7_404) / 16) * 16);
    const underTflm = configurationArtifact('tflm', {
      base: preset('exam-cnn'),
      configuration: { ...client1, device: withRuntime(STM32F746, resolveRuntime('tflm-cmsis-nn')) },
      origin: 'x',
    });
    expect(underTflm).not.toContain('this header is for TensorFlow');
  });

  it('writes constants as plain decimal literals and the I/O shapes and types', () => {
    for (const line of header.split('\n').filter((l) => l.startsWith('constexpr'))) {
      expect(line).toMatch(/= (\d+|k\w+|\{[\d, ]+\});$/);
    }
    expect(constant(header, 'kFrontierInputShape')).toBe('{1, 128, 128, 1}');
    expect(constant(header, 'kFrontierInputType')).toBe('kTfLiteInt8');
    expect(constant(header, 'kFrontierOutputShape')).toBe('{1, 3}');
    expect(header).toContain('// Configuration: conv1 8, conv2 8, dense 3; precision int8; device Exam MCU (exam-mcu).');
    expect(header).toContain('// MACs: 3,307,968 (FLOPs = 2 × MACs = 6,615,936).');
    expect(header).toContain('// Predicted latency: 82.70 ms (exact: exam statement: the throughputs are exact by definition).');
    const vww = configurationArtifact('tflm', { base: preset('mlperf-vww'), configuration: { precision: 'int8', device: STM32F746 }, origin: 'x' });
    expect(vww).toMatch(/\/\/ Predicted latency: [\d.]+ ms \(band [\d.]+ ms to [\d.]+ ms: .+\)\./);
  });

  it('compiles for every preset, pruned and unpruned, float and int8', () => {
    for (const p of PRESETS) {
      for (const precision of ['fp32', 'int8']) {
        for (const prune of [{}, { '*': 0.5 }] as Record<string, number>[]) {
          const text = configurationArtifact('tflm', {
            base: p.build(),
            configuration: { precision, prune, device: STM32F746 },
            origin: p.id,
          });
          expect([p.id, precision, compile(text)]).toEqual([p.id, precision, '']);
        }
      }
    }
  });

  it('registers operators as the converter emits them: BN folded, ReLU fused, softmax and reshape standalone', () => {
    expect(tflmOperators(preset('mlperf-vww'))).toEqual([
      'AddConv2D',
      'AddDepthwiseConv2D',
      'AddAveragePool2D',
      'AddReshape',
      'AddFullyConnected',
      'AddSoftmax',
    ]);
    expect(tflmOperators(preset('mlperf-ic'))).toContain('AddAdd');
    const b = new GraphBuilder('misc');
    let x = b.input('in', [8, 8, 4]);
    x = b.zeroPadding2d('pad', x, 1);
    x = b.conv2d('c', x, { filters: 4, kernel: 3, activation: 'relu6' });
    const y = b.activation('sig', x, 'sigmoid');
    x = b.globalAveragePool2d('gap', b.add('sum', [x, y]));
    expect(tflmOperators(b.build(x))).toEqual(['AddPad', 'AddConv2D', 'AddLogistic', 'AddAdd', 'AddMean']);
  });
});

describe('TFLM header of imported formats', () => {
  it('compiles for models read from TFLite, ONNX and Keras .h5, with the same operators and arena as the preset', async () => {
    await loadHdf5();
    const base = preset('mlperf-ic');
    const keras = JSON.stringify(graphToKerasJson(base));
    const files: [string, Buffer][] = [
      ['ic.tflite', Buffer.from(graphToTflite(base, { precision: 'int8' }))],
      ['ic.onnx', Buffer.from(graphToOnnx(base, { precision: 'int8', weights: 'zeros' }))],
      ['ic.h5', await kerasH5Bytes(keras, kerasToGraph(JSON.parse(keras), 'ic'))],
    ];
    const body = (text: string): string => text.split('\n').filter((l) => l.startsWith('constexpr') || l.includes('resolver.')).join('\n');
    const configuration = { precision: 'int8', biasMode: 'int32' as const, device: STM32F746 };
    const expected = body(configurationArtifact('tflm', { base, configuration, origin: 'preset' }));
    for (const [name, bytes] of files) {
      const header = configurationArtifact('tflm', { base: parseModelBytes(bytes, name), configuration, origin: name });
      expect([name, compile(header)]).toEqual([name, '']);
      expect([name, body(header)]).toEqual([name, expected]);
    }
  });
});

describe('operators the file names', () => {
  it('a TFLite SQUEEZE read as a Reshape registers AddSqueeze', () => {
    const b = new GraphBuilder('squeezed');
    let x = b.input('in', [1, 1, 8]);
    x = b.reshape('sq', x, [8]);
    const g = b.build(b.dense('fc', x, { units: 2 }));
    (g.layers.find((l) => l.name === 'sq') as { sourceOp?: string }).sourceOp = 'SQUEEZE';
    expect(tflmOperators(g)).toEqual(['AddSqueeze', 'AddFullyConnected']);
  });
});
