// Built-in runtimes: the catalog's metadata joined with what was fitted on the public data, and how a board and a
// runtime become one device profile.
import type { DeviceProfile } from '../devices';
import { UsageError } from '../cli/valueList';
import { bandFromLogSd, type LatencyModel } from './model';
import { CORE_NAMES, RUNTIME_CATALOG, type RuntimeInfo } from './catalog';
import type { CycleFit, FittedData, RuntimeFit } from './fittedTypes';
import { FITTED } from './runtimes.generated';
import type { RuntimeRef } from './runtimeRef';
import { TERMS, type PrecisionRates } from './work';

export interface RuntimeProfile extends RuntimeInfo {
  fit: RuntimeFit | null;
}

export const BUILTIN_RUNTIMES: readonly RuntimeProfile[] = RUNTIME_CATALOG.map((info) => ({
  ...info,
  fit: FITTED.runtimes[info.id] ?? null,
}));

export function fittedData(): FittedData {
  return FITTED;
}

export function findRuntime(id: string): RuntimeProfile | undefined {
  const key = id.trim().toLowerCase();
  return BUILTIN_RUNTIMES.find((r) => r.id === key);
}

export const runtimeIds = (): string[] => BUILTIN_RUNTIMES.map((r) => r.id);

export function unknownRuntimeMessage(id: string): string {
  return `unknown runtime ${JSON.stringify(id)}: built-in runtimes are ${runtimeIds().join(', ')}`;
}

export function resolveRuntime(id: string): RuntimeProfile {
  const found = findRuntime(id);
  if (!found) throw new UsageError(unknownRuntimeMessage(id));
  return found;
}

/** The log rate ratio of a precision to int8 under a runtime, or undefined when the runtime has none. */
export function precisionOffset(runtime: RuntimeProfile, precision: string): { mean: number; sd: number; source: string } | undefined {
  if (precision === 'int8') return { mean: 0, sd: 0, source: 'reference precision' };
  const fitted = runtime.fit?.precisionOffsets[precision];
  if (fitted) return fitted;
  const factor = runtime.precisionFactors?.[precision];
  return factor ? { mean: Math.log(factor.factor), sd: factor.sd, source: factor.source } : undefined;
}

/** Why a runtime cannot run on a board, or null when it can. */
export function incompatibility(board: DeviceProfile, runtime: RuntimeProfile): string | null {
  if (runtime.vendors && board.vendor && !runtime.vendors.includes(board.vendor)) {
    return `${runtime.name} runs on ${runtime.vendors.join(', ')} parts only; ${board.id} is made by ${board.vendor}`;
  }
  if (runtime.cores && board.core && !new RegExp(runtime.cores).test(board.core)) {
    return `${runtime.name} does not run on ${CORE_NAMES[board.core] ?? board.core} (${board.id})`;
  }
  const precisions = runtime.precisions.filter((p) => Object.hasOwn(board.throughput, p));
  if (precisions.length === 0) {
    return `${runtime.name} runs ${runtime.precisions.join(', ')}, none of which ${board.id} lists`;
  }
  return null;
}

interface Placement {
  fit: CycleFit;
  basis: RuntimeRef['basis'];
  from?: string;
  /** Log factor applied to every cycle count (core transfer). */
  logFactor: number;
  logSd: number;
  words: string;
}

function place(board: DeviceProfile, runtime: RuntimeProfile): Placement {
  const fit = runtime.fit;
  const core = board.core as string;
  const coreName = CORE_NAMES[core] ?? core;
  const zero = fit?.zeroShotLogSd ?? FITTED.transferLogSd;
  if (fit?.boards[board.id]) {
    const f = fit.boards[board.id];
    return { fit: f, basis: 'measured', logFactor: 0, logSd: zero, words: `measured on this board (${f.boards.join(', ')})` };
  }
  if (fit?.cores[core]) {
    const f = fit.cores[core];
    return {
      fit: f,
      basis: 'transferred',
      from: f.boards.join(', '),
      logFactor: 0,
      logSd: zero,
      words: `transferred from ${f.boards.join(', ')} (same core, ${coreName}, same clock cycles)`,
    };
  }
  const target = FITTED.coreFactors[core];
  const candidates = Object.keys(fit?.cores ?? {}).filter((c) => FITTED.coreFactors[c] !== undefined);
  if (fit && target && candidates.length > 0) {
    // Prefer the source core whose factor is nearest the target's (the most similar micro-architecture).
    const source = candidates.sort(
      (a, b) => Math.abs(FITTED.coreFactors[a].log - target.log) - Math.abs(FITTED.coreFactors[b].log - target.log),
    )[0];
    const f = fit.cores[source];
    const logFactor = target.log - FITTED.coreFactors[source].log;
    const via = [...new Set([...target.runtimes, ...FITTED.coreFactors[source].runtimes])].join(', ');
    return {
      fit: f,
      basis: 'transferred',
      from: f.boards.join(', '),
      logFactor,
      logSd: Math.hypot(zero, FITTED.transferLogSd),
      words:
        `transferred from ${f.boards.join(', ')} (${CORE_NAMES[source] ?? source}) with the ${coreName} / ` +
        `${CORE_NAMES[source] ?? source} cycle ratio ${Math.exp(logFactor).toFixed(2)} of ${via}`,
    };
  }
  throw new UsageError(
    `${runtime.name} has no published timing on ${coreName} or on a core Frontier can relate to it; ` +
      `measure a model on ${board.id} and run frontier calibrate`,
  );
}

/**
 * The device profile of a board running a runtime: the board's memory and precisions, the runtime's latency
 * model in seconds (cycles ÷ the board's clock) and its RAM. Throws a UsageError naming the problem when the
 * runtime cannot run there or the board lacks what the conversion needs (core, clock).
 */
export function withRuntime(board: DeviceProfile, runtime: RuntimeProfile): DeviceProfile {
  const problem = incompatibility(board, runtime);
  if (problem) throw new UsageError(problem);
  if (!board.core) {
    throw new UsageError(
      `${board.id} names no core ("core": "cortex-m4", …), so ${runtime.name}'s cycles per core cannot apply; ` +
        'add it to the device file, or calibrate (frontier calibrate)',
    );
  }
  if (!board.clockHz) {
    throw new UsageError(
      `${board.id} gives no clock ("clockHz"), so ${runtime.name}'s cycles cannot become seconds; ` +
        'add it to the device file, or calibrate (frontier calibrate)',
    );
  }
  const placement = place(board, runtime);
  const clock = board.clockHz;
  const scale = Math.exp(placement.logFactor) / clock;
  const [conv, depthwise, dense, element, op, inference] = placement.fit.cycles.map((c) => c * scale);
  const rates: Record<string, PrecisionRates> = {};
  const precisions = runtime.precisions.filter((p) => Object.hasOwn(board.throughput, p));
  for (const p of precisions) {
    const offset = precisionOffset(runtime, p);
    if (!offset) continue;
    const f = Math.exp(offset.mean);
    rates[p] = { conv: conv * f, depthwise: depthwise * f, dense: dense * f, element: element * f };
  }
  const basis = `${runtime.name} on ${board.name}: ${placement.words}`;
  const latency: LatencyModel = {
    rates,
    perOpS: op,
    perInferenceS: inference,
    band: bandFromLogSd(
      placement.logSd,
      `${runtime.name}, ${placement.basis}: cross-validated on the MLPerf Tiny data (a board predicted without ` +
        `its own measurements)${placement.basis === 'transferred' && placement.logFactor !== 0 ? ', widened for the core transfer' : ''}`,
    ),
    basis,
  };
  const cycleSources = Object.fromEntries(
    TERMS.map((t, k) => [`latency.${t}`, `${placement.fit.cycles[k].toPrecision(4)} cycles (int8) — ${placement.words}; ${placement.fit.sources.join('; ')}`]),
  );
  const ref: RuntimeRef = {
    id: runtime.id,
    name: runtime.name,
    persistentRamBytes: runtime.persistentRamBytes,
    basis: placement.basis,
    ...(placement.from ? { from: placement.from } : {}),
    sources: { ...runtime.sources },
  };
  return {
    ...board,
    id: `${board.id}+${runtime.id}`,
    name: `${board.name} · ${runtime.name}`,
    runtimeRamBytes: runtime.persistentRamBytes ?? board.runtimeRamBytes,
    runtimeFlashBytes: runtime.codeFlashBytes ?? board.runtimeFlashBytes,
    latency,
    runtime: ref,
    sources: {
      ...board.sources,
      ...(runtime.persistentRamBytes !== null ? { runtimeRamBytes: runtime.sources.persistentRamBytes } : {}),
      ...(runtime.codeFlashBytes !== null ? { runtimeFlashBytes: runtime.sources.codeFlashBytes } : {}),
      ...cycleSources,
    },
  };
}

/** Whether a profile is a board already combined with one of the built-in runtimes (`board+runtime`). */
export function isCombined(profile: DeviceProfile): boolean {
  const r = profile.runtime;
  return r !== undefined && r.basis !== 'calibrated' && profile.id.endsWith(`+${r.id}`);
}

/** The board id of a profile: the part before `+runtime` for a combined profile, else its id. */
export function boardIdOf(profile: DeviceProfile): string {
  return isCombined(profile) ? profile.id.slice(0, -((profile.runtime as RuntimeRef).id.length + 1)) : profile.id;
}

/**
 * Boards × runtimes, board-major: every board under every runtime named. Profiles already combined with one of
 * the runtimes (as a stored session keeps them) pass through, so expanding twice changes nothing. Without runtimes
 * the profiles are returned as they are.
 */
export function expandRuntimes(profiles: readonly DeviceProfile[], runtimeIds: readonly string[] | undefined): DeviceProfile[] {
  if (!runtimeIds || runtimeIds.length === 0) return [...profiles];
  const runtimes = runtimeIds.map(resolveRuntime);
  return profiles.flatMap((p) =>
    isCombined(p) && runtimeIds.includes((p.runtime as RuntimeRef).id) ? [p] : runtimes.map((r) => withRuntime(p, r)),
  );
}

/** `board+runtime` → its parts, when the part after the last `+` is a built-in runtime; otherwise null. */
export function splitCombinedId(id: string): { board: string; runtime: RuntimeProfile } | null {
  const at = id.lastIndexOf('+');
  if (at <= 0) return null;
  const runtime = findRuntime(id.slice(at + 1));
  return runtime ? { board: id.slice(0, at), runtime } : null;
}
