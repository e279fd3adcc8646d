import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireTools } from '../../../../test/testing/tools.js';
import { sharedModels } from '../../../../test/testing/shared-data.js';
import { nucleoF446re, requireBoard, virtualM4f, type Board } from '../../common/boards/index.js';
import { stm32f4Firmware, virtualStm32f405 } from '../../common/boards/stm32f4.js';
import { CancelledError, DeviceError } from '../../common/errors.js';
import type { Transport } from '../../common/protocol/transport.js';
import { loadModelFile } from '../model-file.js';
import { buildModelGraph } from '../toolchain/build-model.js';
import type { ElfSymbol } from '../toolchain/elf.js';
import { boardBackend, connectBoard, connectGdbServerBoard, type BoardConnectProgress } from './board-connection.js';
import { GdbClient } from './gdb/gdb-client.js';
import { QemuProbe } from './qemu/qemu-probe.js';
import { virtualBoardTestsUnavailable } from './qemu/testing/qemu.js';
import { SerialPortTransport } from './transport/serial.js';

/**
 * The board back-ends behind Deploy & Profile, on QEMU: virtual-stm32f405 (netduinoplus2) goes
 * through the real-board back-end — QEMU's gdbstub as the GDB server, its pty opened through the
 * serialport transport — and runs the STM32F4 family code the NUCLEO-F446RE builds from.
 */
const unavailable = virtualBoardTestsUnavailable();

describe('board back-ends', () => {
  requireTools(unavailable);
  let directory: string;
  let elf: string;
  let symbols: readonly ElfSymbol[];

  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'tinydeploy-board-connection-'));
    const graph = await loadModelFile(sharedModels.kws_ref_model);
    const { build } = await buildModelGraph(graph, { board: virtualStm32f405, out: join(directory, 'stm32f405'), application: 'profiler', name: 'kws', hash: 'sha256:00' });
    elf = build!.elf;
    symbols = build!.symbols;
  }, 120_000);
  afterAll(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  it('picks the back-end from the catalog entry', () => {
    expect(boardBackend(virtualM4f)).toBe('virtual');
    expect(boardBackend(virtualStm32f405)).toBe('gdb-server');
    expect(boardBackend(nucleoF446re)).toBe('gdb-server');
    expect(boardBackend(requireBoard('rpi-pico'))).toBe('mass-storage');
  });

  it('virtual-stm32f405: flashed through a GDB server, its line opened through the serialport transport, steps in order', async () => {
    const steps: BoardConnectProgress['step'][] = [];
    let line: Transport | undefined;
    const connection = await connectBoard(virtualStm32f405, elf, {
      onProgress: (progress) => steps.push(progress.step),
      wrapTransport: (inner) => (line = inner),
    });
    try {
      expect(steps).toEqual(['start', 'start', 'flash', 'line', 'hello']);
      expect(connection.backend).toBe('gdb-server');
      // No virtual-board shortcut: inputs go over the line, like on a real board.
      expect(connection.writeMemory).toBeUndefined();
      expect(line).toBeInstanceOf(SerialPortTransport);
      expect(line!.description).toBe(`serial ${connection.serialPath}`);
      expect(connection.serialPath).toMatch(/^\/dev\/pts\/\d+$/);
      expect(connection.info.boardId).toBe('virtual-stm32f405');
      expect(connection.info.timerUnit).toBe('instructions');
      // QEMU's SysTick runs at 168 MHz: one tick is 1e9 / 168e6 ≈ 5.95 instructions.
      expect(connection.info.timerResolution).toBe(6);
      const echo = Uint8Array.from({ length: 300 }, (_, i) => (i * 7) & 0xff);
      // ECHO checks the bytes come back unchanged (a DeviceError otherwise).
      await connection.client.echo(echo);
    } finally {
      await connection.close();
    }
  });

  it('the clock set-up does not hang on the RCC QEMU leaves out: it stays on HSI and says why', async () => {
    const probe = await QemuProbe.start(virtualStm32f405);
    const connection = await connectGdbServerBoard(virtualStm32f405, elf, { probe, gdbServer: probe.gdbServer, serialPort: probe.serialPath });
    try {
      const state = symbols.find((symbol) => symbol.name === 'td_stm32f4_clock')!;
      expect(state.size).toBe(16);
      // A debugger attaching halts the VM; detaching lets it go on.
      const gdb = await GdbClient.connect(probe.gdbServer.host, probe.gdbServer.port);
      const bytes = await gdb.readMemory(state.value, 16);
      await gdb.detach();
      const words = new DataView(bytes.buffer);
      // status 1: HSI ready flag never set (QEMU reads RCC as 0); core, APB1, APB2 at HSI's 16 MHz.
      expect([0, 4, 8, 12].map((offset) => words.getUint32(offset, true))).toEqual([1, 16_000_000, 16_000_000, 16_000_000]);
      // And the board still answers after that.
      expect((await connection.client.stack()).highWaterBytes).toBeGreaterThan(0);
    } finally {
      await connection.close();
    }
    expect(probe.running).toBe(false);
  });

  it('a board that answers HELLO as another board is refused, naming both and the port', async () => {
    const probe = await QemuProbe.start(virtualStm32f405);
    const impostor: Pick<Board, 'id' | 'flash'> = { id: 'nucleo-f446re', flash: { kind: 'gdb-remote', server: 'qemu' } };
    const error = await connectGdbServerBoard(impostor, elf, { probe, gdbServer: probe.gdbServer, serialPort: probe.serialPath }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DeviceError);
    expect((error as Error).message).toBe(`the board on ${probe.serialPath} answers as virtual-stm32f405, not nucleo-f446re: is the port the right one?`);
    expect(probe.running).toBe(false);
  });

  it('an STM32F4 timing in cycles whose PLL never locked reports the HSI clock it runs at, and the connection says so', async () => {
    // The NUCLEO's DWT timer on the virtual STM32F405: QEMU reads CYCCNT as 0, but HELLO reports the clock.
    const cycles: Board = { ...virtualStm32f405, timer: { kind: 'dwt', unit: 'cycles' }, firmware: stm32f4Firmware('virtual-stm32f405', 'dwt') };
    const graph = await loadModelFile(sharedModels.ad01_int8);
    const { build } = await buildModelGraph(graph, { board: cycles, out: join(directory, 'dwt'), application: 'profiler', name: 'ad01', hash: 'sha256:00' });
    const probe = await QemuProbe.start(cycles);
    const messages: string[] = [];
    const connection = await connectGdbServerBoard(cycles, build!.elf, {
      probe,
      gdbServer: probe.gdbServer,
      serialPort: probe.serialPath,
      onProgress: (progress) => messages.push(progress.message),
    });
    try {
      expect(connection.info).toMatchObject({ timerUnit: 'cycles', timerHz: 16_000_000 });
      const note = 'board virtual-stm32f405 runs at 16 MHz, not the 168 MHz of its catalog entry: its clock set-up fell back (a ready flag never came); cycles and ms are at 16 MHz';
      expect(connection.clockNote).toBe(note);
      expect(messages).toContain(note);
    } finally {
      await connection.close();
    }
  }, 120_000);

  it('cancel between steps stops what was started', async () => {
    const controller = new AbortController();
    const probe = await QemuProbe.start(virtualStm32f405);
    const error = await connectGdbServerBoard(virtualStm32f405, elf, {
      probe,
      gdbServer: probe.gdbServer,
      serialPort: probe.serialPath,
      signal: controller.signal,
      onProgress: (progress) => {
        if (progress.step === 'flash') controller.abort();
      },
    }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(CancelledError);
    expect(probe.running).toBe(false);
  });

  it('a real board whose GDB server is not there is a DeviceError naming the address', async () => {
    const error = await connectBoard(nucleoF446re, elf, { gdbServer: '127.0.0.1:1', serialPort: '/dev/null' }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DeviceError);
    expect((error as Error).message).toMatch(/^cannot connect to GDB server 127\.0\.0\.1:1: /);
  });

  it('NUCLEO-F446RE builds from the same STM32F4 start-up, clock and USART code, with its own board.h and the DWT timer', async () => {
    const shared = (board: Board) => board.firmware.sources.filter((file) => !file.startsWith(`${board.firmware.directory}/`));
    expect(shared(nucleoF446re)).toEqual(shared(virtualStm32f405));
    expect(shared(virtualStm32f405)).toEqual(['common/src/td_startup.c', 'stm32f4/src/td_stm32f4_clock.c', 'stm32f4/src/td_stm32f4_board.c']);
    expect(nucleoF446re.firmware.runtimeSources).toEqual(['stm32f4/src/td_stm32f4_serial.c', 'common/src/td_dwt_timer.c']);
    expect(virtualStm32f405.firmware.runtimeSources).toEqual(['stm32f4/src/td_stm32f4_serial.c', 'common/src/td_systick_timer.c']);
    const graph = await loadModelFile(sharedModels.kws_ref_model);
    const { build } = await buildModelGraph(graph, { board: nucleoF446re, out: join(directory, 'f446re'), application: 'profiler', name: 'kws', hash: 'sha256:00' });
    const names = new Set(build!.symbols.map((symbol) => symbol.name));
    for (const name of ['td_stm32f4_clock_init', 'td_stm32f4_clock', 'UART0_RX_IRQHandler', 'td_board_clock_hz']) expect(names).toContain(name);
    const vectors = build!.symbols.find((symbol) => symbol.name === 'td_vector_table')!;
    // 16 core exceptions + the STM32F446's 97 interrupts, at the start of its flash.
    expect(vectors).toMatchObject({ value: 0x0800_0000, size: (16 + 97) * 4 });
  }, 120_000);
});
