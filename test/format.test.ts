// What people read: thousands grouped everywhere, ms below a second, unknown values as a dash.
import { describe, expect, it } from 'vitest';
import { count, duration, kib, kibLabel, millions, percent } from '../src/shared/format';

describe('display formats', () => {
  it('groups thousands in every figure', () => {
    expect(millions(1_137_476_000)).toBe('1,137.48 M');
    expect(millions(39_037_824)).toBe('39.04 M');
    expect(count(19_518_912)).toBe('19,518,912');
    expect(kibLabel(1_380_876)).toBe('1,348.51 KiB');
    expect(kib(476_288)).toBe('465.13');
    expect(duration(1234.5)).toBe('1,234.500 s');
  });

  it('shows times below a second in ms, at a precision that reads well', () => {
    expect(duration(0.0826992)).toBe('82.7 ms');
    expect(duration(0.2)).toBe('200 ms');
    expect(duration(0.00448)).toBe('4.48 ms');
    expect(duration(3.9037824)).toBe('3.904 s');
  });

  it('shows what is unknown as a dash, NaN included', () => {
    expect(duration(null)).toBe('—');
    expect(duration(Number.NaN)).toBe('—');
    expect(percent(null)).toBe('—');
    expect(percent(Number.NaN)).toBe('—');
    expect(percent(0.85)).toBe('85.0 %');
  });
});

describe('display formatting at every magnitude', () => {
  it('groups the exam figures as before', () => {
    expect(kib(476_288)).toBe('465.13');
    expect(kibLabel(1_380_876)).toBe('1,348.51 KiB');
    expect(count(91_203)).toBe('91,203');
    expect(millions(39_037_824)).toBe('39.04 M');
  });

  it('writes every digit of numbers beyond 1e21 instead of grouping an exponent', () => {
    // 2^53 · 2^18: what "2.5,496,376,160,240,077e+21 B" used to come from.
    const huge = 2 ** 71;
    expect(count(huge)).toBe('2,361,183,241,434,822,606,848');
    expect(kib(huge * 1024)).toBe('2,361,183,241,434,822,606,848.00');
    expect(millions(huge * 1e6)).toMatch(/^[\d,]+ M$/);
    expect(duration(1e22)).toMatch(/^[\d,]+ s$/);
    for (const text of [count(1e300), kib(1e300), millions(1e300), kibLabel(2 ** 80)]) {
      expect(text).not.toMatch(/e[+-]?\d/i);
      expect(text).toMatch(/^[\d,]+(\.\d\d)?( M| KiB)?$/);
    }
  });

  it('shows a dash, never "Infinity" or "NaN", for a value that is not a finite number', () => {
    for (const bad of [Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, Number.NaN]) {
      for (const text of [count(bad), kib(bad), kibLabel(bad), millions(bad), duration(bad), percent(bad)]) {
        expect(text).not.toMatch(/Infinity|NaN|undefined/);
        expect(text).toContain('—');
      }
    }
  });
});
