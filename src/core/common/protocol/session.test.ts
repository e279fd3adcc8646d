import { beforeAll, describe, expect, it, vi } from 'vitest';
import { FakeBoard } from './testing/fake-board.js';
import {
  chain,
  createMockLink,
  dropWrites,
  flipBit,
  injectGarbage,
  seededRandom,
  splitRandomly,
  type LineFilter,
  type MockLinkOptions,
} from './testing/mock-transport.js';
import { loadModelFile } from '../../node/model-file.js';
import { DeviceError, ProtocolError, TimeoutError } from '../errors.js';
import type { Graph } from '../ir/types.js';
import { DeviceClient } from './client.js';
import { encodeFrame } from './framing.js';
import { commands, encodeMessage, REPLY_BIT, type Command } from './messages.js';
import { Session, type SessionOptions } from './session.js';
import { sharedPath } from '../../../../test/testing/shared-data.js';

let graph: Graph;
beforeAll(async () => {
  graph = await loadModelFile(sharedPath('models/mlperf_tiny/ad01_int8.tflite'));
});

function setup(line: MockLinkOptions = {}, options: SessionOptions = {}, withBoard = true) {
  const link = createMockLink(line);
  const board = withBoard ? new FakeBoard(graph, link.board, { maxPayload: 256 }) : undefined;
  const session = new Session(link.host, { timeoutMs: 200, firstRequestId: 100, ...options });
  return { link, board, session };
}

const commandsReceived = (board: FakeBoard | undefined, code: number) => board!.received.filter((request) => request.command === code).length;

describe('Session', () => {
  it('times out naming the command, the request and the time when the board never answers', async () => {
    // A faked clock: each attempt is checked to wait its 50 ms, however fast this machine is.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const { link, session } = setup({}, { timeoutMs: 50, attempts: 2 }, false);
      let outcome: unknown;
      const failure = session.call(commands.HELLO, undefined);
      failure.catch((error: unknown) => (outcome = error));
      await vi.advanceTimersByTimeAsync(49);
      expect(link.host.written).toHaveLength(1);
      await vi.advanceTimersByTimeAsync(1);
      expect(link.host.written).toHaveLength(2);
      await vi.advanceTimersByTimeAsync(49);
      expect(outcome).toBeUndefined();
      await vi.advanceTimersByTimeAsync(1);
      await expect(failure).rejects.toThrow(TimeoutError);
      await expect(failure).rejects.toThrow('HELLO (request 100): no reply from mock host end within 50 ms (2 attempts)');
      expect(link.host.written).toHaveLength(2);
      expect(session.statistics).toMatchObject({ commands: 1, framesSent: 2, resends: 1 });
    } finally {
      vi.useRealTimers();
    }
  });

  it('resends after one corrupted reply and returns the good one', async () => {
    const random = seededRandom(1);
    const { board, session } = setup({ toHost: flipBit((index) => index === 0, random) });
    const data = Uint8Array.from({ length: 200 }, (_, i) => i);
    await expect(session.call(commands.ECHO, data)).resolves.toEqual(data);
    expect(session.statistics).toMatchObject({ resends: 1, corruptFrames: 1 });
    expect(commandsReceived(board, commands.ECHO.code)).toBe(2);
  });

  it('resends after a lost request', async () => {
    const { board, session } = setup({ toBoard: dropWrites((index) => index === 0) }, { timeoutMs: 50 });
    const info = await session.call(commands.HELLO, undefined);
    expect(info.boardId).toBe('fake-board');
    expect(session.statistics).toMatchObject({ resends: 1, corruptFrames: 0 });
    expect(commandsReceived(board, commands.HELLO.code)).toBe(1);
  });

  it('fails with ProtocolError, never a value, when every reply is corrupted', async () => {
    const { board, session } = setup({ toHost: flipBit(() => true, seededRandom(2)) });
    const failure = session.call(commands.ECHO, Uint8Array.of(1, 2, 3));
    await expect(failure).rejects.toThrow(ProtocolError);
    await expect(failure).rejects.toThrow(/^ECHO \(request 100\): no valid reply from mock host end in 3 attempts, 3 corrupted frame\(s\) \(last: (crc|cobs|too-short|too-long): /);
    expect(commandsReceived(board, commands.ECHO.code)).toBe(3);
  });

  it('resends a RUN that resets state but not a streaming RUN, which fails on a corrupted reply', async () => {
    let corruptNext = false;
    const corruptWhenAsked: LineFilter = (bytes) => {
      if (corruptNext) {
        corruptNext = false;
        bytes[3] ^= 0x20;
      }
      return [bytes];
    };
    const { board, session } = setup({ toHost: corruptWhenAsked });
    const client = new DeviceClient(session);
    await client.hello();
    await client.loadInput(0, new Uint8Array(640).fill(3));

    corruptNext = true;
    await expect(client.run({ runs: 2 })).resolves.toMatchObject({ runs: 2, opsRun: graph.ops.length });
    expect(commandsReceived(board, commands.RUN.code)).toBe(2);

    corruptNext = true;
    const failure = client.run({ streaming: true, timeoutMs: 100 });
    await expect(failure).rejects.toThrow(ProtocolError);
    await expect(failure).rejects.toThrow(/1 corrupted frame\(s\) .*; RUN with these arguments cannot be resent$/);
    expect(commandsReceived(board, commands.RUN.code)).toBe(3);
  });

  it('flushes stale input: a reply queued before the command is never taken for its reply', async () => {
    const { link, session } = setup();
    // An impostor HELLO reply carrying the very request id the next command will use, received
    // (queued in the port) just before the command: without the flush it would be taken as the reply.
    const impostor = new FakeBoard(graph, createMockLink().board, { boardId: 'impostor' }).info;
    const payload = commands.HELLO.reply.encode(impostor);
    link.host.inject(encodeFrame(encodeMessage({ requestId: 100, command: commands.HELLO.code | REPLY_BIT, status: 0, payload })));
    const info = await session.call(commands.HELLO, undefined);
    expect(info.boardId).toBe('fake-board');
    expect(session.statistics).toMatchObject({ resends: 0, corruptFrames: 0 });
  });

  it('flushes a partial stale frame so the reply is not merged with it', async () => {
    const { link, session } = setup();
    const partial = encodeFrame(encodeMessage({ requestId: 7, command: 0x89, status: 0, payload: new Uint8Array(40).fill(9) }));
    link.host.inject(partial.subarray(0, 20));
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
    await expect(session.call(commands.ECHO, Uint8Array.of(4))).resolves.toEqual(Uint8Array.of(4));
    expect(session.statistics).toMatchObject({ resends: 0, corruptFrames: 0, staleFrames: 0 });
  });

  it('ignores a valid reply that answers another request', async () => {
    const { link, session } = setup();
    const line: string[] = [];
    session.onEvent((event) => line.push(event.kind));
    link.host.inject(encodeFrame(encodeMessage({ requestId: 99, command: 0x89, status: 0, payload: Uint8Array.of(1) })));
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
    await expect(session.call(commands.ECHO, Uint8Array.of(2))).resolves.toEqual(Uint8Array.of(2));
    expect(line).toEqual(['stale-frame']);
    expect(session.statistics.staleFrames).toBe(1);
  });

  it('serialises concurrent calls: one request on the line at a time, each gets its own reply', async () => {
    const order: string[] = [];
    const record =
      (what: string): LineFilter =>
      (bytes) => {
        order.push(what);
        return splitRandomly(seededRandom(order.length), 7)(bytes);
      };
    const { session } = setup({ toBoard: record('request'), toHost: record('reply') });
    const payloads = Array.from({ length: 6 }, (_, i) => new Uint8Array(30 + i * 40).fill(i));
    const replies = await Promise.all(payloads.map((payload) => session.call(commands.ECHO, payload)));
    expect(replies).toEqual(payloads);
    expect(order).toEqual(payloads.flatMap(() => ['request', 'reply']));
  });

  it('reports an error status as DeviceError naming it, without resending', async () => {
    const { board, session } = setup();
    const failure = session.call(commands.READ_OUTPUT, { index: 0, offset: 0, length: 10 });
    await expect(failure).rejects.toThrow(DeviceError);
    await expect(failure).rejects.toThrow('READ_OUTPUT (request 100): the board answered NO_RESULT');
    expect(commandsReceived(board, commands.READ_OUTPUT.code)).toBe(1);

    const unknown: Command<void, void> = { ...commands.RESET, name: 'RESET', code: 0x7e };
    await expect(session.call(unknown, undefined)).rejects.toThrow('the board answered UNKNOWN_COMMAND');
    await expect(session.call(commands.READ_TENSOR, { index: 5000, offset: 0, length: 1 })).rejects.toThrow('the board answered BAD_INDEX');
    await expect(session.call(commands.RUN, { runs: 1, lastOp: 999, streaming: false })).rejects.toThrow('the board answered BAD_ARGUMENT');
  });

  it('fails the call in flight and every later call when the transport closes', async () => {
    const { link, session } = setup({}, { timeoutMs: 5000 }, false);
    const failure = session.call(commands.HELLO, undefined);
    // The board end closes once the command is on the line (not after a guessed delay).
    while (link.host.written.length === 0) await new Promise((resolve) => setImmediate(resolve));
    void link.board.close();
    await expect(failure).rejects.toThrow(DeviceError);
    await expect(failure).rejects.toThrow('HELLO (request 100): mock host end is closed (mock host end: the other end closed)');
    await expect(session.call(commands.STACK, undefined)).rejects.toThrow('STACK (request 101): mock host end is closed');
  });

  it('fails within its stated deadline when the transport never finishes discarding stale input', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const { link, session } = setup({}, { timeoutMs: 50, attempts: 3 }, false);
      // A serial port whose flush never calls back (a wedged driver).
      link.host.discardInput = () => new Promise<void>(() => undefined);
      expect(session.deadlineMs(commands.HELLO, undefined)).toBe(150);
      let outcome: unknown;
      const failure = session.call(commands.HELLO, undefined);
      failure.catch((error: unknown) => (outcome = error));
      await vi.advanceTimersByTimeAsync(149);
      expect(outcome).toBeUndefined();
      await vi.advanceTimersByTimeAsync(1);
      expect(outcome).toBeInstanceOf(TimeoutError);
      expect((outcome as Error).message).toBe('HELLO (request 100): mock host end did not discard its input within 150 ms');
      // The line is free again: the next call is not stuck behind the first.
      link.host.discardInput = async () => undefined;
      const next = session.call(commands.STACK, undefined);
      next.catch(() => undefined);
      await vi.advanceTimersByTimeAsync(150);
      await expect(next).rejects.toThrow('STACK (request 101): no reply from mock host end within 50 ms (3 attempts)');
    } finally {
      vi.useRealTimers();
    }
  });

  it('ends the call at its stated deadline even when the attempts would run past it', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const { link, session } = setup({}, { timeoutMs: 50, attempts: 2 }, false);
      // Discarding takes 30 ms of the call's 100: the second attempt is cut short at 100 ms, not 130.
      link.host.discardInput = () => new Promise<void>((resolve) => setTimeout(resolve, 30));
      let outcome: unknown;
      const failure = session.call(commands.HELLO, undefined);
      failure.catch((error: unknown) => (outcome = error));
      await vi.advanceTimersByTimeAsync(99);
      expect(outcome).toBeUndefined();
      expect(link.host.written).toHaveLength(2);
      await vi.advanceTimersByTimeAsync(1);
      expect(outcome).toBeInstanceOf(TimeoutError);
      expect((outcome as Error).message).toBe('HELLO (request 100): no reply from mock host end within 50 ms (2 attempts)');
    } finally {
      vi.useRealTimers();
    }
  });

  it('returns only correct replies under garbage, random splits and bit flips in both directions', async () => {
    const random = seededRandom(42);
    const noisy = () => chain(injectGarbage(random, 12), flipBit(() => random() < 0.15, random), splitRandomly(random, 9));
    const { session } = setup({ toBoard: noisy(), toHost: noisy() }, { timeoutMs: 60, attempts: 8, corruptionGraceMs: 15 });
    for (let call = 0; call < 60; call++) {
      const data = Uint8Array.from({ length: Math.floor(random() * 250) }, () => (random() < 0.2 ? 0 : Math.floor(random() * 256)));
      await expect(session.call(commands.ECHO, data)).resolves.toEqual(data);
    }
    expect(session.statistics.corruptFrames).toBeGreaterThan(0);
    expect(session.statistics.resends).toBeGreaterThan(0);
  });
});
