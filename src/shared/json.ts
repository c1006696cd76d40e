// Bounds on JSON that arrives from outside (model files, request bodies, bundles, spec files). JSON.parse itself
// copes with deep nesting, but it spends minutes on a 100 MB run of `[`, and every recursive walk afterwards (a
// schema, JSON.stringify in an error message) can exhaust the call stack. So the nesting is measured first, on the
// raw text, in one linear pass that allocates nothing.

/** Deeper than any model config, request or bundle Frontier writes or reads (Keras configs reach about 12). */
export const MAX_JSON_DEPTH = 100;

export const nestingMessage = (limit: number = MAX_JSON_DEPTH): string => `nested deeper than ${limit} levels`;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_ARRAY = 0x5b;
const OPEN_OBJECT = 0x7b;
const CLOSE_ARRAY = 0x5d;
const CLOSE_OBJECT = 0x7d;

/**
 * Where JSON text first nests deeper than `limit` arrays and objects (a character index for a string, a byte
 * offset for UTF-8 bytes), or -1 when it never does. Brackets inside strings do not count. The text need not be
 * valid JSON: what is wrong with it otherwise is for the parser to say.
 */
export function nestingExceededAt(text: string | Uint8Array, limit: number = MAX_JSON_DEPTH): number {
  const bytes = typeof text !== 'string';
  const n = text.length;
  let depth = 0;
  let inString = false;
  for (let i = 0; i < n; i++) {
    const c = bytes ? (text as Uint8Array)[i] : (text as string).charCodeAt(i);
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) inString = false;
    } else if (c === QUOTE) {
      inString = true;
    } else if (c === OPEN_ARRAY || c === OPEN_OBJECT) {
      if (++depth > limit) return i;
    } else if (c === CLOSE_ARRAY || c === CLOSE_OBJECT) {
      depth--;
    }
  }
  return -1;
}

/** Whether an already-parsed value (from IPC, or a JSON string inside a file) nests deeper than `limit`. */
export function valueNestingExceeds(value: unknown, limit: number = MAX_JSON_DEPTH): boolean {
  // Iterative, so that the check itself cannot overflow the stack it protects.
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [item, depth] = stack.pop() as [unknown, number];
    if (typeof item !== 'object' || item === null) continue;
    if (depth + 1 > limit) return true;
    for (const child of Array.isArray(item) ? item : Object.values(item)) {
      if (typeof child === 'object' && child !== null) stack.push([child, depth + 1]);
    }
  }
  return false;
}
