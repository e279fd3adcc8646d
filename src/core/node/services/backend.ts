import type { TinyDeployError } from '../../common/errors.js';
import type { Services } from '../../../shared/services/types.js';
import { JobHost, type JobHostOptions } from '../jobs/index.js';
import { openStore, type Store, type StoreOptions } from '../store/index.js';
import { createServices, type ServicesOptions } from './create-services.js';

export interface BackendOptions extends ServicesOptions {
  /** The data folder: Electron's userData, or `--data-dir` for the CLI and browser mode. */
  dataDirectory: string;
  /** Job host options (the worker launcher: `utilityProcess` in Electron, fork elsewhere). */
  jobs?: JobHostOptions;
  /** Store options (test hooks: a database that cannot grow, as on a full disk). */
  store?: StoreOptions;
}

export interface Backend {
  store: Store;
  jobs: JobHost;
  services: Services;
  /**
   * What the user should know although the back end started: a full disk at start-up (the store
   * is then read-only: projects can be seen, nothing saved, no job run).
   */
  warnings: readonly TinyDeployError[];
  /** Stops the job host (running jobs end `interrupted`, workers are killed), then closes the store. */
  close(): Promise<void>;
}

/**
 * Everything behind the services in one call, for Electron main and `tinydeploy serve`: opens
 * the store in the data folder (creating it, migrating it; refusing one from a newer version),
 * starts the job host (which marks jobs a previous run left unfinished `interrupted`, or finds
 * the disk full and makes the store read-only, with a warning) and creates the services.
 */
export function startBackend(options: BackendOptions): Backend {
  const store = openStore(options.dataDirectory, options.store);
  let jobs: JobHost;
  try {
    jobs = new JobHost(store, options.jobs);
  } catch (error) {
    store.close();
    throw error;
  }
  const services = createServices(store, jobs, options);
  let closing: Promise<void> | undefined;
  return {
    store,
    jobs,
    services,
    warnings: jobs.warnings,
    close() {
      closing ??= jobs.close().finally(() => store.close());
      return closing;
    },
  };
}
