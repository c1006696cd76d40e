// The evaluation cache's key: a SHA-256 of the canonical JSON of everything an evaluation's result depends on.
// - the model: the SHA-256 of the file's bytes (a file kept in the database: its hash, which is the same), or a
//   preset's id and the seed of its random weights; and the import options, which can change the graph;
// - the data: the SHA-256 of the data file's bytes and of the labels file's (an idx folder: the split's two files;
//   a folder of images: every image's path relative to the folder, sorted, and its bytes), and the data keys;
// - the preprocessing as resolved for the model's float input (explicit options and the defaults they stand for
//   give one key), the configuration with its defaults made explicit, the calibration data's hash and sample count,
//   and what is measured (agreement, task, top-k);
// - EVALUATION_VERSION, raised whenever Frontier's evaluation gives other numbers for the same inputs.
// Anything else (file names and paths, modification times, chunk size, threads) leaves the key as it is.
// Files are hashed as streams, a block at a time: a data set of gigabytes is never held whole for its hash.
import { createHash } from 'node:crypto';
import { createReadStream, statSync } from 'node:fs';
import { relative } from 'node:path';
import { parsePrecision } from '../../shared/analysis/precision';
import { canonicalJson, contentHash } from '../store/contentHash';
import type { RunConfiguration } from './configure';
import { DataError } from './data/dataSet';
import { idxFolderFiles } from './data/idx';
import { listImageFolder } from './data/images';
import { resolvePreprocessing, type PreprocessingOptions } from './data/preprocess';
import type { DataSet } from './data/dataSet';
import type { IoTensor } from './build/int8';
import type { RunnableModel } from './load';
import type { DataReference, EvaluationRequest, ModelReference } from './evaluationRequest';

/** Raised when the evaluation's numbers change for the same inputs: every row cached before is then missed. */
export const EVALUATION_VERSION = 1;

/** The SHA-256 of a file's bytes, read as a stream (64 KiB at a time). */
export function hashFile(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(path)
      .on('error', (error: NodeJS.ErrnoException) => reject(new DataError(path, `cannot be read for the evaluation cache: ${error.code ?? error.message}`)))
      .on('data', (chunk) => hash.update(chunk))
      .on('end', () => resolve(hash.digest('hex')));
  });
}

const isDirectory = (path: string): boolean => {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
};

/** The model's identity: the bytes' hash (a path or a stored file) or the preset and seed. */
export async function modelIdentity(model: ModelReference): Promise<{ hash: string; preset?: { id: string; seed: number } }> {
  if ('path' in model) return { hash: await hashFile(model.path) };
  if ('storedFile' in model) return { hash: model.storedFile };
  return { hash: contentHash(canonicalJson({ preset: model.preset, seed: model.seed })), preset: { id: model.preset, seed: model.seed } };
}

/** The data's identity: every file it is read from, hashed, in a fixed order, and the keys that pick its arrays. */
export async function dataIdentity(ref: DataReference): Promise<string> {
  const parts: { role: string; path?: string; sha256: string }[] = [];
  if (isDirectory(ref.data)) {
    const split = ref.dataKeys?.[0] === 'test' ? 't10k' : (ref.dataKeys?.[0] ?? 't10k');
    const idx = idxFolderFiles(ref.data, split);
    if (idx) {
      parts.push({ role: 'idx images', sha256: await hashFile(idx.images) });
      parts.push({ role: 'labels', sha256: await hashFile(ref.labels ?? idx.labels) });
    } else {
      // A folder of images: the classes are the sub-folders, so the relative paths are part of the content.
      for (const file of listImageFolder(ref.data).files) {
        parts.push({ role: 'image', path: relative(ref.data, file).split('\\').join('/'), sha256: await hashFile(file) });
      }
    }
  } else {
    parts.push({ role: 'data', sha256: await hashFile(ref.data) });
    if (ref.labels !== undefined) parts.push({ role: 'labels', sha256: await hashFile(ref.labels) });
  }
  return contentHash(canonicalJson({ parts, dataKeys: ref.dataKeys ?? null }));
}

/** The preprocessing for the model's float input, as evaluateModel first resolves it (its words left out). */
export function resolvedPreprocessing(model: RunnableModel, data: DataSet, options: PreprocessingOptions | undefined): unknown {
  const input = model.graph.layers.find((l) => l.type === 'Input') as { name: string; shape: number[] } | undefined;
  if (!input) return null;
  const io: IoTensor = { name: input.name, layer: input.name, shape: input.shape, type: 'float32' };
  const { text: _text, ...resolved } = resolvePreprocessing(data, io, options, model.weights.activations?.[input.name]);
  return resolved;
}

const nonEmpty = <T extends object>(o: T | undefined): T | null => (o && Object.keys(o).length > 0 ? o : null);

/**
 * The precision a run takes when none is given: an int8 file (its own scales) as int8, an fp16 one as fp16, every
 * other as fp32 (as prepareRun decides).
 */
export function defaultPrecision(model: RunnableModel): string {
  if (model.weights.activations !== undefined && Object.keys(model.weights.activations).length > 0) return 'int8';
  return model.graph.source?.precision === 'fp16' ? 'fp16' : 'fp32';
}

/**
 * The configuration with its defaults explicit: no edits as null, the l1 criterion, the file's own precision, and
 * precisions by their canonical names.
 */
export function configurationKey(config: RunConfiguration, ownPrecision: string): unknown {
  const layerPrecisions = nonEmpty(config.layerPrecisions);
  return {
    channels: nonEmpty(config.channels),
    prune: nonEmpty(config.prune),
    pruneCriterion: config.pruneCriterion ?? 'l1',
    precision: parsePrecision(config.precision ?? ownPrecision).name,
    layerPrecisions: layerPrecisions ? Object.fromEntries(Object.entries(layerPrecisions).map(([l, p]) => [l, parsePrecision(p).name])) : null,
    recalibrate: config.recalibrate === true,
  };
}

/** What stays the same for every evaluation of one model on one data set (computed once for a sensitivity run). */
export interface KeyBase {
  modelHash: string;
  dataHash: string;
  /** The precision of a run that gives none. */
  ownPrecision: string;
  /** Everything but the configuration and what is measured. */
  common: Record<string, unknown>;
}

export async function keyBase(
  request: Pick<EvaluationRequest, 'model' | 'importOptions' | 'data' | 'calibration'>,
  model: RunnableModel,
  data: DataSet,
  preprocessing: PreprocessingOptions | undefined,
  modelHash: string,
): Promise<KeyBase> {
  const dataHash = await dataIdentity(request.data);
  const calibration = request.calibration
    ? { data: await dataIdentity({ data: request.calibration.data }), samples: request.calibration.samples ?? null }
    : null;
  return {
    modelHash,
    dataHash,
    ownPrecision: defaultPrecision(model),
    common: {
      version: EVALUATION_VERSION,
      model: 'preset' in request.model ? { preset: request.model.preset, seed: request.model.seed } : { sha256: modelHash },
      importOptions: nonEmpty(request.importOptions),
      data: dataHash,
      preprocessing: resolvedPreprocessing(model, data, preprocessing),
      calibration,
    },
  };
}

/** One evaluation's key and the canonical JSON it was hashed from. */
export function evaluationKey(
  base: KeyBase,
  configuration: RunConfiguration,
  measure: { agreement?: 'fp32' | 'stored'; task?: string; topK?: number },
): { key: string; inputs: string } {
  const inputs = canonicalJson({
    ...base.common,
    configuration: configurationKey(configuration, base.ownPrecision),
    measure: { agreement: measure.agreement ?? null, task: measure.task ?? null, topK: measure.topK ?? null },
  });
  return { key: contentHash(inputs), inputs };
}
