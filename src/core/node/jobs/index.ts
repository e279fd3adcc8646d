// Jobs: the host that queues jobs and runs each in a worker process (see job-host.ts).
export { JobHost } from './job-host.js';
export type { JobHostOptions } from './job-host.js';
export { deployJob, evaluateJob, jobKindHandlers, optimizeJob } from './job-kinds.js';
export type { DeployJobParams, DeployJobResult, EvaluateJobParams, EvaluateJobResult, JobKindHandler, OptimizeJobParams, OptimizeJobResult } from './job-kinds.js';
export { defaultWorkerEntry, forkWorker } from './worker-port.js';
export type { ForkWorkerOptions, WorkerExit, WorkerLauncher, WorkerPort } from './worker-port.js';
export { isHostMessage, isWorkerMessage } from './protocol.js';
export type { DeployOutput, DeployTask, EvaluateOutput, EvaluateTask, OptimizeOutput, OptimizeTask, HostMessage, WorkerMessage, WorkerOutput, WorkerTask } from './protocol.js';
