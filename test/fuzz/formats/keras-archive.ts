// `.keras` archives: a mutated config zipped (stored or deflated), or a valid archive damaged at the byte level —
// its headers, sizes and offsets included — or cut short, or a config that inflates far beyond its size.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { zipSync } from 'fflate';
import { FIXTURE_DIR } from '../../../scripts/make-keras-fixtures';
import { chance, int, jsonText, mutateBytes, mutateJson, pick, truncate, utf8, type FuzzFormat, type Rng } from '../harness';

const ARCHIVES = ['exam-cnn.keras', 'exam-cnn.python-stream.keras'].map((name) => new Uint8Array(readFileSync(join(FIXTURE_DIR, name))));
const CONFIGS = ['exam-cnn.keras3.json', 'exam-cnn.functional.keras3.json', 'resnet-mini.keras3.json'].map(
  (name) => JSON.parse(readFileSync(join(FIXTURE_DIR, name), 'utf8')) as unknown,
);
const METADATA = utf8('{"keras_version": "3.5.0"}');

function archive(rng: Rng, config: Uint8Array): Uint8Array {
  const level = pick(rng, [0, 1, 6, 9] as const);
  const entries: Record<string, [Uint8Array, { level: 0 | 1 | 6 | 9 }]> = {
    'metadata.json': [METADATA, { level }],
    [chance(rng, 0.97) ? 'config.json' : pick(rng, ['Config.json', 'config.json/', 'model.json'])]: [config, { level }],
    'model.weights.h5': [new Uint8Array(int(rng, 256)), { level: 0 }],
  };
  return zipSync(entries, { mtime: '2024-01-01T00:00:00' });
}

/** Rewrites one 16- or 32-bit field of the ZIP structures (a size, an offset, a count) to an edge value. */
function damageField(rng: Rng, zip: Uint8Array): Uint8Array {
  const out = Uint8Array.from(zip);
  const view = new DataView(out.buffer);
  const signatures = [0x04034b50, 0x02014b50, 0x06054b50];
  const records: number[] = [];
  for (let i = 0; i + 4 <= out.length; i++) if (signatures.includes(view.getUint32(i, true))) records.push(i);
  if (records.length === 0) return mutateBytes(rng, out);
  const at = pick(rng, records) + 4 + 2 * int(rng, 20);
  if (at + 4 > out.length) return out;
  const value = pick(rng, [0, 1, 0xffff, 0xffffffff, 0x7fffffff, out.length, out.length + 1, int(rng, out.length)]);
  if (chance(rng, 0.5)) view.setUint32(at, value >>> 0, true);
  else view.setUint16(at, value & 0xffff, true);
  return out;
}

let cachedBombs: Uint8Array[] | undefined;
/** Configs of spaces or brackets just past the 64 MiB limit that deflate to almost nothing (built once). */
function bombs(): Uint8Array[] {
  cachedBombs ??= [0x20, 0x5b].map((fill) =>
    zipSync({ 'config.json': [new Uint8Array(64 * 1024 * 1024 + 1).fill(fill), { level: 1 }] }, { mtime: '2024-01-01T00:00:00' }),
  );
  return cachedBombs;
}

export const format: FuzzFormat = {
  name: 'keras-archive',
  fileName: 'model.keras',
  generate(rng) {
    const roll = rng();
    if (roll < 0.45) return archive(rng, utf8(jsonText(rng, mutateJson(rng, pick(rng, CONFIGS)))));
    if (roll < 0.455) {
      // ZIP bombs: the declared size past the limit, or (damaged) declaring less than it inflates to.
      const bomb = pick(rng, bombs());
      return chance(rng, 0.5) ? bomb : damageField(rng, bomb);
    }
    const base = chance(rng, 0.5) ? pick(rng, ARCHIVES) : archive(rng, utf8(JSON.stringify(pick(rng, CONFIGS))));
    if (roll < 0.75) return damageField(rng, base);
    if (roll < 0.92) return mutateBytes(rng, base);
    return truncate(rng, base);
  },
};
