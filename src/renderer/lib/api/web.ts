// The web host's transport: POST /api/<method> with the per-run token, server-sent events for progress.
import type { ApiErrorPayload, EventName, Events, FrontierBridge, Method, Params, Result } from '../../../shared/api';
import { EVENT_NAMES } from '../../../shared/api';
import { BINARY_MIME, decodeBinary } from '../../../shared/binary';

export class ApiError extends Error {
  constructor(
    message: string,
    readonly kind: ApiErrorPayload['kind'],
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export function webBridge(location: Location): FrontierBridge {
  const token = new URLSearchParams(location.search).get('token') ?? '';
  const listeners = new Map<EventName, Set<(payload: never) => void>>();
  let source: EventSource | null = null;
  const connect = (): void => {
    if (source) return;
    source = new EventSource(`/api/events?token=${encodeURIComponent(token)}`);
    for (const name of EVENT_NAMES) {
      source.addEventListener(name, (event) => {
        const payload = JSON.parse((event as MessageEvent).data);
        for (const listener of listeners.get(name) ?? []) (listener as (p: unknown) => void)(payload);
      });
    }
  };
  return {
    async invoke<M extends Method>(method: M, params: Params<M>): Promise<Result<M>> {
      const response = await fetch(`/api/${method}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'X-Frontier-Token': token },
        body: JSON.stringify(params),
      });
      const binary = (response.headers.get('Content-Type') ?? '').startsWith(BINARY_MIME);
      const body = (binary ? decodeBinary(await response.arrayBuffer()) : await response.json().catch(() => null)) as
        | { ok: true; result: Result<M> }
        | { ok: false; error: ApiErrorPayload }
        | null;
      if (!body) throw new ApiError(`the web host answered ${response.status} without a readable body`, 'internal');
      if (!body.ok) throw new ApiError(body.error.message, body.error.kind);
      return body.result;
    },
    on<E extends EventName>(event: E, listener: (payload: Events[E]) => void): () => void {
      connect();
      const set = listeners.get(event) ?? new Set();
      set.add(listener as (payload: never) => void);
      listeners.set(event, set);
      return () => set.delete(listener as (payload: never) => void);
    },
  };
}
