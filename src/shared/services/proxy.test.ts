import { describe, expect, it, vi } from 'vitest';
import { ImportError } from '../../core/common/errors.js';
import { decodeMessage, encodeMessage } from './codec.js';
import { ConnectionError, RequestError } from './errors.js';
import { createFakeServices, type FakeServices } from './testing/fake-services.js';
import { connectServiceClient, serveServices, type MessageChannel } from './proxy.js';
import { servicesSchema } from './schemas.js';
import type { AppServices, Job } from './types.js';

/**
 * Two ends of an in-memory transport. Messages arrive asynchronously, copied by structured
 * clone (as over Electron IPC) or through JSON text (as over the WebSocket).
 */
function channelPair(encoding: 'clone' | 'json' = 'clone') {
  const listeners = { client: new Set<(message: unknown) => void>(), host: new Set<(message: unknown) => void>() };
  const closeListeners = { client: new Set<() => void>(), host: new Set<() => void>() };
  const openListeners = new Set<() => void>();
  let connected = true;
  const copy = (message: unknown) => (encoding === 'json' ? decodeMessage(encodeMessage(message)) : structuredClone(message));
  const end = (self: 'client' | 'host', peer: 'client' | 'host'): MessageChannel => ({
    send(message) {
      if (!connected) throw new Error('channel closed');
      const copied = copy(message);
      queueMicrotask(() => {
        if (connected) for (const listener of [...listeners[peer]]) listener(copied);
      });
    },
    onMessage(listener) {
      listeners[self].add(listener);
      return () => listeners[self].delete(listener);
    },
    onClose(listener) {
      closeListeners[self].add(listener);
      return () => closeListeners[self].delete(listener);
    },
    ...(self === 'client'
      ? {
          onOpen(listener: () => void) {
            openListeners.add(listener);
            return () => openListeners.delete(listener);
          },
        }
      : {}),
  });
  return {
    client: end('client', 'host'),
    host: end('host', 'client'),
    /** Cuts the line: both ends see a close. */
    disconnect() {
      connected = false;
      for (const listener of [...closeListeners.client, ...closeListeners.host]) listener();
      closeListeners.host.clear();
    },
    /** Restores the line; the host side must be connected afresh (as after a WebSocket reconnect). */
    reconnect() {
      connected = true;
      listeners.host.clear();
    },
    /** Tells the client the line is open again. */
    announceOpen() {
      for (const listener of [...openListeners]) listener();
    },
    /** What the host receives next, raw. */
    sendRawToHost(message: unknown) {
      for (const listener of [...listeners.host]) listener(message);
    },
  };
}

function setUp(encoding: 'clone' | 'json' = 'clone', implementation: FakeServices = createFakeServices()) {
  const pair = channelPair(encoding);
  const onInvalidMessage = vi.fn();
  const onUnexpectedError = vi.fn();
  const host = serveServices<AppServices>(implementation, servicesSchema, { onInvalidMessage, onUnexpectedError });
  const connection = host.connect(pair.host);
  const client = connectServiceClient<AppServices>(pair.client, servicesSchema, { onError: vi.fn() });
  return { pair, host, connection, client, implementation, onInvalidMessage, onUnexpectedError };
}

/** Lets queued microtasks (message deliveries) run. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('service proxy', () => {
  it.each(['clone', 'json'] as const)('carries calls and answers over a %s channel', async (encoding) => {
    const { client } = setUp(encoding);
    const project = await client.projects.create({ name: 'KWS' });
    expect(project).toMatchObject({ name: 'KWS', variantCount: 0 });
    const bytes = new Uint8Array(300).map((_, i) => i & 255);
    const variant = await client.models.importModel({ projectId: project.id, fileName: 'kws_ref_model.tflite', bytes });
    expect(variant).toMatchObject({ projectId: project.id, name: 'kws_ref_model', fileBytes: 300 });
    expect(await client.projects.rename({ id: project.id, name: 'Keyword spotting' })).toMatchObject({ name: 'Keyword spotting', variantCount: 1 });
    expect(await client.projects.list()).toEqual([expect.objectContaining({ id: project.id, variantCount: 1 })]);
    expect(await client.projects.remove({ id: project.id })).toBeUndefined();
    expect(await client.projects.list()).toEqual([]);
  });

  it('carries Uint8Array answers through JSON', async () => {
    const implementation = createFakeServices();
    const bytes = new Uint8Array([0, 255, 7]);
    implementation.devices.list = async () => ({ boards: [], serial: [], blob: bytes }) as never;
    const { client } = setUp('json', implementation);
    const listing = (await client.devices.list()) as unknown as { blob: Uint8Array };
    expect(listing.blob).toBeInstanceOf(Uint8Array);
    expect([...listing.blob]).toEqual([0, 255, 7]);
  });

  it('rebuilds a service error as its class with its data', async () => {
    const implementation = createFakeServices();
    implementation.models.importModel = async ({ fileName }) => {
      throw new ImportError(`${fileName}: not a TFLite flatbuffer (identifier "PK\\u0003\\u0004", expected "TFL3")`, { offset: 4 });
    };
    const { client, onUnexpectedError } = setUp('json', implementation);
    const error = await client.models.importModel({ projectId: 'p1', fileName: 'model.zip', bytes: new Uint8Array([80, 75, 3, 4]) }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ImportError);
    expect(error).toMatchObject({ name: 'ImportError', message: expect.stringContaining('model.zip: not a TFLite flatbuffer'), data: { offset: 4 } });
    expect(onUnexpectedError).not.toHaveBeenCalled();
  });

  it('reports a bug in an implementation and still answers the caller', async () => {
    const implementation = createFakeServices();
    implementation.projects.list = async () => {
      throw new TypeError("Cannot read properties of undefined (reading 'rows')");
    };
    const { client, onUnexpectedError } = setUp('clone', implementation);
    await expect(client.projects.list()).rejects.toMatchObject({ name: 'TypeError', message: expect.stringContaining("reading 'rows'") });
    expect(onUnexpectedError).toHaveBeenCalledWith(expect.any(TypeError), 'projects.list');
  });

  it('validates every payload before the implementation sees it', async () => {
    const implementation = createFakeServices();
    const rename = vi.spyOn(implementation.projects, 'rename');
    const { client } = setUp('json', implementation);
    const error = await client.projects.rename({ id: 'project-1', name: '' }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(RequestError);
    expect((error as Error).message).toMatch(/^projects\.rename: name must be a non-empty string of at most 200 characters.*, got ""$/);
    await expect(client.projects.create({ name: 'x', extra: 1 } as never)).rejects.toThrow('projects.create: request has an unexpected field "extra" (fields: name)');
    await expect(client.jobs.startDeploy({ variantId: 'v', boardId: 'virtual-m4f', runs: -1 })).rejects.toThrow('jobs.startDeploy: runs must be a whole number from 1 to 1000, got -1');
    expect(rename).not.toHaveBeenCalled();
  });

  it('refuses methods the schema does not declare, even when the implementation has them', async () => {
    const implementation = createFakeServices() as FakeServices & { projects: { wipe?: () => Promise<void> } };
    const wipe = vi.fn(async () => undefined);
    implementation.projects.wipe = wipe;
    const { pair } = setUp('clone', implementation);
    const answers: unknown[] = [];
    pair.client.onMessage((message) => answers.push(message));
    const calls: [string, string][] = [
      ['projects', 'wipe'],
      ['projects', 'constructor'],
      ['projects', '__proto__'],
      ['projects', 'toString'],
      ['__proto__', 'constructor'],
      ['store', 'open'],
      ['jobs', 'onJobChanged'],
    ];
    calls.forEach(([service, method], i) => pair.sendRawToHost({ kind: 'call', id: 100 + i, service, method }));
    await settle();
    expect(wipe).not.toHaveBeenCalled();
    expect(answers).toHaveLength(calls.length);
    for (const answer of answers) expect(answer).toMatchObject({ kind: 'error', error: { name: 'RequestError' } });
    expect(answers[0]).toMatchObject({ id: 100, error: { message: 'projects: unknown method "wipe" (methods: list, create, rename, setOptimizeFor, remove)' } });
    expect(answers[6]).toMatchObject({ id: 106, error: { message: expect.stringContaining('jobs: unknown method "onJobChanged"') } });
  });

  it('refuses unknown events and reports malformed messages without answering them', async () => {
    const { pair, onInvalidMessage } = setUp();
    const answers: unknown[] = [];
    pair.client.onMessage((message) => answers.push(message));
    pair.sendRawToHost({ kind: 'subscribe', id: 7, service: 'projects', event: 'onProjectChanged' });
    pair.sendRawToHost({ kind: 'subscribe', id: 8, service: 'jobs', event: 'list' });
    pair.sendRawToHost('hello');
    pair.sendRawToHost({ kind: 'call', id: -1, service: 'projects', method: 'list' });
    pair.sendRawToHost({ kind: 'call', id: 9, service: 3, method: 'list' });
    pair.sendRawToHost({ kind: 'exec', id: 10 });
    await settle();
    expect(answers).toEqual([
      { kind: 'error', id: 7, error: expect.objectContaining({ name: 'RequestError', message: 'projects: unknown event "onProjectChanged" (events: none)' }) },
      { kind: 'error', id: 8, error: expect.objectContaining({ name: 'RequestError', message: 'jobs: unknown event "list" (events: onJobChanged)' }) },
    ]);
    expect(onInvalidMessage.mock.calls.map(([problem]) => problem)).toEqual([
      'a message must be an object, got string',
      'message id must be a whole number ≥ 0, got -1',
      'malformed message of kind "call" (id 9)',
      'malformed message of kind "exec" (id 10)',
    ]);
  });

  it('multiplexes event listeners over one subscription and releases it with the last one', async () => {
    const { client, implementation } = setUp('json');
    const first: Job[] = [];
    const second: Job[] = [];
    const stopFirst = client.jobs.onJobChanged((job) => first.push(job));
    const stopSecond = client.jobs.onJobChanged((job) => second.push(job));
    await settle();
    expect(implementation.listenerCounts().jobs).toBe(1);

    const project = await client.projects.create({ name: 'p' });
    const variant = await client.models.importModel({ projectId: project.id, fileName: 'm.tflite', bytes: new Uint8Array([1]) });
    const job = await client.jobs.startDeploy({ variantId: variant.id, boardId: 'virtual-m4f' });
    implementation.finishJob(job.id, 'succeeded', { latency: 123 });
    await settle();
    expect(first.map(({ status }) => status)).toEqual(['queued', 'succeeded']);
    expect(second).toEqual(first);
    expect(first[1]).toMatchObject({ id: job.id, progress: 1, result: { latency: 123 } });

    stopFirst();
    stopFirst();
    implementation.finishJob(job.id, 'failed');
    await settle();
    expect(first).toHaveLength(2);
    expect(second).toHaveLength(3);
    expect(implementation.listenerCounts().jobs).toBe(1);
    stopSecond();
    await settle();
    expect(implementation.listenerCounts().jobs).toBe(0);
  });

  it('refuses subscriptions past the connection’s limit, naming it, and frees a place on unsubscribe', async () => {
    const pair = channelPair();
    const implementation = createFakeServices();
    serveServices<AppServices>(implementation, servicesSchema, { limits: { subscriptions: 3 } }).connect(pair.host);
    const answers: { kind: string; id: number; error?: { name: string; message: string } }[] = [];
    pair.client.onMessage((message) => answers.push(message as (typeof answers)[number]));
    for (let id = 1; id <= 5; id++) pair.sendRawToHost({ kind: 'subscribe', id, service: 'jobs', event: 'onJobChanged' });
    await settle();
    expect(implementation.listenerCounts().jobs).toBe(3);
    expect(answers).toEqual([4, 5].map((id) => ({ kind: 'error', id, error: expect.objectContaining({ name: 'RequestError', message: 'jobs.onJobChanged: this connection already holds 3 subscriptions, the most one connection may hold (3)' }) })));
    pair.sendRawToHost({ kind: 'unsubscribe', id: 1 });
    pair.sendRawToHost({ kind: 'subscribe', id: 6, service: 'menu', event: 'onCommand' });
    await settle();
    expect(answers).toHaveLength(2);
    expect(implementation.listenerCounts()).toMatchObject({ jobs: 2, menu: 1 });
  });

  it('refuses calls past the connection’s limits, per method and in all, and takes them again once one is answered', async () => {
    const pair = channelPair();
    const implementation = createFakeServices();
    const releases: (() => void)[] = [];
    const project = await implementation.projects.create({ name: 'p' });
    const importModel = implementation.models.importModel.bind(implementation.models);
    implementation.models.importModel = (request) => new Promise((resolve) => releases.push(() => resolve(importModel(request))));
    implementation.projects.list = () => new Promise((resolve) => releases.push(() => resolve([])));
    serveServices<AppServices>(implementation, servicesSchema, { limits: { callsInFlight: 3, methodCallsInFlight: { 'models.importModel': 1 } } }).connect(pair.host);
    const client = connectServiceClient<AppServices>(pair.client, servicesSchema);
    const upload = () => client.models.importModel({ projectId: project.id, fileName: 'm.tflite', bytes: new Uint8Array([1]) });

    const first = upload();
    const second = await upload().catch((error: unknown) => error);
    expect(second).toBeInstanceOf(RequestError);
    expect((second as Error).message).toBe('models.importModel: this connection already has 1 models.importModel calls in progress, the most one connection may have (1); wait for one to finish');
    const lists = [client.projects.list(), client.projects.list()];
    const third = await client.projects.list().catch((error: unknown) => error);
    expect((third as Error).message).toBe('projects.list: this connection already has 3 calls in progress, the most one connection may have (3); wait for one to finish');
    // Calls that need no waiting are refused too while the limit is reached: it bounds the connection, not the method.
    await expect(client.projects.create({ name: 'q' })).rejects.toBeInstanceOf(RequestError);

    for (const release of releases.splice(0)) release();
    expect(await first).toMatchObject({ projectId: project.id });
    expect(await Promise.all(lists)).toEqual([[], []]);
    const again = upload();
    await vi.waitFor(() => expect(releases).toHaveLength(1));
    releases[0]();
    expect(await again).toMatchObject({ projectId: project.id });
  });

  it('keeps delivering to other listeners when one throws', async () => {
    const onError = vi.fn();
    const pair = channelPair();
    const implementation = createFakeServices();
    serveServices<AppServices>(implementation, servicesSchema).connect(pair.host);
    const client = connectServiceClient<AppServices>(pair.client, servicesSchema, { onError });
    const received: string[] = [];
    client.menu.onCommand(() => {
      throw new Error('listener bug');
    });
    client.menu.onCommand((command) => received.push(command));
    await settle();
    implementation.chooseMenu('import-model');
    await settle();
    expect(received).toEqual(['import-model']);
    expect(onError).toHaveBeenCalledWith(expect.objectContaining({ message: 'listener bug' }));
  });

  it('fails pending calls when the connection closes, drops subscriptions, and resubscribes on reopen', async () => {
    const implementation = createFakeServices();
    let releaseList: () => void = () => undefined;
    implementation.projects.list = () => new Promise((resolve) => (releaseList = () => resolve([])));
    const { pair, client, host } = setUp('clone', implementation);
    const devices: unknown[] = [];
    client.devices.onDevicesChanged((listing) => devices.push(listing));
    await settle();
    expect(implementation.listenerCounts().devices).toBe(1);

    const listing = client.projects.list();
    await settle();
    pair.disconnect();
    await expect(listing).rejects.toBeInstanceOf(ConnectionError);
    await expect(listing).rejects.toThrow('projects.list: the connection to TinyDeploy closed before it answered');
    expect(implementation.listenerCounts().devices).toBe(0);
    releaseList();

    pair.reconnect();
    host.connect(pair.host);
    pair.announceOpen();
    await settle();
    expect(implementation.listenerCounts().devices).toBe(1);
    implementation.setDevices({ boards: [], serial: [{ path: '/dev/ttyACM0', vendorId: '0483', productId: '374b', boardIds: ['nucleo-f446re'] }] });
    await settle();
    expect(devices).toEqual([{ boards: [], serial: [expect.objectContaining({ path: '/dev/ttyACM0' })] }]);
  });

  it('a client has exactly the schema’s members and is not mistaken for a promise', async () => {
    const { client } = setUp();
    expect(Object.keys(client)).toEqual(['projects', 'models', 'datasets', 'jobs', 'devices', 'measurements', 'evaluations', 'compare', 'graphs', 'exports', 'searches', 'menu']);
    expect(Object.keys(client.jobs)).toEqual(['list', 'get', 'startDeploy', 'startEvaluate', 'startValidate', 'startOptimize', 'startSearch', 'cancel', 'onJobChanged']);
    expect((client as unknown as { then?: unknown }).then).toBeUndefined();
    expect(await Promise.resolve(client)).toBe(client);
  });
});
