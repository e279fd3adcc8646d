import type { Graph, Op, TensorData } from '../ir/types.js';

/**
 * Runs one op once everything is prepared. `inputs[i]` is the value of `op.inputs[i]`
 * (undefined for an absent optional input); variable tensors (LSTM state) arrive as inputs
 * and are updated in place. `outputs[i]` is preallocated with the output tensor's dtype and size.
 */
export type KernelEval = (inputs: readonly (TensorData | undefined)[], outputs: TensorData[]) => void;

export interface KernelPrepareContext {
  graph: Graph;
  op: Op;
  /** Position of the op in `graph.ops` (for error messages: "op 12 (CONV_2D)"). */
  opIndex: number;
}

/**
 * Prepare validates the op once (types, shapes, quantization), precomputes what the hot loop
 * needs (multipliers, shifts, lookup tables) and returns the eval closure, following TFLite's
 * prepare/eval split. It throws InterpreterError naming the op and the value it refuses.
 */
export type KernelPrepare = (context: KernelPrepareContext) => KernelEval;
