/**
 * test/models.json as the corpus tests read it, written back in its own layout (one entry over
 * two or three lines: file and structure, op counts, input and output checksum), and the entry
 * of a corpus model worked out from its file: structure from the importer, the output checksum
 * from the interpreter on its committed input.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { importModel } from '../../../src/core/common/importers/index.js';
import { fnv1a } from '../../../src/core/common/ir/checksum.js';
import { bytesOf, dataFromBytes } from '../../../src/core/common/ir/tensor.js';
import { Interpreter } from '../../../src/core/common/interp/interpreter.js';

export interface CorpusEntry {
  file: string;
  format?: string;
  tensors?: number;
  ops?: Record<string, number>;
  input?: string;
  outputFnv1a?: string;
  error?: string;
}

export const modelsJsonPath = join(import.meta.dirname, '../../models.json');

export function readCorpus(path = modelsJsonPath): CorpusEntry[] {
  return JSON.parse(readFileSync(path, 'utf8')) as CorpusEntry[];
}

const field = (key: string, value: unknown) => `${JSON.stringify(key)}: ${JSON.stringify(value)}`;
const counts = (ops: Record<string, number>) => `{ ${Object.entries(ops).map(([op, count]) => field(op, count)).join(', ')} }`;

/** One entry in the file's layout. */
export function formatEntry(entry: CorpusEntry): string {
  if (entry.error !== undefined) return `  { ${field('file', entry.file)},\n    ${field('error', entry.error)} }`;
  const head = [field('file', entry.file), ...(entry.format !== undefined ? [field('format', entry.format)] : []), ...(entry.tensors !== undefined ? [field('tensors', entry.tensors)] : [])];
  const lines = [`  { ${head.join(', ')}`];
  if (entry.ops) lines.push(`    "ops": ${counts(entry.ops)}`);
  if (entry.input !== undefined || entry.outputFnv1a !== undefined) {
    lines.push(`    ${[...(entry.input !== undefined ? [field('input', entry.input)] : []), ...(entry.outputFnv1a !== undefined ? [field('outputFnv1a', entry.outputFnv1a)] : [])].join(', ')}`);
  }
  return `${lines.join(',\n')} }`;
}

export function writeCorpus(entries: readonly CorpusEntry[], path = modelsJsonPath): void {
  writeFileSync(path, `[\n${entries.map(formatEntry).join(',\n')}\n]\n`);
}

/**
 * The entry of the model in `directory`/`name`.tflite: its structure, and where the model has
 * one input, its input file and the interpreter's output checksum on it.
 */
export function corpusEntry(directory: string, repoDirectory: string, name: string): CorpusEntry {
  const bytes = new Uint8Array(readFileSync(join(directory, `${name}.tflite`)));
  const graph = importModel(bytes, basename(`${name}.tflite`));
  const ops: Record<string, number> = {};
  for (const op of graph.ops) ops[op.type] = (ops[op.type] ?? 0) + 1;
  const entry: CorpusEntry = { file: `repo:${repoDirectory}/${name}.tflite`, format: graph.source?.format, tensors: graph.tensors.length, ops };
  if (graph.inputs.length !== 1) return entry;
  const input = new Uint8Array(readFileSync(join(directory, `${name}.input.bin`)));
  const { outputs } = new Interpreter(graph).run([dataFromBytes(graph.tensors[graph.inputs[0]].dtype, input)]);
  return { ...entry, input: `repo:${repoDirectory}/${name}.input.bin`, outputFnv1a: fnv1a(bytesOf(outputs[0])) };
}
