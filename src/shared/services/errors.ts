/**
 * Errors of the service proxy itself (as opposed to errors of the services, which travel
 * through it). They subclass TinyDeployError so that a caller can tell "the request was
 * refused" and "the connection is gone" from a failure of the thing it asked for.
 */

import { deserializeError, TinyDeployError, type SerializedError } from '../../core/common/errors.js';

/**
 * The serving side refused a request before calling the service: unknown service or method,
 * or a payload that does not match the method's schema. The message names `service.method`,
 * the field and the value.
 */
export class RequestError extends TinyDeployError {}

/** The connection to the serving process closed (or was never opened) before an answer came. */
export class ConnectionError extends TinyDeployError {}

const proxyErrorClasses: Record<string, new (message: string, data?: Record<string, unknown>) => TinyDeployError> = {
  RequestError,
  ConnectionError,
};

/** `deserializeError` that also knows the proxy's own error classes. */
export function rebuildError(serialized: SerializedError): Error {
  if (Object.hasOwn(proxyErrorClasses, serialized.name)) return new proxyErrorClasses[serialized.name](serialized.message, serialized.data);
  // A name such as "constructor" would make deserializeError's class lookup find Object's
  // members: such an error is rebuilt as a plain Error carrying the name.
  if (serialized.name in Object.prototype) return Object.assign(new Error(serialized.message), { name: serialized.name });
  return deserializeError(serialized);
}
