/**
 * The model corpus (STYLE.md §5): every entry of test/models.json is a real file with either
 * its expected structure and output checksum, or the exact error TinyDeploy must give.
 * Every import bug adds an entry.
 */
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importModel } from '../src/core/common/importers/index.js';
import { fnv1a } from '../src/core/common/ir/checksum.js';
import { bytesOf, dataFromBytes } from '../src/core/common/ir/tensor.js';
import { Interpreter } from '../src/core/common/interp/interpreter.js';
import { repoRoot, sharedDir } from './testing/shared-data.js';

interface CorpusEntry {
  file: string;
  format?: string;
  tensors?: number;
  ops?: Record<string, number>;
  input?: string;
  outputFnv1a?: string;
  error?: string;
}

const corpus: CorpusEntry[] = JSON.parse(readFileSync(join(repoRoot, 'test/models.json'), 'utf8'));

function resolveCorpusPath(reference: string): string {
  const [root, path] = reference.split(/:(.*)/s);
  if (root === 'shared') return join(sharedDir, path);
  if (root === 'repo') return join(repoRoot, path);
  throw new Error(`corpus path ${reference} must start with shared: or repo:`);
}

describe('model corpus', () => {
  for (const entry of corpus) {
    const name = basename(entry.file);
    it(`${entry.file}${entry.error ? ' is refused' : ''}`, () => {
      const bytes = new Uint8Array(readFileSync(resolveCorpusPath(entry.file)));
      if (entry.error) {
        expect(() => importModel(bytes, name)).toThrow(entry.error);
        try {
          importModel(bytes, name);
        } catch (error) {
          expect((error as Error).name).toBe('ImportError');
          expect((error as Error).message).toBe(entry.error);
        }
        return;
      }
      const graph = importModel(bytes, name);
      expect(graph.source?.format).toBe(entry.format);
      expect(graph.tensors.length).toBe(entry.tensors);
      const counts: Record<string, number> = {};
      for (const op of graph.ops) counts[op.type] = (counts[op.type] ?? 0) + 1;
      expect(counts).toEqual(entry.ops);
      if (entry.input && entry.outputFnv1a) {
        const inputTensor = graph.tensors[graph.inputs[0]];
        const input = dataFromBytes(inputTensor.dtype, new Uint8Array(readFileSync(resolveCorpusPath(entry.input))));
        const { outputs } = new Interpreter(graph).run([input]);
        expect(fnv1a(bytesOf(outputs[0]))).toBe(entry.outputFnv1a);
      }
    });
  }
});
