// The sweep store: one SQLite file of sessions and their results.
export { StoreError } from './errors';
export { openDatabase, schemaVersion, FRONTIER_APPLICATION_ID, DEFAULT_BUSY_TIMEOUT_MS } from './database';
export type { Db, OpenOptions } from './database';
export { MIGRATIONS, LATEST_SCHEMA_VERSION } from './migrations/index';
export type { Migration } from './migrations/index';
export { resolveDbPath, dbPathFor, protectedDatabases, defaultDbPath, platformDbPath, DB_FILE_NAME } from './paths';
export type { PathContext } from './paths';
export * from './sessions';
export { UserDevices } from './userDevices';
export { StoredFiles, fileHash, MAX_STORED_FILE_BYTES } from './storedFiles';
export type { StoredFileInfo, StoredFileKind } from './storedFiles';
export { EvaluationCache } from './evaluationCache';
export type { CachedEvaluation } from './evaluationCache';
