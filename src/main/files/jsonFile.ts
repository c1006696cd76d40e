// The small JSON files a user names (a sweep spec, a device profile, a calibration, a bundle): read as regular
// files under a size limit, nesting bounded before parsing, every problem a usage error naming the file.
import { basename } from 'node:path';
import { UsageError } from '../../shared/cli/valueList';
import { MAX_JSON_DEPTH, nestingExceededAt, nestingMessage } from '../../shared/json';
import { FileReadError, MAX_SETTINGS_FILE_BYTES, readRegularFile } from './readFile';

/** JSON text → value, or a UsageError naming `source` (nesting checked first). */
export function parseJsonText(text: string, source: string): unknown {
  const deep = nestingExceededAt(text, MAX_JSON_DEPTH);
  if (deep >= 0) throw new UsageError(`${source}: not valid here: the JSON is ${nestingMessage(MAX_JSON_DEPTH)} (at character ${deep})`);
  try {
    return JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text) as unknown;
  } catch (error) {
    throw new UsageError(`${source}: not valid JSON (${(error as Error).message})`);
  }
}

/** A regular file's text, at most `maxBytes`; `flag` names the option it came from in messages (e.g. "--spec"). */
export function readTextFile(path: string, flag: string, maxBytes: number = MAX_SETTINGS_FILE_BYTES): string {
  try {
    return readRegularFile(path, maxBytes).toString('utf8');
  } catch (error) {
    if (error instanceof FileReadError) throw new UsageError(`${flag} ${path}: ${error.reason}`);
    throw error;
  }
}

export const readJsonFile = (path: string, flag: string, maxBytes?: number): unknown =>
  parseJsonText(readTextFile(path, flag, maxBytes), basename(path));
