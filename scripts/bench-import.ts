// `npm run bench:import` (or bench:tflite, bench:onnx, bench:h5 for one format): a VGG-16-scale model (138 M float32
// parameters, about 553 MB of weights) written by the test writers into a temporary directory, then imported as
// `frontier analyze` imports it. Prints, per format, then one JSON line:
//   writeS           — writing the file (not Frontier's work: the test writer)
//   loadS            — loadModelFile: reading the file and importing it
//   parseS           — the import alone, on bytes already in memory
//   extraArrayBytes  — array-buffer memory the import added beyond the file's own bytes (no weight copy)
//   graphJsonBytes   — the imported graph as JSON: the weights are not in it
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadHdf5, loadModelFile, parseModelBytes } from '../src/main/import/loadModelFile';
import { analyze } from '../src/shared/analysis/analyze';
import { kerasToGraph } from '../src/shared/model/keras';
import type { ModelGraph } from '../src/shared/model/types';
import { graphToTflite } from '../test/import/tflite/writer';
import { kerasH5Bytes } from '../test/import/writers/kerasH5';
import { graphToOnnx } from '../test/onnx/writer';

const KERAS_JSON = readFileSync(join(import.meta.dirname, '..', 'test', 'fixtures', 'keras', 'vgg16.keras2.json'), 'utf8');

const WRITERS: Record<string, (vgg: ModelGraph) => Promise<Uint8Array>> = {
  tflite: async (vgg) => graphToTflite(vgg, { precision: 'fp32' }),
  onnx: async (vgg) => graphToOnnx(vgg, { weights: 'zeros', batch: 1 }),
  h5: (vgg) => kerasH5Bytes(KERAS_JSON, vgg),
};

const seconds = (start: number): number => (performance.now() - start) / 1000;
const mb = (bytes: number): string => `${(bytes / 1e6).toFixed(0)} MB`;

const wanted = process.argv[2] ?? 'all';
const formats = wanted === 'all' ? Object.keys(WRITERS) : [wanted];
if (!formats.every((f) => f in WRITERS)) {
  console.error(`usage: tsx scripts/bench-import.ts [${Object.keys(WRITERS).join('|')}|all]`);
  process.exit(2);
}

const dir = mkdtempSync(join(tmpdir(), 'frontier-bench-import-'));
const results: Record<string, unknown> = {};
try {
  const vgg = kerasToGraph(JSON.parse(KERAS_JSON), 'vgg16');
  await loadHdf5();
  for (const format of formats) {
    const file = join(dir, `vgg16.${format}`);
    let start = performance.now();
    writeFileSync(file, await WRITERS[format](vgg));
    const writeS = seconds(start);

    start = performance.now();
    const loaded = await loadModelFile(file);
    const loadS = seconds(start);

    const bytes = readFileSync(file);
    // Collected first, so what the import leaves in array buffers is what it added (run with --expose-gc).
    global.gc?.();
    const before = process.memoryUsage().arrayBuffers;
    start = performance.now();
    const graph = parseModelBytes(bytes, file);
    const parseS = seconds(start);
    global.gc?.();
    const extraArrayBytes = process.memoryUsage().arrayBuffers - before;
    if (loaded.layers.length !== graph.layers.length) throw new Error(`${format}: the two imports differ`);
    const r = analyze(graph);
    const graphJsonBytes = JSON.stringify(graph).length;
    console.log(
      `VGG-16 as ${format}: ${mb(bytes.length)} file, ${r.params.toLocaleString('en-US')} parameters; ` +
        `write ${writeS.toFixed(2)} s (test writer), loadModelFile ${loadS.toFixed(2)} s, import of the bytes ` +
        `${(parseS * 1000).toFixed(1)} ms, ${extraArrayBytes.toLocaleString('en-US')} B of array memory added, ` +
        `graph ${graphJsonBytes.toLocaleString('en-US')} B of JSON`,
    );
    results[format] = {
      fileBytes: bytes.length,
      params: r.params,
      writeS: +writeS.toFixed(3),
      loadS: +loadS.toFixed(3),
      parseS: +parseS.toFixed(4),
      extraArrayBytes,
      graphJsonBytes,
    };
    rmSync(file);
  }
  console.log(JSON.stringify(results));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
