import type { Tensor } from '../../ir/types.js';

/**
 * td_lstm_s8_packed's and td_gru_s8_packed's weights and bias (td_kernels.h), built at generation
 * time for DSP builds: per unit the gates' weights as int16, interleaved per group of four inputs
 * in SXTB16's lane order and zero-padded to a multiple of four, so the kernel loads a group's
 * weights of every gate with one or two LDMs and needs no widening; the input and hidden offsets
 * (and a recurrent bias) folded into the bias.
 */

/** One gate's int8 weights [S][I], recurrent weights [S][S] and bias [S] (absent: 0), and the offsets its sums take. */
export interface LstmPackedGate {
  inputWeights: ArrayLike<number | bigint>;
  recurrentWeights: ArrayLike<number | bigint>;
  bias: ArrayLike<number | bigint> | undefined;
  inputOffset: number;
  recurrentOffset: number;
  /** A bias of the recurrent FC (the GRU's new gate with linear_before_reset); absent: 0. */
  recurrentBias?: ArrayLike<number | bigint> | undefined;
}

const round4 = (n: number) => Math.ceil(n / 4) * 4;

/** Where weight k of gate g of `gates` is in one part of a unit's block (td_lstm_packed_position, td_gru_packed_position). */
export function position(gate: number, k: number, gates: number): number {
  return (k >> 2) * 4 * gates + gate * 4 + ((k & 1) << 1) + ((k >> 1) & 1);
}

/** The packed int16 weights: per unit G · (round4(I) + round4(S)) values for G gates (LSTM 4, GRU 3). */
export function packLstmWeights(gates: readonly LstmPackedGate[], inputSize: number, stateSize: number): Int16Array {
  const count = gates.length;
  const inputDepth = round4(inputSize);
  const block = count * (inputDepth + round4(stateSize));
  const packed = new Int16Array(stateSize * block);
  for (let unit = 0; unit < stateSize; unit++) {
    gates.forEach((gate, g) => {
      for (let k = 0; k < inputSize; k++) packed[unit * block + position(g, k, count)] = Number(gate.inputWeights[unit * inputSize + k]);
      for (let k = 0; k < stateSize; k++) packed[unit * block + count * inputDepth + position(g, k, count)] = Number(gate.recurrentWeights[unit * stateSize + k]);
    });
  }
  return packed;
}

/**
 * The packed int32 bias: per unit bias + x offset · Σ W for every gate, then recurrent bias + h
 * offset · Σ R; undefined when a sum does not fit int32 (the lowerers then keep the unpacked kernel).
 */
export function packLstmBias(gates: readonly LstmPackedGate[], inputSize: number, stateSize: number): Int32Array | undefined {
  const count = gates.length;
  const packed = new Int32Array(stateSize * 2 * count);
  const rowSum = (weights: ArrayLike<number | bigint>, row: number, depth: number) => {
    let sum = 0;
    for (let k = 0; k < depth; k++) sum += Number(weights[row * depth + k]);
    return sum;
  };
  for (let unit = 0; unit < stateSize; unit++) {
    for (const [g, gate] of gates.entries()) {
      const folded = (gate.bias ? Number(gate.bias[unit]) : 0) + gate.inputOffset * rowSum(gate.inputWeights, unit, inputSize);
      const recurrent = (gate.recurrentBias ? Number(gate.recurrentBias[unit]) : 0) + gate.recurrentOffset * rowSum(gate.recurrentWeights, unit, stateSize);
      if (folded < -(2 ** 31) || folded >= 2 ** 31 || recurrent < -(2 ** 31) || recurrent >= 2 ** 31) return undefined;
      packed[unit * 2 * count + g] = folded;
      packed[unit * 2 * count + count + g] = recurrent;
    }
  }
  return packed;
}

/** td_lstm_s8_packed_get_buffer_size and td_gru_s8_packed_get_buffer_size: (round4(I) + round4(S)) int16 values. */
export function lstmS8PackedBufferSize(inputSize: number, stateSize: number): number {
  return (round4(inputSize) + round4(stateSize)) * 2;
}

/** Ids of packed LSTM and GRU weight copies: past any graph's tensor ids and the packed FC weights' (1 << 24). */
const packedLstmTensorIdBase = 3 << 24;

/**
 * The packed weights as a constant tensor of their own (emitted aligned among the weights, and
 * counted as weights), under an id no graph tensor has, derived from the first gate's input weights.
 */
export function packedLstmWeightsTensor(forgetInputWeights: Tensor, weights: Int16Array, stateSize: number): Tensor {
  return { ...forgetInputWeights, id: packedLstmTensorIdBase + forgetInputWeights.id, dtype: 'int16', shape: [stateSize, weights.length / stateSize], data: weights, quantization: undefined };
}
