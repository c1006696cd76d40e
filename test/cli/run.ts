// Runs the real `frontier` command in a child process, as a user would.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

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
