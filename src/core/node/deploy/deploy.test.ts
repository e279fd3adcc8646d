import { readFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { requireTools } from '../../../../test/testing/tools.js';
import { sharedModels, sharedPath, type SharedModelName } from '../../../../test/testing/shared-data.js';
import { requireBoard, virtualM4f, type Board } from '../../common/boards/index.js';
import { generateModel } from '../../common/codegen/index.js';
import { CodegenError, DeviceError, ProtocolError, TimeoutError } from '../../common/errors.js';
import type { Graph } from '../../common/ir/types.js';
import { dataFromBytes } from '../../common/ir/tensor.js';
import { cobsDecode } from '../../common/protocol/cobs.js';
import { commandCodes } from '../../common/protocol/messages.js';
import type { Transport } from '../../common/protocol/transport.js';
import { virtualBoardTestsUnavailable } from '../devices/qemu/testing/qemu.js';
import { connectVirtualBoard } from '../devices/qemu/virtual-board-connection.js';
import { loadModelFile } from '../model-file.js';
import { buildModelGraph } from '../toolchain/build-model.js';
import { deployModelFile, findFirstDifference, type DeployResult } from './deploy.js';
import { seededInputs } from './inputs.js';

/**
 * Deploy & Profile end to end on QEMU: build with the profiler, flash over GDB, run through the
 * protocol, check against the host interpreter. Every MLPerf Tiny model and the int8 LSTM on the
 * M4F, KWS on the M7 and M55, repeated and streaming runs, and the faults a user meets.
 */
const unavailable = virtualBoardTestsUnavailable();

const int8Models: SharedModelName[] = ['kws_ref_model', 'vww_96_int8', 'pretrainedResnet_quant', 'ad01_int8', 'trained_lstm_int8'];
const floatModels: SharedModelName[] = ['kws_ref_model_float32', 'vww_96_float', 'pretrainedResnet', 'ad01_fp32'];

/** What every successful deploy must satisfy, whatever the model. */
function expectSoundProfile(result: DeployResult, graph: Graph) {
  expect(result.layers).toHaveLength(graph.ops.length);
  expect(result.latency.unit).toBe('instructions');
  expect(result.latency.value).toBeGreaterThan(0);
  const layerSum = result.layers.reduce((sum, layer) => sum + layer.latency, 0);
  // Per-op counts add up to the run, less the loop around them (a few hundred instructions). Each count is read at
  // SysTick's resolution (40 instructions on the virtual boards) between readings of its own, so each can round up by
  // one tick that the run's single count does not.
  expect(layerSum).toBeLessThanOrEqual(result.latency.value + 40 * graph.ops.length);
  expect(result.latency.value - layerSum).toBeLessThan(2000 + 200 * graph.ops.length);
  expect(result.stackBytes).toBeGreaterThan(64);
  expect(result.stackBytes).toBeLessThan(16 * 1024);
  expect(result.flashBytes).toBeGreaterThan(result.build.weightBytes);
  expect(result.arenaBytes).toBeGreaterThan(0);
  expect(result.instructionsPerMac).toBeCloseTo(result.latency.value / result.model.macs, 9);
}

describe('deploy on virtual boards', () => {
  requireTools(unavailable);
  for (const name of int8Models) {
    it(`${name}: deploys to virtual-m4f and comes back bit-exact`, async () => {
      const result = await deployModelFile(sharedModels[name], { board: virtualM4f });
      expect(result.bitExact).toBe(true);
      expect(result.passed).toBe(true);
      expect(result.firstDifference).toBeUndefined();
      expectSoundProfile(result, await loadModelFile(sharedModels[name]));
      console.info(`${name} on virtual-m4f: ${result.latency.value} instructions (${result.instructionsPerMac!.toFixed(2)}/MAC), arena ${result.arenaBytes} B, stack ${result.stackBytes} B, flash ${result.flashBytes} B, ${Math.round(result.timings.totalMs)} ms`);
    });
  }

  for (const name of floatModels) {
    it(`${name}: deploys to virtual-m4f within 1e-4 · max|host output|`, async () => {
      const messages: string[] = [];
      const result = await deployModelFile(sharedModels[name], { board: virtualM4f, onProgress: (progress) => messages.push(progress.message) });
      expect(result.passed).toBe(true);
      // A passing run's log never says the outputs differ, nor looks for a differing layer.
      expect(messages.filter((message) => /differ/.test(message))).toEqual([]);
      expect(result.firstDifference).toBeUndefined();
      for (const output of result.outputs) {
        expect(output.comparison.maxAbsDifference).toBeLessThanOrEqual(1e-4 * output.comparison.maxAbsReference);
      }
      expectSoundProfile(result, await loadModelFile(sharedModels[name]));
      expect(result.model.hybrid).toBe(name === 'kws_ref_model_float32');
      console.info(`${name} on virtual-m4f: ${result.latency.value} instructions, bit-exact ${result.bitExact}, max |Δ| ${Math.max(...result.outputs.map((o) => o.comparison.maxAbsDifference))}`);
    });
  }

  for (const id of ['virtual-m7', 'virtual-m55']) {
    it(`kws_ref_model: deploys to ${id} bit-exact`, async () => {
      const result = await deployModelFile(sharedModels.kws_ref_model, { board: requireBoard(id) });
      expect(result.board).toBe(id);
      expect(result.bitExact).toBe(true);
      expectSoundProfile(result, await loadModelFile(sharedModels.kws_ref_model));
      console.info(`kws_ref_model on ${id}: ${result.latency.value} instructions`);
    });
  }

  it("runs TFLite Micro's own input and returns TFLite Micro's output bytes", async () => {
    const input = new Uint8Array(await readFile(sharedPath('vectors/kws_ref_model.input.bin')));
    const expected = new Uint8Array(await readFile(sharedPath('vectors/kws_ref_model.output.bin')));
    const result = await deployModelFile(sharedModels.kws_ref_model, { board: virtualM4f, inputs: [input] });
    expect(result.bitExact).toBe(true);
    expect([...result.outputBytes[0]]).toEqual([...expected]);
  });

  it('trained_lstm_int8: ten runs give the same output, state reset before each', async () => {
    const result = await deployModelFile(sharedModels.trained_lstm_int8, { board: virtualM4f, runs: 10 });
    expect(result.latency.runs).toBe(10);
    expect(result.runsIdentical).toBe(true);
    expect(result.bitExact).toBe(true);
    // QEMU's instruction count is deterministic: every run costs the same.
    expect(result.latency.min).toBe(result.latency.max);
  });

  it('trained_lstm_int8: streaming carries the state across runs, each run matching the host', async () => {
    const result = await deployModelFile(sharedModels.trained_lstm_int8, { board: virtualM4f, runs: 3, streaming: true });
    expect(result.bitExact).toBe(true);
    // The same input on a carried-over state gives another answer: the state really was kept.
    expect(result.runsIdentical).toBe(false);
  });

  it('names the first layer where the board and the host differ', async () => {
    const graph = await loadModelFile(sharedModels.kws_ref_model);
    const directory = await mkdtemp(join(tmpdir(), 'tinydeploy-deploy-test-'));
    try {
      const { build } = await buildModelGraph(graph, { board: virtualM4f, out: directory, application: 'profiler', name: 'kws', hash: 'sha256:00' });
      const connection = await connectVirtualBoard(virtualM4f, build!.elf);
      try {
        const [input] = seededInputs(graph, 3);
        await connection.client.loadInput(0, input);
        const hostInputs = [dataFromBytes('int8', input.slice())];
        // The host and the board agree on the model as built.
        expect(await findFirstDifference(connection.client, graph, hostInputs)).toBeUndefined();
        // A host whose op 4 (CONV_2D) has another bias: the board now differs from op 4 on.
        const biasId = graph.ops[4].inputs[2];
        const bias = Int32Array.from(graph.tensors[biasId].data as Int32Array, (value, i) => (i === 0 ? value + 5000 : value));
        const perturbed: Graph = { ...graph, tensors: graph.tensors.map((tensor) => (tensor.id === biasId ? { ...tensor, data: bias } : tensor)) };
        const difference = await findFirstDifference(connection.client, perturbed, hostInputs);
        expect(difference).toMatchObject({ index: 4, op: 'CONV_2D', tensorId: graph.ops[4].outputs[0] });
        expect(difference!.description).toMatch(/^op 4 \(CONV_2D\) output tensor \d+ ".*": \d+ of \d+ elements differ, max \|Δ\| \d+ \(first at element \d+\)$/);
      } finally {
        await connection.close();
      }
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });

  describe('faults', () => {
    /** A transport that lets the test see the host's commands and damage the board's replies. */
    function tamperingTransport(inner: Transport, tamper: (state: { command: number; count: Map<number, number> }, bytes: Uint8Array) => Uint8Array) {
      const state = { command: -1, count: new Map<number, number>() };
      return {
        state,
        transport: {
          description: `${inner.description} (tampered)`,
          get closed() {
            return inner.closed;
          },
          write(bytes: Uint8Array) {
            for (const frame of splitFrames(bytes)) {
              const message = cobsDecode(frame);
              state.command = message[2];
              state.count.set(message[2], (state.count.get(message[2]) ?? 0) + 1);
            }
            return inner.write(bytes);
          },
          onData: (listener: (bytes: Uint8Array) => void) => inner.onData((bytes) => listener(tamper(state, bytes))),
          onClose: (listener: (error?: Error) => void) => inner.onClose(listener),
          close: () => inner.close(),
        } satisfies Transport,
      };
    }

    it('garbage and a corrupted reply on the line are detected and retried; the result is still right', async () => {
      let damaged = 0;
      let tampered: ReturnType<typeof tamperingTransport> | undefined;
      let seed = 99;
      const result = await deployModelFile(sharedModels.kws_ref_model, {
        board: virtualM4f,
        connection: {
          session: { timeoutMs: 1500 },
          wrapTransport: (inner) =>
            (tampered = tamperingTransport(inner, (state, bytes) => {
              if (state.command !== commandCodes.READ_OUTPUT || damaged > 0) return bytes;
              // A loaded host may deliver the reply in pieces: damage the first piece that has a byte to flip.
              const copy = bytes.slice();
              const at = copy.findIndex((byte, i) => i > 2 && byte !== 0);
              if (at < 0) return bytes;
              // Line noise (zeros included) ahead of the reply, then one bit of the reply flipped.
              damaged++;
              const noise = Uint8Array.from({ length: 64 }, () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) & 0xff);
              copy[at] = copy[at] === 1 ? 2 : copy[at] ^ 1;
              return Uint8Array.from([...noise, ...copy]);
            })).transport,
        },
      });
      expect(damaged).toBe(1);
      // READ_OUTPUT went out twice: the corrupted reply was dropped and the request resent.
      expect(tampered!.state.count.get(commandCodes.READ_OUTPUT)).toBe(2);
      expect(result.bitExact).toBe(true);
    });

    it('a reply that keeps arriving corrupted fails the deploy cleanly, with no result', async () => {
      const error = await deployModelFile(sharedModels.ad01_int8, {
        board: virtualM4f,
        connection: {
          session: { timeoutMs: 1000 },
          wrapTransport: (inner) =>
            tamperingTransport(inner, (state, bytes) => {
              if (state.command !== commandCodes.RUN) return bytes;
              return bytes.map((byte) => (byte === 0 ? 0 : byte === 1 ? 2 : byte ^ 1));
            }).transport,
        },
      }).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(Error);
      expect(error instanceof ProtocolError || error instanceof TimeoutError).toBe(true);
      expect((error as Error).message).toMatch(/RUN/);
    });

    it('a model too large for the board is refused at build time, with the figures, before any board starts', async () => {
      const small: Board = { ...virtualM4f, id: 'small-m4f', memory: { flash: { origin: 0, size: 64 * 1024 }, ram: { origin: 0x2000_0000, size: 64 * 1024 } } };
      const error = await deployModelFile(sharedModels.vww_96_int8, { board: small }).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(CodegenError);
      expect((error as Error).message).toMatch(/^model vww_96_int8\.tflite does not fit small-m4f: weights and parameters take \d+ bytes, the board has 65536 bytes of flash$/);
      const tightRam: Board = { ...small, memory: { ...small.memory, flash: virtualM4f.memory.flash, ram: { origin: 0x2000_0000, size: 24 * 1024 } } };
      const ramError = await deployModelFile(sharedModels.vww_96_int8, { board: tightRam }).catch((caught: unknown) => caught);
      const arenaBytes = generateModel(await loadModelFile(sharedModels.vww_96_int8), { dsp: true }).arenaBytes;
      expect((ramError as Error).message).toMatch(new RegExp(`the arena takes ${arenaBytes} bytes and the stack needs about 16384, the board has 24576 bytes of RAM$`));
    });

    it('a real board that cannot be reached is refused before the build, saying what to give', async () => {
      // The template's chip is the user's choice: TinyDeploy cannot start a GDB server for it.
      const error = await deployModelFile(sharedModels.ad01_int8, { board: requireBoard('real-template') }).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(DeviceError);
      expect((error as Error).message).toBe(
        'board real-template is real hardware that TinyDeploy cannot start a GDB server for: start OpenOCD for it and give its address (--gdb-server localhost:3333)',
      );
      // With its GDB server, its probe's serial port must be plugged in.
      const noPort = await deployModelFile(sharedModels.ad01_int8, { board: requireBoard('real-template'), connection: { gdbServer: 'localhost:3333', listSerialPorts: async () => [] } }).catch(
        (caught: unknown) => caught,
      );
      expect((noPort as Error).message).toBe(
        "board real-template is not plugged in: no serial port with its probe's USB id (Arm DAPLink CMSIS-DAP 0d28:0204); no serial port is plugged in; plug it in, or give its port with --port",
      );
    });

    it('a board flashed by a drive copy whose drive is not mounted, or whose firmware is not written yet, is refused by name', async () => {
      const drive: Board = { ...requireBoard('real-template'), id: 'drive-board', flash: { kind: 'mass-storage', format: 'uf2' } };
      await expect(deployModelFile(sharedModels.ad01_int8, { board: drive, connection: { drive: { mountRoots: [], listDrives: async () => [] } } })).rejects.toThrow(
        /^board drive-board: its drive a UF2 drive is not mounted \(hold BOOTSEL while plugging it in\)/,
      );
      const unwritten: Board = { ...requireBoard('real-template'), id: 'unwritten', firmware: { ...requireBoard('real-template').firmware, missing: 'firmware/boards/xyz' } };
      await expect(deployModelFile(sharedModels.ad01_int8, { board: unwritten })).rejects.toThrow('board unwritten: its firmware is not written yet (missing firmware/boards/xyz)');
    });
  });
});

/** The COBS frames in a chunk the host wrote (it writes whole frames: 0x00 COBS 0x00). */
function splitFrames(bytes: Uint8Array): Uint8Array[] {
  const frames: Uint8Array[] = [];
  let start = 0;
  for (let i = 0; i <= bytes.length; i++) {
    if (i === bytes.length || bytes[i] === 0) {
      if (i > start) frames.push(bytes.subarray(start, i));
      start = i + 1;
    }
  }
  return frames;
}
