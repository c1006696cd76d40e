// A hostile ONNX file cannot exhaust memory: what decoding creates is counted value by value and refused past a
// limit (64-bit integers outside raw_data; messages and values in all), in the CLI as in the web host's workers.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseModelBytes } from '../../src/main/import/loadModelFile';
import { boundedReader, onnx } from '../../src/main/import/onnx/proto';
import { frontier } from '../cli/run';

const varint = (v: number): number[] => {
  const out: number[] = [];
  for (; v > 127; v = Math.floor(v / 128)) out.push((v & 127) | 128);
  out.push(v);
  return out;
};
const field = (tag: number, payload: Buffer): Buffer => Buffer.concat([Buffer.from([tag, ...varint(payload.length)]), payload]);
/** A ModelProto (ir_version 8) around a GraphProto's bytes. */
const model = (graph: Buffer): Buffer => Buffer.concat([Buffer.from([0x08, 0x08]), field(0x3a, graph)]);

/** One initializer of `n` packed int64 values (one byte each on the wire). */
function packedInt64(n: number): Buffer {
  const tensor = Buffer.concat([Buffer.from([0x08, ...varint(n), 0x10, 0x07]), field(0x3a, Buffer.alloc(n, 1)), field(0x42, Buffer.from('big'))]);
  return model(field(0x2a, tensor));
}

const dir = mkdtempSync(join(tmpdir(), 'frontier-onnx-limits-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('ONNX decoding is bounded', () => {
  it('120 M packed int64 values in one initializer are refused, naming the limit', () => {
    expect(() => parseModelBytes(packedInt64(120_000_000), 'big.onnx')).toThrow(
      /big\.onnx: the ONNX file holds more than 16,777,216 64-bit integers outside raw_data/,
    );
  });

  it('empty messages past the memory limit are refused by the memory they would take', () => {
    const nodes = Buffer.alloc(2 * 200_000);
    for (let i = 0; i < nodes.length; i += 2) nodes[i] = 0x0a; // node (field 1), length 0
    expect(() => onnx.ModelProto.decode(boundedReader(model(nodes), { bytes: 16 * 1024 * 1024, int64: 1 << 24 }))).toThrow(
      /would take more than 16 MiB of memory to decode .*: \d{2,3},\d{3} messages/,
    );
  });

  it('a small model decodes as before, with its int64 values as exact numbers', () => {
    const graph = packedInt64(3);
    const decoded = onnx.ModelProto.decode(boundedReader(graph));
    expect(decoded.graph?.initializer?.[0].int64Data).toEqual([1, 1, 1]);
    expect(decoded.graph?.initializer?.[0].dims).toEqual([3]);
  });

  it('the CLI refuses the 120 MB file with that message, exit 1, without running out of memory', () => {
    const path = join(dir, 'int64.onnx');
    writeFileSync(path, packedInt64(120_000_000));
    const r = frontier(['analyze', path]);
    expect(r.stderr).toMatch(/int64\.onnx: the ONNX file holds more than 16,777,216 64-bit integers outside raw_data/);
    expect(r.code).toBe(1);
  });
});
