import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireTools } from '../../../../../test/testing/tools.js';
import { estimateCycles, type InstructionMix } from '../../../common/boards/cycle-tables.js';
import { parseElf } from '../../toolchain/elf.js';
import { compile, requireCompiler } from '../../toolchain/index.js';
import { buildInstructionPlugin, InstructionMixProbe } from './instruction-mix.js';
import { qemuCommand } from './qemu-process.js';
import { virtualBoardTestsUnavailable } from './testing/qemu.js';

/**
 * The instruction-class plugin on hand-written Thumb-2 loops run by QEMU's mps2-an386 (Cortex-M4F):
 * each loop sits between the two window markers, so the plugin's counts must equal what the source
 * says instruction by instruction, and the Cortex-M4 table must give the cycles the TRM gives for
 * the loop (Table 3-1, P = 2).
 */

const iterations = 1000;
const words = 64;

// Four windows: a DSP MAC loop, a streaming load loop over flash, a VFP MAC loop, and a call
// with PUSH/LDM/POP {pc}. No literal pools (MOVW/MOVT), so the only flash loads are the data's.
const source = `
  .syntax unified
  .cpu cortex-m4
  .fpu fpv4-sp-d16
  .thumb
  .section .vectors, "a"
  .word 0x20010000
  .word reset
  .text
  .thumb_func
  .global reset
reset:
  movw r0, #0xED88            @ CPACR: enable CP10/CP11
  movt r0, #0xE000
  mov r1, #0x00F00000
  str r1, [r0]
  dsb
  isb

  bl td_estimate_window_open  @ window 0: LDR + SMLAD + SUBS + BNE
  movw r0, #${iterations}
  movw r1, #:lower16:table
  movt r1, #:upper16:table
  movs r2, #0
1:
  ldr r3, [r1]
  smlad r2, r3, r3, r2
  subs r0, r0, #1
  bne 1b
  bl td_estimate_window_close

  bl td_estimate_window_open  @ window 1: stream ${words} words out of flash
  movw r0, #${words}
  movw r1, #:lower16:table
  movt r1, #:upper16:table
  movs r2, #0
2:
  ldr r3, [r1], #4
  add r2, r2, r3
  subs r0, r0, #1
  bne 2b
  bl td_estimate_window_close

  movw r1, #:lower16:table
  movt r1, #:upper16:table
  bl td_estimate_window_open  @ window 2: VLDR + VMLA.F32 + SUBS + BNE
  movw r0, #${iterations}
3:
  vldr s0, [r1]
  vmla.f32 s2, s0, s0
  subs r0, r0, #1
  bne 3b
  bl td_estimate_window_close

  bl td_estimate_window_open  @ window 3: BL to PUSH / LDM / POP {pc}
  movw r0, #${iterations}
4:
  bl leaf
  subs r0, r0, #1
  bne 4b
  bl td_estimate_window_close

  bl td_estimate_window_open  @ window 4: 16-bit instructions at the end of a page
  movw r0, #${iterations}
  movw r1, #:lower16:table
  movt r1, #:upper16:table
  b 5f
  .balign 4096
  .space 4084
5:
  uadd8 r2, r2, r3            @ page offset 0xff4: an unsigned parallel add (SIMD)
  adds r2, r2, #1             @ 0xff8
  adds r2, r2, #1
  ldr r3, [r1]                @ 0xffc: QEMU hands over the halfword at 0xffe with it
  subs r0, r0, #1             @ 0xffe
  bne 5b                      @ the next page
  bl td_estimate_window_close

  movs r0, #0x18              @ semihosting SYS_EXIT, ADP_Stopped_ApplicationExit
  movw r1, #0x0026
  movt r1, #0x0002
  bkpt 0xab

  .thumb_func
leaf:
  push {r4, r5, lr}
  ldm r1, {r4, r5}
  pop {r4, r5, pc}

  .thumb_func
  .global td_estimate_window_open
td_estimate_window_open:
  bx lr
  .thumb_func
  .global td_estimate_window_close
td_estimate_window_close:
  bx lr

  .section .rodata
  .balign 32
table:
  .rept ${words}
  .word 0x00030002
  .endr
`;

const unavailable = virtualBoardTestsUnavailable();
const zeroMix = (): InstructionMix['classes'] =>
  Object.fromEntries(
    (['alu', 'it', 'mul', 'mul_long', 'mac', 'simd', 'divide', 'load', 'load_pipelined', 'store', 'load_dual', 'store_dual', 'load_multiple', 'store_multiple', 'branch', 'call', 'table_branch', 'vfp_alu', 'vfp_mac', 'vfp_divide', 'vfp_load', 'vfp_store', 'vfp_load_multiple', 'vfp_store_multiple', 'vfp_move', 'vector', 'system'] as const).map((name) => [name, 0]),
  ) as InstructionMix['classes'];

describe('instruction-class plugin on hand-written loops (QEMU mps2-an386)', () => {
  requireTools(unavailable);
  let directory: string;
  let windows: InstructionMix[];

  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'insn-classes-'));
    const assembly = join(directory, 'loops.S');
    const elfPath = join(directory, 'loops.elf');
    await writeFile(assembly, source);
    await writeFile(join(directory, 'loops.ld'), 'SECTIONS { . = 0; .vectors : { KEEP(*(.vectors)) } .text : { *(.text*) } .rodata : { *(.rodata*) } }\n');
    await compile(await requireCompiler('arm-none-eabi'), {
      sources: [assembly],
      output: elfPath,
      flags: ['-mcpu=cortex-m4', '-mthumb', '-nostdlib', '-nostartfiles'],
      linkFlags: [`-T${join(directory, 'loops.ld')}`],
    });
    const { readFile } = await import('node:fs/promises');
    const elf = parseElf(new Uint8Array(await readFile(elfPath)));
    const probe = await InstructionMixProbe.create({
      ...InstructionMixProbe.markers(elf.symbols),
      flash: { origin: 0, size: 4 * 1024 * 1024 },
      plugin: await buildInstructionPlugin(join(directory, 'cache')),
    });
    const args = ['-M', 'mps2-an386', '-display', 'none', '-monitor', 'none', '-nodefaults', '-net', 'none', '-icount', 'shift=0', '-semihosting-config', 'enable=on,target=native', '-kernel', elfPath, ...probe.qemuArguments];
    const exit = await new Promise<{ code: number | null; stderr: string }>((resolve, reject) => {
      const child = spawn(qemuCommand(), args, { stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
      child.on('error', reject);
      child.on('exit', (code) => {
        clearTimeout(timer);
        resolve({ code, stderr });
      });
    });
    expect(exit.stderr).not.toMatch(/insn-classes|plugin|error/i);
    expect(exit.code).toBe(0);
    windows = await probe.windows();
    await probe.close();
  }, 120_000);

  afterAll(async () => {
    if (directory) await rm(directory, { recursive: true, force: true });
  });

  it('closes one window per marked loop', () => {
    expect(windows).toHaveLength(5);
  });

  // Every window holds the open marker's `bx lr` (a taken branch), the loop, and the `bl` to the
  // close marker (a taken call).
  it('counts LDR + SMLAD + SUBS + BNE exactly, and prices it at the TRM’s 7 cycles an iteration', () => {
    const mix = windows[0];
    const n = iterations;
    expect(mix.instructions).toBe(1 + 4 + 4 * n + 1);
    expect(mix.classes).toEqual({ ...zeroMix(), alu: 4 + n, load: n, mac: n, branch: 1 + n, call: 1 });
    expect(mix.taken).toBe(1 + (n - 1) + 1);
    expect(mix.notTaken).toBe(1);
    // The same word of flash every time: one line fetched per line size.
    expect(mix.flashLoads).toBe(n);
    expect(mix.flashLineMisses).toEqual({ '8': 1, '16': 1, '32': 1 });
    const estimate = estimateCycles(mix, { board: 'test', core: 'cortex-m4', cpuHz: 100e6, flashWaitStates: 0, flashLineBytes: 8 });
    // LDR 2 + SMLAD 1 + SUBS 1 + BNE taken 1 + P = 7 (TRM Table 3-1 with P = 2); the last BNE falls through (1).
    const overhead = 3 /* bx lr + P */ + 4 /* movw, movw, movt, movs */ + 3; /* bl + P */
    expect(estimate.cycles).toBe(7 * n - 2 + overhead);
  });

  it('counts a streaming flash read and misses one line per line size', () => {
    const mix = windows[1];
    expect(mix.instructions).toBe(1 + 4 + 4 * words + 1);
    expect(mix.classes).toEqual({ ...zeroMix(), alu: 4 + 2 * words, load: words, branch: 1 + words, call: 1 });
    expect(mix.flashLoads).toBe(words);
    expect(mix.flashLineMisses).toEqual({ '8': (words * 4) / 8, '16': (words * 4) / 16, '32': (words * 4) / 32 });
    // 5 wait states on an 8-byte line (STM32L4 at 120 MHz) add 5 cycles per 2 words read.
    const noWaits = estimateCycles(mix, { board: 'test', core: 'cortex-m4', cpuHz: 120e6, flashWaitStates: 0, flashLineBytes: 8 });
    const l4 = estimateCycles(mix, { board: 'test', core: 'cortex-m4', cpuHz: 120e6, flashWaitStates: 5, flashLineBytes: 8 });
    expect(l4.cycles - noWaits.cycles).toBe(5 * (words / 2));
  });

  it('counts VLDR + VMLA.F32 + SUBS + BNE, 9 cycles an iteration (FPU Table 7-1: VLDR 2, VMLA 3)', () => {
    const mix = windows[2];
    const n = iterations;
    expect(mix.instructions).toBe(1 + 1 + 4 * n + 1);
    expect(mix.classes).toEqual({ ...zeroMix(), alu: 1 + n, vfp_load: n, vfp_mac: n, branch: 1 + n, call: 1 });
    const estimate = estimateCycles(mix, { board: 'test', core: 'cortex-m4', cpuHz: 100e6, flashWaitStates: 0, flashLineBytes: 8 });
    expect(estimate.cycles).toBe(9 * n - 2 + 3 + 1 + 3);
  });

  it('counts BL, PUSH, LDM and POP {pc} with their registers, 20 cycles an iteration', () => {
    const mix = windows[3];
    const n = iterations;
    expect(mix.instructions).toBe(1 + 1 + 6 * n + 1);
    expect(mix.classes).toEqual({ ...zeroMix(), alu: 1 + n, call: n + 1, store_multiple: n, load_multiple: 2 * n, branch: 1 + n });
    expect(mix.registersStored).toBe(3 * n);
    expect(mix.registersLoaded).toBe(2 * n + 3 * n);
    // BL 1+P, PUSH {3} 1+3, LDM {2} 1+2, POP {3, pc} 1+3+P, SUBS 1, BNE 1+P = 3+4+3+6+1+3 = 20.
    const estimate = estimateCycles(mix, { board: 'test', core: 'cortex-m4', cpuHz: 100e6, flashWaitStates: 0, flashLineBytes: 8 });
    expect(estimate.cycles).toBe(20 * n - 2 + 3 + 1 + 3);
  });

  it('counts 16-bit instructions at a page end as 16-bit (QEMU 7.2 appends the next halfword to them), and UADD8 as SIMD', () => {
    const mix = windows[4];
    const n = iterations;
    expect(mix.instructions).toBe(1 + 4 + 6 * n + 1);
    expect(mix.classes).toEqual({ ...zeroMix(), alu: 3 + 3 * n, simd: n, load: n, branch: 2 + n, call: 1 });
  });
});
