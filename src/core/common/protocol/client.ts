/**
 * The device protocol's commands as methods, with the chunking done: load a whole input, read a
 * whole output or tensor, read every op's count. Sits on a `Session` (which does timeouts, resends
 * and matching) and checks every reply against what was asked, so a reply that passed its CRC but
 * does not fit the question (wrong offset, short data, a size that changed) is refused rather than
 * stitched into a result. Board back ends and `tinydeploy deploy` use this class.
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

export interface RunOptions {
  /** Runs to do, 1 … 65535. Default 1. */
  runs?: number;
  /** Stop after this op to read its outputs with `readTensor`. */
  lastOp?: number;
  /** Keep LSTM state between runs (and between RUN commands); default false: every run starts from reset state. */
  streaming?: boolean;
  /** Reply timeout. Default `runTimeoutMs × runs`. */
  timeoutMs?: number;
}

export interface DeviceClientOptions {
  /** Default RUN timeout per run. Default 10 000 ms. */
  runTimeoutMs?: number;
}

export class DeviceClient {
  readonly session: Session;
  private board?: BoardInfo;
  private readonly runTimeoutMs: number;

  constructor(session: Session, options: DeviceClientOptions = {}) {
    this.session = session;
    this.runTimeoutMs = options.runTimeoutMs ?? 10_000;
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
    const info = await this.session.call(commands.HELLO, undefined, options);
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
      await this.session.call(commands.LOAD_INPUT, { index, offset, data: bytes.subarray(offset, offset + chunk) });
    }
  }

  async run(options: RunOptions = {}): Promise<RunReply> {
    const runs = options.runs ?? 1;
    const request = { runs, lastOp: options.lastOp, streaming: options.streaming ?? false };
    const reply = await this.session.call(commands.RUN, request, { timeoutMs: options.timeoutMs ?? this.runTimeoutMs * runs });
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
      const reply = await this.session.call(commands.READ_PROFILE, { firstOp, count });
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

  /** Sends bytes and checks the board sends the same back (a link test). */
  async echo(data: Uint8Array): Promise<void> {
    const reply = await this.session.call(commands.ECHO, data);
    if (reply.length !== data.length || reply.some((byte, i) => byte !== data[i])) {
      throw new ProtocolError(`ECHO reply differs from the ${data.length} bytes sent`);
    }
  }

  private async readAll(name: 'READ_OUTPUT' | 'READ_TENSOR', index: number, expectedBytes?: number): Promise<Uint8Array> {
    const chunk = this.info.maxPayload - READ_REPLY_HEADER_BYTES;
    const what = name === 'READ_OUTPUT' ? `output ${index}` : `tensor ${index}`;
    // A read is cut short at the tensor's end, so the first reply also tells the size.
    const first = await this.session.call(commands[name], { index, offset: 0, length: chunk });
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
      reply = await this.session.call(commands[name], { index, offset, length: chunk });
    }
  }
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
