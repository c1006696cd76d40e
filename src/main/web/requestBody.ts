// What a request body may be, and how it becomes a method's parameters: bounded in size per method, bounded in
// nesting, parsed, then checked against the method's schema. The same function runs inline for small bodies and
// in a worker thread for large ones (see parseWorkers.ts), so the event loop never spends long on one request.
import { PARAMS, type Method } from '../../shared/api';
import { MAX_JSON_DEPTH, nestingExceededAt, nestingMessage } from '../../shared/json';
import { ValidationError } from '../../shared/validate';

const MIB = 1024 * 1024;

/** The largest body each method accepts: a model upload is the largest; a graph comes next; names are small. */
export const BODY_LIMITS: Partial<Record<Method, number>> = {
  'model.load': 256 * MIB,
  'import.bundle': 256 * MIB,
  // Data and labels uploaded together: at most MAX_DATA_UPLOAD_BYTES (160 MiB) decoded, as base64.
  'data.open': 256 * MIB,
  'evaluate.run': 1 * MIB,
  'sensitivity.run': 1 * MIB,
  'model.analyze': 32 * MIB,
  'sweep.size': 32 * MIB,
  'sweep.start': 32 * MIB,
  'devices.save': 1 * MIB,
};
/** Any other method: names, flags and small objects. */
export const DEFAULT_BODY_LIMIT = 1 * MIB;

export const bodyLimitOf = (method: Method, cap = Number.POSITIVE_INFINITY): number =>
  Math.min(BODY_LIMITS[method] ?? DEFAULT_BODY_LIMIT, cap);

/** A body that cannot become parameters: the HTTP status and the message. */
export interface BodyProblem {
  status: 400 | 413;
  message: string;
}

export type ParsedBody = { ok: true; params: unknown } | { ok: false; problem: BodyProblem };

/** UTF-8 bytes of a body → the method's parameters, or the problem (never throws). */
export function parseRequestBody(method: Method, bytes: Uint8Array): ParsedBody {
  const deep = nestingExceededAt(bytes, MAX_JSON_DEPTH);
  if (deep >= 0) {
    return { ok: false, problem: { status: 400, message: `the request body is ${nestingMessage(MAX_JSON_DEPTH)} (at byte ${deep})` } };
  }
  let input: unknown;
  try {
    const text = new TextDecoder('utf-8').decode(bytes).trim();
    input = text === '' ? {} : JSON.parse(text);
  } catch (error) {
    return { ok: false, problem: { status: 400, message: `the request body is not valid JSON: ${(error as Error).message}` } };
  }
  try {
    return { ok: true, params: PARAMS[method].parse(input) };
  } catch (error) {
    if (error instanceof ValidationError) return { ok: false, problem: { status: 400, message: error.message } };
    return { ok: false, problem: { status: 400, message: `the request body is not valid: ${(error as Error).message}` } };
  }
}
