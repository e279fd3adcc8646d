import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import type { Board } from '../../common/boards/index.js';
import type { Graph } from '../../common/ir/types.js';
import { generateModel, type GeneratedModel, type GenerateOptions } from '../../common/codegen/index.js';
import { loadModelFile } from '../model-file.js';
import { buildFirmwareProject, writeFirmwareProject, type FirmwareApplication, type FirmwareBuild, type FirmwareProject } from './project.js';
import { kernelVariantOf } from './firmware.js';

/**
 * The whole `tinydeploy build` path for a model file: import, generate C (named after the file,
 * with its SHA-256), write the board project, compile it. Shared by the CLI, the benchmark and
 * the worker's build job.
 */

export interface ModelFileBuildOptions {
  board: Board;
  /** Project directory to write. */
  out: string;
  /** Compile with arm-none-eabi-gcc (default true); false only writes the project. */
  compile?: boolean;
  /** Inputs compiled into the standalone application (default: zeros). */
  inputs?: readonly Uint8Array[];
  /** The application around the model (default `standalone`; deploy builds the `profiler`). */
  application?: FirmwareApplication;
  generate?: Omit<GenerateOptions, 'modelName' | 'modelHash' | 'dsp'>;
}

export interface ModelFileBuild {
  model: GeneratedModel;
  project: FirmwareProject;
  /** Absent when `compile` is false. */
  build?: FirmwareBuild;
}

/** `sha256:<hex>` of a file's bytes: how generated code names the model it came from. */
export async function fileSha256(path: string): Promise<string> {
  return `sha256:${createHash('sha256').update(await readFile(path)).digest('hex')}`;
}

export async function buildModelFile(path: string, options: ModelFileBuildOptions): Promise<ModelFileBuild> {
  return buildModelGraph(await loadModelFile(path), { ...options, name: basename(path), hash: await fileSha256(path) });
}

/** The same for a graph already in memory, named `name` with content hash `hash`. */
export async function buildModelGraph(graph: Graph, options: ModelFileBuildOptions & { name: string; hash: string }): Promise<ModelFileBuild> {
  const model = generateModel(graph, {
    ...options.generate,
    modelName: options.name,
    modelHash: options.hash,
    dsp: options.board.dsp,
    helium: kernelVariantOf(options.board) === 'helium',
  });
  const project = await writeFirmwareProject(model, options.out, { board: options.board, inputs: options.inputs, application: options.application });
  if (options.compile === false) return { model, project };
  return { model, project, build: await buildFirmwareProject(project) };
}
