// Every schema version, in order. Add a file per version (002-….ts) and append it here; never edit a shipped one.
import { migration001 } from './001-initial';
import { migration002 } from './002-user-devices';
import { migration003 } from './003-stored-files';
import { migration004 } from './004-evaluations';
import { migration005 } from './005-measured-accuracy';
import type { Migration } from './types';

export type { Migration } from './types';

export const MIGRATIONS: readonly Migration[] = [migration001, migration002, migration003, migration004, migration005];

/** The schema version this Frontier writes and reads up to. */
export const LATEST_SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1].version;
