/**
 * The op library's contract. Every op TinyDeploy runs is described once, in one file of this
 * folder, by an `OpDefinition`: which builtin types it covers, its capabilities (weights, window,
 * fused activation, the precisions the quantizer may give it), its MACs, and `prepare`, which
 * validates the op against its tensors and computes its *plan*: geometry, padding, folded
 * per-channel multipliers and shifts, activation clamps, precision. The back ends consume the plan
 * and never re-derive it (TFLite Micro's `OpDataConv`, shared by its reference and CMSIS-NN
 * kernels):
 *
 *     ops/<op>.ts          prepare(context) → plan          (validation + parameter folding)
 *     interp/kernels/…     registerKernel(op, (plan) → eval)     (host reference arithmetic)
 *     codegen/ops/…        registerLowerer(op, (plan) → lowering)  (C call, scratch size)
 *
 * so the interpreter and the generated C cannot disagree about what an op means. Passes and
 * analysis read the metadata (`findOp(type)`) instead of keeping op lists of their own.
 *
 * `prepare` is pure and deterministic; it throws through `context.fail`, so the same check
 * becomes an InterpreterError on the host and a CodegenError in the generator, with one text:
 * "op 3 (CONV_2D): <what, which tensor, which value>".
 */
import type { DType, Graph, Op, Tensor, TensorData } from '../ir/types.js';
import { formatShape } from '../ir/tensor.js';
import { printableName } from '../printable.js';

/** What a back end hands to `prepare`: the op in its graph and how to fail. */
export interface OpContext {
  graph: Graph;
  op: Op;
  /** Position of the op in `graph.ops` (errors name it: "op 12 (CONV_2D)"). */
  opIndex: number;
  /** Throws the back end's error class with `op N (TYPE): message`. */
  fail(message: string): never;
}

/** Precisions an op can be quantized to by the quantizer (float32 means: left in float). */
export type Precision = 'int8' | 'int16' | 'float32';

/** A weight input: constant, quantized per channel along `axis` of its own shape. */
export interface WeightInput {
  /** Input slot of the weights. */
  input: number;
  /** Output-channel axis of the weight layout (per-channel quantization runs along it). */
  axis: number;
  /** Input slot of the matching bias, when the op has one. */
  bias?: number;
}

/** Window of a windowed op (its output pixel reads a window of input pixels). */
export interface OpWindow {
  filterHeight: number;
  filterWidth: number;
  strideH: number;
  strideW: number;
  dilationH: number;
  dilationW: number;
  padding: 'same' | 'valid';
  /**
   * Its kernels may run blocks of channels outermost, each block over every pixel in order (the
   * DSP and Helium depthwise kernels do): an output laid over its input must then put every
   * channel of a pixel over the same channel of an input pixel.
   */
  channelBlocks?: boolean;
}

export interface OpDefinition<Plan = unknown> {
  /** Builtin op types this definition covers (one file may cover a family: ADD/SUB/MUL). */
  readonly types: readonly string[];
  /** Inputs the op indexes by position: fewer is a malformed graph. */
  readonly minInputs: number;
  /** Weight inputs (conv filters, FC weights): per-channel quantized, folded into the plan. */
  readonly weights?: readonly WeightInput[];
  /** Whether the op carries a fused `activation` attribute that passes may set. */
  readonly fusedActivation?: boolean;
  /** Precisions the quantizer may produce for the op, in order of preference. */
  readonly precisions: readonly Precision[];
  /**
   * Output may take its input's memory: `alias` (same bytes, e.g. RESHAPE), `elementwise`
   * (output element i written after input element i is read).
   */
  readonly inPlace?: 'alias' | 'elementwise';
  /**
   * The integer kernel does not rescale (it copies, reorders, selects or averages stored values),
   * so a quantized output must carry the encoding of the data it reads: `input` is the slot of the
   * data input whose scale and zero point every output takes (SPLIT's data is input 1), `'all'`
   * when every input is data (PACK, CONCATENATION, MAXIMUM) and inputs and outputs share one encoding.
   */
  readonly preservesQuantization?: { input: number | 'all' };
  /**
   * The op's effect is on state, not on its outputs: it writes a variable tensor it takes as an
   * input (ASSIGN_VARIABLE has no outputs at all), so passes keep it though no graph output reads it.
   */
  readonly updatesState?: boolean;
  /** The op's window when it is a windowed op (conv, depthwise, pools). */
  window?(graph: Graph, op: Op): OpWindow | undefined;
  /** Multiply-accumulates with weights (0 for ops without weights). */
  macs?(graph: Graph, op: Op): number;
  /** Validates the op and computes everything its kernels need. */
  prepare(context: OpContext): Plan;
}

/** "op 3 (CONV_2D)": how errors name an op. */
export function opLabel(op: Op, opIndex: number): string {
  return `op ${opIndex} (${op.type})`;
}

/** An OpContext whose `fail` throws `ErrorClass` with the op's label. */
export function opContext(
  graph: Graph,
  op: Op,
  opIndex: number,
  ErrorClass: new (message: string, data?: Record<string, unknown>) => Error,
): OpContext {
  return {
    graph,
    op,
    opIndex,
    fail(message: string): never {
      throw new ErrorClass(`${opLabel(op, opIndex)}: ${message}`, { opIndex, op: op.type });
    },
  };
}

/** "tensor 3 (conv/weights)": how messages name a tensor (control characters escaped, a name comes from the model file). */
export function tensorName(tensor: Tensor): string {
  return `tensor ${tensor.id} (${printableName(tensor.name)})`;
}

/** The tensor behind input `index`; fails naming the op when it is absent. */
export function inputTensor(context: OpContext, index: number, role = `input ${index}`): Tensor {
  const id = context.op.inputs[index];
  if (id === undefined || id < 0) context.fail(`${role} (input ${index}) is missing`);
  return context.graph.tensors[id];
}

/** The tensor behind an optional input (-1 or beyond the list when absent). */
export function optionalInputTensor(context: OpContext, index: number): Tensor | undefined {
  const id = context.op.inputs[index];
  return id === undefined || id < 0 ? undefined : context.graph.tensors[id];
}

export function outputTensor(context: OpContext, index = 0): Tensor {
  const id = context.op.outputs[index];
  if (id === undefined || id < 0) context.fail(`output ${index} is missing`);
  return context.graph.tensors[id];
}

export function expectDType(context: OpContext, tensor: Tensor, role: string, ...allowed: DType[]): void {
  if (!allowed.includes(tensor.dtype)) {
    context.fail(`${role} ${tensorName(tensor)} is ${tensor.dtype}, expected ${allowed.join(' or ')}`);
  }
}

export function expectRank(context: OpContext, tensor: Tensor, role: string, ...ranks: number[]): void {
  if (!ranks.includes(tensor.shape.length)) {
    context.fail(`${role} ${tensorName(tensor)} has shape ${formatShape(tensor.shape)}, expected rank ${ranks.join(' or ')}`);
  }
}

export function expectShape(context: OpContext, tensor: Tensor, role: string, expected: readonly number[]): void {
  const actual = tensor.shape;
  if (actual.length !== expected.length || actual.some((dim, i) => dim !== expected[i])) {
    context.fail(`${role} ${tensorName(tensor)} has shape ${formatShape(actual)}, expected ${formatShape(expected)}`);
  }
}

/** The data of a constant input; fails when the tensor is an activation or a variable. */
export function expectConstant(context: OpContext, tensor: Tensor, role: string): TensorData {
  if (!tensor.data || tensor.variable) context.fail(`${role} ${tensorName(tensor)} must be a constant`);
  return tensor.data;
}

/** The tensor's input slot value when present: `inputs[i]` of an op, or undefined. */
export function inputId(op: Op, index: number): number | undefined {
  const id = op.inputs[index];
  return id === undefined || id < 0 ? undefined : id;
}
