import { readFileSync, realpathSync } from 'node:fs';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import { CodegenError, ImportError, TinyDeployError } from '../common/errors.js';
import { exportTflite } from '../common/exporters/index.js';
import { importModel, type ImportOptions } from '../common/importers/index.js';
import type { OnnxImportOptions } from '../common/importers/onnx/index.js';
import type { Graph } from '../common/ir/types.js';
import { printableName } from '../common/printable.js';

/** What a model file's reader may pass its importer: the limits, and the ONNX input layout. */
export type ModelFileOptions = ImportOptions & Pick<OnnxImportOptions, 'inputLayout'>;

/**
 * The one reader of model files, for every caller: the CLI (a path the user typed), the services
 * (bytes uploaded to `models.importModel`, bytes an optimize job sent back) and the worker (the
 * store's content-addressed copy of a variant, named after the variant). Every failure is an
 * ImportError whose message starts with the model's name. Each takes the importer's limits
 * (`ImportOptions`: the largest tensor a model may declare, 256 MiB by default), so a caller that
 * knows better (`inspect --max-tensor-bytes` for a desktop-sized model) can raise or lower them.
 */

/**
 * Imports model bytes. A file no importer reads, or one that breaks an importer in an unexpected
 * way, is an ImportError whose message starts with `name` (a file name: its extension helps the
 * importer choose). `options` are the importer's limits.
 */
export function readModelBytes(bytes: Uint8Array, name: string, options: ImportOptions = {}): Graph {
  try {
    return importModel(bytes, name, options);
  } catch (error) {
    if (error instanceof ImportError) throw error;
    throw new ImportError(`${name}: cannot read the model (${error instanceof TinyDeployError ? `${error.name}: ` : ''}${(error as Error).message})`, { name });
  }
}

/**
 * Reads and imports the model file at `path`. Without `name` the file is the model (the CLI):
 * a missing or unreadable file is `<path>: cannot read model file (no such file)`. With `name`
 * the file is a stored copy named by its hash (the worker): the error names the model first,
 * then the file and the system's error code (`kws: cannot read its model file /… (ENOENT)`).
 * `options` are the importer's limits.
 */
export async function loadModelFile(path: string, name?: string, options: ModelFileOptions = {}): Promise<Graph> {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await readFile(path));
  } catch (error) {
    const { code } = error as NodeJS.ErrnoException;
    const message =
      name === undefined
        ? `${path}: cannot read model file (${code === 'ENOENT' ? 'no such file' : (error as Error).message})`
        : `${name}: cannot read its model file ${path} (${code ?? (error as Error).message})`;
    throw new ImportError(message, { path });
  }
  const importOptions: OnnxImportOptions = { ...options, externalData: externalDataReader(path) };
  return readModelBytes(bytes, name ?? basename(path), importOptions);
}

/**
 * Reads the external data files an ONNX model names (weights saved beside the .onnx file), from
 * the model's folder or below it: a location that leads elsewhere (`../`, an absolute path, a
 * symbolic link out of the folder) is an ImportError, as is a file that cannot be read.
 */
export function externalDataReader(modelPath: string): (location: string) => Uint8Array {
  const folder = dirname(resolve(modelPath));
  const inside = (root: string, target: string) => {
    const path = relative(root, target);
    return path !== '' && path !== '..' && !path.startsWith(`..${sep}`) && !isAbsolute(path);
  };
  return (location) => {
    const target = resolve(folder, location);
    const outside = () =>
      new ImportError(`external data file ${printableName(location)} is outside the model's folder ${folder}: TinyDeploy reads external data only from beside the model or below it`, { location });
    if (isAbsolute(location) || !inside(folder, target)) throw outside();
    const unreadable = (error: unknown) => {
      const { code } = error as NodeJS.ErrnoException;
      return new ImportError(`cannot read external data file ${printableName(location)} (${code === 'ENOENT' ? `no such file in ${folder}` : (error as Error).message})`, { location });
    };
    let real: string;
    try {
      real = realpathSync(target);
    } catch (error) {
      throw unreadable(error);
    }
    if (!inside(realpathSync(folder), real)) throw outside();
    try {
      return new Uint8Array(readFileSync(real));
    } catch (error) {
      throw unreadable(error);
    }
  };
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
