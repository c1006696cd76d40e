// A stored session as the exports need it: found by name (or refused with the names there are), its sweep prepared.
import { UsageError } from '../../shared/cli/valueList';
import type { SessionDetail, SessionStore } from '../store';
import { prepareFrom, type PreparedSweep } from './sweepJob';

/** The session of this name, or a usage error that lists the sessions there are. */
export function requireSession(store: SessionStore, name: string): SessionDetail {
  const session = store.getSession(name);
  if (session) return session;
  const names = store.listSessions().map((s) => s.name);
  const list =
    names.length === 0
      ? 'the database has no sessions yet'
      : `sessions are ${names.slice(0, 20).join(', ')}${names.length > 20 ? `, … (${names.length} in all)` : ''}`;
  throw new UsageError(`no session named "${name}"; ${list}`);
}

/** The sweep of a stored session, prepared from its stored spec, model and devices. */
export function preparedFor(store: SessionStore, session: SessionDetail): PreparedSweep {
  const stored = store.getModel(session.modelId);
  if (!stored) throw new Error(`session "${session.name}": its model is missing from the database`);
  return prepareFrom(session.spec, stored.graph, session.deviceProfiles.map((d) => d.profile));
}
