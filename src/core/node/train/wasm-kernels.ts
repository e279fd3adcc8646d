/**
 * The gradient kernels TensorFlow.js's wasm backend lacks for training convolutional networks:
 * `Conv2DBackpropFilter` (the filter gradient of CONV_2D) and the two depthwise backprop kernels
 * (`DepthwiseConv2dNativeBackpropFilter`, `DepthwiseConv2dNativeBackpropInput`). Each runs in
 * TypeScript over the backend's own memory: it reads its inputs as views of the wasm heap and
 * writes its output into a tensor the backend allocates, so no tensor leaves the backend.
 *
 * NHWC only (the layout TinyDeploy lowers to), with the padding and strides TFLite models use.
 * The loops keep the innermost loop over channels, contiguous in NHWC memory, so V8 runs them as
 * plain array sweeps. `wasm-kernels.test.ts` compares every kernel with the cpu backend's.
 */

import type * as tfType from '@tensorflow/tfjs';

type Tf = typeof tfType;
type Conv2DInfo = ReturnType<Tf['backend_util']['computeConv2DInfo']>;

/** The part of the wasm backend the kernels use (`BackendWasm` is not exported as a type). */
interface WasmBackend {
  makeOutput(shape: number[], dtype: 'float32'): tfType.TensorInfo;
  typedArrayFromHeap(info: tfType.TensorInfo): Float32Array;
}

/** The kernel names registered here. */
export const wasmTrainingKernels = ['Conv2DBackpropFilter', 'DepthwiseConv2dNativeBackpropFilter', 'DepthwiseConv2dNativeBackpropInput'] as const;

/** Registers the missing kernels for backend 'wasm' (once; kernels already registered are left alone). */
export function registerWasmTrainingKernels(tf: Tf): void {
  const missing = (name: string) => tf.getKernel(name, 'wasm') === undefined;
  if (missing('Conv2DBackpropFilter')) {
    tf.registerKernel({
      kernelName: 'Conv2DBackpropFilter',
      backendName: 'wasm',
      kernelFunc: ({ inputs, backend, attrs }) => {
        const { x, dy } = inputs as { x: tfType.TensorInfo; dy: tfType.TensorInfo };
        const { strides, pad, dataFormat, dimRoundingMode, filterShape } = attrs as unknown as tfType.Conv2DBackpropFilterAttrs;
        if (dataFormat === 'NCHW') throw new Error('Conv2DBackpropFilter (wasm): only NHWC is supported');
        const info = tf.backend_util.computeConv2DInfo(x.shape as [number, number, number, number], filterShape, strides, 1, pad, dimRoundingMode, false);
        return run(backend as unknown as WasmBackend, info.filterShape, [x, dy], ([xs, dys], out) => conv2dBackpropFilter(info, xs, dys, out));
      },
    });
  }
  if (missing('DepthwiseConv2dNativeBackpropFilter')) {
    tf.registerKernel({
      kernelName: 'DepthwiseConv2dNativeBackpropFilter',
      backendName: 'wasm',
      kernelFunc: ({ inputs, backend, attrs }) => {
        const { x, dy } = inputs as { x: tfType.TensorInfo; dy: tfType.TensorInfo };
        const { strides, dilations, pad, dimRoundingMode, filterShape } = attrs as unknown as tfType.DepthwiseConv2dNativeBackpropFilterAttrs;
        const info = tf.backend_util.computeConv2DInfo(x.shape as [number, number, number, number], filterShape, strides, dilations, pad, dimRoundingMode, true);
        return run(backend as unknown as WasmBackend, info.filterShape, [x, dy], ([xs, dys], out) => depthwiseBackpropFilter(info, xs, dys, out));
      },
    });
  }
  if (missing('DepthwiseConv2dNativeBackpropInput')) {
    tf.registerKernel({
      kernelName: 'DepthwiseConv2dNativeBackpropInput',
      backendName: 'wasm',
      kernelFunc: ({ inputs, backend, attrs }) => {
        const { dy, filter } = inputs as { dy: tfType.TensorInfo; filter: tfType.TensorInfo };
        const { strides, dilations, pad, dimRoundingMode, inputShape } = attrs as unknown as tfType.DepthwiseConv2dNativeBackpropInputAttrs;
        const info = tf.backend_util.computeConv2DInfo(inputShape, filter.shape as [number, number, number, number], strides, dilations, pad, dimRoundingMode, true);
        return run(backend as unknown as WasmBackend, info.inShape, [dy, filter], ([dys, filters], out) => depthwiseBackpropInput(info, dys, filters, out));
      },
    });
  }
}

/**
 * Allocates the output first, then takes views of the inputs: allocating may grow the wasm heap,
 * which detaches every view taken before it.
 */
function run(backend: WasmBackend, shape: number[], inputs: tfType.TensorInfo[], compute: (inputs: Float32Array[], out: Float32Array) => void): tfType.TensorInfo {
  for (const input of inputs) {
    if (input.dtype !== 'float32') throw new Error(`wasm training kernel: input is ${input.dtype}, expected float32`);
  }
  const output = backend.makeOutput(shape, 'float32');
  const out = backend.typedArrayFromHeap(output);
  out.fill(0);
  compute(
    inputs.map((input) => backend.typedArrayFromHeap(input)),
    out,
  );
  return output;
}

/** dW[kh, kw, ci, co] = Σ over batch and output pixels of x[b, y·s + kh − pad, …, ci] · dy[b, y, …, co]. */
function conv2dBackpropFilter(info: Conv2DInfo, x: Float32Array, dy: Float32Array, dw: Float32Array): void {
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels, filterHeight, filterWidth, strideHeight, strideWidth } = info;
  const top = info.padInfo.top;
  const left = info.padInfo.left;
  const xRow = inWidth * inChannels;
  const xBatch = inHeight * xRow;
  const yRow = outWidth * outChannels;
  const yBatch = outHeight * yRow;
  for (let kh = 0; kh < filterHeight; kh++) {
    for (let kw = 0; kw < filterWidth; kw++) {
      const dwBase = (kh * filterWidth + kw) * inChannels * outChannels;
      for (let b = 0; b < batchSize; b++) {
        for (let oy = 0; oy < outHeight; oy++) {
          const iy = oy * strideHeight + kh - top;
          if (iy < 0 || iy >= inHeight) continue;
          for (let ox = 0; ox < outWidth; ox++) {
            const ix = ox * strideWidth + kw - left;
            if (ix < 0 || ix >= inWidth) continue;
            const xBase = b * xBatch + iy * xRow + ix * inChannels;
            const yBase = b * yBatch + oy * yRow + ox * outChannels;
            for (let ci = 0; ci < inChannels; ci++) {
              const value = x[xBase + ci];
              if (value === 0) continue;
              const row = dwBase + ci * outChannels;
              for (let co = 0; co < outChannels; co++) dw[row + co] += value * dy[yBase + co];
            }
          }
        }
      }
    }
  }
}

/** Depthwise filter gradient: dW[kh, kw, c, m] = Σ x[b, …, c] · dy[b, …, c·M + m]. */
function depthwiseBackpropFilter(info: Conv2DInfo, x: Float32Array, dy: Float32Array, dw: Float32Array): void {
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels, filterHeight, filterWidth, strideHeight, strideWidth, dilationHeight, dilationWidth } =
    info;
  const multiplier = outChannels / inChannels;
  const top = info.padInfo.top;
  const left = info.padInfo.left;
  const xRow = inWidth * inChannels;
  const xBatch = inHeight * xRow;
  const yRow = outWidth * outChannels;
  const yBatch = outHeight * yRow;
  for (let kh = 0; kh < filterHeight; kh++) {
    for (let kw = 0; kw < filterWidth; kw++) {
      const dwBase = (kh * filterWidth + kw) * outChannels;
      for (let b = 0; b < batchSize; b++) {
        for (let oy = 0; oy < outHeight; oy++) {
          const iy = oy * strideHeight + kh * dilationHeight - top;
          if (iy < 0 || iy >= inHeight) continue;
          for (let ox = 0; ox < outWidth; ox++) {
            const ix = ox * strideWidth + kw * dilationWidth - left;
            if (ix < 0 || ix >= inWidth) continue;
            const xBase = b * xBatch + iy * xRow + ix * inChannels;
            const yBase = b * yBatch + oy * yRow + ox * outChannels;
            if (multiplier === 1) {
              for (let c = 0; c < inChannels; c++) dw[dwBase + c] += x[xBase + c] * dy[yBase + c];
            } else {
              for (let c = 0; c < inChannels; c++) {
                const value = x[xBase + c];
                for (let m = 0; m < multiplier; m++) dw[dwBase + c * multiplier + m] += value * dy[yBase + c * multiplier + m];
              }
            }
          }
        }
      }
    }
  }
}

/** Depthwise input gradient: dx[b, iy, ix, c] = Σ over the output pixels it fed of dy[b, oy, ox, c·M + m] · W[kh, kw, c, m]. */
function depthwiseBackpropInput(info: Conv2DInfo, dy: Float32Array, filter: Float32Array, dx: Float32Array): void {
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels, filterHeight, filterWidth, strideHeight, strideWidth, dilationHeight, dilationWidth } =
    info;
  const multiplier = outChannels / inChannels;
  const top = info.padInfo.top;
  const left = info.padInfo.left;
  const xRow = inWidth * inChannels;
  const xBatch = inHeight * xRow;
  const yRow = outWidth * outChannels;
  const yBatch = outHeight * yRow;
  // Scatter form: every (output pixel, tap) adds its contribution to the input pixel it read.
  for (let b = 0; b < batchSize; b++) {
    for (let oy = 0; oy < outHeight; oy++) {
      for (let ox = 0; ox < outWidth; ox++) {
        const yBase = b * yBatch + oy * yRow + ox * outChannels;
        for (let kh = 0; kh < filterHeight; kh++) {
          const iy = oy * strideHeight + kh * dilationHeight - top;
          if (iy < 0 || iy >= inHeight) continue;
          for (let kw = 0; kw < filterWidth; kw++) {
            const ix = ox * strideWidth + kw * dilationWidth - left;
            if (ix < 0 || ix >= inWidth) continue;
            const xBase = b * xBatch + iy * xRow + ix * inChannels;
            const wBase = (kh * filterWidth + kw) * outChannels;
            if (multiplier === 1) {
              for (let c = 0; c < inChannels; c++) dx[xBase + c] += dy[yBase + c] * filter[wBase + c];
            } else {
              for (let c = 0; c < inChannels; c++) {
                let total = 0;
                for (let m = 0; m < multiplier; m++) total += dy[yBase + c * multiplier + m] * filter[wBase + c * multiplier + m];
                dx[xBase + c] += total;
              }
            }
          }
        }
      }
    }
  }
}
