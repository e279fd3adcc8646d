/**
 * The fuzzing driver: runs `cases` cases of one target in worker threads (each case's input is a
 * pure function of `(seed, case index)`), and classifies every case:
 *
 * - `clean`: a TinyDeployError was thrown (the input was refused with a proper message);
 * - `accepted`: the pipeline ran to its end;
 * - `crash`: any other exception, or the worker died of one outside the case's promise;
 * - `hang`: the case ran past the target's time limit (the worker is terminated and restarted);
 * - `oom`: the worker ran out of its heap (`resourceLimits`), the case allocated more than
 *   `arrayBufferLimitBytes` of array buffers (outside the heap), or the process passed `rssLimitBytes`.
 *
 * Each crash, hang and OOM input is saved under `findingsDir/<target>-<seed>-<case>/` with a
 * `finding.json` (seed, case, outcome, error) so it can be replayed.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { Random } from './mutate.js';
import { targets, type FuzzTarget, type TargetName } from './targets.js';
import type { WorkerReport } from './worker.js';

export type Outcome = 'clean' | 'crash' | 'hang' | 'oom' | 'accepted';

export interface Finding {
  target: TargetName;
  seed: number;
  index: number;
  outcome: Outcome;
  errorName?: string;
  message?: string;
  stack?: string;
  /** Where the input was saved, when `findingsDir` was given. */
  saved?: string;
  /** Why the input could not be saved (the finding is still counted and reported). */
  saveError?: string;
}

export interface CampaignOptions {
  target: TargetName;
  seed: number;
  cases: number;
  /** Index of the first case (default 0): cases `first` … `first + cases − 1` run. */
  first?: number;
  /** Worker threads sharing the cases. Default 1. */
  jobs?: number;
  findingsDir?: string;
  /** A worker's V8 heap limit. Default 1024 MiB. */
  maxOldGenerationSizeMb?: number;
  /** The whole process's resident memory that counts as out of memory (array buffers live outside the heap). Default 6 GiB. */
  rssLimitBytes?: number;
  /** Array buffers one case may allocate (and leave for the GC) before it counts as out of memory. Default 2 GiB. */
  arrayBufferLimitBytes?: number;
  /** Overrides the target's time limit per case. */
  timeLimitMs?: number;
  onProgress?: (done: number, counts: Record<Outcome, number>) => void;
}

export interface CampaignResult {
  target: TargetName;
  seed: number;
  cases: number;
  counts: Record<Outcome, number>;
  /** Clean errors by TinyDeploy error class. */
  cleanErrors: Record<string, number>;
  findings: Finding[];
  seconds: number;
}

const entry = new URL('./worker-entry.mjs', import.meta.url);

export async function runCampaign(options: CampaignOptions): Promise<CampaignResult> {
  const { target: name, seed, cases } = options;
  const target = targets[name] as FuzzTarget;
  const timeLimitMs = options.timeLimitMs ?? target.timeLimitMs;
  const rssLimit = options.rssLimitBytes ?? 6 * 2 ** 30;
  const jobs = Math.max(1, Math.min(options.jobs ?? 1, cases));
  const counts: Record<Outcome, number> = { clean: 0, crash: 0, hang: 0, oom: 0, accepted: 0 };
  const cleanErrors: Record<string, number> = {};
  const findings: Finding[] = [];
  const started = Date.now();
  let done = 0;
  let context: unknown;

  const record = async (finding: Finding) => {
    counts[finding.outcome]++;
    done++;
    if (finding.outcome === 'clean') {
      cleanErrors[finding.errorName!] = (cleanErrors[finding.errorName!] ?? 0) + 1;
    } else if (finding.outcome !== 'accepted') {
      if (options.findingsDir) {
        const directory = join(options.findingsDir, `${name}-${seed}-${finding.index}`);
        mkdirSync(directory, { recursive: true });
        try {
          context ??= await target.prepare();
          target.save(target.generate(context, new Random(seed, finding.index)), directory);
          finding.saved = directory;
        } catch (error) {
          finding.saveError = String(error);
        }
        writeFileSync(join(directory, 'finding.json'), `${JSON.stringify(finding, null, 2)}\n`);
      }
      findings.push(finding);
    }
    if (done % 500 === 0) options.onProgress?.(done, counts);
  };

  // Each job owns a contiguous range of case indices, and restarts its worker after a hang or OOM.
  const runRange = (first: number, end: number) =>
    new Promise<void>((resolve, reject) => {
      let next = first;
      let current: { index: number; since: number } | undefined;
      let worker: Worker | undefined;
      let ended: Promise<void> = Promise.resolve();
      // eslint-disable-next-line prefer-const -- assigned after the closures that clear it
      let watchdog: ReturnType<typeof setInterval> | undefined;

      const finish = () => {
        clearInterval(watchdog);
        resolve();
      };
      const kill = (outcome: Outcome, errorName: string, message: string) => {
        const w = worker;
        worker = undefined;
        const index = current?.index;
        current = undefined;
        ended = ended.then(async () => {
          await w?.terminate();
          if (index !== undefined) {
            await record({ target: name, seed, index, outcome, errorName, message });
            next = index + 1;
          }
          if (next < end) start();
          else finish();
        });
      };
      const start = () => {
        const w = new Worker(entry, {
          workerData: { target: name, seed, arrayBufferLimitBytes: options.arrayBufferLimitBytes ?? 2 ** 31 },
          resourceLimits: { maxOldGenerationSizeMb: options.maxOldGenerationSizeMb ?? 1024 },
          stdout: true,
          stderr: true,
        });
        worker = w;
        w.on('message', (report: WorkerReport) => {
          if (worker !== w) return;
          if (report.kind === 'ready') w.postMessage({ first: next, count: end - next });
          else if (report.kind === 'start') current = { index: report.index, since: Date.now() };
          else if (report.kind === 'done') {
            current = undefined;
            next = report.index + 1;
            ended = ended.then(() => record({ target: name, seed, index: report.index, outcome: report.outcome, errorName: report.errorName, message: report.message, stack: report.stack }));
          } else if (report.kind === 'escaped') kill('crash', report.errorName, `uncaught in the worker: ${report.message}`);
          else if (report.kind === 'idle') {
            worker = undefined;
            ended = ended.then(async () => {
              await w.terminate();
              finish();
            });
          }
        });
        w.on('error', (error: Error & { code?: string }) => {
          if (worker !== w) return;
          if (!current) {
            // Died before any case (preparing the target): nothing to classify, the campaign fails.
            worker = undefined;
            clearInterval(watchdog);
            reject(error);
            return;
          }
          if (error.code === 'ERR_WORKER_OUT_OF_MEMORY') kill('oom', 'ERR_WORKER_OUT_OF_MEMORY', error.message);
          else kill('crash', error.name, `uncaught in the worker: ${error.message}`);
        });
        w.on('exit', (code) => {
          if (worker !== w) return;
          if (current) kill('crash', 'exit', `worker exited with code ${code}`);
          else {
            worker = undefined;
            clearInterval(watchdog);
            reject(new Error(`fuzz worker for ${name} exited with code ${code} between cases`));
          }
        });
      };
      watchdog = setInterval(() => {
        if (!worker || !current) return;
        if (Date.now() - current.since > timeLimitMs) kill('hang', 'timeout', `case ran longer than ${timeLimitMs} ms`);
        else if (process.memoryUsage.rss() > rssLimit) kill('oom', 'rss', `process resident memory passed ${rssLimit} bytes`);
      }, 50);
      start();
    });

  const per = Math.ceil(cases / jobs);
  const first = options.first ?? 0;
  await Promise.all(Array.from({ length: jobs }, (_, job) => runRange(first + job * per, first + Math.min(cases, (job + 1) * per))));
  findings.sort((a, b) => a.index - b.index);
  return { target: name, seed, cases, counts, cleanErrors, findings, seconds: (Date.now() - started) / 1000 };
}

/** One line per finding, with what reproduces it. */
export function describeFindings(result: CampaignResult): string {
  return result.findings
    .map((f) => `${f.target} seed ${f.seed} case ${f.index}: ${f.outcome} ${f.errorName ?? ''}: ${f.message ?? ''}${f.saved ? ` (saved in ${f.saved})` : ''}\n${f.stack ?? ''}`)
    .join('\n');
}
