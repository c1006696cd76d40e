// A stored session as the exports need it: found by name, or refused with the names there are.
import { UsageError } from '../../shared/cli/valueList';
import type { SessionDetail, SessionStore } from '../store';

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
