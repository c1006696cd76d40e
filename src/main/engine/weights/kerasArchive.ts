// Weights of a `.keras` archive (Keras 3, and tf.keras 2.13–2.15's "keras_v3" format): the ZIP holds config.json and
// model.weights.h5. The weights file is taken out of the archive under the model-file size limit (its declared size
// is checked before anything is inflated), written to a private temporary file for the HDF5 library, and removed.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ModelWeights } from '../../../shared/engine/weights';
import { ModelError, type ModelGraph } from '../../../shared/model/types';
import { listArchive, MAX_CONFIG_BYTES, readArchiveEntry, type ArchiveEntry } from '../../import/kerasArchive';
import { h5Read, hdf5Library } from './hdf5';
import { readKerasHdf5 } from './kerasHdf5Layouts';

/** The largest weights file taken out of an archive: the limit on a whole model file. */
export const MAX_ARCHIVE_WEIGHTS_BYTES = 1024 * 1024 * 1024;

const WEIGHTS_ENTRY = 'model.weights.h5';

/** Deflate expands data at most about 1,032 times. */
const MAX_DEFLATE_RATIO = 1032;

/**
 * The size the archive declares for the weights must be one its stored bytes can give: equal to them when stored,
 * within deflate's ratio when deflated. Checked before anything is allocated or inflated.
 */
function checkDeclaredSize(entry: ArchiveEntry, fileName: string): void {
  const possible = entry.method === 0 ? entry.size === entry.compressedSize : entry.size <= entry.compressedSize * MAX_DEFLATE_RATIO + 1024;
  if (!possible) {
    throw new ModelError(
      `${fileName}: the archive is damaged: ${entry.name} declares ${entry.size.toLocaleString('en-US')} bytes from ` +
        `${entry.compressedSize.toLocaleString('en-US')} ${entry.method === 0 ? 'stored' : 'compressed'} bytes`,
    );
  }
}

export async function readKerasArchiveWeights(bytes: Uint8Array, fileName: string, graph: ModelGraph): Promise<ModelWeights> {
  const inArchive = <T>(read: () => T): T => {
    try {
      return read();
    } catch (err) {
      if (err instanceof ModelError && err.message.includes(fileName)) throw err;
      throw new ModelError(`${fileName}: ${(err as Error).message}`);
    }
  };
  const entries = inArchive(() => listArchive(bytes));
  const find = (name: string): ArchiveEntry | undefined => entries.find((e) => e.name === name);
  const weightsEntry = find(WEIGHTS_ENTRY);
  if (!weightsEntry) {
    const names = entries.filter((e) => !e.name.endsWith('/')).map((e) => e.name);
    throw new ModelError(
      `${fileName}: the archive holds no ${WEIGHTS_ENTRY}, so no weights (it holds ${names.slice(0, 8).join(', ') || 'nothing'})`,
    );
  }
  const configEntry = find('config.json');
  if (!configEntry) throw new ModelError(`${fileName}: the archive holds no config.json, so not a .keras model`);
  // The config says where each layer's variables sit (and BatchNormalization's epsilons).
  const config = inArchive(() => {
    const text = Buffer.from(readArchiveEntry(bytes, configEntry, MAX_CONFIG_BYTES)).toString('utf8');
    try {
      return JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text) as unknown;
    } catch (err) {
      throw new ModelError(`config.json is not valid JSON: ${(err as Error).message}`);
    }
  });
  checkDeclaredSize(weightsEntry, fileName);
  const h5 = inArchive(() => readArchiveEntry(bytes, weightsEntry, MAX_ARCHIVE_WEIGHTS_BYTES));
  const library = await hdf5Library();
  const dir = mkdtempSync(join(tmpdir(), 'frontier-weights-'));
  try {
    const path = join(dir, WEIGHTS_ENTRY);
    writeFileSync(path, h5, { mode: 0o600 });
    const source = `${fileName} (${WEIGHTS_ENTRY})`;
    const file = h5Read(source, 'its superblock', () => new library.File(path, 'r'));
    try {
      return readKerasHdf5({ library, root: file, fileName: source, fileBytes: h5.length }, graph, config, `${fileName} (config.json)`);
    } finally {
      file.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
