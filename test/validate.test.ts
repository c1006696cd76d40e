// The schemas every IPC and HTTP input passes: unknown keys are refused by name, including the ones every object
// inherits (`toString`, `constructor`…) and `__proto__`, and nothing reaches an object's prototype.
import { describe, expect, it } from 'vitest';
import { PARAMS } from '../src/shared/api';
import { v, ValidationError } from '../src/shared/validate';

const errorOf = (fn: () => unknown): Error => {
  try {
    fn();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected an error');
};

describe('object schemas', () => {
  const schema = v.object({ name: v.string(), size: v.optional(v.number()) });

  it.each(['foo', '__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', 'isPrototypeOf'])(
    'refuse the unknown key %s like any other',
    (key) => {
      // JSON.parse makes `__proto__` an own key, as an HTTP body or an IPC message would.
      const input = JSON.parse(`{"name": "x", ${JSON.stringify(key)}: 1}`) as unknown;
      const error = errorOf(() => schema.parse(input));
      expect(error).toBeInstanceOf(ValidationError);
      expect(error.message).toBe(`input.${key}: is not a known field`);
    },
  );

  it('never read a field from the prototype', () => {
    const withInherited = Object.create({ name: 'inherited' }) as Record<string, unknown>;
    expect(errorOf(() => schema.parse(withInherited)).message).toBe('input.name: is missing');
    const parsed = schema.parse(JSON.parse('{"name": "x"}'));
    expect(Object.getPrototypeOf(parsed)).toBe(Object.prototype);
    expect(parsed).toEqual({ name: 'x' });
  });

  it('say a required field is missing, never "got undefined", in every kind of schema and in the API', () => {
    const kinds = { s: v.string(), n: v.number(), b: v.boolean(), l: v.literal('a'), a: v.array(v.number()), r: v.record(v.number()), o: v.object({}), j: v.json() };
    for (const [key, kind] of Object.entries(kinds)) {
      expect(errorOf(() => v.object({ [key]: kind }).parse({})).message).toBe(`input.${key}: is missing`);
    }
    // Inside: the path names the missing field; a value of the wrong kind is still shown.
    expect(errorOf(() => PARAMS['sessions.rename'].parse({ name: 'a' }, 'params')).message).toBe('params.newName: is missing');
    expect(errorOf(() => v.object({ s: v.string() }).parse({ s: 5 })).message).toBe('input.s: expected text, got 5');
  });

  it('hold session names to the CLI\'s rule: printable, at most 200 characters', () => {
    const rename = (newName: string): string => errorOf(() => PARAMS['sessions.rename'].parse({ name: 'a', newName }, 'params')).message;
    expect(rename('x'.repeat(201))).toBe('params.newName: is 201 characters long, more than 200');
    expect(rename('a\nb')).toBe('params.newName: holds a control character (U+000A, a line break); a name is printable text');
    expect(rename('  ')).toBe('params.newName: is empty');
    expect(PARAMS['sessions.rename'].parse({ name: 'a', newName: `${'é'.repeat(199)}!` })).toMatchObject({ newName: `${'é'.repeat(199)}!` });
    expect(() => PARAMS['sweep.start'].parse({ spec: {}, graph: {}, name: 'tab\there' })).toThrow(/params|name: holds a control character \(U\+0009\)/);
    expect(() => PARAMS['import.bundle'].parse({ text: '{}', name: 'x'.repeat(300) })).toThrow(/name: is 300 characters long/);
  });

  it('refuse the inherited names in the real API schemas too', () => {
    for (const key of ['__proto__', 'constructor', 'toString', 'hasOwnProperty']) {
      const body = JSON.parse(`{"id": "mine", ${JSON.stringify(key)}: {"polluted": true}}`) as unknown;
      expect(() => PARAMS['devices.delete'].parse(body)).toThrow(ValidationError);
      expect(() => PARAMS['app.info'].parse(JSON.parse(`{${JSON.stringify(key)}: 1}`))).toThrow(ValidationError);
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
