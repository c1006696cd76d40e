// A seeded, bounded fuzz harness for the model importers. Each format is a module in ./formats that turns a seeded
// random source into the bytes of one file (usually a valid file of its format, mutated or cut short); adding a
// format is adding a module there. Every case runs the real importer and, when the file imports, the analysis;
// a case passes when it imports with every figure a finite exact number, or is refused with a ModelError that names
// the file. Anything else — another error, a figure that is Infinity, NaN or beyond 2^53, a hang, a heap blown —
// fails the run, naming the format, the case and its seed so that it reproduces (`npx tsx test/fuzz/reproduce.ts`).
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseModelBytes } from '../../src/main/import/loadModelFile';
import { analyze, type AnalysisReport } from '../../src/shared/analysis/analyze';
import { UsageError } from '../../src/shared/cli/valueList';
import { ModelError } from '../../src/shared/model/types';
import { mulberry32 } from '../../src/shared/sweep/space';

export type Rng = () => number;

/** One file format's generator of cases. */
export interface FuzzFormat {
  name: string;
  /** The name the file is given: every refusal must name it. */
  fileName: string;
  /** The bytes of one case, drawn from `rng` alone (so a case is its seed). */
  generate(rng: Rng): Uint8Array;
}

/** A small, fast, seedable PRNG: the sweep's own (mulberry32). */
export const rngFor = (seed: number): Rng => mulberry32(seed);

/** The seed of case `index` of a format: independent of how cases are split between workers. */
export function caseSeed(format: string, index: number, base: number): number {
  let h = (base ^ 0x9e3779b9) >>> 0;
  for (const ch of `${format}#${index}`) h = Math.imul(h ^ ch.charCodeAt(0), 0x01000193) >>> 0;
  return h;
}

export const int = (rng: Rng, n: number): number => Math.floor(rng() * n);
export const pick = <T>(rng: Rng, items: readonly T[]): T => items[int(rng, items.length)];
export const chance = (rng: Rng, p: number): boolean => rng() < p;

// ---------------------------------------------------------------------------------------------
// Byte-level mutations: for any format.

/** A copy of `bytes` with 1–8 random edits: bits flipped, bytes set to edge values, runs inserted, deleted or repeated. */
export function mutateBytes(rng: Rng, bytes: Uint8Array): Uint8Array {
  let out: Uint8Array = Uint8Array.from(bytes);
  const edits = 1 + int(rng, 8);
  for (let e = 0; e < edits && out.length > 0; e++) {
    const at = int(rng, out.length);
    switch (int(rng, 6)) {
      case 0:
        out[at] ^= 1 << int(rng, 8);
        break;
      case 1:
        out[at] = pick(rng, [0, 0xff, 0x7f, 0x80, 0x30, 0x5b, 0x7b, 0x22]);
        break;
      case 2: {
        // Overwrite up to 8 bytes with one edge value (sizes and offsets in binary headers).
        const value = pick(rng, [0x00, 0xff]);
        out.fill(value, at, Math.min(out.length, at + 1 + int(rng, 8)));
        break;
      }
      case 3: {
        const run = new Uint8Array(1 + int(rng, 64)).map(() => int(rng, 256));
        out = concat(out.subarray(0, at), run, out.subarray(at));
        break;
      }
      case 4:
        out = concat(out.subarray(0, at), out.subarray(Math.min(out.length, at + 1 + int(rng, 256))));
        break;
      default: {
        const end = Math.min(out.length, at + 1 + int(rng, 512));
        out = concat(out.subarray(0, end), out.subarray(at, end), out.subarray(end));
      }
    }
  }
  return out;
}

/** The file cut short somewhere (or to nothing). */
export const truncate = (rng: Rng, bytes: Uint8Array): Uint8Array => bytes.slice(0, int(rng, bytes.length));

export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// JSON-level mutations: for formats that are (or hold) JSON. They keep the file parseable, so they reach the
// importer's checks rather than the JSON parser's.

/** Values that break assumptions: extremes, wrong types, deep nesting. */
const EXTREME_NUMBERS = [0, -1, 1, 2, 3, 1.5, -0.5, 1e308, -1e308, 1e-300, 2 ** 31, 2 ** 32, 2 ** 53, 2 ** 53 + 2, 2 ** 60, 65_536, 1_048_577, 1e21];

function nested(depth: number): unknown {
  let v: unknown = [];
  for (let i = 0; i < depth; i++) v = [v];
  return v;
}

function oddValue(rng: Rng, strings: string[]): unknown {
  switch (int(rng, 9)) {
    case 0:
      return pick(rng, EXTREME_NUMBERS);
    case 1:
      return null;
    case 2:
      return pick(rng, [true, false]);
    case 3:
      return strings.length > 0 && chance(rng, 0.7) ? pick(rng, strings) : pick(rng, ['', 'x', '__proto__', 'NaN', 'same', 'valid', 'relu']);
    case 4:
      return [];
    case 5:
      return {};
    case 6:
      return [pick(rng, EXTREME_NUMBERS), pick(rng, EXTREME_NUMBERS)];
    case 7:
      return nested(pick(rng, [5, 50, 99, 150]));
    default:
      return JSON.parse('{"__proto__": 1, "constructor": 2, "toString": 3}') as unknown;
  }
}

interface Slot {
  parent: Record<string, unknown> | unknown[];
  key: string | number;
}

/** Every place in a JSON value that holds a value, found without recursion. */
function slotsOf(root: unknown): { slots: Slot[]; strings: string[] } {
  const slots: Slot[] = [];
  const strings: string[] = [];
  const stack: unknown[] = [root];
  while (stack.length > 0 && slots.length < 50_000) {
    const v = stack.pop();
    if (Array.isArray(v)) {
      v.forEach((child, i) => {
        slots.push({ parent: v, key: i });
        stack.push(child);
      });
    } else if (typeof v === 'object' && v !== null) {
      for (const [key, child] of Object.entries(v)) {
        slots.push({ parent: v as Record<string, unknown>, key });
        stack.push(child);
      }
    } else if (typeof v === 'string' && strings.length < 2000) {
      strings.push(v);
    }
  }
  return { slots, strings };
}

const get = (s: Slot): unknown => (s.parent as Record<string | number, unknown>)[s.key];
const set = (s: Slot, value: unknown): void => {
  if (Array.isArray(s.parent)) s.parent[s.key as number] = value;
  else Object.defineProperty(s.parent, s.key, { value, enumerable: true, writable: true, configurable: true });
};

/** A deep copy of `value` with 1–4 structural edits at random places. */
export function mutateJson(rng: Rng, value: unknown): unknown {
  const root = { value: structuredClone(value) };
  const edits = 1 + int(rng, 4);
  for (let e = 0; e < edits; e++) {
    const { slots, strings } = slotsOf(root);
    if (slots.length === 0) break;
    const slot = pick(rng, slots);
    const current = get(slot);
    switch (int(rng, 7)) {
      case 0:
      case 1:
        set(slot, typeof current === 'number' && chance(rng, 0.8) ? pick(rng, EXTREME_NUMBERS) : oddValue(rng, strings));
        break;
      case 2:
        if (Array.isArray(slot.parent)) slot.parent.splice(slot.key as number, 1);
        else delete (slot.parent as Record<string, unknown>)[slot.key as string];
        break;
      case 3:
        // A copy of an element beside it (duplicate layers, repeated references).
        if (Array.isArray(slot.parent)) slot.parent.splice(slot.key as number, 0, structuredClone(current));
        else set(slot, [current, current]);
        break;
      case 4:
        // Another value of the same document in its place (a layer name where a shape was, a reference to itself).
        set(slot, structuredClone(get(pick(rng, slots))));
        break;
      case 5:
        if (Array.isArray(current) && current.length > 0) {
          // Many copies of one element (a long model, a huge list).
          const copies = pick(rng, [10, 200, 2000]);
          for (let i = 0; i < copies; i++) current.push(structuredClone(current[int(rng, current.length)]));
        } else {
          set(slot, oddValue(rng, strings));
        }
        break;
      default:
        if (Array.isArray(current) && current.length > 1) {
          const a = int(rng, current.length);
          const b = int(rng, current.length);
          [current[a], current[b]] = [current[b], current[a]];
        } else {
          set(slot, oddValue(rng, strings));
        }
    }
  }
  return root.value;
}

/** JSON text, now and then as Python writes it (NaN, Infinity) or with a byte-order mark. */
export function jsonText(rng: Rng, value: unknown): string {
  let text = JSON.stringify(value) ?? 'null';
  if (chance(rng, 0.05)) text = text.replace(/(?<=[:,[])(-?)1e\+?308/g, (_m, minus: string) => `${minus}Infinity`);
  if (chance(rng, 0.03)) text = `\ufeff${text}`;
  return text;
}

export const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);

/** The usual mix for a JSON format: mostly structural edits, some byte edits, some truncation. */
export function jsonCase(rng: Rng, seeds: readonly unknown[]): Uint8Array {
  const seed = pick(rng, seeds);
  const roll = rng();
  if (roll < 0.7) return utf8(jsonText(rng, mutateJson(rng, seed)));
  const bytes = utf8(JSON.stringify(seed));
  return roll < 0.9 ? mutateBytes(rng, bytes) : truncate(rng, bytes);
}

// ---------------------------------------------------------------------------------------------
// Running a case.

export type Outcome =
  | { kind: 'imported'; layers: number }
  | { kind: 'refused'; message: string }
  | { kind: 'crash'; message: string }
  | { kind: 'absurd'; message: string };

/** Figures that are times or fractions; every other number Frontier reports is a count or a size in bytes. */
const FLOAT_KEYS = new Set(['latencyS', 'accuracy', 'headroom', 'overheadS']);

/** The first figure of a report that is not finite, or not an exact integer where a count is expected. */
export function absurdFigure(report: unknown): string | null {
  const stack: [unknown, string][] = [[report, '']];
  while (stack.length > 0) {
    const [v, path] = stack.pop() as [unknown, string];
    if (typeof v === 'number') {
      const key = path.slice(path.lastIndexOf('.') + 1).replace(/\[\d+\]$/, '');
      if (!Number.isFinite(v)) return `${path} is ${v}`;
      if (!FLOAT_KEYS.has(key) && !(Number.isSafeInteger(v) && v >= 0)) return `${path} is ${v}, not an exact count`;
    } else if (Array.isArray(v)) {
      v.forEach((x, i) => stack.push([x, `${path}[${i}]`]));
    } else if (typeof v === 'object' && v !== null) {
      for (const [k, x] of Object.entries(v)) stack.push([x, path ? `${path}.${k}` : k]);
    }
  }
  return null;
}

const describe = (error: unknown): string => (error instanceof Error ? `${error.name}: ${error.message}` : String(error));

/** Imports `bytes` as the file `fileName`, analyses what imports, and judges the outcome. */
export function runCase(bytes: Uint8Array, fileName: string): Outcome {
  let graph;
  try {
    graph = parseModelBytes(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), fileName);
  } catch (error) {
    if (!(error instanceof ModelError)) return { kind: 'crash', message: `import threw ${describe(error)}` };
    if (!error.message.includes(fileName)) return { kind: 'crash', message: `the refusal does not name the file: ${error.message}` };
    return { kind: 'refused', message: error.message };
  }
  const reports: AnalysisReport[] = [];
  const requests = [{}, { precision: 'int8', memoryModel: 'liveness' as const }, { memoryModel: 'arena' as const, inPlaceDepthwise: true }];
  for (const request of requests) {
    try {
      reports.push(analyze(graph, request));
    } catch (error) {
      // An imported model can still be too large at some precision (bytes beyond 2^53): a refusal, like on import.
      if (error instanceof ModelError || error instanceof UsageError) return { kind: 'refused', message: error.message };
      return { kind: 'crash', message: `analysis threw ${describe(error)}` };
    }
  }
  for (const report of reports) {
    const absurd = absurdFigure(report);
    if (absurd) return { kind: 'absurd', message: absurd };
  }
  return { kind: 'imported', layers: graph.layers.length };
}

/** Every format module in ./formats (a module per format; each exports `format`). */
export async function loadFormats(): Promise<FuzzFormat[]> {
  const dir = join(import.meta.dirname, 'formats');
  const files = readdirSync(dir).filter((f) => f.endsWith('.ts')).sort();
  const formats: FuzzFormat[] = [];
  for (const file of files) {
    const module = (await import(pathToFileURL(join(dir, file)).href)) as { format?: FuzzFormat };
    if (module.format) formats.push(module.format);
  }
  return formats;
}
