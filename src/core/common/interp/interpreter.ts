import { InterpreterError } from '../errors.js';
import type { Graph, Tensor, TensorData } from '../ir/types.js';
import { allocateData, elementCount, formatShape, tensorBytes } from '../ir/tensor.js';
import { printableName } from '../printable.js';
import { findOp } from '../ops/index.js';
import type { KernelEval } from './kernel.js';
import { findKernel } from './registry.js';
import './kernels/index.js';

export interface InterpreterOptions {
  /**
   * `reset` (default): variable tensors (LSTM state) start from their initial value on every
   * run, so each inference is independent. `streaming`: state carries over between runs, as
   * TFLite's reference kernel keeps it; call `resetState()` to start a new sequence.
   */
  state?: 'reset' | 'streaming';
  /**
   * Most bytes the graph's non-constant tensors (inputs, activations, outputs, state) may take
   * together; the interpreter keeps every one of them during a run. Checked before anything is
   * allocated. Default `DEFAULT_MEMORY_BUDGET_BYTES`.
   */
  memoryBudgetBytes?: number;
}

/**
 * 1 GiB: far more than any microcontroller model needs, far less than what makes the host swap
 * or the process die. A crafted 300-byte model can declare activations of many gigabytes.
 */
export const DEFAULT_MEMORY_BUDGET_BYTES = 2 ** 30;

export interface RunOptions {
  /** Keep every intermediate tensor in the result (per-layer comparison). */
  keepIntermediates?: boolean;
}

export interface RunResult {
  outputs: TensorData[];
  /** Every tensor's value after the run, by tensor id, when asked for. */
  tensors?: Map<number, TensorData>;
}

/**
 * TinyDeploy's host reference interpreter: runs a graph op by op with kernels that are
 * bit-exact with TFLite Micro's reference kernels for int8 and use float32 arithmetic for
 * float. Prepare happens once in the constructor; `run` only evaluates.
 */
export class Interpreter {
  readonly graph: Graph;
  private readonly evals: KernelEval[];
  private readonly values: (TensorData | undefined)[];
  private readonly stateMode: 'reset' | 'streaming';

  constructor(graph: Graph, options: InterpreterOptions = {}) {
    this.graph = graph;
    this.stateMode = options.state ?? 'reset';
    const unsupported = unsupportedOps(graph);
    if (unsupported.length > 0) {
      throw new InterpreterError(
        `unsupported op${unsupported.length > 1 ? 's' : ''}: ${unsupported
          .map((u) => `${u.type} (op ${u.indices.join(', ')})`)
          .join('; ')}`,
        { unsupported },
      );
    }
    checkOutputs(graph);
    checkMemoryPlan(graph, options.memoryBudgetBytes ?? DEFAULT_MEMORY_BUDGET_BYTES);
    this.values = graph.tensors.map((tensor) => tensor.data);
    this.evals = graph.ops.map((op, opIndex) => findKernel(op.type)!({ graph, op, opIndex }));
    this.resetState();
  }

  /**
   * Puts every variable tensor (LSTM state, resource variables) back to its initial value: the
   * tensor's data when it has some (a resource variable's value from the model's init subgraph,
   * as the generated C's td_model_reset_state does), otherwise as TFLite Micro's
   * ResetVariableTensors does: int8 state is filled with its zero point, any other type with zeros.
   */
  resetState(): void {
    for (const tensor of this.graph.tensors) {
      if (!tensor.variable) continue;
      const initial = allocateData(tensor.dtype, elementCount(tensor.shape));
      if (tensor.data && tensor.data.length === initial.length) initial.set(tensor.data as never);
      else if (tensor.dtype === 'int8') initial.fill((tensor.quantization?.zeroPoint[0] ?? 0) as never);
      this.values[tensor.id] = initial;
    }
  }

  /** One inference. Inputs are typed arrays of each graph input's dtype and element count. */
  run(inputs: readonly TensorData[], options: RunOptions = {}): RunResult {
    const values = this.execute(inputs, this.graph.ops.length - 1);
    const result: RunResult = { outputs: this.graph.outputs.map((id) => values[id]!) };
    if (options.keepIntermediates) result.tensors = valueMap(values);
    return result;
  }

  /**
   * Runs ops 0 … `lastOp` only (what a board does for RUN with a last op) and returns every
   * tensor's value after them, constants included (tensors of later ops keep what an earlier run
   * left). `onOp` is called before and after each op
   * (per-op timing); an exception a kernel throws propagates, and `onOp`'s last "begin" names
   * the op that threw. State follows the interpreter's mode, as in `run`.
   */
  runUpTo(inputs: readonly TensorData[], lastOp: number, onOp?: (opIndex: number, phase: 'begin' | 'end') => void): Map<number, TensorData> {
    if (!Number.isInteger(lastOp) || lastOp < -1 || lastOp >= this.graph.ops.length) {
      throw new InterpreterError(`last op ${lastOp} is outside the graph's ${this.graph.ops.length} ops`);
    }
    return valueMap(this.execute(inputs, lastOp, onOp));
  }

  private execute(inputs: readonly TensorData[], lastOp: number, onOp?: (opIndex: number, phase: 'begin' | 'end') => void): (TensorData | undefined)[] {
    const { graph, values } = this;
    if (inputs.length !== graph.inputs.length) {
      throw new InterpreterError(`model has ${graph.inputs.length} input(s), got ${inputs.length}`);
    }
    if (this.stateMode === 'reset') this.resetState();
    graph.inputs.forEach((id, i) => {
      values[id] = checkInput(graph.tensors[id], inputs[i], i);
    });
    for (let opIndex = 0; opIndex <= lastOp; opIndex++) {
      const op = graph.ops[opIndex];
      const outputs = op.outputs.map((id) => {
        const tensor = graph.tensors[id];
        const value = allocateData(tensor.dtype, elementCount(tensor.shape));
        values[id] = value;
        return value;
      });
      const opInputs = op.inputs.map((id) => (id < 0 ? undefined : values[id]));
      opInputs.forEach((value, i) => {
        if (value === undefined && op.inputs[i] >= 0) {
          throw new InterpreterError(`op ${opIndex} (${op.type}) input ${i} (tensor ${op.inputs[i]}) has no value`, { op: opIndex, tensor: op.inputs[i] });
        }
      });
      onOp?.(opIndex, 'begin');
      this.evals[opIndex](opInputs, outputs);
      onOp?.(opIndex, 'end');
    }
    return values;
  }
}

function valueMap(values: readonly (TensorData | undefined)[]): Map<number, TensorData> {
  const map = new Map<number, TensorData>();
  values.forEach((value, id) => {
    if (value) map.set(id, value);
  });
  return map;
}

/**
 * A graph without outputs, or an op without outputs, has nothing to compute (kernels write
 * their first output): refused up front rather than failing inside `run`.
 */
function checkOutputs(graph: Graph): void {
  if (graph.outputs.length === 0) {
    throw new InterpreterError(`graph ${printableName(graph.name)} has no outputs: there is nothing to run`, { graph: graph.name });
  }
  const op = graph.ops.findIndex((candidate) => candidate.outputs.length === 0 && !findOp(candidate.type)?.updatesState);
  if (op >= 0) {
    throw new InterpreterError(`op ${op} (${graph.ops[op].type}) has no outputs`, { op });
  }
}

/**
 * The interpreter keeps every non-constant tensor for the whole run (intermediates can be
 * returned), so their sum is its peak: refuse before allocating when it passes the budget.
 */
function checkMemoryPlan(graph: Graph, budget: number): void {
  let total = 0;
  let largest: Tensor | undefined;
  for (const tensor of graph.tensors) {
    if (tensor.data && !tensor.variable) continue;
    const bytes = tensorBytes(tensor);
    total += bytes;
    if (!largest || bytes > tensorBytes(largest)) largest = tensor;
  }
  if (total > budget) {
    throw new InterpreterError(
      `graph ${printableName(graph.name)} needs ${total} bytes for its inputs, activations and outputs, more than the interpreter's ` +
        `memory budget of ${budget} bytes (largest: tensor ${largest!.id} (${printableName(largest!.name)}) ${largest!.dtype} ` +
        `${formatShape(largest!.shape)} = ${tensorBytes(largest!)} bytes)`,
      { bytes: total, budget, tensor: largest!.id },
    );
  }
}

function checkInput(tensor: Tensor, value: TensorData | undefined, index: number): TensorData {
  const expected = allocateData(tensor.dtype, 0);
  if (!value || value.constructor !== expected.constructor) {
    throw new InterpreterError(
      `input ${index} (${printableName(tensor.name)}) must be ${tensor.dtype}, got ${value ? value.constructor.name : 'nothing'}`,
    );
  }
  const count = elementCount(tensor.shape);
  if (value.length !== count) {
    throw new InterpreterError(
      `input ${index} (${printableName(tensor.name)}) has shape ${formatShape(tensor.shape)} = ${count} elements, got ${value.length}`,
    );
  }
  return value;
}

/** Op types in the graph that have no host kernel, with the op indices that use them. */
export function unsupportedOps(graph: Graph): { type: string; indices: number[] }[] {
  const byType = new Map<string, number[]>();
  graph.ops.forEach((op, index) => {
    if (findKernel(op.type)) return;
    const name = op.type === 'CUSTOM' && 'customCode' in op && op.customCode ? `CUSTOM:${op.customCode}` : op.type;
    byType.set(name, [...(byType.get(name) ?? []), index]);
  });
  return [...byType].map(([type, indices]) => ({ type, indices }));
}
