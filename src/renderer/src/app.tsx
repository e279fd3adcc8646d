/**
 * TinyDeploy's window: the sidebar of projects and the screen the URL's hash names (project list,
 * a project's Model / Deploy & Profile / History, Devices, Jobs). It takes its `Services` from
 * the entry point, so the same app runs in Electron, in browser mode and against the fake.
 */

import { useEffect, useState } from 'react';
import type { AppServices } from '../../shared/services/types.js';
import { Sidebar } from './components/sidebar.js';
import { DevicesScreen } from './screens/devices-screen.js';
import { HomeScreen } from './screens/home-screen.js';
import { JobsScreen } from './screens/jobs-screen.js';
import { ProjectScreen } from './screens/project-screen.js';
import { ProjectsProvider } from './state/projects.js';
import { navigate, parseRoute, useRoute } from './state/route.js';
import { ServicesProvider } from './state/services-context.js';
import './app.css';

export function App({ services }: { services: AppServices }) {
  return (
    <ServicesProvider services={services}>
      <ProjectsProvider>
        <Shell services={services} />
      </ProjectsProvider>
    </ServicesProvider>
  );
}

function Shell({ services }: { services: AppServices }) {
  const route = useRoute();
  const [creating, setCreating] = useState(false);

  // The native menu (Electron only): New project opens the sidebar's form; Import model… opens
  // the file dialog of the current project's Model tab (or asks for a project first).
  useEffect(
    () =>
      services.menu.onCommand((command) => {
        const current = parseCurrentProject();
        if (command === 'new-project' || !current) {
          setCreating(true);
          return;
        }
        navigate({ screen: 'project', projectId: current, tab: 'model' });
        requestAnimationFrame(() => document.querySelector<HTMLInputElement>('[data-testid="model-file-input"]')?.click());
      }),
    [services],
  );

  return (
    <div className="app">
      <Sidebar route={route} creating={creating} onCreatingChange={setCreating} />
      <main className="content" id="content">
        {route.screen === 'home' && <HomeScreen />}
        {route.screen === 'devices' && <DevicesScreen />}
        {route.screen === 'jobs' && <JobsScreen />}
        {route.screen === 'project' && <ProjectScreen key={route.projectId} projectId={route.projectId} tab={route.tab} variantId={route.variantId} />}
      </main>
    </div>
  );
}

/** The project the window shows now, read at the moment a menu command arrives. */
function parseCurrentProject(): string | undefined {
  const route = parseRoute(window.location.hash);
  return route.screen === 'project' ? route.projectId : undefined;
}

/**
 * Browser mode's WebSocket is down: calls fail until it is back (nothing shows while it is
 * open). `problem`: what the page found out about its server (gone, or restarted with a new
 * token), which says what to do instead of "reconnecting" forever.
 */
export function ConnectionBanner({ state, problem }: { state: 'connecting' | 'open' | 'reconnecting' | 'closed'; problem?: { message: string } }) {
  if (state === 'open' || state === 'connecting') return null;
  return (
    <div className="connection-banner" role="alert" data-testid="connection-banner">
      {state === 'reconnecting'
        ? (problem?.message ?? 'The connection to TinyDeploy was lost; reconnecting…')
        : 'The connection to TinyDeploy is closed. Restart `tinydeploy serve` and open the address it prints.'}
    </div>
  );
}

/** What the window shows when it cannot reach the services (browser mode without its token, …). */
export function ConnectionError({ error }: { error: Error }) {
  return (
    <div className="connection-error" role="alert" data-testid="connection-error">
      <h1>TinyDeploy cannot reach its services</h1>
      <p>
        <code>{error.name}</code>: {error.message}
      </p>
      <p className="muted">In browser mode, open the exact address `tinydeploy serve` printed (it carries the access token), and keep the command running.</p>
    </div>
  );
}
