// The services behind `export.model`: an uploaded model file kept in the database by model.load, recorded in the
// spec by sweep.start, and written back as the configuration's model file; refusals in the app's words.
import { readFileSync, writeFileSync } from 'node:fs';
import { writeNpy } from '../../src/shared/engine/npy';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createServices } from '../../src/main/services/handlers';
import { fileHash, openDatabase, StoredFiles } from '../../src/main/store';
import { readTfliteModel } from '../../src/main/engine/weights/tflite';
import { defaultSpec } from '../../src/shared/sweep/specFile';
import { analyze } from '../../src/shared/analysis/analyze';
import type { SweepSpec } from '../../src/shared/sweep/types';

const fixture = join(import.meta.dirname, '..', 'fixtures', 'h5', 'exam-cnn-small.h5');
const bytes = readFileSync(fixture);
const dbPath = join(mkdtempSync(join(tmpdir(), 'frontier-model-export-')), 'frontier.db');
const services = createServices({ dbPath });
const h = services.handlers;
afterAll(() => services.close());

/** Starts a sweep and waits, a bounded number of turns, until its session is stored as complete. */
async function sweep(name: string, spec: SweepSpec, graph: Record<string, unknown>): Promise<void> {
  await h['sweep.start']({ spec: spec as unknown as Record<string, unknown>, graph, name });
  for (let i = 0; i < 2_000; i++) {
    const session = (await h['sessions.list']({})).find((s) => s.name === name);
    if (session?.status === 'complete') return;
    if (session?.status === 'failed') throw new Error(`sweep ${name} failed`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`sweep ${name} did not finish`);
}

describe('export.model', async () => {
  const loaded = await h['model.load']({ file: { name: 'exam-small.h5', base64: bytes.toString('base64') } });
  const spec = (precisions: string[]): SweepSpec => ({
    ...defaultSpec(loaded.graph.name),
    devices: ['exam-mcu'],
    channels: { conv1: ['2', '4'] },
    precisions,
    clients: [{ name: 'client1', deadlineS: 10 }],
    modelFile: { hash: loaded.fileHash as string, name: loaded.source },
  });
  const graph = loaded.graph as unknown as Record<string, unknown>;

  it('model.load keeps an uploaded file by its SHA-256 and says which; a JSON model (no weights) is not kept', async () => {
    expect(loaded.fileHash).toBe(fileHash(bytes));
    const json = await h['model.load']({ file: { name: 'exam.frontier.json', base64: Buffer.from(JSON.stringify(loaded.graph)).toString('base64') } });
    expect(json.fileHash).toBeUndefined();
    expect((await h['model.load']({ preset: 'exam-cnn' })).fileHash).toBeUndefined();
  });

  it("writes a client's choice from the kept bytes, as base64, with the figures of the configuration", async () => {
    await sweep('kept', spec(['fp32']), graph);
    expect((await h['sessions.get']({ name: 'kept' })).spec.modelFile).toEqual({ hash: fileHash(bytes), name: 'exam-small.h5' });
    const file = await h['export.model']({ name: 'kept', best: 'client1', format: 'tflite' });
    expect(file.fileName).toBe('kept-best-client1.tflite');
    expect(file.text).toBe('');
    const tflite = Buffer.from(file.base64 as string, 'base64');
    expect(tflite.subarray(4, 8).toString('latin1')).toBe('TFL3');
    const back = readTfliteModel(tflite, file.fileName, 'back');
    const best = (await h['sessions.get']({ name: 'kept' })).summary.best.client1!;
    expect(analyze(back.graph, {}).params).toBe(best.params);
    const onnx = await h['export.model']({ name: 'kept', config: 0, format: 'onnx' });
    expect(onnx.fileName).toBe('kept-config-0.onnx');
    expect(Buffer.from(onnx.base64 as string, 'base64').length).toBeGreaterThan(1000);
  });

  it('refuses an int8 configuration of a float model in the app\'s words, and a session whose kept file is gone', async () => {
    await sweep('int8', spec(['int8']), graph);
    await expect(h['export.model']({ name: 'int8', config: 0, format: 'tflite' })).rejects.toThrow(
      /no calibration data: this INT8 configuration of a float model needs samples/,
    );
    // The Data panel's data calibrates it (a spread sample, as an evaluation of it would be calibrated).
    const input = (loaded.graph.layers as { type: string; shape?: number[] }[]).find((l) => l.type === 'Input')?.shape as number[];
    const per = input.reduce((a, b) => a * b, 1);
    const calibrationPath = join(dbPath, '..', 'calibration.npy');
    writeFileSync(calibrationPath, writeNpy({ dtype: 'float32', shape: [20, ...input], data: Float32Array.from({ length: 20 * per }, (_, i) => ((i * 37) % 101) / 101) }));
    const calibrated = await h['export.model']({ name: 'int8', config: 0, format: 'tflite', calibration: { data: { path: calibrationPath } } });
    expect(Buffer.from(calibrated.base64 as string, 'base64').subarray(4, 8).toString('latin1')).toBe('TFL3');
    await expect(h['export.model']({ name: 'int8', config: 0, format: 'tflite', calibration: { data: { path: 'calibration.npy' } } })).rejects.toThrow(
      /give the full path/,
    );
    // Another connection takes the kept file away (as a cleanup of the database would).
    const db = openDatabase(dbPath);
    try {
      db.prepare('DELETE FROM stored_files').run();
      expect(new StoredFiles(db).get(fileHash(bytes))).toBeUndefined();
    } finally {
      db.close();
    }
    await expect(h['export.model']({ name: 'kept', config: 0, format: 'tflite' })).rejects.toThrow(
      'session "kept": its model file exam-small.h5 is no longer kept in the database',
    );
    // A sweep naming a file that is not kept is refused before it starts.
    await expect(h['sweep.start']({ spec: spec(['fp32']) as unknown as Record<string, unknown>, graph, name: 'again' })).rejects.toThrow(
      'the model file exam-small.h5 is not kept in the database',
    );
  });
});
