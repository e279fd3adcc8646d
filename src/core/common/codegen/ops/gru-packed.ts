import { packLstmBias, position, type LstmPackedGate } from './lstm-packed.js';

/**
 * td_gru_s8_packed_reset_first's weights and bias (td_kernels.h), built at generation time for DSP
 * builds: the GRU without linear_before_reset, whose new gate's recurrent product takes r ⊙ h and
 * so waits for every unit's r. The kernel's first pass runs a unit's three input rows and its
 * reset and update recurrent rows together (int16, interleaved per group of four in SXTB16's lane
 * order, as lstm-packed.ts), taking the units in the order their r ⊙ h values sit in the widened
 * vector of the second pass (the lane order of each group of four: 0, 2, 1, 3), so it writes that
 * vector in place; the second pass runs the new gate's recurrent rows four units at a time.
 */

const round4 = (n: number) => Math.ceil(n / 4) * 4;

/** The unit at place `place` of the first pass (bits 0 and 1 swapped: a group of four in lane order); its own inverse. */
export function gruResetFirstUnitAt(place: number): number {
  return (place & ~3) | ((place & 1) << 1) | ((place >> 1) & 1);
}

/**
 * The packed int16 weights and int32 bias for the reset, update and new gates (in that order);
 * undefined when a folded bias does not fit int32 (the lowerer then keeps the unpacked kernel).
 * Weights: per unit, in first-pass order, 3 · round4(I) input values and 2 · round4(S) recurrent
 * ones (reset, update); then per four units the new gate's recurrent rows interleaved (round4(S)²
 * values, zero rows past S). Bias: per unit, in first-pass order, bias + x offset · Σ W per gate.
 */
export function packGruResetFirst(
  gates: readonly LstmPackedGate[],
  inputSize: number,
  stateSize: number,
): { weights: Int16Array; bias: Int32Array } | undefined {
  const folded = packLstmBias(gates, inputSize, stateSize);
  if (!folded) return undefined;
  const inputDepth = round4(inputSize);
  const stateDepth = round4(stateSize);
  const block = 3 * inputDepth + 2 * stateDepth;
  const weights = new Int16Array(stateSize * block + stateDepth * stateDepth);
  const bias = new Int32Array(3 * stateSize);
  let index = 0;
  for (let place = 0; place < stateDepth; place++) {
    const unit = gruResetFirstUnitAt(place);
    if (unit >= stateSize) continue;
    const start = index * block;
    gates.forEach((gate, g) => {
      for (let k = 0; k < inputSize; k++) weights[start + position(g, k, 3)] = Number(gate.inputWeights[unit * inputSize + k]);
      if (g < 2) {
        for (let k = 0; k < stateSize; k++) weights[start + 3 * inputDepth + position(g, k, 2)] = Number(gate.recurrentWeights[unit * stateSize + k]);
      }
      bias[index * 3 + g] = folded[unit * 6 + g]!;
    });
    index++;
  }
  const newRows = stateSize * block;
  for (let unit = 0; unit < stateSize; unit++) {
    const quad = newRows + (unit >> 2) * 4 * stateDepth;
    for (let k = 0; k < stateSize; k++) weights[quad + position(unit & 3, k, 4)] = Number(gates[2]!.recurrentWeights[unit * stateSize + k]);
  }
  return { weights, bias };
}

/** td_gru_s8_packed_reset_first_get_buffer_size: (round4(I) + 4 · round4(S)) int16 values. */
export function gruResetFirstPackedBufferSize(inputSize: number, stateSize: number): number {
  return (round4(inputSize) + 4 * round4(stateSize)) * 2;
}
