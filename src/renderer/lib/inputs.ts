// The app's inputs checked as they are typed, with messages in the app's words (the CLI says the same things with
// flag names). Each check returns null when the text is fine, else what is wrong and how to put it right.
import type { AccuracyModel } from '../../shared/analysis/accuracy';
import { precisionLabel } from '../../shared/analysis/precision';
import { MAX_CHANNELS, MAX_DIMENSION_VALUES } from '../../shared/cli/valueList';

/** Items of a comma-separated list as typed (empty ones kept, so "8,,16" can be refused). */
const items = (text: string): string[] => text.split(',').map((s) => s.trim());

interface Range {
  start: number;
  stop: number;
  step: number;
}

/** A number or an inclusive range a:b[:step], or the reason it is not one. */
function parseItem(item: string, integer: boolean): Range | string {
  const parts = item.split(':').map((p) => p.trim());
  const nums = parts.map(Number);
  if (parts.length > 3 || parts.some((p) => p === '') || nums.some((n) => !Number.isFinite(n))) {
    return `"${item}" is not a number or a range like ${integer ? '8:64:8' : '0:0.75:0.25'}`;
  }
  if (parts.length === 1) return { start: nums[0], stop: nums[0], step: 1 };
  const [start, stop] = nums;
  if (parts.length === 2 && !integer) return `a range of ratios needs a step, e.g. ${start}:${stop}:0.25`;
  const step = parts.length === 3 ? nums[2] : 1;
  if (step <= 0) return `the step of ${item} must be more than 0`;
  if (stop < start) return `the range ${item} ends before it starts`;
  return { start, stop, step };
}

/** How many values a list gives (ranges expanded), or the reason it cannot be read. */
function checkList(text: string, integer: boolean, check: (value: number, item: string) => string | null): string | null {
  if (text.trim() === '') return null;
  const list = items(text);
  if (list.some((i) => i === '')) return `"${text.trim()}" has an empty item: leave out the extra comma`;
  let values = 0;
  for (const item of list) {
    const range = parseItem(item, integer);
    if (typeof range === 'string') return range;
    values += Math.floor((range.stop - range.start) / range.step + 1e-9) + 1;
    if (values > MAX_DIMENSION_VALUES) {
      return `at most ${MAX_DIMENSION_VALUES.toLocaleString('en-US')} values to try here; this list gives more (${item} alone gives ${(Math.floor((range.stop - range.start) / range.step + 1e-9) + 1).toLocaleString('en-US')})`;
    }
    for (const v of [range.start, range.stop, range.step === 1 ? range.start : range.step]) {
      if (integer && !Number.isInteger(v)) return `channel counts are whole numbers; "${item}" is not`;
    }
    for (const v of [range.start, range.stop]) {
      const problem = check(v, item);
      if (problem) return problem;
    }
  }
  return null;
}

/** Output channels to try for a layer: whole numbers ≥ 1, single or as ranges. */
export function checkChannelList(text: string): string | null {
  return checkList(text, true, (v) =>
    v < 1
      ? `a layer needs at least 1 channel; ${v} is too few`
      : v > MAX_CHANNELS
        ? `a layer has at most ${MAX_CHANNELS.toLocaleString('en-US')} channels; ${v.toLocaleString('en-US')} is too many`
        : null,
  );
}

/** Pruning ratios: fractions from 0 up to (not including) 1. */
export function checkRatioList(text: string): string | null {
  return checkList(text, false, (v) =>
    v < 0 || v >= 1 ? `pruning ratios go from 0 (keep every channel) up to, not including, 1; ${v} is outside` : null,
  );
}

/** A percentage field: a number in [min, max] (empty allowed when `optional`). */
export function checkPercent(text: string, { min = 0, max = 100, optional = false, what }: { min?: number; max?: number; optional?: boolean; what: string }): string | null {
  const t = text.trim();
  if (t === '') return optional ? null : `enter ${what} (a percentage)`;
  const v = Number(t);
  if (!Number.isFinite(v)) return `${what} is a number of percent; "${t}" is not`;
  if (v < min || v > max) return `${what} is from ${min} to ${max} %; ${t} is outside`;
  return null;
}

/** A deadline in seconds or milliseconds ("0.2", "0.2 s", "200 ms"): the seconds, or why not. */
export function parseDeadline(text: string): number | string {
  const m = /^\s*([0-9]*\.?[0-9]+(?:e-?\d+)?)\s*(ms|s)?\s*$/i.exec(text);
  if (!m) return text.trim() === '' ? 'enter the deadline, e.g. 0.2 s or 200 ms' : `"${text.trim()}" is not a time: write it as 0.2 s or 200 ms`;
  const value = Number(m[1]) * (m[2]?.toLowerCase() === 'ms' ? 0.001 : 1);
  if (!(value > 0)) return 'the deadline must be more than 0';
  return value;
}

/** A whole number field (samples, seed) in [min, max]. */
export function checkWhole(text: string, { min, max, what }: { min: number; max?: number; what: string }): string | null {
  const v = Number(text.trim());
  if (text.trim() === '' || !Number.isInteger(v)) return `${what} is a whole number`;
  if (v < min) return `${what} must be at least ${min.toLocaleString('en-US')}`;
  if (max !== undefined && v > max) return `${what} may be at most ${max.toLocaleString('en-US')}`;
  return null;
}

/**
 * Techniques a sweep applies for which a penalty accuracy model gives no penalty: each would be counted as no loss
 * at all. `pruned` when the sweep changes channels, and every precision below FP32 it tries.
 */
export function missingPenalties(accuracy: AccuracyModel | null, precisions: readonly string[], prunes: boolean): string[] {
  if (!accuracy || accuracy.kind !== 'penalties') return [];
  const missing: string[] = [];
  if (prunes && accuracy.penalties.pruned === undefined) missing.push('pruned');
  for (const p of precisions) {
    const name = p.toLowerCase();
    if (name !== 'fp32' && accuracy.penalties[name] === undefined && !missing.includes(name)) missing.push(name);
  }
  return missing;
}

/** "FP16 and INT4", "pruning": how the missing penalties are named in sentences. */
export function techniqueList(names: readonly string[]): string {
  const words = names.map((n) => (n === 'pruned' ? 'pruning' : precisionLabel(n)));
  return words.length <= 1 ? (words[0] ?? '') : `${words.slice(0, -1).join(', ')} and ${words[words.length - 1]}`;
}
