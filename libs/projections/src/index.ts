export type { Projection } from './projection.js';
export {
  ProjectionRunner,
  type ProjectionReadiness,
  type ProjectionRunnerOptions,
  type ProjectionStatus,
  type StartOptions,
} from './projection-runner.js';
export type { AppliedEvent } from './projection-track.js';
export { CheckpointStore } from './checkpoint-store.js';
export { withStatementCache } from './statement-cache.js';
export {
  defaultMigrationsDir,
  openReadModelDatabase,
  prepareReadModelDatabase,
  type ReadModelDatabase,
  type ReadModelDatabaseOptions,
} from './read-model-database.js';
export { applyMigrations, listAppliedMigrations, type AppliedMigration } from './migrations.js';
export { readMigrationFiles, type MigrationFile } from './migration-files.js';
export {
  MigrationError,
  ProjectionError,
  ProjectionFailedError,
  ProjectionInterruptedError,
  ProjectionLagTimeoutError,
  type LaggingProjection,
} from './errors.js';
