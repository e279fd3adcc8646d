/**
 * Where the window is, kept in the URL's hash so a reload (or browser mode's back button) comes
 * back to the same screen. The hash leaves the path and query alone (browser mode's token is not
 * there: services-client.ts takes it out of the address on the first load).
 *
 *   #/                                  home (project list)
 *   #/projects/<id>/<tab>[/<variantId>] a project's Model, Deploy & Profile, Accuracy, History, Compare or Search tab
 *   #/devices                           boards and serial devices
 *   #/jobs                              every job
 */

import { useEffect, useState } from 'react';

export type ProjectTab = 'model' | 'deploy' | 'accuracy' | 'history' | 'compare' | 'search';

export type Route =
  | { screen: 'home' }
  | { screen: 'project'; projectId: string; tab: ProjectTab; variantId?: string }
  | { screen: 'devices' }
  | { screen: 'jobs' };

const tabs: readonly ProjectTab[] = ['model', 'deploy', 'accuracy', 'history', 'compare', 'search'];

export function parseRoute(hash: string): Route {
  const parts = hash.replace(/^#\/?/, '').split('/').filter(Boolean).map(decodeURIComponent);
  if (parts[0] === 'devices') return { screen: 'devices' };
  if (parts[0] === 'jobs') return { screen: 'jobs' };
  if (parts[0] === 'projects' && parts[1]) {
    const tab = tabs.includes(parts[2] as ProjectTab) ? (parts[2] as ProjectTab) : 'model';
    return { screen: 'project', projectId: parts[1], tab, ...(parts[3] ? { variantId: parts[3] } : {}) };
  }
  return { screen: 'home' };
}

export function formatRoute(route: Route): string {
  switch (route.screen) {
    case 'home':
      return '#/';
    case 'devices':
      return '#/devices';
    case 'jobs':
      return '#/jobs';
    case 'project':
      return `#/projects/${encodeURIComponent(route.projectId)}/${route.tab}` + (route.variantId ? `/${encodeURIComponent(route.variantId)}` : '');
  }
}

/** Goes to `route` (a new history entry, so Back works in browser mode). */
export function navigate(route: Route): void {
  const hash = formatRoute(route);
  if (window.location.hash !== hash) window.location.hash = hash;
}

/** The current route, updated on every hash change. */
export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(window.location.hash));
  useEffect(() => {
    const update = () => setRoute(parseRoute(window.location.hash));
    window.addEventListener('hashchange', update);
    return () => window.removeEventListener('hashchange', update);
  }, []);
  return route;
}
