// TensorFlow Lite operators by name, and the ones Frontier maps onto its layers.
import { BuiltinOperator } from './generated/tflite/builtin-operator';

export { BuiltinOperator };

/** The operators Frontier reads (every other one is unknown: an error, or an Opaque layer when allowed). */
export const SUPPORTED_OPERATORS: ReadonlySet<number> = new Set([
  BuiltinOperator.CONV_2D,
  BuiltinOperator.DEPTHWISE_CONV_2D,
  BuiltinOperator.FULLY_CONNECTED,
  BuiltinOperator.AVERAGE_POOL_2D,
  BuiltinOperator.MAX_POOL_2D,
  BuiltinOperator.MEAN,
  BuiltinOperator.RESHAPE,
  BuiltinOperator.SQUEEZE,
  BuiltinOperator.SOFTMAX,
  BuiltinOperator.LOGISTIC,
  BuiltinOperator.TANH,
  BuiltinOperator.RELU,
  BuiltinOperator.RELU6,
  BuiltinOperator.RELU_N1_TO_1,
  BuiltinOperator.HARD_SWISH,
  BuiltinOperator.ADD,
  BuiltinOperator.MUL,
  BuiltinOperator.CONCATENATION,
  BuiltinOperator.PAD,
  BuiltinOperator.QUANTIZE,
  BuiltinOperator.DEQUANTIZE,
]);

/** An operator code as TensorFlow Lite resolves it. */
export interface OperatorKind {
  /** The builtin operator (BuiltinOperator.CUSTOM for a custom one). */
  builtin: number;
  /** A custom operator's name. */
  custom: string | null;
}

/**
 * The builtin code of an OperatorCode: the larger of `builtin_code` and `deprecated_builtin_code`, as TensorFlow
 * Lite's GetBuiltinCode does (files from before schema 3a set only the deprecated byte; newer ones set both, or only
 * the new field for codes above 127).
 */
export function builtinCode(builtinCodeField: number, deprecatedBuiltinCode: number): number {
  return Math.max(builtinCodeField, deprecatedBuiltinCode);
}

/** The name a user knows an operator by: SVDF, or the custom operator's own name. */
export function operatorName(kind: OperatorKind): string {
  if (kind.builtin === BuiltinOperator.CUSTOM) return kind.custom ? `custom operator "${kind.custom}"` : 'CUSTOM';
  return BuiltinOperator[kind.builtin] ?? `builtin operator ${kind.builtin}`;
}

export const isSupported = (kind: OperatorKind): boolean => SUPPORTED_OPERATORS.has(kind.builtin);
