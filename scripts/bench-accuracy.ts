// `npm run bench:accuracy`: what measuring accuracy costs, printed, then one JSON line.
//   sensitivity — the sensitivity analysis of the Fashion-MNIST CNN (test/fixtures/fashion/cnn.onnx: two convolutions
//                 and a dense layer, the exam's kind of network) on the 10,000 test images: every layer alone at
//                 25/50/75 % pruned, and fp32 and int8 unpruned (wall time, evaluations, samples per second)
//   sweep1m     — a 1,048,576-configuration sweep of exam-cnn (as `npm run bench`) with the penalty model and with a
//                 measured model (quadratic predictor over both convolutions' drop curves): seconds each, best of two
//                 alternating runs, and their ratio (the measured model must stay within 1.2×)
//   verify      — `sweep --data --verify 6` of 24 configurations of the CNN on the 10,000 images: the whole run
//                 (sensitivity, sweep, six verifications) in seconds
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MeasuredModel } from '../src/shared/analysis/measuredAccuracy';
import { defaultSpec } from '../src/shared/sweep/specFile';
import type { SweepSpec } from '../src/shared/sweep/types';
import { runSweep } from '../src/main/services/sweeps';
import { openDatabase, SessionStore } from '../src/main/store';
import { openMeasurer, runSensitivity } from '../src/main/sweep/measure';

const FASHION = '/usr/share/datasets/fashion-mnist';
const CNN = join(import.meta.dirname, '..', 'test', 'fixtures', 'fashion', 'cnn.onnx');
const dir = mkdtempSync(join(tmpdir(), 'frontier-bench-accuracy-'));
const seconds = (start: number): number => (performance.now() - start) / 1000;
const log = (text: string): void => console.log(text);
const data = { path: FASHION, preprocessing: { inputScale: { to: [0, 1] as [number, number] } } };

async function sensitivityFigures(): Promise<{ seconds: number; evaluations: number; samplesPerSecond: number; base: Record<string, number> }> {
  const measurer = await openMeasurer({ model: CNN, data });
  try {
    let evaluations = 0;
    let samples = 0;
    const start = performance.now();
    const report = await runSensitivity(measurer, { channels: {}, prune: { '*': [0.25, 0.5, 0.75] } }, ['fp32', 'int8'], {
      preprocessing: data.preprocessing,
      onPoint: (done) => (evaluations = done),
      onData: (d) => (samples = d.samples),
    });
    const s = seconds(start);
    return { seconds: s, evaluations, samplesPerSecond: (evaluations * samples) / s, base: report.base };
  } finally {
    measurer.close();
  }
}

const sweepSpec: SweepSpec = {
  ...defaultSpec('exam-cnn'),
  devices: ['exam-mcu', 'stm32f746', 'stm32h743', 'esp32-s3'],
  channels: { conv1: ['1:256'], conv2: ['1:256'] },
  precisions: ['fp32', 'fp16', 'int8', 'int4'],
  accuracy: { kind: 'penalties', metric: 'accuracy', base: 0.93, penalties: { pruned: 0.05, int8: 0.03, fp16: 0.005, int4: 0.08 } },
  clients: [{ name: 'client1', deadlineS: 0.2 }],
};

/** A measured model shaped like a real one: drops that grow as channels go, a quadratic interaction, a band. */
const measuredModel: MeasuredModel = {
  kind: 'measured',
  metric: 'accuracy',
  base: { fp32: 0.93, fp16: 0.93, int8: 0.925, int4: 0.86 },
  reference: 'fp32',
  layers: ['conv1', 'conv2'].map((layer, i) => ({
    layer,
    points: [0.125, 0.25, 0.5, 0.75].map((f) => ({ fractionKept: f, value: 0.93 - (0.3 + 0.1 * i) * (1 - f) ** 2 })),
  })),
  form: 'quadratic',
  coefficients: [1.1, 0.8],
  band: { halfWidth: 0.02, looError: 0.0156, coverage: 0.8, nominal: 0.8, points: 20 },
};

async function sweepSeconds(spec: SweepSpec, name: string): Promise<number> {
  const db = openDatabase(join(dir, `${name}.db`));
  try {
    const start = performance.now();
    await runSweep(new SessionStore(db), spec, { name, batchSize: 16384 });
    return seconds(start);
  } finally {
    db.close();
  }
}

async function main(): Promise<void> {
  log(`Frontier bench:accuracy: ${availableParallelism()} cores, Node ${process.version}`);
  const hasData = existsSync(join(FASHION, 't10k-images-idx3-ubyte.gz'));
  let sensitivity: Awaited<ReturnType<typeof sensitivityFigures>> | null = null;
  if (hasData) {
    sensitivity = await sensitivityFigures();
    log(
      `sensitivity of cnn.onnx on 10,000 Fashion-MNIST test images: ${sensitivity.evaluations} evaluations in ${sensitivity.seconds.toFixed(2)} s ` +
        `(${Math.round(sensitivity.samplesPerSecond).toLocaleString('en-US')} samples/s); base ${Object.entries(sensitivity.base).map(([p, v]) => `${p} ${(v * 100).toFixed(2)} %`).join(', ')}`,
    );
  } else log(`no Fashion-MNIST at ${FASHION}: sensitivity and verification skipped (apt install dataset-fashion-mnist)`);

  const penalty: number[] = [];
  const measured: number[] = [];
  for (let round = 0; round < 2; round++) {
    penalty.push(await sweepSeconds(sweepSpec, `penalty${round}`));
    measured.push(await sweepSeconds({ ...sweepSpec, accuracy: measuredModel }, `measured${round}`));
  }
  const penaltyS = Math.min(...penalty);
  const measuredS = Math.min(...measured);
  log(`sweep of 1,048,576 configurations: penalty model ${penaltyS.toFixed(2)} s, measured model ${measuredS.toFixed(2)} s (${(measuredS / penaltyS).toFixed(3)}×)`);

  let verify: { seconds: number; verified: number; form: string; looError: number | null; coverage: number | null } | null = null;
  if (hasData) {
    const db = openDatabase(join(dir, 'verify.db'));
    try {
      const spec: SweepSpec = {
        ...defaultSpec(CNN),
        devices: ['exam-mcu'],
        prune: { '/conv1/Conv': ['0', '0.25', '0.5', '0.75'], '/conv2/Conv': ['0', '0.5', '0.75'] },
        precisions: ['fp32', 'int8'],
        data,
        verify: 6,
        clients: [{ name: 'a', deadlineS: 0.05 }],
      };
      const start = performance.now();
      const summary = await runSweep(new SessionStore(db), spec, { name: 'verify' });
      const m = summary.measuredAccuracy;
      verify = { seconds: seconds(start), verified: m?.verified ?? 0, form: m?.form ?? '', looError: m?.looError ?? null, coverage: m?.coverage ?? null };
      log(
        `sweep --data --verify 6 of ${summary.total} configurations on 10,000 images: ${verify.seconds.toFixed(2)} s; ${verify.verified} verified, ` +
          `predictor ${verify.form}, leave-one-out error ${verify.looError === null ? '—' : `${(verify.looError * 100).toFixed(2)} points`}, ` +
          `coverage ${verify.coverage === null ? '—' : `${(verify.coverage * 100).toFixed(0)} %`}`,
      );
    } finally {
      db.close();
    }
  }
  rmSync(dir, { recursive: true, force: true });
  console.log(
    JSON.stringify({
      sensitivityS: sensitivity?.seconds ?? null,
      sensitivityEvaluations: sensitivity?.evaluations ?? null,
      sensitivitySamplesPerSecond: sensitivity ? Math.round(sensitivity.samplesPerSecond) : null,
      sweep1mPenaltyS: penaltyS,
      sweep1mMeasuredS: measuredS,
      sweep1mRatio: measuredS / penaltyS,
      verifySweepS: verify?.seconds ?? null,
      verified: verify?.verified ?? null,
      verifyForm: verify?.form ?? null,
      verifyLooError: verify?.looError ?? null,
      verifyCoverage: verify?.coverage ?? null,
    }),
  );
}

await main();
