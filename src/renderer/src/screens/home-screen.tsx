/**
 * The project list: every project with its variant count and dates, created, renamed and deleted
 * here (deleting asks first). With no project yet it says how to start.
 */

import { useState } from 'react';
import type { Project } from '../../../shared/services/types.js';
import { CreateProjectForm, DeleteProjectDialog, RenameProjectForm } from '../components/project-forms.js';
import { EmptyState, ErrorBanner, Panel } from '../components/widgets.js';
import { formatCount, formatTime } from '../format.js';
import { useProjects } from '../state/projects.js';
import { formatRoute } from '../state/route.js';

export function HomeScreen() {
  const { projects, error } = useProjects();
  const [renaming, setRenaming] = useState<string>();
  const [deleting, setDeleting] = useState<Project>();

  return (
    <div className="screen" data-testid="home-screen">
      <header className="screen__header">
        <h1 className="screen__title">Projects</h1>
      </header>
      <ErrorBanner error={error} />
      <Panel title="New project">
        <CreateProjectForm autoFocus={projects?.length === 0} />
      </Panel>
      <Panel title={projects ? `${projects.length} ${projects.length === 1 ? 'project' : 'projects'}` : 'Projects'} testId="project-table-panel">
        {projects?.length === 0 ? (
          <EmptyState title="No projects yet">
            <p>Create a project, import a TFLite model into it, then Deploy &amp; Profile it on a virtual board.</p>
          </EmptyState>
        ) : (
          <div className="table-scroll">
            <table className="table" data-testid="project-table">
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col" className="numeric">
                    Variants
                  </th>
                  <th scope="col">Created</th>
                  <th scope="col">Updated</th>
                  <th scope="col" className="actions">
                    <span className="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {projects?.map((project) => (
                  <tr key={project.id} data-testid="project-row">
                    <td>
                      {renaming === project.id ? (
                        <RenameProjectForm project={project} onDone={() => setRenaming(undefined)} />
                      ) : (
                        <a href={formatRoute({ screen: 'project', projectId: project.id, tab: 'model' })}>{project.name}</a>
                      )}
                    </td>
                    <td className="numeric">{formatCount(project.variantCount)}</td>
                    <td className="numeric">{formatTime(project.createdAt)}</td>
                    <td className="numeric">{formatTime(project.updatedAt)}</td>
                    <td className="actions">
                      <button type="button" className="button button--small" onClick={() => setRenaming(project.id)} aria-label={`Rename ${project.name}`}>
                        Rename
                      </button>
                      <button type="button" className="button button--small button--danger" onClick={() => setDeleting(project)} aria-label={`Delete ${project.name}`}>
                        Delete
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Panel>
      {deleting && <DeleteProjectDialog project={deleting} onDone={() => setDeleting(undefined)} />}
    </div>
  );
}
