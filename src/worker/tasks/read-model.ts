import { readFile } from 'node:fs/promises';
import { ImportError } from '../../core/common/errors.js';
import { importModel } from '../../core/common/importers/index.js';
import type { Graph } from '../../core/common/ir/types.js';

/** Imports the model file of a task; errors name the model (the file itself is named by its hash). */
export async function readTaskModel(path: string, name: string): Promise<Graph> {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await readFile(path));
  } catch (error) {
    throw new ImportError(`${name}: cannot read its model file ${path} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`, { path });
  }
  return importModel(bytes, name);
}
