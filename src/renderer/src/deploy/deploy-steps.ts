/**
 * The four steps of Deploy & Profile as the progress view shows them, derived from a deploy job.
 * The job's `step` names what it does now ("build", "flash", "run 3 of 10", "verify"); when it
 * says something else (a worker that words its steps differently, an older job) the progress
 * fraction decides, with the boundaries deploy.ts reports (flash from 0.3, run from 0.45, verify
 * from 0.85).
 */

import type { Job } from '../../../shared/services/types.js';

export const deploySteps = ['build', 'flash', 'run', 'verify'] as const;
export type DeployStep = (typeof deploySteps)[number];

export type StepState = 'pending' | 'active' | 'done' | 'failed' | 'stopped';

const fractionStarts: Record<DeployStep, number> = { build: 0, flash: 0.3, run: 0.45, verify: 0.85 };

/** The step the job is in (or stopped in), as an index into `deploySteps`. */
export function currentStepIndex(job: Pick<Job, 'step' | 'progress'>): number {
  const word = /^\s*(build|flash|run|verify)\b/i.exec(job.step)?.[1]?.toLowerCase() as DeployStep | undefined;
  if (word) return deploySteps.indexOf(word);
  let index = 0;
  deploySteps.forEach((step, i) => {
    if (job.progress >= fractionStarts[step]) index = i;
  });
  return index;
}

/** Each step's state: done before the current one, then active (or failed / stopped), then pending. */
export function stepStates(job: Pick<Job, 'status' | 'step' | 'progress'>): StepState[] {
  if (job.status === 'succeeded') return deploySteps.map(() => 'done');
  if (job.status === 'queued') return deploySteps.map(() => 'pending');
  const current = currentStepIndex(job);
  const here: StepState = job.status === 'running' ? 'active' : job.status === 'failed' ? 'failed' : 'stopped';
  return deploySteps.map((_, i) => (i < current ? 'done' : i === current ? here : 'pending'));
}
