import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import h5wasm from 'h5wasm/node';
import { h5FuzzCases, h5FuzzSeeds } from './test/fuzz/h5Cases';
const M = await h5wasm.ready;
(M as any).activate_throwing_error_handler();
const seeds = await h5FuzzSeeds();
const dir = mkdtempSync(join(tmpdir(), 'h5wf-'));
const kinds: Record<string, number> = {};
let i = 0; let worst = 0;
for (const c of h5FuzzCases(1, 4000, seeds)) {
  const p = join(dir, 'c.h5');
  writeFileSync(p, c.bytes);
  const t = performance.now();
  let k = 'ok';
  try {
    const f = new h5wasm.File(p, 'r');
    try {
      const cfg = f.attrs['model_config']?.value;
      const mw = f.get('model_weights') as any;
      const names = mw?.attrs?.['layer_names']?.value ?? [];
      for (const n of names) { const g = mw.get(n); const wn = g?.attrs?.['weight_names']?.value ?? []; for (const w of wn) { const d = g.get(w); void d?.shape; void d?.dtype; } }
      void cfg;
    } finally { f.close(); }
  } catch (e) { k = ((e as Error).name + ':' + String((e as Error).message).slice(0, 50)); }
  kinds[k.slice(0, 40)] = (kinds[k.slice(0, 40)] ?? 0) + 1;
  const dt = performance.now() - t; worst = Math.max(worst, dt);
  if (dt > 300) console.log('slow', i, c.name, dt.toFixed(0));
  i++;
}
writeFileSync(join(dir, 'ok.h5'), seeds[0].bytes);
const ok = new h5wasm.File(join(dir, 'ok.h5'), 'r'); console.log('after all: valid file reads', String(ok.attrs['model_config'].value).length); ok.close();
rmSync(dir, { recursive: true });
console.log(kinds, 'worst', worst.toFixed(0), Math.round(process.memoryUsage().rss / 2**20), 'MiB');
