import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from '../app.js';
import { createFakeServices } from './fake-services.js';
import type { FakeControl } from './fake-services.js';

// The app against the in-memory fake (fake.html, for `vite` development and the UI test in
// Chromium). The fake's control is on `window.tinydeployFake` so a test can plug devices or make
// the next deploy fail.
declare global {
  interface Window {
    tinydeployFake?: FakeControl;
  }
}

const stepMilliseconds = Number(new URLSearchParams(window.location.search).get('step') ?? 400);
const services = createFakeServices({ stepMilliseconds });
window.tinydeployFake = services.control;
createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App services={services} />
  </StrictMode>,
);
