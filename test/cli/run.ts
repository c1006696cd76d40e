// Runs the `frontier` command as a user would: in a child process (`frontier`), for what is about the process
// itself (standard input, signals, another user, start-up), or in this process (`cli`), through the same `main`
// the binary calls with the same arguments and environment, its output captured line for line as the child would
// print it. Most tests use `cli`: a child process costs a second or more of start-up each.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { main } from '../../src/main/cli/main';

export const root = join(import.meta.dirname, '..', '..');
export const fixture = (name: string): string => join(root, 'test', 'fixtures', 'keras', name);

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function frontier(args: string[], env: Record<string, string> = {}): RunResult {
  const result = spawnSync(process.execPath, [join(root, 'bin', 'frontier.mjs'), ...args], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, ...env },
    timeout: 120_000,
    // A model of thousands of layers prints megabytes of JSON.
    maxBuffer: 256 * 1024 * 1024,
  });
  return { code: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

export function frontierJson<T = Record<string, unknown>>(args: string[], env: Record<string, string> = {}): T {
  const r = frontier([...args, '--json'], env);
  if (r.code !== 0) throw new Error(`frontier ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
  return JSON.parse(r.stdout) as T;
}

/**
 * Several commands in one child process, one after another: for commands whose failure would be a wait without
 * end (a FIFO opened without O_NONBLOCK), which only a child process can bound, without a start-up for each.
 */
export function frontierEach(commands: string[][], env: Record<string, string> = {}): RunResult[] {
  const result = spawnSync(process.execPath, [join(root, 'test', 'cli', 'each.mjs'), JSON.stringify(commands)], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, ...env },
    timeout: 120_000,
    maxBuffer: 256 * 1024 * 1024,
  });
  if (result.status !== 0) throw new Error(`frontier (${commands.length} commands) exited ${result.status ?? result.signal}: ${result.stderr}`);
  return JSON.parse(result.stdout) as RunResult[];
}

// One command at a time: the environment and the process's standard streams are borrowed while it runs.
let queue: Promise<unknown> = Promise.resolve();

/**
 * `frontier args…` in this process: the command's exit code and what it wrote to stdout and stderr (its own output
 * and anything else written to the process's streams meanwhile), with `env` set for the call and then restored.
 * The working directory must be the project root, as for the child process.
 */
export function cli(args: string[], env: Record<string, string> = {}): Promise<RunResult> {
  const run = queue.then(() => runInProcess(args, env));
  queue = run.catch(() => undefined);
  return run;
}

async function runInProcess(args: string[], env: Record<string, string>): Promise<RunResult> {
  if (process.cwd() !== root) throw new Error(`cli() runs from the project root ${root}, not ${process.cwd()}`);
  const saved = new Map(Object.keys(env).map((k) => [k, process.env[k]]));
  Object.assign(process.env, env);
  const out: string[] = [];
  const err: string[] = [];
  const stdoutWrite = process.stdout.write;
  const stderrWrite = process.stderr.write;
  const capture = (into: string[]) =>
    ((chunk: string | Uint8Array) => {
      into.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
      return true;
    }) as typeof process.stdout.write;
  process.stdout.write = capture(out);
  process.stderr.write = capture(err);
  try {
    const code = await main(args, { out: (text) => out.push(text + '\n'), err: (text) => err.push(text + '\n'), isTTY: false });
    return { code, stdout: out.join(''), stderr: err.join('') };
  } finally {
    process.stdout.write = stdoutWrite;
    process.stderr.write = stderrWrite;
    for (const [k, v] of saved) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

export async function cliJson<T = Record<string, unknown>>(args: string[], env: Record<string, string> = {}): Promise<T> {
  const r = await cli([...args, '--json'], env);
  if (r.code !== 0) throw new Error(`frontier ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
  return JSON.parse(r.stdout) as T;
}
