import { describe, expect, it } from 'vitest';
import { createMockLink } from './testing/mock-transport.js';
import { DeviceError, ProtocolError } from '../errors.js';
import { DeviceClient } from './client.js';
import { encodeFrame, FrameDecoder } from './framing.js';
import { commands, decodeMessage, encodeMessage, REPLY_BIT, statusCodes, type BoardInfo, type Message } from './messages.js';
import { Session } from './session.js';

const info: BoardInfo = {
  protocolVersion: 1,
  maxPayload: 256,
  arenaBytes: 1000,
  opCount: 70,
  tensorCount: 3,
  timerUnit: 'instructions',
  stateful: false,
  timerHz: 0,
  timerResolution: 40,
  inputs: [{ tensorId: 0, dtype: 'int8', bytes: 600 }],
  outputs: [{ tensorId: 2, dtype: 'int8', bytes: 600 }],
  boardId: 'scripted',
  buildId: 'b',
  modelHash: new Uint8Array(0),
};

/**
 * A board that answers each request with whatever `answer` returns: a way to make a board that
 * lies in a precise way (a wrong offset, a short read, a new protocol version).
 */
function scriptedBoard(answer: (request: Message) => { status?: number; payload: Uint8Array }) {
  const link = createMockLink();
  const decoder = new FrameDecoder({ maxMessageLength: 4 + 1024 });
  link.board.onData((bytes) => {
    for (const event of decoder.push(bytes)) {
      if (event.kind !== 'message') continue;
      const request = decodeMessage(event.message);
      const reply = answer(request);
      const message = { requestId: request.requestId, command: request.command | REPLY_BIT, status: reply.status ?? statusCodes.OK, payload: reply.payload };
      void link.board.write(encodeFrame(encodeMessage(message), { leadingDelimiter: true }));
    }
  });
  return new DeviceClient(new Session(link.host, { timeoutMs: 200 }));
}

/** Rejects with an instance of `type` whose message is exactly `message`. */
async function expectRejection(promise: Promise<unknown>, type: new (...args: never[]) => Error, message: string) {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(type);
  expect((error as Error).message).toBe(message);
}

const helloWith = (changes: Partial<BoardInfo>) => (request: Message) => {
  if (request.command === commands.HELLO.code) return { payload: commands.HELLO.reply.encode({ ...info, ...changes }) };
  throw new Error(`unexpected command ${request.command}`);
};

describe('DeviceClient', () => {
  it('refuses a board speaking another protocol version, or an impossible max payload', async () => {
    await expectRejection(scriptedBoard(helloWith({ protocolVersion: 2 })).hello(), DeviceError, 'board scripted speaks protocol version 2, this host speaks 1');
    await expectRejection(scriptedBoard(helloWith({ maxPayload: 100 })).hello(), ProtocolError, 'board scripted reports max_payload 100, outside 256 … 1024');
    const client = scriptedBoard(helloWith({}));
    expect(() => client.info).toThrow('no HELLO yet');
  });

  it('reads whole tensors in chunks and refuses a reply at the wrong offset', async () => {
    const tensor = Uint8Array.from({ length: 600 }, (_, i) => (i * 13) & 0xff);
    let lie = false;
    const client = scriptedBoard((request) => {
      if (request.command === commands.HELLO.code) return { payload: commands.HELLO.reply.encode(info) };
      const read = commands.READ_TENSOR.request.decode(request.payload);
      const offset = lie && read.offset > 0 ? read.offset - 1 : read.offset;
      const data = tensor.slice(offset, Math.min(offset + read.length, tensor.length));
      return { payload: commands.READ_TENSOR.reply.encode({ totalBytes: tensor.length, offset, data }) };
    });
    await client.hello();
    expect([...(await client.readTensor(1))]).toEqual([...tensor]);
    expect([...(await client.readOutput(0))]).toEqual([...tensor]);
    lie = true;
    await expectRejection(client.readTensor(1), ProtocolError, 'READ_TENSOR reply for tensor 1: 248 bytes at offset 247 of 600, asked for 248 at 248 of 600');
  });

  it('refuses an output whose size differs from HELLO, and a short read', async () => {
    let size = 500;
    let short = false;
    const client = scriptedBoard((request) => {
      if (request.command === commands.HELLO.code) return { payload: commands.HELLO.reply.encode(info) };
      const read = commands.READ_OUTPUT.request.decode(request.payload);
      const length = Math.min(read.length, size - read.offset) - (short ? 1 : 0);
      return { payload: commands.READ_OUTPUT.reply.encode({ totalBytes: size, offset: read.offset, data: new Uint8Array(length) }) };
    });
    await client.hello();
    await expect(client.readOutput(0)).rejects.toThrow('READ_OUTPUT reply: output 0 is 500 bytes, HELLO said 600');
    size = 600;
    short = true;
    await expect(client.readOutput(0)).rejects.toThrow('READ_OUTPUT reply for output 0: 247 bytes at offset 0 of 600, asked for 248 at 0 of 600');
  });

  it('reads every op count in chunks and refuses a RUN reply that ran something else', async () => {
    const requests: string[] = [];
    const client = scriptedBoard((request) => {
      if (request.command === commands.HELLO.code) return { payload: commands.HELLO.reply.encode(info) };
      if (request.command === commands.RUN.code) {
        const run = commands.RUN.request.decode(request.payload);
        return { payload: commands.RUN.reply.encode({ runs: run.runs, opsRun: 69, timerUnit: 'instructions', total: 1, min: 1, max: 1 }) };
      }
      const { firstOp, count } = commands.READ_PROFILE.request.decode(request.payload);
      requests.push(`${firstOp}+${count}`);
      return { payload: commands.READ_PROFILE.reply.encode({ firstOp, counts: Array.from({ length: count }, (_, i) => (firstOp + i) * 40) }) };
    });
    await client.hello();
    const profile = await client.readProfile();
    expect(profile).toEqual(Array.from({ length: 70 }, (_, i) => i * 40));
    expect(requests).toEqual(['0+63', '63+7']);
    await expect(client.run({ runs: 2 })).rejects.toThrow('RUN reply: 2 run(s) of 69 op(s), asked for 2 of 70');
  });

  it('turns RUN_FAILED into a DeviceError naming the op and the kernel status', async () => {
    const client = scriptedBoard((request) =>
      request.command === commands.HELLO.code
        ? { payload: commands.HELLO.reply.encode(info) }
        : { status: statusCodes.RUN_FAILED, payload: Uint8Array.of(12, 0, 0xfd, 0xff, 0xff, 0xff) },
    );
    await client.hello();
    const failure = client.run();
    await expect(failure).rejects.toThrow(/^RUN \(request \d+\): the board failed in op 12 \(kernel status -3\)$/);
    await expect(failure).rejects.toMatchObject({ data: { command: 'RUN', status: 'RUN_FAILED', op: 12, kernelStatus: -3 } });
  });
});
