import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import type { Board } from '../../common/boards/index.js';
import { generateModel, type GeneratedModel, type GenerateOptions } from '../../common/codegen/index.js';
import { loadModelFile } from '../model-file.js';
import { buildFirmwareProject, writeFirmwareProject, type FirmwareBuild, type FirmwareProject } from './project.js';

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
  /** Inputs compiled into the firmware (default: zeros). */
  inputs?: readonly Uint8Array[];
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
  const graph = await loadModelFile(path);
  const model = generateModel(graph, {
    ...options.generate,
    modelName: basename(path),
    modelHash: await fileSha256(path),
    dsp: options.board.dsp,
  });
  const project = await writeFirmwareProject(model, options.out, { board: options.board, inputs: options.inputs });
  if (options.compile === false) return { model, project };
  return { model, project, build: await buildFirmwareProject(project) };
}
