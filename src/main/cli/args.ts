// A small, strict flag parser: `--flag value`, `--flag=value`, repeatable flags, booleans, positionals.
import { UsageError } from '../../shared/cli/valueList';

export type FlagKind = 'string' | 'repeat' | 'bool';

export interface ParsedArgs {
  positionals: string[];
  strings: Map<string, string>;
  repeats: Map<string, string[]>;
  bools: Set<string>;
}

export function parseArgs(command: string, argv: readonly string[], flags: Record<string, FlagKind>): ParsedArgs {
  const parsed: ParsedArgs = { positionals: [], strings: new Map(), repeats: new Map(), bools: new Set() };
  const known = Object.keys(flags)
    .map((f) => `--${f}`)
    .join(', ');
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') {
      parsed.positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith('--') || arg === '-') {
      parsed.positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq >= 0 ? arg.slice(2, eq) : arg.slice(2);
    const kind = flags[name];
    if (!kind) throw new UsageError(`${command}: unknown option --${name}; options are ${known}`);
    if (kind === 'bool') {
      if (eq >= 0) throw new UsageError(`${command}: --${name} takes no value`);
      parsed.bools.add(name);
      continue;
    }
    let value: string | undefined;
    if (eq >= 0) value = arg.slice(eq + 1);
    else {
      value = argv[i + 1];
      i++;
    }
    if (value === undefined) throw new UsageError(`${command}: --${name} needs a value`);
    if (kind === 'string') {
      if (parsed.strings.has(name)) throw new UsageError(`${command}: --${name} is given twice`);
      parsed.strings.set(name, value);
    } else {
      parsed.repeats.set(name, [...(parsed.repeats.get(name) ?? []), value]);
    }
  }
  return parsed;
}

export function numberFlag(args: ParsedArgs, name: string, what: string): number | undefined {
  const text = args.strings.get(name);
  if (text === undefined) return undefined;
  const value = Number(text.trim().endsWith('%') ? Number(text.trim().slice(0, -1)) / 100 : text);
  if (text.trim() === '' || !Number.isFinite(value)) {
    throw new UsageError(`--${name} ${text}: ${what} must be a number`);
  }
  return value;
}

export function choiceFlag<T extends string>(
  args: ParsedArgs,
  name: string,
  choices: readonly T[],
): T | undefined {
  const value = args.strings.get(name);
  if (value === undefined) return undefined;
  const lower = value.toLowerCase();
  if (!(choices as readonly string[]).includes(lower)) {
    throw new UsageError(`--${name} ${value}: choose one of ${choices.join(', ')}`);
  }
  return lower as T;
}

/**
 * A whole-number flag within [min, max]; anything else is a usage error naming the bounds. Checked on the exact
 * text, so that a value beyond 2^53 (which Number() would round) or 1e20 is refused rather than misread.
 */
export function boundedInteger(name: string, text: string | undefined, min: number, max: number): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (text.trim() === '' || !Number.isSafeInteger(value) || value < min || value > max) {
    throw new UsageError(`--${name} ${text}: must be a whole number from ${min.toLocaleString('en-US')} to ${max.toLocaleString('en-US')}`);
  }
  return value;
}
