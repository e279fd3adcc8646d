/**
 * The head of every job's progress view (deploy, evaluate, validate, quantize, optimize): status,
 * progress bar, Cancel while it runs, what it does now, the error of a failed job and the error of
 * a cancel that did not go through.
 */

import { useState } from 'react';
import type { ReactNode } from 'react';
import type { Job } from '../../../shared/services/types.js';
import { asError, isActive, useServices } from '../state/services-context.js';
import { ErrorBanner, ProgressBar, StatusBadge } from './widgets.js';

export interface JobHeaderProps {
  job: Job;
  /** The progress bar's accessible label, e.g. "Deploy progress". */
  label: string;
  cancelTestId?: string;
  /** Shown between the bar and Cancel (e.g. the elapsed time). */
  beside?: ReactNode;
  /** Put before what the job does now (e.g. the passes it runs). */
  stepPrefix?: ReactNode;
}

export function JobHeader({ job, label, cancelTestId, beside, stepPrefix }: JobHeaderProps) {
  const services = useServices();
  const [cancelError, setCancelError] = useState<Error>();
  const [cancelling, setCancelling] = useState(false);
  const active = isActive(job);
  const cancel = async () => {
    setCancelling(true);
    try {
      await services.jobs.cancel({ jobId: job.id });
    } catch (caught) {
      setCancelError(asError(caught));
    } finally {
      setCancelling(false);
    }
  };
  return (
    <>
      <div className="job-progress__bar">
        <StatusBadge status={job.status} />
        <ProgressBar value={job.status === 'succeeded' ? 1 : job.progress} label={label} status={job.status} />
        {beside}
        {active && (
          <button type="button" className="button button--danger button--small" onClick={() => void cancel()} disabled={cancelling} data-testid={cancelTestId}>
            Cancel
          </button>
        )}
      </div>
      <p className="job-progress__step" aria-live="polite">
        {stepPrefix}
        {active ? job.step || 'waiting for the worker' : job.status === 'succeeded' ? 'done' : job.status}
      </p>
      {job.error && <ErrorBanner error={Object.assign(new Error(job.error.message), { name: job.error.name })} />}
      <ErrorBanner error={cancelError} onDismiss={() => setCancelError(undefined)} />
    </>
  );
}
