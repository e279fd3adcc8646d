import { readFile } from 'node:fs/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import { DeviceClient } from '../client.js';
import { commands } from '../messages.js';
import { Session } from '../session.js';
import { Interpreter } from '../../interp/interpreter.js';
import { bytesOf, dataFromBytes, tensorBytes } from '../../ir/tensor.js';
import type { Graph } from '../../ir/types.js';
import { loadModelFile } from '../../../node/model-file.js';
import { FakeBoard, type FakeBoardOptions } from './fake-board.js';
import { chain, createMockLink, injectGarbage, seededRandom, splitEvery, splitRandomly, type MockLinkOptions } from './mock-transport.js';
import { sharedPath } from '../../../../../test/testing/shared-data.js';

const models = sharedPath('models');
let kws: Graph;
let lstm: Graph;
let autoencoderFloat: Graph;
let kwsInput: Uint8Array;

beforeAll(async () => {
  [kws, lstm, autoencoderFloat] = await Promise.all([
    loadModelFile(`${models}/mlperf_tiny/kws_ref_model.tflite`),
    loadModelFile(`${models}/rnn/trained_lstm_int8.tflite`),
    loadModelFile(`${models}/mlperf_tiny/ad01_fp32.tflite`),
  ]);
  kwsInput = new Uint8Array(await readFile(sharedPath('vectors/kws_ref_model.input.bin')));
});

async function connect(graph: Graph, line: MockLinkOptions = {}, board: FakeBoardOptions = {}) {
  const link = createMockLink(line);
  const fake = new FakeBoard(graph, link.board, board);
  const session = new Session(link.host, { timeoutMs: 500, attempts: 6, corruptionGraceMs: 20 });
  const client = new DeviceClient(session);
  const info = await client.hello();
  return { link, fake, session, client, info };
}

function randomInput(graph: Graph, index: number, seed: number): Uint8Array {
  const random = seededRandom(seed);
  const tensor = graph.tensors[graph.inputs[index]];
  if (tensor.dtype === 'float32') return bytesOf(Float32Array.from({ length: tensorBytes(tensor) / 4 }, () => random() * 2 - 1));
  return Uint8Array.from({ length: tensorBytes(tensor) }, () => Math.floor(random() * 256));
}

/** The interpreter's result for raw input bytes: outputs and every tensor, as bytes. */
function hostRun(interpreter: Interpreter, inputs: Uint8Array[]) {
  const { graph } = interpreter;
  const result = interpreter.run(
    inputs.map((bytes, i) => dataFromBytes(graph.tensors[graph.inputs[i]].dtype, bytes)),
    { keepIntermediates: true },
  );
  return {
    outputs: result.outputs.map((value) => bytesOf(value).slice()),
    tensor: (id: number) => bytesOf(result.tensors!.get(id)!).slice(),
  };
}

const lines: [string, () => MockLinkOptions, boolean][] = [
  ['a clean line', () => ({}), false],
  ['frames split into single bytes', () => ({ toBoard: splitEvery(1), toHost: splitEvery(1) }), false],
  [
    'random splits and garbage before every frame, both ways',
    () => {
      const random = seededRandom(9);
      return {
        toBoard: chain(injectGarbage(random, 10), splitRandomly(random, 13)),
        toHost: chain(injectGarbage(random, 10), splitRandomly(random, 13)),
      };
    },
    true,
  ],
];

describe('fake board over the mock transport', () => {
  for (const [name, line, noisy] of lines) {
    it(`hello, chunked input, run, output, profile and a tensor agree with the interpreter over ${name}`, async () => {
      const { client, info, fake, session } = await connect(kws, line(), { maxPayload: 256, boardId: 'virtual-test' });
      expect(info).toMatchObject({
        protocolVersion: 1,
        maxPayload: 256,
        boardId: 'virtual-test',
        opCount: kws.ops.length,
        tensorCount: kws.tensors.length,
        timerUnit: 'cycles',
        timerHz: 1e9,
        stateful: false,
        inputs: [{ tensorId: kws.inputs[0], dtype: 'int8', bytes: 490 }],
        outputs: [{ tensorId: kws.outputs[0], dtype: 'int8', bytes: 12 }],
      });

      await client.loadInput(0, kwsInput);
      // 490 bytes in chunks of 256 − 6.
      expect(fake.received.filter((request) => request.command === 0x02 && request.status === 'OK')).toHaveLength(2);
      const run = await client.run({ runs: 3 });
      expect(run).toMatchObject({ runs: 3, opsRun: kws.ops.length, timerUnit: 'cycles' });
      expect(run.min).toBeGreaterThan(0);
      expect(run.min).toBeLessThanOrEqual(run.max);
      expect(run.total).toBeGreaterThanOrEqual(run.min * 3);

      const host = hostRun(new Interpreter(kws), [kwsInput]);
      expect([...(await client.readOutput(0))]).toEqual([...host.outputs[0]]);

      const profile = await client.readProfile();
      expect(profile).toHaveLength(kws.ops.length);
      expect(profile.every((count) => count > 0)).toBe(true);
      expect(profile.reduce((sum, count) => sum + count, 0)).toBeLessThanOrEqual(run.max);

      // The first conv's output: 25×5×64 int8 = 8000 bytes, read in 248-byte chunks.
      const convOutput = kws.ops[0].outputs[0];
      const tensor = await client.readTensor(convOutput);
      expect(tensor.length).toBe(tensorBytes(kws.tensors[convOutput]));
      expect(tensor.length).toBeGreaterThan(2000);
      expect([...tensor]).toEqual([...host.tensor(convOutput)]);
      // Garbage with zeros in it makes frames the decoders drop, on both ends.
      expect(session.statistics.corruptFrames > 0).toBe(noisy);
      expect(fake.droppedFrames > 0).toBe(noisy);
    });
  }

  it('stops after an op for per-layer reads, and then has no output to read', async () => {
    const { client } = await connect(kws);
    const input = randomInput(kws, 0, 5);
    await client.loadInput(0, input);
    const lastOp = 4;
    const run = await client.run({ lastOp });
    expect(run.opsRun).toBe(lastOp + 1);
    const host = hostRun(new Interpreter(kws), [input]);
    const produced = kws.ops[lastOp].outputs[0];
    expect([...(await client.readTensor(produced))]).toEqual([...host.tensor(produced)]);
    const profile = await client.readProfile();
    expect(profile.slice(lastOp + 1).every((count) => count === 0)).toBe(true);
    expect(profile.slice(0, lastOp + 1).every((count) => count > 0)).toBe(true);
    await expect(client.readOutput(0)).rejects.toThrow('the board answered NO_RESULT');
  });

  it('runs a float model bit-exactly with the interpreter, at the largest payload', async () => {
    const { client, info } = await connect(autoencoderFloat, {}, { maxPayload: 1024 });
    expect(info.inputs[0]).toMatchObject({ dtype: 'float32', bytes: 2560 });
    const input = randomInput(autoencoderFloat, 0, 3);
    await client.loadInput(0, input);
    await client.run();
    const host = hostRun(new Interpreter(autoencoderFloat), [input]);
    expect([...(await client.readOutput(0))]).toEqual([...host.outputs[0]]);
  });

  it('resets LSTM state before each run unless streaming, and on RESET', async () => {
    const { client, info } = await connect(lstm);
    expect(info.stateful).toBe(true);
    const input = randomInput(lstm, 0, 8);
    await client.loadInput(0, input);

    const independent = hostRun(new Interpreter(lstm), [input]).outputs[0];
    await client.run({ runs: 10 });
    expect([...(await client.readOutput(0))]).toEqual([...independent]);

    const streaming = new Interpreter(lstm, { state: 'streaming' });
    const first = hostRun(streaming, [input]).outputs[0];
    const second = hostRun(streaming, [input]).outputs[0];
    expect([...second]).not.toEqual([...first]);
    await client.reset();
    await client.run({ streaming: true });
    expect([...(await client.readOutput(0))]).toEqual([...first]);
    await client.run({ streaming: true });
    expect([...(await client.readOutput(0))]).toEqual([...second]);
    await client.reset();
    await client.run({ streaming: true });
    expect([...(await client.readOutput(0))]).toEqual([...first]);
  });

  it('refuses an input of the wrong size, and out-of-range requests with their status', async () => {
    const { client, session } = await connect(kws);
    await expect(client.loadInput(0, new Uint8Array(491))).rejects.toThrow('input 0 (tensor 0) is 490 bytes on the board, got 491');
    await expect(client.loadInput(1, new Uint8Array(1))).rejects.toThrow("input 1: the board's model has 1 input(s)");
    await expect(session.call(commands.LOAD_INPUT, { index: 0, offset: 489, data: Uint8Array.of(1, 2) })).rejects.toThrow(
      'the board answered BAD_RANGE',
    );
    await expect(session.call(commands.READ_TENSOR, { index: 0, offset: 490, length: 1 })).rejects.toThrow('the board answered BAD_RANGE');
    await expect(session.call(commands.READ_TENSOR, { index: 0, offset: 0, length: 505 })).rejects.toThrow('the board answered BAD_RANGE');
    await expect(session.call(commands.READ_PROFILE, { firstOp: 0, count: 1 })).rejects.toThrow('the board answered NO_RESULT');
    await expect(client.stack()).resolves.toEqual({ stackBytes: 8192, highWaterBytes: 0, runHighWaterBytes: 0 });
    await expect(client.echo(new Uint8Array(512).fill(0))).resolves.toBeUndefined();
  });
});
