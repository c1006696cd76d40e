// The one configuration a board file is made of: a client's choice (`--best`) or a stored configuration
// (`--config N`), with the session's rebuilt sweep and how the file names its origin.
import { UsageError } from '../../shared/cli/valueList';
import type { SessionDetail, SessionStore } from '../store';
import { describeConfiguration, preparedFor, type ConfigurationSettings, type PreparedSweep } from './sweepJob';
import { requireSession } from './storedSession';
import { exportChosen, type ChosenOptions } from './exportChosen';

export interface SelectedConfiguration {
  session: SessionDetail;
  prepared: PreparedSweep;
  idx: number;
  settings: ConfigurationSettings;
  /** In words, for the file's header and messages: "session exam, client client1's choice (configuration #1)". */
  origin: string;
  /** For file names: `best-client1` or `config-3`. */
  label: string;
}

/** The configuration `options` names; `what` names the file in the usage errors ("a tflm file"). */
export function selectConfiguration(store: SessionStore, name: string, what: string, options: ChosenOptions): SelectedConfiguration {
  if (options.front) throw new UsageError(`--front applies to json and csv; ${what} is one configuration`);
  if ((options.bestClient === undefined) === (options.config === undefined)) {
    throw new UsageError(`${what} is one configuration: give --best CLIENT or --config N`);
  }
  const session = requireSession(store, name);
  const prepared = preparedFor(store, session);
  let idx: number;
  let origin: string;
  let label: string;
  if (options.bestClient !== undefined) {
    const entry = exportChosen(store, name, { bestClient: options.bestClient }).configurations[0];
    idx = entry.idx;
    origin = `session ${name}, client ${options.bestClient}'s choice (configuration #${idx})`;
    label = `best-${options.bestClient}`;
  } else {
    idx = options.config as number;
    if (!Number.isInteger(idx) || idx < 0 || store.readResultsByIdx(session.id, [idx]).length === 0) {
      throw new UsageError(
        `session "${name}" has no stored configuration #${options.config}; its ${session.configs.toLocaleString('en-US')} ` +
          `stored configurations are numbered from 0 to ${(session.total - 1).toLocaleString('en-US')}`,
      );
    }
    origin = `session ${name}, configuration #${idx}`;
    label = `config-${idx}`;
  }
  return { session, prepared, idx, settings: describeConfiguration(prepared, idx), origin, label };
}
