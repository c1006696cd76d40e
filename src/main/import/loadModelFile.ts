// Reads a model file of any kind Frontier accepts, recognised by its content (not its extension):
// - a `.keras` archive (Keras 3 `model.save("x.keras")`): a ZIP holding `config.json`;
// - a Keras `.h5` file (Keras 2 `model.save("x.h5")`): HDF5 with a `model_config` attribute;
// - a TensorFlow Lite FlatBuffer (`.tflite`: the "TFL3" identifier at bytes 4–7);
// - a TensorFlow.js layers model (`model.json` with `modelTopology`);
// - Frontier's own model file (`"format": "frontier-model"`);
// - Keras model JSON (`model.to_json()`, Keras 2 or 3);
// - an ONNX model (a protobuf ModelProto with a graph).
// Every error names the file. A model that imports is also counted, so that a file whose figures cannot be exact
// (beyond 2^53) is refused here, naming the layer, rather than analysed into nonsense.
import { countModel } from '../../shared/analysis/counts';
import { MAX_JSON_DEPTH, nestingExceededAt, nestingMessage } from '../../shared/json';
import { kerasLayoutOf, kerasToGraph } from '../../shared/model/keras';
import { nativeToGraph } from '../../shared/model/native';
import type { ImportOptions } from '../../shared/model/importOptions';
import { ModelError, type ModelFormat, type ModelGraph } from '../../shared/model/types';
import { FileReadError, MIB, readRegularFile, readRegularFileHead } from '../files/readFile';
import { isHdf5, loadHdf5, parseKerasH5, parseKerasH5File } from './h5/kerasH5';

export { loadHdf5 };
import { isZip, listArchive, MAX_CONFIG_BYTES, readArchiveEntry } from './kerasArchive';
import { looksLikeOnnx, onnxToGraph } from './onnx';
import { isTflite, parseTflite } from './tflite';

/** The largest model file read (weights included: a VGG-16 scale model is about 530 MiB). */
export const MAX_MODEL_FILE_BYTES = 1024 * MIB;
/** JSON model files hold a config, no weights: the same limit as a config inside an archive. */
export const MAX_JSON_MODEL_BYTES = MAX_CONFIG_BYTES;

export async function loadModelFile(path: string, options: ImportOptions = {}): Promise<ModelGraph> {
  const read = <T>(how: () => T): T => {
    try {
      return how();
    } catch (err) {
      const why = err instanceof FileReadError ? err.reason : (err as Error).message;
      throw new ModelError(`${path}: cannot read the model file: ${why}`);
    }
  };
  // The HDF5 library reads what it needs from the file itself: only the signature is read here.
  if (isHdf5(read(() => readRegularFileHead(path, MAX_MODEL_FILE_BYTES, 8)))) {
    await loadHdf5();
    return withFileNameOnError(path, () => parseKerasH5File(path, path));
  }
  return parseModelBytes(read(() => readRegularFile(path, MAX_MODEL_FILE_BYTES)), path, options);
}

/** As parseModelBytes, loading what the format needs first (the HDF5 library for .h5 files). */
export async function readModelBytes(bytes: Buffer, fileName: string, options: ImportOptions = {}): Promise<ModelGraph> {
  if (isHdf5(bytes)) await loadHdf5();
  return parseModelBytes(bytes, fileName, options);
}

/** Parses a model file's bytes; `fileName` is used to name the file in errors. An .h5 file needs loadHdf5() first. */
export function parseModelBytes(bytes: Buffer, fileName: string, options: ImportOptions = {}): ModelGraph {
  return withFileNameOnError(fileName, () => parseBytes(bytes, fileName, options));
}

function withFileNameOnError(fileName: string, parse: () => ModelGraph): ModelGraph {
  try {
    const graph = parse();
    countModel(graph);
    return graph;
  } catch (err) {
    throw withFileName(err, fileName);
  }
}

function parseBytes(bytes: Buffer, fileName: string, options: ImportOptions): ModelGraph {
  if (bytes.length === 0) throw new ModelError(`${fileName}: the file is empty`);
  if (isZip(bytes)) return parseKerasArchive(bytes, fileName);
  if (isHdf5(bytes)) return parseKerasH5(bytes, fileName);
  if (isTflite(bytes)) return parseTflite(bytes, fileName, options);
  if (looksLikeOnnx(bytes)) return onnxToGraph(bytes, fileName, options);
  const json = parseJson(bytes, fileName);
  const object = typeof json === 'object' && json !== null ? (json as Record<string, unknown>) : {};
  if (object.format === 'frontier-model') return withFormat(nativeToGraph(json, fileName), 'frontier');
  return withFormat(kerasToGraph(json, fileName), 'modelTopology' in object ? 'tfjs' : 'keras-json', json);
}

/** Architecture-only formats record no more about the file than what it is (and, for Keras, its layout). */
function withFormat(graph: ModelGraph, format: ModelFormat, keras?: unknown): ModelGraph {
  graph.source ??= { format };
  if (keras !== undefined) graph.source.kerasLayout = kerasLayoutOf(keras);
  return graph;
}

function parseKerasArchive(bytes: Buffer, fileName: string): ModelGraph {
  const entries = listArchive(bytes);
  const names = entries.filter((e) => !e.name.endsWith('/')).map((e) => e.name);
  const config = entries.find((e) => e.name === 'config.json');
  if (!config) {
    const shown = names.length === 0 ? 'nothing' : names.slice(0, 8).join(', ') + (names.length > 8 ? ', ...' : '');
    throw new ModelError(
      `${fileName}: a ZIP archive without config.json, so not a .keras model (it holds ${shown})`,
    );
  }
  const source = `${fileName} (config.json)`;
  const data = readArchiveEntry(bytes, config, MAX_CONFIG_BYTES);
  const json = parseJson(Buffer.from(data.buffer, data.byteOffset, data.length), source);
  return withFormat(kerasToGraph(json, source), 'keras-archive', json);
}

function parseJson(bytes: Buffer, sourceName: string): unknown {
  if (bytes.length > MAX_JSON_MODEL_BYTES) {
    throw new ModelError(
      `${sourceName}: ${bytes.length.toLocaleString('en-US')} bytes of JSON, beyond the ${MAX_JSON_MODEL_BYTES / MIB} MiB limit for a model config`,
    );
  }
  const deep = nestingExceededAt(bytes, MAX_JSON_DEPTH);
  if (deep >= 0) {
    throw new ModelError(`${sourceName}: not a model file: the JSON is ${nestingMessage(MAX_JSON_DEPTH)} (at byte ${deep})`);
  }
  let text = bytes.toString('utf8');
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    // Python's json.dumps writes NaN and ±Infinity for such floats; read them as null.
    if (/NaN|Infinity/.test(text)) {
      const patched = text.replace(/"(?:[^"\\]|\\.)*"|-?Infinity|NaN/g, (m) => (m.startsWith('"') ? m : 'null'));
      try {
        return JSON.parse(patched) as unknown;
      } catch {
        // report the original problem below
      }
    }
    const offset = jsonErrorOffset(text);
    const { line, column } = lineColumn(text, offset);
    const where = offset >= text.length ? 'at the end of the file' : `at line ${line}, column ${column} (position ${offset})`;
    const near = offset < text.length ? ` near ${JSON.stringify(text.slice(offset, offset + 20))}` : '';
    throw new ModelError(
      `${sourceName}: not a model file: invalid JSON ${where}${near}: ${(err as Error).message}`,
    );
  }
}

function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

/**
 * Where JSON text first goes wrong (V8's messages do not always carry a position).
 * Returns text.length when the text ends too early.
 */
export function jsonErrorOffset(text: string): number {
  let i = 0;
  class Stop {
    constructor(readonly at: number) {}
  }
  const fail = (at: number = i): never => {
    throw new Stop(Math.min(at, text.length));
  };
  const ws = (): void => {
    while (i < text.length && ' \t\n\r'.includes(text[i])) i++;
  };
  const literal = (word: string): void => {
    for (const ch of word) {
      if (text[i] !== ch) fail();
      i++;
    }
  };
  const string = (): void => {
    i++; // opening quote
    for (;;) {
      if (i >= text.length) fail();
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        i++;
        return;
      }
      if (c < 0x20) fail();
      if (c === 0x5c) {
        i++;
        const e = text[i];
        if (e === 'u') {
          for (let k = 1; k <= 4; k++) if (!/[0-9a-fA-F]/.test(text[i + k] ?? '')) fail(i + k);
          i += 5;
        } else if (e !== undefined && '"\\/bfnrt'.includes(e)) {
          i++;
        } else {
          fail();
        }
      } else {
        i++;
      }
    }
  };
  const number = (): void => {
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
    if (!m || m[0] === '-' || m[0] === '') fail();
    i += (m as RegExpExecArray)[0].length;
  };
  const value = (): void => {
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      ws();
      if (text[i] === '}') {
        i++;
        return;
      }
      for (;;) {
        ws();
        if (text[i] !== '"') fail();
        string();
        ws();
        if (text[i] !== ':') fail();
        i++;
        value();
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === '}') {
          i++;
          return;
        }
        fail();
      }
    } else if (c === '[') {
      i++;
      ws();
      if (text[i] === ']') {
        i++;
        return;
      }
      for (;;) {
        value();
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === ']') {
          i++;
          return;
        }
        fail();
      }
    } else if (c === '"') {
      string();
    } else if (c === 't') {
      literal('true');
    } else if (c === 'f') {
      literal('false');
    } else if (c === 'n') {
      literal('null');
    } else if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) {
      number();
    } else {
      fail();
    }
  };
  try {
    value();
    ws();
    if (i < text.length) fail();
  } catch (stop) {
    if (stop instanceof Stop) return stop.at;
    throw stop;
  }
  return text.length;
}

function withFileName(err: unknown, fileName: string): Error {
  const message = err instanceof Error ? err.message : String(err);
  if (err instanceof ModelError && message.includes(fileName)) return err;
  const wrapped = new ModelError(`${fileName}: ${message}`, err instanceof ModelError ? err.layer : undefined);
  (wrapped as Error & { cause?: unknown }).cause = err;
  return wrapped;
}
