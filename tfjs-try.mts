import * as tf from '@tensorflow/tfjs';
import { graphToKerasJson } from './src/shared/export/kerasJson';
import { PRESETS } from './src/shared/presets';
import { analyze } from './src/shared/analysis/analyze';
for (const p of PRESETS) {
  const g = p.build();
  const json = graphToKerasJson(g);
  try {
    const m = await tf.models.modelFromJSON(json as never);
    console.log(p.id, m.countParams(), analyze(g).frameworkParams);
  } catch (e) { console.log(p.id, 'ERR', (e as Error).message.slice(0, 300)); }
}
