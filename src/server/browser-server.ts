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
 *   cookie: HttpOnly (page scripts cannot read it), SameSite=Strict (no other site's page sends
 *   it), named after the port (so two servers do not overwrite each other's), no expiry (gone
 *   with the browser session). Asset requests must carry that cookie or the token.
 * - The cookie holds a second secret, the asset secret, never the token: cookies ignore ports,
 *   so every other HTTP service on 127.0.0.1 the same browser visits receives it. It opens the
 *   renderer's files (public code) and nothing else; the WebSocket never accepts it.
 * - The WebSocket needs the token itself in its URL: the page takes it from its address on the
 *   first load, keeps it in the tab's sessionStorage and replaces the address with one without
 *   it (so it leaves the address bar and the history). Its Origin header must also be this
 *   server's own origin.
 * - Per connection, bounded work: at most `webSocketLimits.subscriptions` event subscriptions,
 *   messages of at most `maxWebSocketMessageBytes` (the largest model import, base64-encoded),
 *   a few long calls (imports, datasets) and a few dozen unfinished jobs at once; past a limit a
 *   request is refused with a RequestError naming it. At most `maxWebSockets` are open at once.
 * - The Host header must be 127.0.0.1:PORT or localhost:PORT, which defeats DNS rebinding (a
 *   hostile domain re-pointed at 127.0.0.1 arrives with its own name as Host).
 * - Pages come with a strict Content-Security-Policy (scripts and styles only from this origin,
 *   no inline script, no framing, connections only to this server's WebSocket),
 *   Referrer-Policy: no-referrer (the token never leaves in a Referer) and nosniff.
 * - The server listens on a loopback address only; `--host` accepts nothing else.
 * - Paths the client sends (a dataset folder) are read only inside the folders the person who
 *   started the server allowed (allowed-folders.ts, applied by index.ts); models come as bytes.
 */

import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { extname, isAbsolute, join, normalize, resolve, sep } from 'node:path';
import type { Duplex } from 'node:stream';
import { WebSocketServer, WebSocket } from 'ws';
import { RequestError, TinyDeployError } from '../core/common/errors.js';
import { printableText } from '../core/common/printable.js';
import { decodeBase64, decodeMessage, encodeMessage } from '../shared/services/codec.js';
import { serveServices, type MessageChannel } from '../shared/services/proxy.js';
import { servicesSchema } from '../shared/services/schemas.js';
import type { AppServices, Job, JobService } from '../shared/services/types.js';
import { maxWebSocketMessageBytes } from '../shared/services/websocket-channel.js';

/** Loopback addresses browser mode may listen on. */
export const loopbackHosts = ['127.0.0.1', '::1'] as const;
export type LoopbackHost = (typeof loopbackHosts)[number];

/** Path of the WebSocket that carries the services. */
export const servicesPath = '/ws';

/**
 * What one WebSocket may hold at once. The renderer needs one subscription per event, one
 * import and a handful of calls; the bounds leave it room and stop a client that loops.
 */
export const webSocketLimits = {
  /** Event subscriptions (the renderer holds three). */
  subscriptions: 256,
  /** Calls being served. */
  callsInFlight: 64,
  /** Long calls being served: each holds a model or reads a dataset. */
  methodCallsInFlight: { 'models.importModel': 2, 'datasets.add': 2, 'datasets.upload': 1, 'datasets.preview': 2 },
  /** Jobs this connection started that are still queued or running. */
  unfinishedJobs: 32,
} as const;

/** WebSockets open at once (a tab holds one), so that the per-connection limits cannot be multiplied at will. */
export const maxWebSockets = 32;

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
  /** The secret of the asset cookie (default: 32 random bytes, distinct from the token). */
  assetSecret?: string;
  /**
   * Unexpected errors (a bug in a service, a failed file read) go here (default: stderr), with
   * control characters escaped: their messages may quote names from a model or a request.
   */
  log?: (line: string) => void;
  /**
   * A dataset path the user typed relative (`../shared/datasets/kws01`) is taken from this folder
   * (default: the folder `tinydeploy serve` was started in), as `--allow-folder` is.
   */
  workingDirectory?: string;
}

/**
 * `datasets.add` with a relative path: the path made absolute from `workingDirectory`, as the
 * shell that started serve would read it. Every other message is returned unchanged.
 */
export function resolveRelativeDatasetPath(message: unknown, workingDirectory: string): unknown {
  if (typeof message !== 'object' || message === null) return message;
  const call = message as { kind?: unknown; service?: unknown; method?: unknown; request?: unknown };
  if (call.kind !== 'call' || call.service !== 'datasets' || call.method !== 'add' || typeof call.request !== 'object' || call.request === null) return message;
  const path = (call.request as { path?: unknown }).path;
  if (typeof path !== 'string' || path === '' || isAbsolute(path) || /^[A-Za-z]:[\\/]|^\\\\/.test(path)) return message;
  return { ...call, request: { ...call.request, path: resolve(workingDirectory, path) } };
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

/**
 * What the page fetches while its WebSocket cannot reconnect: any answer but 401/403 means this
 * server is still here and takes the page's cookie (it answers 404 after the usual checks).
 */
export const connectionProbePath = '/connection-probe';

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
  // The page asks this one address whether its server is still there when the WebSocket is lost.
  const probes = origins.map((origin) => origin + connectionProbePath);
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    `connect-src ${[...sockets, ...probes].join(' ')}`,
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
  const assetSecret = options.assetSecret ?? randomBytes(32).toString('base64url');
  if (assetSecret === token) throw new TinyDeployError('browser mode: the asset secret must differ from the token');
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
    const cookieSecret = acceptCookie ? cookieValue(request.headers.cookie, cookieName) : undefined;
    if (cookieSecret === undefined) return { ok: false, status: 401, reason: 'this server needs the token of the address tinydeploy serve printed' };
    return sameSecret(cookieSecret, assetSecret) ? { ok: true, viaQuery: false } : { ok: false, status: 403, reason: 'wrong token' };
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
    if (verdict.viaQuery) headers['Set-Cookie'] = `${cookieName}=${assetSecret}; Path=/; HttpOnly; SameSite=Strict`;
    response.writeHead(200, headers);
    response.end(request.method === 'HEAD' ? undefined : body);
  };

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      log(printableText(`tinydeploy serve: ${request.method} ${request.url}: ${describeUnexpected(error)}`));
      if (!response.headersSent) refuse(response, 500, 'internal error');
      else response.destroy();
    });
  });

  // A longer message is refused from its frame header, before it is buffered: the connection
  // closes with 1009 (the client's channel refuses to send one, with the limit in its error).
  const sockets = new WebSocketServer({ noServer: true, maxPayload: maxWebSocketMessageBytes });

  const rejectUpgrade = (socket: Duplex, status: number, reason: string) => {
    const text = { 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 503: 'Service Unavailable' }[status] ?? 'Error';
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
    if (sockets.clients.size >= maxWebSockets) return rejectUpgrade(socket, 503, `this server already has ${sockets.clients.size} WebSockets open, the most it serves (${maxWebSockets}); close a tab`);
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
    serveServices(withJobLimit(options.services, webSocketLimits.unfinishedJobs), servicesSchema, {
      onInvalidMessage: (problem) => webSocket.close(1008, problem.slice(0, 120)),
      onUnexpectedError: (error, where) => log(printableText(`tinydeploy serve: ${where}: ${describeUnexpected(error)}`)),
      limits: webSocketLimits,
    }).connect(channel);
    webSocket.on('message', (data, isBinary) => {
      if (isBinary) return webSocket.close(1003, 'the services speak JSON text messages');
      let message: unknown;
      try {
        message = decodeMessage(data.toString(), decodeBase64Natively);
      } catch {
        return webSocket.close(1007, 'malformed JSON message');
      }
      message = resolveRelativeDatasetPath(message, options.workingDirectory ?? process.cwd());
      for (const listener of [...listeners]) listener(message);
    });
    // A protocol error (a message past maxPayload, a bad frame): ws is already closing with its
    // code (1009, 1002), which the client should see; anything else ends the connection.
    webSocket.on('error', () => {
      if (webSocket.readyState !== WebSocket.CLOSING) webSocket.terminate();
    });
  };

  await new Promise<void>((resolveListen, rejectListen) => {
    const fail = (error: NodeJS.ErrnoException) => rejectListen(listenError(error, host, options.port ?? 0));
    server.once('error', fail);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', fail);
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

/**
 * The codec's `decodeBase64` with Node's native decoder: a 64 MiB model in a fraction of the
 * time, so the event loop serving every other client is not held for a second. Node's decoder
 * skips characters it does not know, so a text whose bytes come out fewer than its length
 * promises is handed to the strict decoder, which says what is wrong (it also reads the URL-safe
 * alphabet, which is harmless: the bytes are still well defined).
 */
function decodeBase64Natively(text: string): Uint8Array {
  const padding = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
  const buffer = Buffer.from(text, 'base64');
  if (text.length % 4 !== 0 || buffer.length !== (text.length / 4) * 3 - padding) return decodeBase64(text);
  // A small Buffer is a slice of Node's shared pool: copied, so the bytes own their ArrayBuffer.
  return buffer.length === buffer.buffer.byteLength ? new Uint8Array(buffer.buffer) : new Uint8Array(buffer);
}

/** An unexpected error for the log: its stack when it has one (a bug to find), else its text. */
function describeUnexpected(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}

/** Why the server could not listen, in words, with what to do about it. */
function listenError(error: NodeJS.ErrnoException, host: string, port: number): Error {
  const address = `${host.includes(':') ? `[${host}]` : host}:${port}`;
  const data = { host, port, code: error.code };
  if (error.code === 'EADDRINUSE') return new TinyDeployError(`port ${port} is in use (${address}): choose another with --port, or --port 0 for a free one`, data);
  if (error.code === 'EACCES') return new TinyDeployError(`port ${port} needs privileges this user lacks (${address}): choose one above 1023 with --port`, data);
  if (error.code === 'EADDRNOTAVAIL') return new TinyDeployError(`cannot listen on ${address}: this machine has no such address`, data);
  return new TinyDeployError(`cannot listen on ${address}: ${error.message}`, data);
}

const isUnfinished = (job: Job | undefined) => job !== undefined && (job.status === 'queued' || job.status === 'running');

/**
 * The services with the job-starting methods (`jobs.start…`) refused once the connection has
 * `limit` jobs it started still queued or running. Which of them are still unfinished is asked
 * of the job service when the limit is reached, so no event is needed to keep count.
 */
function withJobLimit(services: AppServices, limit: number): AppServices {
  const started = new Set<string>();
  /** Start calls being served (counted, so that simultaneous ones cannot pass the limit together). */
  let starting = 0;
  const original = services.jobs;
  const jobs = Object.create(original) as JobService & Record<string, (request: unknown) => Promise<unknown>>;
  for (const method of Object.keys(servicesSchema.jobs.methods)) {
    if (!method.startsWith('start')) continue;
    jobs[method] = async (request: unknown) => {
      if (started.size + starting >= limit) {
        for (const jobId of [...started]) {
          const job = await original.get({ jobId }).catch(() => undefined);
          if (!isUnfinished(job)) started.delete(jobId);
        }
      }
      if (started.size + starting >= limit) {
        throw new RequestError(`jobs.${method}: this connection already has ${started.size + starting} jobs queued or running, the most one connection may have (${limit}); wait for one to finish`, { limit });
      }
      starting++;
      try {
        const job = await (original as unknown as Record<string, (request: unknown) => Promise<Job>>)[method](request);
        if (isUnfinished(job)) started.add(job.id);
        return job;
      } finally {
        starting--;
      }
    };
  }
  return { ...services, jobs };
}
