// The services of the app over the store and the job host (see create-services.ts, backend.ts).
export { createServices } from './create-services.js';
export type { ServicesOptions } from './create-services.js';
export { startBackend } from './backend.js';
export type { Backend, BackendOptions } from './backend.js';
export type { DeviceServiceOptions } from './devices.js';
export { variantName } from './models.js';
