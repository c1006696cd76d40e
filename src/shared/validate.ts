// A small schema validator for everything that crosses a process boundary (IPC, HTTP): each schema parses an
// unknown value into a typed one or throws a ValidationError naming the field path and the value.

export class ValidationError extends Error {
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(`${path}: ${message}`);
    this.name = 'ValidationError';
  }
}

export interface Schema<T> {
  parse(value: unknown, path?: string): T;
}

type Infer<S> = S extends Schema<infer T> ? T : never;

const show = (value: unknown): string => {
  const text = JSON.stringify(value);
  return text === undefined ? String(value) : text.length > 60 ? `${text.slice(0, 57)}...` : text;
};

const schema = <T>(parse: (value: unknown, path: string) => T): Schema<T> => ({
  parse: (value, path = 'input') => {
    if (value !== undefined) return parse(value, path);
    // A required field that is absent is missing, not "undefined" (optional fields never get here).
    try {
      return parse(value, path);
    } catch (error) {
      if (error instanceof ValidationError && error.path === path) throw new ValidationError(path, 'is missing');
      throw error;
    }
  },
});

export const v = {
  string(options: { min?: number; max?: number; pattern?: RegExp } = {}): Schema<string> {
    const { min = 0, max = 10_000, pattern } = options;
    return schema((value, path) => {
      if (typeof value !== 'string') throw new ValidationError(path, `expected text, got ${show(value)}`);
      if (value.length < min) throw new ValidationError(path, min === 1 ? 'must not be empty' : `needs at least ${min} characters`);
      if (value.length > max) throw new ValidationError(path, `is longer than ${max} characters`);
      if (pattern && !pattern.test(value)) throw new ValidationError(path, `has an unexpected form: ${show(value)}`);
      return value;
    });
  },
  number(options: { min?: number; max?: number; integer?: boolean; exclusiveMin?: boolean } = {}): Schema<number> {
    return schema((value, path) => {
      if (typeof value !== 'number' || !Number.isFinite(value)) {
        throw new ValidationError(path, `expected a number, got ${show(value)}`);
      }
      if (options.integer && !Number.isInteger(value)) throw new ValidationError(path, `expected a whole number, got ${value}`);
      if (options.min !== undefined && (options.exclusiveMin ? value <= options.min : value < options.min)) {
        throw new ValidationError(path, `must be ${options.exclusiveMin ? '>' : '≥'} ${options.min}, got ${value}`);
      }
      if (options.max !== undefined && value > options.max) {
        throw new ValidationError(path, `must be ≤ ${options.max}, got ${value}`);
      }
      return value;
    });
  },
  boolean(): Schema<boolean> {
    return schema((value, path) => {
      if (typeof value !== 'boolean') throw new ValidationError(path, `expected true or false, got ${show(value)}`);
      return value;
    });
  },
  literal<const T extends string>(...values: T[]): Schema<T> {
    return schema((value, path) => {
      if (!values.includes(value as T)) {
        throw new ValidationError(path, `must be one of ${values.join(', ')}, got ${show(value)}`);
      }
      return value as T;
    });
  },
  array<T>(item: Schema<T>, options: { max?: number } = {}): Schema<T[]> {
    const max = options.max ?? 100_000;
    return schema((value, path) => {
      if (!Array.isArray(value)) throw new ValidationError(path, `expected a list, got ${show(value)}`);
      if (value.length > max) throw new ValidationError(path, `has more than ${max} items`);
      return value.map((x, i) => item.parse(x, `${path}[${i}]`));
    });
  },
  record<T>(item: Schema<T>, options: { max?: number } = {}): Schema<Record<string, T>> {
    const max = options.max ?? 10_000;
    return schema((value, path) => {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        throw new ValidationError(path, `expected an object, got ${show(value)}`);
      }
      const entries = Object.entries(value);
      if (entries.length > max) throw new ValidationError(path, `has more than ${max} entries`);
      const out: Record<string, T> = {};
      for (const [key, x] of entries) {
        if (key === '__proto__' || key === 'constructor' || key === 'prototype') {
          throw new ValidationError(path, `may not have a key named ${key}`);
        }
        out[key] = item.parse(x, `${path}.${key}`);
      }
      return out;
    });
  },
  object<S extends Record<string, Schema<unknown>>>(
    shape: S,
  ): Schema<{ [K in keyof S as undefined extends Infer<S[K]> ? never : K]: Infer<S[K]> } & {
    [K in keyof S as undefined extends Infer<S[K]> ? K : never]?: Infer<S[K]>;
  }> {
    return schema((value, path) => {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        throw new ValidationError(path, `expected an object, got ${show(value)}`);
      }
      const input = value as Record<string, unknown>;
      // Own keys only: `in` would also find `toString`, `constructor`… on the prototype and let them through.
      for (const key of Object.keys(input)) {
        if (!Object.hasOwn(shape, key)) throw new ValidationError(`${path}.${key}`, 'is not a known field');
      }
      const out: Record<string, unknown> = {};
      for (const [key, field] of Object.entries(shape)) {
        const parsed = field.parse(Object.hasOwn(input, key) ? input[key] : undefined, `${path}.${key}`);
        if (parsed !== undefined) out[key] = parsed;
      }
      return out as never;
    });
  },
  optional<T>(inner: Schema<T>): Schema<T | undefined> {
    return schema((value, path) => (value === undefined ? undefined : inner.parse(value, path)));
  },
  nullable<T>(inner: Schema<T>): Schema<T | null> {
    return schema((value, path) => (value === null ? null : inner.parse(value, path)));
  },
  /** Structure checked elsewhere (a model graph, a device profile, a sweep spec): only that it is a JSON object. */
  json(): Schema<Record<string, unknown>> {
    return schema((value, path) => {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        throw new ValidationError(path, `expected an object, got ${show(value)}`);
      }
      return value as Record<string, unknown>;
    });
  },
};
