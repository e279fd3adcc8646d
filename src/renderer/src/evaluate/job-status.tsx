/**
 * An evaluate or validate job while it runs and after: status, progress bar, what it does now,
 * Cancel, the error of a failed job, and its log.
 */

import { useState } from 'react';
import type { Job } from '../../../shared/services/types.js';
import { ErrorBanner, ProgressBar, StatusBadge } from '../components/widgets.js';
import { JobLog } from '../deploy/job-progress.js';
import { asError, isActive, useServices } from '../state/services-context.js';

export function JobStatus({ job, label, testId }: { job: Job; label: string; testId: string }) {
  const services = useServices();
  const [error, setError] = useState<Error>();
  const [cancelling, setCancelling] = useState(false);
  const active = isActive(job);
  const cancel = async () => {
    setCancelling(true);
    try {
      await services.jobs.cancel({ jobId: job.id });
    } catch (caught) {
      setError(asError(caught));
    } finally {
      setCancelling(false);
    }
  };
  return (
    <div className="job-progress" data-testid={testId} data-status={job.status}>
      <div className="job-progress__bar">
        <StatusBadge status={job.status} />
        <ProgressBar value={job.status === 'succeeded' ? 1 : job.progress} label={label} status={job.status} />
        {active && (
          <button type="button" className="button button--danger button--small" onClick={() => void cancel()} disabled={cancelling}>
            Cancel
          </button>
        )}
      </div>
      <p className="job-progress__step" aria-live="polite">
        {active ? job.step || 'waiting for the worker' : job.status === 'succeeded' ? 'done' : job.status}
      </p>
      {job.error && <ErrorBanner error={Object.assign(new Error(job.error.message), { name: job.error.name })} />}
      <ErrorBanner error={error} onDismiss={() => setError(undefined)} />
      {(active || job.status !== 'succeeded') && <JobLog lines={job.log} />}
    </div>
  );
}
