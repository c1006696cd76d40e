// The Electron transport's logic without Electron: who may invoke, how methods and params are checked, how errors
// and events travel; which URLs are the app's own; the menu template.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it, vi } from 'vitest';
import { EVENT_NAMES, METHODS, type EventName, type Events, type SessionListEntry } from '../../src/shared/api';
import { ValidationError } from '../../src/shared/validate';
import {
  SESSION_CHANGING_METHODS,
  createInvokeHandler,
  forwardEvents,
  senderOf,
  type Handlers,
} from '../../src/main/electron/ipc';
import { MENU_ACTIONS, buildMenuTemplate, menuLabel, recentSessions, type MenuAction } from '../../src/main/electron/menu';
import { MAX_MODEL_FILE_BYTES, readModelForRenderer } from '../../src/main/electron/modelFile';
import { appUrlMatcher, externalUrl } from '../../src/main/electron/urls';
import { errorPayload } from '../../src/main/services/handlers';

const rendererIndex = join('/opt', 'Frontier', 'resources', 'app.asar', 'out', 'renderer', 'index.html');
const appUrl = pathToFileURL(rendererIndex).href;
const isAppUrl = appUrlMatcher({ rendererIndex, platform: 'linux' });
const app = { url: appUrl, topLevel: true };

function fakeHandlers(overrides: Partial<Handlers> = {}): Handlers {
  const handlers = {} as Record<string, unknown>;
  for (const m of METHODS) handlers[m] = async () => ({ method: m });
  return { ...(handlers as unknown as Handlers), ...overrides };
}

describe('createInvokeHandler', () => {
  it('refuses parameters nested deeper than 100 levels as invalid input, before any schema walks them', async () => {
    const handler = vi.fn(async () => ({}) as never);
    const invoke = createInvokeHandler({ handlers: fakeHandlers({ 'devices.save': handler }), isAppUrl, toError: errorPayload });
    let deep: unknown = {};
    for (let i = 0; i < 100_000; i++) deep = { x: deep };
    expect(await invoke(app, 'devices.save', { profile: deep })).toEqual({
      ok: false,
      error: { kind: 'invalid', message: 'the parameters are nested deeper than 100 levels' },
    });
    expect(handler).not.toHaveBeenCalled();
  });

  it('runs a method with parsed params and wraps the result', async () => {
    const list = vi.fn(async () => [] as SessionListEntry[]);
    const get = vi.fn(async () => ({ name: 'x' }) as never);
    const invoke = createInvokeHandler({ handlers: fakeHandlers({ 'sessions.list': list, 'sessions.get': get }), isAppUrl, toError: errorPayload });
    expect(await invoke(app, 'sessions.list', {})).toEqual({ ok: true, result: [] });
    expect(await invoke(app, 'sessions.get', { name: 'exam' })).toEqual({ ok: true, result: { name: 'x' } });
    expect(get).toHaveBeenCalledWith({ name: 'exam' });
  });

  it('treats missing params as {} for methods without params', async () => {
    const invoke = createInvokeHandler({ handlers: fakeHandlers(), isAppUrl, toError: errorPayload });
    expect(await invoke(app, 'app.info', undefined)).toEqual({ ok: true, result: { method: 'app.info' } });
  });

  it('refuses senders that are not the app page, frames that are gone, and subframes', async () => {
    const handler = vi.fn(async () => [] as SessionListEntry[]);
    const invoke = createInvokeHandler({ handlers: fakeHandlers({ 'sessions.list': handler }), isAppUrl, toError: errorPayload });
    for (const sender of [
      { url: 'https://evil.example/', topLevel: true },
      { url: 'file:///tmp/index.html', topLevel: true },
      { url: null, topLevel: false },
      { url: appUrl, topLevel: false },
    ]) {
      const reply = await invoke(sender, 'sessions.list', {});
      expect(reply.ok).toBe(false);
      if (!reply.ok) expect(reply.error.message).toMatch(/refused/);
    }
    expect(handler).not.toHaveBeenCalled();
  });

  it('rejects unknown methods, including inherited property names', async () => {
    const invoke = createInvokeHandler({ handlers: fakeHandlers(), isAppUrl, toError: errorPayload });
    for (const method of ['nope', 'constructor', '__proto__', 'toString', 42, null]) {
      const reply = await invoke(app, method, {});
      expect(reply).toMatchObject({ ok: false, error: { kind: 'invalid' } });
    }
  });

  it('rejects params that do not match the schema before the handler runs', async () => {
    const handler = vi.fn(async () => null);
    const invoke = createInvokeHandler({ handlers: fakeHandlers({ 'sessions.delete': handler }), isAppUrl, toError: errorPayload });
    const reply = await invoke(app, 'sessions.delete', { name: 7 });
    expect(reply).toMatchObject({ ok: false, error: { kind: 'invalid' } });
    if (!reply.ok) expect(reply.error.message).toMatch(/name/);
    expect(handler).not.toHaveBeenCalled();
  });

  it('turns a thrown error into its payload, and reports successes', async () => {
    const onSuccess = vi.fn();
    const invoke = createInvokeHandler({
      handlers: fakeHandlers({
        'sessions.rename': async () => null,
        'sessions.delete': async () => {
          throw new ValidationError('input.name', 'no such session');
        },
        'app.info': async () => {
          throw new Error('boom');
        },
      }),
      isAppUrl,
      toError: errorPayload,
      onSuccess,
    });
    expect(await invoke(app, 'sessions.delete', { name: 'x' })).toEqual({
      ok: false,
      error: { kind: 'invalid', message: 'input.name: no such session' },
    });
    expect(await invoke(app, 'app.info', {})).toEqual({ ok: false, error: { kind: 'internal', message: 'boom' } });
    expect(onSuccess).not.toHaveBeenCalled();
    await invoke(app, 'sessions.rename', { name: 'a', newName: 'b' });
    expect(onSuccess).toHaveBeenCalledWith('sessions.rename');
    expect(SESSION_CHANGING_METHODS.has('sessions.rename')).toBe(true);
  });

  it('reads the sender from an IPC event', () => {
    expect(senderOf({ senderFrame: null })).toEqual({ url: null, topLevel: false });
    const frame = { url: appUrl, parent: null } as never;
    expect(senderOf({ senderFrame: frame })).toEqual({ url: appUrl, topLevel: true });
  });
});

describe('forwardEvents', () => {
  it('forwards every event name and unsubscribes from all', () => {
    const listeners = new Map<EventName, (payload: never) => void>();
    const offs: EventName[] = [];
    const source = {
      on<E extends EventName>(event: E, listener: (payload: Events[E]) => void): () => void {
        listeners.set(event, listener as (payload: never) => void);
        return () => offs.push(event);
      },
    };
    const sent: [EventName, unknown][] = [];
    const stop = forwardEvents(source, (name, payload) => sent.push([name, payload]));
    expect([...listeners.keys()].sort()).toEqual([...EVENT_NAMES].sort());
    (listeners.get('sweep.finished') as (p: Events['sweep.finished']) => void)({ session: 's', status: 'done' });
    expect(sent).toEqual([['sweep.finished', { session: 's', status: 'done' }]]);
    stop();
    expect(offs.sort()).toEqual([...EVENT_NAMES].sort());
  });
});

describe('appUrlMatcher', () => {
  it('accepts the renderer index.html, with or without a query and fragment', () => {
    expect(isAppUrl(appUrl)).toBe(true);
    expect(isAppUrl(`${appUrl}#/results`)).toBe(true);
    expect(isAppUrl(`${appUrl}?x=1`)).toBe(true);
  });
  it('refuses other files, other schemes and look-alikes', () => {
    for (const url of [
      pathToFileURL(join('/opt', 'Frontier', 'resources', 'app.asar', 'out', 'renderer', 'other.html')).href,
      pathToFileURL('/etc/passwd').href,
      `${appUrl}.html`,
      'file://evil.example/opt/Frontier/resources/app.asar/out/renderer/index.html',
      'http://localhost:5173/',
      'https://example.com/',
      'javascript:alert(1)',
      'not a url',
    ]) {
      expect(isAppUrl(url), url).toBe(false);
    }
  });
  it('accepts the dev server origin only when one is given', () => {
    const dev = appUrlMatcher({ rendererIndex, devServerUrl: 'http://localhost:5173/', platform: 'linux' });
    expect(dev('http://localhost:5173/')).toBe(true);
    expect(dev('http://localhost:5173/src/main.ts')).toBe(true);
    expect(dev('http://localhost:5174/')).toBe(false);
    expect(dev('http://127.0.0.1:5173/')).toBe(false);
    expect(dev(appUrl)).toBe(true);
  });
  it('resolves dot segments before comparing', () => {
    expect(isAppUrl(appUrl.replace('/out/renderer/', '/out/renderer/../renderer/'))).toBe(true);
    expect(isAppUrl(appUrl.replace('/out/renderer/index.html', '/out/main/../../out/renderer/index.html'))).toBe(true);
  });
});

describe('externalUrl', () => {
  it('lets plain web links out and nothing else', () => {
    expect(externalUrl('https://www.st.com/en/microcontrollers.html')).toBe('https://www.st.com/en/microcontrollers.html');
    expect(externalUrl('http://example.com')).toBe('http://example.com/');
    for (const url of ['file:///etc/passwd', 'javascript:alert(1)', 'smb://host/share', 'https://user:pw@example.com/', 'nope']) {
      expect(externalUrl(url), url).toBeNull();
    }
  });
});

describe('menu template', () => {
  type Item = { label?: string; role?: string; accelerator?: string; enabled?: boolean; submenu?: Item[]; click?: () => void };
  const sessions: SessionListEntry[] = [
    { name: 'old', status: 'done', configs: 8, total: 8, created: '2025-01-01T00:00:00Z', model: 'm', devices: [] },
    { name: 'R&D', status: 'done', configs: 12, total: 12, created: '2025-03-01T00:00:00Z', model: 'm', devices: [] },
  ];
  const make = (platform: NodeJS.Platform, recent = sessions, isDev = false) => {
    const sent: [MenuAction, unknown][] = [];
    const openModel = vi.fn();
    const about = vi.fn();
    const template = buildMenuTemplate({
      platform,
      isDev,
      appName: 'Frontier',
      recent,
      send: (action, detail) => sent.push([action, detail]),
      openModel,
      about,
    }) as Item[];
    const all: Item[] = [];
    const walk = (items: Item[]): void => {
      for (const i of items) {
        all.push(i);
        if (Array.isArray(i.submenu)) walk(i.submenu);
      }
    };
    walk(template);
    const byLabel = (label: string): Item => {
      const found = all.find((i) => i.label === label);
      if (!found) throw new Error(`no menu item ${label}`);
      return found;
    };
    return { template, all, byLabel, sent, openModel, about };
  };

  it('has File, View and Help with the documented accelerators', () => {
    const { template, byLabel } = make('linux');
    expect(template.map((t) => t.label ?? t.role)).toEqual(['&File', 'editMenu', '&View', '&Help']);
    expect(byLabel('Open Model…').accelerator).toBe('CmdOrCtrl+O');
    expect(byLabel('Open Session…').accelerator).toBe('CmdOrCtrl+Shift+O');
    expect(byLabel('Export…').accelerator).toBe('CmdOrCtrl+E');
    ['Model', 'Device', 'Sweep', 'Results', 'Sessions'].forEach((label, i) =>
      expect(byLabel(label).accelerator).toBe(`CmdOrCtrl+${i + 1}`),
    );
  });

  it('sends the menu actions to the renderer, and opens models and About in the main process', () => {
    const { byLabel, sent, openModel, about } = make('linux');
    byLabel('Open Model…').click?.();
    expect(openModel).toHaveBeenCalledTimes(1);
    for (const label of ['Open Session…', 'Export…', 'Model', 'Device', 'Sweep', 'Results', 'Sessions', 'Conventions']) {
      byLabel(label).click?.();
    }
    expect(sent.map(([a]) => a)).toEqual([
      'open-session',
      'export',
      'view:model',
      'view:device',
      'view:sweep',
      'view:results',
      'view:sessions',
      'help:conventions',
    ]);
    for (const [action] of sent) expect(MENU_ACTIONS).toContain(action);
    byLabel('About Frontier').click?.();
    expect(about).toHaveBeenCalledTimes(1);
  });

  it('lists recent sessions newest first, escaping & in labels, and opens one by name', () => {
    const { byLabel, sent } = make('linux');
    const recent = byLabel('Recent Sessions').submenu ?? [];
    expect(recent.map((i) => i.label)).toEqual(['R&&D (12)', 'old (8)']);
    recent[0].click?.();
    expect(sent).toEqual([['session:R&D', undefined]]);
  });

  it('says so when there are no sessions', () => {
    const { byLabel } = make('linux', []);
    expect(byLabel('Recent Sessions').submenu).toEqual([{ label: 'No sessions yet', enabled: false }]);
  });

  it('limits the recent list', () => {
    const many = Array.from({ length: 25 }, (_, i) => ({ ...sessions[0], name: `s${i}`, created: `2025-01-${String(i + 1).padStart(2, '0')}` }));
    expect(recentSessions(many).map((s) => s.name)).toEqual(['s24', 's23', 's22', 's21', 's20', 's19', 's18', 's17', 's16', 's15']);
  });

  it('offers Quit on Windows and Linux, the app and window menus on macOS, developer tools only in development', () => {
    const linux = make('linux');
    expect(linux.all.some((i) => i.role === 'quit')).toBe(true);
    expect(linux.all.some((i) => i.role === 'toggleDevTools')).toBe(false);
    const mac = make('darwin', sessions, true);
    expect(mac.template.map((t) => t.label ?? t.role)).toEqual(['Frontier', '&File', 'editMenu', '&View', 'windowMenu', '&Help']);
    expect(mac.all.some((i) => i.role === 'toggleDevTools')).toBe(true);
  });

  it('escapes ampersands', () => {
    expect(menuLabel('a & b')).toBe('a && b');
  });
});

describe('readModelForRenderer', () => {
  it('reads a file as model.load wants it', async () => {
    const file = join(import.meta.dirname, '..', '..', 'package.json');
    const read = await readModelForRenderer(file);
    expect(read.name).toBe('package.json');
    expect(Buffer.from(read.base64, 'base64').toString('utf8')).toContain('"name": "frontier"');
  });
  it('names the file when it cannot be read', async () => {
    await expect(readModelForRenderer('/nonexistent/model.keras')).rejects.toThrow(/model\.keras: cannot read/);
  });
  it('fits the model.load size limit', () => {
    expect(Math.ceil(MAX_MODEL_FILE_BYTES / 3) * 4).toBeLessThanOrEqual(200_000_000);
  });
});
