// The Electron transport of src/shared/api.ts, as plain functions (electron is imported for types only, so this is
// testable in Node). One invoke channel carries every method; replies are envelopes, never thrown errors, because
// Electron strips everything but the message from an error that crosses IPC.
import type { IpcMainInvokeEvent } from 'electron';
import {
  EVENT_NAMES,
  PARAMS,
  isMethod,
  type ApiErrorPayload,
  type EventName,
  type Events,
  type Method,
  type Params,
  type Result,
} from '../../shared/api';
import { MAX_JSON_DEPTH, nestingMessage, valueNestingExceeds } from '../../shared/json';

export const INVOKE_CHANNEL = 'frontier:invoke';
export const EVENT_CHANNEL = 'frontier:event';
export const MENU_CHANNEL = 'frontier:menu';

export type InvokeReply = { ok: true; result: unknown } | { ok: false; error: ApiErrorPayload };

export type Handlers = { [M in Method]: (params: Params<M>) => Promise<Result<M>> };

export interface EventSource {
  on<E extends EventName>(event: E, listener: (payload: Events[E]) => void): () => void;
}

/** Who sent an invoke: the URL of the sending frame (null when the frame is gone) and whether it is a top frame. */
export interface Sender {
  url: string | null;
  topLevel: boolean;
}

export function senderOf(event: Pick<IpcMainInvokeEvent, 'senderFrame'>): Sender {
  const frame = event.senderFrame;
  if (!frame) return { url: null, topLevel: false };
  return { url: frame.url, topLevel: frame.parent === null };
}

export interface InvokeOptions {
  handlers: Handlers;
  /** Whether a URL is the app's own page. */
  isAppUrl: (url: string) => boolean;
  /** Maps a thrown error to the payload the renderer sees (the services' errorPayload). */
  toError: (error: unknown) => ApiErrorPayload;
  /** Called after a method succeeded (the main process refreshes its Recent sessions menu). */
  onSuccess?: (method: Method) => void;
}

const fail = (kind: ApiErrorPayload['kind'], message: string): InvokeReply => ({ ok: false, error: { kind, message } });

/** The body of ipcMain.handle('frontier:invoke'): checks the sender, the method and the params, then runs it. */
export function createInvokeHandler(
  options: InvokeOptions,
): (sender: Sender, method: unknown, params: unknown) => Promise<InvokeReply> {
  return async (sender, method, params) => {
    if (sender.url === null || !sender.topLevel || !options.isAppUrl(sender.url)) {
      return fail('usage', 'refused: the request did not come from the Frontier window');
    }
    if (typeof method !== 'string' || !isMethod(method)) {
      const shown = typeof method === 'string' ? JSON.stringify(method.slice(0, 80)) : typeof method;
      return fail('invalid', `unknown method ${shown}`);
    }
    // The same bound as HTTP bodies: the schemas and error messages walk the value recursively.
    if (valueNestingExceeds(params, MAX_JSON_DEPTH)) return fail('invalid', `the parameters are ${nestingMessage(MAX_JSON_DEPTH)}`);
    try {
      const parsed = PARAMS[method].parse(params ?? {});
      const handler = options.handlers[method] as (p: unknown) => Promise<unknown>;
      const result = await handler(parsed);
      options.onSuccess?.(method);
      return { ok: true, result };
    } catch (error) {
      return { ok: false, error: options.toError(error) };
    }
  };
}

/** Subscribes to every service event and passes each to `send`; returns the unsubscribe. */
export function forwardEvents(events: EventSource, send: (name: EventName, payload: unknown) => void): () => void {
  const offs = EVENT_NAMES.map((name) => events.on(name, (payload) => send(name, payload)));
  return () => {
    for (const off of offs) off();
  };
}

/** Methods after which the list of sessions may have changed. */
export const SESSION_CHANGING_METHODS: ReadonlySet<Method> = new Set<Method>([
  'sweep.start',
  'sessions.rename',
  'sessions.delete',
  'sessions.resume',
  'import.bundle',
]);
