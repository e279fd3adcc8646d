/**
 * The written files in TFLite itself (@tensorflow/tfjs-tflite: the TFLite C++ interpreter with its
 * default XNNPACK delegate, compiled to WebAssembly; see bench/interp/tflite-node.ts for how it
 * runs in Node). For every shared model:
 *
 * - the exported file loads, runs, and gives the same output bytes as the original file in the
 *   same runtime: TFLite reads the written model exactly as the converter's;
 * - float32: TFLite's outputs agree with our interpreter's within 1e-4·max|ours|;
 * - int8: each op of the model, written alone and fed the inputs our interpreter computed for it,
 *   agrees with our interpreter within 1 LSB. Whole int8 models are not held to 1 LSB: TFLite's
 *   optimized kernels round some requantizations differently from the reference kernels (which
 *   our interpreter and TFLite Micro follow), and those 1-LSB steps compound over layers (the
 *   original files differ from our interpreter by the same amount, since their outputs are
 *   identical to the exported ones).
 *
 * The hand-built graphs that use every op type go through the same checks.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createTfliteRunner, type TfliteTensorData } from '../../../../../bench/interp/tflite-node.js';
import { sharedModels, vectorModels } from '../../../../../test/testing/shared-data.js';
import { importModel } from '../../importers/index.js';
import { Interpreter } from '../../interp/interpreter.js';
import type { Graph, TensorData } from '../../ir/types.js';
import { exportTflite } from '../index.js';
import { everyOpFloatGraph, everyOpInt8Graph, randomTensorData, seededRandom, singleOpGraph } from './testing/writer.js';

/** Runs a model once in a fresh TFLite interpreter (fresh: an LSTM keeps its state between runs). */
async function runInTflite(model: Uint8Array, inputs: readonly TensorData[]): Promise<TfliteTensorData[]> {
  const runner = await createTfliteRunner(model);
  try {
    const tensors = runner.getInputs();
    expect(tensors.length).toBe(inputs.length);
    tensors.forEach((tensor, i) => {
      expect(tensor.data().length).toBe(inputs[i].length);
      tensor.data().set(inputs[i] as ArrayLike<number>);
    });
    expect(runner.infer()).toBe(true);
    return runner.getOutputs().map((output) => output.data().slice());
  } finally {
    runner.cleanUp();
  }
}

function maxDifference(ours: TensorData, theirs: TfliteTensorData): number {
  expect(theirs.length).toBe(ours.length);
  let max = 0;
  for (let i = 0; i < ours.length; i++) max = Math.max(max, Math.abs(Number(ours[i]) - theirs[i]));
  return max;
}

function maxMagnitude(values: TensorData): number {
  let max = 0;
  for (const value of values) max = Math.max(max, Math.abs(Number(value)));
  return max;
}

/** Checks one graph output against TFLite's: 1 LSB for integer types, 1e-4·max|ours| for float32. */
function expectAgreement(graph: Graph, outputIndex: number, ours: TensorData, theirs: TfliteTensorData, what: string): number {
  const dtype = graph.tensors[graph.outputs[outputIndex]].dtype;
  const difference = maxDifference(ours, theirs);
  if (dtype === 'float32') expect(difference, `${what}: float difference`).toBeLessThanOrEqual(1e-4 * maxMagnitude(ours));
  else expect(difference, `${what}: LSB difference`).toBeLessThanOrEqual(1);
  return difference;
}

/** Each op alone in TFLite, fed what our interpreter computed for its inputs. Returns the largest LSB difference. */
async function expectEachOpAgrees(graph: Graph, values: Map<number, TensorData>): Promise<number> {
  let largest = 0;
  for (let index = 0; index < graph.ops.length; index++) {
    const { graph: single, inputIds } = singleOpGraph(graph, index);
    const theirs = await runInTflite(exportTflite(single), inputIds.map((id) => values.get(id)!));
    graph.ops[index].outputs.forEach((id, i) => {
      const what = `${graph.name} op ${index} (${graph.ops[index].type}) output ${i}`;
      largest = Math.max(largest, expectAgreement(single, i, values.get(id)!, theirs[i], what));
    });
  }
  return largest;
}

const int8Models: ReadonlySet<string> = new Set(vectorModels);

describe('exported files in TFLite (tfjs-tflite)', () => {
  for (const [name, path] of Object.entries(sharedModels)) {
    const int8 = int8Models.has(name);
    it(`${name}: loads, computes what the original file computes, and agrees with our interpreter${int8 ? ' op by op' : ''}`, async () => {
      const original = new Uint8Array(readFileSync(path));
      const graph = importModel(original, name);
      const random = seededRandom(11);
      const inputs = graph.inputs.map((id) => randomTensorData(graph.tensors[id], random));
      const ours = new Interpreter(graph).run(inputs, { keepIntermediates: true });

      const written = exportTflite(graph);
      const theirs = await runInTflite(written, inputs);
      const fromOriginal = await runInTflite(original, inputs);
      theirs.forEach((output, i) => expect(Array.from(output), `output ${i} vs the original file`).toEqual(Array.from(fromOriginal[i])));

      if (int8) {
        await expectEachOpAgrees(graph, ours.tensors!);
      } else {
        ours.outputs.forEach((output, i) => expectAgreement(graph, i, output, theirs[i], `${name} output ${i}`));
      }
    });
  }

  it('runs every op type, float32 and int8, as our interpreter does', async () => {
    for (const graph of [everyOpFloatGraph(), everyOpInt8Graph()]) {
      const random = seededRandom(5);
      const inputs = graph.inputs.map((id) => randomTensorData(graph.tensors[id], random));
      const ours = new Interpreter(graph).run(inputs, { keepIntermediates: true });
      // Each op's output must carry information for the comparison to mean something.
      for (const [index, op] of graph.ops.entries()) {
        const output = ours.tensors!.get(op.outputs[0])!;
        if (output.length > 1) expect(new Set(Array.from(output as ArrayLike<number>)).size, `${graph.name} op ${index} (${op.type}) output is constant`).toBeGreaterThan(1);
      }
      const theirs = await runInTflite(exportTflite(graph), inputs);
      ours.outputs.forEach((output, i) => expectAgreement(graph, i, output, theirs[i], `${graph.name} output ${i}`));
      await expectEachOpAgrees(graph, ours.tensors!);
    }
  });

  it('runs int16 ADD and SUB with power-of-two scales as our interpreter does (written with pot_scale_int16 false)', async () => {
    for (const type of ['ADD', 'SUB']) {
      const quantization = (scale: number) => ({ scale: [scale], zeroPoint: [0], axis: 0 });
      const graph: Graph = {
        name: `int16_${type}`,
        tensors: [2 ** -12, 2 ** -11, 2 ** -10].map((scale, id) => ({ id, name: `t${id}`, dtype: 'int16', shape: [1, 64], quantization: quantization(scale) })),
        ops: [{ type, inputs: [0, 1], outputs: [2], attrs: { activation: 'none' } } as Graph['ops'][number]],
        inputs: [0, 1],
        outputs: [2],
      };
      const random = seededRandom(13);
      const inputs = graph.inputs.map((id) => randomTensorData(graph.tensors[id], random));
      const ours = new Interpreter(graph).run(inputs).outputs[0];
      const [theirs] = await runInTflite(exportTflite(graph), inputs);
      expect(Array.from(theirs), type).toEqual(Array.from(ours as Int16Array));
    }
  });
});
