/**
 * Every chip family's clock set-up (firmware/boards/<family>/src/*_clock.c), compiled for the host
 * against a register file (firmware/boards/common/tests/td_fake_mmio.c) where ready flags never
 * come unless the test says which do. What the boards need and QEMU's STM32 showed: the set-up
 * never hangs on a flag (every wait is bounded), falls back to the clock it already runs on, and
 * records why and at what clock, which the timer then reports; with the flags of working hardware
 * it reaches the board's catalog clock and bus clocks. And the UART divisors the drivers compute
 * from those clocks give 115200 baud within 1 %.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findBoard } from '../../common/boards/index.js';
import { missingHostCompiler } from '../../../../test/codegen/testing/codegen.js';
import { requireTools } from '../../../../test/testing/tools.js';
import { compile, requireCompiler, runProgram } from './compiler.js';
import { firmwareRoot } from './firmware.js';

interface Scenario {
  /** What answers: ADDRESS:MASK bits that read as set. */
  ready: string[];
  /** The family's state record after the set-up: status, then clocks in Hz. */
  state: number[];
}

const MHz = 1_000_000;
const families: { board: string; family: string; scenarios: Record<string, Scenario> }[] = [
  {
    board: 'nucleo-f446re',
    family: 'stm32f4',
    scenarios: {
      'no flag answers': { ready: [], state: [1, 16 * MHz, 16 * MHz, 16 * MHz] },
      'HSI only: PLL not locked': { ready: ['40023800:2'], state: [2, 16 * MHz, 16 * MHz, 16 * MHz] },
      'no over-drive': { ready: ['40023800:2000002'], state: [3, 16 * MHz, 16 * MHz, 16 * MHz] },
      'working hardware': { ready: ['40023800:2000002', '40007004:30000', '40023808:8'], state: [0, 180 * MHz, 45 * MHz, 90 * MHz] },
    },
  },
  {
    board: 'nucleo-l4r5zi',
    family: 'stm32l4',
    scenarios: {
      'no flag answers': { ready: [], state: [1, 4 * MHz, 4 * MHz, 4 * MHz] },
      'MSI only: PLL not locked': { ready: ['40021000:2'], state: [4, 4 * MHz, 4 * MHz, 4 * MHz] },
      'switch never reported': { ready: ['40021000:2000002'], state: [5, 4 * MHz, 4 * MHz, 4 * MHz] },
      'working hardware': { ready: ['40021000:2000002', '40021008:c'], state: [0, 120 * MHz, 120 * MHz, 120 * MHz] },
    },
  },
  {
    board: 'stm32f746g-disco',
    family: 'stm32f7',
    scenarios: {
      'no flag answers': { ready: [], state: [2, 16 * MHz, 16 * MHz, 16 * MHz] },
      'no over-drive': { ready: ['40023800:2000002'], state: [4, 16 * MHz, 16 * MHz, 16 * MHz] },
      'no crystal: the PLL runs from HSI': { ready: ['40023800:2000002', '40007004:30000', '40023808:8'], state: [1, 216 * MHz, 54 * MHz, 108 * MHz] },
      'working hardware': { ready: ['40023800:2020002', '40007004:30000', '40023808:8'], state: [0, 216 * MHz, 54 * MHz, 108 * MHz] },
    },
  },
  {
    board: 'nucleo-h743zi2',
    family: 'stm32h7',
    scenarios: {
      'no flag answers': { ready: [], state: [1, 64 * MHz, 64 * MHz, 64 * MHz] },
      'supply ready, voltage scale never': { ready: ['58024804:2000'], state: [2, 64 * MHz, 64 * MHz, 64 * MHz] },
      'PLL1 not locked': { ready: ['58024804:2000', '58024818:2000', '58024400:4'], state: [4, 64 * MHz, 64 * MHz, 64 * MHz] },
      'working hardware': { ready: ['58024804:2000', '58024818:2000', '58024400:2000004', '58024410:18'], state: [0, 480 * MHz, 120 * MHz, 120 * MHz] },
    },
  },
  {
    board: 'nrf52840-dk',
    family: 'nrf52',
    scenarios: {
      'no crystal: stays on HFINT at 64 MHz': { ready: [], state: [1, 64 * MHz] },
      'working hardware': { ready: ['40000100:1', '4000040c:10001'], state: [0, 64 * MHz] },
    },
  },
  {
    board: 'rpi-pico',
    family: 'rp2040',
    scenarios: {
      'no crystal: stays on the ring oscillator': { ready: [], state: [1, 6.5 * MHz, 6.5 * MHz] },
      'crystal, no PLL lock: runs at 12 MHz': { ready: ['40024004:80000000', '40008038:4', '4000c008:ffffffff'], state: [2, 12 * MHz, 12 * MHz] },
      'PLL locked, clk_sys mux never reports it': { ready: ['40024004:80000000', '40008038:4', '4000c008:ffffffff', '40028000:80000000'], state: [3, 12 * MHz, 12 * MHz] },
    },
  },
  {
    board: 'rpi-pico2',
    family: 'rp2350',
    scenarios: {
      'no crystal: stays on the ring oscillator': { ready: [], state: [1, 11 * MHz, 11 * MHz] },
      'crystal, no PLL lock: runs at 12 MHz': { ready: ['40048004:80000000', '40010038:4', '40020008:ffffffff'], state: [2, 12 * MHz, 12 * MHz] },
      'PLL locked, clk_sys mux never reports it': { ready: ['40048004:80000000', '40010038:4', '40020008:ffffffff', '40050000:80000000'], state: [3, 12 * MHz, 12 * MHz] },
    },
  },
];

describe("each family's clock set-up waits a bounded time for every ready flag and records the clock it reached", () => {
  requireTools(missingHostCompiler);
  let directory: string;
  const programs = new Map<string, string>();
  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'tinydeploy-board-clocks-'));
    const compiler = await requireCompiler('host');
    const boards = join(firmwareRoot(), 'boards');
    for (const { board, family } of families) {
      const program = join(directory, family);
      await compile(compiler, {
        sources: [join(boards, family, 'src', `td_${family}_clock.c`), join(boards, 'common/tests/td_fake_mmio.c')],
        output: program,
        includeDirs: [join(boards, board), join(boards, family, 'include'), join(boards, 'common/include')],
        defines: { TD_CLOCK_HEADER: `"td_${family}.h"`, TD_CLOCK_INIT: `td_${family}_clock_init`, TD_CLOCK_STATE: `td_${family}_clock` },
        flags: ['-std=c99', '-O1', '-Wall', '-Werror', '-include', join(boards, 'common/tests/td_fake_mmio.h')],
      });
      programs.set(family, program);
    }
  }, 120_000);
  afterAll(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  for (const { board, family, scenarios } of families) {
    it.each(Object.entries(scenarios))(`${family} (${board}): %s`, async (_name, scenario) => {
      // A wait that is not bounded never returns: the time limit turns it into a failure.
      const { stdout } = await runProgram(programs.get(family)!, scenario.ready, { timeoutMs: 30_000 });
      const state = /\nstate ([\d ]+)\n/.exec(stdout.toString())?.[1].split(' ').map(Number);
      expect(state).toEqual(scenario.state);
      if (scenario.state[0] === 0) expect(scenario.state[1]).toBe(findBoard(board)!.cpuHz);
    });
  }
});

describe('the UART drivers divide the clocks they are given into 115200 baud', () => {
  requireTools(missingHostCompiler);

  it('STM32 USART and LPUART BRR, PL011 IBRD/FBRD: the reference manuals\' formulas, within 1 % of 115200', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'tinydeploy-uart-divisors-'));
    try {
      const boards = join(firmwareRoot(), 'boards');
      const program = join(directory, 'divisors');
      await compile(await requireCompiler('host'), {
        sources: [join(boards, 'common/tests/td_uart_divisors.c')],
        output: program,
        includeDirs: [join(boards, 'common/include')],
        flags: ['-std=c99', '-O1', '-Wall', '-Werror'],
      });
      // Bus clocks the set-ups give the UARTs: L4R5 LPUART1 (120 MHz, or 4 MHz on MSI), F446 USART2 (45), F746 USART1 (108),
      // H743 USART3 (120), HSI fallbacks (16, 64), RP2040 (125, 12, 6.5), RP2350 (150).
      const clocks = [120e6, 4e6, 45e6, 108e6, 16e6, 64e6, 125e6, 12e6, 6.5e6, 150e6];
      const { stdout } = await runProgram(program, clocks.map(String), { timeoutMs: 30_000 });
      const rows = stdout.toString().trim().split('\n').map((line) => line.split(' ').map(Number));
      expect(rows.map((row) => row[0])).toEqual(clocks);
      for (const [clock, usart, lpuart, ibrd, fbrd] of rows) {
        // RM0432 §50.4.4 / RM0385 §31.5.4: oversampling by 16, BRR = f / baud; LPUART: BRR = 256 f / baud.
        expect(usart, `${clock}`).toBe(Math.round(clock / 115200));
        expect(lpuart, `${clock}`).toBe(Math.round((256 * clock) / 115200));
        // PL011 (DDI 0183 §3.3.6): f / (16 baud) = IBRD + FBRD / 64, FBRD the fraction × 64 rounded.
        const divisor = clock / (16 * 115200);
        expect(ibrd, `${clock}`).toBe(Math.floor(divisor));
        expect(fbrd, `${clock}`).toBe(Math.round((divisor - Math.floor(divisor)) * 64));
        for (const baud of [clock / usart, (256 * clock) / lpuart, clock / (16 * (ibrd + fbrd / 64))]) expect(Math.abs(baud / 115200 - 1), `${clock}`).toBeLessThan(0.01);
      }
      // The figures of the boards' own clocks, as the datasheets' tables give them.
      expect(rows[0].slice(1)).toEqual([1042, 266667, 65, 7]);
      expect(rows[6].slice(3)).toEqual([67, 52]);
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });
});
