// The value-list grammar shared by `analyze` and `sweep` flags:
//   items separated by commas; `name=V` starts the list for `name`; a bare item adds another value to the current
//   list; a value may be a range `a:b` or `a:b:step`.
// So `--channels conv1=8,16 --channels conv2=8,32` and `--channels conv1=8,16,conv2=8,32` mean the same.

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** Parses every occurrence of one flag into name → raw value items (ranges still unexpanded). */
export function parseNamedLists(flag: string, occurrences: readonly string[]): Map<string, string[]> {
  const lists = new Map<string, string[]>();
  for (const occurrence of occurrences) {
    let current: string | undefined;
    for (const raw of occurrence.split(',')) {
      const item = raw.trim();
      if (item === '') throw new UsageError(`--${flag} ${occurrence}: empty item`);
      const eq = item.indexOf('=');
      let value = item;
      if (eq >= 0) {
        current = item.slice(0, eq).trim();
        value = item.slice(eq + 1).trim();
        if (current === '') throw new UsageError(`--${flag} ${occurrence}: "${item}" has no name before "="`);
        if (value === '') throw new UsageError(`--${flag} ${occurrence}: "${item}" has no value after "="`);
      } else if (current === undefined) {
        throw new UsageError(`--${flag} ${occurrence}: "${item}" needs a name first (name=value)`);
      }
      const list = lists.get(current) ?? [];
      list.push(value);
      lists.set(current, list);
    }
  }
  return lists;
}

/** Parses a plain list (`fp32,int8` or `8:64:8`) of one flag's occurrences. */
export function parsePlainList(flag: string, occurrences: readonly string[]): string[] {
  const items: string[] = [];
  for (const occurrence of occurrences) {
    for (const raw of occurrence.split(',')) {
      const item = raw.trim();
      if (item === '') throw new UsageError(`--${flag} ${occurrence}: empty item`);
      items.push(item);
    }
  }
  return items;
}

export interface NumericRange {
  start: number;
  stop: number;
  step: number;
}

const EPS = 1e-9;

const toDigits = (n: number): number => (Number.isFinite(n) ? Number(n.toPrecision(12)) : n);

/** The most output channels (filters, units) a layer may be given: far beyond any layer a device can run. */
export const MAX_CHANNELS = 1_048_576;
/** The most values one dimension of a design space may take (a range is counted before it is expanded). */
export const MAX_DIMENSION_VALUES = 65_536;

/** What values an item may hold: the inclusive bounds, and whether the upper one is itself excluded. */
export interface NumericBounds {
  min: number;
  max: number;
  maxExclusive?: boolean;
  /** Said after the limit in messages: "a layer has no more", "a ratio below 1"… */
  why?: string;
}

export const CHANNEL_BOUNDS: NumericBounds = { min: 1, max: MAX_CHANNELS, why: 'no layer a device runs has more' };
export const RATIO_BOUNDS: NumericBounds = { min: 0, max: 1, maxExclusive: true };

const showNumber = (n: number): string => (Number.isInteger(n) && Math.abs(n) < 1e21 ? n.toLocaleString('en-US') : String(n));

function checkBounds(what: string, item: string, n: number, bounds: NumericBounds | undefined): void {
  if (!bounds) return;
  const above = bounds.maxExclusive ? n >= bounds.max : n > bounds.max;
  if (n < bounds.min || above) {
    const range = bounds.maxExclusive
      ? `from ${showNumber(bounds.min)} up to (not including) ${showNumber(bounds.max)}`
      : `from ${showNumber(bounds.min)} to ${showNumber(bounds.max)}`;
    throw new UsageError(`${what}: "${item}" is outside the limit: values run ${range}${bounds.why ? ` (${bounds.why})` : ''}`);
  }
}

/**
 * A number or an inclusive range `a:b[:step]`; a range of integers steps by 1 unless told. With bounds, both ends
 * are checked (a range lies between its ends), so nothing out of bounds is ever expanded.
 */
export function parseNumericItem(what: string, item: string, integer: boolean, bounds?: NumericBounds): NumericRange {
  const parts = item.split(':').map((p) => p.trim());
  // Fractions count to 12 significant digits, as the values of a range do (0.1 steps give 0.3, not
  // 0.30000000000000004): the bounds apply to what will be used, so 0.9999999999999999 is a ratio of 1, refused here.
  const nums = parts.map((p) => (integer ? Number(p) : toDigits(Number(p))));
  if (parts.length > 3 || parts.some((p) => p === '') || nums.some((n) => !Number.isFinite(n))) {
    throw new UsageError(`${what}: "${item}" is not a number or a range a:b[:step]`);
  }
  // Whole numbers in decimal digits only: Number() would also read "0x10" as 16 and "1e3" as 1000.
  if (integer && (nums.some((n) => !Number.isInteger(n)) || !parts.every((p) => /^-?[0-9]+$/.test(p)))) {
    throw new UsageError(`${what}: "${item}" must be whole numbers in decimal digits (such as 16)`);
  }
  checkBounds(what, item, nums[0], bounds);
  if (parts.length >= 2) checkBounds(what, item, nums[1], bounds);
  if (integer && nums.some((n) => !Number.isSafeInteger(n))) {
    // Above 2^53 a whole number cannot even be told from its neighbour.
    throw new UsageError(`${what}: "${item}" is beyond 2^53, where whole numbers are no longer exact`);
  }
  if (parts.length === 1) return { start: nums[0], stop: nums[0], step: 1 };
  const [start, stop] = nums;
  let step = nums[2];
  if (step === undefined) {
    if (!integer) throw new UsageError(`${what}: the range "${item}" needs a step (a:b:step)`);
    step = 1;
  }
  if (step <= 0) throw new UsageError(`${what}: the step of "${item}" must be positive`);
  if (stop < start) throw new UsageError(`${what}: the range "${item}" ends before it starts`);
  return { start, stop, step };
}

/** How many values a range holds, by arithmetic: nothing is expanded to count it. */
export const rangeSize = (r: NumericRange): number => Math.floor((r.stop - r.start) / r.step + EPS) + 1;

export function expandRange(r: NumericRange): number[] {
  const n = rangeSize(r);
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(toDigits(r.start + i * r.step));
  return out;
}

/**
 * Expands items (numbers and ranges) into distinct values, in the order given. Every item is parsed and bounded,
 * and the count of values is added up by arithmetic, before anything is expanded: more than `maxValues` is refused
 * as a usage error naming the limit.
 */
export function expandNumbers(
  what: string,
  items: readonly string[],
  integer: boolean,
  bounds?: NumericBounds,
  maxValues: number = MAX_DIMENSION_VALUES,
): number[] {
  const ranges = items.map((item) => parseNumericItem(what, item, integer, bounds));
  const total = ranges.reduce((n, r) => n + rangeSize(r), 0);
  if (total > maxValues) {
    throw new UsageError(
      `${what}: ${showNumber(total)} values, more than the limit of ${showNumber(maxValues)} for one dimension; use fewer or a coarser step`,
    );
  }
  const seen = new Set<number>();
  for (const r of ranges) for (const v of expandRange(r)) seen.add(v);
  return [...seen];
}
