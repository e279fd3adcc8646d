/**
 * Fake quantization for quantization-aware training (`qat-int8`): the lowered float computation
 * holds every value the way the int8 model `quantize-int8` writes will hold it, rounded to the
 * same grid and clamped to the same range, so training learns weights that survive quantization.
 * The encodings are the quantizer's own functions (`passes/quantize/parameters.ts`,
 * `quantize-lstm.ts`), fed the ranges tracked here:
 *
 * - weights: int8 symmetric, `max|w| / 127` per output channel of conv (axis 0) and depthwise
 *   (axis 3), per tensor for fully connected and LSTM weights; biases stay float (int32 at
 *   `s_in · s_w` rounds far below what training resolves);
 * - activations (the graph input and each int8 op's output): int8 asymmetric per tensor from
 *   the tensor's range: calibrated outputs (conv, depthwise, FC, add, mul, mean, relu,
 *   concatenation) from the range tracked here; ops whose integer kernels copy their input's
 *   encoding (pooling, reshape, pad, relu6) keep it; softmax and logistic 1/256, tanh 1/128;
 * - the LSTM: gate products in Q3.12, gate activations in Q0.15, the cell in int16 with the
 *   power-of-two scale of its range, the hidden state int8 symmetric over its range;
 * - the GRU (`quantize-gru.ts`): weights int8 symmetric per tensor, gate products and sums in
 *   Q3.12, r, z, n and the state in Q0.15 (fixed: no range to track), the output int8 asymmetric
 *   over its tracked range.
 *
 * Gradients are straight through: 1 where the value lies inside the representable range, 0 where
 * it was clamped (TensorFlow's FakeQuantWithMinMaxVars); weight gradients pass unchanged.
 *
 * Ranges start from a calibration of the float model on the training part (min-max, as
 * `quantize-int8` does) and follow the training: after each step every range moves towards the
 * step's batch minimum and maximum by the averaging constant (an exponential moving average, as
 * TensorFlow's and PyTorch's QAT do). `table()` gives them as a calibration table, which the
 * quantizer turns into the int8 model.
 */

import type { Graph, Op, Quantization } from '../../common/ir/types.js';
import { isOp } from '../../common/ir/types.js';
import { gruGateNames, gruInputIndex, gruOpType } from '../../common/ops/gru-layout.js';
import { findOp } from '../../common/ops/index.js';
import type { CalibrationTable } from '../../common/passes/quantize/calibrate.js';
import type { ValueRange } from '../../common/passes/quantize/observers.js';
import { asymmetricInt8, fixedOutputQuantization } from '../../common/passes/quantize/parameters.js';
import { cellStateQuantization, hiddenStateQuantization } from '../../common/passes/quantize/quantize-lstm.js';
import type { Precision } from '../../common/passes/quantize/quantize-graph.js';
import type { Tf } from './engine.js';
import type { GruQuantizeHooks, LstmQuantizeHooks, QuantizeHooks } from './lower.js';

type T = ReturnType<Tf['tensor']>;

/** `x` on the grid of `quantization` (per tensor) within [qmin, qmax], with the clipped straight-through gradient. */
export function fakeQuantize(tf: Tf, x: T, quantization: Quantization, qmin: number, qmax: number): T {
  const scale = Math.fround(quantization.scale[0]);
  const zeroPoint = quantization.zeroPoint[0];
  const low = (qmin - zeroPoint) * scale;
  const high = (qmax - zeroPoint) * scale;
  const op = tf.customGrad(((input: T, save: (tensors: T[]) => void) => {
    save([input]);
    return {
      value: input.div(scale).round().add(zeroPoint).clipByValue(qmin, qmax).sub(zeroPoint).mul(scale),
      gradFunc: (dy: T, [v]: T[]) => dy.mul(tf.logicalAnd(v.greaterEqual(low), v.lessEqual(high)).cast('float32')),
    };
  }) as never) as unknown as (x: T) => T;
  return op(x);
}

/**
 * Weights on the int8 symmetric grid: scale `max|w| / 127` over each slice along `axis` (one
 * scale for the whole tensor when `axis` is undefined; 1 for an all-zero slice), values in
 * [−127, 127]; the gradient passes unchanged.
 */
export function fakeQuantizeWeights(tf: Tf, w: T, axis: number | undefined): T {
  const op = tf.customGrad((input) => {
    const v = input as T;
    const others = v.shape.map((_, i) => i).filter((i) => i !== axis);
    const magnitude = tf.max(tf.abs(v), axis === undefined ? undefined : others, axis !== undefined);
    const scale = tf.where(magnitude.greater(0), magnitude.div(127), tf.onesLike(magnitude));
    return { value: v.div(scale).round().clipByValue(-127, 127).mul(scale), gradFunc: (dy) => dy as T };
  }) as unknown as (x: T) => T;
  return op(w);
}

const int16Range = [-32768, 32767] as const;
const int32Range = [-(2 ** 31), 2 ** 31 - 1] as const;

interface Pending {
  key: string;
  minMax: T;
}

/** The fake quantizer of one graph (see the module comment). */
export class FakeQuantizer implements QuantizeHooks {
  readonly ranges: Map<number, ValueRange>;
  readonly lstmStates: Map<number, { hidden: ValueRange; cell: ValueRange }>;
  /** Weight tensor id → the axis of its scales (undefined: per tensor). */
  private readonly weightAxes = new Map<number, number | undefined>();
  /** The encoding each activation has in the current forward pass. */
  private encodings = new Map<number, Quantization>();
  private training = false;
  private pending: Pending[] = [];

  constructor(
    private readonly tf: Tf,
    private readonly graph: Graph,
    calibration: CalibrationTable,
    private readonly precisions: readonly Precision[],
    private readonly averagingConstant = 0.01,
  ) {
    this.ranges = new Map([...calibration.tensors].map(([id, range]) => [id, { ...range }]));
    this.lstmStates = new Map([...calibration.lstmStates].map(([index, states]) => [index, { hidden: { ...states.hidden }, cell: { ...states.cell } }]));
    graph.ops.forEach((op, index) => {
      if (this.precisions[index] !== 'int8') return;
      const weights = findOp(op.type)?.weights ?? [];
      for (const weight of weights) {
        const id = op.inputs[weight.input];
        if (id === undefined || id < 0) continue;
        // Fully connected and LSTM weights are per tensor, as the quantizer writes them.
        this.weightAxes.set(id, op.type === 'FULLY_CONNECTED' || weights.length > 1 ? undefined : weight.axis);
      }
      if (isOp(op, 'UNIDIRECTIONAL_SEQUENCE_LSTM')) {
        for (const id of op.inputs) if (id >= 0 && graph.tensors[id].data && graph.tensors[id].shape.length === 2) this.weightAxes.set(id, undefined);
      }
      if (op.type === gruOpType) {
        // W and R of every gate per tensor, as quantize-gru.ts writes them; the biases stay float.
        for (const gate of gruGateNames) for (const slot of [gruInputIndex.inputWeights[gate], gruInputIndex.recurrentWeights[gate]]) this.weightAxes.set(op.inputs[slot], undefined);
      }
    });
  }

  begin(training: boolean): void {
    this.training = training;
    this.encodings = new Map();
  }

  weight(id: number, value: T): T {
    return this.weightAxes.has(id) ? fakeQuantizeWeights(this.tf, value, this.weightAxes.get(id)) : value;
  }

  input(id: number, value: T): T {
    return this.calibrated(id, value);
  }

  output(op: Op, index: number, value: T): T {
    const id = op.outputs[0];
    if (this.precisions[index] !== 'int8') {
      this.observe(`t${id}`, value);
      return value;
    }
    if (isOp(op, 'UNIDIRECTIONAL_SEQUENCE_LSTM')) {
      this.encodings.set(id, hiddenStateQuantization(this.lstmStates.get(index)!.hidden));
      return value;
    }
    const fixed = fixedOutputQuantization(op.type, 'int8');
    if (fixed) return this.encode(id, value, fixed);
    const preserved = findOp(op.type)?.preservesQuantization;
    const copied = op.type === 'RELU6' ? 0 : typeof preserved?.input === 'number' ? preserved.input : undefined;
    if (copied !== undefined) {
      const encoding = this.encodings.get(op.inputs[copied]);
      if (encoding) return this.encode(id, value, encoding);
    }
    return this.calibrated(id, value);
  }

  lstm(index: number): LstmQuantizeHooks {
    const states = this.lstmStates.get(index);
    if (!states) throw new Error(`op ${index} (UNIDIRECTIONAL_SEQUENCE_LSTM) has no calibrated state ranges`);
    const { tf } = this;
    const cell = cellStateQuantization(states.cell);
    const hidden = hiddenStateQuantization(states.hidden);
    return {
      fixed: (value, exponent) => fakeQuantize(tf, value, { scale: [2 ** exponent], zeroPoint: [0], axis: 0 }, ...int16Range),
      cell: (value) => fakeQuantize(tf, value, cell, ...int16Range),
      hidden: (value) => fakeQuantize(tf, value, hidden, -128, 127),
      observe: (hiddenSteps, cellSteps) => {
        if (!this.training) return;
        this.observe(`h${index}`, tf.stack(hiddenSteps as T[]));
        this.observe(`c${index}`, tf.stack(cellSteps as T[]));
      },
    };
  }

  gru(): GruQuantizeHooks {
    const { tf } = this;
    return {
      fixed: (value, exponent, wide) => fakeQuantize(tf, value, { scale: [2 ** exponent], zeroPoint: [0], axis: 0 }, ...(wide ? int32Range : int16Range)),
    };
  }

  /** Moves every range towards what the last training step observed, and frees the observations. */
  update(): void {
    const c = this.averagingConstant;
    const move = (range: ValueRange, min: number, max: number) => {
      range.min += c * (min - range.min);
      range.max += c * (max - range.max);
    };
    for (const { key, minMax } of this.pending) {
      const [min, max] = minMax.dataSync() as Float32Array;
      minMax.dispose();
      if (!Number.isFinite(min) || !Number.isFinite(max)) continue;
      const id = Number(key.slice(1));
      if (key[0] === 't') {
        const range = this.ranges.get(id);
        if (range) move(range, min, max);
        else this.ranges.set(id, { min, max });
      } else {
        const states = this.lstmStates.get(id);
        if (states) move(key[0] === 'h' ? states.hidden : states.cell, min, max);
      }
    }
    this.pending = [];
  }

  /** A copy of the current ranges. */
  snapshot(): CalibrationTable {
    return {
      tensors: new Map([...this.ranges].map(([id, range]) => [id, { ...range }])),
      lstmStates: new Map([...this.lstmStates].map(([index, states]) => [index, { hidden: { ...states.hidden }, cell: { ...states.cell } }])),
      samples: 0,
      observer: { kind: 'moving-average', percentile: 99.99, averagingConstant: this.averagingConstant },
    };
  }

  /** Takes the ranges of a snapshot (a resumed checkpoint). */
  restore(table: CalibrationTable): void {
    this.ranges.clear();
    for (const [id, range] of table.tensors) this.ranges.set(id, { ...range });
    this.lstmStates.clear();
    for (const [index, states] of table.lstmStates) this.lstmStates.set(index, { hidden: { ...states.hidden }, cell: { ...states.cell } });
  }

  /** Frees observations not yet folded in. */
  dispose(): void {
    for (const { minMax } of this.pending) minMax.dispose();
    this.pending = [];
  }

  private calibrated(id: number, value: T): T {
    this.observe(`t${id}`, value);
    const range = this.ranges.get(id);
    if (!range) throw new Error(`tensor ${id} (${this.graph.tensors[id].name}) has no calibrated range`);
    return this.encode(id, value, asymmetricInt8(range));
  }

  private encode(id: number, value: T, quantization: Quantization): T {
    this.encodings.set(id, quantization);
    return fakeQuantize(this.tf, value, quantization, -128, 127);
  }

  private observe(key: string, value: T): void {
    if (!this.training) return;
    const { tf } = this;
    this.pending.push({ key, minMax: tf.keep(tf.stack([tf.min(value), tf.max(value)])) });
  }
}
