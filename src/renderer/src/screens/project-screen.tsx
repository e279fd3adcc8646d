/**
 * A project: its header (rename, delete) and three tabs, Model (import, graph, layers),
 * Deploy & Profile, and History. The variant list is loaded here once for all three tabs and
 * reloaded when a job of the project finishes (an optimization makes a new variant).
 */

import { useRef, useState } from 'react';
import type { KeyboardEvent } from 'react';
import { DeleteProjectDialog, RenameProjectForm } from '../components/project-forms.js';
import { EmptyState, ErrorBanner } from '../components/widgets.js';
import { useProject, useProjects } from '../state/projects.js';
import { navigate } from '../state/route.js';
import type { ProjectTab } from '../state/route.js';
import { useFinishedJobsCount, useQuery, useServices } from '../state/services-context.js';
import { DeployTab } from '../deploy/deploy-tab.js';
import { HistoryTab } from '../history/history-tab.js';
import { ModelTab } from '../model/model-tab.js';
import { CompareTab } from '../compare/compare-tab.js';
import { AccuracyTab } from '../evaluate/accuracy-tab.js';
import { SearchTab } from '../search/search-tab.js';
import './project-screen.css';
import { newestFirst } from '../../../core/common/newest-first.js';

const tabs: { id: ProjectTab; label: string }[] = [
  { id: 'model', label: 'Model' },
  { id: 'deploy', label: 'Deploy & Profile' },
  { id: 'accuracy', label: 'Accuracy' },
  { id: 'history', label: 'History' },
  { id: 'compare', label: 'Compare' },
  { id: 'search', label: 'Search' },
];

export function ProjectScreen({ projectId, tab, variantId }: { projectId: string; tab: ProjectTab; variantId?: string }) {
  const services = useServices();
  const { projects, reload: reloadProjects } = useProjects();
  const project = useProject(projectId);
  const finished = useFinishedJobsCount(projectId);
  const variants = useQuery(`variants:${projectId}`, () => services.models.list({ projectId }), finished);
  const [renaming, setRenaming] = useState(false);
  const [deleting, setDeleting] = useState(false);
  const tabRefs = useRef<(HTMLButtonElement | null)[]>([]);

  if (!project) {
    if (!projects) return <div className="screen" aria-busy="true" />;
    return (
      <div className="screen">
        <EmptyState title="This project does not exist (any more)">
          <a href="#/">Back to the project list</a>
        </EmptyState>
      </div>
    );
  }

  // The variant shown: the one in the URL, else the newest.
  const list = variants.data ?? [];
  const selected = list.find((variant) => variant.id === variantId) ?? newestFirst(list)[0];
  const go = (next: ProjectTab, nextVariant = selected?.id) => navigate({ screen: 'project', projectId, tab: next, ...(nextVariant ? { variantId: nextVariant } : {}) });

  // Arrow keys move between tabs (the WAI-ARIA tabs pattern).
  const onTabKey = (event: KeyboardEvent, index: number) => {
    const step = event.key === 'ArrowRight' ? 1 : event.key === 'ArrowLeft' ? -1 : 0;
    if (!step) return;
    event.preventDefault();
    const next = (index + step + tabs.length) % tabs.length;
    tabRefs.current[next]?.focus();
    go(tabs[next].id);
  };

  const onVariantsChanged = () => {
    variants.reload();
    reloadProjects();
  };

  return (
    <div className="screen" data-testid="project-screen">
      <header className="screen__header">
        {renaming ? (
          <RenameProjectForm project={project} onDone={() => setRenaming(false)} />
        ) : (
          <h1 className="screen__title" data-testid="project-title" title={project.name}>
            {project.name}
          </h1>
        )}
        <span className="spacer" />
        {!renaming && (
          <button type="button" className="button" onClick={() => setRenaming(true)}>
            Rename
          </button>
        )}
        <button type="button" className="button button--danger" onClick={() => setDeleting(true)}>
          Delete project
        </button>
      </header>

      <div className="tabs" role="tablist" aria-label="Project views">
        {tabs.map((entry, index) => (
          <button
            key={entry.id}
            ref={(element) => {
              tabRefs.current[index] = element;
            }}
            type="button"
            role="tab"
            id={`tab-${entry.id}`}
            aria-selected={tab === entry.id}
            aria-controls={`tabpanel-${entry.id}`}
            tabIndex={tab === entry.id ? 0 : -1}
            className="tabs__tab"
            onClick={() => go(entry.id)}
            onKeyDown={(event) => onTabKey(event, index)}
          >
            {entry.label}
          </button>
        ))}
      </div>

      <ErrorBanner error={variants.error} />

      <div role="tabpanel" id={`tabpanel-${tab}`} aria-labelledby={`tab-${tab}`} className="tabpanel">
        {tab === 'model' && (
          <ModelTab
            projectId={projectId}
            variants={list}
            loaded={variants.data !== undefined}
            selected={selected}
            onSelect={(id) => go('model', id)}
            onChanged={onVariantsChanged}
          />
        )}
        {tab === 'deploy' && <DeployTab projectId={projectId} variants={list} selected={selected} onSelect={(id) => go('deploy', id)} />}
        {tab === 'history' && <HistoryTab projectId={projectId} variants={list} />}
        {tab === 'accuracy' && <AccuracyTab projectId={projectId} variants={list} selected={selected} onSelect={(id) => go('accuracy', id)} />}
        {tab === 'compare' && <CompareTab projectId={projectId} variants={list} />}
        {tab === 'search' && <SearchTab projectId={projectId} variants={list} onVariantsChanged={onVariantsChanged} />}
      </div>

      {deleting && <DeleteProjectDialog project={project} onDone={() => setDeleting(false)} />}
    </div>
  );
}
