/**
 * What TD_GRU is before any arithmetic: which input is which, the sizes, the checks, and the order
 * in which the time steps visit the data.
 *
 * TD_GRU is TinyDeploy's fused GRU layer (TFLite has no GRU builtin). In a `.tflite` file it is a
 * custom op with custom code `TD_GRU` whose custom options are a FlexBuffer map of the attributes
 * below (`linear_before_reset`, `time_major`, `reverse`, `return_sequences`, each a bool).
 *
 * Inputs (gate order r, z, n: PyTorch's and ONNX's order; Keras's z, r, h is mapped by importers
 * to the same slots):
 *
 *     0      input x             [batch, time, I] ([time, batch, I] when time-major)
 *     1–3    W_r, W_z, W_n       input weights,     [U, I] each
 *     4–6    R_r, R_z, R_n       recurrent weights, [U, U] each
 *     7–9    b_r, b_z, b_n       input-side biases, [U] each (the recurrent biases of r and z, and of
 *                                n when linear_before_reset is off, are folded in: they add to the
 *                                same sum)
 *     10     recurrent n bias    [U], only with linear_before_reset (it sits inside r ⊙ (…)); -1 otherwise
 *     11     hidden state h      variable tensor, batch · U elements, updated in place
 *
 * One step (ONNX's GRU, PyTorch's nn.GRU, Keras's GRU with reset_after ⇔ linear_before_reset):
 *
 *     r  = σ(W_r·x + b_r + R_r·h)
 *     z  = σ(W_z·x + b_z + R_z·h)
 *     n  = tanh(W_n·x + b_n + r ⊙ (R_n·h + rb_n))    linear_before_reset
 *     n  = tanh(W_n·x + b_n + R_n·(r ⊙ h))           otherwise
 *     h' = (1 − z) ⊙ n + z ⊙ h  =  n + z ⊙ (h − n)
 *
 * `reverse` runs the time steps last to first (the backward half of a bidirectional layer: a
 * bidirectional GRU is a forward TD_GRU and a reverse TD_GRU on the same input, joined by
 * CONCATENATION on the feature axis or by ADD). `return_sequences` false makes the output the last
 * state only, [batch, U], instead of every step's state.
 */
import type { Tensor } from '../ir/types.js';
import { elementCount, formatShape } from '../ir/tensor.js';
import type { OpContext } from './op.js';

export const gruOpType = 'TD_GRU';

export interface GruAttrs {
  linearBeforeReset: boolean;
  timeMajor: boolean;
  reverse: boolean;
  returnSequences: boolean;
}

export const defaultGruAttrs: GruAttrs = { linearBeforeReset: true, timeMajor: false, reverse: false, returnSequences: true };

export const gruInputIndex = {
  input: 0,
  inputWeights: { r: 1, z: 2, n: 3 },
  recurrentWeights: { r: 4, z: 5, n: 6 },
  bias: { r: 7, z: 8, n: 9 },
  recurrentNBias: 10,
  hiddenState: 11,
} as const;

export const gruInputCount = 12;

export type GruGateName = 'r' | 'z' | 'n';
export const gruGateNames: readonly GruGateName[] = ['r', 'z', 'n'];

const gateWords: Record<GruGateName, string> = { r: 'reset', z: 'update', n: 'new' };

const inputLabels: Record<number, string> = {
  0: 'input',
  1: 'input-to-reset weights',
  2: 'input-to-update weights',
  3: 'input-to-new weights',
  4: 'recurrent-to-reset weights',
  5: 'recurrent-to-update weights',
  6: 'recurrent-to-new weights',
  7: 'reset gate bias',
  8: 'update gate bias',
  9: 'new gate bias',
  10: 'recurrent new-gate bias',
  11: 'hidden state',
};

export function gruGateWord(gate: GruGateName): string {
  return gateWords[gate];
}

export interface GruLayout {
  timeMajor: boolean;
  batchSize: number;
  timeSteps: number;
  inputSize: number;
  /** Units U: width of the hidden state and of every gate. */
  stateSize: number;
  linearBeforeReset: boolean;
  reverse: boolean;
  returnSequences: boolean;
  /** Whether input 10 is present. */
  hasRecurrentNBias: boolean;
}

/** One invocation of the cell: `rows` sequences advanced by one step; offsets are element offsets. */
export interface GruStep {
  rows: number;
  inputOffset: number;
  /** Where the step's state goes in the output, or -1 when the output keeps the last step only. */
  outputOffset: number;
  stateOffset: number;
}

/** The attributes of a TD_GRU op, defaults filled in (an op built elsewhere may leave some out). */
export function gruAttrs(attrs: object): GruAttrs {
  return { ...defaultGruAttrs, ...(attrs as Partial<GruAttrs>) };
}

export class GruTensors {
  readonly context: OpContext;
  constructor(context: OpContext) {
    this.context = context;
  }
  get inputs(): number[] {
    return this.context.op.inputs;
  }
  label(index: number): string {
    const id = this.inputs[index];
    return `${inputLabels[index]} (input ${index}${id !== undefined && id >= 0 ? `, tensor ${id}` : ''})`;
  }
  optional(index: number): Tensor | undefined {
    const id = this.inputs[index];
    return id === undefined || id < 0 ? undefined : this.context.graph.tensors[id];
  }
  required(index: number): Tensor {
    const tensor = this.optional(index);
    if (!tensor) this.fail(`${this.label(index)} is missing`);
    return tensor;
  }
  get output(): Tensor {
    return this.context.graph.tensors[this.context.op.outputs[0]];
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

/** Validates the structure of a TD_GRU op and returns its sizes (fails naming the input and value). */
export function readGruLayout(tensors: GruTensors): GruLayout {
  const { op } = tensors.context;
  if (op.inputs.length !== gruInputCount) tensors.fail(`has ${op.inputs.length} inputs, expected ${gruInputCount}`);
  if (op.outputs.length !== 1) tensors.fail(`has ${op.outputs.length} outputs, expected 1`);
  const attrs = gruAttrs(op.attrs);
  const input = tensors.required(gruInputIndex.input);
  if (input.shape.length !== 3) tensors.fail(`${tensors.label(gruInputIndex.input)} has shape ${formatShape(input.shape)}, expected rank 3`);
  const stateSize = tensors.required(gruInputIndex.inputWeights.r).shape[0];
  const layout: GruLayout = {
    timeMajor: attrs.timeMajor,
    batchSize: attrs.timeMajor ? input.shape[1] : input.shape[0],
    timeSteps: attrs.timeMajor ? input.shape[0] : input.shape[1],
    inputSize: input.shape[2],
    stateSize,
    linearBeforeReset: attrs.linearBeforeReset,
    reverse: attrs.reverse,
    returnSequences: attrs.returnSequences,
    hasRecurrentNBias: tensors.optional(gruInputIndex.recurrentNBias) !== undefined,
  };
  if (!(stateSize > 0)) tensors.fail(`${tensors.label(gruInputIndex.inputWeights.r)} has ${stateSize} units, expected at least 1`);
  for (const gate of gruGateNames) {
    tensors.expectShape(gruInputIndex.inputWeights[gate], [stateSize, layout.inputSize]);
    tensors.expectShape(gruInputIndex.recurrentWeights[gate], [stateSize, stateSize]);
    tensors.expectShape(gruInputIndex.bias[gate], [stateSize]);
  }
  if (layout.hasRecurrentNBias) {
    if (!layout.linearBeforeReset) {
      tensors.fail(
        `${tensors.label(gruInputIndex.recurrentNBias)} is present without linear_before_reset: ` +
          `fold it into the new gate bias (input 9), it adds to the same sum`,
      );
    }
    tensors.expectShape(gruInputIndex.recurrentNBias, [stateSize]);
  }
  const state = tensors.required(gruInputIndex.hiddenState);
  if (!state.variable) tensors.fail(`${tensors.label(gruInputIndex.hiddenState)} is not a variable tensor`);
  if (elementCount(state.shape) !== layout.batchSize * stateSize) {
    tensors.fail(
      `${tensors.label(gruInputIndex.hiddenState)} has shape ${formatShape(state.shape)}, expected ` +
        `${layout.batchSize}x${stateSize} = ${layout.batchSize * stateSize} elements (batch x units)`,
    );
  }
  const output = tensors.output;
  const expected = layout.returnSequences ? [input.shape[0], input.shape[1], stateSize] : [layout.batchSize, stateSize];
  if (output.shape.length !== expected.length || output.shape.some((dim, i) => dim !== expected[i])) {
    tensors.fail(
      `output tensor ${output.id} has shape ${formatShape(output.shape)}, expected ${formatShape(expected)}` +
        (layout.returnSequences ? ' (every step)' : ' (last step only)'),
    );
  }
  return layout;
}

/**
 * The cell invocations in order. Time-major: each step advances the whole batch (rows = batch);
 * batch-major: each sequence runs to its end before the next (rows = 1), with its own state row.
 * `reverse` visits the steps of each sequence last to first; the output keeps each step's state at
 * that step's position (as ONNX's reverse direction does).
 */
export function gruSteps(layout: GruLayout): GruStep[] {
  const { timeMajor, batchSize, timeSteps, inputSize, stateSize, reverse, returnSequences } = layout;
  const order = Array.from({ length: timeSteps }, (_, t) => (reverse ? timeSteps - 1 - t : t));
  const steps: GruStep[] = [];
  if (timeMajor) {
    for (const t of order) {
      steps.push({
        rows: batchSize,
        inputOffset: t * batchSize * inputSize,
        outputOffset: returnSequences ? t * batchSize * stateSize : -1,
        stateOffset: 0,
      });
    }
  } else {
    for (let b = 0; b < batchSize; b++) {
      for (const t of order) {
        const position = b * timeSteps + t;
        steps.push({
          rows: 1,
          inputOffset: position * inputSize,
          outputOffset: returnSequences ? position * stateSize : -1,
          stateOffset: b * stateSize,
        });
      }
    }
  }
  return steps;
}

/** MACs of a TD_GRU: steps · batch · 3 · U · (I + U) (biases and the element-wise products not counted). */
export function gruMacsOf(layout: Pick<GruLayout, 'batchSize' | 'timeSteps' | 'inputSize' | 'stateSize'>): number {
  const { batchSize, timeSteps, inputSize, stateSize } = layout;
  return batchSize * timeSteps * 3 * stateSize * (inputSize + stateSize);
}
