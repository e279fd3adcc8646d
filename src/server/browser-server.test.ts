import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { WebSocket } from 'ws';
import { ImportError } from '../core/common/errors.js';
import { ConnectionError, RequestError } from '../shared/services/errors.js';
import { createFakeServices } from '../shared/services/testing/fake-services.js';
import { connectServiceClient } from '../shared/services/proxy.js';
import { servicesSchema } from '../shared/services/schemas.js';
import type { AppServices, Job } from '../shared/services/types.js';
import { webSocketChannel, type WebSocketLike } from '../shared/services/websocket-channel.js';
import { startBrowserServer, type BrowserServer } from './browser-server.js';
import { defaultDataDirectory } from './index.js';

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A raw HTTP request (fetch would not let a test choose the Host header). */
function get(port: number, path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const outgoing = request({ host: '127.0.0.1', port, path, method, headers: { Host: `127.0.0.1:${port}`, ...headers } }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode!, headers: response.headers, body: Buffer.concat(chunks).toString() }));
    });
    outgoing.on('error', reject);
    outgoing.end();
  });
}

/** Opens a WebSocket and resolves to 'open' or the HTTP status of the refused upgrade. */
function upgrade(port: number, path: string, options: { origin?: string; host?: string } = {}): Promise<'open' | number> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`ws://127.0.0.1:${port}${path}`, { origin: options.origin, headers: options.host ? { Host: options.host } : {} });
    socket.once('open', () => {
      socket.close();
      resolve('open');
    });
    socket.once('unexpected-response', (_request, response) => {
      resolve(response.statusCode!);
      response.resume();
    });
    socket.once('error', (error) => reject(error));
  });
}

/** For `vi.waitFor`: room for a loaded machine; a bound on a liveness wait, not a timing check. */
const eventually = { timeout: 10_000 };

describe('the browser-mode server', () => {
  let rendererDirectory: string;
  let server: BrowserServer;
  let services: ReturnType<typeof createFakeServices>;
  const logged: string[] = [];
  const token = 'test-token-0123456789abcdef0123456789abcdef';

  beforeAll(async () => {
    rendererDirectory = mkdtempSync(join(tmpdir(), 'tinydeploy-renderer-'));
    mkdirSync(join(rendererDirectory, 'assets'));
    writeFileSync(join(rendererDirectory, 'index.html'), '<!doctype html><title>TinyDeploy</title><script type="module" src="./assets/index.js"></script>');
    writeFileSync(join(rendererDirectory, 'assets', 'index.js'), 'console.log("renderer");');
    writeFileSync(join(tmpdir(), 'tinydeploy-outside.txt'), 'secret');
    services = createFakeServices();
    server = await startBrowserServer({ services, rendererDirectory, token, log: (line) => logged.push(line) });
  });

  afterAll(async () => {
    await server?.close();
    rmSync(rendererDirectory, { recursive: true, force: true });
    rmSync(join(tmpdir(), 'tinydeploy-outside.txt'), { force: true });
  });

  const origin = () => `http://127.0.0.1:${server.port}`;
  const cookie = () => `tinydeploy-${server.port}=${token}`;

  it('prints an address on the loopback interface with a token of at least 128 bits by default', async () => {
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/?token=${token}`);
    const other = await startBrowserServer({ services, rendererDirectory });
    try {
      const printed = new URL(other.url);
      expect(printed.hostname).toBe('127.0.0.1');
      expect(Buffer.from(printed.searchParams.get('token')!, 'base64url').length).toBeGreaterThanOrEqual(16);
      expect(other.token).not.toBe(token);
    } finally {
      await other.close();
    }
  });

  it('refuses every HTTP request without the token: 401 without one, 403 with a wrong one', async () => {
    for (const path of ['/', '/index.html', '/assets/index.js', '/no-such-file.js', '/ws']) {
      const answer = await get(server.port, path);
      expect(answer.status, path).toBe(401);
      expect(answer.body).not.toContain('renderer');
    }
    expect((await get(server.port, '/?token=wrong')).status).toBe(403);
    expect((await get(server.port, `/?token=${token}x`)).status).toBe(403);
    expect((await get(server.port, '/assets/index.js', { Cookie: `tinydeploy-${server.port}=wrong` })).status).toBe(403);
    // The cookie of another port's server is not ours.
    expect((await get(server.port, '/assets/index.js', { Cookie: `tinydeploy-1=${token}` })).status).toBe(401);
  });

  it('serves the page with the token, a strict CSP and a cookie that lets the page load its assets', async () => {
    const page = await get(server.port, `/?token=${token}`);
    expect(page.status).toBe(200);
    expect(page.body).toContain('<title>TinyDeploy</title>');
    const csp = String(page.headers['content-security-policy']);
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).toContain(`connect-src ws://127.0.0.1:${server.port}/ws ws://localhost:${server.port}/ws`);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(page.headers['referrer-policy']).toBe('no-referrer');
    expect(page.headers['x-content-type-options']).toBe('nosniff');
    expect(page.headers['set-cookie']).toEqual([`tinydeploy-${server.port}=${token}; Path=/; HttpOnly; SameSite=Strict`]);

    const script = await get(server.port, '/assets/index.js', { Cookie: `other=1; ${cookie()}` });
    expect(script.status).toBe(200);
    expect(script.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(script.body).toBe('console.log("renderer");');
    expect(script.headers['set-cookie']).toBeUndefined();

    // The UI's own routes are the single-page app; missing files are 404.
    expect((await get(server.port, '/projects/1', { Cookie: cookie() })).body).toContain('<title>TinyDeploy</title>');
    expect((await get(server.port, '/assets/missing.js', { Cookie: cookie() })).status).toBe(404);
    expect((await get(server.port, '/', { Cookie: cookie() }, 'HEAD')).body).toBe('');
    expect((await get(server.port, '/', { Cookie: cookie() }, 'POST')).status).toBe(405);
  });

  it('serves nothing outside the renderer folder', async () => {
    for (const path of ['/..%2ftinydeploy-outside.txt', '/assets/..%2f..%2ftinydeploy-outside.txt', '/%2e%2e/tinydeploy-outside.txt', '/assets/%00.js', '/%E0%A4%A']) {
      const answer = await get(server.port, path, { Cookie: cookie() });
      expect(answer.status, path).toBe(404);
      expect(answer.body).not.toContain('secret');
    }
  });

  it('refuses a Host header that is not this server (DNS rebinding), even with the token', async () => {
    expect((await get(server.port, `/?token=${token}`, { Host: `attacker.example:${server.port}` })).status).toBe(403);
    expect((await get(server.port, `/?token=${token}`, { Host: `127.0.0.1:${server.port + 1}` })).status).toBe(403);
    expect((await get(server.port, `/?token=${token}`, { Host: `localhost:${server.port}` })).status).toBe(200);
  });

  it('refuses WebSocket upgrades without the token, from another origin or host, or elsewhere than /ws', async () => {
    expect(await upgrade(server.port, '/ws', { origin: origin() })).toBe(401);
    expect(await upgrade(server.port, '/ws?token=wrong', { origin: origin() })).toBe(403);
    expect(await upgrade(server.port, `/ws?token=${token}`, { origin: 'http://attacker.example' })).toBe(403);
    expect(await upgrade(server.port, `/ws?token=${token}`, { origin: `http://127.0.0.1:${server.port + 1}` })).toBe(403);
    expect(await upgrade(server.port, `/ws?token=${token}`)).toBe(403);
    expect(await upgrade(server.port, `/ws?token=${token}`, { origin: origin(), host: `attacker.example:${server.port}` })).toBe(403);
    expect(await upgrade(server.port, `/other?token=${token}`, { origin: origin() })).toBe(404);
    expect(await upgrade(server.port, `/ws?token=${token}`, { origin: origin() })).toBe('open');
  });

  /** A proxy client over a real WebSocket, as the renderer makes one (with the `ws` package here). */
  function connectClient(path = `/ws?token=${token}`) {
    const channel = webSocketChannel(() => new WebSocket(`ws://127.0.0.1:${server.port}${path}`, { origin: origin() }) as unknown as WebSocketLike, { retryDelaysMs: [20] });
    return { channel, client: connectServiceClient<AppServices>(channel, servicesSchema, { onError: () => undefined }) };
  }

  it('carries service calls, bytes, errors and events over the WebSocket', async () => {
    const { channel, client } = connectClient();
    try {
      const project = await client.projects.create({ name: 'Browser mode' });
      const bytes = new Uint8Array(100_000).map((_, i) => (i * 7) & 255);
      const variant = await client.models.importModel({ projectId: project.id, fileName: 'kws_ref_model.tflite', bytes });
      expect(variant).toMatchObject({ projectId: project.id, fileBytes: 100_000 });
      expect(await client.projects.list()).toContainEqual(expect.objectContaining({ id: project.id, variantCount: 1 }));

      const changes: Job[] = [];
      client.jobs.onJobChanged((job) => changes.push(job));
      // Messages on one socket are served in order: once this call is answered, the subscription
      // sent before it is in place (a trigger, not a guessed delay).
      await client.projects.list();
      const job = await client.jobs.startDeploy({ variantId: variant.id, boardId: 'virtual-m4f' });
      services.finishJob(job.id, 'succeeded');
      await vi.waitFor(() => expect(changes).toHaveLength(2), eventually);
      expect(changes.map(({ id, status }) => [id, status])).toEqual([
        [job.id, 'queued'],
        [job.id, 'succeeded'],
      ]);

      const invalid = await client.projects.rename({ id: project.id, name: '' }).catch((error: unknown) => error);
      expect(invalid).toBeInstanceOf(RequestError);
      expect((invalid as Error).message).toMatch(/^projects\.rename: name must be a non-empty string of at most 200 characters/);
      await expect(client.projects.rename({ id: 'project-404', name: 'x' })).rejects.toThrow('project project-404 not found');
    } finally {
      channel.close();
    }
  });

  it('rebuilds a service error class sent over the WebSocket', async () => {
    const failing = createFakeServices();
    failing.models.importModel = async () => {
      throw new ImportError('model.bin: not a TFLite flatbuffer', { offset: 4 });
    };
    const other = await startBrowserServer({ services: failing, rendererDirectory, token });
    const channel = webSocketChannel(() => new WebSocket(`ws://127.0.0.1:${other.port}/ws?token=${token}`, { origin: `http://127.0.0.1:${other.port}` }) as unknown as WebSocketLike);
    try {
      const client = connectServiceClient<AppServices>(channel, servicesSchema);
      const error = await client.models.importModel({ projectId: 'p', fileName: 'model.bin', bytes: new Uint8Array([1]) }).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(ImportError);
      expect(error).toMatchObject({ message: 'model.bin: not a TFLite flatbuffer', data: { offset: 4 } });
    } finally {
      channel.close();
      await other.close();
    }
  });

  it('closes a WebSocket that sends something other than proxy messages', async () => {
    const closeCode = (send: (socket: WebSocket) => void) =>
      new Promise<number>((resolve) => {
        const socket = new WebSocket(`ws://127.0.0.1:${server.port}/ws?token=${token}`, { origin: origin() });
        socket.once('open', () => send(socket));
        socket.once('close', (code) => resolve(code));
      });
    expect(await closeCode((socket) => socket.send('{not json'))).toBe(1007);
    expect(await closeCode((socket) => socket.send(JSON.stringify({ kind: 'call', id: 'x' })))).toBe(1008);
    expect(await closeCode((socket) => socket.send(Buffer.from([1, 2, 3]), { binary: true }))).toBe(1003);
  });

  it('fails calls in flight when the server stops, and reconnects to a server that comes back', async () => {
    const restartable = createFakeServices();
    const first = await startBrowserServer({ services: restartable, rendererDirectory, token });
    const port = first.port;
    const states: string[] = [];
    const channel = webSocketChannel(() => new WebSocket(`ws://127.0.0.1:${port}/ws?token=${token}`, { origin: `http://127.0.0.1:${port}` }) as unknown as WebSocketLike, {
      retryDelaysMs: [20],
      onStateChange: (state) => states.push(state),
    });
    try {
      const client = connectServiceClient<AppServices>(channel, servicesSchema, { onError: () => undefined });
      const commands: string[] = [];
      client.menu.onCommand((command) => commands.push(command));
      await client.projects.create({ name: 'before restart' });
      let release: (() => void) | undefined;
      restartable.projects.list = () => new Promise((resolve) => (release = () => resolve([])));
      const inFlight = client.projects.list().catch((error: unknown) => error);
      // The server stops while it serves the call (the call has reached it, not after a guessed delay).
      await vi.waitFor(() => expect(release).toBeDefined(), eventually);
      await first.close();
      expect(await inFlight).toBeInstanceOf(ConnectionError);
      release!();
      await expect(client.projects.create({ name: 'while down' })).rejects.toBeInstanceOf(ConnectionError);

      const second = await startBrowserServer({ services: restartable, rendererDirectory, token, port });
      try {
        await vi.waitFor(() => expect(channel.state).toBe('open'), eventually);
        expect(states).toEqual(['open', 'reconnecting', 'open']);
        expect((await client.projects.create({ name: 'after restart' })).name).toBe('after restart');
        // The menu subscription is back on the new server before the menu is used.
        await vi.waitFor(() => expect(restartable.listenerCounts().menu).toBe(1), eventually);
        restartable.chooseMenu('new-project');
        await vi.waitFor(() => expect(commands).toEqual(['new-project']), eventually);
      } finally {
        channel.close();
        await second.close();
      }
    } finally {
      channel.close();
    }
  });

  it('says how to build the renderer when it is missing', async () => {
    await expect(startBrowserServer({ services, rendererDirectory: join(rendererDirectory, 'missing') })).rejects.toThrow(
      /the renderer is not built: .*missing\/index\.html is missing\. Build it with: npx electron-vite build/,
    );
  });

  it('puts the data folder where Electron keeps the desktop app’s', () => {
    expect(defaultDataDirectory('linux', {}, '/home/ada')).toBe('/home/ada/.config/TinyDeploy');
    expect(defaultDataDirectory('linux', { XDG_CONFIG_HOME: '/xdg' }, '/home/ada')).toBe('/xdg/TinyDeploy');
    expect(defaultDataDirectory('darwin', {}, '/Users/ada')).toBe('/Users/ada/Library/Application Support/TinyDeploy');
    expect(defaultDataDirectory('win32', { APPDATA: 'C:\\Users\\ada\\AppData\\Roaming' }, 'C:\\Users\\ada')).toMatch(/^C:\\Users\\ada\\AppData\\Roaming[\\/]TinyDeploy$/);
  });

  it('logs no unexpected error', () => {
    expect(logged).toEqual([]);
  });
});
