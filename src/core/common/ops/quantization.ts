/**
 * Quantization facts the weighted ops share (CONV_2D, DEPTHWISE_CONV_2D, FULLY_CONNECTED): the
 * precision an op runs in, chosen from its dtypes; bias checks; per-tensor activation
 * quantization; per-channel weight scales; and TFLite's PopulateConvolutionQuantizationParams
 * folding them into Q31 multipliers and shifts.
 *
 * Precisions:
 * - `int8` / `int16` ("16x8"): integer activations, int8 weights, bit-exact with TFLite
 *   Micro's reference_integer_ops;
 * - `float32`: float activations and weights, float32 arithmetic in the reference order;
 * - `hybrid`: float activations, int8 weights, the input quantized per batch at run time.
 */
import type { Activation, DType, Quantization, Tensor } from '../ir/types.js';
import { formatShape } from '../ir/tensor.js';
import { quantizeMultiplier } from './fixed-point.js';
import { activationRangeFloat, activationRangeQuantized, type ActivationRange } from './activation.js';
import { tensorName, type OpContext } from './op.js';

/** The precision a weighted op runs in, chosen from its input and weight dtypes. */
export type WeightedFlavour = 'int8' | 'int16' | 'float32' | 'hybrid';

/**
 * Chooses the flavour of CONV_2D / DEPTHWISE_CONV_2D / FULLY_CONNECTED from the input and
 * weight dtypes, failing with the op and the dtypes it does not run.
 */
export function weightedFlavour(context: OpContext, input: Tensor, filter: Tensor, output: Tensor): WeightedFlavour {
  const key = `${input.dtype}/${filter.dtype}/${output.dtype}`;
  switch (key) {
    case 'int8/int8/int8':
      return 'int8';
    case 'int16/int8/int16':
      return 'int16';
    case 'float32/float32/float32':
      return 'float32';
    case 'float32/int8/float32':
      return 'hybrid';
    default:
      return context.fail(
        `input ${input.dtype}, weights ${filter.dtype}, output ${output.dtype} is not supported ` +
          '(expected int8/int8/int8, int16/int8/int16, float32/float32/float32 or hybrid float32/int8/float32)',
      );
  }
}

/** Dtype the bias must have in each flavour (int16 kernels also accept int32, see callers). */
function expectedBiasDType(flavour: WeightedFlavour): DType {
  return flavour === 'int8' ? 'int32' : flavour === 'int16' ? 'int64' : 'float32';
}

/** Checks an optional bias tensor: dtype, element count, and that it is a constant. */
export function checkBias(context: OpContext, bias: Tensor | undefined, flavour: WeightedFlavour, channels: number, allowInt32For16x8: boolean): void {
  if (!bias) return;
  const expected = expectedBiasDType(flavour);
  const allowed = flavour === 'int16' && allowInt32For16x8 ? [expected, 'int32'] : [expected];
  if (!allowed.includes(bias.dtype)) {
    context.fail(`bias ${tensorName(bias)} is ${bias.dtype}, expected ${allowed.join(' or ')}`);
  }
  const count = bias.shape.reduce((a, b) => a * b, 1);
  if (count !== channels) {
    context.fail(`bias ${tensorName(bias)} has shape ${formatShape(bias.shape)}, expected ${formatShape([channels])}`);
  }
}

/** Scale and zero point of a per-tensor quantized activation; fails when absent, per-channel or not a positive finite scale. */
export function activationQuantization(context: OpContext, tensor: Tensor, role: string): { scale: number; zeroPoint: number } {
  const q = tensor.quantization;
  if (!q || q.scale.length === 0) context.fail(`${role} ${tensorName(tensor)} has no quantization parameters`);
  if (q.scale.length !== 1) {
    context.fail(`${role} ${tensorName(tensor)} has ${q.scale.length} scales, expected per-tensor quantization`);
  }
  if (!(q.scale[0] > 0) || !Number.isFinite(q.scale[0])) context.fail(`${role} ${tensorName(tensor)} has scale ${q.scale[0]}, expected a positive finite value`);
  return { scale: q.scale[0], zeroPoint: q.zeroPoint[0] ?? 0 };
}

/**
 * The weight scales broadcast to one per output channel. Per-channel quantization must run
 * along `axis` (the output-channel dimension of the weight layout) with one scale per
 * channel. Weights must be symmetric (zero point 0): TFLite's integer and hybrid kernels do not
 * apply a weight zero point.
 */
export function weightScales(context: OpContext, filter: Tensor, channels: number, axis: number): Float64Array {
  const q: Quantization | undefined = filter.quantization;
  if (!q || q.scale.length === 0) context.fail(`weights ${tensorName(filter)} have no quantization parameters`);
  if (q.scale.length !== 1) {
    if (q.scale.length !== channels) {
      context.fail(`weights ${tensorName(filter)} have ${q.scale.length} scales, expected 1 or ${channels} (one per output channel)`);
    }
    if (q.axis !== axis) context.fail(`weights ${tensorName(filter)} are quantized along axis ${q.axis}, expected axis ${axis}`);
  }
  const nonZero = q.zeroPoint.findIndex((z) => z !== 0);
  if (nonZero >= 0) {
    context.fail(`weights ${tensorName(filter)} have zero point ${q.zeroPoint[nonZero]}, expected 0 (symmetric int8 weights)`);
  }
  const scales = new Float64Array(channels);
  for (let c = 0; c < channels; c++) scales[c] = q.scale.length === 1 ? q.scale[0] : q.scale[c];
  return scales;
}

/** Q31 multipliers and shifts, one per output channel. */
export interface ChannelMultipliers {
  multipliers: Int32Array;
  shifts: Int32Array;
}

/**
 * TFLite's PopulateConvolutionQuantizationParams: for each channel the double
 * `input_scale * filter_scale / output_scale` turned into a Q31 multiplier and a shift.
 * The scales are float32 values held in doubles, so the arithmetic is the C code's.
 */
export function channelMultipliers(context: OpContext, inputScale: number, filterScales: Float64Array, outputScale: number): ChannelMultipliers {
  const multipliers = new Int32Array(filterScales.length);
  const shifts = new Int32Array(filterScales.length);
  for (let c = 0; c < filterScales.length; c++) {
    const real = (inputScale * filterScales[c]) / outputScale;
    if (!Number.isFinite(real) || real < 0) context.fail(`channel ${c}: rescale factor ${real} is not a finite value ≥ 0`);
    const { multiplier, shift } = quantizeMultiplier(real);
    multipliers[c] = multiplier;
    shifts[c] = shift;
  }
  return { multipliers, shifts };
}

/** TFLite's QuantizeMultiplier of one real rescale factor, refusing a negative or non-finite one. */
export function rescale(context: OpContext, real: number, what: string): { multiplier: number; shift: number } {
  if (!Number.isFinite(real) || real < 0) context.fail(`${what} rescale factor is ${real}, expected a finite value ≥ 0`);
  return quantizeMultiplier(real);
}

/** Scale and zero point of a per-tensor quantized tensor. */
export interface AffineQuantization {
  scale: number;
  zeroPoint: number;
}

/** What a weighted op's plan says about its arithmetic, by flavour. */
export type WeightedArithmetic =
  | { flavour: 'float32'; activation: ActivationRange }
  | { flavour: 'hybrid'; activation: ActivationRange; filterScales: Float64Array }
  | {
      flavour: 'int8' | 'int16';
      /** Clamp in the output's stored domain. */
      activation: ActivationRange;
      filterScales: Float64Array;
      input: AffineQuantization;
      output: AffineQuantization;
      /** One multiplier and shift per output channel (a per-tensor scale repeated). */
      requant: ChannelMultipliers;
      /** The weights have one scale per output channel. */
      perChannel: boolean;
      /** Zero point of per-tensor weights (FULLY_CONNECTED's kernel applies it); 0 otherwise. */
      weightZeroPoint: number;
      /** 16x8: accumulate in 64 bits and requantize with the 64-bit multiplier. */
      wideAccumulator: boolean;
    };

export interface WeightedTensors {
  input: Tensor;
  weights: Tensor;
  bias: Tensor | undefined;
  output: Tensor;
}

export interface WeightedOptions {
  /** Output channels (one scale, bias and multiplier each). */
  channels: number;
  /** Output-channel axis of the weights. */
  axis: number;
  activation: Activation;
  /** 16x8 accepts an int32 bias besides int64 (conv and FC do, depthwise does not). */
  int32BiasFor16x8: boolean;
  /** 16x8 always accumulates in 64 bits (depthwise), not only with an int64 bias. */
  alwaysWide16x8?: boolean;
  /**
   * FULLY_CONNECTED's per-tensor path: the weights may carry a zero point, and the multiplier
   * is TFLite's GetQuantizedConvolutionMultipler (scale product in float32, then a double division).
   */
  fullyConnected?: boolean;
}

/**
 * The arithmetic of CONV_2D, DEPTHWISE_CONV_2D and FULLY_CONNECTED: flavour from the dtypes, bias
 * checks, activation clamp, weight scales and the folded per-channel multipliers, as TFLite's
 * prepare computes them.
 */
export function prepareWeighted(context: OpContext, tensors: WeightedTensors, options: WeightedOptions): WeightedArithmetic {
  const { input, weights, bias, output } = tensors;
  const { channels, axis } = options;
  const flavour = weightedFlavour(context, input, weights, output);
  checkBias(context, bias, flavour, channels, options.int32BiasFor16x8);
  if (flavour === 'float32') return { flavour, activation: activationRangeFloat(context, options.activation) };
  const perChannel = (weights.quantization?.scale.length ?? 0) > 1;
  const perTensorFc = options.fullyConnected === true && !perChannel && flavour !== 'hybrid';
  const filterScales = perTensorFc ? perTensorWeightScales(context, weights, channels) : weightScales(context, weights, channels, axis);
  if (flavour === 'hybrid') return { flavour, activation: activationRangeFloat(context, options.activation), filterScales };
  const inputQuantization = activationQuantization(context, input, 'input');
  const outputQuantization = activationQuantization(context, output, 'output');
  if (flavour === 'int16') {
    for (const [role, tensor, zeroPoint] of [
      ['input', input, inputQuantization.zeroPoint],
      ['output', output, outputQuantization.zeroPoint],
    ] as const) {
      if (zeroPoint !== 0) context.fail(`int16 ${role} ${tensorName(tensor)} has zero point ${zeroPoint}, expected 0`);
    }
  }
  let requant: ChannelMultipliers;
  if (perTensorFc) {
    const { multiplier, shift } = rescale(context, Math.fround(inputQuantization.scale * filterScales[0]) / outputQuantization.scale, 'output');
    requant = { multipliers: new Int32Array(channels).fill(multiplier), shifts: new Int32Array(channels).fill(shift) };
  } else {
    requant = channelMultipliers(context, inputQuantization.scale, filterScales, outputQuantization.scale);
  }
  return {
    flavour,
    activation: activationRangeQuantized(context, options.activation, output.dtype, outputQuantization.scale, outputQuantization.zeroPoint),
    filterScales,
    input: inputQuantization,
    output: outputQuantization,
    requant,
    perChannel,
    weightZeroPoint: perTensorFc ? (weights.quantization?.zeroPoint[0] ?? 0) : 0,
    wideAccumulator: flavour === 'int16' && (options.alwaysWide16x8 === true || bias?.dtype === 'int64'),
  };
}

/** One weight scale repeated per channel, zero point allowed (FULLY_CONNECTED's per-tensor weights). */
function perTensorWeightScales(context: OpContext, weights: Tensor, channels: number): Float64Array {
  const q = weights.quantization;
  if (!q || q.scale.length === 0) context.fail(`weights ${tensorName(weights)} have no quantization parameters`);
  return new Float64Array(channels).fill(q.scale[0]);
}
