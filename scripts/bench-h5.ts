// `npm run bench:h5`: importing a VGG-16-scale Keras .h5 file (138 M float32 parameters, 553 MB of weights) written
// into a temporary directory by the test writer, then one JSON line.
//   writeS          — writing the file (not Frontier's work: the test writer, through h5wasm)
//   loadS           — loadModelFile: reading the file and importing it (architecture + every weight shape checked)
//   parseS          — the import alone, on bytes already in memory
//   extraArrayBytes — array-buffer memory the import added beyond the file's own bytes (no weight copy)
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadHdf5, loadModelFile, parseModelBytes } from '../src/main/import/loadModelFile';
import { analyze } from '../src/shared/analysis/analyze';
import { kerasToGraph } from '../src/shared/model/keras';
import { kerasH5Bytes } from '../test/import/writers/kerasH5';

const seconds = (start: number): number => (performance.now() - start) / 1000;
const mb = (bytes: number): string => `${(bytes / 1e6).toFixed(0)} MB`;

const dir = mkdtempSync(join(tmpdir(), 'frontier-bench-h5-'));
try {
  const json = readFileSync(join(import.meta.dirname, '..', 'test', 'fixtures', 'keras', 'vgg16.keras2.json'), 'utf8');
  let start = performance.now();
  const file = join(dir, 'vgg16.h5');
  writeFileSync(file, await kerasH5Bytes(json, kerasToGraph(JSON.parse(json), 'vgg16')));
  const writeS = seconds(start);

  start = performance.now();
  const loaded = await loadModelFile(file);
  const loadS = seconds(start);

  const bytes = readFileSync(file);
  await loadHdf5();
  const before = process.memoryUsage().arrayBuffers;
  start = performance.now();
  const graph = parseModelBytes(bytes, file);
  const parseS = seconds(start);
  const extraArrayBytes = process.memoryUsage().arrayBuffers - before;
  const r = analyze(graph);
  console.log(`VGG-16 as Keras .h5: ${mb(bytes.length)} file, ${r.params.toLocaleString('en-US')} parameters, ${mb(r.storedParamBytes ?? 0)} of weights as stored`);
  console.log(`write (test writer):   ${writeS.toFixed(2)} s`);
  console.log(`loadModelFile:         ${loadS.toFixed(2)} s (read + import)`);
  console.log(`import of the bytes:   ${(parseS * 1000).toFixed(1)} ms, ${extraArrayBytes.toLocaleString('en-US')} B of array memory added`);
  if (loaded.layers.length !== graph.layers.length) throw new Error('the two imports differ');
  console.log(JSON.stringify({ fileBytes: bytes.length, params: r.params, writeS: +writeS.toFixed(3), loadS: +loadS.toFixed(3), parseS: +parseS.toFixed(4), extraArrayBytes }));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
