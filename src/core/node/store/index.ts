// The app's store: SQLite database and model files in one data folder (see store.ts).
export { isDiskFullError, openStore, Store, finishedJobStatuses } from './store.js';
export type { StoreOptions, BoardSeen, Deployment, JobUpdate, MeasurementRecord, NewDataset, NewDeployment, NewJob, NewMeasurement, NewVariant } from './store.js';
export { migrate, migrations, schemaVersion } from './migrations.js';
export type { Migration } from './migrations.js';
export { ModelFileStore } from './model-files.js';
export type { ModelFileWriter } from './model-files.js';
