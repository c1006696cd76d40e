// The exam CNN as a Keras 3 `.keras` archive with seeded weights (the committed exam-cnn.keras holds stub weights
// only): what the emit tests read as a .keras source.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadModelFile } from '../../src/main/import/loadModelFile';
import { kerasArchiveWithWeights, seededKerasWeights } from './kerasWeightFiles';

const config = join(import.meta.dirname, '..', 'fixtures', 'keras', 'exam-cnn.keras3.json');

/** Writes `exam-cnn.keras` into `dir` and returns its path. */
export async function writeExamKerasArchive(dir: string, seed = 7): Promise<string> {
  const graph = await loadModelFile(config);
  const path = join(dir, 'exam-cnn.keras');
  writeFileSync(path, await kerasArchiveWithWeights('keras3-archive', readFileSync(config, 'utf8'), graph, seededKerasWeights(graph, seed)));
  return path;
}
