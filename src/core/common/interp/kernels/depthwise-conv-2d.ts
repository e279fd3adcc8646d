/**
 * DEPTHWISE_CONV_2D host kernel.
 *
 * - int8: TFLite Micro's reference_integer_ops::DepthwiseConvPerChannel, bit-exact (exact
 *   integer sums, int32 wrap, per-channel double-rounding requantization).
 * - int16 ("16x8"): the same with int16 activations (zero points 0), 64-bit accumulator and
 *   int64 bias, as the reference 16x8 kernel.
 * - float32: reference_ops::DepthwiseConv order (taps in y, x order per output channel,
 *   each multiply and add rounded to float32), then bias and the fused activation.
 * - hybrid (float32 input/output, int8 weights): TFLite's runtime kernel
 *   (depthwise_conv.cc EvalHybridPerChannel): the input is always quantized asymmetrically
 *   per batch, and each output is `float(acc) · input_scale · filter_scale[c] + bias[c]`
 *   rounded to float32 after every operation, in that order (the portable optimized path).
 *
 * Layout: input [N, H, W, C], filter [1, FH, FW, C·M], output [N, OH, OW, C·M]; output
 * channel `c·M + m` reads input channel `c` (M is the depth multiplier).
 */
import { depthwiseConv2d, type DepthwiseGeometry } from '../../ops/depthwise-conv-2d.js';
import { registerKernel } from '../registry.js';
import { centerInput, quantizeAsymmetricCentered, requantize16, requantize8, requantizer } from './conv-common.js';
import { tapRange } from '../../ops/window.js';

/** Scratch for the depthwise loops: the input and filter offsets of one window's taps. */
export interface DepthwiseTaps {
  input: Int32Array;
  filter: Int32Array;
}

export function depthwiseTaps(geometry: DepthwiseGeometry): DepthwiseTaps {
  const count = geometry.filterHeight * geometry.filterWidth;
  return { input: new Int32Array(count), filter: new Int32Array(count) };
}

/**
 * Lists the taps of one output pixel that fall inside the image, in (y, x) order: the offset
 * of the input pixel (channel 0) and of the filter tap (output channel 0). Returns the count.
 */
function collectTaps(geometry: DepthwiseGeometry, batchBase: number, oy: number, ox: number, taps: DepthwiseTaps): number {
  const { inputHeight, inputWidth, inputDepth, outputDepth, filterHeight, filterWidth, dilationHeight, dilationWidth } = geometry;
  const inY0 = oy * geometry.strideHeight - geometry.padTop;
  const inX0 = ox * geometry.strideWidth - geometry.padLeft;
  const ys = tapRange(inY0, inputHeight, filterHeight, dilationHeight);
  const xs = tapRange(inX0, inputWidth, filterWidth, dilationWidth);
  let count = 0;
  for (let fy = ys.start; fy < ys.end; fy++) {
    const rowBase = batchBase + (inY0 + fy * dilationHeight) * inputWidth * inputDepth;
    for (let fx = xs.start; fx < xs.end; fx++) {
      taps.input[count] = rowBase + (inX0 + fx * dilationWidth) * inputDepth;
      taps.filter[count] = (fy * filterWidth + fx) * outputDepth;
      count++;
    }
  }
  return count;
}

/**
 * Exact integer sums Σ filter·input for every output of a depthwise convolution, written to
 * `sums` ([N, OH, OW, C·M]). `input` holds centered values (zero point taken off); taps
 * outside the image are skipped. Each output channel accumulates over the window's taps in a
 * register: a full 3x3 window unrolled, otherwise two channels at a time.
 */
export function integerDepthwise(geometry: DepthwiseGeometry, input: Int16Array, filter: Int8Array, taps: DepthwiseTaps, sums: Float64Array): void {
  const { batches, inputHeight, inputWidth, inputDepth, outputHeight, outputWidth, outputDepth, depthMultiplier } = geometry;
  const tapInput = taps.input;
  const tapFilter = taps.filter;
  let out = 0;
  for (let b = 0; b < batches; b++) {
    const batchBase = b * inputHeight * inputWidth * inputDepth;
    for (let oy = 0; oy < outputHeight; oy++) {
      for (let ox = 0; ox < outputWidth; ox++) {
        const count = collectTaps(geometry, batchBase, oy, ox, taps);
        if (depthMultiplier === 1 && count === 9) {
          // A full 3x3 window (the common case): nine taps unrolled, offsets in registers.
          const [i0, i1, i2, i3, i4, i5, i6, i7, i8] = tapInput;
          const [f0, f1, f2, f3, f4, f5, f6, f7, f8] = tapFilter;
          for (let c = 0; c < outputDepth; c++) {
            sums[out + c] =
              input[i0 + c] * filter[f0 + c] +
              input[i1 + c] * filter[f1 + c] +
              input[i2 + c] * filter[f2 + c] +
              input[i3 + c] * filter[f3 + c] +
              input[i4 + c] * filter[f4 + c] +
              input[i5 + c] * filter[f5 + c] +
              input[i6 + c] * filter[f6 + c] +
              input[i7 + c] * filter[f7 + c] +
              input[i8 + c] * filter[f8 + c];
          }
        } else if (depthMultiplier === 1) {
          let c = 0;
          for (; c + 1 < outputDepth; c += 2) {
            let a0 = 0;
            let a1 = 0;
            for (let t = 0; t < count; t++) {
              const i = tapInput[t] + c;
              const f = tapFilter[t] + c;
              a0 += input[i] * filter[f];
              a1 += input[i + 1] * filter[f + 1];
            }
            sums[out + c] = a0;
            sums[out + c + 1] = a1;
          }
          for (; c < outputDepth; c++) {
            let acc = 0;
            for (let t = 0; t < count; t++) acc += input[tapInput[t] + c] * filter[tapFilter[t] + c];
            sums[out + c] = acc;
          }
        } else {
          for (let k = 0; k < outputDepth; k++) {
            const channel = (k / depthMultiplier) | 0;
            let acc = 0;
            for (let t = 0; t < count; t++) acc += input[tapInput[t] + channel] * filter[tapFilter[t] + k];
            sums[out + k] = acc;
          }
        }
        out += outputDepth;
      }
    }
  }
}

/**
 * Float32 depthwise convolution in reference_ops::DepthwiseConv order: per output channel,
 * taps inside the image in (y, x) order, `total = fround(total + fround(input · filter))`,
 * then `fround(total + bias)` clamped to the activation range.
 */
export function floatDepthwise(
  geometry: DepthwiseGeometry,
  input: Float32Array,
  filter: Float32Array,
  bias: Float32Array | undefined,
  min: number,
  max: number,
  taps: DepthwiseTaps,
  output: Float32Array,
): void {
  const { batches, inputHeight, inputWidth, inputDepth, outputHeight, outputWidth, outputDepth, depthMultiplier } = geometry;
  const tapInput = taps.input;
  const tapFilter = taps.filter;
  const fround = Math.fround;
  let out = 0;
  for (let b = 0; b < batches; b++) {
    const batchBase = b * inputHeight * inputWidth * inputDepth;
    for (let oy = 0; oy < outputHeight; oy++) {
      for (let ox = 0; ox < outputWidth; ox++) {
        const count = collectTaps(geometry, batchBase, oy, ox, taps);
        // Two output channels side by side (each in its own tap order) overlap the rounding chains.
        for (let k = 0; k < outputDepth; k += 2) {
          const k1 = k + 1 < outputDepth ? k + 1 : k;
          const channel0 = depthMultiplier === 1 ? k : (k / depthMultiplier) | 0;
          const channel1 = depthMultiplier === 1 ? k1 : (k1 / depthMultiplier) | 0;
          let total0 = 0;
          let total1 = 0;
          for (let t = 0; t < count; t++) {
            const i = tapInput[t];
            const f = tapFilter[t];
            total0 = fround(total0 + fround(input[i + channel0] * filter[f + k]));
            total1 = fround(total1 + fround(input[i + channel1] * filter[f + k1]));
          }
          const value0 = bias ? fround(total0 + bias[k]) : total0;
          output[out + k] = value0 < min ? min : value0 > max ? max : value0;
          if (k1 !== k) {
            const value1 = bias ? fround(total1 + bias[k1]) : total1;
            output[out + k1] = value1 < min ? min : value1 > max ? max : value1;
          }
        }
        out += outputDepth;
      }
    }
  }
}

registerKernel(depthwiseConv2d, ({ geometry, arithmetic }) => {
  const channels = geometry.outputDepth;
  const outputCount = geometry.batches * geometry.outputHeight * geometry.outputWidth * channels;
  const inputCount = geometry.batches * geometry.inputHeight * geometry.inputWidth * geometry.inputDepth;
  const taps = depthwiseTaps(geometry);
  const { min, max } = arithmetic.activation;

  if (arithmetic.flavour === 'float32') {
    return (inputs, outputs) => {
      floatDepthwise(
        geometry,
        inputs[0] as Float32Array,
        inputs[1] as Float32Array,
        inputs[2] as Float32Array | undefined,
        min,
        max,
        taps,
        outputs[0] as Float32Array,
      );
    };
  }

  const sums = new Float64Array(outputCount);

  if (arithmetic.flavour === 'hybrid') {
    const { filterScales } = arithmetic;
    const centered = new Int16Array(inputCount);
    const batchSize = inputCount / geometry.batches;
    const pixelsPerBatch = geometry.outputHeight * geometry.outputWidth;
    const batchScales = new Float32Array(geometry.batches);
    return (inputs, outputs) => {
      const values = inputs[0] as Float32Array;
      const biasData = inputs[2] as Float32Array | undefined;
      const result = outputs[0] as Float32Array;
      const fround = Math.fround;
      for (let b = 0; b < geometry.batches; b++) {
        batchScales[b] = quantizeAsymmetricCentered(values, b * batchSize, batchSize, centered).scale;
      }
      integerDepthwise(geometry, centered, inputs[1] as Int8Array, taps, sums);
      let i = 0;
      for (let b = 0; b < geometry.batches; b++) {
        const inputScale = batchScales[b];
        for (let p = 0; p < pixelsPerBatch; p++) {
          for (let c = 0; c < channels; c++, i++) {
            let value = fround(fround(fround(sums[i] | 0) * inputScale) * filterScales[c]);
            if (biasData) value = fround(value + biasData[c]);
            result[i] = value < min ? min : value > max ? max : value;
          }
        }
      }
    };
  }

  const scaling = requantizer(arithmetic.requant);
  if (arithmetic.flavour === 'int16') {
    const wideAccumulator = arithmetic.wideAccumulator;
    return (inputs, outputs) => {
      integerDepthwise(geometry, inputs[0] as Int16Array, inputs[1] as Int8Array, taps, sums);
      requantize16(sums, inputs[2], wideAccumulator, scaling, channels, min, max, outputs[0] as Int16Array);
    };
  }

  const centered = new Int16Array(inputCount);
  const inputZeroPoint = arithmetic.input.zeroPoint;
  const outputZeroPoint = arithmetic.output.zeroPoint;
  return (inputs, outputs) => {
    centerInput(inputs[0] as Int8Array, inputZeroPoint, centered);
    integerDepthwise(geometry, centered, inputs[1] as Int8Array, taps, sums);
    requantize8(sums, inputs[2] as Int32Array | undefined, scaling, outputZeroPoint, channels, min, max, outputs[0] as Int8Array);
  };
});
