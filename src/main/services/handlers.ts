// The services behind every API method: one implementation, used by Electron IPC and the web host alike.
import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import type { AccuracyModel } from '../../shared/analysis/accuracy';
import { analyze, FRONTIER_VERSION, type AnalysisReport, type AnalysisRequest } from '../../shared/analysis/analyze';
import type { CalibrateParams, EventName, Events, Method, Params, Result } from '../../shared/api';
import type { CalibrationReport } from '../../shared/latency/calibrate';
import { UsageError } from '../../shared/cli/valueList';
import { parseDeviceProfile } from '../../shared/deviceProfile';
import { BUILTIN_DEVICES, findBuiltinDevice, withWeightsIn, type DeviceProfile } from '../../shared/devices';
import { graphToNative, nativeToGraph } from '../../shared/model/native';
import type { ModelGraph } from '../../shared/model/types';
import type { ImportOptions } from '../../shared/model/importOptions';
import { PRESETS, findPreset } from '../../shared/presets';
import { buildSpace, spaceContext } from '../../shared/sweep/space';
import { parseSweepSpec } from '../../shared/sweep/specFile';
import { readModelBytes } from '../import/loadModelFile';
import { LATEST_SCHEMA_VERSION, openDatabase, SessionStore, StoredFiles, UserDevices } from '../store';
import { createEvaluations } from './evaluations';
import { loadedFields, type LoadedFields } from './loadedModel';
import { errorPayload } from './errorPayload';
import { compareSessions } from './compare';
import { CalibrationNeeded, exportArtifact, exportBundle, exportChosen, exportCsv, exportModelFile, importBundle } from './exports';
import { calibrationOf } from './exportModel';
import { StoredPaths } from '../store/materialize';
import { resultTable } from './results';
import { calibrateInApp, runtimeEntries } from './calibration';
import { expandRuntimes, resolveRuntime, splitCombinedId, withRuntime } from '../../shared/latency/runtimes';
import { createTsWorker, defaultWorkerCount } from '../sweep/pool';
import { WorkerSupply } from '../sweep/supply';
import { DEFAULT_CACHED_ROWS, SessionCache } from './sessionData';
import { sessionList, startResume, startSweep, type FinishedRun, type SweepOptions } from './sweeps';

export { errorPayload } from './errorPayload';

type Handlers = { [M in Method]: (params: Params<M>) => Promise<Result<M>> };

export interface Services {
  handlers: Handlers;
  events: { on<E extends EventName>(event: E, listener: (payload: Events[E]) => void): () => void };
  close(): void;
  dbPath: string;
}

function emitter() {
  const listeners = new Map<EventName, Set<(payload: never) => void>>();
  return {
    on<E extends EventName>(event: E, listener: (payload: Events[E]) => void): () => void {
      const set = listeners.get(event) ?? new Set();
      set.add(listener as (payload: never) => void);
      listeners.set(event, set);
      return () => set.delete(listener as (payload: never) => void);
    },
    emit<E extends EventName>(event: E, payload: Events[E]): void {
      for (const listener of listeners.get(event) ?? []) (listener as (p: Events[E]) => void)(payload);
    },
  };
}

/** Whether the bytes begin, after a byte-order mark and white space, with `{`: a JSON model. */
function startsLikeJson(bytes: Uint8Array): boolean {
  let i = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  while (i < bytes.length && (bytes[i] === 0x20 || bytes[i] === 0x09 || bytes[i] === 0x0a || bytes[i] === 0x0d)) i++;
  return bytes[i] === 0x7b;
}

function parseGraph(json: Record<string, unknown>): ModelGraph {
  return nativeToGraph(json, 'model');
}

/** An uploaded model file parsed: what model.load answers about it, and its bytes (to keep in the database). */
export interface ParsedModel {
  loaded: LoadedFields;
  bytes: Uint8Array;
}

export interface ServicesOptions {
  dbPath: string;
  createWorker?: () => Worker;
  /**
   * Parses an uploaded model file (base64) into a graph; errors name the file. By default on this thread; the web
   * host passes one that runs in a worker thread, so a large upload never holds its event loop.
   */
  parseModel?: (base64: string, name: string, options?: ImportOptions) => Promise<ParsedModel>;
  /**
   * Runs a calibration (devices.calibrate). By default on this thread; the web host passes one that runs in its
   * worker thread, so 1,000 measurements never hold its event loop.
   */
  calibrate?: (params: CalibrateParams, board: DeviceProfile) => Promise<CalibrationReport>;
  /**
   * Analyses a model given in Frontier's format (the API's form). By default on this thread; the web host passes one
   * that runs large models in a worker thread, as an analysis of hundreds of thousands of layers takes seconds.
   */
  analyzeModel?: (graph: Record<string, unknown>, request: AnalysisRequest) => Promise<AnalysisReport>;
  /** The worker thread that runs evaluations (the packaged app passes the one its bundler built; else from source). */
  createEvaluationWorker?: () => Worker;
  /** Start sweep workers now and keep them ready between sweeps (the app and the web host: a Run starts at once). */
  warmWorkers?: boolean;
}

const parseModelHere = async (base64: string, name: string, options?: ImportOptions): Promise<ParsedModel> => {
  const bytes = Buffer.from(base64, 'base64');
  return { loaded: loadedFields(await readModelBytes(bytes, name, options)), bytes };
};

const analyzeModelHere = async (graph: Record<string, unknown>, request: AnalysisRequest): Promise<AnalysisReport> =>
  analyze(parseGraph(graph), request);

export function createServices(options: ServicesOptions): Services {
  const parseModel = options.parseModel ?? parseModelHere;
  const analyzeModel = options.analyzeModel ?? analyzeModelHere;
  const db = openDatabase(options.dbPath);
  const store = new SessionStore(db);
  const userDevices = new UserDevices(db);
  const storedFiles = new StoredFiles(db);
  const events = emitter();
  const running = new Map<string, AbortController>();
  const cache = new SessionCache(store);
  const evaluations = createEvaluations(db, events.emit, options.createEvaluationWorker);
  const supply = options.warmWorkers ? new WorkerSupply(options.createWorker ?? createTsWorker, defaultWorkerCount()) : undefined;

  const device = (id: string): DeviceProfile => {
    const combined = findBuiltinDevice(id) || userDevices.get(id) ? null : splitCombinedId(id);
    if (combined) return withRuntime(device(combined.board), combined.runtime);
    const found = findBuiltinDevice(id) ?? userDevices.get(id);
    if (!found) {
      const ids = [...BUILTIN_DEVICES.map((d) => d.id), ...userDevices.list().map((d) => d.id)];
      throw new UsageError(`unknown device "${id}"; devices are ${ids.join(', ')}`);
    }
    return found;
  };

  /** Starts a sweep (or a resume) in the background; resolves once its session row exists. */
  const launch = (
    start: (options: SweepOptions) => Promise<FinishedRun>,
  ): Promise<{ session: string; total: number }> =>
    new Promise((resolve, reject) => {
      const controller = new AbortController();
      let session: string | null = null;
      let lastProgress = 0;
      start({
        signal: controller.signal,
        createWorker: options.createWorker,
        createEvaluationWorker: options.createEvaluationWorker,
        supply,
        keepFiguresUpTo: DEFAULT_CACHED_ROWS,
        onStarted: (s) => {
          session = s.name;
          running.set(s.name, controller);
          resolve({ session: s.name, total: s.total });
        },
        // Said as soon as the work stops, so a cancel shows at once; fronts and the session row follow.
        onStopped: (run) => {
          if (session) events.emit('sweep.finished', { session, status: run.status, configs: run.configs, total: run.total });
        },
        onProgress: (p) => {
          const now = performance.now();
          if (session === null || (now - lastProgress < 80 && p.done < p.total)) return;
          lastProgress = now;
          events.emit('sweep.progress', { session, ...p });
        },
      })
        .then((run) => {
          // The session, as the run's own figures give it, for the app to open next.
          cache.remember(run);
        })
        .catch((error: unknown) => {
          if (session === null) reject(error);
          else events.emit('sweep.finished', { session, status: 'failed', error: errorPayload(error).message });
        })
        .finally(() => {
          if (session) running.delete(session);
        });
    });

  const handlers: Handlers = {
    'app.info': async () => ({
      version: FRONTIER_VERSION,
      schemaVersion: LATEST_SCHEMA_VERSION,
      database: options.dbPath,
      cores: availableParallelism(),
    }),
    'presets.list': async () => PRESETS.map(({ id, name, description, source }) => ({ id, name, description, source })),
    'devices.list': async () => [
      ...BUILTIN_DEVICES.map((profile) => ({ profile, builtin: true })),
      ...userDevices.list().map((profile) => ({ profile, builtin: false })),
    ],
    'devices.save': async ({ profile }) => {
      const parsed = parseDeviceProfile(profile, 'device');
      if (findBuiltinDevice(parsed.id)) {
        throw new UsageError(`"${parsed.id}" is a built-in device; give your profile another id`);
      }
      userDevices.save(parsed);
      return parsed;
    },
    'devices.calibrate': async (params) => {
      const report = await (options.calibrate ?? calibrateInApp)(params, device(params.device));
      return { profile: report.profile, fit: report.fit, leaveOneOut: report.leaveOneOut, medianAbsError: report.medianAbsError };
    },
    'runtimes.list': async () => runtimeEntries(),
    'devices.delete': async ({ id }) => {
      if (!userDevices.delete(id)) throw new UsageError(`no device of yours has the id "${id}"`);
      return null;
    },
    'model.load': async ({ preset, file, options }) => {
      if (preset !== undefined) {
        const found = findPreset(preset);
        if (!found) throw new UsageError(`unknown preset "${preset}"; presets are ${PRESETS.map((p) => p.id).join(', ')}`);
        return { ...loadedFields(found.build()), source: preset };
      }
      if (file === undefined) throw new UsageError('model.load needs a preset or a file');
      // Imported files are counted as they are parsed: shapes work and every figure is exact.
      const parsed = await parseModel(file.base64, file.name, options);
      // Kept by content (once per content), so that a sweep of it can write its configurations' model files. A
      // JSON model is left out: an architecture without weights (Keras JSON, Frontier's own, a TF.js model.json
      // whose weights are other files) has no model file to write. The bytes are the parser's: the web host's
      // parameters hold only a handle in place of a large upload.
      const fileHash = startsLikeJson(parsed.bytes) ? undefined : storedFiles.put('model', file.name, parsed.bytes).hash;
      return { ...parsed.loaded, source: file.name, ...(fileHash ? { fileHash } : {}) };
    },
    'model.analyze': async (p) =>
      // The device is resolved here (user devices live in the database); the analysis may run elsewhere.
      analyzeModel(p.graph as unknown as Record<string, unknown>, {
        precision: p.precision,
        channels: p.channels,
        prune: p.prune,
        memoryModel: p.memoryModel,
        device:
          p.device === null
            ? null
            : withWeightsIn(p.runtime ? withRuntime(device(p.device), resolveRuntime(p.runtime)) : device(p.device), p.weightsIn),
        headroom: p.headroom,
        biasMode: p.biasMode,
        accuracy: p.accuracy as AccuracyModel | null,
        inPlaceDepthwise: p.inPlaceDepthwise,
      }),
    'sweep.size': async ({ spec, graph }) => {
      const parsed = parseSweepSpec(spec, 'sweep');
      const model = parseGraph(graph);
      // Each device under each runtime is its own profile: resolving them here reports a pairing that cannot run.
      const devices = expandRuntimes(parsed.devices.map(device), parsed.runtimes).map((d) => d.id);
      const space = buildSpace({ ...parsed, devices, strategy: 'grid', gridLimit: Number.POSITIVE_INFINITY }, spaceContext(model));
      const total = parsed.strategy === 'random' ? Math.min(parsed.samples ?? 0, space.gridSize) : space.gridSize;
      const runtimes = parsed.runtimes ?? [];
      const dims = space.dims.flatMap((d) =>
        d.kind === 'device' && runtimes.length > 0
          ? [
              { kind: 'device', name: 'device', count: parsed.devices.length },
              { kind: 'runtime', name: 'runtime', count: runtimes.length },
            ]
          : [{ kind: d.kind as string, name: d.name, count: d.values.length }],
      );
      return { total, gridSize: space.gridSize, dims };
    },
    'sweep.start': async ({ spec, graph, name, replace }) => {
      const parsed = parseSweepSpec(spec, 'sweep');
      if (parsed.modelFile && !storedFiles.info(parsed.modelFile.hash)) {
        throw new UsageError(`the model file ${parsed.modelFile.name} is not kept in the database (sha256 ${parsed.modelFile.hash.slice(0, 12)}…); load it again`);
      }
      const model = parseGraph(graph);
      const profiles = parsed.devices.map(device);
      return launch((o) => startSweep(store, parsed, { ...o, name, replace, graph: model, profiles }));
    },
    'sweep.cancel': async ({ session }) => {
      const controller = running.get(session);
      controller?.abort();
      return { cancelled: controller !== undefined };
    },
    'sessions.list': async () => sessionList(store),
    'sessions.get': async ({ name }) => {
      const { detail, prepared, summary } = cache.view(name);
      return {
        summary,
        spec: detail.spec,
        graph: graphToNative(prepared.graph),
        devices: prepared.devices,
        clients: detail.clients,
        created: detail.created,
      };
    },
    'sessions.results': async ({ name }) => resultTable(cache.columns(name)),
    'sessions.columns': async ({ name }) => cache.columns(name),
    'sessions.rename': async ({ name, newName }) => {
      store.renameSession(name, newName);
      cache.forget(name);
      return null;
    },
    'sessions.delete': async ({ name }) => {
      if (!store.getSession(name)) throw new UsageError(`no session named "${name}"`);
      store.deleteSession(name);
      cache.forget(name);
      return null;
    },
    'sessions.resume': async ({ name }) => launch((o) => startResume(store, name, o)),
    'sessions.compare': async ({ a, b }) => compareSessions(store, a, b),
    'export.csv': async ({ name, front }) => ({
      fileName: `${name}${front ? '-front' : ''}.csv`,
      mime: 'text/csv',
      text: exportCsv(store, name, { front }),
    }),
    'export.configurations': async ({ name, front, best }) => ({
      fileName: `${name}-${best ? `best-${best}` : 'front'}.json`,
      mime: 'application/json',
      text: JSON.stringify(exportChosen(store, name, { front, bestClient: best }), null, 2),
    }),
    'export.artifact': async ({ name, format, best, config }) => ({
      fileName: format === 'tflm' ? `${name}-${best ? `best-${best}` : `config-${config}`}.h` : `${name}-${best ? `best-${best}` : `config-${config}`}.keras.json`,
      mime: format === 'tflm' ? 'text/x-c++hdr' : 'application/json',
      text: exportArtifact(store, name, format, { bestClient: best, config }),
    }),
    'export.model': async ({ name, format, best, config, calibration }) => {
      const paths = new StoredPaths(storedFiles, 'frontier-export-data-');
      try {
        const fallbackCalibration = calibration ? calibrationOf(calibration, paths) : undefined;
        const file = await exportModelFile(store, storedFiles, name, format, { bestClient: best, config, fallbackCalibration });
        return {
          fileName: file.fileName,
          mime: format === 'tflite' ? 'application/vnd.tensorflow.lite' : 'application/onnx',
          text: '',
          base64: Buffer.from(file.bytes.buffer, file.bytes.byteOffset, file.bytes.byteLength).toString('base64'),
        };
      } catch (error) {
        if (error instanceof CalibrationNeeded) {
          throw new UsageError(
            `no calibration data: this ${error.precision.toUpperCase()} configuration of a float model needs samples to set its ` +
              `scales, and session ${name} was swept without them. Choose data in the Data panel (a spread sample of it ` +
              `calibrates the file), or export it with frontier export ${name} --format ${format} --calibration-data DATA.npy`,
          );
        }
        throw paths.plainError(error);
      } finally {
        paths.close();
      }
    },
    'export.bundle': async ({ name }) => ({
      fileName: `${name}.frontier.json`,
      mime: 'application/json',
      text: JSON.stringify(exportBundle(store, name)),
    }),
    'import.bundle': async ({ text, name, replace }) => ({ session: importBundle(store, text, { name, replace }) }),
    ...evaluations.handlers,
  };

  return {
    handlers,
    events: { on: events.on },
    close: () => {
      for (const controller of running.values()) controller.abort();
      evaluations.close();
      void supply?.close();
      db.close();
    },
    dbPath: options.dbPath,
  };
}
