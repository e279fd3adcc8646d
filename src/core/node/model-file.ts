import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { CodegenError, ImportError } from '../common/errors.js';
import { exportTflite } from '../common/exporters/index.js';
import { importModel } from '../common/importers/index.js';
import type { Graph } from '../common/ir/types.js';

/** Reads and imports a model file; a missing or unreadable file is an ImportError naming the path. */
export async function loadModelFile(path: string): Promise<Graph> {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await readFile(path));
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message;
    throw new ImportError(`${path}: cannot read model file (${reason})`, { path });
  }
  const graph = importModel(bytes, basename(path));
  return graph;
}

/**
 * Saves a graph as a TFLite file (`exportTflite`), the one format TinyDeploy writes, so the path
 * must end in `.tflite`. The bytes go to a temporary file beside the target that is then renamed
 * over it: a failed save never leaves a truncated model behind. A graph the writer refuses, a
 * wrong extension or a failed write is a CodegenError naming the path.
 */
export async function saveModelFile(graph: Graph, path: string): Promise<void> {
  if (!path.toLowerCase().endsWith('.tflite')) {
    throw new CodegenError(`${path}: cannot save a model in this format; TinyDeploy writes TFLite (.tflite) files`, { path });
  }
  const bytes = exportTflite(graph);
  const temporary = `${path}.${process.pid}.tmp`;
  try {
    await writeFile(temporary, bytes);
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw new CodegenError(`${path}: cannot write model file (${(error as Error).message})`, { path });
  }
}
