import { describe, expect, it } from 'vitest';
import { TimeoutError } from '../errors.js';
import { DeviceClient, ReplyDeadlines } from './client.js';
import { encodeFrame, FrameDecoder } from './framing.js';
import { commands, decodeMessage, encodeMessage, REPLY_BIT, statusCodes, type BoardInfo, type Message } from './messages.js';
import { Session } from './session.js';
import { createMockLink } from './testing/mock-transport.js';

/**
 * Reply deadlines scale with the work asked and the board's measured speed: a throttled board
 * whose every reply takes several times the session's per-attempt timeout still completes a whole
 * deploy's exchange, and a board that stops answering fails after a deadline that follows from
 * the work and the measurements, never an unbounded wait.
 */

const info: BoardInfo = {
  protocolVersion: 1,
  maxPayload: 256,
  arenaBytes: 1000,
  opCount: 3,
  tensorCount: 3,
  timerUnit: 'instructions',
  stateful: false,
  timerHz: 0,
  timerResolution: 40,
  inputs: [{ tensorId: 0, dtype: 'int8', bytes: 600 }],
  outputs: [{ tensorId: 2, dtype: 'int8', bytes: 600 }],
  boardId: 'throttled',
  buildId: 'b',
  modelHash: new Uint8Array(0),
};

/** Session per-attempt timeout: the floor of every deadline, far below what the throttled board needs. */
const floorMs = 20;

/**
 * A board that answers after `delayMs(request)` (undefined: never). RUN answers `runs` full runs;
 * reads answer zeros of the asked length.
 */
function throttledBoard(delayMs: (request: Message) => number | undefined) {
  const link = createMockLink();
  const decoder = new FrameDecoder({ maxMessageLength: 4 + 1024 });
  const answer = (request: Message): Uint8Array => {
    if (request.command === commands.HELLO.code) return commands.HELLO.reply.encode(info);
    if (request.command === commands.LOAD_INPUT.code) return new Uint8Array(0);
    if (request.command === commands.RUN.code) {
      const run = commands.RUN.request.decode(request.payload);
      return commands.RUN.reply.encode({ runs: run.runs, opsRun: info.opCount, timerUnit: 'instructions', total: 1, min: 1, max: 1 });
    }
    const read = commands.READ_OUTPUT.request.decode(request.payload);
    const length = Math.min(read.length, 600 - read.offset);
    return commands.READ_OUTPUT.reply.encode({ totalBytes: 600, offset: read.offset, data: new Uint8Array(length) });
  };
  link.board.onData((bytes) => {
    for (const event of decoder.push(bytes)) {
      if (event.kind !== 'message') continue;
      const request = decodeMessage(event.message);
      const delay = delayMs(request);
      if (delay === undefined) continue;
      const message = { requestId: request.requestId, command: request.command | REPLY_BIT, status: statusCodes.OK, payload: answer(request) };
      setTimeout(() => void link.board.write(encodeFrame(encodeMessage(message), { leadingDelimiter: true })), delay);
    }
  });
  return link;
}

describe('reply deadlines', () => {
  it('a throttled board (every reply 3x the session timeout, RUN 12x) completes load, run and read', async () => {
    const link = throttledBoard((request) => (request.command === commands.RUN.code ? 12 * floorMs : 3 * floorMs));
    const session = new Session(link.host, { timeoutMs: floorMs });
    const client = new DeviceClient(session, { instructionsPerRun: 2_000_000, runFloorMs: 0 });
    await client.hello({ timeoutMs: 1000 });
    // The session's own timeout is too short for this board: a read with it fails.
    await expect(session.call(commands.READ_OUTPUT, { index: 0, offset: 0, length: 64 })).rejects.toBeInstanceOf(TimeoutError);
    await client.loadInput(0, new Uint8Array(600));
    const run = await client.run({ runs: 2 });
    expect(run.runs).toBe(2);
    expect(await client.readOutput(0)).toHaveLength(600);
    // What the deadlines were built from: HELLO's round trip, then the RUN it measured.
    expect(client.deadlines.helloMs).toBeGreaterThanOrEqual(3 * floorMs - 5);
    expect(client.deadlines.msPerInstruction).toBeGreaterThan(0);
    expect(client.deadlines.run(1).basis).toBe('measured-runs');
  });

  it('a board that stops answering after HELLO fails RUN and READ_OUTPUT with a timeout bounded by the work', async () => {
    let answered = 0;
    const link = throttledBoard(() => (answered++ === 0 ? 3 * floorMs : undefined));
    const client = new DeviceClient(new Session(link.host, { timeoutMs: floorMs }), { instructionsPerRun: 100_000, runFloorMs: 0 });
    await client.hello({ timeoutMs: 1000 });
    const helloMs = client.deadlines.helloMs!;
    const run = client.deadlines.run(1);
    expect(run.basis).toBe('nominal-speed');
    // 10 × (line + instructions at 20 MIPS slowed by HELLO's lateness): the bound, whatever the host's speed.
    const load = Math.max(1, helloMs / 20);
    const line = helloMs + client.deadlines.msPerByte! * 64;
    expect(run.timeoutMs).toBeLessThanOrEqual(Math.ceil(10 * (line + (100_000 * 1000 * load) / 20_000_000)));
    const failure = await client.run().then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(TimeoutError);
    expect((failure as TimeoutError).data).toMatchObject({ command: 'RUN', timeoutMs: run.timeoutMs });
    const read = await client.readOutput(0).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(read).toBeInstanceOf(TimeoutError);
    expect((read as TimeoutError).data).toMatchObject({ command: 'READ_OUTPUT', attempts: 3, timeoutMs: client.deadlines.transfer(256).timeoutMs });
  });

  it('scales a RUN deadline with the instructions asked and a transfer deadline with its bytes', () => {
    const deadlines = new ReplyDeadlines(1000, 20_000_000, undefined, 0);
    expect(deadlines.run(1)).toEqual({ timeoutMs: 10_000, basis: 'unknown-work' });
    expect(deadlines.transfer(512)).toEqual({ timeoutMs: 1000, basis: 'floor' });
    deadlines.helloMs = 200;
    deadlines.observeTransfer(100, 200);
    deadlines.instructionsPerRun = 400_000_000;
    // 2 ms a byte: 512 bytes get 4 × 1024 ms.
    expect(deadlines.transfer(512)).toEqual({ timeoutMs: 4096, basis: 'bytes' });
    // 20 s at 20 MIPS, ten times slower than nominal (HELLO took 200 ms, not 20), with a margin of 10.
    const nominal = deadlines.run(1);
    expect(nominal.basis).toBe('nominal-speed');
    expect(nominal.timeoutMs).toBe(Math.ceil(10 * (200 + 128 + 200_000)));
    expect(deadlines.run(3).timeoutMs).toBeGreaterThan(2.9 * nominal.timeoutMs);
    // Once a run is measured (60 s for the 400 M instructions), that speed with a margin of 4.
    deadlines.observeRun(1, 60_000);
    expect(deadlines.run(1)).toEqual({ timeoutMs: Math.ceil(4 * (328 + 60_000 - 328)), basis: 'measured-runs' });
    expect(new ReplyDeadlines(1000, 20_000_000, 50).run(4)).toEqual({ timeoutMs: 200, basis: 'fixed' });
    // A small model still gets the RUN floor (default 5 s).
    const small = new ReplyDeadlines(1000, 20_000_000);
    small.instructionsPerRun = 1000;
    expect(small.run(1)).toEqual({ timeoutMs: 5000, basis: 'floor' });
  });
});
