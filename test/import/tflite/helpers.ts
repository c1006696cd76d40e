// Small helpers shared by the TensorFlow Lite tests.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseModelBytes } from '../../../src/main/import/loadModelFile';
import type { ImportOptions } from '../../../src/shared/model/importOptions';
import type { ModelGraph } from '../../../src/shared/model/types';
import { serializeTflite, type TflitePlan } from './writer';

export const TFLITE_FIXTURES = join(import.meta.dirname, '..', '..', 'fixtures', 'tflite');

export const fixtureBytes = (name: string): Buffer => readFileSync(join(TFLITE_FIXTURES, name));

export const importTflite = (bytes: Uint8Array, name = 'model.tflite', options: ImportOptions = {}): ModelGraph =>
  parseModelBytes(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), name, options);

export const importPlan = (plan: TflitePlan, name = 'model.tflite', options: ImportOptions = {}): ModelGraph =>
  importTflite(serializeTflite(plan), name, options);

/** The error a function throws (fails the test when it does not throw). */
export function errorOf(fn: () => unknown): Error & { layer?: string } {
  try {
    fn();
  } catch (err) {
    return err as Error & { layer?: string };
  }
  throw new Error('expected an error');
}
