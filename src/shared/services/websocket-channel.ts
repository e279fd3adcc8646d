/**
 * The client end of browser mode's transport: a `MessageChannel` over a WebSocket carrying JSON
 * text (`codec.ts`), which reconnects by itself when the server goes away and comes back (a
 * restarted `tinydeploy serve`, a suspended laptop).
 *
 * While the first connection is being made, messages wait and are sent once it opens. After a
 * connection is lost, `send` throws a ConnectionError until the next one opens, so a call fails
 * at once instead of waiting for a server that may never return; the proxy client then fails
 * the calls that were in flight and re-subscribes its events when the channel reopens.
 *
 * It takes a factory of WebSocket-like objects (the browser's `WebSocket`; the `ws` package's in
 * tests), so it has no dependency on either.
 */

import { decodeMessage, encodeMessage } from './codec.js';
import { ConnectionError, RequestError } from './errors.js';
import type { MessageChannel } from './proxy.js';
import { maxModelBytes } from './schemas.js';
import type { Unsubscribe } from './types.js';

/**
 * The longest message browser mode carries, in bytes of JSON text: the largest model
 * `models.importModel` accepts (`maxModelBytes`, 64 MiB, far more than any microcontroller
 * holds), base64-encoded, plus room for the rest of the call. The server's WebSocket refuses a
 * longer one (closing with 1009); this channel refuses to send one, saying so.
 */
export const maxWebSocketMessageBytes = Math.ceil(maxModelBytes / 3) * 4 + 64 * 1024;

const mebibytes = (bytes: number) => `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;

/** The length of the base64 text of the bytes inside a message: a lower bound of its length, known before encoding it. */
function base64LengthInside(value: unknown): number {
  if (value instanceof Uint8Array) return Math.ceil(value.length / 3) * 4;
  if (typeof value !== 'object' || value === null) return 0;
  let total = 0;
  for (const item of Array.isArray(value) ? value : Object.values(value)) total += base64LengthInside(item);
  return total;
}

/** The UTF-8 length of a message's text (the codec's JSON is ASCII unless a string of the payload is not). */
function messageBytes(text: string): number {
  return text.length * 3 <= maxWebSocketMessageBytes || /^[\x00-\x7f]*$/.test(text) ? text.length : new TextEncoder().encode(text).length;
}

/** The part of the WHATWG WebSocket this channel uses. */
export interface WebSocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  addEventListener(type: 'open' | 'close' | 'error', listener: () => void): void;
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
}

export type ConnectionState = 'connecting' | 'open' | 'reconnecting' | 'closed';

export interface WebSocketChannelOptions {
  /** Waits before each reconnection attempt, the last repeated (default 250 ms doubling to 5 s). */
  retryDelaysMs?: readonly number[];
  /** Each change of the connection's state, for a "reconnecting…" banner. */
  onStateChange?(state: ConnectionState): void;
  /** A message that is not valid JSON of the codec (a bug of the server): for the console. */
  onMalformedMessage?(error: unknown): void;
}

export interface WebSocketChannel extends MessageChannel {
  readonly state: ConnectionState;
  /** Closes the connection for good (no more reconnection). */
  close(): void;
}

const openState = 1;

export function webSocketChannel(openSocket: () => WebSocketLike, options: WebSocketChannelOptions = {}): WebSocketChannel {
  const retryDelays = options.retryDelaysMs ?? [250, 500, 1000, 2000, 5000];
  const messageListeners = new Set<(message: unknown) => void>();
  const closeListeners = new Set<() => void>();
  const openListeners = new Set<() => void>();
  let state: ConnectionState = 'connecting';
  let socket: WebSocketLike | undefined;
  let waiting: string[] = [];
  let attempt = 0;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;

  const setState = (next: ConnectionState) => {
    if (state === next) return;
    state = next;
    options.onStateChange?.(next);
  };
  const register = <T>(set: Set<T>, listener: T): Unsubscribe => {
    set.add(listener);
    return () => set.delete(listener);
  };

  const connect = () => {
    retryTimer = undefined;
    const current = openSocket();
    socket = current;
    let wasOpen = false;
    current.addEventListener('open', () => {
      if (socket !== current) return;
      wasOpen = true;
      attempt = 0;
      const reconnected = state === 'reconnecting';
      setState('open');
      const queued = waiting;
      waiting = [];
      for (const text of queued) current.send(text);
      if (reconnected) for (const listener of [...openListeners]) listener();
    });
    current.addEventListener('message', (event) => {
      if (socket !== current) return;
      let message: unknown;
      try {
        message = decodeMessage(String(event.data));
      } catch (error) {
        options.onMalformedMessage?.(error);
        return;
      }
      for (const listener of [...messageListeners]) listener(message);
    });
    current.addEventListener('close', () => {
      if (socket !== current) return;
      socket = undefined;
      if (state === 'closed') return;
      // Messages not yet sent are dropped: the proxy fails their calls now, rather than
      // running them on a server the caller has given up on.
      waiting = [];
      if (wasOpen || state === 'connecting') {
        setState('reconnecting');
        for (const listener of [...closeListeners]) listener();
      }
      const delay = retryDelays[Math.min(attempt, retryDelays.length - 1)];
      attempt++;
      retryTimer = setTimeout(connect, delay);
    });
    current.addEventListener('error', () => {
      // A 'close' event always follows; nothing else to do.
    });
  };

  connect();

  return {
    get state() {
      return state;
    },
    send(message) {
      // A model too large is refused before its bytes are encoded (a 1 GiB file would make a 1.3 GiB string first).
      const bytesInside = base64LengthInside(message);
      const text = bytesInside > maxWebSocketMessageBytes ? '' : encodeMessage(message);
      const size = Math.max(bytesInside, messageBytes(text));
      if (size > maxWebSocketMessageBytes) {
        const call = message as { kind?: unknown; service?: unknown; method?: unknown };
        const what = call.kind === 'call' ? `${String(call.service)}.${String(call.method)}: ` : '';
        throw new RequestError(
          `${what}a message of ${mebibytes(size)} is longer than browser mode carries (${mebibytes(maxWebSocketMessageBytes)}, for models up to ${mebibytes(maxModelBytes)})`,
          { limit: maxWebSocketMessageBytes, bytes: size },
        );
      }
      if (state === 'open' && socket?.readyState === openState) socket.send(text);
      else if (state === 'connecting') waiting.push(text);
      else throw new ConnectionError(state === 'closed' ? 'the connection to TinyDeploy was closed' : 'the connection to TinyDeploy was lost; reconnecting');
    },
    onMessage: (listener) => register(messageListeners, listener),
    onClose: (listener) => register(closeListeners, listener),
    onOpen: (listener) => register(openListeners, listener),
    close() {
      if (state === 'closed') return;
      setState('closed');
      if (retryTimer !== undefined) clearTimeout(retryTimer);
      const current = socket;
      socket = undefined;
      waiting = [];
      current?.close(1000, 'closed by the client');
      for (const listener of [...closeListeners]) listener();
    },
  };
}
