/** TRANSPOSE host kernel: each output element copied from its input position (ops/transpose.ts). */
import { transpose, transposeSourceIndices } from '../../ops/transpose.js';
import { registerKernel } from '../registry.js';

registerKernel(transpose, (plan) => {
  const sources = transposeSourceIndices(plan);
  return (inputs, outputs) => {
    const x = inputs[0] as ArrayLike<number>;
    const y = outputs[0] as { [i: number]: number };
    for (let i = 0; i < sources.length; i++) y[i] = x[sources[i]];
  };
});
