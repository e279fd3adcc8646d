/**
 * LOGISTIC, TANH, RELU and RELU6 host kernels, from the plans of ops/logistic-tanh.ts and
 * ops/relu.ts.
 *
 * int8 follows TFLite Micro's reference kernels bit for bit:
 * - LOGISTIC / TANH (reference_integer_ops::Logistic / Tanh): rescale (x - zeroPoint) to Q4.27,
 *   apply gemmlowp's logistic or tanh and round the Q0.31 result to 8 fractional bits (output
 *   scale 1/256, zero point -128 for LOGISTIC; 1/128, 0 for TANH).
 * - RELU requantizes and clamps below at the output zero point; RELU6 clamps the raw input.
 * int16 LOGISTIC / TANH use TFLite's table-interpolation kernels (shared with the LSTM's gates).
 * float32 uses float32 arithmetic: TFLite's logistic with its cutoffs (x > 16.619 gives 1,
 * x < -9 gives exp(x)), tanh, and the clamps.
 */
import type { TensorData } from '../../ir/types.js';
import { multiplyByQuantizedMultiplier } from '../../ops/fixed-point.js';
import { logistic as logisticOp, tanh as tanhOp, type SigmoidParams, type SigmoidPlan, sigmoidInt8 } from '../../ops/logistic-tanh.js';
import { relu, relu6 } from '../../ops/relu.js';
import { sigmoidInt16, tanhInt16 } from './lstm-activations.js';
import { registerKernel } from '../registry.js';

/** reference_integer_ops::Logistic for int8: output scale 1/256, zero point -128. */
export function logisticInt8(params: SigmoidParams, input: ArrayLike<number>, output: { [i: number]: number }, count: number): void {
  for (let i = 0; i < count; i++) output[i] = sigmoidInt8('LOGISTIC', params, input[i]);
}

/** reference_integer_ops::Tanh for int8: output scale 1/128, zero point 0. */
export function tanhInt8(params: SigmoidParams, input: ArrayLike<number>, output: { [i: number]: number }, count: number): void {
  for (let i = 0; i < count; i++) output[i] = sigmoidInt8('TANH', params, input[i]);
}

/** TFLite's float reference logistic, in float32. */
export function logisticFloat(x: number): number {
  if (x > 16.619047164916992) return 1;
  if (x < -9) return Math.fround(Math.exp(x));
  return Math.fround(1 / Math.fround(1 + Math.fround(Math.exp(-x))));
}

/** An eval applying `f` to every element (the output stores it in its own dtype). */
function mapElements(count: number, f: (x: number) => number) {
  return (inputs: readonly (TensorData | undefined)[], outputs: TensorData[]) => {
    const source = inputs[0] as TensorData;
    const out = outputs[0];
    for (let i = 0; i < count; i++) out[i] = f(source[i] as number);
  };
}

for (const definition of [logisticOp, tanhOp]) {
  const isLogistic = definition === logisticOp;
  registerKernel(definition, ({ count, arithmetic }: SigmoidPlan) => {
    if (arithmetic.flavour === 'float32') return mapElements(count, isLogistic ? logisticFloat : Math.tanh);
    if (arithmetic.flavour === 'int16') {
      const { scaling } = arithmetic;
      const f = isLogistic ? sigmoidInt16 : tanhInt16;
      return mapElements(count, (x) => f(x, scaling));
    }
    const { params } = arithmetic;
    const f = isLogistic ? logisticInt8 : tanhInt8;
    return (inputs, outputs) => f(params, inputs[0] as Int8Array, outputs[0] as Int8Array, count);
  });
}

registerKernel(relu, ({ count, arithmetic }) => {
  if (arithmetic.flavour === 'float32') return mapElements(count, (x) => (x < 0 ? 0 : x));
  const { input, output, multiplier, clamp } = arithmetic;
  const { min, max } = clamp;
  return mapElements(count, (x) => {
    const value = output.zeroPoint + multiplyByQuantizedMultiplier(x - input.zeroPoint, multiplier!.multiplier, multiplier!.shift);
    return value < min ? min : value > max ? max : value;
  });
});

registerKernel(relu6, ({ count, arithmetic }) => {
  if (arithmetic.flavour === 'float32') return mapElements(count, (x) => (x > 6 ? 6 : x < 0 ? 0 : x));
  const { min, max } = arithmetic.clamp;
  return mapElements(count, (x) => (x > max ? max : x < min ? min : x));
});
