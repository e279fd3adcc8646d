import { requireBoard, type Board } from '../../../common/boards/index.js';
import type { MemoryTimelinePoint } from '../../../common/codegen/memory/index.js';
import { jobDefaults } from '../../../../shared/services/job-kinds.js';
import type { DeployResult } from '../../deploy/deploy.js';
import { checkEstimateTarget } from '../../deploy/estimate.js';
import { unreachableReason } from '../../devices/board-connection.js';
import { deviceManagerOf } from '../../devices/device-manager.js';
import { CustomBoards } from '../../store/custom-boards.js';
import type { Store } from '../../store/index.js';
import { UsageError } from '../../../common/errors.js';
import type { OptimizeFor } from '../../../../shared/services/types.js';
import type { JobKindDescriptor } from './descriptor.js';

/**
 * Whether the app can offer Deploy on a real board now, from what the devices service sees: the
 * board can be reached the way its entry says (its firmware written, a GDB server TinyDeploy can
 * start or a drive) and a serial port with its probe's USB id is plugged in. The reason names
 * what is missing, in the user's words.
 */
export function realBoardAvailability(
  board: Board,
  serial: readonly { path: string; vendorId?: string; productId?: string; boardIds?: readonly string[] }[],
): { deployable: true; port: string } | { deployable: false; reason: string } {
  const unreachable = unreachableReason(board);
  if (unreachable) return { deployable: false, reason: unreachable.message };
  const port = serial.find(
    (device) => device.boardIds?.includes(board.id) || (board.usb ?? []).some((usb) => usb.vendorId === device.vendorId && usb.productId === device.productId),
  );
  if (!port) {
    const probes = [...new Set((board.usb ?? []).map((usb) => usb.name))].join(' or ');
    return { deployable: false, reason: `not plugged in: no serial port of its probe${probes ? ` (${probes})` : ''}` };
  }
  return { deployable: true, port: port.path };
}

/** Parameters of a deploy job, as it is stored. */
export interface DeployJobParams {
  variantId: string;
  boardId: string;
  runs: number;
  /** Virtual boards: the catalog board to estimate cycles and ms for. */
  targetId?: string;
  /**
   * What the code is generated for: the request's, else the project's setting when the job was
   * accepted (absent in jobs stored before the setting existed: size).
   */
  optimizeFor?: OptimizeFor;
}

/** Deploy & Profile in the worker (src/worker/tasks/deploy.ts). */
export interface DeployTask {
  kind: 'deploy';
  /** The variant's model file (the store's content-addressed copy). */
  modelPath: string;
  /** Name of the model in messages and in the generated code. */
  modelName: string;
  /** `sha256:<hex>` of the model file. */
  modelHash: string;
  boardId: string;
  /** The board's entry, read in the backend: a custom board is in the store, which the worker does not open (absent: the catalog's `boardId`). */
  board?: Board;
  /** Virtual boards: the board to estimate for (`--target`). */
  target?: Board;
  runs: number;
  /** What the code is generated for (GenerateOptions.optimize; default size). */
  optimize?: OptimizeFor;
}

export interface DeployOutput {
  kind: 'deploy';
  /** The deploy result without the raw output bytes and the memory plan (its timeline is below). */
  result: Omit<DeployResult, 'outputBytes' | 'memoryPlan'>;
  /** Arena bytes live at each op of the built model (see codegen/memory/timeline.ts). */
  memoryTimeline: MemoryTimelinePoint[];
  /** First line of `arm-none-eabi-gcc --version`. */
  toolchainVersion: string;
}

/** What a finished deploy job reports as its result (the full figures are in the measurement). */
export interface DeployJobResult {
  measurementId: string;
  deploymentId: string;
  boardId: string;
  latency: { value: number; unit: 'instructions' | 'cycles'; milliseconds?: number };
  bitExact: boolean;
  passed: boolean;
}

/** The catalog's boards and the store's custom ones. */
export function storeBoard(store: Store, id: string): Board {
  return requireBoard(id, new CustomBoards(store).list());
}

/** Lends a real board to a job until it ends (the loan lapses once the store has the job finished): one owner per board. */
export function lendBoardToJob(store: Store, board: Board, owner: string, jobId: string): void {
  deviceManagerOf(store).claim(`board:${board.id}`, owner, () => {
    const status = store.isOpen ? store.getJob(jobId).status : 'interrupted';
    return status === 'queued' || status === 'running';
  });
}

/**
 * Deploy & Profile: build, flash, run and verify on a virtual or a real board (catalog or custom);
 * records a deployment and its measurement. A real board is lent to the job by the backend's
 * device manager while the job runs (one owner per board); the worker finds its port, starts
 * its GDB server or copies to its drive, and stops what it started when the job ends, fails or is
 * cancelled.
 */
export const deployJob: JobKindDescriptor<'deploy', DeployJobParams, DeployTask, DeployOutput> = {
  kind: 'deploy',
  accept(store, { variantId, boardId, runs = jobDefaults.deploy.runs, targetId, optimizeFor }) {
    const variant = store.getVariant(variantId);
    const board = storeBoard(store, boardId);
    // What can be known without the machine is refused at once (firmware not written, no GDB server TinyDeploy can start).
    const unreachable = unreachableReason(board);
    if (unreachable) throw unreachable;
    if (targetId !== undefined) {
      if (!board.qemu) throw new UsageError(`target ${targetId}: ${board.id} is a real board, which measures cycles itself; a target is for virtual boards`, { board: board.id });
      checkEstimateTarget(board, storeBoard(store, targetId));
    }
    const optimize = optimizeFor ?? store.getProject(variant.projectId).optimizeFor;
    return { projectId: variant.projectId, params: { variantId: variant.id, boardId: board.id, runs, ...(targetId !== undefined ? { targetId } : {}), optimizeFor: optimize }, boardId: board.id };
  },
  prepare(store, job, params) {
    const variant = store.getVariant(params.variantId);
    const board = storeBoard(store, params.boardId);
    if (!board.qemu) lendBoardToJob(store, board, `deploy job ${job.id}`, job.id);
    return {
      kind: 'deploy',
      modelPath: store.modelFiles.pathOf(variant.fileHash),
      modelName: variant.name,
      modelHash: variant.fileHash,
      boardId: board.id,
      board,
      ...(params.targetId !== undefined ? { target: storeBoard(store, params.targetId) } : {}),
      runs: params.runs,
      optimize: params.optimizeFor ?? 'size',
    };
  },
  complete(store, job, params, { result, memoryTimeline, toolchainVersion }): DeployJobResult {
    const variant = store.getVariant(params.variantId);
    const board = storeBoard(store, result.board);
    store.recordBoardSeen({ id: board.id, kind: board.kind, name: board.name, details: { core: board.core, ...(board.qemu ? { qemuMachine: board.qemu.machine } : {}) } });
    const deployment = store.addDeployment({
      projectId: variant.projectId,
      variantId: variant.id,
      boardId: board.id,
      jobId: job.id,
      buildId: result.buildId,
      flashBytes: result.flashBytes,
      ramBytes: result.build.ramBytes,
      arenaBytes: result.arenaBytes,
      toolchainVersion,
      optimizeFor: result.optimize,
      build: { ...result.build },
    });
    const latency = { value: result.latency.value, unit: result.latency.unit, ...(result.latency.milliseconds !== undefined ? { milliseconds: result.latency.milliseconds } : {}) };
    const measurement = store.addMeasurement({
      projectId: variant.projectId,
      variantId: variant.id,
      jobId: job.id,
      deploymentId: deployment.id,
      kind: 'deploy',
      boardId: board.id,
      optimizeFor: result.optimize,
      latency,
      instructionsPerMac: result.instructionsPerMac,
      arenaBytes: result.arenaBytes,
      stackBytes: result.stackBytes,
      flashBytes: result.flashBytes,
      ramBytes: result.build.ramBytes,
      boardFlashBytes: board.memory.flash.size,
      boardRamBytes: board.memory.ram.size,
      bitExact: result.bitExact,
      passed: result.passed,
      layers: result.layers.map(({ index, op, latency: layerLatency, macs }) => ({ index, op, latency: layerLatency, macs })),
      memoryTimeline,
      details: {
        model: result.model,
        runs: result.latency.runs,
        latencyMin: result.latency.min,
        latencyMax: result.latency.max,
        runsIdentical: result.runsIdentical,
        tolerance: result.tolerance,
        outputs: result.outputs,
        ...(result.firstDifference ? { firstDifference: result.firstDifference } : {}),
        ...(result.estimate
          ? {
              estimate: {
                cycles: result.estimate.cycles,
                ms: result.estimate.ms,
                core: result.estimate.core,
                cpuHz: result.estimate.cpuHz,
                board: result.estimate.board,
                instructions: result.estimate.instructions,
                source: result.estimate.source,
              },
            }
          : {}),
        timings: result.timings,
      },
    });
    return { measurementId: measurement.id, deploymentId: deployment.id, boardId: board.id, latency, bitExact: result.bitExact, passed: result.passed };
  },
};
