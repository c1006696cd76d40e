// The MLPerf Tiny closed-division latencies (data/mlperf-tiny/): parsing the CSV text and grouping its rows.
// A group is one (round, submitter, system) of the closed division: the same board and software stack measured
// on the reference models. Pure: the caller reads the file.

/** The MLPerf Tiny benchmark → the Frontier preset that is its reference model. */
export const BENCHMARK_PRESETS: Readonly<Record<string, string>> = {
  vww: 'mlperf-vww',
  ic: 'mlperf-ic',
  kws: 'mlperf-kws',
  ad: 'mlperf-ad',
};
export const BENCHMARKS = ['vww', 'ic', 'kws', 'ad'] as const;

export interface PublicRow {
  version: string;
  division: string;
  submitter: string;
  system: string;
  mcu: string;
  core: string;
  /** Clock in MHz, or null when the submission gives none. */
  mhz: number | null;
  stack: string;
  benchmark: string;
  latencyS: number;
  sourcePath: string;
  board: string;
  accelerator: string;
}

export interface PublicGroup {
  /** `version/submitter/system`. */
  key: string;
  version: string;
  submitter: string;
  system: string;
  core: string;
  mhz: number | null;
  stack: string;
  accelerator: string;
  /** Benchmark → its row. */
  rows: Map<string, PublicRow>;
}

/** RFC 4180 CSV: quoted fields may hold commas, quotes ("") and newlines. */
export function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let field = '';
  let record: string[] = [];
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      record.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      record.push(field);
      records.push(record);
      record = [];
      field = '';
    } else field += c;
  }
  if (field !== '' || record.length > 0) {
    record.push(field);
    records.push(record);
  }
  return records.filter((r) => !(r.length === 1 && r[0] === ''));
}

export function parsePublicRows(text: string): PublicRow[] {
  const [header, ...records] = parseCsv(text);
  const col = (name: string): number => {
    const i = header.indexOf(name);
    if (i < 0) throw new Error(`MLPerf Tiny CSV: column "${name}" is missing`);
    return i;
  };
  const c = {
    version: col('version'),
    division: col('division'),
    submitter: col('submitter'),
    system: col('system'),
    mcu: col('mcu'),
    core: col('core'),
    mhz: col('mhz'),
    stack: col('stack'),
    benchmark: col('benchmark'),
    latency: col('latency_ms'),
    source: col('source_path'),
    board: col('board'),
    accelerator: col('accelerator'),
  };
  return records.map((r, i) => {
    const latencyMs = Number(r[c.latency]);
    if (!(latencyMs > 0)) throw new Error(`MLPerf Tiny CSV: row ${i + 2}: latency_ms must be positive, got "${r[c.latency]}"`);
    const mhz = Number(r[c.mhz]);
    return {
      version: r[c.version],
      division: r[c.division],
      submitter: r[c.submitter],
      system: r[c.system],
      mcu: r[c.mcu],
      core: r[c.core],
      mhz: r[c.mhz] !== '' && mhz > 0 ? mhz : null,
      stack: r[c.stack],
      benchmark: r[c.benchmark],
      latencyS: latencyMs / 1000,
      sourcePath: r[c.source],
      board: r[c.board],
      accelerator: r[c.accelerator],
    };
  });
}

/** Closed-division groups in file order; `complete` keeps only those with all four benchmarks. */
export function publicGroups(rows: readonly PublicRow[], complete = true): PublicGroup[] {
  const groups = new Map<string, PublicGroup>();
  for (const row of rows) {
    if (row.division !== 'closed') continue;
    const key = `${row.version}/${row.submitter}/${row.system}`;
    let group = groups.get(key);
    if (!group) {
      group = {
        key,
        version: row.version,
        submitter: row.submitter,
        system: row.system,
        core: row.core,
        mhz: row.mhz,
        stack: row.stack,
        accelerator: row.accelerator,
        rows: new Map(),
      };
      groups.set(key, group);
    }
    group.rows.set(row.benchmark, row);
  }
  return [...groups.values()].filter((g) => !complete || BENCHMARKS.every((b) => g.rows.has(b)));
}

/** How a figure taken from the data is cited: round, submitter, system, benchmark and the result file. */
export function citeRow(row: PublicRow): string {
  return `MLPerf Tiny ${row.version} closed, ${row.submitter}, ${row.system}, ${row.benchmark}: ${(row.latencyS * 1000).toPrecision(5)} ms (${row.sourcePath})`;
}
