/**
 * Browser mode's HTTP and WebSocket server: the renderer the Electron shell shows, served on the
 * loopback interface with the services over a WebSocket, for a workstation without a desktop
 * session and for the end-to-end tests in Chromium. It serves whatever services it is given
 * (index.ts hands it the real back end; tests hand it a fake); `tinydeploy serve` starts it.
 *
 * Security model (anything that can reach 127.0.0.1 must not get the user's projects, boards and
 * files without the token):
 * - A random token of 256 bits is made at start and printed in the address
 *   (`http://127.0.0.1:PORT/?token=…`). Every HTTP request and every WebSocket upgrade without it
 *   is refused: 401 when no token came, 403 when a wrong one did.
 * - Static files: the page's own requests for scripts and styles cannot carry a query token
 *   (Vite's bundle names them itself), so the first page load with the right token sets a
 *   cookie holding it: HttpOnly (page scripts cannot read it), SameSite=Strict (no other site's
 *   page sends it), named after the port (so two servers do not overwrite each other's), no
 *   expiry (gone with the browser session). Asset requests must carry that cookie or the token.
 * - The WebSocket needs the token itself in its URL (the client takes it from the page
 *   address), not just the cookie: a page on another local port shares cookies with us (cookies
 *   ignore ports), so a cookie alone would not prove the page is ours. Its Origin header must
 *   also be this server's own origin.
 * - The Host header must be 127.0.0.1:PORT or localhost:PORT, which defeats DNS rebinding (a
 *   hostile domain re-pointed at 127.0.0.1 arrives with its own name as Host).
 * - Pages come with a strict Content-Security-Policy (scripts and styles only from this origin,
 *   no inline script, no framing, connections only to this server's WebSocket),
 *   Referrer-Policy: no-referrer (the token never leaves in a Referer) and nosniff.
 * - The server listens on a loopback address only; `--host` accepts nothing else.
 */

import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { extname, join, normalize, resolve, sep } from 'node:path';
import type { Duplex } from 'node:stream';
import { WebSocketServer, WebSocket } from 'ws';
import { TinyDeployError } from '../core/common/errors.js';
import { decodeMessage, encodeMessage } from '../shared/services/codec.js';
import { serveServices, type MessageChannel } from '../shared/services/proxy.js';
import { maxModelBytes, servicesSchema } from '../shared/services/schemas.js';
import type { AppServices } from '../shared/services/types.js';

/** Loopback addresses browser mode may listen on. */
export const loopbackHosts = ['127.0.0.1', '::1'] as const;
export type LoopbackHost = (typeof loopbackHosts)[number];

/** Path of the WebSocket that carries the services. */
export const servicesPath = '/ws';

export interface BrowserServerOptions {
  /** What the WebSocket serves (the back end's services plus the menu, which never fires here). */
  services: AppServices;
  /** The built renderer (`out/renderer` after `npx electron-vite build`). */
  rendererDirectory: string;
  /** TCP port; 0 (the default) lets the system choose a free one. */
  port?: number;
  host?: LoopbackHost;
  /** The access token (default: 32 random bytes). Tests pass their own. */
  token?: string;
  /** Unexpected errors (a bug in a service, a failed file read) go here (default: stderr). */
  log?: (line: string) => void;
}

export interface BrowserServer {
  /** The address to open, with the token. */
  readonly url: string;
  readonly port: number;
  readonly token: string;
  /** Closes every WebSocket and stops listening. */
  close(): Promise<void>;
}

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.wasm': 'application/wasm',
  '.txt': 'text/plain; charset=utf-8',
};

/** Headers of every response. */
const commonHeaders = {
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Cache-Control': 'no-store',
};

/** The page's Content-Security-Policy: this origin only, the WebSocket of this server, no inline script. */
export function browserContentSecurityPolicy(origins: readonly string[]): string {
  const sockets = origins.map((origin) => origin.replace(/^http:/, 'ws:') + servicesPath);
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    `connect-src ${sockets.join(' ')}`,
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** Compares secrets in constant time, whatever their lengths. */
function sameSecret(candidate: string, secret: string): boolean {
  const digest = (text: string) => createHash('sha256').update(text).digest();
  return timingSafeEqual(digest(candidate), digest(secret));
}

function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of header?.split(';') ?? []) {
    const equals = part.indexOf('=');
    if (equals > 0 && part.slice(0, equals).trim() === name) return part.slice(equals + 1).trim();
  }
  return undefined;
}

/** The built renderer's page in `rendererDirectory`; says how to build it when it is missing. */
export function requireBuiltRenderer(rendererDirectory: string): string {
  const indexFile = join(resolve(rendererDirectory), 'index.html');
  if (!existsSync(indexFile)) {
    throw new TinyDeployError(`the renderer is not built: ${indexFile} is missing. Build it with: npx electron-vite build`);
  }
  return indexFile;
}

/** Starts browser mode's HTTP and WebSocket server; resolves once it listens. */
export async function startBrowserServer(options: BrowserServerOptions): Promise<BrowserServer> {
  const host = options.host ?? '127.0.0.1';
  if (!loopbackHosts.includes(host)) throw new TinyDeployError(`browser mode listens on a loopback address only (${loopbackHosts.join(', ')}), got "${host}"`);
  const rendererDirectory = resolve(options.rendererDirectory);
  const indexFile = requireBuiltRenderer(rendererDirectory);
  const token = options.token ?? randomBytes(32).toString('base64url');
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));

  // Known once listening (the port may be chosen by the system).
  let allowedHosts = new Set<string>();
  let allowedOrigins = new Set<string>();
  let cookieName = '';
  let contentSecurityPolicy = '';

  type Verdict = { ok: true; viaQuery: boolean } | { ok: false; status: 400 | 401 | 403 | 404; reason: string };

  /** Host, then token: the checks every request and upgrade pass first. */
  const admit = (request: IncomingMessage, url: URL | undefined, acceptCookie: boolean): Verdict => {
    if (!allowedHosts.has(request.headers.host ?? '')) return { ok: false, status: 403, reason: `unexpected Host header ${JSON.stringify(request.headers.host ?? '')}` };
    if (!url) return { ok: false, status: 400, reason: 'malformed request target' };
    const queryToken = url.searchParams.get('token');
    if (queryToken !== null) return sameSecret(queryToken, token) ? { ok: true, viaQuery: true } : { ok: false, status: 403, reason: 'wrong token' };
    const cookieToken = acceptCookie ? cookieValue(request.headers.cookie, cookieName) : undefined;
    if (cookieToken === undefined) return { ok: false, status: 401, reason: 'this server needs the token of the address tinydeploy serve printed' };
    return sameSecret(cookieToken, token) ? { ok: true, viaQuery: false } : { ok: false, status: 403, reason: 'wrong token' };
  };

  const parseTarget = (request: IncomingMessage): URL | undefined => {
    try {
      return new URL(request.url ?? '/', 'http://server.invalid');
    } catch {
      return undefined;
    }
  };

  const refuse = (response: ServerResponse, status: number, reason: string, extraHeaders: Record<string, string> = {}) => {
    response.writeHead(status, { ...commonHeaders, 'Content-Type': 'text/plain; charset=utf-8', ...extraHeaders });
    response.end(`${status} ${reason}\n`);
  };

  /** The file a request path names, inside the renderer folder only; undefined when there is none. */
  const locate = async (pathname: string): Promise<string | undefined> => {
    let decoded: string;
    try {
      decoded = decodeURIComponent(pathname);
    } catch {
      return undefined;
    }
    if (decoded.includes('\0')) return undefined;
    const file = resolve(rendererDirectory, normalize(decoded).replace(/^[/\\]+/, ''));
    if (file !== rendererDirectory && !file.startsWith(rendererDirectory + sep)) return undefined;
    const stats = await stat(file).catch(() => undefined);
    if (stats?.isFile()) return file;
    // The UI's own routes (a path without an extension) are pages of the single-page app.
    return extname(decoded) === '' ? indexFile : undefined;
  };

  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    const url = parseTarget(request);
    const verdict = admit(request, url, true);
    if (!verdict.ok) return refuse(response, verdict.status, verdict.reason);
    if (request.method !== 'GET' && request.method !== 'HEAD') return refuse(response, 405, 'method not allowed', { Allow: 'GET, HEAD' });
    if (url!.pathname === servicesPath) return refuse(response, 426, 'this address is the WebSocket of the services', { Upgrade: 'websocket' });
    const file = url!.pathname === '/' ? indexFile : await locate(url!.pathname);
    if (!file) return refuse(response, 404, 'not found');
    const body = await readFile(file);
    const type = contentTypes[extname(file).toLowerCase()] ?? 'application/octet-stream';
    const headers: Record<string, string | string[]> = { ...commonHeaders, 'Content-Type': type, 'Content-Length': String(body.length) };
    if (type.startsWith('text/html')) {
      Object.assign(headers, { 'Content-Security-Policy': contentSecurityPolicy, 'X-Frame-Options': 'DENY', 'Cross-Origin-Opener-Policy': 'same-origin' });
    }
    if (verdict.viaQuery) headers['Set-Cookie'] = `${cookieName}=${token}; Path=/; HttpOnly; SameSite=Strict`;
    response.writeHead(200, headers);
    response.end(request.method === 'HEAD' ? undefined : body);
  };

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      log(`tinydeploy serve: ${request.method} ${request.url}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      if (!response.headersSent) refuse(response, 500, 'internal error');
      else response.destroy();
    });
  });

  const sockets = new WebSocketServer({ noServer: true, maxPayload: Math.ceil((maxModelBytes * 4) / 3) + (1 << 20) });

  const rejectUpgrade = (socket: Duplex, status: number, reason: string) => {
    const text = { 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found' }[status] ?? 'Error';
    const body = `${status} ${reason}\n`;
    socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
  };

  server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    const url = parseTarget(request);
    const verdict = admit(request, url, false);
    if (!verdict.ok) return rejectUpgrade(socket, verdict.status, verdict.reason);
    if (url!.pathname !== servicesPath) return rejectUpgrade(socket, 404, `the services are at ${servicesPath}`);
    const origin = request.headers.origin;
    if (origin === undefined || !allowedOrigins.has(origin)) return rejectUpgrade(socket, 403, `unexpected Origin ${JSON.stringify(origin ?? '')}`);
    sockets.handleUpgrade(request, socket, head, (webSocket) => attach(webSocket));
  });

  /** Serves the services on one WebSocket: JSON text messages, one proxy connection. */
  const attach = (webSocket: WebSocket) => {
    const listeners = new Set<(message: unknown) => void>();
    const channel: MessageChannel = {
      send(message) {
        const text = encodeMessage(message);
        if (webSocket.readyState === WebSocket.OPEN) webSocket.send(text);
      },
      onMessage(listener) {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
      onClose(listener) {
        webSocket.once('close', listener);
        return () => webSocket.off('close', listener);
      },
    };
    serveServices(options.services, servicesSchema, {
      onInvalidMessage: (problem) => webSocket.close(1008, problem.slice(0, 120)),
      onUnexpectedError: (error, where) => log(`tinydeploy serve: ${where}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`),
    }).connect(channel);
    webSocket.on('message', (data, isBinary) => {
      if (isBinary) return webSocket.close(1003, 'the services speak JSON text messages');
      let message: unknown;
      try {
        message = decodeMessage(data.toString());
      } catch {
        return webSocket.close(1007, 'malformed JSON message');
      }
      for (const listener of [...listeners]) listener(message);
    });
    webSocket.on('error', () => webSocket.terminate());
  };

  await new Promise<void>((resolveListen, rejectListen) => {
    server.once('error', rejectListen);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', rejectListen);
      resolveListen();
    });
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : (options.port ?? 0);
  const hostForUrl = host === '::1' ? '[::1]' : host;
  allowedHosts = new Set([`${hostForUrl}:${port}`, `localhost:${port}`]);
  allowedOrigins = new Set([...allowedHosts].map((name) => `http://${name}`));
  cookieName = `tinydeploy-${port}`;
  contentSecurityPolicy = browserContentSecurityPolicy([...allowedOrigins]);

  return {
    url: `http://${hostForUrl}:${port}/?token=${token}`,
    port,
    token,
    async close() {
      for (const client of sockets.clients) client.terminate();
      await new Promise<void>((resolveClose) => sockets.close(() => resolveClose()));
      server.closeAllConnections();
      await new Promise<void>((resolveClose) => server.close(() => resolveClose()));
    },
  };
}
