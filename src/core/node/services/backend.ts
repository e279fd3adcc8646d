import type { Services } from '../../../shared/services/types.js';
import { JobHost, type JobHostOptions } from '../jobs/index.js';
import { openStore, type Store } from '../store/index.js';
import { createServices, type ServicesOptions } from './create-services.js';

export interface BackendOptions extends ServicesOptions {
  /** The data folder: Electron's userData, or `--data-dir` for the CLI and browser mode. */
  dataDirectory: string;
  /** Job host options (the worker launcher: `utilityProcess` in Electron, fork elsewhere). */
  jobs?: JobHostOptions;
}

export interface Backend {
  store: Store;
  jobs: JobHost;
  services: Services;
  /** Stops the job host (running jobs end `interrupted`, workers are killed), then closes the store. */
  close(): Promise<void>;
}

/**
 * Everything behind the services in one call, for Electron main and `tinydeploy serve`: opens
 * the store in the data folder (creating it, migrating it; refusing one from a newer version),
 * starts the job host (which marks jobs a previous run left unfinished `interrupted`) and
 * creates the services.
 */
export function startBackend(options: BackendOptions): Backend {
  const store = openStore(options.dataDirectory);
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
    close() {
      closing ??= jobs.close().finally(() => store.close());
      return closing;
    },
  };
}
