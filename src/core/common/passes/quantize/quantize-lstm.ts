/**
 * A float UNIDIRECTIONAL_SEQUENCE_LSTM in TFLite's integer LSTM scheme ("8x8→16"), the form
 * TFLite Micro's kernel, TinyDeploy's interpreter (`ops/lstm.ts`, `interp/kernels/lstm-integer.ts`) and its C
 * generator run, and the form TFLite's converter writes (`trained_lstm_int8.tflite`):
 *
 *     input x          int8, asymmetric, calibrated
 *     weights W, R     int8, symmetric per tensor (the kernel takes no per-channel weights)
 *     gate biases      int32, scale s_x · s_W of the gate's input weights
 *     hidden state h   int8 variable, calibrated on h over every time step, made symmetric
 *                      ([−m, m], m = max|h|) as the converter does; the op's output shares it
 *     cell state c     int16 variable, zero point 0, scale 2^(⌈log2 max|c|⌉ − 15): the integer
 *                      tanh needs a power of two (max|c| = 7.9 gives 2^-12)
 *     gates            Q3.12 in, Q0.15 out: fixed by the kernel, nothing to store
 *     intermediates    the five tensors TFLite's kernel (not TFLite Micro's) reads: four empty
 *                      float32 gate tensors (used with layer normalisation only) and the
 *                      effective hidden scale, an int8 tensor quantized like the hidden state
 *
 * 16x8 (`precision` int16, TFLite Micro's int16-activation LSTM): the input, the hidden state and
 * the output int16 symmetric (zero point 0, scale max|h| / 32767), the gate biases int64 at the
 * same scale s_x · s_W; weights and cell state as above.
 *
 * The cell clip stays a float attribute (the kernel divides it by the cell scale). Variants the
 * int8 kernel does not run (CIFG, peephole, projection, layer normalisation) are refused by
 * `lstmRefusal`, as the interpreter refuses them.
 */

import { InterpreterError, PassError } from '../../errors.js';
import type { Graph, OpOf, Quantization } from '../../ir/types.js';
import { LstmTensors, lstmGateInputs, lstmGateNames, lstmInputIndex, readLstmLayout } from '../../ops/lstm-layout.js';
import { opContext } from '../../ops/op.js';
import { asymmetricInt8, perTensor, quantizeBias, quantizeWeights, symmetricInt16, type QuantizedDType } from './parameters.js';
import type { QuantizedGraphBuilder } from './graph-builder.js';

type LstmOp = OpOf<'UNIDIRECTIONAL_SEQUENCE_LSTM'>;

/** Names TFLite's converter gives the five intermediates, in order. */
const intermediateNames = [
  'input_to_input_intermediate',
  'input_to_forget_intermediate',
  'input_to_cell_intermediate',
  'input_to_output_intermediate',
  'effective_hidden_scale_intermediate',
] as const;

/** Why this LSTM cannot become an int8 LSTM (the interpreter's own refusal), or undefined. */
export function lstmRefusal(graph: Graph, op: LstmOp, index: number): string | undefined {
  try {
    readLstmLayout(new LstmTensors(opContext(graph, op, index, InterpreterError)));
  } catch (error) {
    if (error instanceof InterpreterError) return error.message.replace(/^op \d+ \([A-Z_0-9]+\): /, '');
    throw error;
  }
  const notFloat = [lstmInputIndex.input, ...lstmGateNames.flatMap((gate) => Object.values(lstmGateInputs[gate]))].find((position) => {
    const tensor = graph.tensors[op.inputs[position]];
    return tensor.dtype !== 'float32' || (position !== lstmInputIndex.input && tensor.data === undefined);
  });
  if (notFloat !== undefined) {
    const tensor = graph.tensors[op.inputs[notFloat]];
    return `input ${notFloat} (tensor ${tensor.id}, ${tensor.name}) is ${tensor.data || notFloat === lstmInputIndex.input ? tensor.dtype : 'not a constant'}, expected float32${notFloat === lstmInputIndex.input ? '' : ' constant weights'}`;
  }
  return undefined;
}

/** The hidden state's encoding: asymmetric int8 over [−m, m], m = max|h| over calibration. */
export function hiddenStateQuantization(range: { min: number; max: number }): Quantization {
  const magnitude = Math.max(Math.abs(range.min), Math.abs(range.max));
  return asymmetricInt8({ min: -magnitude, max: magnitude });
}

/** The cell state's encoding: int16, zero point 0, the smallest power-of-two scale that covers max|c|. */
export function cellStateQuantization(range: { min: number; max: number }): Quantization {
  const magnitude = Math.max(Math.abs(range.min), Math.abs(range.max));
  const exponent = magnitude > 0 ? Math.ceil(Math.log2(magnitude)) : 0;
  return perTensor(2 ** (exponent - 15), 0);
}

/** The 16x8 hidden state: symmetric int16 over max|h|. */
export function hiddenStateQuantization16(range: { min: number; max: number }): Quantization {
  return symmetricInt16(range);
}

/** Adds the int8 (or 16x8) form of LSTM op `index` to the builder (see the file comment). */
export function quantizeLstm(builder: QuantizedGraphBuilder, op: LstmOp, index: number, precision: QuantizedDType = 'int8'): void {
  const source = builder.source.tensors;
  const states = builder.table.lstmStates.get(index);
  if (!states) throw new PassError(`op ${index} (UNIDIRECTIONAL_SEQUENCE_LSTM) has no calibrated state ranges`, { op: index });
  const inputs = [...op.inputs];
  const biasType = precision === 'int8' ? 'int32' : 'int64';
  inputs[lstmInputIndex.input] = builder.representation(op.inputs[lstmInputIndex.input], precision);
  const inputScale = builder.tensors[inputs[lstmInputIndex.input]].quantization!.scale[0];
  for (const gate of lstmGateNames) {
    const { inputWeights, recurrentWeights, bias } = lstmGateInputs[gate];
    for (const position of [inputWeights, recurrentWeights]) {
      const id = op.inputs[position];
      inputs[position] = builder.constant(id, 'int8 weights axis tensor', () => ({ dtype: 'int8', ...quantizeWeights(source[id], undefined) }));
    }
    const weightScale = builder.tensors[inputs[inputWeights]].quantization!.scale[0];
    const biasId = op.inputs[bias];
    inputs[bias] = builder.constant(biasId, `${biasType} bias ${inputScale} ${inputs[inputWeights]}`, () => {
      const quantized = quantizeBias(source[biasId], inputScale, [weightScale], biasType);
      return { dtype: biasType, data: quantized.data, quantization: quantized.quantization };
    });
  }
  const hidden = precision === 'int8' ? hiddenStateQuantization(states.hidden) : hiddenStateQuantization16(states.hidden);
  builder.encode(op.inputs[lstmInputIndex.outputState], precision, hidden, { variable: true });
  builder.encode(op.inputs[lstmInputIndex.cellState], 'int16', cellStateQuantization(states.cell), { variable: true });
  const intermediates = intermediateNames.map((name, i) =>
    i < 4 ? builder.add({ name, shape: [0], dtype: 'float32' }) : builder.add({ name, shape: [0], dtype: precision, quantization: hidden }),
  );
  builder.ops.push({ ...op, inputs, intermediates });
  builder.encode(op.outputs[0], precision, hidden);
}
