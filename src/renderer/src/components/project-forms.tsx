/**
 * Creating, renaming and deleting projects: the forms and the confirmation, used by the sidebar,
 * the project list and the project page header alike.
 */

import { maxNameLength } from '../format.js';
import { useState } from 'react';
import type { FormEvent } from 'react';
import type { Project } from '../../../shared/services/types.js';
import { asError, useServices } from '../state/services-context.js';
import { useProjects } from '../state/projects.js';
import { navigate } from '../state/route.js';
import { ConfirmDialog, ErrorBanner } from './widgets.js';

/** Name field and Create button; opens the new project. */
export function CreateProjectForm({ onDone, autoFocus, compact }: { onDone?: () => void; autoFocus?: boolean; compact?: boolean }) {
  const services = useServices();
  const { reload } = useProjects();
  const [name, setName] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Error>();
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const project = await services.projects.create({ name: name.trim() });
      setName('');
      reload();
      onDone?.();
      navigate({ screen: 'project', projectId: project.id, tab: 'model' });
    } catch (caught) {
      setError(asError(caught));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className={compact ? 'create-project create-project--compact' : 'create-project inline-form'} onSubmit={submit} aria-label="Create a project">
      <label className="field">
        <span className={compact ? 'visually-hidden' : 'field__label'}>Project name</span>
        <input
          className="input"
          value={name}
          maxLength={maxNameLength}
          onChange={(event) => setName(event.target.value)}
          placeholder="e.g. keyword spotting"
          autoFocus={autoFocus}
          data-testid="project-name-input"
          onKeyDown={(event) => {
            if (event.key === 'Escape' && onDone) onDone();
          }}
        />
      </label>
      <div className="create-project__buttons">
        <button type="submit" className="button button--primary" disabled={busy || name.trim() === ''} data-testid="create-project-submit">
          Create
        </button>
        {onDone && (
          <button type="button" className="button button--quiet" onClick={onDone}>
            Cancel
          </button>
        )}
      </div>
      <ErrorBanner error={error} />
    </form>
  );
}

/** The project's name as an inline text field, saved with Enter or the Save button. */
export function RenameProjectForm({ project, onDone }: { project: Project; onDone: () => void }) {
  const services = useServices();
  const { reload } = useProjects();
  const [name, setName] = useState(project.name);
  const [error, setError] = useState<Error>();
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    try {
      if (name.trim() !== project.name) await services.projects.rename({ id: project.id, name: name.trim() });
      reload();
      onDone();
    } catch (caught) {
      setError(asError(caught));
    }
  };
  return (
    <form className="inline-form" onSubmit={submit} aria-label={`Rename project ${project.name}`}>
      <label className="field">
        <span className="visually-hidden">New name of {project.name}</span>
        <input
          className="input"
          value={name}
          maxLength={maxNameLength}
          autoFocus
          onChange={(event) => setName(event.target.value)}
          onKeyDown={(event) => {
            if (event.key === 'Escape') onDone();
          }}
          data-testid="rename-project-input"
        />
      </label>
      <button type="submit" className="button button--primary button--small" disabled={name.trim() === ''}>
        Save
      </button>
      <button type="button" className="button button--quiet button--small" onClick={onDone}>
        Cancel
      </button>
      <ErrorBanner error={error} />
    </form>
  );
}

/** Asks before deleting a project with everything in it, then deletes it and goes home. */
export function DeleteProjectDialog({ project, onDone }: { project: Project; onDone: () => void }) {
  const services = useServices();
  const { reload } = useProjects();
  const [error, setError] = useState<Error>();
  const confirm = async () => {
    try {
      await services.projects.remove({ id: project.id });
      reload();
      onDone();
      if (window.location.hash.includes(project.id)) navigate({ screen: 'home' });
    } catch (caught) {
      setError(asError(caught));
    }
  };
  return (
    <ConfirmDialog title={`Delete project “${project.name}”?`} confirmLabel="Delete project" onConfirm={confirm} onCancel={onDone}>
      <p>
        Its {project.variantCount === 1 ? 'model variant' : `${project.variantCount} model variants`}, jobs and measurements are deleted with it. This
        cannot be undone.
      </p>
      <ErrorBanner error={error} />
    </ConfirmDialog>
  );
}
