import { afterEach, describe, expect, it, vi } from 'vitest';
import { DeviceError, ProtocolError, TimeoutError } from '../../../common/errors.js';
import { GdbClient, parseStopReply } from './gdb-client.js';
import { FakeGdbServer, type FakeServerOptions } from './testing/fake-gdb-server.js';

const servers: FakeGdbServer[] = [];
const clients: GdbClient[] = [];

async function startServer(options: FakeServerOptions = {}) {
  const server = new FakeGdbServer(options);
  servers.push(server);
  const port = await server.listen();
  return { server, port };
}

async function connectClient(port: number, options: { timeoutMs?: number } = {}) {
  const client = await GdbClient.connect('127.0.0.1', port, options);
  clients.push(client);
  return client;
}

afterEach(async () => {
  for (const client of clients.splice(0)) client.close();
  for (const server of servers.splice(0)) await server.close();
});

describe('GdbClient', () => {
  it('writes and reads back memory in packets no longer than the server allows', async () => {
    const { server, port } = await startServer();
    const client = await connectClient(port);
    expect(client.maximumPacketLength).toBe(4096);
    const data = Uint8Array.from({ length: 10_000 }, (_, i) => (i * 7 + 3) & 0xff);
    const progress: number[] = [];
    await client.writeMemory(0x100, data, (written) => progress.push(written));
    expect(server.memory.subarray(0x100, 0x100 + data.length)).toEqual(data);
    expect(Math.max(...server.packetLengths)).toBeLessThanOrEqual(4096);
    // Close to 2000 bytes per packet: 10 000 bytes take 6 packets, not dozens.
    expect(progress.length).toBeLessThanOrEqual(6);
    expect(progress[progress.length - 1]).toBe(data.length);
    expect(await client.readMemory(0x100, data.length)).toEqual(data);
  });

  it('obeys a PacketSize smaller than 4096', async () => {
    const { server, port } = await startServer({ packetSize: 0x200 });
    const client = await connectClient(port);
    expect(client.maximumPacketLength).toBe(0x200);
    await client.writeMemory(0, new Uint8Array(3000).fill(0x5a));
    expect(Math.max(...server.packetLengths)).toBeLessThanOrEqual(0x200);
    expect(server.memory.subarray(0, 3000).every((byte) => byte === 0x5a)).toBe(true);
  });

  it('resends a packet the server nacked and nacks a corrupted reply', async () => {
    const { server, port } = await startServer({ nacks: 2 });
    const client = await connectClient(port);
    server.memory.set([1, 2, 3, 4], 0x40);
    expect(await client.readMemory(0x40, 4)).toEqual(Uint8Array.of(1, 2, 3, 4));

    const corrupting = await startServer({ corruptReplies: 1 });
    const second = await connectClient(corrupting.port);
    corrupting.server.memory.set([9, 8], 0x10);
    expect(await second.readMemory(0x10, 2)).toEqual(Uint8Array.of(9, 8));
  });

  it('fails after too many nacks with a ProtocolError', async () => {
    const { port } = await startServer({ nacks: 100 });
    await expect(GdbClient.connect('127.0.0.1', port, { retries: 2 })).rejects.toThrow(ProtocolError);
  });

  it('skips a stop the server announces unasked before acknowledging (attaching to a running QEMU)', async () => {
    const { port } = await startServer({ stopOnAttach: true, packetSize: 0x800 });
    const client = await connectClient(port);
    expect(client.maximumPacketLength).toBe(0x800);
    expect(await client.haltReason()).toMatchObject({ kind: 'signal', value: 5 });
  });

  it('runs monitor commands and returns their output', async () => {
    const { server, port } = await startServer();
    const client = await connectClient(port);
    expect(await client.monitor('system_reset')).toBe('');
    expect(server.resets).toBe(1);
    expect(await client.monitor('frobnicate')).toBe('unknown command frobnicate\n');
  });

  it('reads registers little-endian and parses stop replies', async () => {
    const { port } = await startServer();
    const client = await connectClient(port);
    expect(await client.readRegister(15)).toBe(0x12345678);
    expect(await client.haltReason()).toEqual({ kind: 'signal', value: 5, raw: 'T05thread:01;' });
    expect(parseStopReply('W00').kind).toBe('exited');
    expect(parseStopReply('X09')).toMatchObject({ kind: 'terminated', value: 9 });
    expect(() => parseStopReply('OK')).toThrow(ProtocolError);
  });

  it('names the memory address of a failed write or read', async () => {
    const { port } = await startServer();
    const client = await connectClient(port);
    await expect(client.writeMemory(0xfff0, new Uint8Array(32))).rejects.toThrow(/writing 32 bytes at 0xfff0 failed \(reply "E01"\)/);
    await expect(client.readMemory(0x20000, 4)).rejects.toThrow(/reading 4 bytes at 0x20000 failed \(reply "E14"\)/);
  });

  it('detaches and then refuses further commands', async () => {
    const { server, port } = await startServer();
    const client = await connectClient(port);
    await client.detach();
    expect(server.detached).toBe(true);
    await expect(client.readMemory(0, 4)).rejects.toThrow(DeviceError);
  });

  it('times out after the given time, naming the server and the command, when the server never answers', async () => {
    const { server, port } = await startServer({ silent: true });
    // The client's clock is faked (sockets stay real): the timeout is checked against the time
    // given, not against how fast this machine is.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    try {
      let outcome: unknown;
      const connecting = GdbClient.connect('127.0.0.1', port, { timeoutMs: 300 }).then(
        (client) => (clients.push(client), (outcome = client)),
        (error: unknown) => (outcome = error),
      );
      const turn = () => new Promise((resolve) => setImmediate(resolve));
      // The server has the qSupported packet: the client now waits for its acknowledgement.
      while (server.packetLengths.length === 0) await turn();
      await vi.advanceTimersByTimeAsync(299);
      await turn();
      expect(outcome).toBeUndefined();
      await vi.advanceTimersByTimeAsync(1);
      await connecting;
      expect(outcome).toBeInstanceOf(TimeoutError);
      expect((outcome as Error).message).toMatch(new RegExp(`^GDB server 127\\.0\\.0\\.1:${port} did not send the acknowledgement of "qSupported.*" within 300 ms$`));
    } finally {
      vi.useRealTimers();
    }
  });

  it('fails with a DeviceError when the server hangs up mid-command', async () => {
    const { port } = await startServer({ hangUpOnRead: true });
    const client = await connectClient(port);
    await expect(client.readMemory(0, 4)).rejects.toThrow(/GDB connection to 127\.0\.0\.1:\d+ closed while waiting for the reply to "m0,4"/);
  });

  it('reports a refused connection as a DeviceError', async () => {
    const { server, port } = await startServer();
    await server.close();
    servers.length = 0;
    await expect(GdbClient.connect('127.0.0.1', port)).rejects.toThrow(/cannot connect to GDB server 127\.0\.0\.1:\d+/);
  });

  it('serialises concurrent commands', async () => {
    const { server, port } = await startServer();
    const client = await connectClient(port);
    server.memory.set([1, 2, 3, 4, 5, 6, 7, 8], 0);
    const reads = await Promise.all([0, 1, 2, 3].map((offset) => client.readMemory(offset * 2, 2)));
    expect(reads.map((bytes) => [...bytes])).toEqual([
      [1, 2],
      [3, 4],
      [5, 6],
      [7, 8],
    ]);
  });
});
