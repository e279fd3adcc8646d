/**
 * Which jobs the window counts and shows, as plain functions (tested without React): the Jobs
 * badge counts only the jobs still to finish, jobs of a deleted project leave with it, and the
 * Deploy tab keeps showing a variant's last good result after a later deploy failed or was
 * cancelled.
 */

import type { Job, Project } from '../../../shared/services/types.js';

export const isActive = (job: Job) => job.status === 'queued' || job.status === 'running';

/** The sidebar's Jobs badge: how many jobs are queued or running (finished ones are not counted). */
export function jobsBadge(jobs: readonly Job[]): { count: number; text: string; title: string } | undefined {
  const running = jobs.filter((job) => job.status === 'running').length;
  const queued = jobs.filter((job) => job.status === 'queued').length;
  if (running + queued === 0) return undefined;
  const parts = [running ? `${running} running` : '', queued ? `${queued} queued` : ''].filter(Boolean);
  return { count: running + queued, text: parts.join(', '), title: `${parts.join(', ')}; finished jobs are listed on the Jobs screen` };
}

/**
 * The jobs whose project still exists: deleting a project deletes its jobs with it, although
 * their last events stay in the window's memory. Until the projects are loaded every job shows.
 */
export function jobsOfExistingProjects(jobs: readonly Job[], projects: readonly Project[] | undefined): Job[] {
  if (!projects) return [...jobs];
  const existing = new Set(projects.map((project) => project.id));
  return jobs.filter((job) => existing.has(job.projectId));
}

/**
 * A variant's deploys as the Deploy tab shows them (`jobs` newest first): the newest deploy
 * (running, or how it ended) and the newest that succeeded, whose result stays on screen while a
 * later deploy runs, fails or is cancelled.
 */
export function deploysOf(jobs: readonly Job[], variantId: string): { newest: Job | undefined; lastGood: Job | undefined } {
  const deploys = jobs.filter((job) => job.kind === 'deploy' && job.params.variantId === variantId);
  return { newest: deploys[0], lastGood: deploys.find((job) => job.status === 'succeeded') };
}
