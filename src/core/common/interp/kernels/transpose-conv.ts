/** TRANSPOSE_CONV host kernel: the scatter of ops/transpose-conv.ts, then bias, requantization and clamp. */
import { elementCount } from '../../ir/tensor.js';
import type { TensorData } from '../../ir/types.js';
import { multiplyByQuantizedMultiplier } from '../../ops/fixed-point.js';
import { transposeConv, transposeConvScatter } from '../../ops/transpose-conv.js';
import { registerKernel } from '../registry.js';
import { multiplyByQuantizedMultiplierInt64 } from './conv-common.js';

registerKernel(transposeConv, (plan) => {
  const count = elementCount(plan.output);
  const channels = plan.output[3];
  const { arithmetic } = plan;
  if (arithmetic.flavour === 'float32') {
    const { min, max } = arithmetic.activation;
    return (inputs, outputs) => {
      const [filter, x, bias] = [inputs[1] as Float32Array, inputs[2] as Float32Array, inputs[3] as Float32Array | undefined];
      const y = outputs[0] as Float32Array;
      y.fill(0);
      transposeConvScatter(plan, (target, i, f) => {
        y[target] = y[target] + Math.fround(x[i] * filter[f]); // stored as float32 after each add
      });
      for (let o = 0; o < count; o++) {
        const value = bias ? Math.fround(y[o] + bias[o % channels]) : y[o];
        y[o] = value < min ? min : value > max ? max : value;
      }
    };
  }
  if (arithmetic.flavour === 'int16') {
    // The int64 sums held as doubles: every product is below 2^22, so they stay exact integers.
    const { requant, activation } = arithmetic;
    const wide = new Float64Array(count);
    return (inputs, outputs) => {
      const [filter, x, bias] = [inputs[1] as Int8Array, inputs[2] as Int16Array, inputs[3] as TensorData | undefined];
      const y = outputs[0] as Int16Array;
      wide.fill(0);
      transposeConvScatter(plan, (target, i, f) => {
        wide[target] += x[i] * filter[f];
      });
      for (let o = 0; o < count; o++) {
        const c = o % channels;
        const acc = bias ? wide[o] + Number(bias[c]) : wide[o];
        const value = multiplyByQuantizedMultiplierInt64(acc, requant.multipliers[c], requant.shifts[c]);
        y[o] = value < activation.min ? activation.min : value > activation.max ? activation.max : value;
      }
    };
  }
  const { inputOffset, outputOffset, requant, activation } = arithmetic;
  const sums = new Int32Array(count);
  return (inputs, outputs) => {
    const [filter, x, bias] = [inputs[1] as Int8Array, inputs[2] as Int8Array, inputs[3] as Int32Array | undefined];
    const y = outputs[0] as Int8Array;
    sums.fill(0);
    transposeConvScatter(plan, (target, i, f) => {
      sums[target] += (x[i] + inputOffset) * filter[f];
    });
    for (let o = 0; o < count; o++) {
      const c = o % channels;
      const acc = bias ? (sums[o] + bias[c]) | 0 : sums[o];
      const value = multiplyByQuantizedMultiplier(acc, requant.multipliers[c], requant.shifts[c]) + outputOffset;
      y[o] = value < activation.min ? activation.min : value > activation.max ? activation.max : value;
    }
  };
});
