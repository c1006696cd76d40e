// File ▸ Open Model…: the main process shows the native Open dialog and reads the chosen file, then hands it to the
// renderer in the shape `model.load` takes (`{ name, base64 }`), so the renderer needs no file-system access and no
// user gesture to open a file chooser. No electron import.
import { readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';

/** The largest file whose base64 fits `model.load`'s 200,000,000-character limit. */
export const MAX_MODEL_FILE_BYTES = 150_000_000;

export const MODEL_FILE_FILTERS = [
  { name: 'Models (.keras, .json)', extensions: ['keras', 'json'] },
  { name: 'All files', extensions: ['*'] },
];

export class ModelFileError extends Error {
  override name = 'ModelFileError';
}

export async function readModelForRenderer(path: string): Promise<{ name: string; base64: string }> {
  const name = basename(path);
  let size: number;
  try {
    size = (await stat(path)).size;
  } catch (error) {
    throw new ModelFileError(`${name}: cannot read the file: ${(error as Error).message}`);
  }
  if (size > MAX_MODEL_FILE_BYTES) {
    throw new ModelFileError(
      `${name}: the file is ${(size / 1024 / 1024).toFixed(1)} MiB; Frontier opens model files up to ` +
        `${(MAX_MODEL_FILE_BYTES / 1024 / 1024).toFixed(0)} MiB (the architecture is what matters: save the model ` +
        'without weights, e.g. model.to_json())',
    );
  }
  const bytes = await readFile(path);
  return { name, base64: bytes.toString('base64') };
}
