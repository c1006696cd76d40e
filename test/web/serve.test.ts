// `frontier serve` as a user runs it: the URL (with its real port and token) first on stdout, the API answering
// with the token and refusing without it, and a clean exit 0 on SIGTERM.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cli, root } from '../cli/run';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'frontier-serve-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('frontier serve', () => {
  it('prints the URL first, serves the API with the token, and exits 0 on SIGTERM', async () => {
    const db = join(dir, 'serve.db');
    const child = spawn(process.execPath, [join(root, 'bin', 'frontier.mjs'), 'serve', '--port', '0', '--db', db], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => (stderr += chunk));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      child.on('exit', (code, signal) => resolve({ code, signal })),
    );
    try {
      const firstLine = await new Promise<string>((resolve, reject) => {
        const lines = createInterface({ input: child.stdout });
        lines.once('line', resolve);
        child.once('exit', (code) => reject(new Error(`frontier serve exited ${code} before printing: ${stderr}`)));
      });
      const match = /^http:\/\/127\.0\.0\.1:(\d+)\/\?token=([A-Za-z0-9_-]{43})$/.exec(firstLine);
      expect(match, firstLine).not.toBeNull();
      const [, port, token] = match!;
      expect(Number(port)).toBeGreaterThan(0);

      const info = await fetch(`http://127.0.0.1:${port}/api/app.info`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
        body: '{}',
      });
      expect(info.status).toBe(200);
      const body = (await info.json()) as { ok: boolean; result: { database: string } };
      expect(body.ok).toBe(true);
      expect(body.result.database).toBe(db);

      const sessions = await fetch(`http://127.0.0.1:${port}/api/sessions.list?token=${token}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: '{}',
      });
      expect(await sessions.json()).toEqual({ ok: true, result: [] });

      const refused = await fetch(`http://127.0.0.1:${port}/api/app.info`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: '{}',
      });
      expect(refused.status).toBe(401);
      expect(stderr).toMatch(/Ctrl-C/);
    } finally {
      child.kill('SIGTERM');
    }
    const { code, signal } = await exited;
    expect({ code, signal }, stderr).toEqual({ code: 0, signal: null });
    expect(stderr).toContain('stopped');
  });

  it.each([
    ['without a display', { DISPLAY: '', WAYLAND_DISPLAY: '' }, /could not open a browser \(there is no display here\)/],
    ['without xdg-open', { DISPLAY: ':99', WAYLAND_DISPLAY: '' }, /could not open a browser \(xdg-open is not installed\)/],
  ])('--open %s says so and prints the address to open', async (_what, display, reason) => {
    if (process.platform === 'darwin' || process.platform === 'win32') return;
    const child = spawn(process.execPath, [join(root, 'bin', 'frontier.mjs'), 'serve', '--open', '--port', '0', '--db', join(dir, 'o.db')], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
      // An empty PATH: no opener can be found.
      env: { ...process.env, ...display, PATH: dir },
    });
    let stderr = '';
    child.stderr.setEncoding('utf8');
    const exited = new Promise((resolve) => child.on('exit', resolve));
    try {
      const url = await new Promise<string>((resolve) => createInterface({ input: child.stdout }).once('line', resolve));
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no word about the browser: ${stderr}`)), 20_000);
        child.stderr.on('data', (chunk: string) => {
          stderr += chunk;
          if (reason.test(stderr) && stderr.includes(url)) {
            clearTimeout(timer);
            resolve();
          }
        });
      });
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=/);
    } finally {
      child.kill('SIGTERM');
      await exited;
    }
  });

  it('a calibration of 1,000 measurements runs off the event loop: other requests are answered meanwhile', async () => {
    const child = spawn(process.execPath, [join(root, 'bin', 'frontier.mjs'), 'serve', '--port', '0', '--db', join(dir, 'c.db')], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise((resolve) => child.on('exit', resolve));
    try {
      const url = new URL(await new Promise<string>((resolve) => createInterface({ input: child.stdout }).once('line', resolve)));
      const call = (method: string, body: unknown) =>
        fetch(`${url.origin}/api/${method}?token=${url.searchParams.get('token')}`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify(body),
        });
      const measurements = Array.from({ length: 1000 }, (_, i) => ({
        model: 'exam-cnn',
        channels: { conv1: 1 + (i % 16), conv2: 1 + ((i * 7) % 32) },
        precision: 'int8',
        latencyS: 0.02 * (1 + (i % 16) / 8) * (1 + ((i * 5) % 7) / 25),
      }));
      let done = false;
      const calibration = call('devices.calibrate', { device: 'exam-mcu', measurements }).then(async (r) => {
        done = true;
        return { status: r.status, body: (await r.json()) as { ok: boolean; result: { leaveOneOut: unknown[] } } };
      });
      // Requests one after another while the calibration runs: each is answered without waiting for it.
      let answered = 0;
      while (!done && answered < 5) {
        const info = await call('app.info', {});
        expect(info.status).toBe(200);
        if (!done) answered++;
      }
      expect(answered, 'app.info answered while the calibration ran').toBe(5);
      const result = await calibration;
      expect(result.status).toBe(200);
      expect(result.body.result.leaveOneOut).toHaveLength(1000);
    } finally {
      child.kill('SIGTERM');
      await exited;
    }
  });

  it('rejects a bad --port as a usage error (exit 2)', async () => {
    // Refused before anything starts: the command itself, in this process.
    const r = await cli(['serve', '--port', 'http', '--db', join(dir, 'x.db')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--port');
    expect(r.stdout).toBe('');
  });
});
