/**
 * The int8 LSTM ("8x8→16"), bit-exact with TFLite Micro's integer LSTM (`lstm_eval.h`,
 * `lstm_eval_common.cc`): int8 input, output and hidden state, int8 per-tensor weights, int32
 * biases, int16 cell state with a power-of-two scale, int16 gates.
 *
 * One step, for each batch row of the step:
 *
 *     gate_pre  = sat16( FC_x(x) + FC_h(h) )          Q3.12 (scale 2^-12), each FC clamped to int16
 *     f, i, o   = sigmoid16(gate_pre)                  Q0.15 (scale 2^-15)
 *     g         = tanh16(gate_pre)                     Q0.15
 *     c         = sat16( mul(f, c) + mul(i, g) )       cell scale; then clipped to ±cell_clip
 *     h         = mul(tanh16(c), o) + h_zero_point     int8, hidden-state scale
 *
 * where FC_x(x) = MBQM(Σ (w − w_zp)(x − x_zp) + bias) with multiplier float(s_x·s_w)/2^-12 and
 * FC_h the same on the hidden state without a bias; every mul is MBQM(a·b) with multiplier
 * s_a·s_b/s_out (computed in double, as `CreateInterGateMulParams` does). MBQM is TFLite's
 * MultiplyByQuantizedMultiplier with double rounding (TFLITE_SINGLE_ROUNDING off). The output gate
 * is computed after the cell update, still from the previous hidden state, as TFLite Micro does.
 */
import type { KernelEval } from '../kernel.js';
import type { Tensor, TensorData } from '../../ir/types.js';
import {
  multiplyByQuantizedMultiplier,
  quantizeMultiplier,
  saturate,
  saturatingAddInt16,
  type QuantizedMultiplier,
} from '../../ops/fixed-point.js';
import { cellStateTanhScaling, sigmoidInt16, tanhInt16, type Int16ActivationScaling } from './lstm-activations.js';
import {
  lstmGateInputs,
  lstmInputIndex,
  lstmSteps,
  type LstmGateName,
  type LstmLayout,
  type LstmStep,
  type LstmTensors,
} from './lstm-layout.js';

/** Scale of every gate's pre-activation: Q3.12, the input range of the int16 sigmoid and tanh. */
const gateInputScale = 2 ** -12;
/** Scale of every gate's output: Q0.15. */
const gateOutputScale = 2 ** -15;

/** Requantization of one gate: the two fully connected layers that feed it. */
export interface IntegerGateParameters {
  /** Input FC (input → Q3.12): float(s_input·s_w) / 2^-12. */
  inputMultiplier: QuantizedMultiplier;
  /** Recurrent FC (hidden state → Q3.12): float(s_hidden·s_r) / 2^-12. */
  recurrentMultiplier: QuantizedMultiplier;
  /** −(zero point) of the input and recurrent weights (0 for the symmetric weights converters make). */
  inputWeightsOffset: number;
  recurrentWeightsOffset: number;
}

/**
 * Everything TFLite Micro's prepare derives for the integer LSTM (its `OpDataLSTM`); the C
 * generator must emit the same numbers to stay bit-exact with this kernel.
 */
export interface IntegerLstmParameters {
  gates: Record<LstmGateName, IntegerGateParameters>;
  /** −(zero point) of the input and of the hidden state, added to each value before the FC. */
  inputOffset: number;
  hiddenOffset: number;
  /** forget (Q0.15) × cell state → cell state: 2^-15·s_c/s_c. */
  forgetTimesCell: QuantizedMultiplier;
  /** input gate (Q0.15) × cell gate (Q0.15) → cell state: 2^-30/s_c. */
  inputTimesCellGate: QuantizedMultiplier;
  /** tanh(cell) (Q0.15) × output gate (Q0.15) → hidden state: 2^-30/s_h. */
  tanhCellTimesOutput: QuantizedMultiplier;
  hiddenZeroPoint: number;
  /** Cell clip in cell-state units (truncated, at most 32767); undefined when the op does not clip. */
  cellClip: number | undefined;
  /** How tanh reads the cell state (scale 2^cellScalePower) as Q3.12. */
  cellTanh: Int16ActivationScaling;
}

/** Per-tensor scale and zero point of an input, refusing per-channel or missing quantization. */
function perTensorQuantization(tensors: LstmTensors, index: number): { scale: number; zeroPoint: number } {
  const tensor = tensors.required(index);
  const q = tensor.quantization;
  if (!q || q.scale.length === 0) tensors.fail(`${tensors.label(index)} has no quantization parameters`);
  if (q.scale.length > 1) {
    tensors.fail(
      `${tensors.label(index)} is quantized per channel (${q.scale.length} scales); ` +
        `TFLite Micro's integer LSTM takes per-tensor weights only`,
    );
  }
  return { scale: q.scale[0], zeroPoint: q.zeroPoint[0] ?? 0 };
}

function expectDType(tensors: LstmTensors, index: number, tensor: Tensor, dtype: Tensor['dtype'], why: string): void {
  if (tensor.dtype !== dtype) tensors.fail(`${tensors.label(index)} is ${tensor.dtype}, expected ${dtype} (${why})`);
}

/**
 * Validates the integer LSTM's types and quantization and derives its multipliers exactly as
 * TFLite Micro's `PrepareGateParametersInteger`, `CreateInterGateMulParams` and
 * `CreateLstmCellStateInfo` do.
 */
export function integerLstmParameters(tensors: LstmTensors): IntegerLstmParameters {
  const why = 'int8 LSTM';
  const input = tensors.required(lstmInputIndex.input);
  const hidden = tensors.required(lstmInputIndex.outputState);
  const cell = tensors.required(lstmInputIndex.cellState);
  expectDType(tensors, lstmInputIndex.input, input, 'int8', why);
  expectDType(tensors, lstmInputIndex.outputState, hidden, 'int8', 'the hidden state has the input type');
  if (tensors.output.dtype !== 'int8') {
    tensors.fail(`output tensor ${tensors.output.id} is ${tensors.output.dtype}, expected int8 (the input type)`);
  }
  expectDType(tensors, lstmInputIndex.cellState, cell, 'int16', 'TFLite Micro\'s integer LSTM keeps an int16 cell state');

  const inputQuantization = perTensorQuantization(tensors, lstmInputIndex.input);
  const hiddenQuantization = perTensorQuantization(tensors, lstmInputIndex.outputState);
  const cellQuantization = perTensorQuantization(tensors, lstmInputIndex.cellState);
  if (cellQuantization.zeroPoint !== 0) {
    tensors.fail(`${tensors.label(lstmInputIndex.cellState)} has zero point ${cellQuantization.zeroPoint}, expected 0 (symmetric)`);
  }
  // TFLite Micro's CheckedLog2: the cell scale must be a power of two for the int16 tanh.
  const cellScalePower = Math.round(Math.log2(cellQuantization.scale));
  if (!(Math.abs(Math.log2(cellQuantization.scale) - cellScalePower) < 1e-3)) {
    tensors.fail(`${tensors.label(lstmInputIndex.cellState)} has scale ${cellQuantization.scale}, expected a power of two`);
  }

  const gateParameters = (gate: LstmGateName): IntegerGateParameters => {
    const { inputWeights, recurrentWeights, bias } = lstmGateInputs[gate];
    for (const index of [inputWeights, recurrentWeights]) {
      expectDType(tensors, index, tensors.required(index), 'int8', why);
    }
    expectDType(tensors, bias, tensors.required(bias), 'int32', why);
    const inputWeightsQuantization = perTensorQuantization(tensors, inputWeights);
    const recurrentWeightsQuantization = perTensorQuantization(tensors, recurrentWeights);
    // GetQuantizedConvolutionMultipler: the scale product in float, the division in double.
    return {
      inputMultiplier: quantizeMultiplier(Math.fround(inputQuantization.scale * inputWeightsQuantization.scale) / gateInputScale),
      recurrentMultiplier: quantizeMultiplier(
        Math.fround(hiddenQuantization.scale * recurrentWeightsQuantization.scale) / gateInputScale,
      ),
      inputWeightsOffset: -inputWeightsQuantization.zeroPoint,
      recurrentWeightsOffset: -recurrentWeightsQuantization.zeroPoint,
    };
  };

  const cellClip = tensors.op.attrs.cellClip;
  return {
    gates: {
      input: gateParameters('input'),
      forget: gateParameters('forget'),
      cell: gateParameters('cell'),
      output: gateParameters('output'),
    },
    inputOffset: -inputQuantization.zeroPoint,
    hiddenOffset: -hiddenQuantization.zeroPoint,
    forgetTimesCell: quantizeMultiplier((gateOutputScale * cellQuantization.scale) / cellQuantization.scale),
    inputTimesCellGate: quantizeMultiplier((gateOutputScale * gateOutputScale) / cellQuantization.scale),
    tanhCellTimesOutput: quantizeMultiplier((gateOutputScale * gateOutputScale) / hiddenQuantization.scale),
    hiddenZeroPoint: hiddenQuantization.zeroPoint,
    cellClip: cellClip > 0 ? Math.trunc(Math.min(Math.max(cellClip / cellQuantization.scale, -32768), 32767)) : undefined,
    cellTanh: cellStateTanhScaling(cellScalePower),
  };
}

/**
 * TFLite's integer FullyConnected from int8 into int16 (per-tensor, no activation): `rows`
 * vectors of `depth` values at `valuesOffset`, each value shifted by `valueOffset`, times the
 * [units, depth] weights, plus the bias, requantized and clamped to int16.
 */
function fullyConnectedToInt16(
  values: Int8Array,
  valuesOffset: number,
  valueOffset: number,
  weights: Int8Array,
  weightsOffset: number,
  bias: Int32Array | undefined,
  multiplier: QuantizedMultiplier,
  rows: number,
  depth: number,
  units: number,
  result: Int16Array,
): void {
  for (let row = 0; row < rows; row++) {
    const rowStart = valuesOffset + row * depth;
    for (let unit = 0; unit < units; unit++) {
      const weightsStart = unit * depth;
      let accumulator = 0;
      for (let d = 0; d < depth; d++) {
        accumulator += (weights[weightsStart + d] + weightsOffset) * (values[rowStart + d] + valueOffset);
      }
      if (bias) accumulator += bias[unit];
      // The C accumulator is int32: wrap as it would (exact JavaScript sums stay far below 2^53).
      const scaled = multiplyByQuantizedMultiplier(accumulator | 0, multiplier.multiplier, multiplier.shift);
      result[row * units + unit] = saturate(scaled, -32768, 32767);
    }
  }
}

/** TFLite's MulElementwise of two symmetric int16 values into an output with the given zero point and range. */
function multiply(a: number, b: number, multiplier: QuantizedMultiplier, zeroPoint: number, min: number, max: number): number {
  return saturate(zeroPoint + multiplyByQuantizedMultiplier(a * b, multiplier.multiplier, multiplier.shift), min, max);
}

/** Prepares the int8 LSTM: validates types and quantization, derives the multipliers, returns the eval. */
export function prepareIntegerLstm(tensors: LstmTensors, layout: LstmLayout): KernelEval {
  const parameters = integerLstmParameters(tensors);
  const steps = lstmSteps(layout);
  const { inputSize, stateSize } = layout;
  const gateSize = (layout.timeMajor ? layout.batchSize : 1) * stateSize;
  const gateOutputs: Record<LstmGateName, Int16Array> = {
    input: new Int16Array(gateSize),
    forget: new Int16Array(gateSize),
    cell: new Int16Array(gateSize),
    output: new Int16Array(gateSize),
  };
  const recurrentScratch = new Int16Array(gateSize);
  const { inputOffset, hiddenOffset, hiddenZeroPoint, cellClip, cellTanh } = parameters;

  const computeGate = (gate: LstmGateName, inputs: readonly (TensorData | undefined)[], step: LstmStep): Int16Array => {
    const { inputWeights, recurrentWeights, bias } = lstmGateInputs[gate];
    const gateParameters = parameters.gates[gate];
    const result = gateOutputs[gate];
    fullyConnectedToInt16(
      inputs[lstmInputIndex.input] as Int8Array,
      step.inputOffset,
      inputOffset,
      inputs[inputWeights] as Int8Array,
      gateParameters.inputWeightsOffset,
      inputs[bias] as Int32Array,
      gateParameters.inputMultiplier,
      step.rows,
      inputSize,
      stateSize,
      result,
    );
    fullyConnectedToInt16(
      inputs[lstmInputIndex.outputState] as Int8Array,
      step.stateOffset,
      hiddenOffset,
      inputs[recurrentWeights] as Int8Array,
      gateParameters.recurrentWeightsOffset,
      undefined,
      gateParameters.recurrentMultiplier,
      step.rows,
      stateSize,
      stateSize,
      recurrentScratch,
    );
    const activation = gate === 'cell' ? tanhInt16 : sigmoidInt16;
    const count = step.rows * stateSize;
    for (let i = 0; i < count; i++) result[i] = activation(saturatingAddInt16(result[i], recurrentScratch[i]));
    return result;
  };

  return (inputs, outputs) => {
    const hidden = inputs[lstmInputIndex.outputState] as Int8Array;
    const cell = inputs[lstmInputIndex.cellState] as Int16Array;
    const output = outputs[0] as Int8Array;
    for (const step of steps) {
      const count = step.rows * stateSize;
      const forget = computeGate('forget', inputs, step);
      const input = computeGate('input', inputs, step);
      const cellGate = computeGate('cell', inputs, step);
      for (let i = 0; i < count; i++) {
        const c = step.stateOffset + i;
        const kept = multiply(forget[i], cell[c], parameters.forgetTimesCell, 0, -32768, 32767);
        const added = multiply(input[i], cellGate[i], parameters.inputTimesCellGate, 0, -32768, 32767);
        const updated = saturatingAddInt16(kept, added);
        cell[c] = cellClip === undefined ? updated : saturate(updated, -cellClip, cellClip);
      }
      const outputGate = computeGate('output', inputs, step);
      for (let i = 0; i < count; i++) {
        const c = step.stateOffset + i;
        hidden[c] = multiply(tanhInt16(cell[c], cellTanh), outputGate[i], parameters.tanhCellTimesOutput, hiddenZeroPoint, -128, 127);
      }
      output.set(hidden.subarray(step.stateOffset, step.stateOffset + count), step.outputOffset);
    }
  };
}
