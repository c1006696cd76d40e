// Measured accuracy in the app: the data chosen in the Data panel, the last sensitivity analysis, and the
// configurations evaluated on the data (by the configuration they ran). Runs are named jobs: their progress comes
// as `evaluate.progress` events, and Cancel stops them in the services.
import type { DataDescription, DataOpenParams, EvaluateProgressEvent, EvaluationView, ModelRef, RunConfigurationInput, SensitivityPointView, SensitivityView } from '../../shared/evaluations';
import { api } from './api/client';
import { project, errorText } from './project.svelte';

const STORAGE_KEY = 'frontier.data';

/** A point of a sensitivity curve: one layer cut to `point.channels` at `point.precision`. */
export interface PickedPoint {
  layer: string;
  point: SensitivityPointView;
}

export interface Evaluation {
  job?: string;
  /** When it started (performance.now()), for its rate and time left. */
  started?: number;
  result?: EvaluationView;
  error?: string;
  progress?: EvaluateProgressEvent;
}

/** The configuration as a key: the same model, data and settings give the same measurement. */
const keyOf = (model: ModelRef, data: DataDescription, configuration: RunConfigurationInput): string =>
  JSON.stringify([model.fileHash ?? model.path ?? model.preset, data.ref, configuration.precision ?? '', Object.entries(configuration.channels ?? {}).sort(), Object.entries(configuration.prune ?? {}).sort()]);

let jobs = 0;
const newJob = (kind: string): string => `${kind}-${++jobs}-${Date.now().toString(36)}`;

export class Measured {
  data = $state.raw<DataDescription | null>(null);
  /** What is wrong with the samples or with the labels chosen, said at that field. */
  dataError = $state<string | null>(null);
  labelsError = $state<string | null>(null);
  opening = $state(false);

  sensitivity = $state.raw<SensitivityView | null>(null);
  /** The model and data the sensitivity was measured for (it goes stale when either changes). */
  sensitivityFor = $state<string | null>(null);
  sensitivityError = $state<string | null>(null);
  sensitivityJob = $state<string | null>(null);
  sensitivityProgress = $state.raw<EvaluateProgressEvent | null>(null);
  sensitivityStarted = $state(0);

  evaluations = $state.raw<Record<string, Evaluation>>({});

  constructor() {
    try {
      const saved = typeof localStorage === 'undefined' ? null : localStorage.getItem(STORAGE_KEY);
      if (saved) this.data = JSON.parse(saved) as DataDescription;
    } catch {
      this.data = null; // an old or broken entry: the user picks the data again
    }
  }

  private listening = false;
  private listen(): void {
    if (this.listening) return;
    this.listening = true;
    api.on('evaluate.progress', (p) => {
      if (p.job === this.sensitivityJob) this.sensitivityProgress = p;
      const entry = Object.entries(this.evaluations).find(([, e]) => e.job === p.job);
      if (entry) this.evaluations = { ...this.evaluations, [entry[0]]: { ...entry[1], progress: p } };
    });
  }

  /** The loaded model as the services run it, or why it cannot be run. */
  model = $derived.by((): { ref: ModelRef; name: string } | { blocker: string } => {
    const model = project.model;
    if (!model) return { blocker: 'Load a model file with its weights first (Model view).' };
    if (project.source?.preset) return { blocker: `${model.source} is a preset: an architecture without weights. Open the model file (.onnx, .tflite, .h5, .keras) to measure it.` };
    if (!model.fileHash) return { blocker: `${model.source} was not kept as a file; open it again to measure it.` };
    return { ref: { fileHash: model.fileHash, ...(project.source?.options ? { options: project.source.options } : {}) }, name: model.source };
  });

  /** Why a measurement cannot run now (no runnable model, no data), or null. */
  blocker = $derived.by((): string | null => {
    if ('blocker' in this.model) return this.model.blocker;
    if (!this.data) return 'Choose the data to measure on (the Data panel).';
    return null;
  });

  /** Opens data: the samples and, optionally, their labels, each a path or an uploaded file. */
  async open(params: DataOpenParams, names: { data: string; labels: string | null }): Promise<void> {
    this.opening = true;
    this.dataError = null;
    this.labelsError = null;
    try {
      const input = project.model?.graph.layers.find((l) => (l as { type?: string }).type === 'Input') as { shape?: number[] } | undefined;
      // Snapshots: Electron's IPC clones plain data only, never the app's reactive proxies.
      const described = await api.invoke('data.open', $state.snapshot({ ...params, ...(input?.shape && !params.inputShape ? { inputShape: input.shape } : {}) }));
      this.data = described;
      this.sensitivity = null;
      try {
        localStorage.setItem(STORAGE_KEY, JSON.stringify(described));
      } catch {
        // storage full or unavailable: the data is chosen for this page only
      }
    } catch (error) {
      const message = errorText(error);
      // A message about the labels names their file first: it goes to the labels field.
      if (names.labels && message.startsWith(names.labels)) this.labelsError = message;
      else this.dataError = message;
    } finally {
      this.opening = false;
    }
  }

  forget(): void {
    this.data = null;
    this.sensitivity = null;
    try {
      localStorage.removeItem(STORAGE_KEY);
    } catch {
      // nothing kept
    }
  }

  /** The measurement of a configuration of the loaded model on the chosen data, if any. */
  evaluationOf(configuration: RunConfigurationInput): Evaluation | null {
    if ('blocker' in this.model || !this.data) return null;
    return this.evaluations[keyOf(this.model.ref, this.data, configuration)] ?? null;
  }

  async evaluate(configuration: RunConfigurationInput): Promise<void> {
    if ('blocker' in this.model || !this.data) return;
    this.listen();
    const key = keyOf(this.model.ref, this.data, configuration);
    const job = newJob('evaluate');
    this.evaluations = { ...this.evaluations, [key]: { job, started: performance.now() } };
    const set = (entry: Evaluation): void => {
      // A cancelled run's answer is ignored: its entry is gone or belongs to a newer run.
      if (this.evaluations[key]?.job !== job) return;
      this.evaluations = { ...this.evaluations, [key]: entry };
    };
    try {
      const result = await api.invoke('evaluate.run', $state.snapshot({ model: this.model.ref, data: this.data.ref, configuration, job }));
      set({ result });
    } catch (error) {
      set({ error: errorText(error) });
    }
  }

  cancelEvaluation(configuration: RunConfigurationInput): void {
    if ('blocker' in this.model || !this.data) return;
    const key = keyOf(this.model.ref, this.data, configuration);
    const job = this.evaluations[key]?.job;
    const next = { ...this.evaluations };
    delete next[key];
    this.evaluations = next;
    if (job) void api.invoke('evaluate.cancel', { job }).catch(() => undefined);
  }

  /** The model and data a sensitivity analysis would be for now. */
  subject = $derived('blocker' in this.model || !this.data ? null : JSON.stringify([this.model.ref, this.data.ref]));

  async runSensitivity(levels: { prune: number[]; precisions: string[] }): Promise<void> {
    if ('blocker' in this.model || !this.data || this.sensitivityJob) return;
    this.listen();
    const job = newJob('sensitivity');
    this.sensitivityJob = job;
    this.sensitivityStarted = performance.now();
    this.sensitivityProgress = null;
    this.sensitivityError = null;
    const subject = this.subject;
    try {
      const report = await api.invoke(
        'sensitivity.run',
        $state.snapshot({ model: this.model.ref, data: this.data.ref, prune: { '*': levels.prune }, precisions: levels.precisions, job }),
      );
      if (this.sensitivityJob !== job) return;
      this.sensitivity = report;
      this.sensitivityFor = subject;
    } catch (error) {
      if (this.sensitivityJob === job) this.sensitivityError = errorText(error);
    } finally {
      if (this.sensitivityJob === job) {
        this.sensitivityJob = null;
        this.sensitivityProgress = null;
      }
    }
  }

  cancelSensitivity(): void {
    const job = this.sensitivityJob;
    this.sensitivityJob = null;
    this.sensitivityProgress = null;
    if (job) void api.invoke('evaluate.cancel', { job }).catch(() => undefined);
  }
}

export const measured = new Measured();

// The Sweep view's "measured on data" reads the data chosen here, and why the loaded model cannot be measured.
project.measuredInputs = () => ({ data: measured.data?.ref ?? null, blocker: measured.blocker });
