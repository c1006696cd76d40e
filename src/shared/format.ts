// Display formatting. Internally everything is exact bytes, MACs and seconds; these only shape what people read.

/** What a display shows for a value that is not a finite number (never a figure Frontier computed). */
export const NOT_A_FIGURE = '—';

/** Digits with thousands separators, for a string of plain decimal digits (an optional leading minus). */
const group = (digits: string): string => digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');

/**
 * A whole number as plain decimal digits, however large: `toString` switches to exponent notation at 1e21 (grouping
 * that string gave "2.5,496…e+21") and past 2^53 prints the shortest digits that round back, not the value's own.
 * BigInt prints every digit of a finite double exactly.
 */
const wholeDigits = (n: number): string =>
  Math.abs(n) <= Number.MAX_SAFE_INTEGER ? Math.round(n).toString() : BigInt(Math.round(n)).toString();

/** KiB (1024 B) with two decimals, rounded half up, thousands grouped: 465.125 → "465.13", 1380876 B → "1,348.51".
 * Byte counts / 1024 are exact binary fractions, so toFixed's round-half-up on the exact value is the rule we want.
 * Beyond toFixed's range (1e21) the value is far past 2^53, where no fraction is left to show. */
export function kib(bytes: number): string {
  if (!Number.isFinite(bytes)) return NOT_A_FIGURE;
  const value = bytes / 1024;
  if (Math.abs(value) >= 1e21) return `${group(wholeDigits(value))}.00`;
  const [whole, decimals] = value.toFixed(2).split('.');
  return `${group(whole)}.${decimals}`;
}

export const kibLabel = (bytes: number): string => `${kib(bytes)} KiB`;

/** Whole numbers with thousands separators: 91203 → "91,203". */
export const count = (n: number): string => (Number.isFinite(n) ? group(wholeDigits(n)) : NOT_A_FIGURE);

/** Groups the whole part of a decimal string in thousands: "1137.48" → "1,137.48". */
const grouped = (text: string): string => {
  const [whole, decimals] = text.split('.');
  return decimals === undefined ? group(whole) : `${group(whole)}.${decimals}`;
};

/** Millions with two decimals, thousands grouped: 39037824 → "39.04 M", 1137476000 → "1,137.48 M". */
export const millions = (n: number): string => {
  if (!Number.isFinite(n)) return `${NOT_A_FIGURE} M`;
  const m = n / 1e6;
  return Math.abs(m) < 1e21 ? `${grouped(m.toFixed(2))} M` : `${group(wholeDigits(m))} M`;
};

/** Seconds below 1 s as milliseconds (82.7 ms), above as seconds with 3 decimals (3.904 s). */
export function duration(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return NOT_A_FIGURE;
  if (seconds < 1) {
    const ms = seconds * 1000;
    return `${ms < 10 ? ms.toFixed(2) : ms < 100 ? ms.toFixed(1) : ms.toFixed(0)} ms`;
  }
  return seconds < 1e21 ? `${grouped(seconds.toFixed(3))} s` : `${group(wholeDigits(seconds))} s`;
}

/** A fraction as a percentage with one decimal: 0.85 → "85.0 %". */
export const percent = (fraction: number | null): string =>
  fraction === null || !Number.isFinite(fraction) ? NOT_A_FIGURE : `${(fraction * 100).toFixed(1)} %`;

/** Significant-figure rounding that removes float noise (3.9037824000000003 → 3.9037824). */
export const tidySig = (x: number): number => Number(x.toPrecision(12));
