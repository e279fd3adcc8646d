import { describe, expect, it } from 'vitest';
import { formatRoute, parseRoute, type Route } from './route.js';

describe('routes in the hash', () => {
  it('reads and writes every screen', () => {
    const routes: Route[] = [
      { screen: 'home' },
      { screen: 'devices' },
      { screen: 'jobs' },
      { screen: 'project', projectId: 'p-1', tab: 'model' },
      { screen: 'project', projectId: 'p-1', tab: 'deploy', variantId: 'v 2' },
      { screen: 'project', projectId: 'p-1', tab: 'history' },
    ];
    for (const route of routes) expect(parseRoute(formatRoute(route))).toEqual(route);
  });

  it('sends anything unknown home and an unknown tab to Model', () => {
    expect(parseRoute('')).toEqual({ screen: 'home' });
    expect(parseRoute('#/nowhere')).toEqual({ screen: 'home' });
    expect(parseRoute('#/projects')).toEqual({ screen: 'home' });
    expect(parseRoute('#/projects/p-1/settings')).toEqual({ screen: 'project', projectId: 'p-1', tab: 'model' });
  });
});
