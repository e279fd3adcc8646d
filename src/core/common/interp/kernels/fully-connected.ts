/**
 * FULLY_CONNECTED host kernel.
 *
 * - int8: TFLite Micro's reference_integer_ops::FullyConnected (per-tensor weights, the
 *   weight zero point applied, multiplier from the float32 product `input_scale ·
 *   filter_scale` as GetQuantizedConvolutionMultipler computes it) or FullyConnectedPerChannel
 *   (per-channel weights, double multipliers), bit-exact.
 * - int16 ("16x8"): the same with int16 activations (zero points 0); an int64 bias selects
 *   the 64-bit accumulator and requantization, an int32 or absent bias the 32-bit ones.
 * - float32: reference_ops::FullyConnected order (each multiply and add rounded to float32),
 *   then bias and the fused activation.
 * - hybrid (float32 input/output, int8 weights): TFLite's runtime kernel (EvalHybrid): each
 *   batch row quantized symmetrically, or asymmetrically with `asymmetricQuantizeInputs`;
 *   each output is `bias + float(acc) · float(input_scale · filter_scale)` in float32.
 *
 * Layout: weights [units, depth]; the input is read as [batches, depth] and the output as
 * [batches, units], whatever their ranks (`keepNumDims` only changes the output shape).
 */
import { fullyConnected, type MatMulShape } from '../../ops/fully-connected.js';
import { registerKernel } from '../registry.js';
import { centerInput, quantizeHybridInput, requantize16, requantize8, requantizer } from './conv-common.js';

/**
 * Exact integer sums Σ weight·input for every (batch, unit), plus `weightOffset · Σ input`
 * per batch row when the weights carry a zero point (`(w + weightOffset) · x` summed).
 */
export function integerMatMul(
  shape: MatMulShape,
  input: Int16Array,
  weights: Int8Array,
  weightOffset: number,
  sums: Float64Array,
): void {
  const { batches, units, depth } = shape;
  for (let b = 0, out = 0; b < batches; b++) {
    const rowBase = b * depth;
    let offsetTerm = 0;
    if (weightOffset !== 0) {
      let inputSum = 0;
      for (let d = 0; d < depth; d++) inputSum += input[rowBase + d];
      offsetTerm = weightOffset * inputSum;
    }
    for (let u = 0; u < units; u++, out++) {
      const weightBase = u * depth;
      let acc = 0;
      let d = 0;
      for (; d + 3 < depth; d += 4) {
        acc +=
          weights[weightBase + d] * input[rowBase + d] +
          weights[weightBase + d + 1] * input[rowBase + d + 1] +
          weights[weightBase + d + 2] * input[rowBase + d + 2] +
          weights[weightBase + d + 3] * input[rowBase + d + 3];
      }
      for (; d < depth; d++) acc += weights[weightBase + d] * input[rowBase + d];
      sums[out] = acc + offsetTerm;
    }
  }
}

/**
 * Float32 fully connected in reference_ops::FullyConnected order: `total = fround(total +
 * fround(input · weight))` over the depth, then `fround(total + bias)`, clamped.
 */
export function floatMatMul(
  shape: MatMulShape,
  input: Float32Array,
  weights: Float32Array,
  bias: Float32Array | undefined,
  min: number,
  max: number,
  output: Float32Array,
): void {
  const { batches, units, depth } = shape;
  const fround = Math.fround;
  for (let b = 0; b < batches; b++) {
    const rowBase = b * depth;
    // Two units side by side (each in its own order) overlap the rounding chains.
    for (let u = 0; u < units; u += 2) {
      const u1 = u + 1 < units ? u + 1 : u;
      const w0 = u * depth;
      const w1 = u1 * depth;
      let total0 = 0;
      let total1 = 0;
      for (let d = 0; d < depth; d++) {
        const x = input[rowBase + d];
        total0 = fround(total0 + fround(x * weights[w0 + d]));
        total1 = fround(total1 + fround(x * weights[w1 + d]));
      }
      const value0 = bias ? fround(total0 + bias[u]) : total0;
      output[b * units + u] = value0 < min ? min : value0 > max ? max : value0;
      if (u1 !== u) {
        const value1 = bias ? fround(total1 + bias[u1]) : total1;
        output[b * units + u1] = value1 < min ? min : value1 > max ? max : value1;
      }
    }
  }
}

registerKernel(fullyConnected, ({ shape, arithmetic, asymmetricInputs }) => {
  const { batches, units, depth } = shape;
  const { min, max } = arithmetic.activation;

  if (arithmetic.flavour === 'float32') {
    return (inputs, outputs) => {
      floatMatMul(shape, inputs[0] as Float32Array, inputs[1] as Float32Array, inputs[2] as Float32Array | undefined, min, max, outputs[0] as Float32Array);
    };
  }

  const sums = new Float64Array(batches * units);

  if (arithmetic.flavour === 'hybrid') {
    const { filterScales } = arithmetic;
    const centered = new Int16Array(batches * depth);
    const batchScales = new Float32Array(batches);
    const rowScales = new Float32Array(units);
    return (inputs, outputs) => {
      const values = inputs[0] as Float32Array;
      for (let b = 0; b < batches; b++) batchScales[b] = quantizeHybridInput(values, b * depth, depth, centered, asymmetricInputs);
      integerMatMul(shape, centered, inputs[1] as Int8Array, 0, sums);
      const biasData = inputs[2] as Float32Array | undefined;
      const result = outputs[0] as Float32Array;
      const fround = Math.fround;
      for (let b = 0, i = 0; b < batches; b++) {
        // Per-tensor TFLite folds the weight scale into the batch scale, per-channel scales each row: the same product.
        for (let u = 0; u < units; u++) rowScales[u] = fround(filterScales[u] * batchScales[b]);
        for (let u = 0; u < units; u++, i++) {
          const value = fround((biasData ? biasData[u] : 0) + fround(fround(sums[i] | 0) * rowScales[u]));
          result[i] = value < min ? min : value > max ? max : value;
        }
      }
    };
  }

  // The per-tensor kernel applies the weight zero point (per-channel weights are symmetric).
  const weightOffset = -arithmetic.weightZeroPoint;
  const scaling = requantizer(arithmetic.requant);
  if (arithmetic.flavour === 'int16') {
    const wideAccumulator = arithmetic.wideAccumulator;
    return (inputs, outputs) => {
      integerMatMul(shape, inputs[0] as Int16Array, inputs[1] as Int8Array, weightOffset, sums);
      requantize16(sums, inputs[2], wideAccumulator, scaling, units, min, max, outputs[0] as Int16Array);
    };
  }

  const centered = new Int16Array(batches * depth);
  const inputZeroPoint = arithmetic.input.zeroPoint;
  const outputZeroPoint = arithmetic.output.zeroPoint;
  return (inputs, outputs) => {
    centerInput(inputs[0] as Int8Array, inputZeroPoint, centered);
    integerMatMul(shape, centered, inputs[1] as Int8Array, weightOffset, sums);
    requantize8(sums, inputs[2] as Int32Array | undefined, scaling, outputZeroPoint, units, min, max, outputs[0] as Int8Array);
  };
});
