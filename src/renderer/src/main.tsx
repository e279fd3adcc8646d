import { StrictMode, useSyncExternalStore } from 'react';
import { createRoot } from 'react-dom/client';
import type { AppServices } from '../../shared/services/types.js';
import { App, ConnectionBanner, ConnectionError } from './app.js';
import { connectServices } from './services-client.js';
import type { ConnectionProblem, ConnectionState } from './services-client.js';

// The window's entry: connect to the services (Electron's preload bridge, or browser mode's
// WebSocket), then show the app, or why it cannot start. In browser mode a lost WebSocket shows
// a banner while it reconnects; once it is back the app is mounted afresh, since jobs and
// devices may have changed while no events could arrive.
let connection: { state: ConnectionState; generation: number; problem?: ConnectionProblem } = { state: 'open', generation: 0 };
const connectionListeners = new Set<() => void>();
const subscribe = (listener: () => void) => {
  connectionListeners.add(listener);
  return () => connectionListeners.delete(listener);
};
function onConnectionChange(state: ConnectionState) {
  const reconnected = state === 'open' && connection.state !== 'open';
  connection = { ...connection, state, generation: connection.generation + (reconnected ? 1 : 0) };
  for (const listener of connectionListeners) listener();
}
function onConnectionProblem(problem: ConnectionProblem | undefined) {
  connection = { ...connection, problem };
  for (const listener of connectionListeners) listener();
}

function Root({ services }: { services: AppServices }) {
  const { state, generation, problem } = useSyncExternalStore(subscribe, () => connection);
  return (
    <>
      <ConnectionBanner state={state} problem={problem} />
      <App key={generation} services={services} />
    </>
  );
}

const root = createRoot(document.getElementById('root')!);
connectServices({ onConnectionChange, onConnectionProblem }).then(
  (services: AppServices) =>
    root.render(
      <StrictMode>
        <Root services={services} />
      </StrictMode>,
    ),
  (error: unknown) => root.render(<ConnectionError error={error instanceof Error ? error : new Error(String(error))} />),
);
