/**
 * CONV_2D host kernel.
 *
 * - int8: TFLite Micro's reference_integer_ops::ConvPerChannel (per-channel or per-tensor
 *   weights, int32 bias, grouped convolution when the filter has fewer input channels than
 *   the input), bit-exact: exact integer sums, the int32 wrap of the C accumulator, double
 *   rounding requantization with multipliers computed as PopulateConvolutionQuantizationParams.
 * - int16 ("16x8"): the same with int16 activations (zero points 0), int64 or int32 bias.
 * - float32: reference_ops::Conv order (taps in y, x, channel order, each multiply and add
 *   rounded to float32), then bias, then the fused activation.
 * - hybrid (float32 input and output, int8 weights, float32 bias): TFLite's runtime kernel.
 *   The input is quantized per batch, symmetrically when the weights have one scale
 *   (EvalHybrid) and asymmetrically when their per-channel scales differ
 *   (EvalHybridPerChannel). Each output is `float(acc) · float(filter_scale · input_scale)`
 *   plus the bias in float32, as the optimized kernels compute it.
 *
 * Layout: input [N, H, W, C], filter [Cout, FH, FW, C / groups], output [N, OH, OW, Cout].
 */
import { conv2d, type ConvGeometry } from '../../ops/conv-2d.js';
import { registerKernel } from '../registry.js';
import { centerInput, quantizeHybridInput, requantize16, requantize8, requantizer } from './conv-common.js';
import { tapRange } from '../../ops/window.js';

/**
 * Exact integer sums Σ filter·input for every output of a convolution, written to `sums`
 * ([N, OH, OW, Cout]). `input` holds centered values (zero point already taken off), so a
 * tap outside the image contributes 0 and each window is gathered into `patch` (2 windows
 * of FH·FW·filterDepth) with zeros there; each output is then one contiguous dot product
 * with a filter row. Two neighbouring pixels and four output channels are computed together
 * so every loaded value is used several times (about 1.5x faster than one at a time).
 * The sums are exact (doubles); the callers wrap them to int32 where the C code does.
 */
export function integerConvolution(
  geometry: ConvGeometry,
  input: Int16Array,
  filter: Int8Array,
  patch: Int16Array,
  sums: Float64Array,
): void {
  const { batches, inputHeight, inputWidth, inputDepth, outputHeight, outputWidth, outputDepth, strideHeight, strideWidth } = geometry;
  const { filterHeight, filterWidth, padTop, padLeft, groups, filterDepth } = geometry;
  const size = filterHeight * filterWidth * filterDepth;
  const outputsPerGroup = outputDepth / groups;
  // A 1x1 filter never reads padding (its 'same' padding is 0): dot the input pixels directly.
  const pointwise = filterHeight === 1 && filterWidth === 1;
  const source = pointwise ? input : patch;
  for (let b = 0; b < batches; b++) {
    const batchBase = b * inputHeight * inputWidth * inputDepth;
    for (let oy = 0; oy < outputHeight; oy++) {
      const inY0 = oy * strideHeight - padTop;
      for (let ox = 0; ox < outputWidth; ox += 2) {
        const pair = ox + 1 < outputWidth;
        const inX0 = ox * strideWidth - padLeft;
        const outA = ((b * outputHeight + oy) * outputWidth + ox) * outputDepth;
        const outB = outA + outputDepth;
        for (let group = 0; group < groups; group++) {
          const channelBase = group * filterDepth;
          let baseA = 0;
          let baseB = 0;
          if (pointwise) {
            baseA = batchBase + (inY0 * inputWidth + inX0) * inputDepth + channelBase;
            baseB = baseA + strideWidth * inputDepth;
          } else {
            gatherWindow(geometry, input, batchBase + channelBase, inY0, inX0, patch, 0);
            if (pair) gatherWindow(geometry, input, batchBase + channelBase, inY0, inX0 + strideWidth, patch, size);
            baseB = size;
          }
          const end = (group + 1) * outputsPerGroup;
          let oc = group * outputsPerGroup;
          if (pair) {
            for (; oc + 3 < end; oc += 4) {
              const r0 = oc * size;
              const r1 = r0 + size;
              const r2 = r1 + size;
              const r3 = r2 + size;
              let a0 = 0;
              let a1 = 0;
              let a2 = 0;
              let a3 = 0;
              let b0 = 0;
              let b1 = 0;
              let b2 = 0;
              let b3 = 0;
              for (let k = 0; k < size; k++) {
                const x = source[baseA + k];
                const y = source[baseB + k];
                const f0 = filter[r0 + k];
                const f1 = filter[r1 + k];
                const f2 = filter[r2 + k];
                const f3 = filter[r3 + k];
                a0 += f0 * x;
                a1 += f1 * x;
                a2 += f2 * x;
                a3 += f3 * x;
                b0 += f0 * y;
                b1 += f1 * y;
                b2 += f2 * y;
                b3 += f3 * y;
              }
              sums[outA + oc] = a0;
              sums[outA + oc + 1] = a1;
              sums[outA + oc + 2] = a2;
              sums[outA + oc + 3] = a3;
              sums[outB + oc] = b0;
              sums[outB + oc + 1] = b1;
              sums[outB + oc + 2] = b2;
              sums[outB + oc + 3] = b3;
            }
            for (; oc < end; oc++) {
              const row = oc * size;
              let a = 0;
              let c = 0;
              for (let k = 0; k < size; k++) {
                const f = filter[row + k];
                a += f * source[baseA + k];
                c += f * source[baseB + k];
              }
              sums[outA + oc] = a;
              sums[outB + oc] = c;
            }
          } else {
            for (; oc + 3 < end; oc += 4) {
              const r0 = oc * size;
              const r1 = r0 + size;
              const r2 = r1 + size;
              const r3 = r2 + size;
              let a0 = 0;
              let a1 = 0;
              let a2 = 0;
              let a3 = 0;
              for (let k = 0; k < size; k++) {
                const x = source[baseA + k];
                a0 += filter[r0 + k] * x;
                a1 += filter[r1 + k] * x;
                a2 += filter[r2 + k] * x;
                a3 += filter[r3 + k] * x;
              }
              sums[outA + oc] = a0;
              sums[outA + oc + 1] = a1;
              sums[outA + oc + 2] = a2;
              sums[outA + oc + 3] = a3;
            }
            for (; oc < end; oc++) {
              const row = oc * size;
              let a = 0;
              for (let k = 0; k < size; k++) a += filter[row + k] * source[baseA + k];
              sums[outA + oc] = a;
            }
          }
        }
      }
    }
  }
}

/**
 * Copies one window (taps in y, x, channel order, `filterDepth` channels from `channelBase`)
 * into `patch[offset…]`, with 0 for taps outside the image.
 */
function gatherWindow(
  geometry: ConvGeometry,
  input: Int16Array,
  channelBase: number,
  inY0: number,
  inX0: number,
  patch: Int16Array,
  offset: number,
): void {
  const { inputHeight, inputWidth, inputDepth, filterHeight, filterWidth, dilationHeight, dilationWidth, filterDepth } = geometry;
  let p = offset;
  for (let fy = 0; fy < filterHeight; fy++) {
    const inY = inY0 + fy * dilationHeight;
    const rowInside = inY >= 0 && inY < inputHeight;
    for (let fx = 0; fx < filterWidth; fx++) {
      const inX = inX0 + fx * dilationWidth;
      if (rowInside && inX >= 0 && inX < inputWidth) {
        const from = channelBase + (inY * inputWidth + inX) * inputDepth;
        for (let c = 0; c < filterDepth; c++) patch[p + c] = input[from + c];
      } else {
        patch.fill(0, p, p + filterDepth);
      }
      p += filterDepth;
    }
  }
}

/**
 * Float32 convolution in reference_ops::Conv order: for each output, taps inside the image
 * in (y, x, channel) order, `total = fround(total + fround(input · filter))`, then
 * `fround(total + bias)` clamped to the activation range. Four output channels run side by
 * side (each keeps its own order) so the rounding chains overlap.
 */
export function floatConvolution(
  geometry: ConvGeometry,
  input: Float32Array,
  filter: Float32Array,
  bias: Float32Array | undefined,
  min: number,
  max: number,
  output: Float32Array,
): void {
  const { batches, inputHeight, inputWidth, inputDepth, outputHeight, outputWidth, outputDepth, filterHeight, filterWidth } = geometry;
  const { strideHeight, strideWidth, dilationHeight, dilationWidth, padTop, padLeft, groups, filterDepth } = geometry;
  const outputsPerGroup = outputDepth / groups;
  const size = filterHeight * filterWidth * filterDepth;
  const fround = Math.fround;
  let out = 0;
  for (let b = 0; b < batches; b++) {
    const batchBase = b * inputHeight * inputWidth * inputDepth;
    for (let oy = 0; oy < outputHeight; oy++) {
      const inY0 = oy * strideHeight - padTop;
      const ys = tapRange(inY0, inputHeight, filterHeight, dilationHeight);
      for (let ox = 0; ox < outputWidth; ox++) {
        const inX0 = ox * strideWidth - padLeft;
        const xs = tapRange(inX0, inputWidth, filterWidth, dilationWidth);
        for (let group = 0; group < groups; group++) {
          const channelBase = batchBase + group * filterDepth;
          const end = (group + 1) * outputsPerGroup;
          let oc = group * outputsPerGroup;
          for (; oc < end; oc += 4) {
            const lanes = Math.min(4, end - oc);
            // Rows of lanes past the end repeat the last channel; their totals are dropped.
            const r0 = oc * size;
            const r1 = (lanes > 1 ? oc + 1 : oc) * size;
            const r2 = (lanes > 2 ? oc + 2 : oc) * size;
            const r3 = (lanes > 3 ? oc + 3 : oc) * size;
            let t0 = 0;
            let t1 = 0;
            let t2 = 0;
            let t3 = 0;
            for (let fy = ys.start; fy < ys.end; fy++) {
              const rowBase = channelBase + (inY0 + fy * dilationHeight) * inputWidth * inputDepth;
              for (let fx = xs.start; fx < xs.end; fx++) {
                const from = rowBase + (inX0 + fx * dilationWidth) * inputDepth;
                const tap = (fy * filterWidth + fx) * filterDepth;
                for (let c = 0; c < filterDepth; c++) {
                  const x = input[from + c];
                  const k = tap + c;
                  t0 = fround(t0 + fround(x * filter[r0 + k]));
                  t1 = fround(t1 + fround(x * filter[r1 + k]));
                  t2 = fround(t2 + fround(x * filter[r2 + k]));
                  t3 = fround(t3 + fround(x * filter[r3 + k]));
                }
              }
            }
            for (let lane = 0; lane < lanes; lane++) {
              const total = lane === 0 ? t0 : lane === 1 ? t1 : lane === 2 ? t2 : t3;
              const value = bias ? fround(total + bias[oc + lane]) : total;
              output[out + oc + lane] = value < min ? min : value > max ? max : value;
            }
          }
        }
        out += outputDepth;
      }
    }
  }
}

registerKernel(conv2d, ({ geometry, arithmetic }) => {
  const channels = geometry.outputDepth;
  const patch = new Int16Array(2 * geometry.filterHeight * geometry.filterWidth * geometry.filterDepth);
  const outputCount = geometry.batches * geometry.outputHeight * geometry.outputWidth * channels;
  const pixelsPerBatch = geometry.outputHeight * geometry.outputWidth;

  if (arithmetic.flavour === 'float32') {
    const { min, max } = arithmetic.activation;
    return (inputs, outputs) => {
      floatConvolution(
        geometry,
        inputs[0] as Float32Array,
        inputs[1] as Float32Array,
        inputs[2] as Float32Array | undefined,
        min,
        max,
        outputs[0] as Float32Array,
      );
    };
  }

  const sums = new Float64Array(outputCount);
  const { filterScales } = arithmetic;

  if (arithmetic.flavour === 'hybrid') {
    const { min, max } = arithmetic.activation;
    // TFLite takes the per-channel (asymmetric input) path only when the scales really differ.
    const asymmetric = filterScales.some((s) => s !== filterScales[0]);
    const centered = new Int16Array(geometry.batches * geometry.inputHeight * geometry.inputWidth * geometry.inputDepth);
    const batchSize = centered.length / geometry.batches;
    const batchScales = new Float32Array(geometry.batches);
    const rowScales = new Float32Array(channels);
    return (inputs, outputs) => {
      const values = inputs[0] as Float32Array;
      for (let b = 0; b < geometry.batches; b++) {
        batchScales[b] = quantizeHybridInput(values, b * batchSize, batchSize, centered, asymmetric);
      }
      integerConvolution(geometry, centered, inputs[1] as Int8Array, patch, sums);
      const biasData = inputs[2] as Float32Array | undefined;
      const result = outputs[0] as Float32Array;
      const fround = Math.fround;
      let i = 0;
      for (let b = 0; b < geometry.batches; b++) {
        for (let c = 0; c < channels; c++) rowScales[c] = fround(filterScales[c] * batchScales[b]);
        for (let p = 0; p < pixelsPerBatch; p++) {
          for (let c = 0; c < channels; c++, i++) {
            let value = fround(fround(sums[i] | 0) * rowScales[c]);
            if (biasData) value = fround(value + biasData[c]);
            result[i] = value < min ? min : value > max ? max : value;
          }
        }
      }
    };
  }

  const scaling = requantizer(arithmetic.requant);
  const { min, max } = arithmetic.activation;
  if (arithmetic.flavour === 'int16') {
    const wideAccumulator = arithmetic.wideAccumulator;
    return (inputs, outputs) => {
      integerConvolution(geometry, inputs[0] as Int16Array, inputs[1] as Int8Array, patch, sums);
      requantize16(sums, inputs[2], wideAccumulator, scaling, channels, min, max, outputs[0] as Int16Array);
    };
  }

  const centered = new Int16Array(geometry.batches * geometry.inputHeight * geometry.inputWidth * geometry.inputDepth);
  const inputZeroPoint = arithmetic.input.zeroPoint;
  const outputZeroPoint = arithmetic.output.zeroPoint;
  return (inputs, outputs) => {
    centerInput(inputs[0] as Int8Array, inputZeroPoint, centered);
    integerConvolution(geometry, centered, inputs[1] as Int8Array, patch, sums);
    requantize8(sums, inputs[2] as Int32Array | undefined, scaling, outputZeroPoint, channels, min, max, outputs[0] as Int8Array);
  };
});
