// How a thrown error crosses a transport: its message and its kind, which decides the HTTP status (4xx for anything
// the input caused, 500 only for a fault of Frontier's own).
import { PrecisionError } from '../../shared/analysis/precision';
import type { ApiErrorPayload } from '../../shared/api';
import { UsageError } from '../../shared/cli/valueList';
import { DeviceProfileError } from '../../shared/deviceProfile';
import { ModelError } from '../../shared/model/types';
import { ValidationError } from '../../shared/validate';
import { StoreError } from '../store/errors';

export function errorPayload(error: unknown): ApiErrorPayload {
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof ValidationError || error instanceof DeviceProfileError) return { message, kind: 'invalid' };
  if (error instanceof UsageError || error instanceof PrecisionError) return { message, kind: 'usage' };
  if (error instanceof ModelError) return { message, kind: 'model' };
  if (error instanceof StoreError) return { message, kind: 'store' };
  return { message, kind: 'internal' };
}

