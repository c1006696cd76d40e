// Files Frontier writes, as TensorFlow Lite Micro ran them (test/fixtures/golden/emitted): Frontier's run of the
// same file gives TFLM's outputs value for value, and the TFLM header declares TFLM's arena head.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { emitTflite } from '../../src/main/engine/emit/tflite';
import { inferModel } from '../../src/main/engine/infer';
import { readTfliteModel } from '../../src/main/engine/weights/tflite';
import { parseNpy } from '../../src/shared/engine/npy';
import { configurationArtifact } from '../../src/shared/export/artifacts';
import { emittedCases } from '../support/emittedCases';

const fixtures = join(import.meta.dirname, '..', 'fixtures');
const golden = join(fixtures, 'golden', 'emitted');
const index = JSON.parse(readFileSync(join(golden, 'index.json'), 'utf8')) as Record<string, { n: number; arena_head_bytes: number }>;

describe("emitted .tflite files run as TFLM's reference kernels run them", () => {
  for (const c of emittedCases(fixtures)) {
    it(c.name, async () => {
      const inputs = parseNpy(readFileSync(join(golden, `${c.name}.inputs.npy`)), 'inputs');
      expect(Array.from(inputs.data as Int8Array)).toEqual(Array.from(c.inputs));
      const calibration = [{ array: { dtype: 'float32' as const, shape: [8, ...c.shape], data: c.calibration }, file: 'calibration' }];
      const source = await inferModel(c.model, c.config, [{ array: inputs, file: 'inputs.npy' }], { raw: true, calibration });
      const bytes = emitTflite(source.run);
      const back = { ...readTfliteModel(bytes, `${c.name}.tflite`, c.name), file: `${c.name}.tflite` };
      const run = await inferModel(back, {}, [{ array: inputs, file: 'inputs.npy' }], { raw: true });
      const expected = parseNpy(readFileSync(join(golden, `${c.name}.outputs.npy`)), 'outputs');
      expect(run.outputs[0].array.shape).toEqual(expected.shape);
      expect(Array.from(run.outputs[0].array.data as Int8Array)).toEqual(Array.from(expected.data as Int8Array));
      expect(Array.from(source.outputs[0].array.data as Int8Array)).toEqual(Array.from(expected.data as Int8Array));
      const header = configurationArtifact('tflm', { base: back.graph, configuration: {}, origin: c.name });
      expect(Number(/constexpr size_t kFrontierArenaBytes = (\d+);/.exec(header)?.[1])).toBe(index[c.name].arena_head_bytes);
    });
  }
});
