// TensorFlow Lite Micro's own outputs (reference kernels, tensorflow/tflite-micro @ 90b983c2) for its two example
// models, and every intermediate tensor of one person_detect run: Frontier's int8 runs must equal them value for value.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseNpy } from '../../src/shared/engine/npy';
import { readTfliteModel } from '../../src/main/engine/weights/tflite';
import { buildInt8Graph } from '../../src/main/engine/build/int8';
import { buildFloatGraph } from '../../src/main/engine/build/float';
import { GraphSession } from '../../src/main/engine/session';
import { deployPlan } from '../../src/shared/model/deploy';

const root = join(import.meta.dirname, '..', 'fixtures');
const golden = (name: string) => parseNpy(readFileSync(join(root, 'golden', 'tflm', name)), name);
const model = (name: string) => readTfliteModel(readFileSync(join(root, 'tflite', `${name}.tflite`)), name, name);

async function runInt8(name: string, inputs: Int8Array, count: number): Promise<Int8Array> {
  const { graph, weights } = model(name);
  const session = await GraphSession.create(buildInt8Graph(graph, weights));
  try {
    const [out] = await session.run([inputs], count, 4);
    return out as Int8Array;
  } finally {
    await session.release();
  }
}

describe('int8 runs equal TFLM value for value', () => {
  it('hello_world: every input code −128…127', async () => {
    const inputs = golden('hello_world_int8.inputs.npy');
    const expected = golden('hello_world_int8.outputs.npy');
    expect(inputs.shape).toEqual([256, 1]);
    const out = await runInt8('hello_world_int8', inputs.data as Int8Array, 256);
    expect(Array.from(out)).toEqual(Array.from(expected.data as Int8Array));
  });

  it("person_detect: TFLM's person and no-person images and eight random ones", async () => {
    const inputs = golden('person_detect.inputs.npy');
    const expected = golden('person_detect.outputs.npy');
    const out = await runInt8('person_detect', inputs.data as Int8Array, 10);
    expect(Array.from(out)).toEqual(Array.from(expected.data as Int8Array));
    // [no_person, person]: the person image scores person higher, the other image the reverse.
    expect(out[1]).toBeGreaterThan(out[0]);
    expect(out[2]).toBeGreaterThan(out[3]);
  });

  it('person_detect: every intermediate tensor of sample 0', async () => {
    const index = JSON.parse(readFileSync(join(root, 'golden', 'tflm', 'index.json'), 'utf8'));
    const list = index["person_detect.tflite"].tensors.list as { tensor: number }[];
    const { graph, weights } = model('person_detect');
    // Expose every layer's tensor as an output, in the file's layout, through the same lowering.
    const plan = deployPlan(graph);
    const byTensor = new Map<number, string>();
    const bindings = (await import('../../src/main/import/tflite/toGraph')).tfliteBindings(
      readFileSync(join(root, 'tflite', 'person_detect.tflite')),
      'person_detect',
      'person_detect',
    );
    for (const [layer, tensor] of bindings.outputs) byTensor.set(tensor, layer);
    const inputs = golden('person_detect.inputs.npy').data as Int8Array;
    const checked = list.map(({ tensor }) => ({ tensor, layer: byTensor.get(tensor) as string })).filter(({ layer }) => layer && plan.ops.some((o) => o.layer.name === layer));
    // One graph whose outputs are all these tensors.
    const session = await GraphSession.create(buildInt8Graph({ ...graph, outputs: checked.map((c) => c.layer) }, weights));
    const outs = await session.run([inputs.subarray(0, 96 * 96)], 1);
    await session.release();
    let compared = 0;
    checked.forEach(({ tensor, layer }, i) => {
      const expected = new Int8Array(readFileSync(join(root, 'golden', 'tflm', 'person_detect.tensors', `tensor${String(tensor).padStart(3, '0')}.bin`)));
      const out = outs[i];
      let differ = 0;
      for (let k = 0; k < expected.length; k++) if (out[k] !== expected[k]) differ++;
      expect({ tensor, layer, length: out.length, differ }).toEqual({ tensor, layer, length: expected.length, differ: 0 });
      compared++;
    });
    expect(compared).toBeGreaterThanOrEqual(30);
  }, 120_000);

  it('an int8 file run as fp32 is its dequantized weights in float: person_detect still tells person from no person', async () => {
    const { graph, weights } = model('person_detect');
    const session = await GraphSession.create(buildFloatGraph(graph, { ...weights, activations: undefined }));
    const q = weights.activations?.[graph.layers[0].name] as { scale: number; zeroPoint: number };
    const raw = golden('person_detect.inputs.npy').data as Int8Array;
    const x = Float32Array.from(raw.subarray(0, 2 * 96 * 96), (v) => q.scale * (v - q.zeroPoint));
    const [out] = await session.run([x], 2);
    await session.release();
    expect(out[1]).toBeGreaterThan(out[0]);
    expect(out[2]).toBeGreaterThan(out[3]);
  });
});
