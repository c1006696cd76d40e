// Constraint rules: a vertical line where a constraint bites, labelled, with the far side hatched. Deadlines on the
// latency plot ("client1 ≤ 200 ms", the late side), memory limits on the memory plot ("SRAM 520 KiB", the side
// that does not fit). Constraints with the same value share one line and one label ("client1, client2 ≤ 200 ms";
// "SRAM 320 KiB: esp32, stm32f746"). Labels are laid out in rows so none overlaps another. Of each kind, the side
// beyond the last line — late for every client, too big for every device — is hatched once and named once. A
// constraint outside the view keeps its element, as a label at the edge it lies beyond.
import { duration, kib } from '../../../../shared/format';
import { esc, type OverlayTheme } from '../palette';
import { innerBottom, innerLeft, innerRight, innerTop, r1, type Frame, type Scale } from '../scales';
import type { Box, Occupancy } from './occupancy';

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
  /** Test id of the line's element; `members` hold the test ids of the others sharing it. */
  testid: string;
  kind: 'deadline' | 'sram' | 'flash';
  /** The line's label. */
  label: string;
  /** x in data units. */
  value: number;
  /** Words for the far side. */
  region: string;
  /** Test ids of further constraints with the same kind and value, drawn as this one. */
  members?: string[];
}

/** Seconds as the app shows them everywhere: "200 ms" below a second, "1.500 s" above. */
export const secondsLabel = (seconds: number): string => duration(seconds);

/** Whole KiB without decimals (520 KiB), otherwise two decimals (145.78 KiB). */
export const kibShort = (bytes: number): string =>
  bytes % 1024 === 0 ? `${kib(bytes).replace(/\.00$/, '')} KiB` : `${kib(bytes)} KiB`;

const slug = (s: string): string =>
  s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '') || 'x';

/** Groups items by equal value, keeping the order of first appearance. */
function byValue<T>(items: readonly T[], value: (item: T) => number): T[][] {
  const groups = new Map<number, T[]>();
  for (const item of items) {
    const v = value(item);
    const group = groups.get(v);
    if (group) group.push(item);
    else groups.set(v, [item]);
  }
  return [...groups.values()];
}

export function deadlineConstraints(deadlines: readonly Deadline[]): Constraint[] {
  const valid = deadlines.filter((d) => Number.isFinite(d.seconds) && d.seconds > 0);
  return byValue(valid, (d) => d.seconds).map((group) => ({
    testid: `deadline-${group[0].name}`,
    kind: 'deadline' as const,
    label: `${group.map((d) => d.name).join(', ')} ≤ ${secondsLabel(group[0].seconds)}`,
    value: group[0].seconds,
    region: 'late',
    ...(group.length > 1 ? { members: group.slice(1).map((d) => `deadline-${d.name}`) } : {}),
  }));
}

/** Test ids: `limit-sram` / `limit-flash` when the plot has one limit of that kind, else `limit-sram-<device>`. */
export function limitConstraints(limits: readonly Limit[]): Constraint[] {
  const withKind = limits
    .map((l) => ({ ...l, kind: l.kind ?? (/flash/i.test(l.label) ? ('flash' as const) : ('sram' as const)) }))
    .filter((l) => Number.isFinite(l.bytes) && l.bytes > 0);
  const out: Constraint[] = [];
  for (const kind of ['sram', 'flash'] as const) {
    const ofKind = withKind.filter((l) => l.kind === kind);
    const several = ofKind.length > 1;
    const testid = (l: Limit): string => (several ? `limit-${kind}-${slug(l.device ?? l.label)}` : `limit-${kind}`);
    for (const group of byValue(ofKind, (l) => l.bytes)) {
      const first = group[0];
      // "SRAM esp32" and "SRAM rp2040" at the same size: "SRAM 256 KiB: esp32, rp2040".
      const devices = group.map((l) => l.device).filter((d): d is string => d !== undefined);
      const label =
        several && devices.length === group.length
          ? `${kind === 'sram' ? 'SRAM' : 'flash'} ${kibShort(first.bytes)}: ${devices.join(', ')}`
          : `${first.label} ${kibShort(first.bytes)}`;
      out.push({
        testid: testid(first),
        kind,
        label,
        value: first.bytes,
        region: 'does not fit',
        ...(group.length > 1 ? { members: group.slice(1).map(testid) } : {}),
      });
    }
  }
  // In the order the limits were given (first appearance of each value).
  const position = (c: Constraint): number => withKind.findIndex((l) => l.kind === c.kind && l.bytes === c.value);
  return out.sort((a, b) => position(a) - position(b));
}

interface ConstraintOptions {
  constraints: readonly Constraint[];
  x: Scale;
  frame: Frame;
  theme: OverlayTheme;
  /** Prefix of the overlay's defs (hatch patterns). */
  id: string;
  /** Where the points are: labels go where none is (and no other line runs), when there is such a place. */
  occupied?: Occupancy;
}

/** Ids of the two hatch patterns the overlay defines. */
export const hatchId = (id: string, kind: Constraint['kind']): string => `${id}-hatch-${kind === 'deadline' ? 'late' : 'fit'}`;

/** Approximate advance of the 11 px label font, for laying out without measuring. */
export const labelWidth = (text: string): number => 6.2 * [...text].length;

const ROW = 13;
const GAP = 6;

/** Places boxes [x0, x1] in the first row where they overlap nothing already there; returns each one's row. */
export function stackRows(boxes: readonly { x0: number; x1: number }[], maxRows: number): number[] {
  const rows: { x0: number; x1: number }[][] = [];
  return boxes.map((b) => {
    for (let r = 0; r < maxRows; r++) {
      const row = (rows[r] ??= []);
      if (row.every((o) => b.x1 + GAP <= o.x0 || b.x0 >= o.x1 + GAP)) {
        row.push(b);
        return r;
      }
    }
    // More labels than rows: the least crowded row takes it.
    let best = 0;
    for (let r = 1; r < maxRows; r++) if ((rows[r]?.length ?? 0) < (rows[best]?.length ?? 0)) best = r;
    (rows[best] ??= []).push(b);
    return best;
  });
}

export interface ConstraintMarks {
  /** The hatched far sides, under the points. */
  hatch: string;
  /** Lines and labels, over the points. */
  rules: string;
}

/** The vertical extent of a label whose baseline centre is at `y` (11 px text, dy 0). */
const labelBox = (x0: number, x1: number, y: number): Box => ({ x0, x1, y0: y - 9, y1: y + 3 });

export function constraintMarks({ constraints, x, frame, theme, id, occupied = () => false }: ConstraintOptions): ConstraintMarks {
  const x0 = innerLeft(frame);
  const x1 = innerRight(frame);
  const y0 = innerTop(frame);
  const y1 = innerBottom(frame);
  const sorted = constraints
    .map((c, k) => ({ c, k }))
    .sort((a, b) => a.c.value - b.c.value || a.k - b.k)
    .map(({ c }) => c);
  const text = `font-family:${theme.font};font-size:11px;font-variant-numeric:tabular-nums`;
  // A halo in the background colour keeps a label readable where it crosses another line or the front.
  const halo = `paint-order:stroke;stroke:${theme.bg};stroke-width:3px;stroke-linejoin:round`;

  // Where each line is and where its label goes.
  const placed = sorted.map((c) => {
    const px = x(c.value);
    const offscale = !(px <= x1) ? 'right' : !(px >= x0) ? 'left' : null;
    const shown = offscale === 'right' ? `${c.label} →` : offscale === 'left' ? `← ${c.label}` : c.label;
    const w = labelWidth(shown);
    let anchor: 'start' | 'end';
    let lx: number;
    if (offscale === 'right') [anchor, lx] = ['end', x1 - 4];
    else if (offscale === 'left') [anchor, lx] = ['start', x0 + 4];
    else if (px + 4 + w <= x1) [anchor, lx] = ['start', px + 4];
    else [anchor, lx] = ['end', px - 4];
    const box = anchor === 'start' ? { x0: lx, x1: lx + w } : { x0: lx - w, x1: lx };
    return { c, px, offscale, shown, anchor, lx, box, w };
  });
  const maxRows = Math.min(8, Math.max(1, Math.floor((y1 - y0 - 24) / ROW)));
  const rows = stackRows(
    placed.map((p) => p.box),
    maxRows,
  );
  // Each label, in order, at the first row and side that leaves it clear of the labels placed before it, of the
  // other lines and of the points; failing that, clear of labels and lines; then of labels; else where stacking
  // put it.
  const lines = placed.filter((p) => !p.offscale).map((p) => p.px);
  const taken: { row: number; box: { x0: number; x1: number } }[] = [];
  placed.forEach((p, k) => {
    // Beside the line (right, else left); a label too long for either side starts where it fits in the plot.
    const candidates: { side: 'start' | 'end'; lx: number }[] = p.offscale
      ? [{ side: p.anchor, lx: p.lx }]
      : [
          ...(p.anchor === 'start' ? [{ side: 'start' as const, lx: p.px + 4 }] : []),
          ...(p.px - 4 - p.w >= x0 ? [{ side: 'end' as const, lx: p.px - 4 }] : []),
        ];
    if (candidates.length === 0) candidates.push({ side: 'start', lx: Math.max(x0 + 4, Math.min(p.px - p.w / 2, x1 - 4 - p.w)) });
    for (const strictness of [2, 1, 0]) {
      for (let row = 0; row < maxRows; row++) {
        const ly = y0 + 12 + row * ROW;
        for (const { side, lx } of candidates) {
          const box = side === 'start' ? { x0: lx, x1: lx + p.w } : { x0: lx - p.w, x1: lx };
          if (box.x0 < x0 || box.x1 > x1) continue;
          if (!taken.every((t) => t.row !== row || box.x1 + GAP <= t.box.x0 || box.x0 >= t.box.x1 + GAP)) continue;
          if (strictness >= 1 && !lines.every((lineX) => lineX === p.px || lineX < box.x0 - 2 || lineX > box.x1 + 2)) continue;
          if (strictness >= 2 && occupied(labelBox(box.x0, box.x1, ly))) continue;
          rows[k] = row;
          p.anchor = side;
          p.lx = lx;
          p.box = box;
          taken.push({ row, box });
          return;
        }
      }
    }
    taken.push({ row: rows[k], box: p.box });
  });

  // Beyond the last line of each kind, hatched and named once.
  let hatch = '<g data-testid="constraint-hatch">';
  const regions: string[] = [];
  const usedLevels = new Set<number>();
  for (const kind of ['deadline', 'sram', 'flash'] as const) {
    const ofKind = placed.filter((p) => p.c.kind === kind);
    if (ofKind.length === 0 || ofKind.some((p) => p.offscale === 'right')) continue;
    const from = Math.max(x0, ...ofKind.map((p) => p.px));
    if (x1 - from <= 0.5) continue;
    hatch += `<rect data-kind="${kind}" x="${r1(from)}" y="${r1(y0)}" width="${r1(x1 - from)}" height="${r1(y1 - y0)}" style="fill:url(#${hatchId(id, kind)})"/>`;
    const region = ofKind[0].c.region;
    if (x1 - from >= labelWidth(region) + 8) {
      const colour = kind === 'deadline' ? theme.fg : theme.danger;
      // From the bottom up, the first height where the name crosses no point; the bottom when there is none.
      const half = labelWidth(region) / 2;
      const cx = (from + x1) / 2;
      const free = (k: number): boolean => !usedLevels.has(k);
      let level = [...Array(maxRows).keys()].find(free) ?? 0;
      for (let k = 0; k < maxRows; k++) {
        if (free(k) && !occupied(labelBox(cx - half, cx + half, y1 - 6 - k * ROW))) {
          level = k;
          break;
        }
      }
      usedLevels.add(level);
      const ry = r1(y1 - 6 - level * ROW);
      regions.push(
        `<text data-testid="region-${kind}" x="${r1((from + x1) / 2)}" y="${ry}" text-anchor="middle" style="fill:${colour};fill-opacity:0.75;${text};${halo}">${esc(region)}</text>`,
      );
    }
  }
  hatch += '</g>';

  const parts: string[] = ['<g data-testid="constraints">'];
  placed.forEach((p, k) => {
    const { c } = p;
    const colour = c.kind === 'deadline' ? theme.fg : theme.danger;
    const ly = r1(y0 + 12 + rows[k] * ROW);
    const attrs = `data-testid="${esc(c.testid)}" data-kind="${c.kind}" data-value="${c.value}"`;
    // Further constraints on this line get their own (nested) element around the shared label.
    let label = `<text x="${r1(p.lx)}" y="${ly}" text-anchor="${p.anchor}" id="${esc(id)}-label-${k}" style="fill:${colour};${text};${halo}">${esc(p.shown)}</text>`;
    for (const member of [...(c.members ?? [])].reverse()) label = `<g data-testid="${esc(member)}">${label}</g>`;
    if (p.offscale) {
      parts.push(`<g ${attrs} data-offscale="${p.offscale}">${label}</g>`);
      return;
    }
    const dash = c.kind === 'deadline' ? ';stroke-dasharray:4 3' : '';
    parts.push(
      `<g ${attrs}><path d="M${r1(p.px)},${r1(y0)}V${r1(y1)}" style="fill:none;stroke:${colour};stroke-width:1.25${dash}"/>${label}</g>`,
    );
  });
  // Every label again over every line (a reference, not a copy of the text): where a label cannot avoid another
  // constraint's line (no room on either side), its halo breaks that line instead of the line crossing the words.
  parts.push(...regions, `<g aria-hidden="true">${placed.map((_, k) => `<use href="#${esc(id)}-label-${k}"/>`).join('')}</g>`, '</g>');
  return { hatch, rules: parts.join('') };
}
