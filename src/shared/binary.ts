// A JSON value holding typed arrays, as one binary body: how the web host sends result columns. JSON would write
// every number as text and the page would parse it back into objects on its main thread; here the numbers travel as
// their bytes and the page gets typed arrays that are views into the body it received.
//
// Layout: "FRB1", the header's length (u32, little-endian), the header (UTF-8 JSON: the value with each typed array
// replaced by {"$typed": name, "offset": bytes, "length": elements}), padding to 8 bytes, then the arrays' bytes,
// each starting on a multiple of 8. Byte order is the machine's (little-endian on every platform Frontier runs on).

// Present in Node and every browser; declared here because src/shared compiles without DOM or Node types.
declare const TextEncoder: { new (): { encode(text: string): Uint8Array } };
declare const TextDecoder: { new (): { decode(bytes: Uint8Array): string } };

export const BINARY_MIME = 'application/vnd.frontier.columns';
const MAGIC = [0x46, 0x52, 0x42, 0x31]; // "FRB1"

type Typed =
  | Float64Array
  | Float32Array
  | Uint32Array
  | Int32Array
  | Uint16Array
  | Int16Array
  | Uint8Array
  | Int8Array;

const CONSTRUCTORS = {
  Float64Array,
  Float32Array,
  Uint32Array,
  Int32Array,
  Uint16Array,
  Int16Array,
  Uint8Array,
  Int8Array,
} as const;
type TypedName = keyof typeof CONSTRUCTORS;

function typedName(value: unknown): TypedName | null {
  if (!ArrayBuffer.isView(value) || value instanceof DataView) return null;
  const name = value.constructor.name;
  return Object.hasOwn(CONSTRUCTORS, name) ? (name as TypedName) : null;
}

/** Whether a value holds a typed array anywhere (then it travels as binary). */
export function holdsTypedArrays(value: unknown, depth = 0): boolean {
  if (depth > 8 || value === null || typeof value !== 'object') return false;
  if (typedName(value)) return true;
  if (Array.isArray(value)) return value.some((v) => holdsTypedArrays(v, depth + 1));
  return Object.values(value).some((v) => holdsTypedArrays(v, depth + 1));
}

const align8 = (n: number): number => (n + 7) & ~7;

export function encodeBinary(value: unknown): Uint8Array {
  const arrays: Typed[] = [];
  let offset = 0;
  const header = JSON.stringify(value, (_key, v: unknown) => {
    const name = typedName(v);
    if (!name) return v;
    const array = v as Typed;
    const at = offset;
    arrays.push(array);
    offset = align8(offset + array.byteLength);
    return { $typed: name, offset: at, length: array.length };
  });
  const head = new TextEncoder().encode(header);
  const start = align8(8 + head.length);
  const out = new Uint8Array(start + offset);
  out.set(MAGIC, 0);
  new DataView(out.buffer).setUint32(4, head.length, true);
  out.set(head, 8);
  let at = start;
  for (const array of arrays) {
    out.set(new Uint8Array(array.buffer, array.byteOffset, array.byteLength), at);
    at = align8(at + array.byteLength);
  }
  return out;
}

export function decodeBinary(buffer: ArrayBuffer): unknown {
  const bytes = new Uint8Array(buffer);
  if (bytes.length < 8 || MAGIC.some((b, i) => bytes[i] !== b)) throw new Error('not a Frontier binary body');
  const length = new DataView(buffer).getUint32(4, true);
  if (8 + length > bytes.length) throw new Error('a Frontier binary body is cut short');
  const start = align8(8 + length);
  const header = new TextDecoder().decode(bytes.subarray(8, 8 + length));
  return JSON.parse(header, (_key, v: unknown) => {
    if (v === null || typeof v !== 'object' || !('$typed' in v)) return v;
    const { $typed, offset, length: count } = v as { $typed: string; offset: number; length: number };
    if (!Object.hasOwn(CONSTRUCTORS, $typed)) throw new Error(`unknown array type ${$typed}`);
    const Ctor = CONSTRUCTORS[$typed as TypedName];
    const end = start + offset + count * Ctor.BYTES_PER_ELEMENT;
    if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(count) || offset < 0 || count < 0 || end > bytes.length) {
      throw new Error('a Frontier binary body points outside itself');
    }
    return new Ctor(buffer, start + offset, count);
  });
}
