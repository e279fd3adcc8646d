/**
 * UNIDIRECTIONAL_SEQUENCE_LSTM, as TFLite Micro runs it (`unidirectional_sequence_lstm.cc`,
 * `lstm_eval.h`): the standard LSTM only (see `lstm-layout.ts` for the inputs and the refused
 * variants), in two flavours:
 *
 * - int8 ("8x8→16"): int8 input, output and hidden state, int8 per-tensor weights, int32 biases,
 *   int16 cell state with a power-of-two scale, int16 gates. The plan holds every multiplier
 *   TFLite Micro's prepare derives (its `OpDataLSTM`); the host kernel and the C kernel read them.
 * - int16 ("16x8", TFLite Micro's `EvalLstm<int16_t, int8_t, int16_t, int64_t>`): int16 input,
 *   output and hidden state (zero points 0), int8 per-tensor weights, int64 biases, the same
 *   int16 gates and cell. Each FC accumulates in 64 bits and requantizes with TFLite's 64-bit
 *   MultiplyByQuantizedMultiplier (multiplier rounded to 15 bits); the multipliers are derived as
 *   for int8 (see `lstm-integer16.ts` in the interpreter for the step).
 * - float32: every tensor float32, the cell clip as a float.
 *
 * Refused: hybrid LSTM (float activations with int8 weights). The hidden
 * state (input 18) and cell state (input 19) are variable tensors the kernels update in place.
 */
import type { Graph, Op, Tensor } from '../ir/types.js';
import { elementCount } from '../ir/tensor.js';
import type { QuantizedMultiplier } from './fixed-point.js';
import { LstmTensors, lstmGateInputs, lstmGateNames, lstmInputIndex, readLstmLayout, type LstmGateName, type LstmLayout } from './lstm-layout.js';
import { rescale } from './quantization.js';
import { defineOp } from './registry.js';

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

/** The int8 LSTM's arithmetic: TFLite Micro's `PrepareGateParametersInteger`, `CreateInterGateMulParams`, `CreateLstmCellStateInfo`. */
export interface IntegerLstmArithmetic {
  flavour: 'int8';
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
  /** The cell state's scale is 2^cellScalePower (tanh reads it as Q3.12 from that). */
  cellScalePower: number;
}

/** The 16x8 LSTM: the int8 form's multipliers with int16 activations, zero points 0 and int64 biases. */
export type Int16LstmArithmetic = Omit<IntegerLstmArithmetic, 'flavour'> & { flavour: 'int16' };

export interface FloatLstmArithmetic {
  flavour: 'float32';
  /** Clip of the cell state to ±cellClip; 0 when the op does not clip. */
  cellClip: number;
}

export interface LstmPlan {
  layout: LstmLayout;
  arithmetic: IntegerLstmArithmetic | Int16LstmArithmetic | FloatLstmArithmetic;
}

/** Per-tensor scale and zero point of an input, refusing per-channel or missing quantization. */
function perTensorQuantization(tensors: LstmTensors, index: number): { scale: number; zeroPoint: number } {
  const q = tensors.required(index).quantization;
  if (!q || q.scale.length === 0) tensors.fail(`${tensors.label(index)} has no quantization parameters`);
  if (q.scale.length > 1) {
    tensors.fail(
      `${tensors.label(index)} is quantized per channel (${q.scale.length} scales); ` +
        `TFLite Micro's integer LSTM takes per-tensor weights only`,
    );
  }
  return { scale: q.scale[0], zeroPoint: q.zeroPoint[0] ?? 0 };
}

function expectDType(tensors: LstmTensors, index: number, dtype: Tensor['dtype'], why: string): void {
  const tensor = tensors.required(index);
  if (tensor.dtype !== dtype) tensors.fail(`${tensors.label(index)} is ${tensor.dtype}, expected ${dtype} (${why})`);
}

function expectOutputDType(tensors: LstmTensors, dtype: Tensor['dtype']): void {
  const output = tensors.output;
  if (output.dtype !== dtype) tensors.fail(`output tensor ${output.id} is ${output.dtype}, expected ${dtype} (the input type)`);
}

function floatArithmetic(tensors: LstmTensors): FloatLstmArithmetic {
  const float32Inputs = [
    lstmInputIndex.input,
    lstmInputIndex.outputState,
    lstmInputIndex.cellState,
    ...lstmGateNames.flatMap((gate) => Object.values(lstmGateInputs[gate])),
  ];
  for (const index of float32Inputs) expectDType(tensors, index, 'float32', 'float LSTM');
  expectOutputDType(tensors, 'float32');
  const { cellClip } = tensors.op.attrs;
  return { flavour: 'float32', cellClip: cellClip > 0 ? cellClip : 0 };
}

/** Validates the integer LSTM's types and quantization and derives its multipliers as TFLite Micro does. */
function integerArithmetic(tensors: LstmTensors, activation: 'int8' | 'int16' = 'int8'): IntegerLstmArithmetic {
  const why = activation === 'int8' ? 'int8 LSTM' : '16x8 LSTM';
  const biasType = activation === 'int8' ? 'int32' : 'int64';
  const { context } = tensors;
  expectDType(tensors, lstmInputIndex.input, activation, why);
  expectDType(tensors, lstmInputIndex.outputState, activation, 'the hidden state has the input type');
  expectOutputDType(tensors, activation);
  expectDType(tensors, lstmInputIndex.cellState, 'int16', "TFLite Micro's integer LSTM keeps an int16 cell state");

  const input = perTensorQuantization(tensors, lstmInputIndex.input);
  const hidden = perTensorQuantization(tensors, lstmInputIndex.outputState);
  const cell = perTensorQuantization(tensors, lstmInputIndex.cellState);
  if (cell.zeroPoint !== 0) {
    tensors.fail(`${tensors.label(lstmInputIndex.cellState)} has zero point ${cell.zeroPoint}, expected 0 (symmetric)`);
  }
  // TFLite Micro's CheckedLog2: the cell scale must be a power of two for the int16 tanh.
  const cellScalePower = Math.round(Math.log2(cell.scale));
  if (!(Math.abs(Math.log2(cell.scale) - cellScalePower) < 1e-3)) {
    tensors.fail(`${tensors.label(lstmInputIndex.cellState)} has scale ${cell.scale}, expected a power of two`);
  }

  const gateParameters = (gate: LstmGateName): IntegerGateParameters => {
    const { inputWeights, recurrentWeights, bias } = lstmGateInputs[gate];
    expectDType(tensors, inputWeights, 'int8', why);
    expectDType(tensors, recurrentWeights, 'int8', why);
    expectDType(tensors, bias, biasType, why);
    const w = perTensorQuantization(tensors, inputWeights);
    const r = perTensorQuantization(tensors, recurrentWeights);
    // GetQuantizedConvolutionMultipler: the scale product in float, the division in double.
    return {
      inputMultiplier: rescale(context, Math.fround(input.scale * w.scale) / gateInputScale, tensors.label(inputWeights)),
      recurrentMultiplier: rescale(context, Math.fround(hidden.scale * r.scale) / gateInputScale, tensors.label(recurrentWeights)),
      inputWeightsOffset: -w.zeroPoint,
      recurrentWeightsOffset: -r.zeroPoint,
    };
  };

  if (activation === 'int16') {
    // TFLite Micro's 16x8 LSTM has no input or hidden offsets: int16 activations are symmetric.
    for (const [index, q] of [[lstmInputIndex.input, input], [lstmInputIndex.outputState, hidden]] as const) {
      if (q.zeroPoint !== 0) tensors.fail(`${tensors.label(index)} has zero point ${q.zeroPoint}, expected 0 (int16 activations are symmetric)`);
    }
  }
  const { cellClip } = tensors.op.attrs;
  return {
    flavour: 'int8',
    gates: { input: gateParameters('input'), forget: gateParameters('forget'), cell: gateParameters('cell'), output: gateParameters('output') },
    inputOffset: -input.zeroPoint,
    hiddenOffset: -hidden.zeroPoint,
    forgetTimesCell: rescale(context, (gateOutputScale * cell.scale) / cell.scale, 'forget × cell'),
    inputTimesCellGate: rescale(context, (gateOutputScale * gateOutputScale) / cell.scale, 'input × cell gate'),
    tanhCellTimesOutput: rescale(context, (gateOutputScale * gateOutputScale) / hidden.scale, 'output × tanh(cell)'),
    hiddenZeroPoint: hidden.zeroPoint,
    cellClip: cellClip > 0 ? Math.trunc(Math.min(Math.max(cellClip / cell.scale, -32768), 32767)) : undefined,
    cellScalePower,
  };
}

/** LSTM input slots holding weight matrices (TFLite's lstm_shared.h numbering). */
const lstmMatrixInputs = [1, 2, 3, 4, 5, 6, 7, 8, 16] as const;
/** LSTM peephole (diagonal) weights: cell-to-input, cell-to-forget, cell-to-output. */
const lstmPeepholeInputs = [9, 10, 11] as const;

/**
 * MACs of an LSTM (TFLite's LSTM or UNIDIRECTIONAL_SEQUENCE_LSTM, same input numbering): time ·
 * batch · (every weight matrix present: rows · cols, i.e. 4 · units · (input + output) without
 * CIFG, plus projection) + time · batch · units per peephole vector. Layer-norm coefficients and
 * biases are not counted.
 */
export function lstmMacs(graph: Graph, op: Op): number {
  const tensor = (slot: number): Tensor | undefined => {
    const id = op.inputs[slot];
    return id === undefined || id < 0 ? undefined : graph.tensors[id];
  };
  const input = tensor(0);
  const inputToOutput = tensor(4);
  if (!input || !inputToOutput || inputToOutput.shape.length !== 2) return 0;
  // Every step multiplies each weight once per batch row: steps · batch = input elements / input size.
  const rows = elementCount(input.shape) / inputToOutput.shape[1];
  const units = inputToOutput.shape[0];
  let perRow = 0;
  for (const slot of lstmMatrixInputs) {
    const weights = tensor(slot);
    if (weights) perRow += elementCount(weights.shape);
  }
  for (const slot of lstmPeepholeInputs) if (tensor(slot)) perRow += units;
  return rows * perRow;
}

export const unidirectionalSequenceLstm = defineOp<LstmPlan>({
  types: ['UNIDIRECTIONAL_SEQUENCE_LSTM'],
  minInputs: 20,
  precisions: ['int8', 'int16', 'float32'],
  macs: lstmMacs,
  prepare(context) {
    const tensors = new LstmTensors(context);
    const layout = readLstmLayout(tensors);
    const input = tensors.required(lstmInputIndex.input);
    if (input.dtype === 'int8') return { layout, arithmetic: integerArithmetic(tensors) };
    if (input.dtype === 'int16') return { layout, arithmetic: { ...integerArithmetic(tensors, 'int16'), flavour: 'int16' } };
    if (input.dtype !== 'float32') {
      tensors.fail(`${tensors.label(lstmInputIndex.input)} is ${input.dtype}; supported LSTM inputs are float32, int8 and int16`);
    }
    const weights = tensors.required(lstmInputIndex.inputToForgetWeights);
    if (weights.dtype !== 'float32') {
      tensors.fail(
        `hybrid LSTM (float32 input, ${weights.dtype} weights in ${tensors.label(lstmInputIndex.inputToForgetWeights)}) ` +
          `is not supported; quantize the whole model to int8 or keep it float32`,
      );
    }
    return { layout, arithmetic: floatArithmetic(tensors) };
  },
});
