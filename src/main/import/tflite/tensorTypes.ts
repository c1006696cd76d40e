// TensorFlow Lite tensor types: how many bytes a value takes, and the number format Frontier sizes it as.
import type { NumberFormat } from '../../../shared/analysis/precision';
import { TensorType } from './generated/tflite/tensor-type';

export { TensorType };

interface TypeInfo {
  /** Bytes per value (½ for packed 4-bit values). */
  bytes: number;
  /** Frontier's format of the same width; absent for types Frontier cannot size (8-byte values, strings…). */
  format?: NumberFormat;
  /** The format stands for an integer type of the same width (an int32 activation is sized as fp32). */
  sizedAs?: boolean;
}

const TYPES: Partial<Record<number, TypeInfo>> = {
  [TensorType.FLOAT32]: { bytes: 4, format: 'fp32' },
  [TensorType.FLOAT16]: { bytes: 2, format: 'fp16' },
  [TensorType.INT32]: { bytes: 4, format: 'fp32', sizedAs: true },
  [TensorType.UINT8]: { bytes: 1, format: 'int8' },
  [TensorType.INT64]: { bytes: 8 },
  [TensorType.BOOL]: { bytes: 1, format: 'int8', sizedAs: true },
  [TensorType.INT16]: { bytes: 2, format: 'fp16', sizedAs: true },
  [TensorType.COMPLEX64]: { bytes: 8 },
  [TensorType.INT8]: { bytes: 1, format: 'int8' },
  [TensorType.FLOAT64]: { bytes: 8 },
  [TensorType.COMPLEX128]: { bytes: 16 },
  [TensorType.UINT64]: { bytes: 8 },
  [TensorType.UINT32]: { bytes: 4, format: 'fp32', sizedAs: true },
  [TensorType.UINT16]: { bytes: 2, format: 'fp16', sizedAs: true },
  [TensorType.INT4]: { bytes: 0.5, format: 'int4' },
};

export const typeName = (type: number): string => TensorType[type] ?? `type ${type}`;

export const typeInfo = (type: number): TypeInfo | undefined => TYPES[type];

/** Bytes a constant tensor of `elements` values of `type` occupies (4-bit values packed two to a byte). */
export function storedBytes(type: number, elements: number): number | undefined {
  const info = TYPES[type];
  return info ? Math.ceil(elements * info.bytes) : undefined;
}

export const isIntegerType = (type: number): boolean =>
  type === TensorType.INT8 || type === TensorType.UINT8 || type === TensorType.INT4 || type === TensorType.INT16;
