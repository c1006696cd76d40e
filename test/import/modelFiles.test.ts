// What `loadModelFile` refuses at once: anything but a regular file, files beyond the size limit, JSON nested
// beyond the limit; and a model whose figures cannot be exact integers.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadModelFile, parseModelBytes } from '../../src/main/import/loadModelFile';
import { readRegularFile } from '../../src/main/files/readFile';
import { MAX_JSON_DEPTH, nestingExceededAt, valueNestingExceeds } from '../../src/shared/json';
import { kerasToGraph } from '../../src/shared/model/keras';
import { ModelError } from '../../src/shared/model/types';

const dir = mkdtempSync(join(tmpdir(), 'frontier-files-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function rejectionOf(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}

const errorOf = (fn: () => unknown): Error => {
  try {
    fn();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected an error');
};

describe('reading model files', () => {
  it.runIf(process.platform !== 'win32')('refuses a device at once instead of reading it forever', async () => {
    const err = await rejectionOf(loadModelFile('/dev/zero'));
    expect(err).toBeInstanceOf(ModelError);
    expect(err.message).toBe('/dev/zero: cannot read the model file: it is a device, not a regular file');
  });

  it.runIf(process.platform !== 'win32')('refuses a FIFO without waiting for a writer', async () => {
    const fifo = join(dir, 'model.fifo');
    execFileSync('mkfifo', [fifo]);
    const err = await rejectionOf(loadModelFile(fifo));
    expect(err.message).toBe(`${fifo}: cannot read the model file: it is a pipe (FIFO), not a regular file`);
  });

  it('refuses a directory and a missing file, naming them', async () => {
    const sub = join(dir, 'sub');
    mkdirSync(sub);
    expect((await rejectionOf(loadModelFile(sub))).message).toBe(`${sub}: cannot read the model file: it is a directory, not a regular file`);
    const missing = join(dir, 'missing.json');
    expect((await rejectionOf(loadModelFile(missing))).message).toBe(`${missing}: cannot read the model file: no such file`);
  });

  it('reads at most the limit', () => {
    const file = join(dir, 'big.bin');
    writeFileSync(file, Buffer.alloc(3000, 1));
    expect(readRegularFile(file, 3000).length).toBe(3000);
    expect(errorOf(() => readRegularFile(file, 2048)).message).toBe(
      `${file}: it is 3,000 bytes, more than the limit of 0.001953125 MiB`,
    );
  });
});

describe('nesting', () => {
  const deep = (levels: number): string => '['.repeat(levels) + ']'.repeat(levels);

  it('finds the first bracket beyond the limit, ignoring brackets in strings', () => {
    expect(nestingExceededAt(deep(MAX_JSON_DEPTH))).toBe(-1);
    expect(nestingExceededAt(deep(MAX_JSON_DEPTH + 1))).toBe(MAX_JSON_DEPTH);
    expect(nestingExceededAt(`{"a": "${'['.repeat(500)}\\" ["}`)).toBe(-1);
    expect(nestingExceededAt(Buffer.from(`{"x": ${deep(200)}}`), 100)).toBe(6 + 99);
    expect(valueNestingExceeds(JSON.parse(deep(MAX_JSON_DEPTH)))).toBe(false);
    expect(valueNestingExceeds(JSON.parse(deep(MAX_JSON_DEPTH + 1)))).toBe(true);
  });

  it('says a model file nested 5,000 levels deep is nested too deeply (no stack overflow)', () => {
    const text = `{"class_name": "Sequential", "config": {"layers": ${deep(5000)}}}`;
    const err = errorOf(() => parseModelBytes(Buffer.from(text), 'deep.json'));
    expect(err).toBeInstanceOf(ModelError);
    expect(err.message).toBe('deep.json: not a model file: the JSON is nested deeper than 100 levels (at byte 148)');
    const parsed = JSON.parse(text) as unknown;
    expect(errorOf(() => kerasToGraph(parsed, 'deep.json')).message).toBe('deep.json: the model config is nested deeper than 100 levels');
    const h5Style = { model_config: text };
    expect(errorOf(() => kerasToGraph(h5Style, 'deep.h5')).message).toBe('deep.h5: "model_config" is nested deeper than 100 levels');
  });

  it('answers a 60 MB run of "[" from the nesting, not after minutes in JSON.parse', () => {
    const err = errorOf(() => parseModelBytes(Buffer.alloc(60 * 1024 * 1024, '['), 'brackets.json'));
    expect(err.message).toBe('brackets.json: not a model file: the JSON is nested deeper than 100 levels (at byte 100)');
  });
});
