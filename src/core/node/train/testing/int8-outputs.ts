/**
 * What the fake-quantization tests compare: an int8 model's outputs as real values (run by the
 * interpreter, its state reset before each sample), and how far other outputs are from them.
 */
import { Interpreter } from '../../../common/interp/interpreter.js';
import type { Graph } from '../../../common/ir/types.js';
import type { LabelledSet } from '../../../common/passes/pass.js';

/** The int8 model's outputs as real values, one row per sample. */
export function int8Outputs(graph: Graph, set: LabelledSet): Float32Array[] {
  const interpreter = new Interpreter(graph, { state: 'reset' });
  const input = graph.tensors[graph.inputs[0]].quantization!;
  const output = graph.tensors[graph.outputs[0]].quantization!;
  return Array.from({ length: set.count }, (_, i) => {
    const real = set.inputs.subarray(i * set.sampleSize, (i + 1) * set.sampleSize);
    const q = Int8Array.from(real, (value) => Math.max(-128, Math.min(127, Math.round(value / input.scale[0]) + input.zeroPoint[0])));
    const result = interpreter.run([q]).outputs[0] as Int8Array;
    return Float32Array.from(result, (value) => (value - output.zeroPoint[0]) * output.scale[0]);
  });
}

/** The worst and mean |values − expected| over every output, `values` the rows one after the other. */
export function outputDistance(expected: readonly Float32Array[], values: Float32Array): { worst: number; mean: number } {
  const width = expected[0].length;
  let worst = 0;
  let sum = 0;
  expected.forEach((row, i) => {
    for (let j = 0; j < width; j++) {
      const difference = Math.abs(values[i * width + j] - row[j]);
      worst = Math.max(worst, difference);
      sum += difference;
    }
  });
  return { worst, mean: sum / (expected.length * width) };
}
