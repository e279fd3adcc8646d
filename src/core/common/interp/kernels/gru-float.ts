/**
 * The float32 TD_GRU (ops/gru-layout.ts for the cell), every operation rounded to float32 as C's
 * float arithmetic does: the FC sums in input order, the bias added last; the sigmoid and tanh
 * are the LSTM's (TFLite's float Logistic and std::tanh).
 */
import type { KernelEval } from '../kernel.js';
import type { TensorData } from '../../ir/types.js';
import { sigmoidFloat32, tanhFloat32 } from './lstm-activations.js';
import type { FloatGruArithmetic } from '../../ops/gru.js';
import { gruInputIndex, gruSteps, type GruLayout } from '../../ops/gru-layout.js';

/** `rows` vectors of `depth` values at `offset` times [units, depth] weights (+ bias) into `result`. */
function fullyConnected(
  values: Float32Array,
  offset: number,
  weights: Float32Array,
  bias: Float32Array | undefined,
  rows: number,
  depth: number,
  units: number,
  result: Float32Array,
): void {
  for (let row = 0; row < rows; row++) {
    const start = offset + row * depth;
    for (let unit = 0; unit < units; unit++) {
      const w = unit * depth;
      let total = 0;
      for (let d = 0; d < depth; d++) total = Math.fround(total + Math.fround(values[start + d] * weights[w + d]));
      result[row * units + unit] = bias ? Math.fround(total + bias[unit]) : total;
    }
  }
}

export function floatGru(layout: GruLayout, _arithmetic: FloatGruArithmetic): KernelEval {
  const steps = gruSteps(layout);
  const { inputSize, stateSize, linearBeforeReset, returnSequences } = layout;
  const size = (layout.timeMajor ? layout.batchSize : 1) * stateSize;
  const [r, z, n, xs, hs, rh] = Array.from({ length: 6 }, () => new Float32Array(size));
  const { inputWeights: W, recurrentWeights: R, bias: B } = gruInputIndex;

  return (inputs: readonly (TensorData | undefined)[], outputs) => {
    const x = inputs[gruInputIndex.input] as Float32Array;
    const h = inputs[gruInputIndex.hiddenState] as Float32Array;
    const rbn = inputs[gruInputIndex.recurrentNBias] as Float32Array | undefined;
    const output = outputs[0] as Float32Array;
    const f = (i: number) => inputs[i] as Float32Array;
    for (const step of steps) {
      const count = step.rows * stateSize;
      const s = step.stateOffset;
      for (const [gate, result] of [['r', r], ['z', z]] as const) {
        fullyConnected(x, step.inputOffset, f(W[gate]), f(B[gate]), step.rows, inputSize, stateSize, result);
        fullyConnected(h, s, f(R[gate]), undefined, step.rows, stateSize, stateSize, hs);
        for (let i = 0; i < count; i++) result[i] = sigmoidFloat32(Math.fround(result[i] + hs[i]));
      }
      fullyConnected(x, step.inputOffset, f(W.n), f(B.n), step.rows, inputSize, stateSize, xs);
      if (linearBeforeReset) {
        fullyConnected(h, s, f(R.n), rbn, step.rows, stateSize, stateSize, hs);
        for (let i = 0; i < count; i++) n[i] = tanhFloat32(Math.fround(xs[i] + Math.fround(r[i] * hs[i])));
      } else {
        for (let i = 0; i < count; i++) rh[i] = r[i] * h[s + i];
        fullyConnected(rh, 0, f(R.n), undefined, step.rows, stateSize, stateSize, hs);
        for (let i = 0; i < count; i++) n[i] = tanhFloat32(Math.fround(xs[i] + hs[i]));
      }
      for (let i = 0; i < count; i++) h[s + i] = Math.fround(n[i] + Math.fround(z[i] * Math.fround(h[s + i] - n[i])));
      if (returnSequences) output.set(h.subarray(s, s + count), step.outputOffset);
    }
    if (!returnSequences) output.set(h.subarray(0, output.length));
  };
}
