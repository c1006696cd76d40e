#!/bin/sh
# Regenerates the TypeScript accessors for TensorFlow Lite files from Frontier's schema subset.
# Needs flatc 2.0.x (Debian: apt-get install flatbuffers-compiler); the output works with the `flatbuffers` npm
# runtime 25.x. The generated files are committed: a build does not need flatc.
set -eu
cd "$(dirname "$0")/.."
dir=src/main/import/tflite
rm -rf "$dir/generated"
flatc --ts -o "$dir/generated" "$dir/schema/tflite_subset.fbs"
# flatc imports the union helpers into every table with a union field; the project compiles with noUnusedLocals.
sed -i 's/^import { BuiltinOptions, unionToBuiltinOptions, unionListToBuiltinOptions } from/import { BuiltinOptions } from/' \
  "$dir/generated/tflite/operator.ts"
sed -i 's/^import { QuantizationDetails, unionToQuantizationDetails, unionListToQuantizationDetails } from/import { QuantizationDetails } from/' \
  "$dir/generated/tflite/quantization-parameters.ts"
echo "generated $(find "$dir/generated" -name '*.ts' | wc -l) files in $dir/generated with $(flatc --version)"
