/**
 * The fit check's two bars, flash and RAM against the board, with the named parts every view
 * uses (one vocabulary: the CLI's deploy output, History, the Deploy tab, reports):
 *   flash = weights + model + kernels + runtime + start-up + other
 *   RAM   = arena + stack + runtime + other
 * A measurement from a build that did not record its parts shows what it has: flash as one
 * part, RAM as arena + measured stack + other.
 */

import type { Measurement } from '../../../shared/services/types.js';

export interface MemoryPart {
  label: string;
  bytes: number;
  /** What the part holds, for its tooltip. */
  meaning: string;
}

export interface MemoryBar {
  label: 'Flash' | 'RAM';
  used: number;
  capacity: number | undefined;
  parts: MemoryPart[];
}

export const partMeanings = {
  weights: "the model's constant weight arrays",
  model: 'the rest of the generated model: the code calling one kernel per op and the per-op parameters (multipliers, shifts, tables)',
  kernels: 'the C kernels the model calls',
  flashRuntime: 'the on-device application (the profiler) and the C library functions it links',
  startup: 'vector table, reset handler, clock and UART set-up',
  flashOther: 'what no symbol names: alignment, exception tables, initial values',
  arena: "the memory planner's arena: every activation tensor, buffers shared when their lifetimes do not overlap",
  stack: 'the stack estimated from the call graph at build time (the measured high-water is beside it)',
  measuredStack: 'the stack high-water measured on the board (stack painting)',
  ramRuntime: 'the other variables: profiler and UART buffers, kernels’ and C library’s state',
  ramOther: 'what no symbol names: alignment and padding',
} as const;

export function memoryBars(measurement: Measurement, board?: { flashBytes: number; ramBytes: number }): MemoryBar[] {
  const bars: MemoryBar[] = [];
  const flashCapacity = measurement.boardFlashBytes ?? board?.flashBytes;
  const ramCapacity = measurement.boardRamBytes ?? board?.ramBytes;
  const memory = measurement.memory;
  if (memory) {
    const { flash, ram } = memory;
    bars.push({
      label: 'Flash',
      used: flash.weights + flash.model + flash.kernels + flash.runtime + flash.startup + flash.other,
      capacity: flashCapacity,
      parts: [
        { label: 'weights', bytes: flash.weights, meaning: partMeanings.weights },
        { label: 'model', bytes: flash.model, meaning: partMeanings.model },
        { label: 'kernels', bytes: flash.kernels, meaning: partMeanings.kernels },
        { label: 'runtime', bytes: flash.runtime, meaning: partMeanings.flashRuntime },
        { label: 'start-up', bytes: flash.startup, meaning: partMeanings.startup },
        { label: 'other', bytes: flash.other, meaning: partMeanings.flashOther },
      ],
    });
    bars.push({
      label: 'RAM',
      used: ram.arena + ram.stack + ram.runtime + ram.other,
      capacity: ramCapacity,
      parts: [
        { label: 'arena', bytes: ram.arena, meaning: partMeanings.arena },
        { label: 'stack', bytes: ram.stack, meaning: partMeanings.stack },
        { label: 'runtime', bytes: ram.runtime, meaning: partMeanings.ramRuntime },
        { label: 'other', bytes: ram.other, meaning: partMeanings.ramOther },
      ],
    });
    return bars;
  }
  if (measurement.flashBytes !== undefined) bars.push({ label: 'Flash', used: measurement.flashBytes, capacity: flashCapacity, parts: [] });
  const ramParts: MemoryPart[] = [];
  if (measurement.arenaBytes !== undefined) ramParts.push({ label: 'arena', bytes: measurement.arenaBytes, meaning: partMeanings.arena });
  if (measurement.stackBytes !== undefined) ramParts.push({ label: 'stack', bytes: measurement.stackBytes, meaning: partMeanings.measuredStack });
  const partsTotal = ramParts.reduce((sum, part) => sum + part.bytes, 0);
  const used = measurement.ramBytes ?? partsTotal;
  if (used > partsTotal) ramParts.push({ label: 'other', bytes: used - partsTotal, meaning: partMeanings.ramOther });
  if (used > 0) bars.push({ label: 'RAM', used, capacity: ramCapacity, parts: ramParts });
  return bars;
}
