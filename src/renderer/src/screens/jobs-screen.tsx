/**
 * Jobs: every job of every project, newest first, live from `jobs.onJobChanged`, with Cancel on
 * the queued and running ones. A row opens the job's log and error below the table.
 */

import { useState } from 'react';
import type { Job } from '../../../shared/services/types.js';
import { DataTable } from '../components/data-table.js';
import type { Column } from '../components/data-table.js';
import { ErrorBanner, Panel, ProgressBar, StatusBadge } from '../components/widgets.js';
import { JobLog } from '../deploy/job-progress.js';
import { formatElapsed, formatTime } from '../format.js';
import { useProjects } from '../state/projects.js';
import { asError, isActive, useJobs, useQuery, useServices } from '../state/services-context.js';
import { formatRoute } from '../state/route.js';
import { jobsOfExistingProjects } from '../state/job-rules.js';

export function JobsScreen() {
  const services = useServices();
  const { jobs: allJobs, loaded, error } = useJobs();
  const { projects } = useProjects();
  // A deleted project's jobs were deleted with it.
  const jobs = jobsOfExistingProjects(allJobs, projects);
  const [openId, setOpenId] = useState<string>();
  const [cancelError, setCancelError] = useState<Error>();

  // Variant names of the projects that have jobs, for the Target column.
  const projectIds = [...new Set(jobs.map((job) => job.projectId))].filter((id) => projects?.some((project) => project.id === id)).sort();
  const variants = useQuery(
    projectIds.length ? `job-variants:${projectIds.join(',')}` : null,
    async () => (await Promise.all(projectIds.map((projectId) => services.models.list({ projectId })))).flat(),
    jobs.length,
  );
  const variantName = (id: unknown) => variants.data?.find((variant) => variant.id === id)?.name ?? (typeof id === 'string' ? id.slice(0, 8) : '–');
  const projectName = (id: string) => projects?.find((project) => project.id === id)?.name ?? '(deleted)';
  const open = jobs.find((job) => job.id === openId);

  const cancel = async (job: Job) => {
    try {
      await services.jobs.cancel({ jobId: job.id });
    } catch (caught) {
      setCancelError(asError(caught));
    }
  };

  const columns: Column<Job>[] = [
    { header: 'Created', align: 'numeric', render: (job) => formatTime(job.createdAt) },
    {
      header: 'Project',
      render: (job) => <a href={formatRoute({ screen: 'project', projectId: job.projectId, tab: job.kind === 'deploy' ? 'deploy' : job.kind === 'search' ? 'search' : 'history' })}>{projectName(job.projectId)}</a>,
    },
    { header: 'Kind', render: (job) => job.kind },
    {
      header: 'Target',
      render: (job) => (
        <>
          {job.kind === 'search' ? `${String(job.params.space)} search, ${String(job.params.trials)} trials` : variantName(job.params.variantId)}
          {typeof job.params.boardId === 'string' && <span className="mono muted"> → {job.params.boardId}</span>}
        </>
      ),
    },
    { header: 'Status', render: (job) => <StatusBadge status={job.status} /> },
    {
      header: 'Progress',
      className: 'jobs-progress',
      render: (job) => <ProgressBar value={job.status === 'succeeded' ? 1 : job.progress} label={`Progress of the ${job.kind} job`} status={job.status} />,
    },
    { header: 'Step', className: 'mono muted', render: (job) => (isActive(job) ? job.step : job.error ? job.error.name : '') },
    { header: 'Took', align: 'numeric', render: (job) => formatElapsed(job.startedAt, job.finishedAt) },
    {
      header: 'Actions',
      align: 'actions',
      render: (job) => (
        <>
          {isActive(job) && (
            <button type="button" className="button button--small button--danger" onClick={() => void cancel(job)} data-testid="cancel-job" aria-label={`Cancel ${job.kind} job`}>
              Cancel
            </button>
          )}
          <button type="button" className="button button--small" aria-expanded={job.id === openId} onClick={() => setOpenId(job.id === openId ? undefined : job.id)}>
            Log
          </button>
        </>
      ),
    },
  ];

  return (
    <div className="screen" data-testid="jobs-screen">
      <header className="screen__header">
        <h1 className="screen__title">Jobs</h1>
        <span className="muted">{jobs.filter(isActive).length} running or queued</span>
      </header>
      <ErrorBanner error={error} />
      <ErrorBanner error={cancelError} onDismiss={() => setCancelError(undefined)} />
      <Panel title={`${jobs.length} ${jobs.length === 1 ? 'job' : 'jobs'}`} testId="jobs-panel">
        <DataTable
          columns={columns}
          rows={jobs}
          rowKey={(job) => job.id}
          isSelected={(job) => job.id === openId}
          rowTestId="job-row"
          rowAttributes={(job) => ({ 'data-job-id': job.id })}
          testId="jobs-table"
          empty={
            loaded
              ? { title: 'No jobs yet', body: <p>Deploy &amp; Profile and evaluations run as jobs; they appear here with their progress and log.</p> }
              : undefined
          }
        />
      </Panel>
      {open && (
        <Panel title={`Log of the ${open.kind} job of ${formatTime(open.createdAt)}`} testId="job-detail">
          {open.error && <ErrorBanner error={Object.assign(new Error(open.error.message), { name: open.error.name })} />}
          <JobLog lines={open.log} />
        </Panel>
      )}
    </div>
  );
}
