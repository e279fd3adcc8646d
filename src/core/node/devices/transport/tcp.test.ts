import { createServer, type Server, type Socket } from 'node:net';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DeviceError } from '../../../common/errors.js';
import { Interpreter } from '../../../common/interp/interpreter.js';
import { DeviceClient } from '../../../common/protocol/client.js';
import { commands } from '../../../common/protocol/messages.js';
import { Session } from '../../../common/protocol/session.js';
import { bytesOf, dataFromBytes } from '../../../common/ir/tensor.js';
import type { Graph } from '../../../common/ir/types.js';
import { loadModelFile } from '../../model-file.js';
import { FakeBoard } from '../../../common/protocol/testing/fake-board.js';
import { TcpTransport } from './tcp.js';
import { sharedPath } from '../../../../../test/testing/shared-data.js';

let graph: Graph;
let server: Server | undefined;
const sockets: Socket[] = [];

beforeAll(async () => {
  graph = await loadModelFile(sharedPath('models/mlperf_tiny/ad01_int8.tflite'));
});

afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy();
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  server = undefined;
});

/** A fake board served on an ephemeral port of 127.0.0.1. */
async function serveFakeBoard(): Promise<number> {
  server = createServer((socket) => {
    sockets.push(socket);
    new FakeBoard(graph, TcpTransport.fromSocket(socket));
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return (server.address() as { port: number }).port;
}

describe('TCP transport', () => {
  it('carries a whole profiling session to a fake board', async () => {
    const port = await serveFakeBoard();
    const transport = await TcpTransport.connect({ port });
    expect(transport.description).toBe(`tcp 127.0.0.1:${port}`);
    const client = new DeviceClient(new Session(transport));
    await client.hello();
    const input = Uint8Array.from({ length: 640 }, (_, i) => (i * 37) & 0xff);
    await client.loadInput(0, input);
    await client.run({ runs: 2 });
    const expected = new Interpreter(graph).run([dataFromBytes('int8', input)]).outputs[0];
    expect([...(await client.readOutput(0))]).toEqual([...bytesOf(expected)]);
    await transport.close();
    expect(transport.closed).toBe(true);
  });

  it('fails the call in flight when the peer goes away', async () => {
    const port = await serveFakeBoard();
    const transport = await TcpTransport.connect({ port });
    const session = new Session(transport, { timeoutMs: 5000 });
    await session.call(commands.HELLO, undefined);
    const closed = new Promise<Error | undefined>((resolve) => transport.onClose(resolve));
    for (const socket of sockets) socket.destroy();
    const failure = session.call(commands.RUN, { runs: 1, streaming: true });
    await expect(failure).rejects.toThrow(DeviceError);
    await expect(failure).rejects.toThrow(/^RUN \(request \d+\): tcp 127\.0\.0\.1:\d+ (is closed|.*write)/);
    expect((await closed)?.message).toMatch(/^tcp 127\.0\.0\.1:\d+ closed: /);
  });

  it('names the address it cannot connect to', async () => {
    const port = await serveFakeBoard();
    await new Promise((resolve) => server!.close(resolve));
    server = undefined;
    await expect(TcpTransport.connect({ port })).rejects.toThrow(new RegExp(`^tcp 127\\.0\\.0\\.1:${port}: cannot connect: .*ECONNREFUSED`));
  });
});
