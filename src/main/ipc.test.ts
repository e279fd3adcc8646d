import { EventEmitter } from 'node:events';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { ipcChannelName } from '../shared/services/bridge.js';
import { createFakeServices } from '../shared/services/testing/fake-services.js';
import { serveServices } from '../shared/services/proxy.js';
import { servicesSchema } from '../shared/services/schemas.js';
import type { AppServices } from '../shared/services/types.js';

// Electron cannot run here: ipcMain is an event emitter, a window's WebContents a small fake.
const ipcMain = new EventEmitter();
vi.mock('electron', () => ({ ipcMain }));
const { serveOverIpc } = await import('./ipc.js');

class FakeWebContents extends EventEmitter {
  readonly sent: unknown[] = [];
  mainFrame = { url: 'app://tinydeploy/index.html' };
  destroyed = false;
  isDestroyed() {
    return this.destroyed;
  }
  send(channel: string, message: unknown) {
    expect(channel).toBe(ipcChannelName);
    this.sent.push(structuredClone(message));
  }
  /** A message from the page (or from a frame of it) as ipcRenderer.send delivers it. */
  post(message: unknown, frame: { url: string } | null = this.mainFrame) {
    ipcMain.emit(ipcChannelName, { sender: this, senderFrame: frame }, structuredClone(message));
  }
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

/** Waits until the page has received `count` messages: an answer may take several turns of the event loop. */
async function received(contents: FakeWebContents, count: number): Promise<void> {
  for (let turn = 0; turn < 10_000 && contents.sent.length < count; turn++) await settle();
}

describe('services over Electron IPC', () => {
  let services: ReturnType<typeof createFakeServices>;
  let refused: string[];
  let stop: () => void;

  beforeEach(() => {
    ipcMain.removeAllListeners();
    services = createFakeServices();
    refused = [];
    stop = serveOverIpc(serveServices<AppServices>(services, servicesSchema), { trustedOrigin: 'app://tinydeploy', onRefused: (reason) => refused.push(reason) });
  });

  it('answers the app page, with bytes passed as they are', async () => {
    const contents = new FakeWebContents();
    contents.post({ kind: 'call', id: 1, service: 'projects', method: 'create', request: { name: 'KWS' } });
    await received(contents, 1);
    const [created] = contents.sent as { kind: string; id: number; value: { id: string } }[];
    expect(created).toMatchObject({ kind: 'result', id: 1, value: { name: 'KWS' } });
    contents.post({ kind: 'call', id: 2, service: 'models', method: 'importModel', request: { projectId: created.value.id, fileName: 'm.tflite', bytes: new Uint8Array([1, 2, 3]) } });
    await received(contents, 2);
    expect(contents.sent[1]).toMatchObject({ kind: 'result', id: 2, value: { fileBytes: 3 } });
    contents.post({ kind: 'call', id: 3, service: 'projects', method: 'rename', request: { id: created.value.id, name: '' } });
    await received(contents, 3);
    expect(contents.sent[2]).toMatchObject({ kind: 'error', id: 3, error: { name: 'RequestError', message: expect.stringMatching(/^projects\.rename: name must be/) } });
    stop();
  });

  it('drops messages from subframes and from pages of another origin', async () => {
    const contents = new FakeWebContents();
    contents.post({ kind: 'call', id: 1, service: 'projects', method: 'list' }, { url: 'app://tinydeploy/index.html' });
    contents.mainFrame = { url: 'https://attacker.example/' };
    contents.post({ kind: 'call', id: 2, service: 'projects', method: 'list' });
    contents.mainFrame = { url: 'app://tinydeploy.attacker.example/' };
    contents.post({ kind: 'call', id: 3, service: 'projects', method: 'list' });
    contents.post({ kind: 'call', id: 4, service: 'projects', method: 'list' }, null);
    // Messages are handled in order: once the app page's own call is answered, the ones before it
    // have been dropped, not merely delayed.
    contents.mainFrame = { url: 'app://tinydeploy/index.html' };
    contents.post({ kind: 'call', id: 5, service: 'projects', method: 'list' });
    await vi.waitFor(() => expect(contents.sent).toHaveLength(1));
    expect(contents.sent).toEqual([expect.objectContaining({ kind: 'result', id: 5 })]);
    expect(refused).toEqual([
      'a message from a subframe',
      'a message from "https://attacker.example/", not the app\'s page',
      'a message from "app://tinydeploy.attacker.example/", not the app\'s page',
      'a message from a subframe',
    ]);
    stop();
  });

  it('drops a page’s subscriptions when it reloads, crashes or closes, and serves the new page afresh', async () => {
    const contents = new FakeWebContents();
    contents.post({ kind: 'subscribe', id: 1, service: 'jobs', event: 'onJobChanged' });
    await settle();
    expect(services.listenerCounts().jobs).toBe(1);

    contents.emit('did-start-navigation', { isMainFrame: true, isSameDocument: false });
    expect(services.listenerCounts().jobs).toBe(0);
    contents.post({ kind: 'subscribe', id: 1, service: 'jobs', event: 'onJobChanged' });
    await settle();
    // The same id again is fine: it is a new connection.
    expect(contents.sent).toEqual([]);
    expect(services.listenerCounts().jobs).toBe(1);
    contents.emit('did-start-navigation', { isMainFrame: true, isSameDocument: true });
    contents.emit('did-start-navigation', { isMainFrame: false, isSameDocument: false });
    expect(services.listenerCounts().jobs).toBe(1);

    contents.emit('render-process-gone');
    expect(services.listenerCounts().jobs).toBe(0);
    contents.post({ kind: 'subscribe', id: 1, service: 'menu', event: 'onCommand' });
    await settle();
    services.chooseMenu('new-project');
    expect(contents.sent).toEqual([{ kind: 'event', id: 1, payload: 'new-project' }]);
    contents.destroyed = true;
    contents.emit('destroyed');
    expect(services.listenerCounts().menu).toBe(0);
    services.chooseMenu('import-model');
    expect(contents.sent).toHaveLength(1);
    stop();
    expect(ipcMain.listenerCount(ipcChannelName)).toBe(0);
  });
});
