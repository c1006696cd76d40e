// The Python literals a `.npy` header is made of: numpy writes `repr()` of a dict and reads it back with
// `ast.literal_eval`. Only what such a header can hold is read: strings, integers (a Python 2 `L` suffix allowed, as
// numpy allows it), True/False/None, tuples, lists and dicts. Nesting is bounded, so a hostile header cannot exhaust
// the stack. Integers are kept as their digits: a shape entry too big for a JavaScript number is refused by the
// caller with its value, not silently rounded.

export type PyValue =
  | { kind: 'str'; value: string }
  | { kind: 'int'; digits: string }
  | { kind: 'bool'; value: boolean }
  | { kind: 'none' }
  | { kind: 'tuple'; items: PyValue[] }
  | { kind: 'list'; items: PyValue[] }
  | { kind: 'dict'; entries: [PyValue, PyValue][] };

/** Where and why a literal could not be read: `at` is the character index. */
export class PyLiteralError extends Error {
  constructor(
    message: string,
    readonly at: number,
  ) {
    super(message);
    this.name = 'PyLiteralError';
  }
}

const MAX_DEPTH = 32;
const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', '0': '\0', '\\': '\\', "'": "'", '"': '"' };

/** The one literal `text` holds (surrounding whitespace allowed). */
export function parsePyLiteral(text: string): PyValue {
  let at = 0;
  const fail = (what: string): never => {
    const found = at >= text.length ? 'the end of the header' : JSON.stringify(text.slice(at, at + 12).trimEnd());
    throw new PyLiteralError(`expected ${what} at character ${at}, found ${found}`, at);
  };
  const skip = (): void => {
    while (at < text.length && ' \t\r\n'.includes(text[at])) at++;
  };
  const value = (depth: number): PyValue => {
    if (depth > MAX_DEPTH) fail(`at most ${MAX_DEPTH} levels of nesting`);
    skip();
    const c = text[at];
    if (c === "'" || c === '"') return { kind: 'str', value: string(c) };
    if (c === '(' || c === '[') return sequence(c === '(' ? ')' : ']', depth);
    if (c === '{') return dict(depth);
    if (c === '-' || (c >= '0' && c <= '9')) return integer();
    for (const [word, literal] of [
      ['True', { kind: 'bool', value: true }],
      ['False', { kind: 'bool', value: false }],
      ['None', { kind: 'none' }],
    ] as const) {
      if (text.startsWith(word, at) && !/\w/.test(text[at + word.length] ?? '')) {
        at += word.length;
        return literal;
      }
    }
    return fail('a value (a string, number, True, False, None, tuple, list or dict)');
  };
  const string = (quote: string): string => {
    at++;
    let out = '';
    while (at < text.length && text[at] !== quote) {
      if (text[at] === '\n') fail(`the closing ${quote} of a string`);
      if (text[at] === '\\') {
        const escaped = ESCAPES[text[at + 1]];
        if (escaped === undefined) fail('a simple escape (\\n, \\t, \\r, \\0, \\\\, \\\' or \\")');
        out += escaped;
        at += 2;
      } else out += text[at++];
    }
    if (at >= text.length) fail(`the closing ${quote} of a string`);
    at++;
    return out;
  };
  const integer = (): PyValue => {
    const start = at;
    if (text[at] === '-') at++;
    const first = at;
    while (at < text.length && text[at] >= '0' && text[at] <= '9') at++;
    if (at === first) fail('digits');
    const digits = text.slice(start, at);
    if (text[at] === 'L' || text[at] === 'l') at++;
    if (/[\w.]/.test(text[at] ?? '')) fail('an integer (floats and other numbers do not belong in a .npy header)');
    return { kind: 'int', digits };
  };
  const sequence = (close: string, depth: number): PyValue => {
    const tuple = close === ')';
    at++;
    const items: PyValue[] = [];
    let trailingComma = false;
    for (;;) {
      skip();
      if (text[at] === close) break;
      items.push(value(depth + 1));
      skip();
      trailingComma = text[at] === ',';
      if (trailingComma) at++;
      else if (text[at] !== close) fail(`',' or '${close}'`);
    }
    at++;
    // `(3)` is the number 3 in Python, not a tuple: only a comma makes a one-item tuple.
    if (tuple && items.length === 1 && !trailingComma) return items[0];
    return tuple ? { kind: 'tuple', items } : { kind: 'list', items };
  };
  const dict = (depth: number): PyValue => {
    at++;
    const entries: [PyValue, PyValue][] = [];
    for (;;) {
      skip();
      if (text[at] === '}') break;
      const key = value(depth + 1);
      skip();
      if (text[at] !== ':') fail("':' after a key");
      at++;
      entries.push([key, value(depth + 1)]);
      skip();
      if (text[at] === ',') at++;
      else if (text[at] !== '}') fail("',' or '}'");
    }
    at++;
    return { kind: 'dict', entries };
  };
  const result = value(0);
  skip();
  if (at < text.length) fail('nothing more after the literal');
  return result;
}

/** A value as Python would print it, for messages. */
export function pyRepr(value: PyValue): string {
  switch (value.kind) {
    case 'str':
      return `'${value.value}'`;
    case 'int':
      return value.digits;
    case 'bool':
      return value.value ? 'True' : 'False';
    case 'none':
      return 'None';
    case 'tuple':
      return value.items.length === 1 ? `(${pyRepr(value.items[0])},)` : `(${value.items.map(pyRepr).join(', ')})`;
    case 'list':
      return `[${value.items.map(pyRepr).join(', ')}]`;
    case 'dict':
      return `{${value.entries.map(([k, v]) => `${pyRepr(k)}: ${pyRepr(v)}`).join(', ')}}`;
  }
}
