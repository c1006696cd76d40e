// `npm run bench:onnx`: a VGG-16-sized ONNX model (138 M float parameters, about 553 MB of initializers) written to a
// temporary directory, then imported as `frontier analyze` would import it. Prints the time and memory of the import,
// then one JSON line. The weight data is never copied: protobufjs hands raw_data out as views into the file's bytes,
// so the import holds the file once and little else.
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadModelFile } from '../src/main/import/loadModelFile';
import { analyze } from '../src/shared/analysis/analyze';
import { kerasToGraph } from '../src/shared/model/keras';
import { graphToOnnx } from '../test/onnx/writer';

const MB = 1024 * 1024;
const dir = mkdtempSync(join(tmpdir(), 'frontier-bench-onnx-'));
const seconds = (start: number): number => (performance.now() - start) / 1000;

async function main(): Promise<void> {
  const vgg = kerasToGraph(JSON.parse(readFileSync(join(import.meta.dirname, '..', 'test', 'fixtures', 'keras', 'vgg16.keras2.json'), 'utf8')), 'vgg16');
  const path = join(dir, 'vgg16.onnx');
  let start = performance.now();
  writeFileSync(path, graphToOnnx(vgg, { weights: 'zeros', batch: 1 }));
  const size = statSync(path).size;
  console.log(`wrote ${path}: ${(size / MB).toFixed(1)} MiB in ${seconds(start).toFixed(2)} s`);

  global.gc?.();
  const before = process.memoryUsage();
  start = performance.now();
  const graph = await loadModelFile(path);
  const importS = seconds(start);
  const after = process.memoryUsage();
  start = performance.now();
  const report = analyze(graph);
  const analyzeS = seconds(start);
  const heapMb = (after.heapUsed - before.heapUsed) / MB;
  const buffersMb = (after.arrayBuffers - before.arrayBuffers) / MB;
  console.log(`import: ${importS.toFixed(2)} s for ${graph.layers.length} layers, ${report.params.toLocaleString('en-US')} parameters, ${(report.storedParamBytes ?? 0).toLocaleString('en-US')} B stored`);
  console.log(`memory during the import: +${buffersMb.toFixed(0)} MiB of buffers (the file, read once), +${heapMb.toFixed(0)} MiB of JS heap`);
  console.log(`analysis: ${analyzeS.toFixed(3)} s`);
  console.log(JSON.stringify({ fileBytes: size, importS: Number(importS.toFixed(3)), analyzeS: Number(analyzeS.toFixed(3)), params: report.params, bufferGrowthBytes: after.arrayBuffers - before.arrayBuffers, heapGrowthBytes: after.heapUsed - before.heapUsed }));
}

main()
  .finally(() => rmSync(dir, { recursive: true, force: true }))
  .catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  });
