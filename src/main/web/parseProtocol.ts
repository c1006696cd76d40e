// Messages between the web host and its parse worker; every answer echoes its request's id.
import type { AnalysisReport, AnalysisRequest } from '../../shared/analysis/analyze';
import type { ApiErrorPayload, CalibrateParams } from '../../shared/api';
import type { DeviceProfile } from '../../shared/devices';
import type { CalibrationReport } from '../../shared/latency/calibrate';
import type { ImportOptions } from '../../shared/model/importOptions';
import type { LoadedFields } from '../services/loadedModel';
import type { ParsedBody } from './requestBody';

export type ToParseWorker =
  | { type: 'body'; id: number; method: string; bytes: ArrayBuffer }
  | { type: 'model'; id: number; base64: string; name: string; options?: ImportOptions }
  | { type: 'calibrate'; id: number; params: CalibrateParams; board: DeviceProfile }
  | { type: 'analyze'; id: number; graph: Record<string, unknown>; request: AnalysisRequest };

export type FromParseWorker =
  | { type: 'body'; id: number; parsed: ParsedBody }
  | { type: 'model'; id: number; ok: true; loaded: LoadedFields; bytes: Uint8Array }
  | { type: 'model'; id: number; ok: false; error: ApiErrorPayload }
  | { type: 'calibrate'; id: number; ok: true; report: CalibrationReport }
  | { type: 'calibrate'; id: number; ok: false; error: ApiErrorPayload }
  | { type: 'analyze'; id: number; ok: true; report: AnalysisReport }
  | { type: 'analyze'; id: number; ok: false; error: ApiErrorPayload };

/** Starts the handle that stands for an upload kept in the worker; never valid base64 (which has no "@" or ":"). */
export const UPLOAD_HANDLE_PREFIX = '@upload:';
