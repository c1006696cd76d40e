// Reruns one fuzz case in this process and writes its file, e.g. `npx tsx test/fuzz/reproduce.ts keras-json 1234`.
import { writeFileSync } from 'node:fs';
import { FUZZ_SEED } from './settings';
import { loadHdf5 } from '../../src/main/import/loadModelFile';
import { caseSeed, loadFormats, rngFor, runCase } from './harness';

const [name, index, seed] = process.argv.slice(2);
const format = (await loadFormats()).find((f) => f.name === name);
if (!format || index === undefined) {
  console.error('usage: npx tsx test/fuzz/reproduce.ts <format> <case index> [base seed]');
  process.exit(2);
}
const bytes = format.generate(rngFor(caseSeed(format.name, Number(index), seed === undefined ? FUZZ_SEED : Number(seed))));
const out = `fuzz-${format.name}-${index}-${format.fileName}`;
writeFileSync(out, bytes);
console.log(`wrote ${out} (${bytes.length} bytes)`);
await loadHdf5();
console.log(runCase(bytes, format.fileName));
