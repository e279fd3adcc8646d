/**
 * What UNIDIRECTIONAL_SEQUENCE_LSTM is before any arithmetic: which
 * input is which (TFLite's 24-input layout, `lstm_shared.h`), the sizes (batch, time steps, input
 * and state width), the checks TFLite Micro's `ValidateTensorStatus` / `ValidateTensorSize` make,
 * and the order in which the time steps visit the data.
 *
 * TinyDeploy follows TFLite Micro's LSTM (`lstm_eval.h`), which runs the standard LSTM only: all
 * four gates, no peephole, no projection, no layer normalisation. A model that uses one of those
 * variants is refused here, naming the input that makes it one.
 */
import type { OpOf, Tensor } from '../ir/types.js';
import { elementCount, formatShape } from '../ir/tensor.js';
import type { OpContext } from './op.js';

export type LstmOp = OpOf<'UNIDIRECTIONAL_SEQUENCE_LSTM'>;

/** Positions of the op's inputs (TFLite's `kLstm…Tensor` constants). */
export const lstmInputIndex = {
  input: 0,
  inputToInputWeights: 1,
  inputToForgetWeights: 2,
  inputToCellWeights: 3,
  inputToOutputWeights: 4,
  recurrentToInputWeights: 5,
  recurrentToForgetWeights: 6,
  recurrentToCellWeights: 7,
  recurrentToOutputWeights: 8,
  cellToInputWeights: 9,
  cellToForgetWeights: 10,
  cellToOutputWeights: 11,
  inputGateBias: 12,
  forgetGateBias: 13,
  cellGateBias: 14,
  outputGateBias: 15,
  projectionWeights: 16,
  projectionBias: 17,
  outputState: 18,
  cellState: 19,
  inputLayerNormCoefficients: 20,
  forgetLayerNormCoefficients: 21,
  cellLayerNormCoefficients: 22,
  outputLayerNormCoefficients: 23,
} as const;

export type LstmInputName = keyof typeof lstmInputIndex;

export type LstmGateName = 'input' | 'forget' | 'cell' | 'output';

/** The four gates in the order TFLite Micro computes them (the output gate after the cell update). */
export const lstmGateNames: readonly LstmGateName[] = ['forget', 'input', 'cell', 'output'];

/** Each gate is act(W·x + b + R·h): which inputs hold its W, R and b. */
export const lstmGateInputs: Record<LstmGateName, { inputWeights: number; recurrentWeights: number; bias: number }> = {
  input: { inputWeights: 1, recurrentWeights: 5, bias: 12 },
  forget: { inputWeights: 2, recurrentWeights: 6, bias: 13 },
  cell: { inputWeights: 3, recurrentWeights: 7, bias: 14 },
  output: { inputWeights: 4, recurrentWeights: 8, bias: 15 },
};

/** Human names of the inputs, for error messages ("input-to-forget weights (input 2, tensor 14)"). */
const inputLabels: Record<number, string> = {
  0: 'input',
  1: 'input-to-input weights',
  2: 'input-to-forget weights',
  3: 'input-to-cell weights',
  4: 'input-to-output weights',
  5: 'recurrent-to-input weights',
  6: 'recurrent-to-forget weights',
  7: 'recurrent-to-cell weights',
  8: 'recurrent-to-output weights',
  9: 'cell-to-input (peephole) weights',
  10: 'cell-to-forget (peephole) weights',
  11: 'cell-to-output (peephole) weights',
  12: 'input gate bias',
  13: 'forget gate bias',
  14: 'cell gate bias',
  15: 'output gate bias',
  16: 'projection weights',
  17: 'projection bias',
  18: 'output (hidden) state',
  19: 'cell state',
  20: 'input layer-norm coefficients',
  21: 'forget layer-norm coefficients',
  22: 'cell layer-norm coefficients',
  23: 'output layer-norm coefficients',
};

/** Sizes of one LSTM op, TFLite Micro's `LstmSizeInfo`. */
export interface LstmLayout {
  /** Input [time, batch, features] when true, [batch, time, features] otherwise. */
  timeMajor: boolean;
  batchSize: number;
  timeSteps: number;
  inputSize: number;
  /** Number of units: width of the hidden and cell state and of every gate. */
  stateSize: number;
}

/**
 * One invocation of the cell: `rows` sequences advanced by one time step together. Offsets are
 * element offsets into the input, output and state arrays.
 */
export interface LstmStep {
  rows: number;
  inputOffset: number;
  outputOffset: number;
  stateOffset: number;
}

/** The tensors of one LSTM op by role, with the checks every dtype shares. */
export class LstmTensors {
  readonly context: OpContext;
  readonly op: LstmOp;

  constructor(context: OpContext) {
    this.context = context;
    this.op = context.op as LstmOp;
  }

  /** "input-to-forget weights (input 2, tensor 14)". */
  label(index: number): string {
    const id = this.op.inputs[index];
    return `${inputLabels[index]} (input ${index}${id !== undefined && id >= 0 ? `, tensor ${id}` : ''})`;
  }

  optional(index: number): Tensor | undefined {
    const id = this.op.inputs[index];
    return id === undefined || id < 0 ? undefined : this.context.graph.tensors[id];
  }

  required(index: number): Tensor {
    const tensor = this.optional(index);
    if (!tensor) this.fail(`${this.label(index)} is missing`);
    return tensor;
  }

  get output(): Tensor {
    return this.context.graph.tensors[this.op.outputs[0]];
  }

  fail(message: string): never {
    this.context.fail(message);
  }

  expectShape(index: number, shape: readonly number[]): void {
    const tensor = this.required(index);
    if (tensor.shape.length !== shape.length || tensor.shape.some((dim, i) => dim !== shape[i])) {
      this.fail(`${this.label(index)} has shape ${formatShape(tensor.shape)}, expected ${formatShape(shape)}`);
    }
  }
}

/**
 * Validates the op's structure (inputs present or absent, shapes, state tensors) and returns its
 * sizes. Fails (context.fail) naming the op, the input and the value it refuses.
 */
export function readLstmLayout(tensors: LstmTensors): LstmLayout {
  const { op } = tensors;
  if (op.inputs.length !== 20 && op.inputs.length !== 24) {
    tensors.fail(`has ${op.inputs.length} inputs, expected 24 (or 20 without layer-norm coefficients)`);
  }
  if (op.outputs.length !== 1) tensors.fail(`has ${op.outputs.length} outputs, expected 1`);
  refuseVariants(tensors);

  const input = tensors.required(lstmInputIndex.input);
  if (input.shape.length !== 3) {
    tensors.fail(`${tensors.label(lstmInputIndex.input)} has shape ${formatShape(input.shape)}, expected rank 3`);
  }
  const { timeMajor } = op.attrs;
  const layout: LstmLayout = {
    timeMajor,
    batchSize: timeMajor ? input.shape[1] : input.shape[0],
    timeSteps: timeMajor ? input.shape[0] : input.shape[1],
    inputSize: input.shape[2],
    stateSize: tensors.required(lstmInputIndex.inputToForgetWeights).shape[0],
  };
  const { inputSize, stateSize, batchSize } = layout;
  for (const gate of lstmGateNames) {
    const { inputWeights, recurrentWeights, bias } = lstmGateInputs[gate];
    tensors.expectShape(inputWeights, [stateSize, inputSize]);
    tensors.expectShape(recurrentWeights, [stateSize, stateSize]);
    tensors.expectShape(bias, [stateSize]);
  }
  for (const index of [lstmInputIndex.outputState, lstmInputIndex.cellState]) {
    const state = tensors.required(index);
    if (!state.variable) tensors.fail(`${tensors.label(index)} is not a variable tensor`);
    if (elementCount(state.shape) !== batchSize * stateSize) {
      tensors.fail(
        `${tensors.label(index)} has shape ${formatShape(state.shape)}, expected ${batchSize}x${stateSize} = ` +
          `${batchSize * stateSize} elements (batch x units)`,
      );
    }
  }
  const output = tensors.output;
  const expectedOutput = [input.shape[0], input.shape[1], stateSize];
  if (output.shape.length !== 3 || output.shape.some((dim, i) => dim !== expectedOutput[i])) {
    tensors.fail(`output tensor ${output.id} has shape ${formatShape(output.shape)}, expected ${formatShape(expectedOutput)}`);
  }
  // TFLite Micro applies the fused activation to the cell gate and accepts only tanh there
  // (sigmoid too, but a .tflite file cannot express a fused sigmoid).
  if (op.attrs.activation !== 'tanh') {
    tensors.fail(`cell gate activation ${op.attrs.activation} is not supported (TFLite Micro's LSTM takes tanh)`);
  }
  if (!(op.attrs.cellClip >= 0)) tensors.fail(`cell clip ${op.attrs.cellClip} is negative`);
  return layout;
}

function refuseVariants(tensors: LstmTensors): void {
  const unsupported: [LstmInputName[], string][] = [
    [['cellToInputWeights', 'cellToForgetWeights', 'cellToOutputWeights'], 'peephole connections are'],
    [['projectionWeights', 'projectionBias'], 'a projection layer is'],
    [
      ['inputLayerNormCoefficients', 'forgetLayerNormCoefficients', 'cellLayerNormCoefficients', 'outputLayerNormCoefficients'],
      'layer normalisation is',
    ],
  ];
  for (const [names, what] of unsupported) {
    const present = names.map((name) => lstmInputIndex[name]).find((index) => tensors.optional(index));
    if (present !== undefined) {
      tensors.fail(
        `${tensors.label(present)} is present: ${what} not supported ` +
          `(TinyDeploy follows TFLite Micro's LSTM, which runs the standard LSTM only)`,
      );
    }
  }
  for (const index of [lstmInputIndex.inputToInputWeights, lstmInputIndex.recurrentToInputWeights, lstmInputIndex.inputGateBias]) {
    if (!tensors.optional(index)) {
      tensors.fail(
        `${tensors.label(index)} is absent: the coupled input-forget gate (CIFG) variant is not supported ` +
          `(TinyDeploy follows TFLite Micro's LSTM, which needs all four gates)`,
      );
    }
  }
}

/**
 * The cell invocations of one run in order, as TFLite Micro's `LstmStepManager` walks them.
 * Time-major: each step advances every sequence of the batch at once (rows = batch). Batch-major:
 * each sequence runs to its end before the next starts (rows = 1), each with its own state row.
 */
export function lstmSteps(layout: LstmLayout): LstmStep[] {
  const { timeMajor, batchSize, timeSteps, inputSize, stateSize } = layout;
  const steps: LstmStep[] = [];
  if (timeMajor) {
    for (let t = 0; t < timeSteps; t++) {
      steps.push({ rows: batchSize, inputOffset: t * batchSize * inputSize, outputOffset: t * batchSize * stateSize, stateOffset: 0 });
    }
  } else {
    for (let b = 0; b < batchSize; b++) {
      for (let t = 0; t < timeSteps; t++) {
        const position = b * timeSteps + t;
        steps.push({ rows: 1, inputOffset: position * inputSize, outputOffset: position * stateSize, stateOffset: b * stateSize });
      }
    }
  }
  return steps;
}
