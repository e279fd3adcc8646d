/**
 * TinyDeploy's error classes. Expected failures are thrown as one of these; their
 * messages name the thing and the value. Across process boundaries they travel as
 * `{name, message, data}` (see `serializeError`) and are rebuilt with `deserializeError`.
 */

export class TinyDeployError extends Error {
  /** Structured details (offsets, indices, values) for programs; the message is for people. */
  readonly data?: Record<string, unknown>;
  constructor(message: string, data?: Record<string, unknown>) {
    super(message);
    // The literal name, not the class's: a minified build renames classes.
    this.name = errorNames.get(new.target) ?? new.target.name;
    this.data = data;
  }
}

/** A model file that cannot be read: wrong format, truncated, inconsistent. */
export class ImportError extends TinyDeployError {}
/** A graph that breaks an IR invariant (dangling tensor index, shape mismatch, …). */
export class ValidationError extends TinyDeployError {}
/** An op the host interpreter cannot run, or inputs it cannot accept. */
export class InterpreterError extends TinyDeployError {}
/** A dataset that cannot be read or does not fit the model. */
export class DatasetError extends TinyDeployError {}
/** A graph pass that failed; the message starts with the pass name. */
export class PassError extends TinyDeployError {}
/** The C generator refused the graph (type, shape or quantization it cannot emit). */
export class CodegenError extends TinyDeployError {}
/** Malformed frame or unexpected reply on the device protocol. */
export class ProtocolError extends TinyDeployError {}
/** Something did not answer in time. */
export class TimeoutError extends TinyDeployError {}
/** A board that is missing, busy, crashed or refused a command. */
export class DeviceError extends TinyDeployError {}
/** A command-line usage problem (missing argument, unreadable file). */
export class UsageError extends TinyDeployError {}
/** An id that names nothing (project, variant, job, dataset …): the message names the kind and the id. */
export class NotFoundError extends TinyDeployError {}
/** The project store cannot be opened or used (database, data folder, lock). */
export class StoreError extends TinyDeployError {}
/**
 * The serving side of the service proxy refused a request before calling the service: unknown
 * service or method, or a payload that does not match the method's schema. The message names
 * `service.method`, the field and the value.
 */
export class RequestError extends TinyDeployError {}
/** The connection to the serving process (IPC, WebSocket) closed, or never opened, before an answer came. */
export class ConnectionError extends TinyDeployError {}
/** The user cancelled the job (an AbortSignal fired): not a failure of the thing being done. */
export class CancelledError extends TinyDeployError {}

const errorClasses: Record<string, new (message: string, data?: Record<string, unknown>) => TinyDeployError> = {
  TinyDeployError,
  ImportError,
  ValidationError,
  InterpreterError,
  DatasetError,
  PassError,
  CodegenError,
  ProtocolError,
  TimeoutError,
  DeviceError,
  UsageError,
  CancelledError,
  NotFoundError,
  StoreError,
  RequestError,
  ConnectionError,
};

/** Each class's name as written here, whatever a minifier calls the class. */
const errorNames = new Map<unknown, string>(Object.entries(errorClasses).map(([name, ErrorClass]) => [ErrorClass, name]));

export interface SerializedError {
  name: string;
  message: string;
  data?: Record<string, unknown>;
}

export function serializeError(error: unknown): SerializedError {
  if (error instanceof TinyDeployError) return { name: error.name, message: error.message, data: error.data };
  if (error instanceof Error) return { name: error.name, message: error.message };
  return { name: 'Error', message: String(error) };
}

export function deserializeError(serialized: SerializedError): Error {
  const ErrorClass = Object.hasOwn(errorClasses, serialized.name) ? errorClasses[serialized.name] : undefined;
  if (ErrorClass) return new ErrorClass(serialized.message, serialized.data);
  const error = new Error(serialized.message);
  error.name = serialized.name;
  return error;
}
