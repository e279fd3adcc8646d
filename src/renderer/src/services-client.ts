/**
 * The renderer's side of the service proxy: `connectServices()` gives the UI an `AppServices`
 * object whatever hosts it. In Electron the preload bridge (`window.tinydeploy`) carries the
 * messages over IPC; in browser mode (`tinydeploy serve`) a WebSocket to the serving host does,
 * authenticated with the token of the page's address.
 */

import type { PreloadBridge } from '../../shared/services/bridge.js';
import { ConnectionError } from '../../shared/services/errors.js';
import { connectServiceClient, type MessageChannel } from '../../shared/services/proxy.js';
import { servicesSchema } from '../../shared/services/schemas.js';
import type { AppServices } from '../../shared/services/types.js';
import { webSocketChannel, type ConnectionState } from '../../shared/services/websocket-channel.js';

declare global {
  interface Window {
    /** The Electron preload's bridge; absent in browser mode. */
    tinydeploy?: PreloadBridge;
  }
}

export type { ConnectionState };

export interface ConnectOptions {
  /**
   * Browser mode only: the WebSocket was lost ('reconnecting', calls fail with a
   * ConnectionError meanwhile) or is back ('open'; events resume, state may have changed).
   */
  onConnectionChange?(state: ConnectionState): void;
  /**
   * Browser mode only: while reconnecting, what the page found out about its server (asked
   * again every few seconds): gone from this address, or restarted with a new token. Undefined
   * once the connection is back.
   */
  onConnectionProblem?(problem: ConnectionProblem | undefined): void;
}

/** Why a lost connection does not come back, in words the user can act on. */
export interface ConnectionProblem {
  kind: 'unreachable' | 'new-token';
  message: string;
}

/**
 * What a probe of the page's own server (`GET /connection-probe` with the page's asset cookie) says while the
 * WebSocket cannot reconnect: no answer means the server stopped or was restarted elsewhere (a
 * restarted serve picks a new port unless --port is given); 401/403 means a server answers here
 * but refuses this page's token, so it was restarted with a new one; an answer means the server
 * is there and the WebSocket will come back by itself.
 */
export function connectionProblem(probe: 'unreachable' | number, host: string): ConnectionProblem | undefined {
  if (probe === 'unreachable') {
    return {
      kind: 'unreachable',
      message:
        `The TinyDeploy server at ${host} does not answer: it was stopped, or restarted at a new address. ` +
        'A restarted `tinydeploy serve` prints a new address with a new token (and a new port unless --port was given): open that address. ' +
        'This page keeps trying this one meanwhile.',
    };
  }
  if (probe === 401 || probe === 403) {
    return {
      kind: 'new-token',
      message: `A TinyDeploy server answers at ${host} but refuses this page's token: it was restarted with a new one. Open the new address \`tinydeploy serve\` printed (it carries the new token).`,
    };
  }
  return undefined;
}

/** The address the server's Content-Security-Policy lets the page probe (src/server: connectionProbePath). */
const connectionProbePath = '/connection-probe';

/** Asks the page's own address whether a server answers, and whether it takes this page's cookie. */
async function probeServer(): Promise<'unreachable' | number> {
  try {
    const response = await fetch(new URL(connectionProbePath, window.location.href), { cache: 'no-store', credentials: 'same-origin', redirect: 'manual' });
    return response.status;
  } catch {
    return 'unreachable';
  }
}

/** Where the token is kept for the tab, so a reload and reconnections work once `?token=` has left the address. */
const tokenStorageKey = 'tinydeploy-token';

/**
 * The browser-mode token: from the page address, else from this tab's earlier load. Taken from
 * the address, it is removed from it at once (the history entry is replaced, not added to), so it
 * stays neither in the address bar, where a screenshot or a shoulder would catch it, nor in the
 * browser's history. The server's asset cookie lets a reload fetch the page without it.
 */
function browserToken(): string | undefined {
  const address = new URL(window.location.href);
  const fromAddress = address.searchParams.get('token');
  if (fromAddress !== null) {
    address.searchParams.delete('token');
    window.history.replaceState(window.history.state, '', `${address.pathname}${address.search}${address.hash}`);
    if (fromAddress) {
      window.sessionStorage.setItem(tokenStorageKey, fromAddress);
      return fromAddress;
    }
  }
  return window.sessionStorage.getItem(tokenStorageKey) ?? undefined;
}

/**
 * Connects to the services. Resolves at once in Electron; in browser mode once the WebSocket
 * has opened. Rejects with a ConnectionError when the page has no token or the server refuses
 * the connection (wrong token, server stopped).
 */
export function connectServices(options: ConnectOptions = {}): Promise<AppServices> {
  const bridge = window.tinydeploy;
  if (bridge) {
    const channel: MessageChannel = { send: (message) => bridge.send(message), onMessage: (listener) => bridge.onMessage(listener) };
    return Promise.resolve(connectServiceClient<AppServices>(channel, servicesSchema));
  }

  const token = browserToken();
  if (!token) {
    return Promise.reject(new ConnectionError('this page needs the address that `tinydeploy serve` printed, with its ?token=…'));
  }
  const scheme = window.location.protocol === 'https:' ? 'wss' : 'ws';
  const address = `${scheme}://${window.location.host}/ws?token=${encodeURIComponent(token)}`;
  return new Promise((resolve, reject) => {
    let opened = false;
    let probing: ReturnType<typeof setInterval> | undefined;
    const probe = () =>
      void probeServer().then((result) => {
        if (probing !== undefined) options.onConnectionProblem?.(connectionProblem(result, window.location.host));
      });
    const channel = webSocketChannel(() => new WebSocket(address), {
      onStateChange(state) {
        if (!opened && state === 'open') {
          opened = true;
          resolve(client);
        } else if (!opened && state === 'reconnecting') {
          channel.close();
          reject(new ConnectionError(`could not connect to TinyDeploy at ${window.location.host}: the server is not running or refused the token (restarting \`tinydeploy serve\` makes a new one)`));
        }
        if (opened && state === 'reconnecting' && probing === undefined) {
          probing = setInterval(probe, 5000);
          probe();
        } else if (state !== 'reconnecting' && probing !== undefined) {
          clearInterval(probing);
          probing = undefined;
          options.onConnectionProblem?.(undefined);
        }
        if (opened) options.onConnectionChange?.(state);
      },
      onMalformedMessage: (error) => console.error('tinydeploy: malformed message from the server', error),
    });
    const client = connectServiceClient<AppServices>(channel, servicesSchema);
  });
}
