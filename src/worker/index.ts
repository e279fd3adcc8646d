/**
 * The worker process: runs one job for the job host (src/core/node/jobs/job-host.ts) and exits.
 * Started by `child_process.fork` (through tsx, from the TypeScript sources) or, in the packaged
 * app, as an Electron `utilityProcess`. It never opens the store: the host sends a
 * self-contained task and records what comes back.
 */
import { connectToParent } from './channel.js';
import { serveOneJob } from './run-job.js';

const channel = connectToParent();

// An error that escapes the job (a bug, a stray callback) is reported before the process ends,
// so the job fails with its message rather than only an exit code.
const worker = serveOneJob(channel, (code) => process.exit(code));
process.on('uncaughtException', (error) => void worker.reportFatal(error));
process.on('unhandledRejection', (reason) => void worker.reportFatal(reason));

void channel.send({ type: 'ready', pid: process.pid });
