import { describe, expect, it } from 'vitest';
import { ProtocolError } from '../errors.js';
import {
  commandName,
  commands,
  decodeMessage,
  dtypeCode,
  dtypeFromCode,
  encodeMessage,
  HELLO_REPLY_MAX_BYTES,
  runFailure,
  statusName,
  type BoardInfo,
} from './messages.js';

const info: BoardInfo = {
  protocolVersion: 1,
  maxPayload: 512,
  arenaBytes: 123456,
  opCount: 31,
  tensorCount: 89,
  timerUnit: 'instructions',
  stateful: true,
  timerHz: 0,
  timerResolution: 40,
  inputs: [{ tensorId: 0, dtype: 'int8', bytes: 27648 }],
  outputs: [
    { tensorId: 88, dtype: 'float32', bytes: 8 },
    { tensorId: 87, dtype: 'int16', bytes: 70000 },
  ],
  boardId: 'virtual-m4f',
  buildId: 'build-2024-0001',
  modelHash: Uint8Array.from({ length: 16 }, (_, i) => i * 17),
};

describe('messages', () => {
  it('lays out the header little-endian: request id, command, status, payload', () => {
    const bytes = encodeMessage({ requestId: 0xbeef, command: 0x83, status: 0x06, payload: Uint8Array.of(1, 2) });
    expect([...bytes]).toEqual([0xef, 0xbe, 0x83, 0x06, 1, 2]);
    expect(decodeMessage(bytes)).toEqual({ requestId: 0xbeef, command: 0x83, status: 0x06, payload: Uint8Array.of(1, 2) });
    expect(() => decodeMessage(Uint8Array.of(1, 2, 3))).toThrow('message of 3 bytes is shorter than its 4-byte header');
  });

  it('round-trips HELLO and lays it out as PROTOCOL.md says', () => {
    const payload = commands.HELLO.reply.encode(info);
    const view = new DataView(payload.buffer);
    expect(view.getUint16(0, true)).toBe(1);
    expect(view.getUint16(2, true)).toBe(512);
    expect(view.getUint32(4, true)).toBe(123456);
    expect(view.getUint16(8, true)).toBe(31);
    expect(view.getUint16(10, true)).toBe(89);
    expect([payload[12], payload[13], payload[14], payload[15]]).toEqual([1, 2, 0, 1]);
    expect(view.getUint32(20, true)).toBe(40);
    // First tensor entry at 24: id 0, dtype int8 (9), reserved, 27648 bytes.
    expect([view.getUint16(24, true), payload[26], payload[27], view.getUint32(28, true)]).toEqual([0, 9, 0, 27648]);
    expect(payload[48]).toBe('virtual-m4f'.length);
    expect(commands.HELLO.reply.decode(payload)).toEqual(info);
  });

  it('keeps the largest HELLO reply within 256 bytes', () => {
    const tensor = { tensorId: 65535, dtype: 'float32' as const, bytes: 0xffffffff };
    const largest = {
      ...info,
      inputs: Array(8).fill(tensor),
      outputs: Array(8).fill(tensor),
      boardId: 'b'.repeat(32),
      buildId: 'c'.repeat(32),
      modelHash: new Uint8Array(32),
    };
    const payload = commands.HELLO.reply.encode(largest);
    expect(payload.length).toBeLessThanOrEqual(HELLO_REPLY_MAX_BYTES);
    expect(commands.HELLO.reply.decode(payload)).toEqual(largest);
    expect(() => commands.HELLO.reply.encode({ ...largest, boardId: 'b'.repeat(33) })).toThrow('board id is 33 bytes, at most 32 fit');
    expect(() => commands.HELLO.reply.encode({ ...largest, outputs: Array(9).fill(tensor) })).toThrow('17 inputs and outputs, at most 16');
    expect(() => commands.HELLO.reply.encode({ ...info, boardId: 'caf\u00e9' })).toThrow('board id "café" is not printable ASCII');
  });

  it('refuses a HELLO reply that is truncated, too long or names an unknown timer unit', () => {
    const payload = commands.HELLO.reply.encode(info);
    expect(() => commands.HELLO.reply.decode(payload.subarray(0, 30))).toThrow(
      'HELLO reply: payload of 30 bytes ends before input 0 bytes (bytes 28–31)',
    );
    expect(() => commands.HELLO.reply.decode(Uint8Array.from([...payload, 0]))).toThrow(
      `HELLO reply: payload is ${payload.length + 1} bytes, expected ${payload.length}`,
    );
    const badUnit = payload.slice();
    badUnit[14] = 2;
    expect(() => commands.HELLO.reply.decode(badUnit)).toThrow('timer_unit 2 is neither 0 (instructions) nor 1 (cycles)');
  });

  it('round-trips every request and reply', () => {
    const cases: [keyof typeof commands, unknown, unknown][] = [
      ['LOAD_INPUT', { index: 1, offset: 70000, data: Uint8Array.of(0, 1, 255) }, undefined],
      ['RUN', { runs: 10, lastOp: 4, streaming: true }, { runs: 10, opsRun: 5, timerUnit: 'cycles', total: 2 ** 40 + 3, min: 1, max: 2 ** 33 }],
      ['RUN', { runs: 1, lastOp: undefined, streaming: false }, { runs: 1, opsRun: 31, timerUnit: 'instructions', total: 0, min: 0, max: 0 }],
      ['READ_PROFILE', { firstOp: 3, count: 2 }, { firstOp: 3, counts: [0xffffffff, 12] }],
      ['READ_OUTPUT', { index: 1, offset: 504, length: 504 }, { totalBytes: 1000, offset: 504, data: Uint8Array.of(5, 0, 6) }],
      ['READ_TENSOR', { index: 300, offset: 0, length: 1 }, { totalBytes: 1, offset: 0, data: Uint8Array.of(0) }],
      ['RUN', { runs: 3, lastOp: undefined, streaming: false, measureStack: true }, { runs: 3, opsRun: 31, timerUnit: 'instructions', total: 9, min: 3, max: 3 }],
      ['STACK', undefined, { stackBytes: 8192, highWaterBytes: 2100 }],
      ['STACK', undefined, { stackBytes: 8192, highWaterBytes: 2100, runHighWaterBytes: 1800 }],
      ['RESET', undefined, undefined],
      ['ECHO', Uint8Array.of(0, 0, 1), Uint8Array.of(0, 0, 1)],
    ];
    for (const [name, request, reply] of cases) {
      const command = commands[name] as unknown as (typeof commands)['ECHO'];
      expect(command.request.decode(command.request.encode(request as Uint8Array)), name).toEqual(request);
      expect(command.reply.decode(command.reply.encode(reply as Uint8Array)), name).toEqual(reply);
    }
  });

  it('encodes RUN as runs, last_op (0xFFFF for all), flags', () => {
    expect([...commands.RUN.request.encode({ runs: 258, lastOp: undefined, streaming: false })]).toEqual([2, 1, 0xff, 0xff, 0]);
    expect([...commands.RUN.request.encode({ runs: 1, lastOp: 3, streaming: true })]).toEqual([1, 0, 3, 0, 1]);
    expect([...commands.RUN.request.encode({ runs: 1, lastOp: undefined, streaming: true, measureStack: true })]).toEqual([1, 0, 0xff, 0xff, 3]);
    expect(() => commands.RUN.request.decode(Uint8Array.of(1, 0, 0xff, 0xff, 4))).toThrow(/unknown flag bits 0x4/);
  });

  it('tells a device which status a malformed request deserves', () => {
    const status = (action: () => unknown) => {
      try {
        action();
      } catch (error) {
        expect(error).toBeInstanceOf(ProtocolError);
        return (error as ProtocolError).data?.status;
      }
      return 'OK';
    };
    expect(status(() => commands.RUN.request.decode(Uint8Array.of(1, 0, 0xff, 0xff)))).toBe('BAD_LENGTH');
    expect(status(() => commands.RUN.request.decode(Uint8Array.of(0, 0, 0xff, 0xff, 0)))).toBe('BAD_ARGUMENT');
    expect(status(() => commands.RUN.request.decode(Uint8Array.of(1, 0, 0xff, 0xff, 4)))).toBe('BAD_ARGUMENT');
    expect(status(() => commands.LOAD_INPUT.request.decode(Uint8Array.of(0, 0, 0, 0, 0, 0)))).toBe('BAD_LENGTH');
    expect(status(() => commands.READ_TENSOR.request.decode(Uint8Array.of(0, 0, 0, 0, 0, 0, 0, 0)))).toBe('BAD_RANGE');
    expect(status(() => commands.STACK.request.decode(Uint8Array.of(1)))).toBe('BAD_LENGTH');
    expect(status(() => commands.HELLO.request.decode(Uint8Array.of(1, 2, 3)))).toBe('OK');
  });

  it('encodes a RUN_FAILED payload as op u16, kernel status i32', () => {
    expect([...runFailure.encode({ op: 3, kernelStatus: -2 })]).toEqual([3, 0, 0xfe, 0xff, 0xff, 0xff]);
    expect(runFailure.decode(Uint8Array.of(3, 0, 0xfe, 0xff, 0xff, 0xff))).toEqual({ op: 3, kernelStatus: -2 });
  });

  it('names codes and maps dtypes with TFLite numbering', () => {
    expect(statusName(0x07)).toBe('NO_RESULT');
    expect(statusName(0x42)).toBeUndefined();
    expect(commandName(0x86)).toBe('READ_TENSOR');
    expect(dtypeCode('int8')).toBe(9);
    expect(dtypeFromCode(0)).toBe('float32');
    expect(() => dtypeFromCode(5)).toThrow('dtype code 5 is not a protocol dtype');
  });
});
