/**
 * A board in TypeScript that speaks the device protocol (firmware/runtime/PROTOCOL.md) over any
 * transport, normally the mock one: the first-class fake of STYLE.md §15. It runs the model op by
 * op with the host interpreter (`Interpreter.runUpTo`, state reset as the interpreter resets it),
 * so session and client tests exercise real runs, real chunked transfers and
 * real per-op timings, and a test can check that what crosses the wire equals the interpreter's
 * result.
 *
 * What it deliberately does not imitate: memory reuse (every tensor keeps its value, so READ_TENSOR
 * is meaningful for any tensor at any time, a superset of a real board), and a stack (STACK reports
 * the configured figures). Its timer counts nanoseconds of host wall-clock time, reported honestly as
 * cycles of a 1 GHz clock.
 */

import { encodeFrame, FrameDecoder } from '../framing.js';
import {
  commandCodes,
  commands,
  decodeMessage,
  encodeMessage,
  LOAD_INPUT_HEADER_BYTES,
  MAX_MAX_PAYLOAD,
  MESSAGE_HEADER_BYTES,
  MIN_MAX_PAYLOAD,
  PROFILE_REPLY_HEADER_BYTES,
  PROTOCOL_VERSION,
  READ_REPLY_HEADER_BYTES,
  REPLY_BIT,
  runFailure,
  statusCodes,
  type BoardInfo,
  type Command,
  type Message,
  type ReadReply,
  type ReadRequest,
  type RunReply,
  type RunRequest,
  type StatusName,
} from '../messages.js';
import type { Disposable, Transport } from '../transport.js';
import { DeviceError, ProtocolError } from '../../errors.js';
import { Interpreter, unsupportedOps } from '../../interp/interpreter.js';
import { bytesOf, dataFromBytes, tensorBytes } from '../../ir/tensor.js';
import type { Graph, TensorData } from '../../ir/types.js';

export interface FakeBoardOptions {
  /** Default `fake-board`. */
  boardId?: string;
  /** Default `fake`. */
  buildId?: string;
  /** What HELLO reports as the model hash; empty by default. */
  modelHash?: Uint8Array;
  /** 256 … 1024; default 512, as the reference firmware. */
  maxPayload?: number;
  /** What STACK reports: default 8192 bytes of stack, 0 used; the runs' own use (after a RUN that measured it) default the high water. */
  stackBytes?: number;
  stackHighWaterBytes?: number;
  stackRunHighWaterBytes?: number;
  /** SET_BAUD: the rates its UART makes. Absent: it answers UNKNOWN_COMMAND, as firmware from before the command. */
  baudRates?: readonly number[];
  /**
   * The line to the host, for SET_BAUD: the host's rate now, and whether the link carries a rate
   * (default: every one). While the two ends' rates differ, or the link does not carry the rate,
   * what either end sends arrives as garbage: the board decodes nothing and answers nothing.
   */
  line?: { hostBaudRate(): number; carries?(baudRate: number): boolean };
}

/** The rate a board starts at and goes back to (PROTOCOL.md SET_BAUD). */
const startBaudRate = 115200;
/** Garbage bytes a board on probation after SET_BAUD takes before going back to 115200. */
const probationGarbageBytes = 128;

/** A request the board received, with the status it answered (for tests). */
export interface ReceivedRequest {
  requestId: number;
  command: number;
  status: StatusName;
}

class RequestRefused extends Error {
  constructor(
    readonly status: StatusName,
    message: string,
    readonly payload: Uint8Array = new Uint8Array(0),
  ) {
    super(message);
  }
}

export class FakeBoard {
  readonly graph: Graph;
  readonly info: BoardInfo;
  /** Requests handled, in order. */
  readonly received: ReceivedRequest[] = [];
  /** Frames dropped for bad COBS, CRC or length (the protocol says: no reply). */
  droppedFrames = 0;

  private readonly transport: Transport;
  private readonly decoder: FrameDecoder;
  private readonly subscription: Disposable;
  private readonly interpreter: Interpreter;
  /** Every tensor's value after the last run (constants before any). */
  private values: Map<number, TensorData>;
  private readonly inputBytes: Uint8Array[];
  private readonly stack: { stackBytes: number; highWaterBytes: number };
  /** What STACK reports as the runs' own use once a RUN measured it (0 before, as a board). */
  private readonly runStackBytes: number;
  private runStackMeasured = false;
  /** Per-op counts of the last run of the last RUN that finished, and whether it ran every op. */
  private profile?: number[];
  private outputsValid = false;
  /** The UART's rate now; on probation until a valid frame arrives at a rate SET_BAUD set. */
  baudRate = startBaudRate;
  private probation = false;
  private garbageBytes = 0;
  private readonly baudRates?: readonly number[];
  private readonly line?: FakeBoardOptions['line'];

  constructor(graph: Graph, transport: Transport, options: FakeBoardOptions = {}) {
    const unsupported = unsupportedOps(graph);
    if (unsupported.length > 0) {
      throw new DeviceError(`fake board: unsupported ops ${unsupported.map((u) => `${u.type} (op ${u.indices.join(', ')})`).join('; ')}`);
    }
    const maxPayload = options.maxPayload ?? 512;
    if (maxPayload < MIN_MAX_PAYLOAD || maxPayload > MAX_MAX_PAYLOAD) {
      throw new DeviceError(`fake board: max payload ${maxPayload} is outside ${MIN_MAX_PAYLOAD} … ${MAX_MAX_PAYLOAD}`);
    }
    this.graph = graph;
    this.transport = transport;
    this.values = new Map(graph.tensors.flatMap((tensor) => (tensor.data ? [[tensor.id, tensor.data] as [number, TensorData]] : [])));
    // Streaming: the board, not the interpreter, decides when state is reset (RESET, or RUN without streaming).
    this.interpreter = new Interpreter(graph, { state: 'streaming' });
    this.inputBytes = graph.inputs.map((id) => new Uint8Array(tensorBytes(graph.tensors[id])));
    this.stack = { stackBytes: options.stackBytes ?? 8192, highWaterBytes: options.stackHighWaterBytes ?? 0 };
    this.runStackBytes = options.stackRunHighWaterBytes ?? this.stack.highWaterBytes;
    this.baudRates = options.baudRates;
    this.line = options.line;
    const describe = (id: number) => ({ tensorId: id, dtype: graph.tensors[id].dtype, bytes: tensorBytes(graph.tensors[id]) });
    this.info = {
      protocolVersion: PROTOCOL_VERSION,
      maxPayload,
      arenaBytes: graph.tensors.filter((tensor) => !tensor.data).reduce((sum, tensor) => sum + tensorBytes(tensor), 0),
      opCount: graph.ops.length,
      tensorCount: graph.tensors.length,
      timerUnit: 'cycles',
      stateful: graph.tensors.some((tensor) => tensor.variable),
      timerHz: 1_000_000_000,
      timerResolution: 1,
      inputs: graph.inputs.map(describe),
      outputs: graph.outputs.map(describe),
      boardId: options.boardId ?? 'fake-board',
      buildId: options.buildId ?? 'fake',
      modelHash: options.modelHash ?? new Uint8Array(0),
    };
    this.decoder = new FrameDecoder({ maxMessageLength: MESSAGE_HEADER_BYTES + maxPayload, minMessageLength: MESSAGE_HEADER_BYTES });
    this.subscription = transport.onData((bytes) => this.receive(bytes));
  }

  /** Stops answering (the transport stays open: a board that hangs). */
  dispose(): void {
    this.subscription.dispose();
  }

  /** Whether the two ends of the line understand each other now. */
  private understood(): boolean {
    if (!this.line) return true;
    return this.line.hostBaudRate() === this.baudRate && (this.line.carries?.(this.baudRate) ?? true);
  }

  private receive(bytes: Uint8Array): void {
    if (!this.understood()) {
      // Garbage at this rate: a board on probation goes back to 115200 once it has had enough.
      this.decoder.reset();
      if (this.probation && (this.garbageBytes += bytes.length) >= probationGarbageBytes) {
        this.baudRate = startBaudRate;
        this.probation = false;
      }
      return;
    }
    for (const event of this.decoder.push(bytes)) {
      if (event.kind === 'error') {
        this.droppedFrames++;
        continue;
      }
      const request = decodeMessage(event.message);
      // A reply (our own, looped back) is not a request: a device never answers one.
      if (request.command & REPLY_BIT) {
        this.droppedFrames++;
        continue;
      }
      this.probation = false;
      const reply = this.handle(request);
      this.received.push({ requestId: request.requestId, command: request.command, status: reply.status });
      const message = encodeMessage({
        requestId: request.requestId,
        command: request.command | REPLY_BIT,
        status: statusCodes[reply.status],
        payload: reply.payload,
      });
      if (!this.transport.closed) void this.transport.write(encodeFrame(message, { leadingDelimiter: true })).catch(() => undefined);
      // SET_BAUD: the reply went out at the old rate; the UART switches now, on probation.
      if (request.command === commandCodes.SET_BAUD && reply.status === 'OK') {
        this.baudRate = commands.SET_BAUD.reply.decode(reply.payload);
        this.probation = true;
        this.garbageBytes = 0;
      }
    }
  }

  private handle(request: Message): { status: StatusName; payload: Uint8Array } {
    try {
      return { status: 'OK', payload: this.dispatch(request) };
    } catch (error) {
      if (error instanceof RequestRefused) return { status: error.status, payload: error.payload };
      if (error instanceof ProtocolError) return { status: (error.data?.status as StatusName) ?? 'BAD_LENGTH', payload: new Uint8Array(0) };
      return { status: 'INTERNAL', payload: new Uint8Array(0) };
    }
  }

  private dispatch(request: Message): Uint8Array {
    const { payload } = request;
    const { maxPayload } = this.info;
    if (payload.length > maxPayload) throw new RequestRefused('BAD_LENGTH', `payload ${payload.length} > ${maxPayload}`);
    switch (request.command) {
      case commandCodes.HELLO:
        return answer(commands.HELLO, payload, () => this.info);
      case commandCodes.LOAD_INPUT:
        return answer(commands.LOAD_INPUT, payload, ({ index, offset, data }) => {
          const input = this.inputBytes[index];
          if (!input) throw new RequestRefused('BAD_INDEX', `input ${index}`);
          if (data.length > maxPayload - LOAD_INPUT_HEADER_BYTES || offset + data.length > input.length) {
            throw new RequestRefused('BAD_RANGE', `${data.length} bytes at ${offset} of ${input.length}`);
          }
          input.set(data, offset);
        });
      case commandCodes.RUN:
        return answer(commands.RUN, payload, (run) => this.run(run));
      case commandCodes.READ_PROFILE:
        return answer(commands.READ_PROFILE, payload, ({ firstOp, count }) => {
          if (count > Math.floor((maxPayload - PROFILE_REPLY_HEADER_BYTES) / 4) || firstOp + count > this.graph.ops.length) {
            throw new RequestRefused('BAD_RANGE', `ops ${firstOp}+${count}`);
          }
          if (!this.profile) throw new RequestRefused('NO_RESULT', 'no run yet');
          return { firstOp, counts: this.profile.slice(firstOp, firstOp + count) };
        });
      case commandCodes.READ_OUTPUT:
        return answer(commands.READ_OUTPUT, payload, (read) => {
          const id = this.graph.outputs[read.index];
          if (id === undefined) throw new RequestRefused('BAD_INDEX', `output ${read.index}`);
          if (!this.outputsValid) throw new RequestRefused('NO_RESULT', 'no complete run');
          return this.read(read, this.tensorBytesNow(id));
        });
      case commandCodes.READ_TENSOR:
        return answer(commands.READ_TENSOR, payload, (read) => {
          if (read.index >= this.graph.tensors.length) throw new RequestRefused('BAD_INDEX', `tensor ${read.index}`);
          return this.read(read, this.tensorBytesNow(read.index));
        });
      case commandCodes.STACK:
        return answer(commands.STACK, payload, () => ({ ...this.stack, runHighWaterBytes: this.runStackMeasured ? this.runStackBytes : 0 }));
      case commandCodes.RESET:
        return answer(commands.RESET, payload, () => this.interpreter.resetState());
      case commandCodes.ECHO:
        return answer(commands.ECHO, payload, (data) => data);
      case commandCodes.SET_BAUD:
        if (!this.baudRates) throw new RequestRefused('UNKNOWN_COMMAND', 'command 0x0a (firmware without SET_BAUD)');
        return answer(commands.SET_BAUD, payload, (baud) => {
          if (!this.baudRates!.includes(baud)) throw new RequestRefused('BAD_ARGUMENT', `${baud} baud`);
          return baud;
        });
      default:
        throw new RequestRefused('UNKNOWN_COMMAND', `command 0x${request.command.toString(16)}`);
    }
  }

  private run({ runs, lastOp, streaming, measureStack }: RunRequest): RunReply {
    const { ops, inputs, tensors } = this.graph;
    if (lastOp !== undefined && lastOp >= ops.length) throw new RequestRefused('BAD_ARGUMENT', `last op ${lastOp}`);
    const opsRun = lastOp === undefined ? ops.length : lastOp + 1;
    this.outputsValid = false;
    this.profile = undefined;
    let total = 0;
    let min = Infinity;
    let max = 0;
    let counts: number[] = [];
    for (let runIndex = 0; runIndex < runs; runIndex++) {
      if (!streaming) this.interpreter.resetState();
      const runInputs = inputs.map((id, i) => dataFromBytes(tensors[id].dtype, this.inputBytes[i].slice()));
      counts = new Array<number>(ops.length).fill(0);
      let current = -1;
      let opStart = 0;
      const start = nanoseconds();
      try {
        this.values = this.interpreter.runUpTo(runInputs, opsRun - 1, (opIndex, phase) => {
          if (phase === 'begin') {
            current = opIndex;
            opStart = nanoseconds();
          } else {
            counts[opIndex] = nanoseconds() - opStart;
          }
        });
      } catch (error) {
        throw new RequestRefused('RUN_FAILED', (error as Error).message, runFailure.encode({ op: current, kernelStatus: -1 }));
      }
      const elapsed = nanoseconds() - start;
      total += elapsed;
      min = Math.min(min, elapsed);
      max = Math.max(max, elapsed);
    }
    // Only a RUN that finished has a profile and (when it ran every op) outputs.
    this.profile = counts;
    if (measureStack) this.runStackMeasured = true;
    this.outputsValid = opsRun === ops.length;
    return { runs, opsRun, timerUnit: this.info.timerUnit, total, min, max };
  }

  private read(request: ReadRequest, bytes: Uint8Array): ReadReply {
    const { offset, length } = request;
    if (length > this.info.maxPayload - READ_REPLY_HEADER_BYTES || offset >= bytes.length) {
      throw new RequestRefused('BAD_RANGE', `${length} bytes at ${offset} of ${bytes.length}`);
    }
    return { totalBytes: bytes.length, offset, data: bytes.slice(offset, offset + length) };
  }

  /** The tensor's current bytes: an input's loaded bytes, zeros for an activation not computed yet. */
  private tensorBytesNow(id: number): Uint8Array {
    const inputIndex = this.graph.inputs.indexOf(id);
    if (inputIndex >= 0) return this.inputBytes[inputIndex].slice();
    const tensor = this.graph.tensors[id];
    const value = this.values.get(id);
    return value ? bytesOf(value) : new Uint8Array(tensorBytes(tensor));
  }

}

/** Decodes the request with the command's codec, computes the reply, encodes it. */
function answer<Request, Reply>(command: Command<Request, Reply>, payload: Uint8Array, compute: (request: Request) => Reply): Uint8Array {
  return command.reply.encode(compute(command.request.decode(payload)));
}

/** Host wall-clock time in whole nanoseconds (the fake's 1 GHz "cycles"), from `performance.now()`. */
function nanoseconds(): number {
  return Math.round(performance.now() * 1e6);
}
