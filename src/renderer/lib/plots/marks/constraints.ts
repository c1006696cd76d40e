// Constraint rules: a vertical line where a constraint bites, labelled, with the far side hatched. Deadlines on the
// latency plot ("client1 ≤ 0.2 s", the late side), memory limits on the memory plot ("SRAM 520 KiB", the side that
// does not fit). A constraint outside the view keeps its element, as a label at the edge it lies beyond.
import { kib, tidySig } from '../../../../shared/format';
import { esc, type OverlayTheme } from '../palette';
import { innerBottom, innerLeft, innerRight, innerTop, r1, type Frame, type Scale } from '../scales';

export interface Deadline {
  name: string;
  seconds: number;
}

export interface Limit {
  /** What is limited, without the figure: "SRAM", "SRAM esp32", "flash". */
  label: string;
  bytes: number;
  /** Default: flash when the label says so, else sram. */
  kind?: 'sram' | 'flash';
  /** Device id, used in the test id when a plot has several limits of one kind. */
  device?: string;
}

export interface Constraint {
  testid: string;
  kind: 'deadline' | 'sram' | 'flash';
  /** The line's label. */
  label: string;
  /** x in data units. */
  value: number;
  /** Words for the far side. */
  region: string;
}

/** Seconds as a short figure: 0.2 → "0.2 s". */
export const secondsLabel = (seconds: number): string => `${tidySig(seconds)} s`;

/** Whole KiB without decimals (520 KiB), otherwise two decimals (145.78 KiB). */
export const kibShort = (bytes: number): string =>
  bytes % 1024 === 0 ? `${kib(bytes).replace(/\.00$/, '')} KiB` : `${kib(bytes)} KiB`;

const slug = (s: string): string =>
  s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '') || 'x';

export function deadlineConstraints(deadlines: readonly Deadline[]): Constraint[] {
  return deadlines
    .filter((d) => Number.isFinite(d.seconds) && d.seconds > 0)
    .map((d) => ({ testid: `deadline-${d.name}`, kind: 'deadline' as const, label: `${d.name} ≤ ${secondsLabel(d.seconds)}`, value: d.seconds, region: 'late' }));
}

/** Test ids: `limit-sram` / `limit-flash` when the plot has one limit of that kind, else `limit-sram-<device>`. */
export function limitConstraints(limits: readonly Limit[]): Constraint[] {
  const kinds = limits.map((l) => l.kind ?? (/flash/i.test(l.label) ? 'flash' : 'sram'));
  return limits
    .map((l, k) => {
      const kind = kinds[k];
      const several = kinds.filter((c) => c === kind).length > 1;
      const testid = several ? `limit-${kind}-${slug(l.device ?? l.label)}` : `limit-${kind}`;
      return { testid, kind, label: `${l.label} ${kibShort(l.bytes)}`, value: l.bytes, region: 'does not fit' };
    })
    .filter((c) => Number.isFinite(c.value) && c.value > 0);
}

interface ConstraintOptions {
  constraints: readonly Constraint[];
  x: Scale;
  frame: Frame;
  theme: OverlayTheme;
  /** Prefix of the overlay's defs (hatch patterns). */
  id: string;
}

/** Ids of the two hatch patterns the overlay defines. */
export const hatchId = (id: string, kind: Constraint['kind']): string => `${id}-hatch-${kind === 'deadline' ? 'late' : 'fit'}`;

export function constraintRules({ constraints, x, frame, theme, id }: ConstraintOptions): string {
  const x0 = innerLeft(frame);
  const x1 = innerRight(frame);
  const y0 = innerTop(frame);
  const y1 = innerBottom(frame);
  const sorted = constraints
    .map((c, k) => ({ c, k }))
    .sort((a, b) => a.c.value - b.c.value || a.k - b.k)
    .map(({ c }) => c);
  const text = `font-family:${theme.font};font-size:11px;font-variant-numeric:tabular-nums`;
  const parts: string[] = ['<g data-testid="constraints">'];
  sorted.forEach((c, row) => {
    const colour = c.kind === 'deadline' ? theme.fg : theme.danger;
    const px = x(c.value);
    const ly = r1(y0 + 12 + (row % 3) * 13);
    const ry = r1(y1 - 6 - (row % 3) * 13);
    const attrs = `data-testid="${esc(c.testid)}" data-kind="${c.kind}" data-value="${c.value}"`;
    const hatch = `fill:url(#${hatchId(id, c.kind)})`;
    if (!(px <= x1)) {
      parts.push(
        `<g ${attrs} data-offscale="right"><text x="${r1(x1 - 4)}" y="${ly}" text-anchor="end" style="fill:${colour};${text}">${esc(c.label)} →</text></g>`,
      );
      return;
    }
    if (!(px >= x0)) {
      parts.push(
        `<g ${attrs} data-offscale="left"><rect x="${r1(x0)}" y="${r1(y0)}" width="${r1(x1 - x0)}" height="${r1(y1 - y0)}" style="${hatch}"/>` +
          `<text x="${r1(x0 + 4)}" y="${ly}" style="fill:${colour};${text}">← ${esc(c.label)}</text></g>`,
      );
      return;
    }
    const right = x1 - px >= 96;
    const labelX = right ? r1(px + 4) : r1(px - 4);
    const anchor = right ? 'start' : 'end';
    let g = `<g ${attrs}>`;
    if (x1 - px > 0.5) g += `<rect x="${r1(px)}" y="${r1(y0)}" width="${r1(x1 - px)}" height="${r1(y1 - y0)}" style="${hatch}"/>`;
    g += `<path d="M${r1(px)},${r1(y0)}V${r1(y1)}" style="fill:none;stroke:${colour};stroke-width:1.25${c.kind === 'deadline' ? ';stroke-dasharray:4 3' : ''}"/>`;
    g += `<text x="${labelX}" y="${ly}" text-anchor="${anchor}" style="fill:${colour};${text}">${esc(c.label)}</text>`;
    if (x1 - px >= 40) {
      g += `<text x="${r1((px + x1) / 2)}" y="${ry}" text-anchor="middle" style="fill:${colour};fill-opacity:0.75;${text}">${esc(c.region)}</text>`;
    }
    g += '</g>';
    parts.push(g);
  });
  parts.push('</g>');
  return parts.join('');
}
