import { requireBoard } from '../../../common/boards/index.js';
import { DeviceError } from '../../../common/errors.js';
import type { MemoryTimelinePoint } from '../../../common/codegen/memory/index.js';
import { jobDefaults } from '../../../../shared/services/job-kinds.js';
import type { DeployResult } from '../../deploy/deploy.js';
import type { JobKindDescriptor } from './descriptor.js';

/** Why a real board offers no Deploy button yet, and why a deploy job to one is refused. */
export const realBoardReason = 'deploying to real boards arrives in a later version of TinyDeploy; use a virtual board';

/** Parameters of a deploy job, as it is stored. */
export interface DeployJobParams {
  variantId: string;
  boardId: string;
  runs: number;
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
  runs: number;
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

/** Deploy & Profile: build, flash, run and verify on a virtual board; records a deployment and its measurement. */
export const deployJob: JobKindDescriptor<'deploy', DeployJobParams, DeployTask, DeployOutput> = {
  kind: 'deploy',
  accept(store, { variantId, boardId, runs = jobDefaults.deploy.runs }) {
    const variant = store.getVariant(variantId);
    const board = requireBoard(boardId);
    if (board.kind !== 'virtual') throw new DeviceError(`board ${board.id} is real hardware: ${realBoardReason}`, { board: board.id });
    return { projectId: variant.projectId, params: { variantId: variant.id, boardId: board.id, runs }, boardId: board.id };
  },
  prepare(store, _job, params) {
    const variant = store.getVariant(params.variantId);
    const board = requireBoard(params.boardId);
    return {
      kind: 'deploy',
      modelPath: store.modelFiles.pathOf(variant.fileHash),
      modelName: variant.name,
      modelHash: variant.fileHash,
      boardId: board.id,
      runs: params.runs,
    };
  },
  complete(store, job, params, { result, memoryTimeline, toolchainVersion }): DeployJobResult {
    const variant = store.getVariant(params.variantId);
    const board = requireBoard(result.board);
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
