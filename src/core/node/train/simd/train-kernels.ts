/**
 * TinyDeploy's wasm SIMD training kernels (`train-kernels.c`, built into `train-kernels.wasm.ts`
 * by `npm run build:train-kernels`), instantiated over the memory of TensorFlow.js's wasm back
 * end so they read and write its tensors in place. Each call takes tensor infos of that back end;
 * the module holds no state of its own.
 */

import type * as tfType from '@tensorflow/tfjs';
import { trainKernelsWasm } from './train-kernels.wasm.js';

/** The part of the wasm back end the kernels use. */
export interface WasmHeapBackend {
  wasm: { asm?: { memory?: WebAssembly.Memory } };
  getMemoryOffset(dataId: object): number;
}

export interface TrainKernels {
  /** dw [kh, kw, c] of a depthwise convolution (multiplier 1, dilation 1), overwritten. */
  depthwiseFilterGrad(
    x: tfType.TensorInfo,
    dy: tfType.TensorInfo,
    dw: tfType.TensorInfo,
    shape: { batch: number; inHeight: number; inWidth: number; channels: number; outHeight: number; outWidth: number; filterHeight: number; filterWidth: number; strideHeight: number; strideWidth: number; top: number; left: number },
  ): void;
  /** y = x + b (last axis), through a ReLU with `relu`. */
  biasActivation(x: tfType.TensorInfo, b: tfType.TensorInfo, y: tfType.TensorInfo, rows: number, channels: number, relu: boolean): void;
  /** db = column sums of dx, dx = dy where y > 0 (with `y` and `dx`) or of dy (without). */
  biasReluGrad(dy: tfType.TensorInfo, y: tfType.TensorInfo | undefined, dx: tfType.TensorInfo | undefined, db: tfType.TensorInfo, rows: number, channels: number): void;
}

interface Exports {
  td_depthwise_filter_grad(...args: number[]): void;
  td_bias_relu_grad(dy: number, y: number, dx: number, db: number, rows: number, channels: number): void;
  td_bias_activation(x: number, b: number, y: number, rows: number, channels: number, relu: number): void;
}

let compiled: WebAssembly.Module | undefined;
const instances = new WeakMap<WebAssembly.Memory, TrainKernels>();

/** The kernels over this back end's memory, or undefined where it does not expose its memory. */
export function trainKernels(backend: unknown): TrainKernels | undefined {
  const heap = backend as WasmHeapBackend;
  const memory = heap.wasm?.asm?.memory;
  if (!(memory instanceof WebAssembly.Memory) || typeof heap.getMemoryOffset !== 'function') return undefined;
  let kernels = instances.get(memory);
  if (kernels) return kernels;
  compiled ??= new WebAssembly.Module(Buffer.from(trainKernelsWasm, 'base64'));
  const exports = new WebAssembly.Instance(compiled, { env: { memory } }).exports as unknown as Exports;
  const at = (info: tfType.TensorInfo | undefined) => {
    if (!info) return 0;
    if (info.dtype !== 'float32') throw new Error(`wasm training kernel: input is ${info.dtype}, expected float32`);
    return heap.getMemoryOffset(info.dataId);
  };
  kernels = {
    depthwiseFilterGrad(x, dy, dw, s) {
      exports.td_depthwise_filter_grad(at(x), at(dy), at(dw), s.batch, s.inHeight, s.inWidth, s.channels, s.outHeight, s.outWidth, s.filterHeight, s.filterWidth, s.strideHeight, s.strideWidth, s.top, s.left);
    },
    biasActivation(x, b, y, rows, channels, relu) {
      exports.td_bias_activation(at(x), at(b), at(y), rows, channels, relu ? 1 : 0);
    },
    biasReluGrad(dy, y, dx, db, rows, channels) {
      exports.td_bias_relu_grad(at(dy), at(y), at(dx), at(db), rows, channels);
    },
  };
  instances.set(memory, kernels);
  return kernels;
}
