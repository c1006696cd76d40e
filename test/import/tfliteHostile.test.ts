// Hostile and damaged TensorFlow Lite files, one way at a time: every truncation of a real model, every vector
// length made huge, and tables that point at the same bytes again and again. Each is refused with a ModelError that
// names the file and what is wrong, without reading outside the file or doing more work than its size allows.
import { Builder } from 'flatbuffers';
import { describe, expect, it } from 'vitest';
import { Buffer as TflBuffer } from '../../src/main/import/tflite/generated/tflite/buffer';
import { BuiltinOperator } from '../../src/main/import/tflite/generated/tflite/builtin-operator';
import { Model } from '../../src/main/import/tflite/generated/tflite/model';
import { Operator } from '../../src/main/import/tflite/generated/tflite/operator';
import { OperatorCode } from '../../src/main/import/tflite/generated/tflite/operator-code';
import { SubGraph } from '../../src/main/import/tflite/generated/tflite/sub-graph';
import { Tensor } from '../../src/main/import/tflite/generated/tflite/tensor';
import { createTensor } from './tflite/writer';
import { TensorType } from '../../src/main/import/tflite/generated/tflite/tensor-type';
import { analyze } from '../../src/shared/analysis/analyze';
import { ModelError, type ModelGraph } from '../../src/shared/model/types';
import { lengthPositions } from '../fuzz/tfliteCases';
import { errorOf, fixtureBytes, importTflite } from './tflite/helpers';

const hello = new Uint8Array(fixtureBytes('hello_world_int8.tflite'));

function refusal(bytes: Uint8Array, name: string): string {
  const err = errorOf(() => importTflite(bytes, name));
  expect(err).toBeInstanceOf(ModelError);
  expect(err.message.startsWith(`${name}: `)).toBe(true);
  return err.message.slice(name.length + 2);
}

describe('damaged TensorFlow Lite files', () => {
  it('every truncation of hello_world_int8.tflite is refused, naming the file', () => {
    const reasons = new Set<string>();
    for (let length = 8; length < hello.length; length++) {
      reasons.add(refusal(hello.slice(0, length), `cut-${length}.tflite`).replace(/\d+/g, 'N').slice(0, 70));
    }
    expect([...reasons].every((r) => r.length > 20)).toBe(true);
    // Shorter than the identifier, the file is not recognised as TFLite at all (and is refused as something else).
    expect(errorOf(() => importTflite(hello.slice(0, 7), 'cut-7.tflite')).message).toMatch(/^cut-7\.tflite: /);
  });
  it('truncations of person_detect.tflite are refused: a missing weight buffer is named', () => {
    const person = new Uint8Array(fixtureBytes('person_detect.tflite'));
    for (let length = 8; length < person.length; length += 4093) refusal(person.slice(0, length), 'cut.tflite');
    // The TOCO layout keeps the operator codes at the end of the file: cut there, they are what is missing.
    expect(refusal(person.slice(0, person.length - 100), 'cut.tflite')).toBe(
      'not a valid TensorFlow Lite file (damaged or truncated): the operator code list claims 5 elements of 4 bytes, more than the rest of the file holds',
    );
  });
  it('each vector or string length made huge is refused before anything is read or allocated', () => {
    const positions = lengthPositions(hello);
    expect(positions.length).toBeGreaterThan(30);
    const original = analyze(importTflite(hello));
    let ignored = 0;
    for (const at of positions) {
      for (const value of [0x7fffffff, 0xffffffff, 0x40000000, hello.length]) {
        const bytes = hello.slice();
        new DataView(bytes.buffer).setUint32(at, value, true);
        let graph: ModelGraph | null = null;
        try {
          graph = importTflite(bytes, `length-${at}.tflite`);
        } catch {
          expect(refusal(bytes, `length-${at}.tflite`).length).toBeGreaterThan(20);
        }
        if (graph) {
          // Only the two metadata buffers, which no tensor uses, are never read.
          ignored++;
          expect({ ...analyze(graph), model: original.model }).toEqual(original);
        }
      }
    }
    expect(ignored).toBe(2 * 4);
    const bytes = hello.slice();
    const tensorList = positions[3];
    new DataView(bytes.buffer).setUint32(tensorList, 0x7fffffff, true);
    expect(refusal(bytes, 'x.tflite')).toBe(
      'not a valid TensorFlow Lite file (damaged or truncated): the tensor list claims 2147483647 elements of 4 bytes, more than the rest of the file holds',
    );
  });
  it('a root offset outside the file', () => {
    const bytes = hello.slice();
    new DataView(bytes.buffer).setUint32(0, 0x00ffffff, true);
    expect(refusal(bytes, 'x.tflite')).toMatch(/^not a valid TensorFlow Lite file \(damaged or truncated\): the model table lies outside the file/);
  });
  it('tables that refer to the same bytes over and over exhaust a budget proportional to the file size', () => {
    // One tensor with a 4 KB name, listed 50,000 times: 200 KB of file, 200 MB of names to decode.
    const b = new Builder(1 << 20);
    const empty = TflBuffer.createBuffer(b, 0, 0n, 0n);
    const tensor = createTensor(b, Tensor.createShapeVector(b, [1, 4]), TensorType.FLOAT32, 0, b.createString('x'.repeat(4096)));
    const op = Operator.createOperator(b, 0, Operator.createInputsVector(b, [0]), Operator.createOutputsVector(b, [0]), 0, 0);
    const graph = SubGraph.createSubGraph(
      b,
      SubGraph.createTensorsVector(b, new Array(50000).fill(tensor)),
      SubGraph.createInputsVector(b, [0]),
      SubGraph.createOutputsVector(b, [0]),
      SubGraph.createOperatorsVector(b, [op]),
      0,
    );
    const code = OperatorCode.createOperatorCode(b, BuiltinOperator.RELU, 0, 1, BuiltinOperator.RELU);
    const model = Model.createModel(b, 3, Model.createOperatorCodesVector(b, [code]), Model.createSubgraphsVector(b, [graph]), 0, Model.createBuffersVector(b, [empty]), 0, 0);
    b.finish(model, 'TFL3');
    const bytes = b.asUint8Array();
    expect(bytes.length).toBeLessThan(300_000);
    expect(refusal(bytes, 'shared.tflite')).toMatch(
      /^not a valid TensorFlow Lite file \(damaged or truncated\): the name of tensor \d+: the file's tables refer to the same bytes more often than a file of \d+ bytes can$/,
    );
  });
});
