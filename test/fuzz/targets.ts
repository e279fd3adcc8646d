/**
 * What the fuzzer feeds and how: one `FuzzTarget` per untrusted input of TinyDeploy. A target
 * loads its seeds once (`prepare`), makes case inputs from them (`generate`, a pure function of
 * the case's generator) and pushes one input through the real code (`run`). `run` returning is
 * "accepted", throwing a TinyDeployError is "clean error", throwing anything else is a crash.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { ImportError } from '../../src/core/common/errors.js';
import { analyzeModel } from '../../src/core/common/analysis/model-analysis.js';
import { generateModel } from '../../src/core/common/codegen/index.js';
import { importModel } from '../../src/core/common/importers/index.js';
import { Interpreter } from '../../src/core/common/interp/interpreter.js';
import { allocateData, elementCount, tensorBytes } from '../../src/core/common/ir/tensor.js';
import { printGraph } from '../../src/core/common/ir/print.js';
import type { Graph } from '../../src/core/common/ir/types.js';
import { DeviceClient } from '../../src/core/common/protocol/client.js';
import { cobsDecode } from '../../src/core/common/protocol/cobs.js';
import { encodeFrame, FrameDecoder } from '../../src/core/common/protocol/framing.js';
import {
  commandName,
  commands,
  decodeMessage,
  encodeMessage,
  MAX_MAX_PAYLOAD,
  MESSAGE_HEADER_BYTES,
  REPLY_BIT,
  runFailure,
  statusCodes,
  type Message,
} from '../../src/core/common/protocol/messages.js';
import { Session } from '../../src/core/common/protocol/session.js';
import { FakeBoard } from '../../src/core/common/protocol/testing/fake-board.js';
import { createMockLink } from '../../src/core/common/protocol/testing/mock-transport.js';
import { openDataset } from '../../src/core/node/datasets/dataset.js';
import { repoRoot, sharedModels } from '../testing/shared-data.js';
import { concat, mutate, Random } from './mutate.js';

/** A failure that is not an exception of the code under test (an accepted corrupted frame, a wrong result). */
export class FuzzFinding extends Error {
  override name = 'FuzzFinding';
}

export interface FuzzTarget<Context = unknown, Input = unknown> {
  name: string;
  /** Longest one case may take before it counts as a hang. */
  timeLimitMs: number;
  prepare(): Promise<Context>;
  generate(context: Context, random: Random): Input;
  run(context: Context, input: Input, random: Random, scratch: string): Promise<void>;
  /** Writes the input under `directory` (a file or a folder) so a finding can be replayed. */
  save(input: Input, directory: string): void;
}

// ---------------------------------------------------------------------------------------------
// TFLite models: import → analysis → print → interpreter run on zero inputs → C generator

/** Small models covering int8 and float kernels, LSTM, conv/depthwise, fully connected and residual adds. */
export const modelSeedPaths = [
  sharedModels.trained_lstm_int8,
  sharedModels.trained_lstm,
  sharedModels.ad01_int8,
  join(repoRoot, 'resources/models/kws_ref_model.tflite'),
  sharedModels.kws_ref_model_float32,
  sharedModels.pretrainedResnet_quant,
];

/** The interpreter's budget in the fuzzer: well inside a worker's heap limit, well above every seed. */
export const fuzzMemoryBudgetBytes = 256 << 20;

export function runModelPipeline(bytes: Uint8Array, options: { generate?: boolean } = {}): Graph {
  const graph = importModel(bytes, 'fuzz.tflite');
  analyzeModel(graph);
  printGraph(graph);
  const interpreter = new Interpreter(graph, { memoryBudgetBytes: fuzzMemoryBudgetBytes });
  const inputs = graph.inputs.map((id) => allocateData(graph.tensors[id].dtype, elementCount(graph.tensors[id].shape)));
  interpreter.run(inputs);
  if (options.generate) generateModel(graph);
  return graph;
}

export const tfliteTarget: FuzzTarget<Uint8Array[], Uint8Array> = {
  name: 'tflite',
  timeLimitMs: 20_000,
  async prepare() {
    return modelSeedPaths.map((path) => new Uint8Array(readFileSync(path)));
  },
  generate(seeds, random) {
    return mutate(random.pick(seeds), random, random.pick(seeds), { flatbuffer: true });
  },
  async run(_seeds, input, random) {
    runModelPipeline(input, { generate: random.chance(0.25) });
  },
  save(input, directory) {
    writeFileSync(join(directory, 'input.tflite'), input);
  },
};

// ---------------------------------------------------------------------------------------------
// Dataset folders: dataset.json + raw samples + label CSV, and an IDX pair (gzip and plain)

type Files = Record<string, Uint8Array>;

const text = (value: string) => new TextEncoder().encode(value);

function idx(typeCode: number, shape: number[], body: Uint8Array): Uint8Array {
  const header = new Uint8Array(4 + 4 * shape.length);
  const view = new DataView(header.buffer);
  header[2] = typeCode;
  header[3] = shape.length;
  shape.forEach((dim, i) => view.setUint32(4 + 4 * i, dim, false));
  return concat(header, body);
}

function datasetSeeds(): Files[] {
  const classes = ['down', 'go', 'left'];
  const samples = [0, 1, 2].map((i) => Int8Array.from({ length: 12 }, (_, j) => ((i * 37 + j * 11) % 256) - 128));
  const files: Files = {
    'dataset.json': text(
      JSON.stringify({ layout: 'files', labels: 'y_labels.csv', classes, sample: { dtype: 'int8', shape: [1, 3, 4], scale: 0.5, zeroPoint: -3 } }, null, 1),
    ),
    'y_labels.csv': text('s0.bin,3,0\ns1.bin,3,2\ns2.bin,3,1\n'),
  };
  samples.forEach((sample, i) => (files[`s${i}.bin`] = new Uint8Array(sample.buffer)));
  const images = idx(0x08, [4, 2, 3], Uint8Array.from({ length: 24 }, (_, i) => i * 10));
  const labels = idx(0x08, [4], Uint8Array.of(0, 1, 2, 1));
  const idxGz: Files = {
    'dataset.json': text(
      JSON.stringify({ layout: 'idx', images: 'images-idx3-ubyte.gz', labels: 'labels-idx1-ubyte.gz', classes, sample: { dtype: 'uint8', shape: [2, 3], scale: 0.00390625 } }),
    ),
    'images-idx3-ubyte.gz': new Uint8Array(gzipSync(images)),
    'labels-idx1-ubyte.gz': new Uint8Array(gzipSync(labels)),
  };
  const idxPlain: Files = {
    'dataset.json': text(JSON.stringify({ layout: 'idx', images: 'images-idx3-ubyte', labels: 'labels-idx1-ubyte', classes, sample: { dtype: 'uint8', shape: [2, 3] } })),
    'images-idx3-ubyte': images,
    'labels-idx1-ubyte': labels,
  };
  return [files, idxGz, idxPlain];
}

const interestingJson: unknown[] = [
  0, -1, 1, 1e300, -1e300, 2 ** 31, 2 ** 32, 2 ** 53, 1.5, -0.5, 1e-320, '', 'x', '../../../../etc/passwd', '/etc/passwd', 'a/../../b',
  '\u001b]0;title\u0007', 'dataset.json', '.', 'y_labels.csv', null, true, [], {}, [0], [1, 2147483647], [65536, 65536], [0, 3], [-1],
  ['a'], { dtype: 'int8' }, 'float32', 'int64', 'bool', 'files', 'idx',
];

/** Sets a random field (anywhere in the tree) of a JSON document to an interesting value, or deletes it. */
function mutateJson(bytes: Uint8Array, random: Random): Uint8Array {
  let document: unknown;
  try {
    document = JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    return bytes;
  }
  const containers: { parent: Record<string, unknown> | unknown[]; key: string | number }[] = [];
  const walk = (value: unknown) => {
    if (Array.isArray(value)) {
      value.forEach((item, i) => {
        containers.push({ parent: value, key: i });
        walk(item);
      });
    } else if (value && typeof value === 'object') {
      for (const [key, item] of Object.entries(value)) {
        containers.push({ parent: value as Record<string, unknown>, key });
        walk(item);
      }
    }
  };
  walk(document);
  for (let i = 0, n = 1 + random.below(3); i < n && containers.length > 0; i++) {
    const { parent, key } = random.pick(containers);
    if (random.chance(0.15) && !Array.isArray(parent)) delete (parent as Record<string, unknown>)[key as string];
    else (parent as Record<string, unknown>)[key as string] = structuredClone(random.pick(interestingJson));
  }
  if (random.chance(0.05)) (document as Record<string, unknown>)['__proto__'] = { polluted: true };
  return text(JSON.stringify(document));
}

export const datasetTarget: FuzzTarget<Files[], Files> = {
  name: 'dataset',
  timeLimitMs: 20_000,
  async prepare() {
    return datasetSeeds();
  },
  generate(seeds, random) {
    const seed = random.pick(seeds);
    const files: Files = { ...seed };
    const names = Object.keys(files);
    for (let i = 0, n = 1 + random.below(2); i < n; i++) {
      const name = random.pick(names);
      const bytes = files[name];
      if (name === 'dataset.json' && random.chance(0.6)) files[name] = mutateJson(bytes, random);
      else if (name.endsWith('.gz') && bytes === seed[name] && random.chance(0.5)) {
        // Mutate what is inside, then compress again: the reader gets a valid gzip of a bad IDX file.
        const inside = mutate(new Uint8Array(gunzip(bytes)), random);
        files[name] = new Uint8Array(gzipSync(inside));
      } else files[name] = mutate(bytes, random, files[random.pick(names)]);
    }
    if (random.chance(0.05)) delete files[random.pick(names)];
    return files;
  },
  async run(_seeds, files, _random, scratch) {
    const directory = join(scratch, 'dataset');
    rmSync(directory, { recursive: true, force: true });
    mkdirSync(directory, { recursive: true });
    for (const [name, bytes] of Object.entries(files)) writeFileSync(join(directory, name), bytes);
    const dataset = await openDataset(directory);
    let count = 0;
    for await (const sample of dataset.samples()) {
      if (sample.label < 0 || sample.label >= dataset.classes.length) throw new FuzzFinding(`sample ${sample.index}: label ${sample.label} is outside the ${dataset.classes.length} classes`);
      if (sample.values.length !== elementCount(dataset.sample.shape)) throw new FuzzFinding(`sample ${sample.index}: ${sample.values.length} values, shape says ${elementCount(dataset.sample.shape)}`);
      count++;
    }
    if (count !== dataset.size) throw new FuzzFinding(`dataset says ${dataset.size} samples, read ${count}`);
  },
  save(files, directory) {
    for (const [name, bytes] of Object.entries(files)) writeFileSync(join(directory, name), bytes);
  },
};

/** Seeds only: their gzip is ours. */
function gunzip(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(gunzipSync(bytes));
}

// ---------------------------------------------------------------------------------------------
// Device protocol: frames of real replies → framing decoder → message parser; and a whole
// DeviceClient session over the mock transport with a fake board whose replies are mutated.

interface ProtocolContext {
  /** Valid reply messages of every command (encoded with the protocol's own encoders). */
  messages: Message[];
  known: Set<string>;
  graph: Graph;
  /** What a clean session reads from the fake board: each output's bytes. */
  expectedOutputs: Uint8Array[];
}

export type ProtocolInput =
  | { mode: 'stream'; bytes: Uint8Array }
  | { mode: 'message'; bytes: Uint8Array }
  | { mode: 'session'; write: number; frameLevel: boolean; seed: number };

const hex = (bytes: Uint8Array) => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');

function replyMessages(): Message[] {
  const reply = (command: number, payload: Uint8Array, status = 0, requestId = 0x1234): Message => ({ requestId, command: command | REPLY_BIT, status, payload });
  const info = {
    protocolVersion: 1,
    maxPayload: 512,
    arenaBytes: 4096,
    opCount: 3,
    tensorCount: 9,
    timerUnit: 'cycles' as const,
    stateful: false,
    timerHz: 168_000_000,
    timerResolution: 1,
    inputs: [{ tensorId: 0, dtype: 'int8' as const, bytes: 490 }],
    outputs: [{ tensorId: 8, dtype: 'int8' as const, bytes: 12 }],
    boardId: 'netduinoplus2',
    buildId: 'v1',
    modelHash: Uint8Array.from({ length: 8 }, (_, i) => i * 17),
  };
  return [
    reply(commands.HELLO.code, commands.HELLO.reply.encode(info)),
    reply(commands.RUN.code, commands.RUN.reply.encode({ runs: 1, opsRun: 3, timerUnit: 'cycles', total: 123456, min: 123456, max: 123456 })),
    reply(commands.RUN.code, runFailure.encode({ op: 1, kernelStatus: -2 }), statusCodes.RUN_FAILED),
    reply(commands.READ_OUTPUT.code, commands.READ_OUTPUT.reply.encode({ totalBytes: 12, offset: 0, data: Uint8Array.from({ length: 12 }, (_, i) => i - 6) })),
    reply(commands.READ_TENSOR.code, commands.READ_TENSOR.reply.encode({ totalBytes: 2000, offset: 504, data: new Uint8Array(504).fill(7) })),
    reply(commands.READ_PROFILE.code, commands.READ_PROFILE.reply.encode({ firstOp: 0, counts: [100, 2000, 30000] })),
    reply(commands.STACK.code, commands.STACK.reply.encode({ stackBytes: 8192, highWaterBytes: 1500 })),
    reply(commands.LOAD_INPUT.code, new Uint8Array(0)),
    reply(commands.RESET.code, new Uint8Array(0)),
    reply(commands.ECHO.code, Uint8Array.from({ length: 40 }, (_, i) => i)),
    reply(commands.READ_OUTPUT.code, new Uint8Array(0), statusCodes.BAD_RANGE),
  ];
}

/** What the host does with one reply message: the header, then the command's reply codec. */
export function parseReply(bytes: Uint8Array): void {
  const message = decodeMessage(bytes);
  const name = commandName(message.command & ~REPLY_BIT);
  if (!name) return;
  if (message.status === statusCodes.RUN_FAILED) runFailure.decode(message.payload);
  else if (message.status === statusCodes.OK) (commands[name].reply as { decode(payload: Uint8Array): unknown }).decode(message.payload);
}

/** Splits `bytes` into chunks of random sizes, as a serial port delivers them. */
function chunks(bytes: Uint8Array, random: Random): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let offset = 0; offset < bytes.length; ) {
    const size = 1 + random.below(64);
    out.push(bytes.subarray(offset, offset + size));
    offset += size;
  }
  return out;
}

const protocolSeedModel = sharedModels.trained_lstm_int8;

export const protocolTarget: FuzzTarget<ProtocolContext, ProtocolInput> = {
  name: 'protocol',
  timeLimitMs: 10_000,
  async prepare() {
    const messages = replyMessages();
    const graph = importModel(new Uint8Array(readFileSync(protocolSeedModel)), 'trained_lstm_int8.tflite');
    const context: ProtocolContext = { messages, known: new Set(messages.map((m) => hex(encodeMessage(m)))), graph, expectedOutputs: [] };
    context.expectedOutputs = await runSession(context, undefined);
    return context;
  },
  generate(context, random) {
    const roll = random.below(100);
    if (roll < 45) {
      const frames = Array.from({ length: 1 + random.below(4) }, () => encodeFrame(encodeMessage(random.pick(context.messages)), { leadingDelimiter: random.chance(0.5) }));
      const stream = concat(...frames);
      return { mode: 'stream', bytes: mutate(stream, random, encodeFrame(encodeMessage(random.pick(context.messages)))) };
    }
    if (roll < 90) return { mode: 'message', bytes: mutate(encodeMessage(random.pick(context.messages)), random) };
    return { mode: 'session', write: random.below(8), frameLevel: random.chance(0.5), seed: random.u32() };
  },
  async run(context, input, random) {
    if (input.mode === 'session') {
      const outputs = await runSession(context, input);
      if (input.frameLevel) {
        // The CRC protects every frame: what a session accepts must be what the board sent.
        outputs.forEach((bytes, i) => {
          if (hex(bytes) !== hex(context.expectedOutputs[i])) throw new FuzzFinding(`output ${i} read over a corrupted line differs from the board's`);
        });
      }
      return;
    }
    const decoder = new FrameDecoder({ maxMessageLength: MESSAGE_HEADER_BYTES + MAX_MAX_PAYLOAD, minMessageLength: MESSAGE_HEADER_BYTES });
    const frame = input.mode === 'message' ? encodeFrame(input.bytes, { leadingDelimiter: true }) : input.bytes;
    for (const chunk of chunks(frame, random)) {
      for (const event of decoder.push(chunk)) {
        if (event.kind === 'error') continue;
        if (input.mode === 'stream' && !context.known.has(hex(event.message))) {
          throw new FuzzFinding(`the framing decoder accepted a corrupted frame (${event.message.length} bytes)`);
        }
        parseReply(event.message);
      }
    }
  },
  save(input, directory) {
    if (input.mode === 'session') writeFileSync(join(directory, 'session.json'), JSON.stringify(input));
    else writeFileSync(join(directory, `${input.mode}.bin`), input.bytes);
  },
};

/**
 * A whole client session (HELLO, LOAD_INPUT, RUN, READ_PROFILE, READ_OUTPUT, READ_TENSOR, STACK,
 * ECHO) against a fake board running `context.graph`; with `fault`, the board's `write`-th reply
 * is mutated, keeping a valid CRC (a board that says something wrong) or not (line noise).
 * Returns the outputs read.
 */
async function runSession(context: ProtocolContext, fault: Extract<ProtocolInput, { mode: 'session' }> | undefined): Promise<Uint8Array[]> {
  const random = new Random(fault?.seed ?? 0);
  let writes = 0;
  const link = createMockLink({
    toHost: (bytes) => {
      if (!fault || writes++ !== fault.write) return [bytes];
      if (fault.frameLevel) return [mutate(bytes, random)];
      // Take the frame apart, mutate the message, frame it again with a good CRC.
      const body = cobsDecode(bytes.subarray(1, bytes.length - 1));
      return [encodeFrame(mutate(body.subarray(0, body.length - 4), random), { leadingDelimiter: true })];
    },
  });
  const board = new FakeBoard(context.graph, link.board);
  // Short timeouts when a reply may be lost; the reference session (no fault) must not time out on a busy machine.
  const timeoutMs = fault ? 50 : 5000;
  const client = new DeviceClient(new Session(link.host, { timeoutMs, attempts: 2, corruptionGraceMs: 5, firstRequestId: 1 }), { runTimeoutMs: timeoutMs * 4 });
  try {
    const info = await client.hello();
    // Inputs are the host model's (as deploy sends them), not what a possibly corrupted HELLO claims.
    for (let i = 0; i < info.inputs.length; i++) {
      const id = context.graph.inputs[i];
      await client.loadInput(i, new Uint8Array(id === undefined ? 1 : tensorBytes(context.graph.tensors[id])));
    }
    await client.run();
    await client.readProfile();
    const outputs: Uint8Array[] = [];
    for (let i = 0; i < info.outputs.length; i++) outputs.push(await client.readOutput(i));
    // A board may claim no outputs (a mutated HELLO): read tensor 0 then.
    await client.readTensor(info.outputs[0]?.tensorId ?? 0);
    await client.stack();
    await client.echo(Uint8Array.of(1, 2, 3, 0, 5));
    return outputs;
  } finally {
    board.dispose();
    await link.host.close();
  }
}

// ---------------------------------------------------------------------------------------------
// The fuzzer's own check: a target whose cases end in each outcome on purpose.

export const canaryBehaviours = ['accept', 'clean', 'crash', 'hang', 'oom', 'escape'] as const;

export const canaryTarget: FuzzTarget<undefined, (typeof canaryBehaviours)[number]> = {
  name: 'canary',
  timeLimitMs: 4000,
  async prepare() {
    return undefined;
  },
  generate(_context, random) {
    return random.pick(canaryBehaviours);
  },
  async run(_context, behaviour) {
    if (behaviour === 'clean') throw new ImportError('canary: refused');
    if (behaviour === 'crash') throw new TypeError('canary: crashed');
    if (behaviour === 'hang') for (;;);
    if (behaviour === 'oom') {
      const hold: number[][] = [];
      for (;;) hold.push(new Array<number>(1 << 20).fill(0.5));
    }
    if (behaviour === 'escape') {
      // An exception thrown from a timer, outside the case's promise, while the case waits.
      setTimeout(() => {
        throw new RangeError('canary: escaped');
      }, 1);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  },
  save(behaviour, directory) {
    writeFileSync(join(directory, 'behaviour.txt'), behaviour);
  },
};

export const targets = { tflite: tfliteTarget, dataset: datasetTarget, protocol: protocolTarget, canary: canaryTarget } as const;
export type TargetName = keyof typeof targets;
