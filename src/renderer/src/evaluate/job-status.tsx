/**
 * An evaluate or validate job while it runs and after: status, progress bar, what it does now,
 * Cancel, the error of a failed job, and its log.
 */

import type { Job } from '../../../shared/services/types.js';
import { JobHeader } from '../components/job-header.js';
import { JobLog } from '../deploy/job-progress.js';
import { isActive } from '../state/services-context.js';

export function JobStatus({ job, label, testId }: { job: Job; label: string; testId: string }) {
  const active = isActive(job);
  return (
    <div className="job-progress" data-testid={testId} data-status={job.status}>
      <JobHeader job={job} label={label} />
      {(active || job.status !== 'succeeded') && <JobLog lines={job.log} />}
    </div>
  );
}
