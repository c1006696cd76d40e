// JSON as Python's json.dumps writes it: ", " and ": " separators, floats with a decimal point.

/** A Python float (json.dumps writes 6.0, not 6). */
export class PyFloat {
  constructor(readonly value: number) {}
}
export const float = (v: number): PyFloat => new PyFloat(v);

function floatRepr(v: number): string {
  if (Number.isInteger(v) && Math.abs(v) < 1e16) return `${v}.0`;
  // Python pads exponents to two digits: 1e-07.
  return String(v).replace(/e([+-])(\d)$/, 'e$10$2');
}

export function pyDumps(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (value instanceof PyFloat) return floatRepr(value.value);
  if (typeof value === 'number') return String(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'string') {
    // ensure_ascii: non-ASCII as \uXXXX
    return JSON.stringify(value).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  }
  if (Array.isArray(value)) return `[${value.map(pyDumps).join(', ')}]`;
  const entries = Object.entries(value as Record<string, unknown>);
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}: ${pyDumps(v)}`).join(', ')}}`;
}

/** The plain JSON value of a structure holding PyFloats (what a JSON parser gives back). */
export function toPlain(value: unknown): unknown {
  return JSON.parse(pyDumps(value)) as unknown;
}
