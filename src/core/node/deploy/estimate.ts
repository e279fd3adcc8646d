import { coreName, estimateCycles, estimateTargetOf, type CycleEstimate } from '../../common/boards/cycle-tables.js';
import type { Board } from '../../common/boards/index.js';
import { TinyDeployError, ValidationError } from '../../common/errors.js';
import { InstructionMixProbe } from '../devices/qemu/instruction-mix.js';
import type { ElfSymbol } from '../toolchain/elf.js';

/**
 * Deploy's cycle estimate on a virtual board (the hook deploy calls; the counting is
 * devices/qemu/instruction-mix.ts, the pricing common/boards/cycle-tables.ts): QEMU runs with the
 * instruction-class plugin, each RUN's inference is one counting window, and the windows of the
 * checked runs are priced for `target` — a catalog board (`--target nucleo-l4r5zi`), by default
 * the virtual board's own core at its own clock with no wait states.
 */

export interface EstimateOptions {
  /** The board to estimate for (default: the deployed virtual board itself). */
  target?: Board;
}

export interface DeployEstimate extends CycleEstimate {
  /** The inferences the estimate is the median of. */
  runs: number;
}

/**
 * Refuses, before anything is built, a target whose core cannot run what the board's build
 * uses: firmware for a core with the DSP extension uses SMLAD and friends, which a Cortex-M0+
 * does not have, so its mix says nothing about that core.
 */
export function checkEstimateTarget(board: Board, target: Board): void {
  if (board.dsp && !target.dsp) {
    throw new ValidationError(
      `cannot estimate for ${target.id} (${coreName(target.core)}, no DSP extension) from ${board.id}: the firmware built for ${board.id} uses DSP instructions (SMLAD, SXTB16) that ${coreName(target.core)} does not have; estimate for a board with a Cortex-M4, M7, M33 or M55`,
      { board: board.id, target: target.id },
    );
  }
}

export class DeployEstimator {
  private constructor(
    private readonly probe: InstructionMixProbe,
    private readonly target: Board,
  ) {}

  /**
   * Prepares counting for a deploy of `board` (its ELF's `symbols`), the counts written into
   * `directory` (deploy's work folder) or a temporary one. Undefined for boards QEMU does not run.
   * The plugin is built with the host's gcc on first use.
   */
  static async start(board: Board, symbols: readonly ElfSymbol[], options: EstimateOptions = {}, directory?: string): Promise<DeployEstimator | undefined> {
    if (!board.qemu) return undefined;
    const target = options.target ?? board;
    checkEstimateTarget(board, target);
    const probe = await InstructionMixProbe.create({ ...InstructionMixProbe.markers(symbols), flash: board.memory.flash, ...(directory ? { directory } : {}) });
    return new DeployEstimator(probe, target);
  }

  /** What QEMU's command line gets (`-plugin …`). */
  get qemuArguments(): string[] {
    return this.probe.qemuArguments;
  }

  /**
   * The estimate over the last `runs` windows (the checked inferences): the median by cycles.
   * A DeviceError-free ValidationError when the plugin closed fewer windows than runs.
   */
  async result(runs: number): Promise<DeployEstimate> {
    const windows = (await this.probe.windows()).slice(-runs);
    if (windows.length < runs) {
      throw new ValidationError(`the instruction-class plugin counted ${windows.length} inference(s), ${runs} expected: no cycle estimate`, { windows: windows.length, runs });
    }
    const estimates = windows.map((mix) => estimateCycles(mix, estimateTargetOf(this.target))).sort((a, b) => a.cycles - b.cycles);
    return { ...estimates[Math.floor((estimates.length - 1) / 2)], runs };
  }

  async close(): Promise<void> {
    await this.probe.close();
  }
}

/** The message of an estimate that could not be made, for the result (the deploy itself stands). */
export function estimateFailure(error: unknown): string {
  return error instanceof TinyDeployError ? error.message : `cycle estimate failed: ${(error as Error).message}`;
}
