// Typed arrays through one binary body and back: values, types and the JSON around them survive, and a body that
// lies about itself is refused.
import { describe, expect, it } from 'vitest';
import { decodeBinary, encodeBinary, holdsTypedArrays } from '../src/shared/binary';

describe('binary bodies', () => {
  it('round-trips typed arrays of every kind inside JSON', () => {
    const value = {
      ok: true,
      result: {
        session: 'exam ✓',
        count: 3,
        idx: Uint32Array.from([0, 1, 4_000_000_000]),
        accuracy: Float64Array.from([0.85, NaN, 0.9]),
        status: Uint8Array.from([0, 1, 3]),
        device: Uint16Array.from([0, 65535, 2]),
        channels: [Uint32Array.from([8, 16, 32]), Uint32Array.from([8, 8, 32])],
        nested: { deeper: Int32Array.from([-1, 0, 1]), f32: Float32Array.from([1.5]) },
        messages: { '1': 'no fit' },
      },
    };
    expect(holdsTypedArrays(value)).toBe(true);
    expect(holdsTypedArrays({ a: [1, 2], b: { c: 'x' } })).toBe(false);
    const body = encodeBinary(value);
    const copy = body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength) as ArrayBuffer;
    const back = decodeBinary(copy) as typeof value;
    expect(back.result.session).toBe('exam ✓');
    expect(back.result.idx).toBeInstanceOf(Uint32Array);
    expect(Array.from(back.result.idx)).toEqual([0, 1, 4_000_000_000]);
    expect(Array.from(back.result.accuracy)).toEqual([0.85, NaN, 0.9]);
    expect(Array.from(back.result.device)).toEqual([0, 65535, 2]);
    expect(back.result.channels.map((c) => Array.from(c))).toEqual([
      [8, 16, 32],
      [8, 8, 32],
    ]);
    expect(Array.from(back.result.nested.deeper)).toEqual([-1, 0, 1]);
    expect(Array.from(back.result.nested.f32)).toEqual([1.5]);
    expect(back.result.messages).toEqual({ '1': 'no fit' });
    // Views into the one body, each aligned for its type.
    expect(back.result.accuracy.buffer).toBe(copy);
    expect(back.result.accuracy.byteOffset % 8).toBe(0);
  });

  it('refuses what is not such a body, or points outside itself', () => {
    expect(() => decodeBinary(new TextEncoder().encode('{"ok":true}').buffer)).toThrow(/not a Frontier binary body/);
    const body = encodeBinary({ a: Float64Array.from([1, 2, 3]) });
    const cut = body.buffer.slice(0, body.byteLength - 8) as ArrayBuffer;
    expect(() => decodeBinary(cut)).toThrow(/points outside itself/);
  });
});
