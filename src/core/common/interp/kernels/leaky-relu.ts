/**
 * LEAKY_RELU host kernel (TFLite's reference_ops::QuantizeLeakyRelu for int8 and int16, the
 * float32 select otherwise), from the plan of ops/leaky-relu.ts.
 */
import { multiplyByQuantizedMultiplier } from '../../ops/fixed-point.js';
import { leakyRelu } from '../../ops/leaky-relu.js';
import { registerKernel } from '../registry.js';

registerKernel(leakyRelu, ({ count, alpha, arithmetic }) => {
  if (arithmetic.flavour === 'float32') {
    return (inputs, outputs) => {
      const x = inputs[0] as Float32Array;
      const y = outputs[0] as Float32Array;
      for (let i = 0; i < count; i++) y[i] = x[i] > 0 ? x[i] : x[i] * alpha;
    };
  }
  const { input, output, identity, negative, range } = arithmetic;
  return (inputs, outputs) => {
    const x = inputs[0] as Int8Array | Int16Array;
    const y = outputs[0] as Int8Array | Int16Array;
    for (let i = 0; i < count; i++) {
      const centered = x[i] - input.zeroPoint;
      const m = centered >= 0 ? identity : negative;
      const q = (output.zeroPoint + multiplyByQuantizedMultiplier(centered, m.multiplier, m.shift)) | 0;
      y[i] = q < range.min ? range.min : q > range.max ? range.max : q;
    }
  };
});
