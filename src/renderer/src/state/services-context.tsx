/**
 * How components reach the services: one React context holding the `Services` the entry point
 * connected (Electron's preload bridge, browser mode's WebSocket, or the fake in UI tests), plus
 * small hooks for loading data and following jobs and devices as their events arrive.
 */

import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState } from 'react';
import type { ReactNode } from 'react';
import type { DeviceListing, Job, Services } from '../../../shared/services/types.js';
import { isActive } from './job-rules.js';

const ServicesContext = createContext<Services | null>(null);

export function ServicesProvider({ services, children }: { services: Services; children: ReactNode }) {
  return (
    <ServicesContext.Provider value={services}>
      <JobsProvider services={services}>{children}</JobsProvider>
    </ServicesContext.Provider>
  );
}

/** The services of this window; a component outside the provider is a programming error. */
export function useServices(): Services {
  const services = useContext(ServicesContext);
  if (!services) throw new Error('useServices() used outside <ServicesProvider>');
  return services;
}

export interface Query<T> {
  data: T | undefined;
  error: Error | undefined;
  loading: boolean;
  /** Loads again (after a change the component made itself). */
  reload: () => void;
}

/**
 * Loads `load()` for `key`, and again whenever `version` changes or `reload()` is called. Data of
 * one key is never shown as another's: a new key starts empty, while a new version keeps showing
 * the previous answer until the next one arrives (no flash of an empty screen when a finished job
 * refreshes a list). An answer that arrives after a newer request started is dropped. A null key
 * loads nothing.
 */
export function useQuery<T>(key: string | null, load: () => Promise<T>, version: string | number = 0): Query<T> {
  const [state, setState] = useState<{ key: string | null; data?: T; error?: Error; loading: boolean }>({ key: null, loading: key !== null });
  const [generation, setGeneration] = useState(0);
  const loadRef = useRef(load);
  loadRef.current = load;

  useEffect(() => {
    if (key === null) {
      setState({ key, loading: false });
      return;
    }
    let current = true;
    setState((previous) => (previous.key === key ? { ...previous, loading: true } : { key, loading: true }));
    loadRef.current().then(
      (data) => current && setState({ key, data, loading: false }),
      (error: unknown) => current && setState((previous) => ({ key, data: previous.key === key ? previous.data : undefined, error: asError(error), loading: false })),
    );
    return () => {
      current = false;
    };
  }, [key, version, generation]);

  const reload = useCallback(() => setGeneration((value) => value + 1), []);
  const same = state.key === key;
  return { data: same ? state.data : undefined, error: same ? state.error : undefined, loading: state.loading || !same, reload };
}

export function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

// ---- jobs --------------------------------------------------------------------------------

interface JobsState {
  /** Every job the window knows, by id, newest state first come. */
  jobs: ReadonlyMap<string, Job>;
  /** Set once the first list arrived. */
  loaded: boolean;
  error: Error | undefined;
}

const JobsContext = createContext<JobsState>({ jobs: new Map(), loaded: false, error: undefined });

/**
 * Follows every job: lists them once, then applies each `onJobChanged` event. Events that arrive
 * before the list answers are kept (the list never overwrites a newer event's state).
 */
function JobsProvider({ services, children }: { services: Services; children: ReactNode }) {
  const [state, setState] = useState<JobsState>({ jobs: new Map(), loaded: false, error: undefined });
  useEffect(() => {
    let active = true;
    const seen = new Set<string>();
    const unsubscribe = services.jobs.onJobChanged((job) => {
      seen.add(job.id);
      setState((previous) => ({ ...previous, jobs: new Map(previous.jobs).set(job.id, job) }));
    });
    services.jobs.list({}).then(
      (jobs) => {
        if (!active) return;
        setState((previous) => {
          const next = new Map(previous.jobs);
          for (const job of jobs) if (!seen.has(job.id)) next.set(job.id, job);
          return { jobs: next, loaded: true, error: undefined };
        });
      },
      (error: unknown) => active && setState((previous) => ({ ...previous, loaded: true, error: asError(error) })),
    );
    return () => {
      active = false;
      unsubscribe();
    };
  }, [services]);
  return <JobsContext.Provider value={state}>{children}</JobsContext.Provider>;
}

/** Jobs of a project (every job when `projectId` is undefined), newest first. */
export function useJobs(projectId?: string): { jobs: Job[]; loaded: boolean; error: Error | undefined } {
  const state = useContext(JobsContext);
  const jobs = useMemo(
    () => [...state.jobs.values()].filter((job) => projectId === undefined || job.projectId === projectId).sort((a, b) => b.createdAt.localeCompare(a.createdAt)),
    [state.jobs, projectId],
  );
  return { jobs, loaded: state.loaded, error: state.error };
}

export { isActive };

/**
 * A number that grows each time a job of the project finishes: a query keyed on it reloads
 * measurements and variants when a deploy or an optimization completes.
 */
export function useFinishedJobsCount(projectId: string | undefined): number {
  const { jobs } = useJobs(projectId);
  return jobs.filter((job) => !isActive(job)).length;
}

// ---- devices -----------------------------------------------------------------------------

/** The device listing, kept current by `onDevicesChanged` (a board plugged or unplugged). */
export function useDevices(): { listing: DeviceListing | undefined; error: Error | undefined } {
  const services = useServices();
  const [state, setState] = useState<{ listing?: DeviceListing; error?: Error }>({});
  useEffect(() => {
    let active = true;
    let evented = false;
    const unsubscribe = services.devices.onDevicesChanged((listing) => {
      evented = true;
      setState({ listing });
    });
    services.devices.list().then(
      (listing) => active && !evented && setState({ listing }),
      (error: unknown) => active && setState((previous) => ({ ...previous, error: asError(error) })),
    );
    return () => {
      active = false;
      unsubscribe();
    };
  }, [services]);
  return { listing: state.listing, error: state.error };
}
