// The FlatBuffer of a TensorFlow Lite file (schema version 3) from its tensors, buffers and operators, written as
// TFLite's converter writes it: operator codes in both `builtin_code` and `deprecated_builtin_code`, buffer 0 empty,
// every buffer's data 16-byte aligned, and a `min_runtime_version` metadata entry. Written with the `flatbuffers`
// builder and the accessors flatc generates from src/main/import/tflite/schema/tflite_subset.fbs: no hand-written
// FlatBuffer encoding. What goes in the file is decided in tflite.ts.
import * as flatbuffers from 'flatbuffers';
import { Buffer as TfliteBuffer } from '../../import/tflite/generated/tflite/buffer';
import { BuiltinOperator } from '../../import/tflite/generated/tflite/builtin-operator';
import type { BuiltinOptions } from '../../import/tflite/generated/tflite/builtin-options';
import { Metadata } from '../../import/tflite/generated/tflite/metadata';
import { Model } from '../../import/tflite/generated/tflite/model';
import { Operator } from '../../import/tflite/generated/tflite/operator';
import { OperatorCode } from '../../import/tflite/generated/tflite/operator-code';
import { QuantizationParameters } from '../../import/tflite/generated/tflite/quantization-parameters';
import { SubGraph } from '../../import/tflite/generated/tflite/sub-graph';
import { Tensor } from '../../import/tflite/generated/tflite/tensor';
import type { TensorType } from '../../import/tflite/generated/tflite/tensor-type';

/** TFLite's schema version, Model.version. */
export const TFLITE_SCHEMA_VERSION = 3;

/** The runtime version the converter records for models of these operators (its oldest with int8 per-channel). */
export const MIN_RUNTIME_VERSION = '1.14.0';

/**
 * Operator versions as the converter sets them for int8 operands (tensorflow/lite/tools/versioning/op_version.cc);
 * float operators are version 1. TFLM ignores versions; TFLite's full runtime uses them to pick kernels.
 */
const INT8_VERSION: Partial<Record<BuiltinOperator, number>> = {
  [BuiltinOperator.CONV_2D]: 3,
  [BuiltinOperator.DEPTHWISE_CONV_2D]: 3,
  [BuiltinOperator.FULLY_CONNECTED]: 4,
  [BuiltinOperator.AVERAGE_POOL_2D]: 2,
  [BuiltinOperator.MAX_POOL_2D]: 2,
  [BuiltinOperator.SOFTMAX]: 2,
  [BuiltinOperator.LOGISTIC]: 2,
  [BuiltinOperator.TANH]: 2,
  [BuiltinOperator.RELU]: 2,
  [BuiltinOperator.RELU6]: 2,
  [BuiltinOperator.ADD]: 2,
  [BuiltinOperator.MUL]: 2,
  [BuiltinOperator.CONCATENATION]: 2,
  [BuiltinOperator.PAD]: 2,
  [BuiltinOperator.MEAN]: 2,
};

export interface TensorSpec {
  name: string;
  shape: number[];
  type: TensorType;
  /** Index into the buffers; 0 for an activation tensor. */
  buffer: number;
  quantization?: { scale: number[]; zeroPoint: number[]; axis?: number };
}

export interface OperatorSpec {
  code: BuiltinOperator;
  inputs: number[];
  outputs: number[];
  options?: { type: BuiltinOptions; write: (b: flatbuffers.Builder) => flatbuffers.Offset };
}

/** Everything a TFLite file of one subgraph holds. */
export interface TfliteFileSpec {
  tensors: TensorSpec[];
  /** Buffer 0 is the empty one. */
  buffers: Uint8Array[];
  operators: OperatorSpec[];
  /** The subgraph's input and output tensors. */
  inputs: number[];
  outputs: number[];
  /** Whether operator versions are the converter's int8 ones. */
  int8: boolean;
  /** Model.description. */
  description: string;
}

export function writeTfliteFile(file: TfliteFileSpec): Uint8Array {
  const b = new flatbuffers.Builder(1024 + file.buffers.reduce((a, x) => a + x.length + 16, 0));
  const buffers = [...file.buffers, versionBytes(MIN_RUNTIME_VERSION)];
  const metadataBuffer = buffers.length - 1;

  const codes: BuiltinOperator[] = [];
  const codeIndex = (code: BuiltinOperator): number => {
    let i = codes.indexOf(code);
    if (i < 0) i = codes.push(code) - 1;
    return i;
  };
  const opIndices = file.operators.map((op) => codeIndex(op.code));

  // Buffers first (largest), each data vector aligned to 16 bytes.
  const bufferOffsets = buffers.map((bytes) => {
    if (bytes.length === 0) {
      TfliteBuffer.startBuffer(b);
      return TfliteBuffer.endBuffer(b);
    }
    b.startVector(1, bytes.length, 16);
    for (let i = bytes.length - 1; i >= 0; i--) b.addInt8(bytes[i]);
    const data = b.endVector();
    return TfliteBuffer.createBuffer(b, data, BigInt(0), BigInt(0));
  });

  const tensorOffsets = file.tensors.map((t) => {
    const name = b.createString(t.name);
    const shape = Tensor.createShapeVector(b, t.shape);
    let quantization = 0;
    if (t.quantization) {
      const scale = QuantizationParameters.createScaleVector(b, t.quantization.scale);
      const zero = QuantizationParameters.createZeroPointVector(b, t.quantization.zeroPoint.map(BigInt));
      QuantizationParameters.startQuantizationParameters(b);
      QuantizationParameters.addScale(b, scale);
      QuantizationParameters.addZeroPoint(b, zero);
      if (t.quantization.axis !== undefined) QuantizationParameters.addQuantizedDimension(b, t.quantization.axis);
      quantization = QuantizationParameters.endQuantizationParameters(b);
    }
    Tensor.startTensor(b);
    Tensor.addShape(b, shape);
    Tensor.addType(b, t.type);
    Tensor.addBuffer(b, t.buffer);
    Tensor.addName(b, name);
    if (quantization) Tensor.addQuantization(b, quantization);
    return Tensor.endTensor(b);
  });

  const operatorOffsets = file.operators.map((op, k) => {
    const inputs = Operator.createInputsVector(b, op.inputs);
    const outputs = Operator.createOutputsVector(b, op.outputs);
    const options = op.options ? op.options.write(b) : 0;
    Operator.startOperator(b);
    Operator.addOpcodeIndex(b, opIndices[k]);
    Operator.addInputs(b, inputs);
    Operator.addOutputs(b, outputs);
    if (op.options) {
      Operator.addBuiltinOptionsType(b, op.options.type);
      Operator.addBuiltinOptions(b, options);
    }
    return Operator.endOperator(b);
  });

  const subgraph = SubGraph.createSubGraph(
    b,
    SubGraph.createTensorsVector(b, tensorOffsets),
    SubGraph.createInputsVector(b, file.inputs),
    SubGraph.createOutputsVector(b, file.outputs),
    SubGraph.createOperatorsVector(b, operatorOffsets),
    b.createString('main'),
  );

  const codeOffsets = codes.map((code) =>
    OperatorCode.createOperatorCode(b, Math.min(code, BuiltinOperator.PLACEHOLDER_FOR_GREATER_OP_CODES), 0, file.int8 ? (INT8_VERSION[code] ?? 1) : 1, code),
  );
  const metadata = Metadata.createMetadata(b, b.createString('min_runtime_version'), metadataBuffer);
  const model = Model.createModel(
    b,
    TFLITE_SCHEMA_VERSION,
    Model.createOperatorCodesVector(b, codeOffsets),
    Model.createSubgraphsVector(b, [subgraph]),
    b.createString(file.description),
    Model.createBuffersVector(b, bufferOffsets),
    Model.createMetadataBufferVector(b, [metadataBuffer]),
    Model.createMetadataVector(b, [metadata]),
  );
  Model.finishModelBuffer(b, model);
  return b.asUint8Array().slice();
}

/** The converter's metadata value: the version string, zero-padded to 16 bytes. */
function versionBytes(version: string): Uint8Array {
  const bytes = new Uint8Array(16);
  bytes.set(new TextEncoder().encode(version));
  return bytes;
}
