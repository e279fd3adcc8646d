/**
 * One single-op model's instructions on virtual-m4f, as bench/kernels and bench/shapes measure them:
 * the model deployed through Deploy & Profile (deployGraph: built into the profiler, flashed to QEMU
 * mps2-an386, run once under -icount, its outputs checked against the interpreter) with the DSP kernels
 * the board gets by default, or with the portable C kernels (the same board with `dsp: false`, which is
 * what the generator and the firmware build switch on). The figure is the whole inference the profiler
 * times: the op plus the model's call into it.
 */
import { virtualM4f, type Board } from '../../src/core/common/boards/index.js';
import type { Graph } from '../../src/core/common/ir/types.js';
import { deployGraph } from '../../src/core/node/deploy/deploy.js';

export const dspBoard: Board = virtualM4f;
export const portableBoard: Board = { ...virtualM4f, dsp: false };

export interface OpMeasurement {
  instructions: number;
  /** The kernel functions the generated model calls, sorted. */
  kernels: string[];
  /** Board output equal to our interpreter's. */
  matchesInterpreter: boolean;
  /** The board's output bytes, outputs one after the other. */
  output: Buffer;
}

/** Deploys `graph` to `board` once with `inputs` (one byte array per graph input) and reads its instructions. */
export async function measureOp(graph: Graph, inputs: readonly Uint8Array[], board: Board, name: string, hash: string): Promise<OpMeasurement> {
  const result = await deployGraph(graph, { board, runs: 1, inputs, estimate: false, name, hash });
  return {
    instructions: result.latency.value,
    kernels: result.kernels,
    matchesInterpreter: result.bitExact,
    output: Buffer.concat(result.outputBytes.map((bytes) => Buffer.from(bytes))),
  };
}
