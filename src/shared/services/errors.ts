/**
 * Errors of the service proxy itself (as opposed to errors of the services, which travel
 * through it). They live with the other error classes in core/common/errors.ts, so every
 * process rebuilds them by name with deserializeError.
 */
export { ConnectionError, RequestError } from '../../core/common/errors.js';
