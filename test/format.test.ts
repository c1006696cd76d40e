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
