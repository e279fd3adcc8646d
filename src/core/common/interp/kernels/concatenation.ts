/** CONCATENATION host kernel: copies, or requantizes the inputs the plan says (ops/concatenation.ts). */
import type { TensorData } from '../../ir/types.js';
import { concatenation, type ConcatenationRequantization } from '../../ops/concatenation.js';
import { roundHalfAwayFromZero } from '../../ops/fixed-point.js';
import { registerKernel } from '../registry.js';

/** TFLite's ConcatenationWithScaling for one value: round(q·scale + bias) + zero point, in float32, clamped. */
function requantize(value: number, plan: ConcatenationRequantization): number {
  const rounded = roundHalfAwayFromZero(Math.fround(Math.fround(value * plan.scale) + plan.bias)) + plan.outputZeroPoint;
  return rounded < plan.min ? plan.min : rounded > plan.max ? plan.max : rounded;
}

registerKernel(concatenation, ({ outerSize, inputs: plans }) => (inputs, outputs) => {
  const out = outputs[0];
  let position = 0;
  for (let outer = 0; outer < outerSize; outer++) {
    plans.forEach((plan, i) => {
      const input = inputs[i] as TensorData;
      const start = outer * plan.copySize;
      if (plan.requantize) {
        for (let j = 0; j < plan.copySize; j++) out[position + j] = requantize(input[start + j] as number, plan.requantize);
      } else {
        out.set(input.subarray(start, start + plan.copySize) as never, position);
      }
      position += plan.copySize;
    });
  }
});
