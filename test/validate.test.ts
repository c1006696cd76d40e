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
    expect(errorOf(() => schema.parse(withInherited)).message).toBe('input.name: expected text, got undefined');
    const parsed = schema.parse(JSON.parse('{"name": "x"}'));
    expect(Object.getPrototypeOf(parsed)).toBe(Object.prototype);
    expect(parsed).toEqual({ name: 'x' });
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
