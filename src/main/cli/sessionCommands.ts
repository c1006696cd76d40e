// `frontier sessions`, `show`, `delete`, `rename`: the sessions in the database.
import { checkSessionName } from '../../shared/sessionName';
import { UsageError } from '../../shared/cli/valueList';
import { sessionList, sessionSummary } from '../services/sweeps';
import { parseArgs } from './args';
import type { Io } from './io';
import { openStore } from './storeAccess';
import { report, sessionWords } from './sweepCommand';
import { renderTable } from './table';

export const SESSIONS_USAGE = 'frontier sessions [--db FILE] [--json]';
export const SHOW_USAGE = 'frontier show <session> [--db FILE] [--json]';
export const DELETE_USAGE = 'frontier delete <session> [--db FILE]';
export const RENAME_USAGE = 'frontier rename <session> <new name> [--db FILE]';

export async function sessionsCommand(argv: string[], io: Io): Promise<number> {
  const args = parseArgs('sessions', argv, { db: 'string', json: 'bool' });
  if (args.positionals.length > 0) throw new UsageError(`usage: ${SESSIONS_USAGE}`);
  const { store, db } = openStore(args.strings.get('db'), { readOnly: true });
  try {
    const sessions = sessionList(store);
    if (args.bools.has('json')) {
      io.out(JSON.stringify({ sessions }, null, 2));
      return 0;
    }
    if (sessions.length === 0) {
      io.out('no sessions yet: run `frontier sweep …`');
      return 0;
    }
    io.out(
      renderTable(
        ['name', 'model', 'devices', 'configs', 'status', 'created'],
        sessions.map((s) => [s.name, s.model, s.devices.join(', '), `${s.configs.toLocaleString('en-US')}/${s.total.toLocaleString('en-US')}`, s.status, s.created]),
        [false, false, false, true, false, false],
      ),
    );
    return 0;
  } finally {
    db.close();
  }
}

export async function showCommand(argv: string[], io: Io): Promise<number> {
  const args = parseArgs('show', argv, { db: 'string', json: 'bool' });
  if (args.positionals.length !== 1) throw new UsageError(`usage: ${SHOW_USAGE}`);
  const { store, db } = openStore(args.strings.get('db'), { readOnly: true });
  try {
    report(sessionSummary(store, args.positionals[0]), args.bools.has('json'), io, sessionWords(store, args.positionals[0]));
    return 0;
  } finally {
    db.close();
  }
}

export async function deleteCommand(argv: string[], io: Io): Promise<number> {
  const args = parseArgs('delete', argv, { db: 'string' });
  if (args.positionals.length !== 1) throw new UsageError(`usage: ${DELETE_USAGE}`);
  const { store, db } = openStore(args.strings.get('db'));
  try {
    if (!store.getSession(args.positionals[0])) throw new UsageError(`no session named "${args.positionals[0]}"`);
    store.deleteSession(args.positionals[0]);
    io.err(`deleted session ${args.positionals[0]}`);
    return 0;
  } finally {
    db.close();
  }
}

export async function renameCommand(argv: string[], io: Io): Promise<number> {
  const args = parseArgs('rename', argv, { db: 'string' });
  if (args.positionals.length !== 2) throw new UsageError(`usage: ${RENAME_USAGE}`);
  checkSessionName('rename', args.positionals[1]);
  const { store, db } = openStore(args.strings.get('db'));
  try {
    store.renameSession(args.positionals[0], args.positionals[1]);
    io.err(`renamed ${args.positionals[0]} to ${args.positionals[1]}`);
    return 0;
  } finally {
    db.close();
  }
}
