/**
 * x + bias along the last axis, optionally through a ReLU, with the gradient as one kernel on the
 * wasm and cpu back ends: dx = dy where the output is positive (all of dy without the ReLU) and
 * the bias gradient the column sums of dx, in one pass over memory. tfjs' own gradients take a
 * Step, a Cast and a Multiply for the ReLU and a reduction for the bias, which the wasm back end
 * runs as a transpose and a sum or (`lower.ts`, before) as a product with a ones vector that packs
 * the whole activation as a matrix operand (2 ms for a 64 x 25 x 5 x 64 activation).
 *
 * On wasm the pass is TinyDeploy's SIMD kernel (`simd/train-kernels.c`); on cpu a TypeScript loop.
 * Other back ends (tfjs-node) get tfjs' ops. The forward pass is one SIMD kernel on wasm (the add
 * rounded once, then the ReLU: the values of tfjs' Add and Relu bit for bit), those two ops
 * elsewhere; `bias-activation.test.ts` compares values and gradients with the cpu back end's.
 */

import type * as tfType from '@tensorflow/tfjs';
import type { Tf } from './engine.js';
import { trainKernels } from './simd/train-kernels.js';

type T = tfType.Tensor;
type KernelFunc = tfType.KernelConfig['kernelFunc'];

const kernelName = 'TinyDeployBiasActivationGrad';
/** The forward pass as one SIMD kernel (wasm only; Add then Relu elsewhere). */
const forwardKernelName = 'TinyDeployBiasActivation';
const backends = ['wasm', 'cpu'] as const;

interface WasmBackend {
  makeOutput(shape: number[], dtype: 'float32'): tfType.TensorInfo;
  typedArrayFromHeap(info: tfType.TensorInfo): Float32Array;
}

interface CpuBackend {
  readSync(dataId: object): Float32Array;
  makeTensorInfo(shape: number[], dtype: 'float32', values: Float32Array): tfType.TensorInfo;
}

/**
 * dx (where `relu`: dy where y > 0, else 0) and the bias gradient Σ rows of dx, `dy` and `y`
 * [rows, channels]. `dx` undefined: not wanted (no ReLU, dx is dy).
 */
export function biasActivationGrad(dy: Float32Array, y: Float32Array | undefined, channels: number, dx: Float32Array | undefined, db: Float32Array): void {
  const rows = dy.length / channels;
  const sums = new Float64Array(channels);
  for (let r = 0; r < rows; r++) {
    const base = r * channels;
    if (y && dx) {
      for (let c = 0; c < channels; c++) {
        const value = y[base + c] > 0 ? dy[base + c] : 0;
        dx[base + c] = value;
        sums[c] += value;
      }
    } else {
      for (let c = 0; c < channels; c++) sums[c] += dy[base + c];
    }
  }
  for (let c = 0; c < channels; c++) db[c] = sums[c];
}

function kernelFunc(backendName: string): KernelFunc {
  return ({ inputs, backend, attrs }) => {
    const { dy, y } = inputs as { dy: tfType.TensorInfo; y?: tfType.TensorInfo };
    const { relu } = attrs as unknown as { relu: boolean };
    for (const info of [dy, y]) if (info && info.dtype !== 'float32') throw new Error(`${kernelName}: input is ${info.dtype}, expected float32`);
    const channels = dy.shape[dy.shape.length - 1];
    if (backendName === 'wasm') {
      const wasm = backend as unknown as WasmBackend;
      // Outputs first: making one may grow the heap, which detaches views taken before.
      const dxInfo = relu ? wasm.makeOutput(dy.shape, 'float32') : undefined;
      const dbInfo = wasm.makeOutput([channels], 'float32');
      const simd = trainKernels(backend);
      if (simd) {
        simd.biasReluGrad(dy, relu ? y : undefined, dxInfo, dbInfo, dy.shape.reduce((a, b) => a * b, 1) / channels, channels);
        return dxInfo ? [dxInfo, dbInfo] : dbInfo;
      }
      biasActivationGrad(wasm.typedArrayFromHeap(dy), relu && y ? wasm.typedArrayFromHeap(y) : undefined, channels, dxInfo && wasm.typedArrayFromHeap(dxInfo), wasm.typedArrayFromHeap(dbInfo));
      return dxInfo ? [dxInfo, dbInfo] : dbInfo;
    }
    const cpu = backend as unknown as CpuBackend;
    const dx = relu ? new Float32Array(dy.shape.reduce((a, b) => a * b, 1)) : undefined;
    const db = new Float32Array(channels);
    biasActivationGrad(cpu.readSync(dy.dataId), relu && y ? cpu.readSync(y.dataId) : undefined, channels, dx, db);
    return dx ? [cpu.makeTensorInfo(dy.shape, 'float32', dx), cpu.makeTensorInfo([channels], 'float32', db)] : cpu.makeTensorInfo([channels], 'float32', db);
  };
}

const registered = new WeakSet<Tf>();

function register(tf: Tf): void {
  if (registered.has(tf)) return;
  registered.add(tf);
  for (const backendName of backends) if (!tf.getKernel(kernelName, backendName)) tf.registerKernel({ kernelName, backendName, kernelFunc: kernelFunc(backendName) });
  if (!tf.getKernel(forwardKernelName, 'wasm')) {
    tf.registerKernel({
      kernelName: forwardKernelName,
      backendName: 'wasm',
      kernelFunc: ({ inputs, backend, attrs }) => {
        const { x, bias } = inputs as { x: tfType.TensorInfo; bias: tfType.TensorInfo };
        const channels = bias.shape[0];
        const y = (backend as unknown as WasmBackend).makeOutput(x.shape, 'float32');
        trainKernels(backend)!.biasActivation(x, bias, y, x.shape.reduce((a, b) => a * b, 1) / channels, channels, (attrs as unknown as { relu: boolean }).relu);
        return y;
      },
    });
  }
}

const fused = new WeakMap<Tf, { plain: (x: T, bias: T) => T; relu: (x: T, bias: T) => T }>();

/**
 * relu(x + bias) (`relu`) or x + bias, bias along the last axis, with the one-kernel gradient on
 * wasm and cpu; undefined on other back ends (the caller uses tfjs' ops).
 */
export function biasActivation(tf: Tf, x: T, bias: T, relu: boolean): T | undefined {
  if (!(backends as readonly string[]).includes(tf.getBackend())) return undefined;
  let functions = fused.get(tf);
  if (!functions) {
    register(tf);
    const make = (withRelu: boolean) =>
      tf.customGrad((input, b, save) => {
        const attrs = { relu: withRelu } as unknown as tfType.NamedAttrMap;
        const x = input as T;
        const bias = b as T;
        const oneKernel = tf.getBackend() === 'wasm' && trainKernels(tf.backend()) !== undefined && bias.rank === 1 && x.shape[x.rank - 1] === bias.shape[0];
        const value = oneKernel ? (tf.engine().runKernel(forwardKernelName, { x, bias }, attrs) as T) : withRelu ? tf.relu(x.add(bias)) : x.add(bias);
        (save as (tensors: T[]) => void)([value]);
        return {
          value,
          gradFunc: (dy, saved) => {
            const gradient = dy as T;
            if (!withRelu) return [gradient, tf.engine().runKernel(kernelName, { dy: gradient }, attrs) as T];
            const [dx, db] = tf.engine().runKernel(kernelName, { dy: gradient, y: (saved as T[])[0] }, attrs) as T[];
            return [dx, db];
          },
        };
      }) as unknown as (x: T, bias: T) => T;
    functions = { plain: make(false), relu: make(true) };
    fused.set(tf, functions);
  }
  return (relu ? functions.relu : functions.plain)(x, bias);
}
