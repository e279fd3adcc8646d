/** Host kernels of ARG_MAX / ARG_MIN (ops/arg-min-max.ts) and FLOOR_DIV / FLOOR_MOD (ops/floor-div-mod.ts). */
import { InterpreterError } from '../../errors.js';
import { argMinMax, argMinMaxIndices } from '../../ops/arg-min-max.js';
import { forEachStepped } from '../../ops/comparison.js';
import { floorDivMod, floorDivModValue } from '../../ops/floor-div-mod.js';
import { registerKernel } from '../registry.js';

registerKernel(argMinMax, (plan) => (inputs, outputs) => {
  const x = inputs[0] as ArrayLike<number>;
  const y = outputs[0] as { [i: number]: number | bigint };
  argMinMaxIndices(plan, x, plan.int64 ? (i, index) => (y[i] = BigInt(index)) : (i, index) => (y[i] = index));
});

registerKernel(floorDivMod, ({ broadcast: { shape, strides1, strides2 }, modulo, flavour }, context) => (inputs, outputs) => {
  const [a, b] = inputs as readonly ArrayLike<number>[];
  const y = outputs[0] as { [i: number]: number };
  for (let i = 0; i < b.length; i++) {
    if (b[i] === 0) throw new InterpreterError(`op ${context.opIndex} (${context.op.type}): division by zero (divisor element ${i})`);
  }
  forEachStepped(shape, [strides1, strides2], (o, [i1, i2]) => {
    y[o] = floorDivModValue(modulo, flavour, a[i1], b[i2]);
  });
});
