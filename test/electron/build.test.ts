// The desktop build: runs `electron-vite build` (into a temporary directory, so that it never races with an `out/`
// another test or the web host is reading) and checks the layout the Electron main relies on; then loads the built
// preload as the sandbox would — CommonJS, with a fake `electron` module — and checks what it exposes.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { builtinModules, createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Script } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
const require = createRequire(import.meta.url);
let outDir: string;
let build: { status: number | null; output: string };

beforeAll(() => {
  outDir = mkdtempSync(join(tmpdir(), 'frontier-build-'));
  const bin = join(dirname(require.resolve('electron-vite/package.json')), 'bin', 'electron-vite.js');
  const result = spawnSync(process.execPath, [bin, 'build', '--outDir', outDir, '--logLevel', 'warn'], {
    cwd: root,
    encoding: 'utf8',
    timeout: 240_000,
    env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
  });
  build = { status: result.status, output: `${result.stdout ?? ''}${result.stderr ?? ''}${result.error?.message ?? ''}` };
}, 300_000);

afterAll(() => {
  if (outDir) rmSync(outDir, { recursive: true, force: true });
});

const built = (path: string): string => join(outDir, path);
const text = (path: string): string => readFileSync(built(path), 'utf8');

describe('electron-vite build', () => {
  it('succeeds', () => {
    expect(build.status, build.output).toBe(0);
  });

  it('writes out/main/index.js, out/preload/index.cjs and out/renderer/index.html', () => {
    for (const path of ['main/index.js', 'preload/index.cjs', 'renderer/index.html']) {
      expect(existsSync(built(path)), `${path}\n${build.output}`).toBe(true);
    }
  });

  it('package.json points Electron at the built main', () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { main?: string; scripts: Record<string, string> };
    expect(pkg.main).toBe('out/main/index.js');
    expect(pkg.scripts.build).toBe('electron-vite build');
  });

  it('bundles the sweep worker as its own chunk, loaded relative to the main bundle', () => {
    const main = text('main/index.js');
    const match = /new Worker\(new URL\("\.\/(chunks\/worker-[\w-]+\.js)", import\.meta\.url\)/.exec(main);
    expect(match, 'the ?nodeWorker factory').not.toBeNull();
    const worker = readFileSync(built(`main/${(match as RegExpExecArray)[1]}`), 'utf8');
    expect(worker).toMatch(/parentPort/);
    expect(worker).not.toMatch(/tsx/);
  });

  it('keeps electron and better-sqlite3 external and bundles the rest', () => {
    const main = text('main/index.js');
    expect(main).toMatch(/from "electron";/);
    expect(main).toMatch(/from "better-sqlite3";/);
    // Node's own modules are no dependencies (fflate's Node build imports `module`, without the `node:` prefix).
    const bare = [...main.matchAll(/^import .* from "([^".][^"]*)";$/gm)]
      .map((m) => m[1])
      .filter((s) => !s.startsWith('node:') && !builtinModules.includes(s));
    expect(new Set(bare)).toEqual(new Set(['electron', 'better-sqlite3']));
  });

  it('the renderer page loads its assets relative to itself (it is opened from file://)', () => {
    const html = text('renderer/index.html');
    const refs = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]);
    expect(refs.length).toBeGreaterThan(0);
    for (const ref of refs) expect(ref.startsWith('./'), ref).toBe(true);
    expect(html).toMatch(/http-equiv="Content-Security-Policy"/);
    const js = readdirSync(built('renderer/assets')).filter((f) => f.endsWith('.js'));
    for (const f of js) expect(readFileSync(built(`renderer/assets/${f}`), 'utf8')).not.toMatch(/require\("electron"\)|from "electron"/);
  });
});

describe('the built preload', () => {
  interface FakeIpc {
    invoked: unknown[][];
    reply: unknown;
    listeners: Map<string, Set<(...args: unknown[]) => void>>;
  }

  function loadPreload(): { requires: string[]; exposed: Record<string, unknown>; ipc: FakeIpc; emit: (channel: string, ...args: unknown[]) => void } {
    const code = text('preload/index.cjs');
    const requires: string[] = [];
    const exposed: Record<string, unknown> = {};
    const ipc: FakeIpc = { invoked: [], reply: null, listeners: new Map() };
    const electron = {
      contextBridge: {
        exposeInMainWorld: (key: string, api: unknown) => {
          exposed[key] = api;
        },
      },
      ipcRenderer: {
        invoke: async (...args: unknown[]) => {
          ipc.invoked.push(args);
          if (ipc.reply instanceof Error) throw ipc.reply;
          return ipc.reply;
        },
        on: (channel: string, fn: (...args: unknown[]) => void) => {
          const set = ipc.listeners.get(channel) ?? new Set();
          set.add(fn);
          ipc.listeners.set(channel, set);
        },
        removeListener: (channel: string, fn: (...args: unknown[]) => void) => {
          ipc.listeners.get(channel)?.delete(fn);
        },
      },
    };
    const fakeRequire = (id: string): unknown => {
      requires.push(id);
      if (id === 'electron') return electron;
      throw new Error(`the sandboxed preload cannot require ${id}`);
    };
    const module = { exports: {} };
    // A CommonJS script: compiling it as a classic script fails on any ESM import/export.
    const fn = new Script(`(function (require, module, exports) {\n${code}\n})`, { filename: 'index.cjs' }).runInThisContext() as (
      r: typeof fakeRequire,
      m: typeof module,
      e: unknown,
    ) => void;
    fn(fakeRequire, module, module.exports);
    const emit = (channel: string, ...args: unknown[]): void => {
      for (const l of ipc.listeners.get(channel) ?? []) l({ sender: 'ipc-event' }, ...args);
    };
    return { requires, exposed, ipc, emit };
  }

  it('is CommonJS that requires only electron', () => {
    const code = text('preload/index.cjs');
    expect(code).not.toMatch(/^\s*(import|export)\s/m);
    expect(() => new Script(code)).not.toThrow();
    expect(loadPreload().requires).toEqual(['electron']);
  });

  it('exposes window.frontier with exactly invoke, on and onMenu', () => {
    const { exposed } = loadPreload();
    expect(Object.keys(exposed)).toEqual(['frontier']);
    expect(Object.keys(exposed.frontier as object).sort()).toEqual(['invoke', 'on', 'onMenu']);
    for (const value of Object.values(exposed.frontier as object)) expect(typeof value).toBe('function');
  });

  type Bridge = {
    invoke(method: string, params: unknown): Promise<unknown>;
    on(event: string, listener: (payload: unknown) => void): () => void;
    onMenu(listener: (action: string, detail?: unknown) => void): () => void;
  };

  it('invoke sends method and params on frontier:invoke and unwraps the reply', async () => {
    const { exposed, ipc } = loadPreload();
    const bridge = exposed.frontier as Bridge;
    ipc.reply = { ok: true, result: [1, 2] };
    await expect(bridge.invoke('sessions.list', {})).resolves.toEqual([1, 2]);
    expect(ipc.invoked).toEqual([['frontier:invoke', 'sessions.list', {}]]);
  });

  it('invoke rejects with an Error carrying the kind when the call failed', async () => {
    const { exposed, ipc } = loadPreload();
    const bridge = exposed.frontier as Bridge;
    ipc.reply = { ok: false, error: { kind: 'invalid', message: 'input.name: must not be empty' } };
    const error = (await bridge.invoke('sessions.get', { name: '' }).catch((e: unknown) => e)) as Error & { kind: string };
    expect(error).toBeInstanceOf(Error);
    expect(error.message).toBe('input.name: must not be empty');
    expect(error.kind).toBe('invalid');
    ipc.reply = new Error('An object could not be cloned.');
    const broken = (await bridge.invoke('app.info', {}).catch((e: unknown) => e)) as Error & { kind: string };
    expect([broken.message, broken.kind]).toEqual(['An object could not be cloned.', 'internal']);
    ipc.reply = undefined;
    const empty = (await bridge.invoke('app.info', {}).catch((e: unknown) => e)) as Error & { kind: string };
    expect(empty.kind).toBe('internal');
  });

  it('on delivers only its event, without the IPC event object, until unsubscribed', () => {
    const { exposed, emit, ipc } = loadPreload();
    const bridge = exposed.frontier as Bridge;
    const got: unknown[] = [];
    const off = bridge.on('sweep.progress', (payload) => got.push(payload));
    emit('frontier:event', 'sweep.finished', { session: 'a', status: 'done' });
    emit('frontier:event', 'sweep.progress', { session: 'a', done: 1, total: 2 });
    expect(got).toEqual([{ session: 'a', done: 1, total: 2 }]);
    off();
    emit('frontier:event', 'sweep.progress', { session: 'a', done: 2, total: 2 });
    expect(got).toHaveLength(1);
    expect(ipc.listeners.get('frontier:event')?.size).toBe(0);
  });

  it('onMenu delivers menu actions with their detail', () => {
    const { exposed, emit } = loadPreload();
    const bridge = exposed.frontier as Bridge;
    const got: unknown[][] = [];
    const off = bridge.onMenu((action, detail) => got.push([action, detail]));
    emit('frontier:menu', 'view:results');
    emit('frontier:menu', 'open-model', { file: { name: 'm.json', base64: 'e30=' } });
    off();
    emit('frontier:menu', 'export');
    expect(got).toEqual([
      ['view:results', undefined],
      ['open-model', { file: { name: 'm.json', base64: 'e30=' } }],
    ]);
  });
});
