// File ▸ Open Model…: the main process shows the native Open dialog and reads the chosen file, then hands it to the
// renderer in the shape `model.load` takes (`{ name, base64 }`), so the renderer needs no file-system access and no
// user gesture to open a file chooser. No electron import.
import { basename } from 'node:path';
import { FileReadError, readRegularFile } from '../files/readFile';

/** The largest file whose base64 fits `model.load`'s 200,000,000-character limit. */
export const MAX_MODEL_FILE_BYTES = 150_000_000;

export const MODEL_FILE_FILTERS = [
  { name: 'Models (.tflite, .onnx, .h5, .keras, .json)', extensions: ['tflite', 'onnx', 'h5', 'hdf5', 'keras', 'json'] },
  { name: 'All files', extensions: ['*'] },
];

export class ModelFileError extends Error {
  override name = 'ModelFileError';
}

export async function readModelForRenderer(path: string): Promise<{ name: string; base64: string }> {
  const name = basename(path);
  let bytes: Buffer;
  try {
    // Only a regular file, and never more than the limit: a device or a FIFO is refused at once.
    bytes = readRegularFile(path, MAX_MODEL_FILE_BYTES);
  } catch (error) {
    const reason = error instanceof FileReadError ? error.reason : (error as Error).message;
    const tooLarge = reason.includes('more than the limit');
    throw new ModelFileError(
      `${name}: cannot read the file: ${reason}` +
        (tooLarge ? ' (the architecture is what matters: save the model without weights, e.g. model.to_json())' : ''),
    );
  }
  return { name, base64: bytes.toString('base64') };
}
