/**
 * The LSTM recurrence as one kernel and its hand-written gradient as another, for the wasm and cpu
 * back ends. Unrolled into tfjs ops, a 28-step LSTM is ~650 small kernels per training step (the
 * gate math, splits, the recurrent products and every one of their gradients), and on those back
 * ends the dispatch of each costs more than its arithmetic (64 x 20 values). Here the whole
 * recurrence runs in one loop over the back end's memory, the forward pass keeping the gate
 * activations and cell states that the backward pass reads; the input projection of all steps
 * stays one matrix product outside (`lower.ts`), and so does its gradient.
 *
 *   s_t = P_t + h_(t−1) · R      (P: the projected input with bias, [batch, steps, 4u]; R: [u, 4u])
 *   i, f, o = σ(s_i, s_f, s_o), g = tanh(s_g)      (gates side by side in the order i, f, g, o)
 *   c_t = clip(f · c_(t−1) + i · g), h_t = o · tanh(c_t)   (clip only when cellClip > 0)
 *
 * The gradient is what tfjs' own gradients of that unrolled computation give (σ' = y(1 − y),
 * tanh' = 1 − y², clipByValue passes the gradient where min ≤ x ≤ max), computed in double
 * precision and stored as float32: `lstm-sequence.test.ts` compares both with the unrolled ops.
 * Other back ends (tfjs-node) get the unrolled ops.
 */

import type * as tfType from '@tensorflow/tfjs';
import type { Tf } from './engine.js';

type T = tfType.Tensor;
type KernelFunc = tfType.KernelConfig['kernelFunc'];

const forwardKernel = 'TinyDeployLstmSequence';
const backwardKernel = 'TinyDeployLstmSequenceGrad';

/** The back ends the fused kernels run on (those whose memory they can read). */
export const fusedLstmBackends = ['wasm', 'cpu'] as const;

interface Attrs {
  cellClip: number;
}

/** Reads an input and makes an output on the wasm or cpu back end; the products of the recurrence there. */
interface Memory {
  /** A copy of (wasm) or the array behind (cpu) the input's values. */
  read(info: tfType.TensorInfo): Float32Array;
  write(shape: number[], values: Float32Array): tfType.TensorInfo;
  products(recurrent: tfType.TensorInfo, units: number): Products;
}

interface WasmBackend {
  makeOutput(shape: number[], dtype: 'float32'): tfType.TensorInfo;
  typedArrayFromHeap(info: tfType.TensorInfo): Float32Array;
  disposeData(dataId: object): boolean;
}

function memory(tf: Tf, backendName: string, backend: unknown): Memory {
  if (backendName === 'wasm') {
    const wasm = backend as WasmBackend;
    // Copies: making a tensor may grow the heap, which detaches every view taken before.
    const read = (info: tfType.TensorInfo) => wasm.typedArrayFromHeap(info).slice();
    const write = (shape: number[], values: Float32Array) => {
      const output = wasm.makeOutput(shape, 'float32');
      wasm.typedArrayFromHeap(output).set(values);
      return output;
    };
    return {
      read,
      write,
      products(recurrent, units) {
        // The back end's (XNNPACK) product: one call per step beats a JavaScript loop several times over.
        const matMul = tf.getKernel('BatchMatMul', 'wasm')!.kernelFunc;
        const width = 4 * units;
        const weights = read(recurrent);
        const transposed = new Float32Array(width * units);
        for (let k = 0; k < units; k++) for (let j = 0; j < width; j++) transposed[j * units + k] = weights[k * width + j];
        const multiply = (a: Float32Array, aShape: number[], b: Float32Array, bShape: number[]) => {
          const left = write(aShape, a);
          const right = write(bShape, b);
          try {
            const product = matMul({ inputs: { a: left, b: right }, backend: backend as never, attrs: { transposeA: false, transposeB: false } }) as tfType.TensorInfo;
            const values = read(product);
            wasm.disposeData(product.dataId);
            return values;
          } finally {
            wasm.disposeData(left.dataId);
            wasm.disposeData(right.dataId);
          }
        };
        return {
          recurrent: (h, batch) => multiply(h, [batch, units], weights, [units, width]),
          recurrentTransposed: (ds, batch) => multiply(ds, [batch, width], transposed, [width, units]),
          outer: (aTransposed, b, n) => multiply(aTransposed, [units, n], b, [n, width]),
        };
      },
    };
  }
  const cpu = backend as { readSync(dataId: object): Float32Array; makeTensorInfo(shape: number[], dtype: 'float32', values: Float32Array): tfType.TensorInfo };
  const read = (info: tfType.TensorInfo) => cpu.readSync(info.dataId);
  return { read, write: (shape, values) => cpu.makeTensorInfo(shape, 'float32', values), products: (recurrent, units) => jsProducts(read(recurrent), units) };
}

function checkFloat(name: string, infos: tfType.TensorInfo[]): void {
  for (const info of infos) if (info.dtype !== 'float32') throw new Error(`${name}: input is ${info.dtype}, expected float32`);
}

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

/** Matrix products the recurrence asks for, on the back end's own matrix product where there is one. */
export interface Products {
  /** h [b, u] · R → [b, 4u]. */
  recurrent(h: Float32Array, batch: number): Float32Array;
  /** ds [b, 4u] · Rᵀ → [b, u]. */
  recurrentTransposed(ds: Float32Array, batch: number): Float32Array;
  /** aᵀ [u, n] · b [n, 4u] → [u, 4u] (a given transposed). */
  outer(aTransposed: Float32Array, b: Float32Array, n: number): Float32Array;
}

/** The products as JavaScript loops over R ([u, 4u]) (the cpu back end). */
export function jsProducts(recurrent: Float32Array, units: number): Products {
  const width = 4 * units;
  return {
    recurrent(h, batch) {
      const out = new Float32Array(batch * width);
      for (let b = 0; b < batch; b++) {
        for (let k = 0; k < units; k++) {
          const hk = h[b * units + k];
          for (let j = 0; j < width; j++) out[b * width + j] += hk * recurrent[k * width + j];
        }
      }
      return out;
    },
    recurrentTransposed(ds, batch) {
      const out = new Float32Array(batch * units);
      for (let b = 0; b < batch; b++) {
        for (let k = 0; k < units; k++) {
          let total = 0;
          for (let j = 0; j < width; j++) total += ds[b * width + j] * recurrent[k * width + j];
          out[b * units + k] = total;
        }
      }
      return out;
    },
    outer(aTransposed, b, n) {
      const out = new Float32Array(units * width);
      for (let k = 0; k < units; k++) {
        for (let r = 0; r < n; r++) {
          const a = aTransposed[k * n + r];
          if (a === 0) continue;
          for (let j = 0; j < width; j++) out[k * width + j] += a * b[r * width + j];
        }
      }
      return out;
    },
  };
}

/**
 * Forward: `projected` [b, t, 4u]; returns hidden [b, t, u], gates [b, t, 4u] (activated) and
 * cells [b, t, u] (before the clip).
 */
export function lstmForward(projected: Float32Array, batch: number, steps: number, units: number, cellClip: number, products: Products) {
  const width = 4 * units;
  const hidden = new Float32Array(batch * steps * units);
  const gates = new Float32Array(batch * steps * width);
  const cells = new Float32Array(batch * steps * units);
  let h: Float32Array = new Float32Array(batch * units);
  const c = new Float32Array(batch * units);
  for (let t = 0; t < steps; t++) {
    const sums = products.recurrent(h, batch);
    h = new Float32Array(batch * units);
    for (let b = 0; b < batch; b++) {
      const row = b * steps + t;
      const p = row * width;
      const s = b * width;
      for (let u = 0; u < units; u++) {
        // Rounded to float32 where the unrolled ops hold float32 tensors.
        const i = Math.fround(sigmoid(Math.fround(projected[p + u] + sums[s + u])));
        const f = Math.fround(sigmoid(Math.fround(projected[p + units + u] + sums[s + units + u])));
        const g = Math.fround(Math.tanh(Math.fround(projected[p + 2 * units + u] + sums[s + 2 * units + u])));
        const o = Math.fround(sigmoid(Math.fround(projected[p + 3 * units + u] + sums[s + 3 * units + u])));
        gates[p + u] = i;
        gates[p + units + u] = f;
        gates[p + 2 * units + u] = g;
        gates[p + 3 * units + u] = o;
        const raw = Math.fround(f * c[b * units + u] + i * g);
        cells[row * units + u] = raw;
        const clipped = cellClip > 0 ? Math.min(cellClip, Math.max(-cellClip, raw)) : raw;
        c[b * units + u] = clipped;
        const value = Math.fround(o * Math.fround(Math.tanh(clipped)));
        h[b * units + u] = value;
        hidden[row * units + u] = value;
      }
    }
  }
  return { hidden, gates, cells };
}

/**
 * Backward: from dHidden [b, t, u] and the forward's hidden, gates and cells, the gradients of
 * the projected input [b, t, 4u] and of the recurrent matrix [u, 4u].
 */
export function lstmBackward(
  dHidden: Float32Array,
  hidden: Float32Array,
  gates: Float32Array,
  cells: Float32Array,
  batch: number,
  steps: number,
  units: number,
  cellClip: number,
  products: Products,
) {
  const width = 4 * units;
  const rows = batch * steps;
  const dProjected = new Float32Array(rows * width);
  // h_(t−1) transposed, [u, b·t] (rows in dProjected's order), for dR = Σ h_(t−1)ᵀ · ds in one product.
  const previousTransposed = new Float32Array(units * rows);
  let dhNext: Float32Array = new Float32Array(batch * units);
  const dcNext = new Float64Array(batch * units);
  const ds = new Float32Array(batch * width);
  const clip = (x: number) => (cellClip > 0 ? Math.min(cellClip, Math.max(-cellClip, x)) : x);
  for (let t = steps - 1; t >= 0; t--) {
    for (let b = 0; b < batch; b++) {
      const row = b * steps + t;
      const p = row * width;
      const s = b * width;
      for (let u = 0; u < units; u++) {
        const i = gates[p + u];
        const f = gates[p + units + u];
        const g = gates[p + 2 * units + u];
        const o = gates[p + 3 * units + u];
        const raw = cells[row * units + u];
        const tanhC = Math.tanh(clip(raw));
        const dh = dHidden[row * units + u] + dhNext[b * units + u];
        const dOut = dh * tanhC;
        let dc = dcNext[b * units + u] + dh * o * (1 - tanhC * tanhC);
        if (cellClip > 0 && (raw < -cellClip || raw > cellClip)) dc = 0;
        const previous = t > 0 ? clip(cells[(row - 1) * units + u]) : 0;
        ds[s + u] = dc * g * i * (1 - i);
        ds[s + units + u] = dc * previous * f * (1 - f);
        ds[s + 2 * units + u] = dc * i * (1 - g * g);
        ds[s + 3 * units + u] = dOut * o * (1 - o);
        dcNext[b * units + u] = dc * f;
        if (t > 0) previousTransposed[u * rows + row] = hidden[(row - 1) * units + u];
      }
      dProjected.set(ds.subarray(s, s + width), p);
    }
    if (t > 0) dhNext = products.recurrentTransposed(ds, batch);
  }
  return { dProjected, dRecurrent: products.outer(previousTransposed, dProjected, rows) };
}

function forwardFunc(tf: Tf, backendName: string): KernelFunc {
  return ({ inputs, backend, attrs }) => {
    const { projected, recurrent } = inputs as { projected: tfType.TensorInfo; recurrent: tfType.TensorInfo };
    checkFloat(forwardKernel, [projected, recurrent]);
    const { cellClip } = attrs as unknown as Attrs;
    const [batch, steps, width] = projected.shape;
    const units = width / 4;
    const io = memory(tf, backendName, backend);
    const result = lstmForward(io.read(projected), batch, steps, units, cellClip, io.products(recurrent, units));
    return [io.write([batch, steps, units], result.hidden), io.write([batch, steps, width], result.gates), io.write([batch, steps, units], result.cells)];
  };
}

function backwardFunc(tf: Tf, backendName: string): KernelFunc {
  return ({ inputs, backend, attrs }) => {
    const { dHidden, hidden, gates, cells, recurrent } = inputs as Record<'dHidden' | 'hidden' | 'gates' | 'cells' | 'recurrent', tfType.TensorInfo>;
    checkFloat(backwardKernel, [dHidden, hidden, gates, cells, recurrent]);
    const { cellClip } = attrs as unknown as Attrs;
    const [batch, steps, units] = hidden.shape;
    const io = memory(tf, backendName, backend);
    const result = lstmBackward(io.read(dHidden), io.read(hidden), io.read(gates), io.read(cells), batch, steps, units, cellClip, io.products(recurrent, units));
    return [io.write([batch, steps, 4 * units], result.dProjected), io.write([units, 4 * units], result.dRecurrent)];
  };
}

const registered = new WeakSet<Tf>();

/** Registers both kernels on the wasm and cpu back ends (once per tfjs instance). */
export function registerLstmSequenceKernels(tf: Tf): void {
  if (registered.has(tf)) return;
  registered.add(tf);
  for (const backendName of fusedLstmBackends) {
    if (!tf.getKernel(forwardKernel, backendName)) tf.registerKernel({ kernelName: forwardKernel, backendName, kernelFunc: forwardFunc(tf, backendName) });
    if (!tf.getKernel(backwardKernel, backendName)) tf.registerKernel({ kernelName: backwardKernel, backendName, kernelFunc: backwardFunc(tf, backendName) });
  }
}

/** Whether the current back end runs the fused kernels. */
export function hasFusedLstm(tf: Tf): boolean {
  return (fusedLstmBackends as readonly string[]).includes(tf.getBackend());
}

/**
 * Every step's hidden state [batch, steps, units] of the LSTM recurrence over `projected`
 * ([batch, steps, 4u], input projection plus bias) with `recurrent` ([u, 4u]), state from zero,
 * as one kernel with a fused gradient (call only when `hasFusedLstm`).
 */
export function lstmSequence(tf: Tf, projected: T, recurrent: T, cellClip: number): T {
  registerLstmSequenceKernels(tf);
  const attrs = { cellClip } as unknown as tfType.NamedAttrMap;
  const run = tf.customGrad((p, r, save) => {
    const [hidden, gates, cells] = tf.engine().runKernel(forwardKernel, { projected: p as T, recurrent: r as T }, attrs) as T[];
    (save as (tensors: T[]) => void)([hidden, gates, cells, r as T]);
    return {
      value: hidden,
      gradFunc: (dy, saved) => {
        const [h, g, c, weights] = saved as T[];
        const [dProjected, dRecurrent] = tf.engine().runKernel(backwardKernel, { dHidden: dy as T, hidden: h, gates: g, cells: c, recurrent: weights }, attrs) as T[];
        return [dProjected, dRecurrent];
      },
    };
  }) as unknown as (p: T, r: T) => T;
  return run(projected, recurrent);
}
