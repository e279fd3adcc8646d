import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireTools } from '../../../../../test/testing/tools.js';
import { DeviceError, TimeoutError } from '../../../common/errors.js';
import { cobsDecode, cobsEncode } from '../../../common/protocol/cobs.js';
import { crc32 } from '../../../common/protocol/crc.js';
import { compile, requireCompiler } from '../../toolchain/index.js';
import { buildFixtureFirmware, buildProfilerFirmware, firmwareDirectory } from './testing/fixture-firmware.js';
import { virtualBoardTestsUnavailable } from './testing/qemu.js';
import type { VirtualBoardTarget } from './virtual-board.js';
import { connectVirtualBoard } from './virtual-board-connection.js';

/**
 * The on-device profiler (firmware/runtime) with the dummy model of
 * firmware/runtime/tests/dummy-model, on real QEMU, through the host's own protocol stack
 * (SerialPortTransport → Session → DeviceClient). The model's arithmetic is simple enough to
 * predict every byte here.
 */
const unavailable = virtualBoardTestsUnavailable();
const dummyModelDirectory = join(firmwareDirectory, 'runtime', 'tests', 'dummy-model');

const targets: Record<string, VirtualBoardTarget> = {
  'virtual-m4f': { id: 'virtual-m4f', qemu: { machine: 'mps2-an386' } },
  'virtual-m7': { id: 'virtual-m7', qemu: { machine: 'mps2-an500' } },
  'virtual-m55': { id: 'virtual-m55', qemu: { machine: 'mps3-an547' } },
  // The real-board template as shipped targets the MPS2+ FPGA board that mps2-an386 emulates.
  'real-template': { id: 'real-template', qemu: { machine: 'mps2-an386' } },
};

/** The dummy model on the host: t1 = sat(in + 1), t2 = t1 * 2 (wrapping), state += t2, out = state. */
function dummyModel(input: Int8Array, state = new Int8Array(16)) {
  const t1 = input.map((value) => Math.min(127, value + 1));
  const t2 = t1.map((value) => ((value * 2) << 24) >> 24);
  const next = state.map((value, i) => ((value + t2[i]) << 24) >> 24);
  return { t1, t2, state: next, output: next };
}

const bytesOf = (values: Int8Array) => new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
const int8 = (bytes: Uint8Array) => new Int8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);

let buildDirectory = '';
const cleanups: (() => Promise<void>)[] = [];

/** Brings `id` up with `elf` (connectVirtualBoard) and registers its clean-up. */
async function connect(id: string, elf: string, options: { helloAttempts?: number; helloTimeoutMs?: number } = {}) {
  const connection = await connectVirtualBoard(targets[id], elf, { session: { timeoutMs: 2000 }, ...options });
  cleanups.push(connection.close);
  return { ...connection, startedMs: Math.round(connection.timings.startMs + connection.timings.flashMs), helloMs: Math.round(connection.timings.helloMs) };
}

describe('profiler framing (td_framing.c on the host) agrees with the TypeScript framing', () => {
  it('encodes, decodes and checksums like PROTOCOL.md and src/core/common/protocol', async () => {
    const gcc = await requireCompiler('host');
    const directory = await mkdtemp(join(tmpdir(), 'tinydeploy-framing-'));
    try {
      const program = join(directory, 'framing_host');
      await compile(gcc, {
        sources: [join(firmwareDirectory, 'runtime/src/td_framing.c'), join(firmwareDirectory, 'runtime/tests/framing_host.c')],
        output: program,
        includeDirs: [join(firmwareDirectory, 'runtime/include')],
        flags: ['-std=c99', '-O2', '-Wall', '-Wextra', '-Werror'],
      });
      const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');
      const cases: Uint8Array[] = [
        Uint8Array.of(0),
        Uint8Array.of(0x11, 0x22, 0, 0x33),
        Uint8Array.of(0x11, 0, 0, 0),
        Uint8Array.from({ length: 254 }, (_, i) => i + 1),
        Uint8Array.from({ length: 255 }, (_, i) => i + 1),
        Uint8Array.from({ length: 255 }, (_, i) => i),
        new TextEncoder().encode('123456789'),
      ];
      let seed = 12345;
      const random = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
      for (let i = 0; i < 200; i++) {
        const length = Math.floor(random() * 1100);
        cases.push(Uint8Array.from({ length }, () => (random() < 0.1 ? 0 : Math.floor(random() * 256))));
      }
      const invalid = [Uint8Array.of(0x05, 0x11, 0x22), Uint8Array.of(0x02, 0x00), Uint8Array.of(0x03, 0x11, 0x00)];
      const input = [...cases.map((bytes) => `E ${hex(bytes)}`), ...cases.map((bytes) => `D ${hex(cobsEncode(bytes))}`), ...invalid.map((bytes) => `D ${hex(bytes)}`)].join('\n');
      const result = spawnSync(program, { input: `${input}\n`, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
      const lines = result.stdout.trim().split('\n');
      expect(lines.length).toBe(cases.length * 2 + invalid.length);
      cases.forEach((bytes, i) => {
        const [crc, encoded] = lines[i].split(' ');
        expect(parseInt(crc, 16)).toBe(crc32(bytes));
        expect(encoded).toBe(hex(cobsEncode(bytes)));
        expect(lines[cases.length + i]).toBe(hex(cobsDecode(cobsEncode(bytes))));
      });
      expect(lines.slice(cases.length * 2)).toEqual(['invalid', 'invalid', 'invalid']);
      // The protocol's own vectors.
      expect(lines[0].split(' ')[1]).toBe('0101');
      expect(lines[1].split(' ')[1]).toBe('0311220233');
      expect(lines[2].split(' ')[1]).toBe('0211010101');
      expect(lines[6].split(' ')[0]).toBe('cbf43926');
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });
});

describe('profiler firmware on QEMU', () => {
  requireTools(unavailable);
  const firmware: Record<string, string> = {};
  const fixtures = { silent: '', fault: '' };

  beforeAll(async () => {
    buildDirectory = await mkdtemp(join(tmpdir(), 'tinydeploy-profiler-test-'));
    for (const id of Object.keys(targets)) {
      firmware[id] = await buildProfilerFirmware(id, {
        outputDirectory: buildDirectory,
        name: 'dummy',
        modelSources: [join(dummyModelDirectory, 'model.c')],
        modelIncludeDirs: [dummyModelDirectory],
      });
    }
    fixtures.silent = await buildFixtureFirmware('virtual-m4f', 'echo', { outputDirectory: buildDirectory, name: 'silent', defines: { TD_ECHO_SILENT: true } });
    fixtures.fault = await buildFixtureFirmware('virtual-m7', 'echo', { outputDirectory: buildDirectory, name: 'fault', defines: { TD_ECHO_FAULT: true } });
  });

  afterAll(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup();
    if (buildDirectory) await rm(buildDirectory, { recursive: true, force: true });
  });

  it('virtual-m4f: HELLO describes the board, the timer and the model', async () => {
    const { client, startedMs, helloMs } = await connect('virtual-m4f', firmware['virtual-m4f']);
    console.info(`virtual-m4f profiler: start + flash ${startedMs} ms, HELLO after resume ${helloMs} ms`);
    const info = client.info;
    expect(info).toMatchObject({
      protocolVersion: 1,
      maxPayload: 512,
      arenaBytes: 64,
      opCount: 3,
      tensorCount: 5,
      timerUnit: 'instructions',
      stateful: true,
      timerHz: 0,
      timerResolution: 40,
      inputs: [{ tensorId: 0, dtype: 'int8', bytes: 16 }],
      outputs: [{ tensorId: 4, dtype: 'int8', bytes: 16 }],
      boardId: 'virtual-m4f',
      buildId: 'dummy',
    });
    expect([...info.modelHash]).toEqual([0x0b, 0xad, 0xf0, 0x0d]);
    const payload = Uint8Array.from({ length: 512 }, (_, i) => (i * 31) & 0xff);
    await client.echo(payload);
  });

  it('virtual-m4f: runs, keeps inputs across runs, resets or keeps state, reads outputs and tensors', async () => {
    const { client } = await connect('virtual-m4f', firmware['virtual-m4f']);
    const input = Int8Array.from({ length: 16 }, (_, i) => i * 9 - 70);
    await client.loadInput(0, bytesOf(input));
    const expected = dummyModel(input);

    const first = await client.run();
    expect(first).toMatchObject({ runs: 1, opsRun: 3, timerUnit: 'instructions' });
    expect(int8(await client.readOutput(0))).toEqual(expected.output);
    // The output overwrote the input in the arena; a second run must still see the loaded input,
    // and start from reset state: same output.
    await client.run();
    expect(int8(await client.readOutput(0))).toEqual(expected.output);

    // Streaming: state is kept from the run before, and accumulates across the runs of one RUN
    // and across RUN commands.
    await client.run({ runs: 3, streaming: true });
    let state = expected.state;
    for (let run = 0; run < 3; run++) state = dummyModel(input, state).state;
    expect(int8(await client.readOutput(0))).toEqual(state);
    await client.run({ streaming: true });
    state = dummyModel(input, state).state;
    expect(int8(await client.readOutput(0))).toEqual(state);
    await client.reset();
    await client.run({ streaming: true });
    expect(int8(await client.readOutput(0))).toEqual(expected.output);

    // A partial run stops after op 0: t1 is live and readable, the output is not a result.
    const partial = await client.run({ lastOp: 0 });
    expect(partial.opsRun).toBe(1);
    expect(int8(await client.readTensor(1))).toEqual(expected.t1);
    await expect(client.readOutput(0)).rejects.toThrow(/the board answered NO_RESULT/);
    const partialProfile = await client.readProfile();
    expect(partialProfile[0]).toBeGreaterThan(0);
    expect(partialProfile.slice(1)).toEqual([0, 0]);
    await expect(client.readTensor(99)).rejects.toThrow(/the board answered BAD_INDEX/);
  });

  it('virtual-m4f: per-op instruction counts are repeatable and add up to the run', async () => {
    const { client } = await connect('virtual-m4f', firmware['virtual-m4f']);
    await client.loadInput(0, new Uint8Array(16).fill(3));
    const reply = await client.run({ runs: 5 });
    expect(reply.min).toBe(reply.max);
    expect(reply.total).toBe(5 * reply.min);
    const profile = await client.readProfile();
    await client.run({ runs: 2 });
    expect(await client.readProfile()).toEqual(profile);
    // Op 1 has the busy loop (5000 iterations): it dominates.
    expect(profile[1]).toBeGreaterThan(20_000);
    expect(profile[1]).toBeGreaterThan(10 * (profile[0] + profile[2]));
    for (const count of profile) expect(count % 40).toBe(0);
    const sum = profile.reduce((a, b) => a + b, 0);
    expect(reply.min).toBeGreaterThanOrEqual(sum);
    expect(reply.min - sum).toBeLessThan(1000);
    console.info(`dummy model on virtual-m4f: run ${reply.min} instructions, per op ${profile.join(', ')}`);
  });

  it('virtual-m4f: a failing kernel is RUN_FAILED with the op, and leaves no result', async () => {
    const { client } = await connect('virtual-m4f', firmware['virtual-m4f']);
    const input = new Int8Array(16);
    input[1] = 126; // op 1 refuses t1[1] == 127
    await client.loadInput(0, bytesOf(input));
    const error = await client.run().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DeviceError);
    expect((error as DeviceError).message).toMatch(/the board failed in op 1 \(kernel status -1\)/);
    await expect(client.readOutput(0)).rejects.toThrow(/NO_RESULT/);
    await expect(client.readProfile()).rejects.toThrow(/NO_RESULT/);
  });

  it('virtual-m4f: reports the painted stack and survives garbage on the line', async () => {
    const { client, transport } = await connect('virtual-m4f', firmware['virtual-m4f']);
    await client.run();
    const stack = await client.stack();
    // The stack region is the 4 MiB of RAM above .bss; the profiler uses well under 1 KiB of it.
    expect(stack.stackBytes).toBeGreaterThan(4 * 1024 * 1024 - 16 * 1024);
    expect(stack.highWaterBytes).toBeGreaterThan(64);
    expect(stack.highWaterBytes).toBeLessThan(2048);
    // Noise with and without zeros, an over-long frame, a frame with a bad CRC: the device drops
    // them all and answers the next real request.
    let seed = 7;
    const noise = Uint8Array.from({ length: 2000 }, () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) & 0xff);
    await new Promise((resolve) => setTimeout(resolve, 100));
    await transport.write(noise);
    await transport.write(new Uint8Array(700).fill(0x41));
    const corrupted = cobsEncode(Uint8Array.of(1, 0, 9, 0, 1, 2, 3, 4));
    await transport.write(Uint8Array.from([0, ...corrupted, 0]));
    const payload = Uint8Array.from({ length: 100 }, (_, i) => i);
    await client.echo(payload);
    // Garbage costs no stack beyond an interrupt frame or two landing a little deeper (where the
    // receive interrupt strikes depends on timing): the high-water mark never shrinks and grows by
    // at most that.
    const after = await client.stack();
    expect(after.stackBytes).toBe(stack.stackBytes);
    expect(after.highWaterBytes).toBeGreaterThanOrEqual(stack.highWaterBytes);
    expect(after.highWaterBytes).toBeLessThanOrEqual(stack.highWaterBytes + 128);
  });

  it('virtual-m4f: runs measure their own stack, and bytes arriving meanwhile change neither their count nor that figure', async () => {
    const { client, transport } = await connect('virtual-m4f', firmware['virtual-m4f']);
    await client.loadInput(0, new Uint8Array(16).fill(3));
    // 4,000 runs of 30,440 instructions: most of a second of QEMU, the noise lands 100 ms in.
    const runs = 4000;
    const quiet = await client.run({ runs, measureStack: true });
    const quietStack = await client.stack();
    expect(quiet.min).toBe(quiet.max);
    // The server's frames above the model's count; the dummy model's ops are small C functions.
    expect(quietStack.runHighWaterBytes).toBeGreaterThan(64);
    expect(quietStack.runHighWaterBytes).toBeLessThanOrEqual(quietStack.highWaterBytes);
    // 2,000 bytes of noise (then a delimiter: an invalid frame, dropped) written while the board runs: their receive
    // interrupts wait until the runs are over (without the hold the slowest run here took 200 instructions more).
    const running = client.run({ runs, measureStack: true });
    let seed = 11;
    const noise = Uint8Array.from({ length: 2000 }, () => 1 + ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) % 255));
    await new Promise((resolve) => setTimeout(resolve, 100));
    await transport.write(noise);
    await transport.write(Uint8Array.of(0));
    const noisy = await running;
    expect([noisy.min, noisy.max]).toEqual([quiet.min, quiet.max]);
    const noisyStack = await client.stack();
    expect(noisyStack.runHighWaterBytes).toBe(quietStack.runHighWaterBytes);
    expect(noisyStack.highWaterBytes).toBeGreaterThanOrEqual(quietStack.highWaterBytes);
    await client.echo(Uint8Array.of(1, 2, 3));
  });

  for (const id of ['virtual-m7', 'virtual-m55']) {
    it(`${id}: the same profiler answers and computes the same result`, async () => {
      const { client, startedMs, helloMs } = await connect(id, firmware[id]);
      console.info(`${id} profiler: start + flash ${startedMs} ms, HELLO after resume ${helloMs} ms`);
      expect(client.info.boardId).toBe(id);
      expect(client.info.timerResolution).toBe(id === 'virtual-m55' ? 32 : 40);
      const input = Int8Array.from({ length: 16 }, (_, i) => 100 - i * 13);
      await client.loadInput(0, bytesOf(input));
      const reply = await client.run({ runs: 3 });
      expect(reply.min).toBe(reply.max);
      expect(int8(await client.readOutput(0))).toEqual(dummyModel(input).output);
    });
  }

  it('real-template: times with DWT CYCCNT in cycles (which QEMU does not model: 0)', async () => {
    const { client } = await connect('real-template', firmware['real-template']);
    expect(client.info).toMatchObject({ boardId: 'real-template', timerUnit: 'cycles', timerHz: 25_000_000, timerResolution: 1 });
    const input = Int8Array.from({ length: 16 }, (_, i) => i - 8);
    await client.loadInput(0, bytesOf(input));
    const reply = await client.run({ runs: 2 });
    expect(reply).toMatchObject({ timerUnit: 'cycles', total: 0, min: 0, max: 0 });
    expect(await client.readProfile()).toEqual([0, 0, 0]);
    expect(int8(await client.readOutput(0))).toEqual(dummyModel(input).output);
  });

  it('a board that never answers HELLO is a TimeoutError naming the port and where the core is', async () => {
    const error = await connect('virtual-m4f', fixtures.silent, { helloAttempts: 4, helloTimeoutMs: 200 }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as Error).message).toMatch(
      /^board virtual-m4f did not answer HELLO on \/dev\/pts\/\d+ \(4 attempts × 200 ms\); its core is in (thread mode|IRQ 0 handler), pc 0x[0-9a-f]{8} in \w+$/,
    );
    expect((error as TimeoutError).data).toMatchObject({ board: 'virtual-m4f', attempts: 4 });
  });

  it('a board stuck in a fault handler says so when it does not answer', async () => {
    const error = await connect('virtual-m7', fixtures.fault, { helloAttempts: 3, helloTimeoutMs: 200 }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as Error).message).toMatch(/its core is in HardFault handler, pc 0x[0-9a-f]{8} in HardFault_Handler$/);
  });

  it('QEMU killed during a RUN is reported as a board crash', async () => {
    const { client, board } = await connect('virtual-m4f', firmware['virtual-m4f']);
    const pid = board.process.pid!;
    // 65535 runs of about 30 000 instructions take seconds of emulation: QEMU dies meanwhile.
    // The client is guarded (connectVirtualBoard): no explicit board.guard needed.
    const framesBefore = client.session.statistics.framesSent;
    const running = client.run({ runs: 65535 });
    // Killed once the RUN frame is on the line (a trigger, not a guessed delay).
    while (client.session.statistics.framesSent === framesBefore) await new Promise((resolve) => setImmediate(resolve));
    process.kill(pid, 'SIGKILL');
    const error = await running.catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DeviceError);
    expect((error as Error).message).toMatch(new RegExp(`^board virtual-m4f crashed: QEMU \\(pid ${pid}\\) was killed by SIGKILL`));
  });
});
