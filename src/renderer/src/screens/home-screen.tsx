/**
 * The project list: every project with its variant count and dates, created, renamed and deleted
 * here (deleting asks first). With no project yet it says how to start.
 */

import { useState } from 'react';
import type { Project } from '../../../shared/services/types.js';
import { CreateProjectForm, DeleteProjectDialog, RenameProjectForm } from '../components/project-forms.js';
import { DataTable } from '../components/data-table.js';
import type { Column } from '../components/data-table.js';
import { ErrorBanner, Panel } from '../components/widgets.js';
import { formatCount, formatTime } from '../format.js';
import { useProjects } from '../state/projects.js';
import { formatRoute } from '../state/route.js';

export function HomeScreen() {
  const { projects, error } = useProjects();
  const [renaming, setRenaming] = useState<string>();
  const [deleting, setDeleting] = useState<Project>();

  const columns: Column<Project>[] = [
    {
      header: 'Name',
      render: (project) =>
        renaming === project.id ? (
          <RenameProjectForm project={project} onDone={() => setRenaming(undefined)} />
        ) : (
          <a href={formatRoute({ screen: 'project', projectId: project.id, tab: 'model' })}>{project.name}</a>
        ),
    },
    { header: 'Variants', align: 'numeric', render: (project) => formatCount(project.variantCount) },
    { header: 'Created', align: 'numeric', render: (project) => formatTime(project.createdAt) },
    { header: 'Updated', align: 'numeric', render: (project) => formatTime(project.updatedAt) },
    {
      header: 'Actions',
      align: 'actions',
      render: (project) => (
        <>
          <button type="button" className="button button--small" onClick={() => setRenaming(project.id)} aria-label={`Rename ${project.name}`}>
            Rename
          </button>
          <button type="button" className="button button--small button--danger" onClick={() => setDeleting(project)} aria-label={`Delete ${project.name}`}>
            Delete
          </button>
        </>
      ),
    },
  ];

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
        <DataTable
          columns={columns}
          rows={projects}
          rowKey={(project) => project.id}
          rowTestId="project-row"
          testId="project-table"
          empty={{ title: 'No projects yet', body: <p>Create a project, import a TFLite model into it, then Deploy &amp; Profile it on a virtual board.</p> }}
        />
      </Panel>
      {deleting && <DeleteProjectDialog project={deleting} onDone={() => setDeleting(undefined)} />}
    </div>
  );
}
