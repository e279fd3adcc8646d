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
import { maxModelBytes } from '../shared/services/schemas.js';
import { maxWebSocketMessageBytes } from '../shared/services/websocket-channel.js';
import { maxWebSockets, startBrowserServer, webSocketLimits, type BrowserServer } from './browser-server.js';
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
function upgrade(port: number, path: string, options: { origin?: string; host?: string; cookie?: string } = {}): Promise<'open' | number> {
  return new Promise((resolve, reject) => {
    const headers = { ...(options.host ? { Host: options.host } : {}), ...(options.cookie ? { Cookie: options.cookie } : {}) };
    const socket = new WebSocket(`ws://127.0.0.1:${port}${path}`, { origin: options.origin, headers });
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
  /** The asset cookie the first page load sets (its secret is not the token). */
  let assetCookie = '';
  const cookie = () => assetCookie;
  beforeAll(async () => {
    const setCookie = (await get(server.port, `/?token=${token}`)).headers['set-cookie'];
    assetCookie = String(setCookie).split(';')[0];
  });

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
    // The cookie holds the asset secret, not the token (see the test below).
    expect(page.headers['set-cookie']).toEqual([`${cookie()}; Path=/; HttpOnly; SameSite=Strict`]);
    expect(cookie()).toMatch(new RegExp(`^tinydeploy-${server.port}=[\\w-]{43}$`));

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

  it('puts an asset-only secret in the cookie: other local servers that receive it cannot open the services', async () => {
    const assetSecret = cookie().split('=')[1];
    expect(assetSecret).not.toBe(token);
    // Every page load sets the same cookie (a second tab does not log the first out).
    expect((await get(server.port, `/?token=${token}`)).headers['set-cookie']).toEqual([`${cookie()}; Path=/; HttpOnly; SameSite=Strict`]);
    // What another service on 127.0.0.1 receives from the browser opens neither the WebSocket…
    expect(await upgrade(server.port, `/ws?token=${assetSecret}`, { origin: origin() })).toBe(403);
    expect(await upgrade(server.port, `/ws?token=${encodeURIComponent(assetSecret)}`, { origin: origin(), cookie: cookie() })).toBe(403);
    expect(await upgrade(server.port, '/ws', { origin: origin(), cookie: cookie() })).toBe(401);
    // …nor counts as the token on a page load; and the token is no asset cookie.
    expect((await get(server.port, `/?token=${assetSecret}`)).status).toBe(403);
    expect((await get(server.port, '/assets/index.js', { Cookie: `tinydeploy-${server.port}=${token}` })).status).toBe(403);
    // Two servers, two asset secrets.
    const other = await startBrowserServer({ services, rendererDirectory, token });
    try {
      const otherCookie = String((await get(other.port, `/?token=${token}`)).headers['set-cookie']).split(';')[0];
      expect(otherCookie.split('=')[1]).not.toBe(assetSecret);
    } finally {
      await other.close();
    }
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

  it('hands the services bytes that own their memory, small or large', async () => {
    const received: Uint8Array[] = [];
    const original = services.models.importModel;
    services.models.importModel = async (request) => {
      received.push(request.bytes);
      return original(request);
    };
    const { channel, client } = connectClient();
    try {
      const project = await client.projects.create({ name: 'bytes' });
      for (const length of [1, 3, 4099, 100_000]) {
        const bytes = new Uint8Array(length).map((_, i) => (i * 31 + length) & 255);
        await client.models.importModel({ projectId: project.id, fileName: 'm.tflite', bytes });
        const last = received.at(-1)!;
        expect(last).toBeInstanceOf(Uint8Array);
        expect(last.buffer.byteLength, `length ${length}`).toBe(length);
        expect(Buffer.from(last).equals(Buffer.from(bytes))).toBe(true);
      }
    } finally {
      services.models.importModel = original;
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
    // Bytes that are not padded standard base64 (Node's own decoder would skip the stray characters).
    for (const bad of ['AB!D', 'AB D', 'A=BC', 'AB==ABCD', 'ABC']) {
      const call = { kind: 'call', id: 1, service: 'models', method: 'importModel', request: { projectId: 'p', fileName: 'm.tflite', bytes: { $bytes: bad } } };
      expect(await closeCode((socket) => socket.send(JSON.stringify(call))), bad).toBe(1007);
    }
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

describe('the browser-mode server’s limits on one WebSocket', () => {
  let rendererDirectory: string;
  let server: BrowserServer;
  let services: ReturnType<typeof createFakeServices>;
  const token = 'test-token-limits-0123456789abcdef0123456789';

  beforeAll(async () => {
    rendererDirectory = mkdtempSync(join(tmpdir(), 'tinydeploy-renderer-'));
    writeFileSync(join(rendererDirectory, 'index.html'), '<!doctype html><title>TinyDeploy</title>');
    services = createFakeServices();
    server = await startBrowserServer({ services, rendererDirectory, token });
  });

  afterAll(async () => {
    await server?.close();
    rmSync(rendererDirectory, { recursive: true, force: true });
  });

  /** A raw WebSocket, open, with the messages it receives and its close code. */
  async function openSocket() {
    const socket = new WebSocket(`ws://127.0.0.1:${server.port}/ws?token=${token}`, { origin: `http://127.0.0.1:${server.port}` });
    const received: { kind: string; id: number; error?: { name: string; message: string } }[] = [];
    socket.on('message', (data) => received.push(JSON.parse(data.toString())));
    const closed = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));
    await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
    return { socket, received, closed };
  }

  function connectClient() {
    const channel = webSocketChannel(() => new WebSocket(`ws://127.0.0.1:${server.port}/ws?token=${token}`, { origin: `http://127.0.0.1:${server.port}` }) as unknown as WebSocketLike);
    return { channel, client: connectServiceClient<AppServices>(channel, servicesSchema, { onError: () => undefined }) };
  }

  it(`holds at most ${webSocketLimits.subscriptions} subscriptions per socket, refusing the rest by name`, async () => {
    const { socket, received } = await openSocket();
    try {
      // 5,000 subscriptions for one event once made one job change 5,000 events.
      for (let id = 1; id <= 5000; id++) socket.send(JSON.stringify({ kind: 'subscribe', id, service: 'jobs', event: 'onJobChanged' }));
      socket.send(JSON.stringify({ kind: 'call', id: 9999, service: 'projects', method: 'list' }));
      await vi.waitFor(() => expect(received.find((message) => message.id === 9999)).toBeDefined(), eventually);
      expect(services.listenerCounts().jobs).toBe(256);
      const refused = received.filter((message) => message.kind === 'error');
      expect(refused).toHaveLength(5000 - 256);
      expect(refused[0]).toEqual({
        kind: 'error',
        id: 257,
        error: expect.objectContaining({ name: 'RequestError', message: 'jobs.onJobChanged: this connection already holds 256 subscriptions, the most one connection may hold (256)' }),
      });
    } finally {
      socket.close();
    }
    await vi.waitFor(() => expect(services.listenerCounts().jobs).toBe(0), eventually);
  });

  it('carries the largest model a call may hold, and refuses a longer message, naming the limit', async () => {
    expect(maxModelBytes).toBe(64 * 1024 * 1024);
    const { channel, client } = connectClient();
    try {
      const project = await client.projects.create({ name: 'large' });
      const largest = new Uint8Array(maxModelBytes).fill(0xa5);
      expect(await client.models.importModel({ projectId: project.id, fileName: 'large.tflite', bytes: largest })).toMatchObject({ fileBytes: maxModelBytes });
      // Longer than that is refused by the client before it is sent, with the limit in the error.
      const tooLong = await client.models.importModel({ projectId: project.id, fileName: 'huge.tflite', bytes: new Uint8Array(maxModelBytes + 1024 * 1024) }).catch((error: unknown) => error);
      expect(tooLong).toBeInstanceOf(RequestError);
      expect((tooLong as Error).message).toBe('models.importModel: a message of 86.7 MiB is longer than browser mode carries (85.4 MiB, for models up to 64.0 MiB)');
      expect(channel.state).toBe('open');
      expect(await client.projects.list()).toContainEqual(expect.objectContaining({ id: project.id }));
    } finally {
      channel.close();
    }
    // …and by the server from the frame's header (1009: message too big) when a client sends one anyway.
    const { socket, closed } = await openSocket();
    socket.send(Buffer.alloc(maxWebSocketMessageBytes + 1, 0x20));
    expect(await closed).toBe(1009);
  });

  it(`serves at most ${webSocketLimits.methodCallsInFlight['models.importModel']} imports at once per socket, refusing more by name`, async () => {
    const releases: (() => void)[] = [];
    const original = services.models.importModel;
    services.models.importModel = (request) => new Promise((resolve) => releases.push(() => resolve(original(request))));
    const { channel, client } = connectClient();
    try {
      const project = await client.projects.create({ name: 'imports' });
      const upload = () => client.models.importModel({ projectId: project.id, fileName: 'm.tflite', bytes: new Uint8Array([1, 2, 3]) });
      const first = [upload(), upload()];
      await vi.waitFor(() => expect(releases).toHaveLength(2), eventually);
      const third = await upload().catch((error: unknown) => error);
      expect(third).toBeInstanceOf(RequestError);
      expect((third as Error).message).toBe('models.importModel: this connection already has 2 models.importModel calls in progress, the most one connection may have (2); wait for one to finish');
      for (const release of releases.splice(0)) release();
      await Promise.all(first);
      const fourth = upload();
      await vi.waitFor(() => expect(releases).toHaveLength(1), eventually);
      releases[0]();
      expect(await fourth).toMatchObject({ projectId: project.id });
    } finally {
      services.models.importModel = original;
      channel.close();
    }
  });

  it(`serves at most ${maxWebSockets} WebSockets at once, so per-socket limits cannot be multiplied`, async () => {
    const open = await Promise.all(Array.from({ length: maxWebSockets }, () => openSocket()));
    try {
      expect(await upgrade(server.port, `/ws?token=${token}`, { origin: `http://127.0.0.1:${server.port}` })).toBe(503);
    } finally {
      for (const { socket } of open) socket.close();
    }
    await Promise.all(open.map(({ closed }) => closed));
    await vi.waitFor(async () => expect(await upgrade(server.port, `/ws?token=${token}`, { origin: `http://127.0.0.1:${server.port}` })).toBe('open'), eventually);
  });

  it(`lets one socket have at most ${webSocketLimits.unfinishedJobs} jobs queued or running`, async () => {
    const { channel, client } = connectClient();
    try {
      const project = await client.projects.create({ name: 'jobs' });
      const variant = await client.models.importModel({ projectId: project.id, fileName: 'm.tflite', bytes: new Uint8Array([1]) });
      const jobs: Job[] = [];
      for (let i = 0; i < 32; i++) jobs.push(await client.jobs.startDeploy({ variantId: variant.id, boardId: 'virtual-m4f' }));
      const refused = await client.jobs.startDeploy({ variantId: variant.id, boardId: 'virtual-m4f' }).catch((error: unknown) => error);
      expect(refused).toBeInstanceOf(RequestError);
      expect((refused as Error).message).toBe('jobs.startDeploy: this connection already has 32 jobs queued or running, the most one connection may have (32); wait for one to finish');
      // Another connection has its own count.
      const other = connectClient();
      try {
        await other.client.jobs.cancel({ jobId: (await other.client.jobs.startDeploy({ variantId: variant.id, boardId: 'virtual-m4f' })).id });
      } finally {
        other.channel.close();
      }
      services.finishJob(jobs[0].id, 'succeeded');
      await client.jobs.cancel({ jobId: jobs[1].id });
      const next = [await client.jobs.startDeploy({ variantId: variant.id, boardId: 'virtual-m4f' }), await client.jobs.startDeploy({ variantId: variant.id, boardId: 'virtual-m4f' })];
      expect(next.map((job) => job.status)).toEqual(['queued', 'queued']);
      await expect(client.jobs.startDeploy({ variantId: variant.id, boardId: 'virtual-m4f' })).rejects.toBeInstanceOf(RequestError);
      for (const job of [...jobs, ...next]) await client.jobs.cancel({ jobId: job.id });
    } finally {
      channel.close();
    }
  });
});

describe('the browser-mode server’s log', () => {
  it('escapes control characters of an unexpected error, whose message may quote a model’s names', async () => {
    const rendererDirectory = mkdtempSync(join(tmpdir(), 'tinydeploy-renderer-'));
    writeFileSync(join(rendererDirectory, 'index.html'), '<!doctype html><title>TinyDeploy</title>');
    const logged: string[] = [];
    const fake = createFakeServices();
    const crafted = 'tensor x\u001b]0;owned\u0007\r\nerror: forged \u202e';
    const services: AppServices = {
      ...fake,
      models: {
        ...fake.models,
        get: async () => {
          throw new TypeError(`cannot read ${crafted}`);
        },
      },
    };
    const token = 'test-token-log-0123456789abcdef0123456789ab';
    const server = await startBrowserServer({ services, rendererDirectory, token, log: (line) => logged.push(line) });
    const channel = webSocketChannel(() => new WebSocket(`ws://127.0.0.1:${server.port}/ws?token=${token}`, { origin: `http://127.0.0.1:${server.port}` }) as unknown as WebSocketLike);
    try {
      const client = connectServiceClient<AppServices>(channel, servicesSchema, { onError: () => undefined });
      await expect(client.models.get({ variantId: 'v1' })).rejects.toThrow();
      await vi.waitFor(() => expect(logged).toHaveLength(1), eventually);
      const [line] = logged;
      expect(line).toMatch(/^tinydeploy serve: models\.get: TypeError: cannot read tensor x\\x1b\]0;owned\\x07\\r\n {2}error: forged \\u202e\n {2}/);
      expect(line).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e]/);
    } finally {
      channel.close();
      await server.close();
      rmSync(rendererDirectory, { recursive: true, force: true });
    }
  });
});
