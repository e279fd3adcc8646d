/**
 * The sidebar: the projects (the user's main way around), a New project form, and the two
 * workbench-wide screens, Devices and Jobs, with live counts.
 */

import { jobsBadge, jobsOfExistingProjects } from '../state/job-rules.js';
import { useDevices, useJobs } from '../state/services-context.js';
import { useProjects } from '../state/projects.js';
import type { Route } from '../state/route.js';
import { formatRoute } from '../state/route.js';
import { CreateProjectForm } from './project-forms.js';
import './sidebar.css';

/** `creating` is lifted to the shell so the native menu's New project can open the form. */
export function Sidebar({ route, creating, onCreatingChange: setCreating }: { route: Route; creating: boolean; onCreatingChange: (creating: boolean) => void }) {
  const { projects } = useProjects();
  const { jobs } = useJobs();
  const { listing, error: devicesError } = useDevices();
  const badge = jobsBadge(jobsOfExistingProjects(jobs, projects));
  const current = route.screen === 'project' ? route.projectId : undefined;

  return (
    <aside className="sidebar">
      <a className="sidebar__brand" href={formatRoute({ screen: 'home' })}>
        <svg className="sidebar__logo" viewBox="0 0 20 20" aria-hidden="true">
          <rect x="3" y="3" width="14" height="14" rx="2" fill="none" stroke="currentColor" strokeWidth="1.6" />
          <rect x="7" y="7" width="6" height="6" rx="1" fill="currentColor" />
          {[6, 10, 14].map((position) => (
            <g key={position} stroke="currentColor" strokeWidth="1.4">
              <line x1={position} y1="0.5" x2={position} y2="3" />
              <line x1={position} y1="17" x2={position} y2="19.5" />
              <line x1="0.5" y1={position} x2="3" y2={position} />
              <line x1="17" y1={position} x2="19.5" y2={position} />
            </g>
          ))}
        </svg>
        TinyDeploy
      </a>

      <nav className="sidebar__section" aria-label="Projects">
        <div className="sidebar__heading">
          <span>Projects</span>
          <button
            type="button"
            className="sidebar__add"
            onClick={() => setCreating(!creating)}
            aria-expanded={creating}
            aria-label="New project"
            title="New project"
            data-testid="new-project-button"
          >
            +
          </button>
        </div>
        {creating && (
          <div className="sidebar__create">
            <CreateProjectForm compact autoFocus onDone={() => setCreating(false)} />
          </div>
        )}
        <ul className="sidebar__list" data-testid="project-list">
          {projects?.map((project) => (
            <li key={project.id}>
              <a
                className="sidebar__link"
                href={formatRoute({ screen: 'project', projectId: project.id, tab: 'model' })}
                aria-current={project.id === current ? 'page' : undefined}
                data-testid="project-link"
              >
                <span className="sidebar__name">{project.name}</span>
                <span className="sidebar__count" title={`${project.variantCount} model variants`}>
                  {project.variantCount}
                </span>
              </a>
            </li>
          ))}
          {projects?.length === 0 && !creating && <li className="sidebar__empty">No projects yet</li>}
        </ul>
      </nav>

      <nav className="sidebar__section sidebar__section--bottom" aria-label="Workbench">
        <a className="sidebar__link" href={formatRoute({ screen: 'devices' })} aria-current={route.screen === 'devices' ? 'page' : undefined}>
          <span className="sidebar__name">Devices</span>
          <span className="sidebar__count" title={devicesError ? `the boards cannot be listed: ${devicesError.message}` : 'boards and serial devices'}>
            {listing ? listing.boards.length + listing.serial.length : devicesError ? '!' : '…'}
          </span>
        </a>
        <a className="sidebar__link" href={formatRoute({ screen: 'jobs' })} aria-current={route.screen === 'jobs' ? 'page' : undefined} data-testid="jobs-link">
          <span className="sidebar__name">Jobs</span>
          {badge && (
            <span className="sidebar__count sidebar__count--running" title={badge.title} data-testid="jobs-badge">
              {badge.text}
            </span>
          )}
        </a>
      </nav>
    </aside>
  );
}
