// The preload: exposes `window.frontier` = { invoke, on, onMenu } and nothing else — no ipcRenderer, no Node API.
// It is built as CommonJS (out/preload/index.cjs) so that it runs in the sandbox, where a preload may require
// only `electron`. Every input is checked again in the main process against src/shared/api.ts.
//
// Failed calls reject with an Error whose `kind` is the ApiErrorPayload kind. Note: Electron rebuilds an Error that
// crosses contextBridge from its message alone, so in the page the rejection is an Error with the right message but
// without `kind` (https://www.electronjs.org/docs/latest/api/context-bridge#parameter--error--return-type-support).
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import type { ApiErrorPayload, EventName, Events, FrontierBridge, Method, Params, Result } from '../shared/api';

// Kept in step with src/main/electron/ipc.ts (not imported, to keep this bundle to the bare minimum).
const INVOKE_CHANNEL = 'frontier:invoke';
const EVENT_CHANNEL = 'frontier:event';
const MENU_CHANNEL = 'frontier:menu';

type InvokeReply = { ok: true; result: unknown } | { ok: false; error: ApiErrorPayload };

/** What a failed `invoke` rejects with (before it crosses the bridge). */
export interface FrontierError extends Error {
  kind: ApiErrorPayload['kind'];
}

/** Detail of a menu action (see src/main/electron/menu.ts for the actions). */
export interface MenuDetail {
  /** With 'open-model': the file the user picked in the native Open dialog, as `model.load` takes it. */
  file?: { name: string; base64: string };
}

export interface DesktopBridge extends FrontierBridge {
  /** Native menu commands: 'open-model' (with detail.file), 'open-session', 'session:<name>', 'export',
   * 'view:<step>', 'help:conventions'. */
  onMenu(listener: (action: string, detail?: MenuDetail) => void): () => void;
}

function toFrontierError(error: Partial<ApiErrorPayload> | undefined): FrontierError {
  const message = typeof error?.message === 'string' && error.message !== '' ? error.message : 'the request failed';
  return Object.assign(new Error(message), { name: 'FrontierError', kind: error?.kind ?? 'internal' });
}

function subscribe(channel: string, handler: (...args: unknown[]) => void): () => void {
  const wrapped = (_event: IpcRendererEvent, ...args: unknown[]): void => handler(...args);
  ipcRenderer.on(channel, wrapped);
  return () => {
    ipcRenderer.removeListener(channel, wrapped);
  };
}

const bridge = {
  async invoke<M extends Method>(method: M, params: Params<M>): Promise<Result<M>> {
    let reply: InvokeReply;
    try {
      reply = (await ipcRenderer.invoke(INVOKE_CHANNEL, method, params)) as InvokeReply;
    } catch (error) {
      // The reply never came (the main process failed or the arguments could not be cloned).
      throw toFrontierError({ message: (error as Error)?.message, kind: 'internal' });
    }
    if (reply && reply.ok === true) return reply.result as Result<M>;
    throw toFrontierError(reply && reply.ok === false ? reply.error : undefined);
  },

  on<E extends EventName>(event: E, listener: (payload: Events[E]) => void): () => void {
    if (typeof listener !== 'function') throw new TypeError('frontier.on: the listener must be a function');
    return subscribe(EVENT_CHANNEL, (name, payload) => {
      if (name === event) listener(payload as Events[E]);
    });
  },

  onMenu(listener: (action: string, detail?: MenuDetail) => void): () => void {
    if (typeof listener !== 'function') throw new TypeError('frontier.onMenu: the listener must be a function');
    return subscribe(MENU_CHANNEL, (action, detail) => {
      if (typeof action === 'string') listener(action, (detail ?? undefined) as MenuDetail | undefined);
    });
  },
} satisfies DesktopBridge;

contextBridge.exposeInMainWorld('frontier', bridge);
