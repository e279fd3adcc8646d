/**
 * The device protocol's commands as methods, with the chunking done: load a whole input, read a
 * whole output or tensor, read every op's count. Sits on a `Session` (which does timeouts, resends
 * and matching) and checks every reply against what was asked, so a reply that passed its CRC but
 * does not fit the question (wrong offset, short data, a size that changed) is refused rather than
 * stitched into a result. Board back ends and `tinydeploy deploy` use this class.
 *
 * Reply deadlines scale with the work asked and the board's measured speed (`ReplyDeadlines`): a
 * transfer gets time for its bytes at the slowest rate the line has shown (HELLO's round trip is
 * the first measurement), a RUN time for its instructions at the speed earlier RUNs showed, or,
 * before any, at the board's nominal speed slowed by how much slower than expected HELLO was. The
 * session's per-attempt timeout stays the floor, so a board that answers nothing still fails, after
 * a deadline that follows from the work and the measurements.
 */

import { DeviceError, ProtocolError } from '../errors.js';
import {
  commands,
  LOAD_INPUT_HEADER_BYTES,
  MAX_MAX_PAYLOAD,
  MIN_MAX_PAYLOAD,
  PROFILE_REPLY_HEADER_BYTES,
  PROTOCOL_VERSION,
  READ_REPLY_HEADER_BYTES,
  type BoardInfo,
  type ReadReply,
  type RunReply,
  type StackReply,
} from './messages.js';
import type { CallOptions, Session } from './session.js';
import type { Command } from './messages.js';

export interface RunOptions {
  /** Runs to do, 1 … 65535. Default 1. */
  runs?: number;
  /** Stop after this op to read its outputs with `readTensor`. */
  lastOp?: number;
  /** Keep LSTM state between runs (and between RUN commands); default false: every run starts from reset state. */
  streaming?: boolean;
  /**
   * Measure these runs' own stack use (`stack().runHighWaterBytes`): the board paints its stack again before them and
   * scans it after, work outside the runs' time that the deadline's floor covers (such a RUN teaches the deadlines nothing).
   */
  measureStack?: boolean;
  /** Reply timeout. Default `runTimeoutMs × runs`. */
  timeoutMs?: number;
}

export interface DeviceClientOptions {
  /** A fixed RUN timeout per run instead of the scaled deadline (fault-injection tests use a short one). */
  runTimeoutMs?: number;
  /** Instructions (or cycles) one full inference takes, e.g. MACs × a per-MAC figure or the estimate; see `expectWork`. */
  instructionsPerRun?: number;
  /** The board's nominal speed in instructions per second (its clock; default 20 million, a slow-running QEMU). */
  instructionsPerSecond?: number;
  /** The least time a RUN gets, whatever the estimate (default 5000 ms: start-up jitter of an emulator, a first cache fill). */
  runFloorMs?: number;
}

/** What a deadline is made of, for error texts and tests. */
export interface ReplyDeadline {
  /** Per-attempt timeout given to the session. */
  timeoutMs: number;
  /** How it was found: `floor` (the session's default), `bytes`, `measured-runs`, `nominal-speed`, `fixed` or `unknown-work`. */
  basis: 'floor' | 'bytes' | 'measured-runs' | 'nominal-speed' | 'fixed' | 'unknown-work';
}

/** Margins of the scaled deadlines over the measured or estimated time. */
const transferSlack = 4;
const measuredRunSlack = 4;
const nominalRunSlack = 10;
/** A HELLO round trip slower than this means a loaded host or a slow line: nominal speeds are scaled by it. */
const expectedHelloMs = 20;
/** RUN's deadline per run when nothing tells the work (the model's instructions were not given). */
const unknownWorkRunMs = 10_000;

/**
 * The deadline arithmetic of a client, from its measurements: the slowest milliseconds per byte
 * any transfer took (its whole round trip over the bytes it moved, latency included, so small
 * transfers count their fixed cost), the slowest milliseconds per instruction a full RUN took, and
 * HELLO's round trip.
 */
export class ReplyDeadlines {
  msPerByte: number | undefined;
  msPerInstruction: number | undefined;
  helloMs: number | undefined;
  instructionsPerRun: number | undefined;

  constructor(
    readonly floorMs: number,
    readonly instructionsPerSecond: number,
    readonly fixedRunMs?: number,
    readonly runFloorMs = 5000,
  ) {}

  /** A transfer moving `bytes` (request and reply payloads). */
  transfer(bytes: number): ReplyDeadline {
    if (this.msPerByte === undefined) return { timeoutMs: this.floorMs, basis: 'floor' };
    const scaled = Math.ceil(transferSlack * this.msPerByte * Math.max(bytes, 1));
    return scaled > this.floorMs ? { timeoutMs: scaled, basis: 'bytes' } : { timeoutMs: this.floorMs, basis: 'floor' };
  }

  /** A RUN of `runs` full inferences (a partial one, `lastOp`, is at most as long). */
  run(runs: number): ReplyDeadline {
    if (this.fixedRunMs !== undefined) return { timeoutMs: this.fixedRunMs * runs, basis: 'fixed' };
    const line = (this.helloMs ?? 0) + (this.msPerByte !== undefined ? this.msPerByte * 64 : 0);
    let estimate: number;
    let basis: ReplyDeadline['basis'];
    if (this.msPerInstruction !== undefined && this.instructionsPerRun !== undefined) {
      estimate = measuredRunSlack * (line + runs * this.instructionsPerRun * this.msPerInstruction);
      basis = 'measured-runs';
    } else if (this.instructionsPerRun !== undefined) {
      const load = Math.max(1, (this.helloMs ?? 0) / expectedHelloMs);
      estimate = nominalRunSlack * (line + (runs * this.instructionsPerRun * 1000 * load) / this.instructionsPerSecond);
      basis = 'nominal-speed';
    } else {
      return { timeoutMs: Math.max(this.floorMs, unknownWorkRunMs * runs), basis: 'unknown-work' };
    }
    const timeoutMs = Math.ceil(estimate);
    const floor = Math.max(this.floorMs, this.runFloorMs);
    return timeoutMs > floor ? { timeoutMs, basis } : { timeoutMs: floor, basis: 'floor' };
  }

  /** A transfer of `bytes` answered after `elapsedMs`. */
  observeTransfer(bytes: number, elapsedMs: number): void {
    const rate = elapsedMs / Math.max(bytes, 1);
    this.msPerByte = Math.max(this.msPerByte ?? 0, rate);
  }

  /** A RUN of `runs` full inferences answered after `elapsedMs`. */
  observeRun(runs: number, elapsedMs: number): void {
    if (this.instructionsPerRun === undefined || this.instructionsPerRun <= 0) return;
    const line = (this.helloMs ?? 0) + (this.msPerByte !== undefined ? this.msPerByte * 64 : 0);
    const rate = Math.max(elapsedMs - line, elapsedMs / 2) / (runs * this.instructionsPerRun);
    this.msPerInstruction = Math.max(this.msPerInstruction ?? 0, rate);
  }
}

export class DeviceClient {
  readonly session: Session;
  private board?: BoardInfo;
  /** The deadline arithmetic and its measurements (read by tests and error reports). */
  readonly deadlines: ReplyDeadlines;
  /** When the session last resent a request (timeout or corrupt reply), for `attemptTime`. */
  private lastResendAt = -Infinity;

  constructor(session: Session, options: DeviceClientOptions = {}) {
    this.session = session;
    session.onEvent((event) => {
      if (event.kind === 'resend') this.lastResendAt = performance.now();
    });
    this.deadlines = new ReplyDeadlines(session.defaultTimeoutMs, options.instructionsPerSecond ?? 20_000_000, options.runTimeoutMs, options.runFloorMs);
    this.deadlines.instructionsPerRun = options.instructionsPerRun;
  }

  /** The instructions (or cycles) one full inference of the loaded model takes, for RUN's deadline. */
  expectWork(instructionsPerRun: number): void {
    if (Number.isFinite(instructionsPerRun) && instructionsPerRun > 0) this.deadlines.instructionsPerRun = instructionsPerRun;
  }

  /** A call whose deadline follows from the `bytes` it moves, and whose time is measured. */
  private async transfer<Request, Reply>(command: Command<Request, Reply>, request: Request, bytes: number, options?: CallOptions): Promise<Reply> {
    const started = performance.now();
    const reply = await this.session.call(command, request, options ?? { timeoutMs: this.deadlines.transfer(bytes).timeoutMs });
    this.deadlines.observeTransfer(bytes, this.attemptTime(started));
    return reply;
  }

  /**
   * The time the answered attempt of a call started at `started` took: from the last resend when
   * there was one. A call's whole time would count the timeouts of lost or corrupted attempts as the
   * line's speed, and on a noisy line every later deadline would ratchet up from them.
   */
  private attemptTime(started: number): number {
    return performance.now() - Math.max(started, this.lastResendAt);
  }

  /** What HELLO returned; throws before the first `hello`. */
  get info(): BoardInfo {
    if (!this.board) throw new DeviceError('no HELLO yet: call hello() before other commands');
    return this.board;
  }

  /**
   * Handshake. Refuses a board speaking another protocol version or reporting a `max_payload`
   * outside 256 … 1024. Give more attempts here than elsewhere when the board may still be starting.
   */
  async hello(options?: CallOptions): Promise<BoardInfo> {
    const started = performance.now();
    const info = await this.session.call(commands.HELLO, undefined, options);
    // The first measurement of the line: the answered attempt's round trip over the bytes it carried.
    const elapsed = this.attemptTime(started);
    this.deadlines.helloMs = elapsed;
    this.deadlines.observeTransfer(helloBytes(info), elapsed);
    if (info.protocolVersion !== PROTOCOL_VERSION) {
      throw new DeviceError(
        `board ${info.boardId} speaks protocol version ${info.protocolVersion}, this host speaks ${PROTOCOL_VERSION}`,
        { protocolVersion: info.protocolVersion },
      );
    }
    if (info.maxPayload < MIN_MAX_PAYLOAD || info.maxPayload > MAX_MAX_PAYLOAD) {
      throw new ProtocolError(`board ${info.boardId} reports max_payload ${info.maxPayload}, outside ${MIN_MAX_PAYLOAD} … ${MAX_MAX_PAYLOAD}`);
    }
    this.board = info;
    return info;
  }

  /** Writes all of input `index` (its size must be the board's), in chunks of at most `max_payload − 6` bytes. */
  async loadInput(index: number, bytes: Uint8Array): Promise<void> {
    const input = this.info.inputs[index];
    if (!input) throw new DeviceError(`input ${index}: the board's model has ${this.info.inputs.length} input(s)`);
    if (bytes.length !== input.bytes) {
      throw new DeviceError(`input ${index} (tensor ${input.tensorId}) is ${input.bytes} bytes on the board, got ${bytes.length}`);
    }
    const chunk = this.info.maxPayload - LOAD_INPUT_HEADER_BYTES;
    for (let offset = 0; offset < bytes.length; offset += chunk) {
      const data = bytes.subarray(offset, offset + chunk);
      await this.transfer(commands.LOAD_INPUT, { index, offset, data }, data.length + LOAD_INPUT_HEADER_BYTES);
    }
  }

  async run(options: RunOptions = {}): Promise<RunReply> {
    const runs = options.runs ?? 1;
    const request = { runs, lastOp: options.lastOp, streaming: options.streaming ?? false, ...(options.measureStack ? { measureStack: true } : {}) };
    const started = performance.now();
    const reply = await this.session.call(commands.RUN, request, { timeoutMs: options.timeoutMs ?? this.deadlines.run(runs).timeoutMs });
    if (options.lastOp === undefined && !options.measureStack) this.deadlines.observeRun(runs, performance.now() - started);
    const opsRun = options.lastOp === undefined ? this.info.opCount : options.lastOp + 1;
    if (reply.runs !== runs || reply.opsRun !== opsRun) {
      throw new ProtocolError(`RUN reply: ${reply.runs} run(s) of ${reply.opsRun} op(s), asked for ${runs} of ${opsRun}`, {
        reply,
      });
    }
    return reply;
  }

  /** Each op's time in the last run, in the board's timer unit, `opCount` entries. */
  async readProfile(): Promise<number[]> {
    const { opCount, maxPayload } = this.info;
    const perChunk = Math.floor((maxPayload - PROFILE_REPLY_HEADER_BYTES) / 4);
    const counts: number[] = [];
    for (let firstOp = 0; firstOp < opCount; firstOp += perChunk) {
      const count = Math.min(perChunk, opCount - firstOp);
      const reply = await this.transfer(commands.READ_PROFILE, { firstOp, count }, PROFILE_REPLY_HEADER_BYTES + 4 * count);
      if (reply.firstOp !== firstOp || reply.counts.length !== count) {
        throw new ProtocolError(
          `READ_PROFILE reply: ops ${reply.firstOp}+${reply.counts.length}, asked for ${firstOp}+${count}`,
        );
      }
      counts.push(...reply.counts);
    }
    return counts;
  }

  /** The whole of output `index` after the last complete run. */
  readOutput(index: number): Promise<Uint8Array> {
    const output = this.info.outputs[index];
    if (!output) throw new DeviceError(`output ${index}: the board's model has ${this.info.outputs.length} output(s)`);
    return this.readAll('READ_OUTPUT', index, output.bytes);
  }

  /**
   * The bytes of tensor `tensorId` as they are in the board's memory now (meaningful while the
   * tensor is live: after a run stopped at the op that writes it). The size comes from the first reply.
   */
  readTensor(tensorId: number): Promise<Uint8Array> {
    return this.readAll('READ_TENSOR', tensorId);
  }

  stack(): Promise<StackReply> {
    return this.session.call(commands.STACK, undefined);
  }

  /** Puts the model's state (LSTM) back to its initial value. */
  reset(): Promise<void> {
    return this.session.call(commands.RESET, undefined);
  }

  /**
   * SET_BAUD: asks the board to move its UART to `baud` once it has answered. The rate it will
   * use, or why not: BAD_ARGUMENT (its UART cannot make the rate) or UNKNOWN_COMMAND (its firmware
   * does not know the command); the line then stays as it is. Sent once (never resent: see messages.ts).
   */
  async setBaudRate(baud: number, options?: CallOptions): Promise<{ accepted: number } | { refused: 'UNKNOWN_COMMAND' | 'BAD_ARGUMENT' }> {
    try {
      return { accepted: await this.session.call(commands.SET_BAUD, baud, { ...options, attempts: 1 }) };
    } catch (error) {
      const status = error instanceof DeviceError ? error.data?.status : undefined;
      if (status === 'UNKNOWN_COMMAND' || status === 'BAD_ARGUMENT') return { refused: status };
      throw error;
    }
  }

  /** Sends bytes and checks the board sends the same back (a link test). */
  async echo(data: Uint8Array, options?: CallOptions): Promise<void> {
    const reply = await this.session.call(commands.ECHO, data, options);
    if (reply.length !== data.length || reply.some((byte, i) => byte !== data[i])) {
      throw new ProtocolError(`ECHO reply differs from the ${data.length} bytes sent`);
    }
  }

  private async readAll(name: 'READ_OUTPUT' | 'READ_TENSOR', index: number, expectedBytes?: number): Promise<Uint8Array> {
    const maxPayload = this.info.maxPayload;
    const chunk = maxPayload - READ_REPLY_HEADER_BYTES;
    const what = name === 'READ_OUTPUT' ? `output ${index}` : `tensor ${index}`;
    // A read is cut short at the tensor's end, so the first reply also tells the size.
    const first = await this.transfer(commands[name], { index, offset: 0, length: chunk }, maxPayload);
    const total = first.totalBytes;
    if (expectedBytes !== undefined && total !== expectedBytes) {
      throw new ProtocolError(`${name} reply: ${what} is ${total} bytes, HELLO said ${expectedBytes}`);
    }
    // The size is the board's claim (up to 4 GiB): keep the chunks that came, and allocate the
    // whole only once every byte has, so a corrupted or lying reply costs no memory.
    const chunks: Uint8Array[] = [];
    for (let offset = 0, reply = first; ; ) {
      checkRead(name, what, reply, offset, Math.min(chunk, total - offset), total);
      chunks.push(reply.data);
      offset += reply.data.length;
      if (offset >= total) return joinChunks(chunks, total);
      reply = await this.transfer(commands[name], { index, offset, length: chunk }, maxPayload);
    }
  }
}

/** Bytes of a HELLO reply: its fixed fields and the inputs, outputs and ids it lists. */
function helloBytes(info: BoardInfo): number {
  return 40 + 8 * (info.inputs.length + info.outputs.length) + info.boardId.length + info.buildId.length + info.modelHash.length;
}

function joinChunks(chunks: readonly Uint8Array[], total: number): Uint8Array {
  if (chunks.length === 1) return chunks[0];
  const result = new Uint8Array(total);
  let offset = 0;
  for (const part of chunks) {
    result.set(part, offset);
    offset += part.length;
  }
  return result;
}

function checkRead(name: string, what: string, reply: ReadReply, offset: number, length: number, total: number): void {
  if (reply.totalBytes !== total || reply.offset !== offset || reply.data.length !== length) {
    throw new ProtocolError(
      `${name} reply for ${what}: ${reply.data.length} bytes at offset ${reply.offset} of ${reply.totalBytes}, ` +
        `asked for ${length} at ${offset} of ${total}`,
      { totalBytes: reply.totalBytes, offset: reply.offset, length: reply.data.length },
    );
  }
}
