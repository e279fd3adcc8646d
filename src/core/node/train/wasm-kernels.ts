/**
 * The gradient kernels TensorFlow.js's wasm backend lacks for training convolutional networks:
 * `Conv2DBackpropFilter` (the filter gradient of CONV_2D) and the two depthwise backprop kernels
 * (`DepthwiseConv2dNativeBackpropFilter`, `DepthwiseConv2dNativeBackpropInput`). Each runs in
 * TypeScript over the backend's own memory: it reads its inputs as views of the wasm heap and
 * writes its output into a tensor the backend allocates, so no tensor leaves the backend.
 *
 * NHWC only (the layout TinyDeploy lowers to), with the padding and strides TFLite models use.
 * The convolution gradients are im2col plus one matrix product on the backend's own (XNNPACK)
 * BatchMatMul: the patch matrix is written into wasm memory in TypeScript, multiplied there, and
 * (for the input gradient) scattered back. The depthwise filter gradient is a direct loop in
 * TinyDeploy's own wasm SIMD kernel (`simd/train-kernels.c`, four channels at a time, in place in
 * the back end's memory); the depthwise input gradient at stride 1 is a depthwise convolution
 * itself, other cases direct TypeScript loops.
 *
 * Two kernels the wasm back end has are replaced for speed: `Conv2DBackpropInput` (its direct loop
 * took 300 ms for a 1x1 convolution at batch 64 where the product takes milliseconds) and
 * `BatchMatMul` with a transposed operand (35 ms where transposing first and multiplying takes 8):
 * a transposed operand is transposed by the back end's Transpose kernel before the product, as
 * the gradients of every matrix product ask for one. `Identity` shares the data instead of copying it. `wasm-kernels.test.ts` compares every kernel
 * with the cpu backend's.
 */

import type * as tfType from '@tensorflow/tfjs';
import { trainKernels } from './simd/train-kernels.js';

type Tf = typeof tfType;
type Conv2DInfo = ReturnType<Tf['backend_util']['computeConv2DInfo']>;

/** The part of the wasm backend the kernels use (`BackendWasm` is not exported as a type). */
interface WasmBackend {
  makeOutput(shape: number[], dtype: 'float32'): tfType.TensorInfo;
  typedArrayFromHeap(info: tfType.TensorInfo): Float32Array;
  disposeData(dataId: object): boolean;
}

type KernelFunc = tfType.KernelConfig['kernelFunc'];

/** The kernel names registered (or replaced) here. */
export const wasmTrainingKernels = ['Conv2DBackpropFilter', 'Conv2DBackpropInput', 'DepthwiseConv2dNativeBackpropFilter', 'DepthwiseConv2dNativeBackpropInput', 'BatchMatMul', 'Identity'] as const;

const replaced = Symbol.for('tinydeploy.wasmTrainingKernel');

/**
 * Registers the missing kernels for backend 'wasm' and replaces the slow ones (once). Call it
 * before the back end initialises: the replaced BatchMatMul keeps the original's setup.
 */
export function registerWasmTrainingKernels(tf: Tf): void {
  const current = (name: string) => tf.getKernel(name, 'wasm') as (tfType.KernelConfig & { [replaced]?: true }) | undefined;
  const batchMatMul = current('BatchMatMul');
  const transpose = current('Transpose');
  const reshape = current('Reshape');
  if (!batchMatMul || !transpose || !reshape) throw new Error('the wasm back end has no BatchMatMul, Transpose or Reshape kernel');
  if (batchMatMul[replaced]) return;
  const original = batchMatMul.kernelFunc;
  const depthwise = current('DepthwiseConv2dNative');
  if (!depthwise) throw new Error('the wasm back end has no DepthwiseConv2dNative kernel');
  const helpers: Helpers = { matMul: original, transpose: transpose.kernelFunc, reshape: reshape.kernelFunc, depthwise: depthwise.kernelFunc };

  const register = (kernelName: string, kernelFunc: KernelFunc, base?: tfType.KernelConfig) => {
    if (current(kernelName)) tf.unregisterKernel(kernelName, 'wasm');
    tf.registerKernel({ ...base, kernelName, backendName: 'wasm', kernelFunc, [replaced]: true } as tfType.KernelConfig);
  };

  register(
    'BatchMatMul',
    (args) => {
      const { a, b } = args.inputs as { a: tfType.TensorInfo; b: tfType.TensorInfo };
      const { transposeA, transposeB } = args.attrs as unknown as tfType.BatchMatMulAttrs;
      if (!transposeA && !transposeB) return original(args);
      const backend = args.backend as unknown as WasmBackend;
      const temporary: tfType.TensorInfo[] = [];
      const flipped = (operand: tfType.TensorInfo) => {
        const rank = operand.shape.length;
        const perm = Array.from({ length: rank }, (_, i) => (i === rank - 2 ? rank - 1 : i === rank - 1 ? rank - 2 : i));
        const result = helpers.transpose({ inputs: { x: operand }, backend: args.backend, attrs: { perm } }) as tfType.TensorInfo;
        temporary.push(result);
        return result;
      };
      try {
        return original({ ...args, inputs: { a: transposeA ? flipped(a) : a, b: transposeB ? flipped(b) : b }, attrs: { ...args.attrs, transposeA: false, transposeB: false } });
      } finally {
        for (const info of temporary) backend.disposeData(info.dataId);
      }
    },
    batchMatMul,
  );

  // tfjs clones every tensor a kernel saves for its gradient (an Identity); the wasm back end copies
  // the data (45 copies of 2 MB activations in a KWS step), the cpu one shares it with a reference
  // count, as here: tensors are immutable and no kernel writes into its inputs.
  const identity = current('Identity');
  if (!identity) throw new Error('the wasm back end has no Identity kernel');
  register(
    'Identity',
    (args) => {
      const { x } = args.inputs as { x: tfType.TensorInfo };
      if (x.dtype === 'string') return identity.kernelFunc(args);
      (args.backend as unknown as { incRef(dataId: object): void }).incRef(x.dataId);
      return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
    },
    identity,
  );

  register('Conv2DBackpropFilter', ({ inputs, backend, attrs }) => {
    const { x, dy } = inputs as { x: tfType.TensorInfo; dy: tfType.TensorInfo };
    const { strides, pad, dataFormat, dimRoundingMode, filterShape } = attrs as unknown as tfType.Conv2DBackpropFilterAttrs;
    if (dataFormat === 'NCHW') throw new Error('Conv2DBackpropFilter (wasm): only NHWC is supported');
    const info = tf.backend_util.computeConv2DInfo(x.shape as [number, number, number, number], filterShape, strides, 1, pad, dimRoundingMode, false);
    return conv2dBackpropFilter(helpers, backend as unknown as WasmBackend, info, x, dy);
  });

  register('Conv2DBackpropInput', ({ inputs, backend, attrs }) => {
    const { dy, filter } = inputs as { dy: tfType.TensorInfo; filter: tfType.TensorInfo };
    const { strides, pad, dataFormat, dimRoundingMode, inputShape } = attrs as unknown as tfType.Conv2DBackpropInputAttrs;
    if (dataFormat === 'NCHW') throw new Error('Conv2DBackpropInput (wasm): only NHWC is supported');
    const info = tf.backend_util.computeConv2DInfo(inputShape, filter.shape as [number, number, number, number], strides, 1, pad, dimRoundingMode, false);
    return conv2dBackpropInput(helpers, backend as unknown as WasmBackend, info, dy, filter);
  });
  const missing = (name: string) => current(name) === undefined;
  if (missing('DepthwiseConv2dNativeBackpropFilter')) {
    tf.registerKernel({
      kernelName: 'DepthwiseConv2dNativeBackpropFilter',
      backendName: 'wasm',
      kernelFunc: ({ inputs, backend, attrs }) => {
        const { x, dy } = inputs as { x: tfType.TensorInfo; dy: tfType.TensorInfo };
        const { strides, dilations, pad, dimRoundingMode, filterShape } = attrs as unknown as tfType.DepthwiseConv2dNativeBackpropFilterAttrs;
        const info = tf.backend_util.computeConv2DInfo(x.shape as [number, number, number, number], filterShape, strides, dilations, pad, dimRoundingMode, true);
        const simd = trainKernels(backend);
        if (simd && info.dilationHeight === 1 && info.dilationWidth === 1 && info.outChannels === info.inChannels) {
          checkFloat(x, dy);
          const dw = (backend as unknown as WasmBackend).makeOutput(info.filterShape, 'float32');
          const { batchSize: batch, inHeight, inWidth, inChannels: channels, outHeight, outWidth, filterHeight, filterWidth, strideHeight, strideWidth } = info;
          simd.depthwiseFilterGrad(x, dy, dw, { batch, inHeight, inWidth, channels, outHeight, outWidth, filterHeight, filterWidth, strideHeight, strideWidth, top: info.padInfo.top, left: info.padInfo.left });
          return dw;
        }
        if (unitStrides(info)) return depthwiseFilterByConvolution(helpers, backend as unknown as WasmBackend, info, x, dy);
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
        if (unitStrides(info)) return depthwiseInputByConvolution(helpers, backend as unknown as WasmBackend, info, dy, filter);
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

interface Helpers {
  matMul: KernelFunc;
  transpose: KernelFunc;
  reshape: KernelFunc;
  depthwise: KernelFunc;
}

/** A 1x1 convolution at stride 1 without padding: a matrix product over pixels. */
function pointwise(info: Conv2DInfo): boolean {
  const { filterHeight, filterWidth, strideHeight, strideWidth, padInfo } = info;
  return filterHeight === 1 && filterWidth === 1 && strideHeight === 1 && strideWidth === 1 && padInfo.top === 0 && padInfo.left === 0 && padInfo.bottom === 0 && padInfo.right === 0;
}

/** Stride 1, dilation 1, depth multiplier 1: the depthwise gradients are depthwise convolutions themselves. */
function unitStrides(info: Conv2DInfo): boolean {
  return info.strideHeight === 1 && info.strideWidth === 1 && info.dilationHeight === 1 && info.dilationWidth === 1 && info.outChannels === info.inChannels;
}

/** The back end's depthwise convolution of heap tensors (valid or explicit padding, stride 1). */
function depthwiseConvolution(helpers: Helpers, backend: WasmBackend, x: tfType.TensorInfo, filter: tfType.TensorInfo, pad: 'valid' | [[number, number], [number, number], [number, number], [number, number]]): tfType.TensorInfo {
  return helpers.depthwise({ inputs: { x, filter }, backend: backend as never, attrs: { strides: [1, 1], pad, dilations: [1, 1], dataFormat: 'NHWC' } as never }) as tfType.TensorInfo;
}

/**
 * dW[kh, kw, c] = Σ_b Σ_(oy, ox) x_padded[b, oy + kh, ox + kw, c] · dy[b, oy, ox, c]: a depthwise
 * convolution (valid) of the padded input, batch moved into the channels ([1, h, w, b·c]), with dy
 * as the filter ([oh, ow, b·c, 1]); then the batch summed.
 */
function depthwiseFilterByConvolution(helpers: Helpers, backend: WasmBackend, info: Conv2DInfo, x: tfType.TensorInfo, dy: tfType.TensorInfo): tfType.TensorInfo {
  checkFloat(x, dy);
  const { batchSize, inHeight, inWidth, inChannels: channels, outHeight, outWidth, filterHeight, filterWidth } = info;
  const top = info.padInfo.top;
  const left = info.padInfo.left;
  const paddedHeight = outHeight + filterHeight - 1;
  const paddedWidth = outWidth + filterWidth - 1;
  const wide = batchSize * channels;
  const image = backend.makeOutput([1, paddedHeight, paddedWidth, wide], 'float32');
  const kernel = backend.makeOutput([outHeight, outWidth, wide, 1], 'float32');
  let product: tfType.TensorInfo | undefined;
  try {
    const imageData = backend.typedArrayFromHeap(image);
    const kernelData = backend.typedArrayFromHeap(kernel);
    const xs = backend.typedArrayFromHeap(x);
    const dys = backend.typedArrayFromHeap(dy);
    imageData.fill(0);
    for (let b = 0; b < batchSize; b++) {
      for (let iy = 0; iy < inHeight; iy++) {
        const py = iy + top;
        if (py >= paddedHeight) continue;
        for (let ix = 0; ix < inWidth; ix++) {
          const px = ix + left;
          if (px >= paddedWidth) continue;
          imageData.set(xs.subarray(((b * inHeight + iy) * inWidth + ix) * channels, ((b * inHeight + iy) * inWidth + ix + 1) * channels), (py * paddedWidth + px) * wide + b * channels);
        }
      }
      for (let oy = 0; oy < outHeight; oy++) {
        for (let ox = 0; ox < outWidth; ox++) {
          const source = ((b * outHeight + oy) * outWidth + ox) * channels;
          kernelData.set(dys.subarray(source, source + channels), (oy * outWidth + ox) * wide + b * channels);
        }
      }
    }
    product = depthwiseConvolution(helpers, backend, image, kernel, 'valid');
    const dw = backend.makeOutput(info.filterShape, 'float32');
    const out = backend.typedArrayFromHeap(dw);
    const perBatch = backend.typedArrayFromHeap(product);
    out.fill(0);
    const taps = filterHeight * filterWidth;
    for (let t = 0; t < taps; t++) {
      for (let b = 0; b < batchSize; b++) {
        const source = t * wide + b * channels;
        for (let c = 0; c < channels; c++) out[t * channels + c] += perBatch[source + c];
      }
    }
    return dw;
  } finally {
    backend.disposeData(image.dataId);
    backend.disposeData(kernel.dataId);
    if (product) backend.disposeData(product.dataId);
  }
}

/** dx = dy convolved (depthwise) with the filter turned 180°, padded so the output has the input's size. */
function depthwiseInputByConvolution(helpers: Helpers, backend: WasmBackend, info: Conv2DInfo, dy: tfType.TensorInfo, filter: tfType.TensorInfo): tfType.TensorInfo {
  checkFloat(dy, filter);
  const { inHeight, inWidth, inChannels: channels, outHeight, outWidth, filterHeight, filterWidth } = info;
  const top = filterHeight - 1 - info.padInfo.top;
  const left = filterWidth - 1 - info.padInfo.left;
  const bottom = inHeight - outHeight - top + filterHeight - 1;
  const right = inWidth - outWidth - left + filterWidth - 1;
  const turned = backend.makeOutput([filterHeight, filterWidth, channels, 1], 'float32');
  try {
    const source = backend.typedArrayFromHeap(filter);
    const target = backend.typedArrayFromHeap(turned);
    const taps = filterHeight * filterWidth;
    for (let t = 0; t < taps; t++) target.set(source.subarray((taps - 1 - t) * channels, (taps - t) * channels), t * channels);
    const result = depthwiseConvolution(helpers, backend, dy, turned, [[0, 0], [top, bottom], [left, right], [0, 0]]);
    result.shape = info.inShape;
    return result;
  } finally {
    backend.disposeData(turned.dataId);
  }
}

/** The product of [1, m, k] and [1, k, n] heap tensors on the back end's BatchMatMul. */
function product(helpers: Helpers, backend: WasmBackend, a: tfType.TensorInfo, b: tfType.TensorInfo): tfType.TensorInfo {
  return helpers.matMul({ inputs: { a, b }, backend: backend as never, attrs: { transposeA: false, transposeB: false } }) as tfType.TensorInfo;
}

/** A view of `info` with another shape (the same memory). Dispose it after use. */
function view(helpers: Helpers, backend: WasmBackend, info: tfType.TensorInfo, shape: number[]): tfType.TensorInfo {
  return helpers.reshape({ inputs: { x: info }, backend: backend as never, attrs: { shape } }) as tfType.TensorInfo;
}

function checkFloat(...infos: tfType.TensorInfo[]): void {
  for (const info of infos) if (info.dtype !== 'float32') throw new Error(`wasm training kernel: input is ${info.dtype}, expected float32`);
}

/**
 * dW = patchesᵀ · dy: the transposed patch matrix [kh·kw·ci, b·oh·ow] is written into wasm memory
 * (zeros where a tap reads padding), then multiplied by dy as [b·oh·ow, co]; the product [kh·kw·ci,
 * co] is the filter gradient in tfjs' [kh, kw, ci, co] layout.
 */
function conv2dBackpropFilter(helpers: Helpers, backend: WasmBackend, info: Conv2DInfo, x: tfType.TensorInfo, dy: tfType.TensorInfo): tfType.TensorInfo {
  checkFloat(x, dy);
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels, filterHeight, filterWidth, strideHeight, strideWidth } = info;
  const top = info.padInfo.top;
  const left = info.padInfo.left;
  const depth = filterHeight * filterWidth * inChannels;
  const positions = batchSize * outHeight * outWidth;
  if (pointwise(info)) {
    // 1x1, stride 1, no padding: the patch matrix is x itself, transposed by the back end.
    const xView = view(helpers, backend, x, [1, positions, inChannels]);
    const dyFlat = view(helpers, backend, dy, [1, positions, outChannels]);
    let transposed: tfType.TensorInfo | undefined;
    try {
      transposed = helpers.transpose({ inputs: { x: xView }, backend: backend as never, attrs: { perm: [0, 2, 1] } }) as tfType.TensorInfo;
      const result = product(helpers, backend, transposed, dyFlat);
      result.shape = info.filterShape;
      return result;
    } finally {
      backend.disposeData(xView.dataId);
      backend.disposeData(dyFlat.dataId);
      if (transposed) backend.disposeData(transposed.dataId);
    }
  }
  const patches = backend.makeOutput([1, depth, positions], 'float32');
  const dyView = view(helpers, backend, dy, [1, positions, outChannels]);
  try {
    const columns = backend.typedArrayFromHeap(patches);
    const xs = backend.typedArrayFromHeap(x);
    columns.fill(0);
    for (let b = 0, n = 0; b < batchSize; b++) {
      for (let oy = 0; oy < outHeight; oy++) {
        for (let ox = 0; ox < outWidth; ox++, n++) {
          for (let kh = 0; kh < filterHeight; kh++) {
            const iy = oy * strideHeight + kh - top;
            if (iy < 0 || iy >= inHeight) continue;
            for (let kw = 0; kw < filterWidth; kw++) {
              const ix = ox * strideWidth + kw - left;
              if (ix < 0 || ix >= inWidth) continue;
              const source = ((b * inHeight + iy) * inWidth + ix) * inChannels;
              const row = (kh * filterWidth + kw) * inChannels;
              for (let ci = 0; ci < inChannels; ci++) columns[(row + ci) * positions + n] = xs[source + ci];
            }
          }
        }
      }
    }
    const result = product(helpers, backend, patches, dyView);
    result.shape = info.filterShape;
    return result;
  } finally {
    backend.disposeData(patches.dataId);
    backend.disposeData(dyView.dataId);
  }
}

/**
 * dx = col2im(dy · Wᵀ): the filter transposed to [co, kh·kw·ci] in wasm memory, the product
 * [b·oh·ow, kh·kw·ci] on the back end, then every patch row added back onto the input pixels it
 * was read from.
 */
function conv2dBackpropInput(helpers: Helpers, backend: WasmBackend, info: Conv2DInfo, dy: tfType.TensorInfo, filter: tfType.TensorInfo): tfType.TensorInfo {
  checkFloat(dy, filter);
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels, filterHeight, filterWidth, strideHeight, strideWidth } = info;
  const top = info.padInfo.top;
  const left = info.padInfo.left;
  const depth = filterHeight * filterWidth * inChannels;
  const positions = batchSize * outHeight * outWidth;
  const transposed = backend.makeOutput([1, outChannels, depth], 'float32');
  const dyView = view(helpers, backend, dy, [1, positions, outChannels]);
  let columns: tfType.TensorInfo | undefined;
  try {
    const weights = backend.typedArrayFromHeap(filter);
    const target = backend.typedArrayFromHeap(transposed);
    for (let k = 0; k < depth; k++) for (let co = 0; co < outChannels; co++) target[co * depth + k] = weights[k * outChannels + co];
    columns = product(helpers, backend, dyView, transposed);
    if (pointwise(info)) {
      // 1x1, stride 1, no padding: every patch row is one input pixel, the product is dx.
      const dx = columns;
      columns = undefined;
      dx.shape = info.inShape;
      return dx;
    }
    const dx = backend.makeOutput(info.inShape, 'float32');
    const out = backend.typedArrayFromHeap(dx);
    const cols = backend.typedArrayFromHeap(columns);
    out.fill(0);
    for (let b = 0, n = 0; b < batchSize; b++) {
      for (let oy = 0; oy < outHeight; oy++) {
        for (let ox = 0; ox < outWidth; ox++, n++) {
          for (let kh = 0; kh < filterHeight; kh++) {
            const iy = oy * strideHeight + kh - top;
            if (iy < 0 || iy >= inHeight) continue;
            for (let kw = 0; kw < filterWidth; kw++) {
              const ix = ox * strideWidth + kw - left;
              if (ix < 0 || ix >= inWidth) continue;
              const destination = ((b * inHeight + iy) * inWidth + ix) * inChannels;
              const source = n * depth + (kh * filterWidth + kw) * inChannels;
              for (let ci = 0; ci < inChannels; ci++) out[destination + ci] += cols[source + ci];
            }
          }
        }
      }
    }
    return dx;
  } finally {
    backend.disposeData(transposed.dataId);
    backend.disposeData(dyView.dataId);
    if (columns) backend.disposeData(columns.dataId);
  }
}

/** Depthwise filter gradient: dW[kh, kw, c, m] = Σ x[b, …, c] · dy[b, …, c·M + m], summed in a JS array and copied out once. */
function depthwiseBackpropFilter(info: Conv2DInfo, x: Float32Array, dy: Float32Array, dw: Float32Array): void {
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels, filterHeight, filterWidth, strideHeight, strideWidth, dilationHeight, dilationWidth } =
    info;
  const multiplier = outChannels / inChannels;
  const top = info.padInfo.top;
  const left = info.padInfo.left;
  const sums = new Float32Array(dw.length);
  for (let b = 0; b < batchSize; b++) {
    for (let oy = 0; oy < outHeight; oy++) {
      for (let ox = 0; ox < outWidth; ox++) {
        const yBase = ((b * outHeight + oy) * outWidth + ox) * outChannels;
        for (let kh = 0; kh < filterHeight; kh++) {
          const iy = oy * strideHeight + kh * dilationHeight - top;
          if (iy < 0 || iy >= inHeight) continue;
          for (let kw = 0; kw < filterWidth; kw++) {
            const ix = ox * strideWidth + kw * dilationWidth - left;
            if (ix < 0 || ix >= inWidth) continue;
            const xBase = ((b * inHeight + iy) * inWidth + ix) * inChannels;
            const wBase = (kh * filterWidth + kw) * outChannels;
            if (multiplier === 1) {
              for (let c = 0; c < inChannels; c++) sums[wBase + c] += x[xBase + c] * dy[yBase + c];
            } else {
              for (let c = 0; c < inChannels; c++) {
                const value = x[xBase + c];
                for (let m = 0; m < multiplier; m++) sums[wBase + c * multiplier + m] += value * dy[yBase + c * multiplier + m];
              }
            }
          }
        }
      }
    }
  }
  dw.set(sums);
}

/** Depthwise input gradient: every (output pixel, tap) adds dy · W to the input pixel it read, in a JS array copied out once. */
function depthwiseBackpropInput(info: Conv2DInfo, dy: Float32Array, filter: Float32Array, dx: Float32Array): void {
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels, filterHeight, filterWidth, strideHeight, strideWidth, dilationHeight, dilationWidth } =
    info;
  const multiplier = outChannels / inChannels;
  const top = info.padInfo.top;
  const left = info.padInfo.left;
  const sums = new Float32Array(dx.length);
  const weights = Float32Array.from(filter);
  for (let b = 0; b < batchSize; b++) {
    for (let oy = 0; oy < outHeight; oy++) {
      for (let ox = 0; ox < outWidth; ox++) {
        const yBase = ((b * outHeight + oy) * outWidth + ox) * outChannels;
        for (let kh = 0; kh < filterHeight; kh++) {
          const iy = oy * strideHeight + kh * dilationHeight - top;
          if (iy < 0 || iy >= inHeight) continue;
          for (let kw = 0; kw < filterWidth; kw++) {
            const ix = ox * strideWidth + kw * dilationWidth - left;
            if (ix < 0 || ix >= inWidth) continue;
            const xBase = ((b * inHeight + iy) * inWidth + ix) * inChannels;
            const wBase = (kh * filterWidth + kw) * outChannels;
            if (multiplier === 1) {
              for (let c = 0; c < inChannels; c++) sums[xBase + c] += dy[yBase + c] * weights[wBase + c];
            } else {
              for (let c = 0; c < inChannels; c++) {
                let total = 0;
                for (let m = 0; m < multiplier; m++) total += dy[yBase + c * multiplier + m] * weights[wBase + c * multiplier + m];
                sums[xBase + c] += total;
              }
            }
          }
        }
      }
    }
  }
  dx.set(sums);
}
