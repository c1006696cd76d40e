// Weights of a Keras `.h5` file (`model.save("x.h5")`, Keras 2 or 3): the HDF5 library opens the file at its path and
// reads only the datasets of the layers the graph has; BatchNormalization epsilons come from its `model_config`.
import { statSync } from 'node:fs';
import type { ModelWeights } from '../../../shared/engine/weights';
import { ModelError, type ModelGraph } from '../../../shared/model/types';
import { h5Read, h5Text, hdf5Library } from './hdf5';
import { readKerasHdf5 } from './kerasHdf5Layouts';

export async function readKerasH5Weights(path: string, fileName: string, graph: ModelGraph): Promise<ModelWeights> {
  const library = await hdf5Library();
  const fileBytes = statSync(path).size;
  const file = h5Read(fileName, 'its superblock', () => new library.File(path, 'r'));
  try {
    const config = h5Read(fileName, 'its attributes', () => h5Text(file.attrs.model_config?.value));
    return readKerasHdf5({ library, root: file, fileName, fileBytes }, graph, configOf(config, fileName), `${fileName} (model_config)`);
  } finally {
    file.close();
  }
}

/** The `model_config` attribute as JSON (null when absent: Keras's defaults apply). */
function configOf(config: string | null, fileName: string): unknown {
  if (config === null) return null;
  try {
    return JSON.parse(config) as unknown;
  } catch (err) {
    throw new ModelError(`${fileName}: its model_config attribute is not valid JSON: ${(err as Error).message}`);
  }
}
