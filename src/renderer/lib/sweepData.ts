// The data a sweep measures its accuracy on, as the Sweep view sends it: the Data panel's choice (DataRef) named
// the way a sweep spec names data (SweepData). Pure: no DOM, so the CLI-side tests can check it.
import type { DataRef } from '../../shared/evaluations';
import type { SweepData } from '../../shared/sweep/types';

/**
 * The Data panel's data as a sweep names it: paths as they are; an upload (kept in the database by its hash) as a
 * stored file, with its name standing for the path in messages.
 */
export function sweepDataOf(ref: DataRef): SweepData {
  const name = (f: DataRef['data']): string => f.name ?? `upload ${(f.hash ?? '').slice(0, 12)}`;
  const stored = {
    ...(ref.data.hash ? { data: { hash: ref.data.hash, name: name(ref.data) } } : {}),
    ...(ref.labels?.hash ? { labels: { hash: ref.labels.hash, name: name(ref.labels) } } : {}),
  };
  return {
    path: ref.data.path ?? name(ref.data),
    ...(ref.labels ? { labels: ref.labels.path ?? name(ref.labels) } : {}),
    ...(ref.dataKeys && ref.dataKeys.length > 0 ? { dataKeys: [...ref.dataKeys] } : {}),
    ...(stored.data || stored.labels ? { stored } : {}),
  };
}
