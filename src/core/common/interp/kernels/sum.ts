/** SUM host kernel (arithmetic in ops/sum.ts), on MEAN's map of input elements to outputs. */
import { elementCount } from '../../ir/tensor.js';
import { requantizeSum, sum } from '../../ops/sum.js';
import { registerKernel } from '../registry.js';
import { reductionOffsets } from './mean.js';

registerKernel(sum, ({ axes, integer }, { graph, op }) => {
  const input = graph.tensors[op.inputs[0]];
  const inputCount = elementCount(input.shape);
  const outputCount = elementCount(graph.tensors[op.outputs[0]].shape);
  const outputOffsets = reductionOffsets(input.shape, axes);
  if (!integer) {
    return (inputs, outputs) => {
      const source = inputs[0] as Float32Array;
      const out = outputs[0] as Float32Array;
      out.fill(0);
      for (let i = 0; i < inputCount; i++) out[outputOffsets[i]] = out[outputOffsets[i]] + source[i]; // stored as float32
    };
  }
  const sums = new Int32Array(outputCount);
  return (inputs, outputs) => {
    const source = inputs[0] as ArrayLike<number>;
    const out = outputs[0] as { [i: number]: number };
    sums.fill(0);
    for (let i = 0; i < inputCount; i++) sums[outputOffsets[i]] += source[i]; // wraps like int32
    for (let j = 0; j < outputCount; j++) out[j] = requantizeSum(sums[j], integer);
  };
});
