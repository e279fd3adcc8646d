/**
 * LEAKY_RELU: x for x ≥ 0, alpha · x below, as TFLite Micro prepares it.
 *
 * - int8 / int16 (reference_ops::QuantizeLeakyRelu): (x - zpIn) rescaled to the output with
 *   one of two multipliers, QuantizeMultiplier(scaleIn / scaleOut) for x - zpIn ≥ 0 and
 *   QuantizeMultiplier(scaleIn · alpha / scaleOut) below; the products are float32, as the C
 *   code computes them before widening to double. Plus the output zero point, clamped to the type.
 * - float32: x > 0 ? x : x · alpha, in float32.
 *
 * `alpha` is the op's option (float32; 0 when absent, as TFLite's zero-initialized parameters).
 */
import { quantizeMultiplier, type QuantizedMultiplier } from './fixed-point.js';
import { dtypeRange, type ActivationRange } from './activation.js';
import { activationQuantization, rescale, type AffineQuantization } from './quantization.js';
import { defineOp } from './registry.js';
import { unaryTensors } from './unary.js';

export interface LeakyReluAttrs {
  alpha: number;
}

export interface LeakyReluPlan {
  count: number;
  /** alpha as float32. */
  alpha: number;
  arithmetic:
    | { flavour: 'float32' }
    | {
        flavour: 'int8' | 'int16';
        input: AffineQuantization;
        output: AffineQuantization;
        identity: QuantizedMultiplier;
        negative: QuantizedMultiplier;
        /** The output type's range. */
        range: ActivationRange;
      };
}

/** alpha when the op has none: TFLite zero-initializes the parameters of an op without options. */
export const DEFAULT_LEAKY_RELU_ALPHA = 0;

export const leakyRelu = defineOp<LeakyReluPlan>({
  types: ['LEAKY_RELU'],
  minInputs: 1,
  precisions: ['int8', 'int16', 'float32'],
  inPlace: 'elementwise',
  prepare(context) {
    const { input, output, count } = unaryTensors(context, ['float32', 'int8', 'int16']);
    const raw = (context.op.attrs as Partial<LeakyReluAttrs>).alpha ?? DEFAULT_LEAKY_RELU_ALPHA;
    if (typeof raw !== 'number' || !Number.isFinite(raw)) context.fail(`alpha is ${String(raw)}, expected a finite number`);
    const alpha = Math.fround(raw);
    if (input.dtype === 'float32') return { count, alpha, arithmetic: { flavour: 'float32' } };
    const flavour = input.dtype as 'int8' | 'int16';
    const qx = activationQuantization(context, input, 'input');
    const qy = activationQuantization(context, output, 'output');
    const [sx, sy] = [Math.fround(qx.scale), Math.fround(qy.scale)];
    return {
      count,
      alpha,
      arithmetic: {
        flavour,
        input: qx,
        output: qy,
        identity: rescale(context, Math.fround(sx / sy), 'identity'),
        // QuantizeMultiplier keeps the sign of a negative alpha (a negative Q31 multiplier).
        negative: quantizeMultiplier(Math.fround(Math.fround(sx * alpha) / sy)),
        range: dtypeRange[flavour]!,
      },
    };
  },
});
