/**
 * Import as tolerant as TFLite Micro (test/corpus/tolerant, written by make-tolerant.ts): each
 * file with a liberty TFLite Micro accepts imports and computes exactly what its clean twin
 * computes; the clean twin agrees with TFLite (tfjs-tflite) within 1 LSB (its XNNPACK depthwise
 * kernel rounds some requantizations differently from the reference kernels); a newer schema
 * version is refused by name.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createTfliteRunner } from '../../bench/interp/tflite-node.js';
import { importModel } from '../../src/core/common/importers/index.js';
import { runInterpreter } from './testing/run-everywhere.js';

const directory = join(import.meta.dirname, 'tolerant');
const read = (name: string) => new Uint8Array(readFileSync(join(directory, name)));
const run = (name: string, input: Uint8Array) => runInterpreter(importModel(read(`${name}.tflite`), `${name}.tflite`), [input])[0];

describe('import as tolerant as TFLite Micro', () => {
  const input = read('depthwise.input.bin');
  const clean = run('depthwise-clean', input);

  it('the clean twin agrees with TFLite within 1 LSB', async () => {
    const runner = await createTfliteRunner(read('depthwise-clean.tflite'));
    try {
      (runner.getInputs()[0].data() as Int8Array).set(new Int8Array(input.buffer));
      expect(runner.infer()).toBe(true);
      const theirs = runner.getOutputs()[0].data() as Int8Array;
      const ours = new Int8Array(clean.buffer);
      expect(theirs.length).toBe(ours.length);
      expect(Math.max(...Array.from(ours, (value, i) => Math.abs(value - theirs[i])))).toBeLessThanOrEqual(1);
    } finally {
      runner.cleanUp();
    }
  });

  for (const name of ['bias-quantized-dimension-3', 'optional-fields-missing', 'schema-version-missing', 'schema-version-2']) {
    it(`${name} imports and computes what the clean file computes`, () => {
      expect(Buffer.from(run(name, input)).toString('hex')).toBe(Buffer.from(clean).toString('hex'));
    });
  }

  it('reads a rank-1 per-channel bias along its only axis', () => {
    const graph = importModel(read('bias-quantized-dimension-3.tflite'), 'bias.tflite');
    expect(graph.tensors[2].quantization?.axis).toBe(0);
  });

  it('gives zero-sized constants with an empty or absent buffer data their (empty) contents', () => {
    const graph = importModel(read('empty-buffers.tflite'), 'empty-buffers.tflite');
    expect(graph.tensors[1].data?.length).toBe(0);
    expect(graph.tensors[3].data?.length).toBe(0);
    expect(Array.from(new Float32Array(runInterpreter(graph, [read('scalar.input.bin')])[0].buffer))).toEqual([1.5]);
  });

  it('refuses a schema newer than 3', () => {
    expect(() => importModel(read('schema-version-4.tflite'), 'schema-version-4.tflite')).toThrow(
      'schema-version-4.tflite: tflite: schema version 4 is newer than 3, the version TinyDeploy reads',
    );
  });
});
