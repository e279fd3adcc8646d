// Jobs: the host that queues jobs and runs each in a worker process (see job-host.ts).
export { JobHost } from './job-host.js';
export type { JobHostOptions } from './job-host.js';
export { jobKindHandlers, jobKinds } from './job-kinds.js';
export type { JobKindHandler, OutputOf, TaskOf } from './job-kinds.js';
export type { JobKindDescriptor } from './kinds/descriptor.js';
export { defaultWorkerEntry, forkWorker } from './worker-port.js';
export type { ForkWorkerOptions, WorkerExit, WorkerLauncher, WorkerPort } from './worker-port.js';
export { isHostMessage, isWorkerMessage } from './protocol.js';
export type { HostMessage, WorkerMessage, WorkerOutput, WorkerTask } from './protocol.js';
