// Writes the Keras fixtures in test/fixtures/keras/: model JSON exactly as Keras's `model.to_json()`
// writes it, in the Keras 2 (tf.keras 2.12) and Keras 3 (3.5) layouts, a `.keras` archive and a
// TensorFlow.js `model.json`. The models mirror the keras.applications code that builds them.
//
//   npx tsx scripts/make-keras-fixtures.ts
//
// Tests import the builders (re-exported below from scripts/keras-fixtures/) to make the MobileNet variants that are not committed.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { zipSync } from 'fflate';
import { examCnn, mobilenet, resnetMini, vgg16 } from './keras-fixtures/models';
import { pair, type Args, type ModelDef, type Shape } from './keras-fixtures/modelDef';
import { float, pyDumps } from './keras-fixtures/pyJson';
import { serializeModel, type Layout } from './keras-fixtures/serialize';

export { PyFloat, pyDumps, toPlain } from './keras-fixtures/pyJson';
export type { LayerDef, ModelDef } from './keras-fixtures/modelDef';
export { serializeModel } from './keras-fixtures/serialize';
export { examCnn, mobilenet, resnetMini, vgg16 } from './keras-fixtures/models';

/** JSON text of `model.to_json()` for the model. */
export function modelJson(model: ModelDef, layout: Layout): string {
  return pyDumps(serializeModel(model, layout).json);
}

/** A `.keras` archive as Keras 3's model.save() writes it (stored entries; the weights file is a stub). */
export function kerasArchive(model: ModelDef): Buffer {
  const json = serializeModel(model, 'keras3').json;
  json.compile_config = {
    optimizer: {
      module: 'keras.optimizers',
      class_name: 'Adam',
      config: {
        name: 'adam',
        learning_rate: float(0.0010000000474974513),
        weight_decay: null,
        clipnorm: null,
        global_clipnorm: null,
        clipvalue: null,
        use_ema: false,
        ema_momentum: float(0.99),
        ema_overwrite_frequency: null,
        loss_scale_factor: null,
        gradient_accumulation_steps: null,
        beta_1: float(0.9),
        beta_2: float(0.999),
        epsilon: float(1e-7),
        amsgrad: false,
      },
      registered_name: null,
    },
    loss: 'sparse_categorical_crossentropy',
    loss_weights: null,
    metrics: ['accuracy'],
    weighted_metrics: null,
    run_eagerly: false,
    steps_per_execution: 1,
    jit_compile: false,
  };
  const metadata = { keras_version: '3.5.0', date_saved: '2024-09-02@10:15:42' };
  // An HDF5 signature and nothing else: the importer never reads the weights.
  const weights = Buffer.concat([Buffer.from([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(88)]);
  // Stored, as Keras writes them; a fixed time (local, so the bytes do not depend on the time zone) keeps the
  // archive reproducible byte for byte.
  const stored = { level: 0 } as const;
  return Buffer.from(
    zipSync(
      {
        'metadata.json': [Buffer.from(pyDumps(metadata)), stored],
        'config.json': [Buffer.from(pyDumps(json)), stored],
        'model.weights.h5': [weights, stored],
      },
      { mtime: '2024-01-01T00:00:00' },
    ),
  );
}

/** model.json from `tensorflowjs_converter --input_format keras` on the tf.keras model. */
export function tfjsModelJson(model: ModelDef): string {
  const { json, shapes } = serializeModel(model, 'keras2');
  const weights: Args[] = [];
  let previous: Shape | undefined;
  for (const layer of model.layers) {
    const inShape = previous;
    previous = shapes.get(layer.name);
    const a = layer.args;
    if (layer.cls === 'Conv2D') {
      const [kh, kw] = pair(a.kernel_size);
      weights.push({ name: `${layer.name}/kernel`, shape: [kh, kw, (inShape as Shape)[3], a.filters], dtype: 'float32' });
      weights.push({ name: `${layer.name}/bias`, shape: [a.filters], dtype: 'float32' });
    } else if (layer.cls === 'Dense') {
      weights.push({ name: `${layer.name}/kernel`, shape: [(inShape as Shape)[1], a.units], dtype: 'float32' });
      weights.push({ name: `${layer.name}/bias`, shape: [a.units], dtype: 'float32' });
    }
  }
  const { class_name, config, keras_version, backend } = json;
  const file = {
    format: 'layers-model',
    generatedBy: `keras v${String(keras_version)}`,
    convertedBy: 'TensorFlow.js Converter v4.4.0',
    modelTopology: {
      keras_version,
      backend,
      model_config: { class_name, config },
      training_config: {
        loss: 'sparse_categorical_crossentropy',
        metrics: ['accuracy'],
        weighted_metrics: null,
        loss_weights: null,
        optimizer_config: {
          class_name: 'Adam',
          config: {
            name: 'Adam',
            learning_rate: float(0.0010000000474974513),
            decay: float(0),
            beta_1: float(0.8999999761581421),
            beta_2: float(0.9990000128746033),
            epsilon: float(1e-7),
            amsgrad: false,
          },
        },
      },
    },
    weightsManifest: [{ paths: ['group1-shard1of1.bin'], weights }],
  };
  return pyDumps(file);
}

export const FIXTURE_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../test/fixtures/keras');

export function writeFixtures(dir: string = FIXTURE_DIR): string[] {
  mkdirSync(dir, { recursive: true });
  const files: [string, string | Buffer][] = [
    ['exam-cnn.keras2.json', modelJson(examCnn('sequential'), 'keras2')],
    ['exam-cnn.keras2-legacy.json', modelJson(examCnn('sequential'), 'keras2.2')],
    ['exam-cnn.keras3.json', modelJson(examCnn('sequential'), 'keras3')],
    ['exam-cnn.functional.keras2.json', modelJson(examCnn('functional'), 'keras2')],
    ['exam-cnn.functional.keras3.json', modelJson(examCnn('functional'), 'keras3')],
    ['exam-cnn.keras', kerasArchive(examCnn('sequential'))],
    ['exam-cnn.tfjs.json', tfjsModelJson(examCnn('sequential'))],
    ['mobilenet_1.00_224.keras2.json', modelJson(mobilenet(1, 224, 'keras2'), 'keras2')],
    ['mobilenet_1.00_224.keras3.json', modelJson(mobilenet(1, 224, 'keras3'), 'keras3')],
    ['vgg16.keras2.json', modelJson(vgg16('keras2'), 'keras2')],
    ['vgg16.keras3.json', modelJson(vgg16('keras3'), 'keras3')],
    ['resnet-mini.keras2.json', modelJson(resnetMini('keras2'), 'keras2')],
    ['resnet-mini.keras3.json', modelJson(resnetMini('keras3'), 'keras3')],
  ];
  for (const [name, data] of files) writeFileSync(join(dir, name), data);
  return files.map(([name]) => name);
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  for (const name of writeFixtures()) console.log(`wrote ${join('test/fixtures/keras', name)}`);
}
