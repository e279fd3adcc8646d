/**
 * The one generic proxy of STYLE.md §2: `serveServices` turns an implementation of a set of
 * services into the serving end of a message channel, `connectServiceClient` turns the other
 * end back into an object of the same type. The same code runs over Electron IPC, a worker's
 * port and the WebSocket of browser mode; there are no per-method channels to keep in step.
 *
 * Protocol (every message a plain object; ids are chosen by the client):
 *
 *     client → host   {kind: 'call', id, service, method, request?}
 *                     {kind: 'subscribe', id, service, event}
 *                     {kind: 'unsubscribe', id}
 *     host → client   {kind: 'result', id, value?}
 *                     {kind: 'error', id, error: {name, message, data?}}
 *                     {kind: 'event', id, payload}       (id of the subscription)
 *
 * The host validates every message it receives: its shape, then the request against the
 * method's schema (`schemas.ts`), before the implementation sees it. Only methods and events the
 * schema declares can be reached: `constructor`, `__proto__` or an implementation's private
 * helpers cannot. Errors cross as `{name, message, data}` and are rebuilt as the same
 * TinyDeployError subclass on the client.
 *
 * Events are multiplexed: however many listeners a client registers for `jobs.onJobChanged`,
 * the host holds one subscription for it per connection, dropped with the last listener or
 * when the connection closes.
 */

import { deserializeError, serializeError, TinyDeployError, type SerializedError } from '../../core/common/errors.js';
import { ConnectionError, RequestError } from './errors.js';
import { validateRequest, type ServicesSchema } from './schemas.js';
import type { Unsubscribe } from './types.js';

/**
 * One end of a bidirectional message transport. Messages are structured-cloneable values
 * (JSON values and Uint8Array); a string transport encodes them with `codec.ts`.
 */
export interface MessageChannel {
  send(message: unknown): void;
  onMessage(listener: (message: unknown) => void): Unsubscribe;
  /** The peer went away: pending calls fail with a ConnectionError. Omit for channels that never close. */
  onClose?(listener: () => void): Unsubscribe;
  /** The channel (re)opened after a close: the client re-establishes its event subscriptions. */
  onOpen?(listener: () => void): Unsubscribe;
}

export type ClientMessage =
  | { kind: 'call'; id: number; service: string; method: string; request?: unknown }
  | { kind: 'subscribe'; id: number; service: string; event: string }
  | { kind: 'unsubscribe'; id: number };

export type HostMessage =
  | { kind: 'result'; id: number; value?: unknown }
  | { kind: 'error'; id: number; error: SerializedError }
  | { kind: 'event'; id: number; payload: unknown };

// ---- serving -----------------------------------------------------------------------------

export interface ServeOptions {
  /**
   * A message that is not a proxy message at all (not an object, no valid id …): nothing can
   * be answered. The WebSocket server closes the connection; the default ignores it.
   */
  onInvalidMessage?(problem: string): void;
  /** An implementation threw something that is not a TinyDeployError (a bug): for the log. */
  onUnexpectedError?(error: unknown, where: string): void;
  /** What one connection may hold at once (default: no limit, for Electron's own window and the worker). */
  limits?: ConnectionLimits;
}

/**
 * Bounds on the work one connection can make its host do, so that one client (browser mode's
 * WebSocket) cannot exhaust the host: a request past a limit is refused with a RequestError that
 * names the limit, and the connection stays usable.
 */
export interface ConnectionLimits {
  /** Event subscriptions held at once. */
  subscriptions?: number;
  /** Calls being served at once (answer not sent yet). */
  callsInFlight?: number;
  /** Calls of one method being served at once, by `service.method` (long requests such as `models.importModel`). */
  methodCallsInFlight?: Readonly<Record<string, number>>;
}

/** The serving end of one connection. */
export interface ServedConnection {
  /** Drops the connection's subscriptions; answers still in flight are discarded. */
  close(): void;
}

/** Serves one implementation to any number of connections. */
export interface ServiceHost {
  connect(channel: MessageChannel): ServedConnection;
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const isId = (value: unknown): value is number => typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;

/** Checks the shape of a message from a client; returns the message or a description of what is wrong. */
function parseClientMessage(message: unknown): ClientMessage | string {
  if (!isRecord(message)) return `a message must be an object, got ${message === null ? 'null' : Array.isArray(message) ? 'an array' : typeof message}`;
  if (!isId(message.id)) return `message id must be a whole number ≥ 0, got ${JSON.stringify(message.id) ?? 'nothing'}`;
  const { kind, id } = message;
  if (kind === 'call' && typeof message.service === 'string' && typeof message.method === 'string') {
    return { kind, id, service: message.service, method: message.method, request: message.request };
  }
  if (kind === 'subscribe' && typeof message.service === 'string' && typeof message.event === 'string') {
    return { kind, id, service: message.service, event: message.event };
  }
  if (kind === 'unsubscribe') return { kind, id };
  return `malformed message of kind ${JSON.stringify(kind) ?? 'nothing'} (id ${id})`;
}

/**
 * Serves `implementation` (an object of services by name) with `schema` deciding what is
 * reachable and validating every request.
 */
export function serveServices<T extends object>(implementation: T, schema: ServicesSchema<T>, options: ServeOptions = {}): ServiceHost {
  const services = implementation as Record<string, Record<string, (argument: unknown) => unknown>>;
  const reportUnexpected = (error: unknown, where: string) => {
    if (!(error instanceof TinyDeployError)) options.onUnexpectedError?.(error, where);
  };

  return {
    connect(channel) {
      let open = true;
      const subscriptions = new Map<number, Unsubscribe>();
      const send = (message: HostMessage) => {
        if (open) channel.send(message);
      };
      const fail = (id: number, error: unknown) => send({ kind: 'error', id, error: serializeError(error) });
      const limits = options.limits ?? {};
      let callsInFlight = 0;
      const methodCallsInFlight = new Map<string, number>();

      /** Refuses a call past the connection's limits; otherwise counts it until `release`. */
      const admitCall = (what: string): (() => void) => {
        if (limits.callsInFlight !== undefined && callsInFlight >= limits.callsInFlight) {
          throw new RequestError(`${what}: this connection already has ${callsInFlight} calls in progress, the most one connection may have (${limits.callsInFlight}); wait for one to finish`, {
            limit: limits.callsInFlight,
          });
        }
        const methodLimit = Object.hasOwn(limits.methodCallsInFlight ?? {}, what) ? limits.methodCallsInFlight![what] : undefined;
        const methodCount = methodCallsInFlight.get(what) ?? 0;
        if (methodLimit !== undefined && methodCount >= methodLimit) {
          throw new RequestError(`${what}: this connection already has ${methodCount} ${what} calls in progress, the most one connection may have (${methodLimit}); wait for one to finish`, {
            limit: methodLimit,
          });
        }
        callsInFlight++;
        methodCallsInFlight.set(what, methodCount + 1);
        return () => {
          callsInFlight--;
          methodCallsInFlight.set(what, methodCallsInFlight.get(what)! - 1);
        };
      };

      const call = async (id: number, service: string, method: string, request: unknown) => {
        let release: (() => void) | undefined;
        try {
          validateRequest(schema, service, method, request);
          release = admitCall(`${service}.${method}`);
          const value = await services[service][method](request);
          send({ kind: 'result', id, value });
        } catch (error) {
          reportUnexpected(error, `${service}.${method}`);
          fail(id, error);
        } finally {
          release?.();
        }
      };

      const subscribe = (id: number, service: string, event: string) => {
        try {
          const events = Object.hasOwn(schema, service) ? (schema as Record<string, { events: Record<string, true> }>)[service].events : undefined;
          if (!events || !Object.hasOwn(events, event)) {
            throw new RequestError(events ? `${service}: unknown event ${JSON.stringify(event)} (events: ${Object.keys(events).join(', ') || 'none'})` : `unknown service ${JSON.stringify(service)}`, { service, event });
          }
          if (subscriptions.has(id)) throw new RequestError(`subscription id ${id} is already in use`, { id });
          if (limits.subscriptions !== undefined && subscriptions.size >= limits.subscriptions) {
            throw new RequestError(`${service}.${event}: this connection already holds ${subscriptions.size} subscriptions, the most one connection may hold (${limits.subscriptions})`, {
              limit: limits.subscriptions,
            });
          }
          const forward = (payload: unknown) => {
            // A payload the transport cannot carry is a bug of the service; it must not break its emitter.
            try {
              send({ kind: 'event', id, payload });
            } catch (error) {
              options.onUnexpectedError?.(error, `${service}.${event}`);
            }
          };
          const unsubscribe = services[service][event](forward) as Unsubscribe;
          subscriptions.set(id, unsubscribe);
        } catch (error) {
          reportUnexpected(error, `${service}.${event}`);
          fail(id, error);
        }
      };

      const stopListening = channel.onMessage((raw) => {
        const message = parseClientMessage(raw);
        if (typeof message === 'string') {
          options.onInvalidMessage?.(message);
          return;
        }
        if (message.kind === 'call') void call(message.id, message.service, message.method, message.request);
        else if (message.kind === 'subscribe') subscribe(message.id, message.service, message.event);
        else {
          subscriptions.get(message.id)?.();
          subscriptions.delete(message.id);
        }
      });

      const close = () => {
        if (!open) return;
        open = false;
        stopListening();
        stopClose?.();
        for (const unsubscribe of subscriptions.values()) unsubscribe();
        subscriptions.clear();
      };
      const stopClose = channel.onClose?.(close);
      return { close };
    },
  };
}

// ---- calling -----------------------------------------------------------------------------

export interface ClientOptions {
  /** A listener threw, or the host refused a subscription: nobody awaits these, so they are reported here (default: console.error). */
  onError?(error: unknown): void;
}

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
  what: string;
}

interface Subscription {
  service: string;
  event: string;
  listeners: Set<(payload: unknown) => void>;
  /** Id of the host-side subscription; undefined while not subscribed on the current connection. */
  id: number | undefined;
}

/**
 * A client of the services `schema` describes, over `channel`: `client.projects.create({name})`
 * sends a call and resolves to the host's answer (or rejects with the rebuilt error);
 * `client.jobs.onJobChanged(listener)` subscribes. The object has exactly the schema's methods
 * and events, so it is safe to enumerate, log or await.
 */
export function connectServiceClient<T extends object>(channel: MessageChannel, schema: ServicesSchema<T>, options: ClientOptions = {}): T {
  const reportError = options.onError ?? ((error: unknown) => console.error('tinydeploy services:', error));
  let nextId = 1;
  const pending = new Map<number, Pending>();
  const subscriptionsById = new Map<number, Subscription>();
  const subscriptions = new Map<string, Subscription>();

  /** Subscribes on the host; while the channel is down it does nothing, and `onOpen` retries. */
  const sendSubscribe = (subscription: Subscription) => {
    const id = nextId++;
    try {
      channel.send({ kind: 'subscribe', id, service: subscription.service, event: subscription.event } satisfies ClientMessage);
    } catch {
      return;
    }
    subscription.id = id;
    subscriptionsById.set(id, subscription);
  };

  channel.onMessage((raw) => {
    if (!isRecord(raw) || !isId(raw.id)) return;
    if (raw.kind === 'event') {
      const subscription = subscriptionsById.get(raw.id);
      for (const listener of subscription ? [...subscription.listeners] : []) {
        try {
          listener(raw.payload);
        } catch (error) {
          reportError(error);
        }
      }
      return;
    }
    const call = pending.get(raw.id);
    if (call) {
      pending.delete(raw.id);
      if (raw.kind === 'result') call.resolve(raw.value);
      else call.reject(deserializeError(isRecord(raw.error) ? (raw.error as unknown as SerializedError) : { name: 'Error', message: `${call.what}: malformed error answer` }));
      return;
    }
    if (raw.kind === 'error' && subscriptionsById.has(raw.id)) {
      const subscription = subscriptionsById.get(raw.id)!;
      subscriptionsById.delete(raw.id);
      subscription.id = undefined;
      reportError(deserializeError(raw.error as SerializedError));
    }
  });

  channel.onClose?.(() => {
    for (const [id, call] of pending) {
      pending.delete(id);
      call.reject(new ConnectionError(`${call.what}: the connection to TinyDeploy closed before it answered`));
    }
    subscriptionsById.clear();
    for (const subscription of subscriptions.values()) subscription.id = undefined;
  });

  channel.onOpen?.(() => {
    for (const subscription of subscriptions.values()) {
      if (subscription.id === undefined && subscription.listeners.size > 0) sendSubscribe(subscription);
    }
  });

  const call = (service: string, method: string, request: unknown) =>
    new Promise<unknown>((resolve, reject) => {
      const id = nextId++;
      const what = `${service}.${method}`;
      pending.set(id, { resolve, reject, what });
      try {
        channel.send({ kind: 'call', id, service, method, ...(request === undefined ? {} : { request }) } satisfies ClientMessage);
      } catch (error) {
        pending.delete(id);
        reject(error instanceof Error ? error : new ConnectionError(`${what}: ${String(error)}`));
      }
    });

  const listen = (service: string, event: string, listener: (payload: unknown) => void): Unsubscribe => {
    if (typeof listener !== 'function') throw new TypeError(`${service}.${event} needs a listener function`);
    const key = `${service}.${event}`;
    let subscription = subscriptions.get(key);
    if (!subscription) {
      subscription = { service, event, listeners: new Set(), id: undefined };
      subscriptions.set(key, subscription);
    }
    const entry = (payload: unknown) => listener(payload);
    subscription.listeners.add(entry);
    if (subscription.id === undefined) sendSubscribe(subscription);
    const current = subscription;
    return () => {
      if (!current.listeners.delete(entry) || current.listeners.size > 0 || current.id === undefined) return;
      const id = current.id;
      subscriptionsById.delete(id);
      current.id = undefined;
      try {
        channel.send({ kind: 'unsubscribe', id } satisfies ClientMessage);
      } catch {
        // The channel is down: the host dropped the subscription with the connection.
      }
    };
  };

  const client: Record<string, object> = {};
  for (const [service, serviceSchema] of Object.entries(schema as Record<string, { methods: object; events: object }>)) {
    const members: Record<string, unknown> = {};
    for (const method of Object.keys(serviceSchema.methods)) members[method] = (request?: unknown) => call(service, method, request);
    for (const event of Object.keys(serviceSchema.events)) members[event] = (listener: (payload: unknown) => void) => listen(service, event, listener);
    client[service] = Object.freeze(members);
  }
  return Object.freeze(client) as T;
}
