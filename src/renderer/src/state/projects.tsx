/**
 * The project list, shared by the sidebar, the home screen and the project pages: one load, and
 * every create, rename, delete or import reloads it so counts and names agree everywhere; so does
 * every job that finishes (an optimization adds a variant).
 */

import { createContext, useContext } from 'react';
import type { ReactNode } from 'react';
import type { Project } from '../../../shared/services/types.js';
import { useFinishedJobsCount, useQuery, useServices } from './services-context.js';

interface ProjectsState {
  projects: Project[] | undefined;
  error: Error | undefined;
  reload: () => void;
}

const ProjectsContext = createContext<ProjectsState>({ projects: undefined, error: undefined, reload: () => {} });

export function ProjectsProvider({ children }: { children: ReactNode }) {
  const services = useServices();
  const query = useQuery('projects', () => services.projects.list(), useFinishedJobsCount(undefined));
  return <ProjectsContext.Provider value={{ projects: query.data, error: query.error, reload: query.reload }}>{children}</ProjectsContext.Provider>;
}

export function useProjects(): ProjectsState {
  return useContext(ProjectsContext);
}

/** The project with this id, undefined while loading or when it does not exist. */
export function useProject(id: string): Project | undefined {
  return useProjects().projects?.find((project) => project.id === id);
}
