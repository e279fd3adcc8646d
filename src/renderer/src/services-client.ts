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
    const channel = webSocketChannel(() => new WebSocket(address), {
      onStateChange(state) {
        if (!opened && state === 'open') {
          opened = true;
          resolve(client);
        } else if (!opened && state === 'reconnecting') {
          channel.close();
          reject(new ConnectionError(`could not connect to TinyDeploy at ${window.location.host}: the server is not running or refused the token (restarting \`tinydeploy serve\` makes a new one)`));
        }
        if (opened) options.onConnectionChange?.(state);
      },
      onMalformedMessage: (error) => console.error('tinydeploy: malformed message from the server', error),
    });
    const client = connectServiceClient<AppServices>(channel, servicesSchema);
  });
}
