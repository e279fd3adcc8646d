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
 * Prepares one op and returns its eval closure, following TFLite's prepare/eval split: the op
 * library's `prepare` validates the op once and folds its parameters into a plan (throwing
 * InterpreterError naming the op and the value it refuses); the kernel builds the hot loop's
 * scratch from the plan.
 */
export type KernelPrepare = (context: KernelPrepareContext) => KernelEval;
