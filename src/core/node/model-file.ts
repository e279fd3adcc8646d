import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { ImportError } from '../common/errors.js';
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
