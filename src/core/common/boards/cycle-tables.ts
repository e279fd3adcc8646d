import { ValidationError } from '../errors.js';
import { boards, type Board, type CortexCore } from './catalog.js';

/**
 * Estimated cycles and milliseconds from an instruction mix: what a virtual board (QEMU counts
 * instructions, not cycles) says about a real board's speed. The mix comes from QEMU's
 * instruction-class plugin (firmware/qemu-plugin/insn-classes.c) over one inference; this file
 * prices it with a per-core table of the technical reference manuals' cycle counts and adds the
 * target board's flash wait states.
 *
 *   cycles = Σ_class count·cost(class)                    issue cost of each instruction
 *          + (registers moved by LDM/STM/POP/PUSH/VLDM/VSTM)·perRegister
 *          + (taken branches and other PC writes)·refill   pipeline refill, the TRMs' "P"
 *          + (flash data-line misses)·waitStates           weights and constants read from flash
 *   ms     = cycles / cpuHz · 1000
 *
 * What it assumes, and so what it cannot see:
 * - Instruction fetches hit the flash accelerator or cache (ST's ART, nRF52's cache, RP2's XIP
 *   cache): inference kernels are small loops. Fetch wait states are not added.
 * - Data reads from flash pay `flashWaitStates` once per line the plugin's line-buffer model misses
 *   (4 most recent lines of the board's flash line size, `flashLineBytes`); reads from RAM and
 *   TCM have no wait states, and bus contention is ignored.
 * - Data-dependent timings take one value: a divide is priced at the middle of its range, P at
 *   the middle of the TRM's 1–3 (Cortex-M4); the load-after-load overlap ignores register
 *   dependencies; IT is not folded.
 * - Cortex-M7 and Cortex-M55 issue two instructions per cycle in some pairs; their tables are
 *   throughput averages (the TRMs publish no per-instruction table), good to about ±30%.
 * So the result is an estimate, reported with the core and clock it assumes, never a measurement.
 */

/** The classes the plugin counts (the keys of its `classes` object). */
export const instructionClasses = [
  'alu',
  'it',
  'mul',
  'mul_long',
  'mac',
  'simd',
  'divide',
  'load',
  'load_pipelined',
  'store',
  'load_dual',
  'store_dual',
  'load_multiple',
  'store_multiple',
  'branch',
  'call',
  'table_branch',
  'vfp_alu',
  'vfp_mac',
  'vfp_divide',
  'vfp_load',
  'vfp_store',
  'vfp_load_multiple',
  'vfp_store_multiple',
  'vfp_move',
  'vector',
  'system',
] as const;
export type InstructionClass = (typeof instructionClasses)[number];

/** One counting window of the plugin: the instructions of one inference, by class. */
export interface InstructionMix {
  /** Every instruction executed in the window (exact). */
  instructions: number;
  classes: Record<InstructionClass, number>;
  /** Registers moved by LDM/POP/VLDM and by STM/PUSH/VSTM (beyond the instructions themselves). */
  registersLoaded: number;
  registersStored: number;
  /** PC writes that changed the flow (taken branches, calls, returns) and ones that fell through. */
  taken: number;
  notTaken: number;
  /** Loads from the board's flash region, and the flash lines the line-buffer model missed, per line size. */
  flashLoads: number;
  flashLineMisses: Record<'8' | '16' | '32', number>;
}

/** Cycles of each class on one core; `null`: the core does not have these instructions. */
export interface CoreCycleTable {
  core: CortexCore;
  /** Where the figures come from. */
  source: string;
  cycles: Record<InstructionClass, number | null>;
  /** Extra cycles per register of LDM/STM/PUSH/POP/VLDM/VSTM (the TRMs' "N"). */
  perRegister: number;
  /** Pipeline refill after a taken branch or other PC write (the TRMs' "P"). */
  refill: number;
}

const none = null;

/**
 * Cortex-M4: Cortex-M4 Technical Reference Manual r0p1 (ARM DDI 0439B / 100166), §3.3.1 Table 3-1
 * "Cortex-M4 instruction set summary" and §3.3.2 "Load/store timings"; FPU: §7.2.3 Table 7-1.
 * MUL/MLA/MLS, SMULL/SMLAL/UMLAL and every DSP MAC (SMLAD, SMLAxy, …) 1 cycle; SDIV/UDIV 2–12
 * (priced 7); LDR 2, but 1 when it follows another load or store (address/data phases overlap);
 * STR with an immediate offset 1 (the store completes while the next instruction runs); LDRD/STRD
 * 1 + 2; LDM/STM/PUSH/POP 1 + N; B/BL/BX 1 + P, P = 1 to 3 (priced 2); TBB/TBH 2 + P. FPU:
 * VADD/VSUB/VMUL/VABS/VCVT/VCMP 1, VMLA/VMLS/VNMLA/VFMA 3, VDIV/VSQRT 14, VLDR/VSTR 2,
 * VLDM/VSTM 1 + N, VMOV/VMRS 1.
 */
const cortexM4: CoreCycleTable = {
  core: 'cortex-m4',
  source: 'Cortex-M4 TRM (ARM DDI 0439B) Table 3-1 and §3.3.2; FPU Table 7-1',
  cycles: {
    alu: 1, it: 1, mul: 1, mul_long: 1, mac: 1, simd: 1, divide: 7,
    load: 2, load_pipelined: 1, store: 1, load_dual: 3, store_dual: 3, load_multiple: 1, store_multiple: 1,
    branch: 1, call: 1, table_branch: 2,
    vfp_alu: 1, vfp_mac: 3, vfp_divide: 14, vfp_load: 2, vfp_store: 2, vfp_load_multiple: 1, vfp_store_multiple: 1, vfp_move: 1,
    vector: none, system: 1,
  },
  perRegister: 1,
  refill: 2,
};

/**
 * Cortex-M0+: Cortex-M0+ Technical Reference Manual r0p1 (ARM DDI 0484C) §3.3 Table 3-1 (2-stage
 * pipeline, single-cycle multiplier as on RP2040). ALU and MULS 1; LDR/STR 2, no overlap; LDM/STM/
 * PUSH/POP 1 + N; B taken 2, not taken 1 (refill 1); BL 3; BX/BLX 2; POP {pc} 3 + N (priced 2 + N).
 * ARMv6-M has no DSP, divide, LDRD, table branch, IT or FPU: a mix containing them cannot be priced.
 */
const cortexM0plus: CoreCycleTable = {
  core: 'cortex-m0plus',
  source: 'Cortex-M0+ TRM (ARM DDI 0484C) Table 3-1',
  cycles: {
    alu: 1, it: none, mul: 1, mul_long: none, mac: none, simd: none, divide: none,
    load: 2, load_pipelined: 2, store: 2, load_dual: none, store_dual: none, load_multiple: 1, store_multiple: 1,
    branch: 1, call: 2, table_branch: none,
    vfp_alu: none, vfp_mac: none, vfp_divide: none, vfp_load: none, vfp_store: none, vfp_load_multiple: none, vfp_store_multiple: none, vfp_move: none,
    vector: none, system: 1,
  },
  perRegister: 1,
  refill: 1,
};

/**
 * Cortex-M33: Cortex-M33 TRM (ARM 100230) describes the same 3-stage Armv8-M Mainline pipeline
 * timing as the Cortex-M4 (single-cycle 32-bit MAC and DSP, SDIV/UDIV 2–11, LDR 2 pipelined to 1,
 * B 1 + P, FPv5 single precision: VFMA 3, VDIV/VSQRT 14); the M4 figures are used.
 */
const cortexM33: CoreCycleTable = {
  ...cortexM4,
  core: 'cortex-m33',
  source: 'Cortex-M33 TRM (ARM 100230), pipeline as Cortex-M4 TRM (ARM DDI 0439B) Table 3-1',
  cycles: { ...cortexM4.cycles, divide: 6 },
};

/**
 * Cortex-M7: Cortex-M7 TRM (ARM DDI 0489F) §1.2 and §3 (6-stage superscalar, dual issue of ALU
 * pairs and of a load beside an ALU operation, branch target cache, 64-bit AXI/TCM) publishes no
 * per-instruction table; these are throughput averages: two ALU/SIMD instructions per cycle,
 * one load, store or MAC per cycle, LDRD in one cycle, LDM 2 registers per cycle, a predicted
 * taken branch 1 cycle (refill 1), FPU operations pipelined at 1 per cycle, VDIV 14.
 */
const cortexM7: CoreCycleTable = {
  core: 'cortex-m7',
  source: 'Cortex-M7 TRM (ARM DDI 0489F) §1.2/§3: dual-issue throughput averages (±30%)',
  cycles: {
    alu: 0.5, it: 0, mul: 1, mul_long: 1, mac: 1, simd: 0.5, divide: 7,
    load: 1, load_pipelined: 1, store: 1, load_dual: 1, store_dual: 1, load_multiple: 1, store_multiple: 1,
    branch: 1, call: 1, table_branch: 2,
    vfp_alu: 1, vfp_mac: 1, vfp_divide: 14, vfp_load: 1, vfp_store: 1, vfp_load_multiple: 1, vfp_store_multiple: 1, vfp_move: 1,
    vector: none, system: 1,
  },
  perRegister: 0.5,
  refill: 1,
};

/**
 * Cortex-M55: Cortex-M55 TRM (ARM 101051) §2: 4-stage scalar pipeline with limited dual issue of
 * 16-bit pairs, 64-bit TCM interfaces, a dual-beat Helium (MVE) unit: a 128-bit vector
 * instruction takes 2 cycles. Scalar loads 1 (TCM), LDRD 1, LDM 2 registers per cycle, taken
 * branch 1 + refill 2, FPU pipelined (VFMA 1 per cycle), VDIV 14.
 */
const cortexM55: CoreCycleTable = {
  core: 'cortex-m55',
  source: 'Cortex-M55 TRM (ARM 101051) §2: scalar and dual-beat MVE throughput averages (±30%)',
  cycles: {
    alu: 1, it: 1, mul: 1, mul_long: 1, mac: 1, simd: 1, divide: 7,
    load: 1, load_pipelined: 1, store: 1, load_dual: 1, store_dual: 1, load_multiple: 1, store_multiple: 1,
    branch: 1, call: 1, table_branch: 2,
    vfp_alu: 1, vfp_mac: 1, vfp_divide: 14, vfp_load: 1, vfp_store: 1, vfp_load_multiple: 1, vfp_store_multiple: 1, vfp_move: 1,
    vector: 2, system: 1,
  },
  perRegister: 0.5,
  refill: 2,
};

/**
 * Cortex-M3: Cortex-M3 TRM r2p1 (ARM DDI 0337I) Table 18-1: as the M4 without DSP and FPU, but
 * MLA/MLS 2, long multiplies 3–5 (priced 4, with accumulate 4–7 priced as 4).
 */
const cortexM3: CoreCycleTable = {
  ...cortexM4,
  core: 'cortex-m3',
  source: 'Cortex-M3 TRM (ARM DDI 0337I) Table 18-1',
  cycles: {
    ...cortexM4.cycles,
    mac: none, simd: none, mul_long: 4,
    vfp_alu: none, vfp_mac: none, vfp_divide: none, vfp_load: none, vfp_store: none, vfp_load_multiple: none, vfp_store_multiple: none, vfp_move: none,
  },
};

export const cycleTables: Readonly<Record<CortexCore, CoreCycleTable>> = {
  'cortex-m0plus': cortexM0plus,
  'cortex-m3': cortexM3,
  'cortex-m4': cortexM4,
  'cortex-m7': cortexM7,
  'cortex-m33': cortexM33,
  'cortex-m55': cortexM55,
};

/** What the estimate needs to know about the board it estimates for. */
export interface EstimateTarget {
  /** Board id, for the report. */
  board: string;
  core: CortexCore;
  cpuHz: number;
  /** Wait states of a flash data read at `cpuHz` (0: none). */
  flashWaitStates: number;
  /** Bytes the flash (or its data cache) delivers per access: 8 on STM32L4, 16 on STM32F4, a 32-byte cache line on Cortex-M7. */
  flashLineBytes: 8 | 16 | 32;
}

/**
 * The flash line of a board's data reads: a Cortex-M7 with its data cache on reads 32-byte cache
 * lines; STM32L4 flash is 64 bits wide (RM0432 §3.3), STM32F4 128 bits (RM0090 §3.5); others 16.
 */
export function estimateTargetOf(board: Board): EstimateTarget {
  const flashLineBytes: 8 | 16 | 32 = board.core === 'cortex-m7' && board.caches?.data ? 32 : board.family === 'stm32l4' ? 8 : 16;
  return { board: board.id, core: board.core, cpuHz: board.cpuHz, flashWaitStates: board.kind === 'virtual' ? 0 : (board.flashWaitStates ?? 0), flashLineBytes };
}

export interface CycleEstimate {
  board: string;
  core: CortexCore;
  cpuHz: number;
  /** Estimated cycles of one inference (rounded). */
  cycles: number;
  ms: number;
  /** The exact instruction count the estimate starts from. */
  instructions: number;
  /** Cycles by source: instructions' issue, LDM/STM registers, pipeline refills, flash wait states. */
  parts: { issue: number; registers: number; refills: number; flashWaits: number };
  /** The cycle table's source. */
  source: string;
}

/**
 * Prices `mix` on `target` (see the module comment). A class the target's core does not have
 * (DSP or FPU instructions priced for a Cortex-M0+) is a ValidationError naming the class and its
 * count: the mix must come from firmware built for the same instruction set.
 */
export function estimateCycles(mix: InstructionMix, target: EstimateTarget): CycleEstimate {
  const table = cycleTables[target.core];
  if (!table) throw new ValidationError(`no cycle table for core ${target.core}`, { core: target.core });
  if (!(target.cpuHz > 0)) throw new ValidationError(`board ${target.board}: clock must be a positive number of Hz, got ${target.cpuHz}`, { board: target.board });
  let issue = 0;
  for (const name of instructionClasses) {
    const count = mix.classes[name] ?? 0;
    if (count === 0) continue;
    const cost = table.cycles[name];
    if (cost === null) {
      throw new ValidationError(
        `cannot estimate for ${target.board} (${target.core}): the firmware ran ${count} "${name}" instructions, which ${target.core} does not have; estimate from firmware built for that core`,
        { board: target.board, core: target.core, class: name, count },
      );
    }
    issue += count * cost;
  }
  const registers = (mix.registersLoaded + mix.registersStored) * table.perRegister;
  const refills = mix.taken * table.refill;
  const flashWaits = target.flashWaitStates * (mix.flashLineMisses[String(target.flashLineBytes) as '8' | '16' | '32'] ?? 0);
  const cycles = Math.round(issue + registers + refills + flashWaits);
  return {
    board: target.board,
    core: target.core,
    cpuHz: target.cpuHz,
    cycles,
    ms: (cycles / target.cpuHz) * 1000,
    instructions: mix.instructions,
    parts: { issue, registers, refills, flashWaits },
    source: table.source,
  };
}

/**
 * The virtual board whose runs estimate `target` best when it is not plugged in: one with the same
 * core, else (Cortex-M33) the Cortex-M4F, whose Armv7E-M build the M33 also runs. Undefined when
 * no virtual board's build can run on the target (Cortex-M0+: no DSP, every virtual board has it).
 */
export function estimatingBoardFor(target: Board, candidates: readonly Board[] = boards): Board | undefined {
  const virtual = candidates.filter((board) => board.kind === 'virtual' && board.qemu && !board.custom && (!board.dsp || target.dsp));
  const sameCore = virtual.filter((board) => board.core === target.core);
  // A board of the target's own family (virtual-stm32f405 for an STM32F4) first, then a plain one.
  const pick = sameCore.find((board) => board.family !== undefined && board.family === target.family) ?? sameCore.find((board) => !board.family) ?? sameCore[0];
  if (pick) return pick;
  return target.core === 'cortex-m33' ? virtual.find((board) => board.core === 'cortex-m4' && !board.family) : undefined;
}

/** "Cortex-M4", "Cortex-M0+" for messages. */
export function coreName(core: CortexCore): string {
  return core === 'cortex-m0plus' ? 'Cortex-M0+' : core.replace('cortex-m', 'Cortex-M');
}

/** One line: `≈ 5,210,000 cycles, ≈ 43.4 ms on nucleo-l4r5zi (estimate from the instruction mix; Cortex-M4 at 120 MHz)`. */
export function formatEstimate(estimate: CycleEstimate): string {
  const megahertz = estimate.cpuHz / 1e6;
  return `≈ ${estimate.cycles.toLocaleString('en-US')} cycles, ≈ ${estimate.ms < 10 ? estimate.ms.toFixed(2) : estimate.ms.toFixed(1)} ms on ${estimate.board} (estimate from the instruction mix; ${coreName(estimate.core)} at ${Number.isInteger(megahertz) ? megahertz : megahertz.toFixed(1)} MHz)`;
}

/** Reads one line of the plugin's output; a malformed line is a ValidationError quoting where it fails. */
export function parseInstructionMix(line: string): InstructionMix {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    throw new ValidationError(`instruction-class plugin: a line of its output is not JSON (${line.length} characters)`);
  }
  const record = value as Partial<InstructionMix> & { classes?: Record<string, unknown> };
  const number = (field: unknown, name: string): number => {
    if (typeof field !== 'number' || !Number.isFinite(field) || field < 0) throw new ValidationError(`instruction-class plugin: field ${name} is not a count`, { field: name });
    return field;
  };
  const classes = {} as Record<InstructionClass, number>;
  for (const name of instructionClasses) classes[name] = number(record.classes?.[name], `classes.${name}`);
  const misses = (record.flashLineMisses ?? {}) as Record<string, unknown>;
  return {
    instructions: number(record.instructions, 'instructions'),
    classes,
    registersLoaded: number(record.registersLoaded, 'registersLoaded'),
    registersStored: number(record.registersStored, 'registersStored'),
    taken: number(record.taken, 'taken'),
    notTaken: number(record.notTaken, 'notTaken'),
    flashLoads: number(record.flashLoads, 'flashLoads'),
    flashLineMisses: { '8': number(misses['8'], 'flashLineMisses.8'), '16': number(misses['16'], 'flashLineMisses.16'), '32': number(misses['32'], 'flashLineMisses.32') },
  };
}
