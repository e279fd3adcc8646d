/**
 * Messages of the device protocol, version 1 (firmware/runtime/PROTOCOL.md §2–3): the 4-byte header
 * and one request and one reply codec per command. Both directions are here, encode and decode, so
 * the host session and the fake board share one definition and cannot drift apart. Decoders check
 * lengths and enumerations and throw `ProtocolError` naming the command and the field; a request
 * decoder's error carries the status a device answers with (`data.status`).
 */

import { ProtocolError } from '../errors.js';
import type { DType } from '../ir/types.js';

export const PROTOCOL_VERSION = 1;
/** `request_id u16, command u8, status u8`. */
export const MESSAGE_HEADER_BYTES = 4;
/** Bounds of the `max_payload` a device may report in HELLO. */
export const MIN_MAX_PAYLOAD = 256;
export const MAX_MAX_PAYLOAD = 1024;
/** HELLO's reply fits in this many bytes whatever the device's `max_payload`. */
export const HELLO_REPLY_MAX_BYTES = 256;
/** A reply's command code is the request's OR this bit. */
export const REPLY_BIT = 0x80;
/** RUN's `last_op` meaning "every op". */
export const ALL_OPS = 0xffff;
/** Most inputs plus outputs a HELLO reply describes. */
export const MAX_IO_TENSORS = 16;
/** Header bytes of LOAD_INPUT's request (`index u16, offset u32`) and of a READ_* reply (`total u32, offset u32`). */
export const LOAD_INPUT_HEADER_BYTES = 6;
export const READ_REPLY_HEADER_BYTES = 8;
/** Header bytes of READ_PROFILE's reply (`first_op u16, count u16`); each count is a u32. */
export const PROFILE_REPLY_HEADER_BYTES = 4;

export const commandCodes = {
  HELLO: 0x01,
  LOAD_INPUT: 0x02,
  RUN: 0x03,
  READ_PROFILE: 0x04,
  READ_OUTPUT: 0x05,
  READ_TENSOR: 0x06,
  STACK: 0x07,
  RESET: 0x08,
  ECHO: 0x09,
  SET_BAUD: 0x0a,
} as const;
export type CommandName = keyof typeof commandCodes;

export const statusCodes = {
  OK: 0x00,
  UNKNOWN_COMMAND: 0x01,
  BAD_LENGTH: 0x02,
  BAD_INDEX: 0x03,
  BAD_RANGE: 0x04,
  BAD_ARGUMENT: 0x05,
  RUN_FAILED: 0x06,
  NO_RESULT: 0x07,
  INTERNAL: 0x08,
} as const;
export type StatusName = keyof typeof statusCodes;

/** The name of a status code, or `undefined` for a code outside version 1. */
export function statusName(code: number): StatusName | undefined {
  return (Object.keys(statusCodes) as StatusName[]).find((name) => statusCodes[name] === code);
}

/** The name of a command code (reply bit ignored), or `undefined`. */
export function commandName(code: number): CommandName | undefined {
  return (Object.keys(commandCodes) as CommandName[]).find((name) => commandCodes[name] === (code & ~REPLY_BIT));
}

/** Wire dtype codes: TFLite's `TensorType` numbering. */
const dtypeCodes: Partial<Record<DType, number>> = {
  float32: 0,
  float16: 1,
  int32: 2,
  uint8: 3,
  int64: 4,
  bool: 6,
  int16: 7,
  int8: 9,
};

export function dtypeCode(dtype: DType): number {
  const code = dtypeCodes[dtype];
  if (code === undefined) throw new ProtocolError(`dtype ${dtype} has no wire code`, { dtype });
  return code;
}

export function dtypeFromCode(code: number): DType {
  const entry = Object.entries(dtypeCodes).find(([, value]) => value === code);
  if (!entry) throw new ProtocolError(`dtype code ${code} is not a protocol dtype`, { code });
  return entry[0] as DType;
}

export type TimerUnit = 'instructions' | 'cycles';
const timerUnits: TimerUnit[] = ['instructions', 'cycles'];

// ---------------------------------------------------------------------------------------------
// Header

export interface Message {
  requestId: number;
  /** Command code; replies have `REPLY_BIT` set. */
  command: number;
  /** Status code; 0 in requests. */
  status: number;
  payload: Uint8Array;
}

export function encodeMessage(message: Message): Uint8Array {
  const bytes = new Uint8Array(MESSAGE_HEADER_BYTES + message.payload.length);
  const view = new DataView(bytes.buffer);
  view.setUint16(0, message.requestId, true);
  view.setUint8(2, message.command);
  view.setUint8(3, message.status);
  bytes.set(message.payload, MESSAGE_HEADER_BYTES);
  return bytes;
}

export function decodeMessage(bytes: Uint8Array): Message {
  if (bytes.length < MESSAGE_HEADER_BYTES) {
    throw new ProtocolError(`message of ${bytes.length} bytes is shorter than its ${MESSAGE_HEADER_BYTES}-byte header`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return {
    requestId: view.getUint16(0, true),
    command: view.getUint8(2),
    status: view.getUint8(3),
    payload: bytes.slice(MESSAGE_HEADER_BYTES),
  };
}

// ---------------------------------------------------------------------------------------------
// Payload readers and writers

class PayloadWriter {
  private readonly bytes: number[] = [];
  u8(value: number): this {
    this.bytes.push(value & 0xff);
    return this;
  }
  u16(value: number): this {
    return this.u8(value).u8(value >>> 8);
  }
  u32(value: number): this {
    return this.u16(value & 0xffff).u16(value >>> 16);
  }
  u64(value: number): this {
    return this.u32(value % 0x100000000).u32(Math.floor(value / 0x100000000));
  }
  i32(value: number): this {
    return this.u32(value >>> 0);
  }
  raw(data: Uint8Array): this {
    for (const byte of data) this.bytes.push(byte);
    return this;
  }
  /** `u8 length` then the bytes. */
  shortBytes(data: Uint8Array, field: string, max: number): this {
    if (data.length > max) throw new ProtocolError(`${field} is ${data.length} bytes, at most ${max} fit`);
    return this.u8(data.length).raw(data);
  }
  finish(): Uint8Array {
    return Uint8Array.from(this.bytes);
  }
}

class PayloadReader {
  private offset = 0;
  private readonly view: DataView;
  constructor(
    private readonly payload: Uint8Array,
    private readonly context: string,
  ) {
    this.view = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
  }
  private take(bytes: number, field: string): number {
    const at = this.offset;
    if (at + bytes > this.payload.length) {
      throw new ProtocolError(
        `${this.context}: payload of ${this.payload.length} bytes ends before ${field} (bytes ${at}–${at + bytes - 1})`,
        { status: 'BAD_LENGTH', field },
      );
    }
    this.offset += bytes;
    return at;
  }
  u8(field: string): number {
    return this.view.getUint8(this.take(1, field));
  }
  u16(field: string): number {
    return this.view.getUint16(this.take(2, field), true);
  }
  u32(field: string): number {
    return this.view.getUint32(this.take(4, field), true);
  }
  i32(field: string): number {
    return this.view.getInt32(this.take(4, field), true);
  }
  u64(field: string): number {
    const value = this.view.getBigUint64(this.take(8, field), true);
    if (value > BigInt(Number.MAX_SAFE_INTEGER)) {
      throw new ProtocolError(`${this.context}: ${field} ${value} exceeds 2^53`, { field });
    }
    return Number(value);
  }
  bytes(length: number, field: string): Uint8Array {
    const at = this.take(length, field);
    return this.payload.slice(at, at + length);
  }
  rest(): Uint8Array {
    return this.bytes(this.payload.length - this.offset, 'data');
  }
  shortBytes(field: string): Uint8Array {
    return this.bytes(this.u8(`${field} length`), field);
  }
  ascii(field: string): string {
    return String.fromCharCode(...this.shortBytes(field));
  }
  end(): void {
    if (this.offset !== this.payload.length) {
      throw new ProtocolError(`${this.context}: payload is ${this.payload.length} bytes, expected ${this.offset}`, {
        status: 'BAD_LENGTH',
      });
    }
  }
}

function invalid(context: string, message: string, status: StatusName = 'BAD_ARGUMENT'): ProtocolError {
  return new ProtocolError(`${context}: ${message}`, { status });
}

function ascii(text: string, field: string): Uint8Array {
  const codes = Array.from(text, (character) => character.charCodeAt(0));
  if (codes.some((code) => code < 0x20 || code > 0x7e)) throw new ProtocolError(`${field} "${text}" is not printable ASCII`);
  return Uint8Array.from(codes);
}

// ---------------------------------------------------------------------------------------------
// Commands

export interface Codec<T> {
  encode(value: T): Uint8Array;
  decode(payload: Uint8Array): T;
}

/** One command: its code, both payload codecs, and whether resending it is harmless. */
export interface Command<Request, Reply> {
  name: CommandName;
  code: number;
  request: Codec<Request>;
  reply: Codec<Reply>;
  /** True when running the request twice leaves the device as running it once (the session may resend it). */
  idempotent(request: Request): boolean;
}

const empty = (context: string): Codec<void> => ({
  encode: () => new Uint8Array(0),
  decode: (payload) => new PayloadReader(payload, context).end(),
});

/** A tensor as HELLO describes it: an input or output of the model. */
export interface WireTensor {
  tensorId: number;
  dtype: DType;
  bytes: number;
}

/** What HELLO tells about the board and the model it runs. */
export interface BoardInfo {
  protocolVersion: number;
  maxPayload: number;
  arenaBytes: number;
  opCount: number;
  tensorCount: number;
  timerUnit: TimerUnit;
  /** The model keeps state between runs (variable tensors, e.g. LSTM). */
  stateful: boolean;
  /** Cycles: the core clock in Hz; instructions: 0. */
  timerHz: number;
  /** Smallest step of a reported count, in `timerUnit`s. */
  timerResolution: number;
  inputs: WireTensor[];
  outputs: WireTensor[];
  boardId: string;
  buildId: string;
  modelHash: Uint8Array;
}

export const hello: Command<void, BoardInfo> = {
  name: 'HELLO',
  code: commandCodes.HELLO,
  // The device ignores any request payload (room for later versions): decoding accepts anything.
  request: { encode: () => new Uint8Array(0), decode: () => undefined },
  reply: {
    encode(info) {
      const count = info.inputs.length + info.outputs.length;
      if (count > MAX_IO_TENSORS) throw new ProtocolError(`HELLO reply: ${count} inputs and outputs, at most ${MAX_IO_TENSORS}`);
      const writer = new PayloadWriter()
        .u16(info.protocolVersion)
        .u16(info.maxPayload)
        .u32(info.arenaBytes)
        .u16(info.opCount)
        .u16(info.tensorCount)
        .u8(info.inputs.length)
        .u8(info.outputs.length)
        .u8(timerUnits.indexOf(info.timerUnit))
        .u8(info.stateful ? 1 : 0)
        .u32(info.timerHz)
        .u32(info.timerResolution);
      for (const tensor of [...info.inputs, ...info.outputs]) {
        writer.u16(tensor.tensorId).u8(dtypeCode(tensor.dtype)).u8(0).u32(tensor.bytes);
      }
      writer
        .shortBytes(ascii(info.boardId, 'board id'), 'board id', 32)
        .shortBytes(ascii(info.buildId, 'build id'), 'build id', 32)
        .shortBytes(info.modelHash, 'model hash', 32);
      const payload = writer.finish();
      if (payload.length > HELLO_REPLY_MAX_BYTES) {
        throw new ProtocolError(`HELLO reply is ${payload.length} bytes, at most ${HELLO_REPLY_MAX_BYTES}`);
      }
      return payload;
    },
    decode(payload) {
      const context = 'HELLO reply';
      const reader = new PayloadReader(payload, context);
      const protocolVersion = reader.u16('protocol_version');
      const maxPayload = reader.u16('max_payload');
      const arenaBytes = reader.u32('arena_bytes');
      const opCount = reader.u16('op_count');
      const tensorCount = reader.u16('tensor_count');
      const inputCount = reader.u8('input_count');
      const outputCount = reader.u8('output_count');
      const unitCode = reader.u8('timer_unit');
      const flags = reader.u8('flags');
      const timerHz = reader.u32('timer_hz');
      const timerResolution = reader.u32('timer_resolution');
      const timerUnit = timerUnits[unitCode];
      if (!timerUnit) throw invalid(context, `timer_unit ${unitCode} is neither 0 (instructions) nor 1 (cycles)`);
      const tensors = Array.from({ length: inputCount + outputCount }, (_, i) => {
        const field = i < inputCount ? `input ${i}` : `output ${i - inputCount}`;
        const tensorId = reader.u16(`${field} tensor_id`);
        const dtype = dtypeFromCode(reader.u8(`${field} dtype`));
        reader.u8(`${field} reserved`);
        return { tensorId, dtype, bytes: reader.u32(`${field} bytes`) };
      });
      const boardId = reader.ascii('board_id');
      const buildId = reader.ascii('build_id');
      const modelHash = reader.shortBytes('model_hash');
      reader.end();
      return {
        protocolVersion,
        maxPayload,
        arenaBytes,
        opCount,
        tensorCount,
        timerUnit,
        stateful: (flags & 1) !== 0,
        timerHz,
        timerResolution,
        inputs: tensors.slice(0, inputCount),
        outputs: tensors.slice(inputCount),
        boardId,
        buildId,
        modelHash,
      };
    },
  },
  idempotent: () => true,
};

export interface LoadInputRequest {
  index: number;
  offset: number;
  data: Uint8Array;
}

export const loadInput: Command<LoadInputRequest, void> = {
  name: 'LOAD_INPUT',
  code: commandCodes.LOAD_INPUT,
  request: {
    encode: ({ index, offset, data }) => new PayloadWriter().u16(index).u32(offset).raw(data).finish(),
    decode(payload) {
      const reader = new PayloadReader(payload, 'LOAD_INPUT request');
      const index = reader.u16('index');
      const offset = reader.u32('offset');
      const data = reader.rest();
      if (data.length === 0) throw invalid('LOAD_INPUT request', 'no data bytes', 'BAD_LENGTH');
      return { index, offset, data };
    },
  },
  reply: empty('LOAD_INPUT reply'),
  idempotent: () => true,
};

export interface RunRequest {
  /** Runs to do, 1 … 65535. */
  runs: number;
  /** Stop after this op (a partial run, to read the op's outputs); `undefined` runs every op. */
  lastOp?: number;
  /** Keep variable tensors (LSTM state) between runs instead of resetting them before each run. */
  streaming: boolean;
  /** Measure the runs' own stack use (the board paints its stack again first): STACK's `runHighWaterBytes`. */
  measureStack?: boolean;
}

/** RUN's flag bits. */
const runFlags = { streaming: 1, measureStack: 2 } as const;

export interface RunReply {
  runs: number;
  /** Ops executed per run. */
  opsRun: number;
  timerUnit: TimerUnit;
  /** Sum over the runs of one run's time, in `timerUnit`s. */
  total: number;
  min: number;
  max: number;
}

export const run: Command<RunRequest, RunReply> = {
  name: 'RUN',
  code: commandCodes.RUN,
  request: {
    encode: ({ runs, lastOp, streaming, measureStack }) =>
      new PayloadWriter()
        .u16(runs)
        .u16(lastOp ?? ALL_OPS)
        .u8((streaming ? runFlags.streaming : 0) | (measureStack ? runFlags.measureStack : 0))
        .finish(),
    decode(payload) {
      const context = 'RUN request';
      const reader = new PayloadReader(payload, context);
      const runs = reader.u16('runs');
      const lastOp = reader.u16('last_op');
      const flags = reader.u8('flags');
      reader.end();
      if (runs === 0) throw invalid(context, 'runs is 0');
      if ((flags & ~(runFlags.streaming | runFlags.measureStack)) !== 0) throw invalid(context, `unknown flag bits 0x${flags.toString(16)}`);
      return {
        runs,
        lastOp: lastOp === ALL_OPS ? undefined : lastOp,
        streaming: (flags & runFlags.streaming) !== 0,
        ...((flags & runFlags.measureStack) !== 0 ? { measureStack: true } : {}),
      };
    },
  },
  reply: {
    encode: (reply) =>
      new PayloadWriter()
        .u16(reply.runs)
        .u16(reply.opsRun)
        .u8(timerUnits.indexOf(reply.timerUnit))
        .u8(0)
        .u16(0)
        .u64(reply.total)
        .u64(reply.min)
        .u64(reply.max)
        .finish(),
    decode(payload) {
      const context = 'RUN reply';
      const reader = new PayloadReader(payload, context);
      const runs = reader.u16('runs');
      const opsRun = reader.u16('ops_run');
      const unitCode = reader.u8('timer_unit');
      reader.u8('reserved');
      reader.u16('reserved');
      const total = reader.u64('total');
      const min = reader.u64('min');
      const max = reader.u64('max');
      reader.end();
      const timerUnit = timerUnits[unitCode];
      if (!timerUnit) throw invalid(context, `timer_unit ${unitCode} is neither 0 (instructions) nor 1 (cycles)`);
      return { runs, opsRun, timerUnit, total, min, max };
    },
  },
  // Without streaming every run starts from the same state and input: running again changes nothing.
  idempotent: (request) => !request.streaming,
};

/** The payload of a `RUN_FAILED` reply. */
export interface RunFailure {
  op: number;
  kernelStatus: number;
}

export const runFailure: Codec<RunFailure> = {
  encode: ({ op, kernelStatus }) => new PayloadWriter().u16(op).i32(kernelStatus).finish(),
  decode(payload) {
    const reader = new PayloadReader(payload, 'RUN_FAILED reply');
    const op = reader.u16('op');
    const kernelStatus = reader.i32('kernel_status');
    reader.end();
    return { op, kernelStatus };
  },
};

export interface ReadProfileRequest {
  firstOp: number;
  count: number;
}

export interface ReadProfileReply {
  firstOp: number;
  /** Time of each op of the last run, in the board's timer unit. */
  counts: number[];
}

export const readProfile: Command<ReadProfileRequest, ReadProfileReply> = {
  name: 'READ_PROFILE',
  code: commandCodes.READ_PROFILE,
  request: {
    encode: ({ firstOp, count }) => new PayloadWriter().u16(firstOp).u16(count).finish(),
    decode(payload) {
      const reader = new PayloadReader(payload, 'READ_PROFILE request');
      const request = { firstOp: reader.u16('first_op'), count: reader.u16('count') };
      reader.end();
      if (request.count === 0) throw invalid('READ_PROFILE request', 'count is 0', 'BAD_RANGE');
      return request;
    },
  },
  reply: {
    encode({ firstOp, counts }) {
      const writer = new PayloadWriter().u16(firstOp).u16(counts.length);
      for (const count of counts) writer.u32(Math.min(count, 0xffffffff));
      return writer.finish();
    },
    decode(payload) {
      const reader = new PayloadReader(payload, 'READ_PROFILE reply');
      const firstOp = reader.u16('first_op');
      const count = reader.u16('count');
      const counts = Array.from({ length: count }, (_, i) => reader.u32(`count ${i}`));
      reader.end();
      return { firstOp, counts };
    },
  },
  idempotent: () => true,
};

/** READ_OUTPUT (`index` = output index) and READ_TENSOR (`index` = tensor id). */
export interface ReadRequest {
  index: number;
  offset: number;
  length: number;
}

export interface ReadReply {
  /** Size of the whole tensor. */
  totalBytes: number;
  offset: number;
  data: Uint8Array;
}

function readCodecs(name: 'READ_OUTPUT' | 'READ_TENSOR'): Pick<Command<ReadRequest, ReadReply>, 'request' | 'reply'> {
  const indexField = name === 'READ_OUTPUT' ? 'index' : 'tensor_id';
  return {
    request: {
      encode: ({ index, offset, length }) => new PayloadWriter().u16(index).u32(offset).u16(length).finish(),
      decode(payload) {
        const reader = new PayloadReader(payload, `${name} request`);
        const request = { index: reader.u16(indexField), offset: reader.u32('offset'), length: reader.u16('length') };
        reader.end();
        if (request.length === 0) throw invalid(`${name} request`, 'length is 0', 'BAD_RANGE');
        return request;
      },
    },
    reply: {
      encode: ({ totalBytes, offset, data }) => new PayloadWriter().u32(totalBytes).u32(offset).raw(data).finish(),
      decode(payload) {
        const reader = new PayloadReader(payload, `${name} reply`);
        return { totalBytes: reader.u32('total_bytes'), offset: reader.u32('offset'), data: reader.rest() };
      },
    },
  };
}

export const readOutput: Command<ReadRequest, ReadReply> = {
  name: 'READ_OUTPUT',
  code: commandCodes.READ_OUTPUT,
  ...readCodecs('READ_OUTPUT'),
  idempotent: () => true,
};

export const readTensor: Command<ReadRequest, ReadReply> = {
  name: 'READ_TENSOR',
  code: commandCodes.READ_TENSOR,
  ...readCodecs('READ_TENSOR'),
  idempotent: () => true,
};

export interface StackReply {
  stackBytes: number;
  /** Deepest use since start-up: the model's runs, the protocol server and interrupts that struck it. */
  highWaterBytes: number;
  /**
   * Deepest use during the runs of RUNs with `measureStack` (the model's own stack, the frames above it included),
   * 0 before the first; absent from a board whose reply has only the first two fields.
   */
  runHighWaterBytes?: number;
}

export const stack: Command<void, StackReply> = {
  name: 'STACK',
  code: commandCodes.STACK,
  request: empty('STACK request'),
  reply: {
    encode: ({ stackBytes, highWaterBytes, runHighWaterBytes }) => {
      const writer = new PayloadWriter().u32(stackBytes).u32(highWaterBytes);
      return (runHighWaterBytes === undefined ? writer : writer.u32(runHighWaterBytes)).finish();
    },
    decode(payload) {
      const reader = new PayloadReader(payload, 'STACK reply');
      const reply: StackReply = { stackBytes: reader.u32('stack_bytes'), highWaterBytes: reader.u32('high_water_bytes') };
      if (payload.length > 8) reply.runHighWaterBytes = reader.u32('run_high_water_bytes');
      reader.end();
      return reply;
    },
  },
  idempotent: () => true,
};

export const reset: Command<void, void> = {
  name: 'RESET',
  code: commandCodes.RESET,
  request: empty('RESET request'),
  reply: empty('RESET reply'),
  idempotent: () => true,
};

const rawBytes: Codec<Uint8Array> = { encode: (data) => data.slice(), decode: (payload) => payload.slice() };

export const echo: Command<Uint8Array, Uint8Array> = {
  name: 'ECHO',
  code: commandCodes.ECHO,
  request: rawBytes,
  reply: rawBytes,
  idempotent: () => true,
};

/** The UART rate every board starts at, and the one a failed SET_BAUD goes back to. */
export const DEFAULT_BAUD_RATE = 115200;

const baudCodec = (what: string): Codec<number> => ({
  encode: (baud) => new PayloadWriter().u32(baud).finish(),
  decode(payload) {
    const reader = new PayloadReader(payload, what);
    const baud = reader.u32('baud');
    reader.end();
    return baud;
  },
});

/**
 * SET_BAUD (PROTOCOL.md §3): asks for a faster UART. The board answers at the current rate (OK
 * and the rate it will use, or BAD_ARGUMENT when its UART cannot make it), then switches; until
 * a valid frame arrives at the new rate it goes back to 115200 on garbage.
 */
export const setBaud: Command<number, number> = {
  name: 'SET_BAUD',
  code: commandCodes.SET_BAUD,
  request: baudCodec('SET_BAUD request'),
  reply: baudCodec('SET_BAUD reply'),
  // Resent, a request the board switched on would arrive at the old rate: garbage to it, which sends it back to 115200.
  idempotent: () => false,
};

/** Every command of version 1, by name. */
export const commands = {
  HELLO: hello,
  LOAD_INPUT: loadInput,
  RUN: run,
  READ_PROFILE: readProfile,
  READ_OUTPUT: readOutput,
  READ_TENSOR: readTensor,
  STACK: stack,
  RESET: reset,
  ECHO: echo,
  SET_BAUD: setBaud,
} as const;
