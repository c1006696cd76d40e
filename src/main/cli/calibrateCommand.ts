// `frontier calibrate MEASUREMENTS.json [--out PROFILE.json [--force]] [--leave-one-out] [--json]`: a device profile whose
// latency is fitted to measured latencies (docs/latency.md).
import { UsageError } from '../../shared/cli/valueList';
import { deviceProfileToJson } from '../../shared/deviceProfile';
import { duration } from '../../shared/format';
import type { CalibrationReport, FitEntry } from '../../shared/latency/calibrate';
import { checkOutputTarget, writeOutputFile, type OutputOptions } from '../files/writeFile';
import { protectedDatabases } from '../store/paths';
import { calibrateFile } from '../services/calibration';
import { parseArgs } from './args';
import type { Io } from './io';
import { renderTable } from './table';

export const CALIBRATE_USAGE = 'frontier calibrate <measurements.json> [--out PROFILE.json [--force]] [--leave-one-out] [--json]';

const pct = (x: number): string => `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)} %`;

function table(title: string, entries: FitEntry[]): string {
  return renderTable(
    [title, 'precision', 'measured', 'predicted', 'error'],
    entries.map((e) => [e.model, e.precision, duration(e.measuredS), duration(e.predictedS), pct(e.error)]),
    [false, false, true, true, true],
  );
}

export function renderCalibration(report: CalibrationReport, leaveOneOut: boolean): string {
  const p = report.profile;
  const band = p.latency?.band;
  const lines = [
    `${p.name} (${p.id}): ${p.latency?.basis}`,
    band ? `Band: ×${band.lowFactor.toFixed(3)}–×${band.highFactor.toFixed(3)} of a prediction (80 %; ${band.basis})` : '',
    '',
    table('fit', report.fit),
  ];
  if (leaveOneOut) {
    lines.push('', table('leave-one-out', report.leaveOneOut));
    if (report.medianAbsError !== null) lines.push(`Median |leave-one-out error|: ${(report.medianAbsError * 100).toFixed(1)} %`);
  }
  return lines.filter((l, i) => l !== '' || i > 0).join('\n');
}

export async function calibrateCommand(argv: string[], io: Io): Promise<number> {
  const args = parseArgs('calibrate', argv, { out: 'string', force: 'bool', 'leave-one-out': 'bool', json: 'bool' });
  if (args.positionals.length !== 1) throw new UsageError(`calibrate needs one measurements file\nusage: ${CALIBRATE_USAGE}`);
  const out = args.strings.get('out');
  if (out === undefined && args.bools.has('force')) throw new UsageError('--force applies to --out FILE');
  const guard: OutputOptions = { databases: protectedDatabases(), force: args.bools.has('force') };
  // Checked before the calibration runs: a refused target is said at once and stays as it was.
  if (out !== undefined) checkOutputTarget(out, guard);
  const report = await calibrateFile(args.positionals[0]);
  const leaveOneOut = args.bools.has('leave-one-out');
  if (leaveOneOut && report.fit.length < 2) {
    throw new UsageError('--leave-one-out needs at least two measurements (one is left out, one calibrates)');
  }
  if (out !== undefined) {
    writeOutputFile(out, `${JSON.stringify(deviceProfileToJson(report.profile), null, 2)}\n`, guard);
    io.err(`wrote ${out}`);
  }
  if (args.bools.has('json')) {
    io.out(
      JSON.stringify(
        {
          profile: deviceProfileToJson(report.profile),
          fit: report.fit,
          ...(leaveOneOut ? { leaveOneOut: report.leaveOneOut, medianAbsError: report.medianAbsError } : {}),
        },
        null,
        2,
      ),
    );
    return 0;
  }
  io.out(renderCalibration(report, leaveOneOut));
  return 0;
}
