import { h5FuzzCases, h5FuzzSeeds } from './test/fuzz/h5Cases';
import { File } from 'jsfive';
const seeds = await h5FuzzSeeds();
let i = 0;
for (const c of h5FuzzCases(1, 1908, seeds)) {
  if (i++ !== 1907) continue;
  const b = Buffer.from(c.bytes);
  const f = new File(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer, 'x');
  console.log('opened');
  try { console.log(Object.keys(f.attrs)); } catch (e) { console.log('attrs err', (e as Error).message); }
  const mw = f.get('model_weights') as any;
  console.log('mw', mw?.keys?.length);
  for (const k of mw.keys) { console.log(k); const g = mw.get(k); console.log(' attrs', Object.keys(g.attrs)); for (const n of g.attrs.weight_names ?? []) { const d = g.get(n); console.log('  ', n, d?.shape, d?.dtype); } }
}
