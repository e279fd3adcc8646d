import { requireBoard } from '../../core/common/boards/index.js';
import { arenaMemoryTimeline } from '../../core/common/codegen/memory/index.js';
import { deployGraph } from '../../core/node/deploy/deploy.js';
import type { DeployOutput, DeployTask } from '../../core/node/jobs/kinds/deploy.js';
import { findCompiler } from '../../core/node/toolchain/compiler.js';
import { loadModelFile } from '../../core/node/model-file.js';
import type { TaskContext } from './task-context.js';

/**
 * Deploy & Profile in the worker: `deployGraph` on the variant's model (build, flash, run,
 * verify) on the board the backend sent (catalog or custom, virtual or real), plus what the app shows beside its result: the arena's memory timeline from the
 * memory plan deployGraph generated the firmware with, and the toolchain's version.
 */
export async function runDeployTask(task: DeployTask, context: TaskContext): Promise<DeployOutput> {
  const board = task.board ?? requireBoard(task.boardId);
  const graph = await loadModelFile(task.modelPath, task.modelName);
  const optimize = task.optimize ?? 'size';
  context.progress({ fraction: 0, step: 'build', log: [`deploying ${task.modelName} (${task.modelHash.slice(0, 19)}…) to ${board.name}, ${task.runs} run${task.runs === 1 ? '' : 's'}, optimized for ${optimize}`] });
  const compiler = await findCompiler('arm-none-eabi');
  const result = await deployGraph(graph, {
    name: task.modelName,
    hash: task.modelHash,
    board,
    runs: task.runs,
    optimize,
    ...(task.target ? { estimate: { target: task.target } } : {}),
    // A real board: its port is the one with its probe's USB id (or $TINYDEPLOY_BOARD_PORT); TinyDeploy starts
    // its GDB server or copies to its drive, and stops what it started when the job ends or is cancelled.
    ...(board.qemu ? {} : { connection: { serialPort: process.env.TINYDEPLOY_BOARD_PORT || undefined } }),
    signal: context.signal,
    onProgress: ({ step, fraction, message }) => context.progress({ fraction, step: step === 'run' ? message : step, log: [`${step}: ${message}`] }),
  });
  const memoryTimeline = arenaMemoryTimeline(result.memoryPlan, result.layers.length);
  const log = [
    `latency ${result.latency.value} ${result.latency.unit} (median of ${result.latency.runs}), arena ${result.arenaBytes} B, ` +
      `stack ${result.stackBytes} B, flash ${result.flashBytes} B, ${result.bitExact ? 'bit-exact' : result.passed ? 'within the float tolerance' : 'outputs differ from the host'}`,
  ];
  if (result.firstDifference) log.push(`first difference: ${result.firstDifference.description}`);
  context.progress({ fraction: 1, step: 'done', log });
  const { outputBytes: _outputBytes, memoryPlan: _memoryPlan, ...rest } = result;
  return { kind: 'deploy', result: rest, memoryTimeline, toolchainVersion: compiler?.version ?? 'unknown' };
}
