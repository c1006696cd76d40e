// Display formatting. Internally everything is exact bytes, MACs and seconds; these only shape what people read.

/** KiB (1024 B) with two decimals, rounded half up, thousands grouped: 465.125 → "465.13", 1380876 B → "1,348.51".
 * Byte counts / 1024 are exact binary fractions, so toFixed's round-half-up on the exact value is the rule we want. */
export function kib(bytes: number): string {
  const [whole, decimals] = (bytes / 1024).toFixed(2).split('.');
  return `${whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',')}.${decimals}`;
}

export const kibLabel = (bytes: number): string => `${kib(bytes)} KiB`;

/** Whole numbers with thousands separators: 91203 → "91,203". */
export const count = (n: number): string =>
  Math.round(n)
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, ',');

/** Groups the whole part of a decimal string in thousands: "1137.48" → "1,137.48". */
const grouped = (text: string): string => {
  const [whole, decimals] = text.split('.');
  const g = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return decimals === undefined ? g : `${g}.${decimals}`;
};

/** Millions with two decimals, thousands grouped: 39037824 → "39.04 M", 1137476000 → "1,137.48 M". */
export const millions = (n: number): string => `${grouped((n / 1e6).toFixed(2))} M`;

/** Seconds below 1 s as milliseconds (82.7 ms), above as seconds with 3 decimals (3.904 s). */
export function duration(seconds: number | null): string {
  if (seconds === null || Number.isNaN(seconds)) return '—';
  if (seconds < 1) {
    const ms = seconds * 1000;
    return `${ms < 10 ? ms.toFixed(2) : ms < 100 ? ms.toFixed(1) : ms.toFixed(0)} ms`;
  }
  return `${grouped(seconds.toFixed(3))} s`;
}

/** A fraction as a percentage with one decimal: 0.85 → "85.0 %". */
export const percent = (fraction: number | null): string =>
  fraction === null || Number.isNaN(fraction) ? '—' : `${(fraction * 100).toFixed(1)} %`;

/** Significant-figure rounding that removes float noise (3.9037824000000003 → 3.9037824). */
export const tidySig = (x: number): number => Number(x.toPrecision(12));
