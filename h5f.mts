import { h5FuzzCases, h5FuzzSeeds } from './test/fuzz/h5Cases';
import { parseModelBytes } from './src/main/import/loadModelFile';
const seeds = await h5FuzzSeeds();
let i = 0;
for (const c of h5FuzzCases(1, 4000, seeds)) {
  const before = process.memoryUsage().heapUsed;
  const t = performance.now();
  try { parseModelBytes(Buffer.from(c.bytes), c.name); } catch {}
  const after = process.memoryUsage().heapUsed;
  const dt = performance.now() - t;
  if (after - before > 100e6 || dt > 500) console.log(i, c.name, Math.round((after - before) / 1e6), 'MB', dt.toFixed(0), 'ms');
  if (i % 500 === 0) console.log('at', i, Math.round(after / 1e6), 'MB');
  i++;
}
