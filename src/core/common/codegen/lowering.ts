import { CodegenError } from '../errors.js';
import type { DType, Graph, Op, Tensor, TensorData } from '../ir/types.js';
import { formatShape } from '../ir/tensor.js';
import type { InPlaceKind } from './memory/index.js';
import { opContext, type OpContext, type OpDefinition } from '../ops/index.js';

/**
 * How one op becomes one kernel call. The op library's `prepare` has already checked types,
 * shapes and quantization and folded every parameter into the op's plan (CodegenError naming the
 * op and the value it refuses); a lowerer picks the C kernel for the plan, refuses what no C kernel
 * runs (a precision, grouping), and reports the kernel's scratch size; once the memory plan is
 * known, `emit` prints the call.
 */

export interface LoweringOptions {
  /**
   * Plan scratch for the DSP-optimized kernels (`TD_KERNELS_DSP`), which may need more than the
   * portable ones. Code planned for DSP also runs with the portable kernels; the reverse is
   * refused at compile time by the generated code.
   */
  dsp: boolean;
  /**
   * The target runs the Helium (MVE) kernels (a Cortex-M55), which override the DSP ones kernel by
   * kernel: a lowering whose DSP-only layout has no Helium twin keeps the layout Helium has.
   */
  helium?: boolean;
  /**
   * What a kernel choice that trades code for speed favours (default `size`): `size` takes a faster
   * kernel for a layer only where the model then links no slower twin beside it (one depthwise kernel
   * per model, conv.ts); `speed` gives each layer the fastest kernel for its shape, whatever the
   * model then links.
   */
  optimize?: OptimizeFor;
}

/** The goals `LoweringOptions.optimize` takes, the default first. */
export const optimizeGoals = ['size', 'speed'] as const;

export type OptimizeFor = (typeof optimizeGoals)[number];

/** What the generator knows of a subgraph an op runs (IF, WHILE): planned and lowered on its own. */
export interface SubgraphLowering {
  /** Bytes of the subgraph's own arena (its tensors and its ops' scratch), to be found in the op's scratch. */
  arenaBytes: number;
  /** The kernel functions its ops (and their subgraphs) call. */
  kernels: string[];
}

/** The op being lowered (an OpContext whose `fail` throws CodegenError) and the generator's options. */
export interface LowerContext extends OpContext {
  options: LoweringOptions;
  /** Plans and lowers a subgraph the op runs (the generator caches it for `OpEmitter.subgraph`). */
  subgraph(graph: Graph): SubgraphLowering;
}

/** The LowerContext of op `opIndex`. */
export function lowerContext(graph: Graph, op: Op, opIndex: number, options: LoweringOptions, subgraph?: (graph: Graph) => SubgraphLowering): LowerContext {
  const context = opContext(graph, op, opIndex, CodegenError);
  return { ...context, options, subgraph: subgraph ?? (() => context.fail('subgraphs cannot be lowered here')) };
}

/** A subgraph emitted as a C function whose tensors live at fixed places of the arena. */
export interface EmittedSubgraph {
  /** `td_sgN_run()`: runs the subgraph's ops; a td_status expression. */
  call: string;
  /** C expression of the data of the subgraph's tensor `id` (arena place or flash array). */
  pointer(id: number, access: 'read' | 'write'): string;
}

export interface OpEmitter {
  /** How the memory plan placed this op's output, when it shares its input's memory. */
  inPlace: InPlaceKind | undefined;
  /** C expression of a tensor's data: a cast arena address, or the flash array of a constant. */
  pointer(tensor: Tensor, access: 'read' | 'write'): string;
  /** `&name` of a `static const td_dims` for a shape (NHWC, padded with leading 1s to 4-D). */
  dims(shape: readonly number[], what: string): string;
  /** Declares a `static const` array of parameters for this op and returns its name. */
  array(suffix: string, dtype: DType, values: readonly number[] | TensorData): string;
  /** Declares a `static const <type>` initialised with `initializer` for this op and returns `&name`. */
  struct(suffix: string, type: string, initializer: string): string;
  /** Declares a `static <ctype> *const name[]` of pointers (e.g. the inputs of a concatenation) and returns its name. */
  pointerArray(suffix: string, ctype: string, pointers: readonly string[]): string;
  /** `&name` of this op's scratch context (an empty one when the kernel needs none). */
  context(): string;
  /** Emits a subgraph as a function whose arena starts `offset` bytes into this op's scratch. */
  subgraph(graph: Graph, offset: number): EmittedSubgraph;
  /** Declares `static td_status <name>(void) { body }` for this op and returns its name. */
  function(suffix: string, body: readonly string[]): string;
}

export interface OpLowering {
  /** The kernel functions the call uses; their sources go into a build. */
  kernels: string[];
  /** Bytes of scratch the kernel call needs (its get_buffer_size for the planned variant). */
  scratchBytes: number;
  /**
   * The call writes its output pixels in another order than the windowed-op contract's (memory/windowed.ts: a
   * tiled kernel), so its output must not be placed over its input (default false).
   */
  outputApart?: boolean;
  /** The call, a C expression of type td_status; undefined when the op needs no code (aliased reshape). */
  emit(emitter: OpEmitter): string | undefined;
}

export type Lowerer = (context: LowerContext) => OpLowering;

/** Lowers an op from its plan (the op library's prepare has validated it and folded its parameters). */
export type PlanLowerer<Plan> = (plan: Plan, context: LowerContext) => OpLowering;

const lowerers = new Map<string, Lowerer>();

/**
 * Registers the lowerer of an op definition's types (one call per lowerer file, at top level):
 * prepare is the op library's, run with the generator's error class, then `lower` builds the call.
 */
export function registerLowerer<Plan>(definition: OpDefinition<Plan>, lower: PlanLowerer<Plan>): void {
  for (const type of definition.types) {
    if (lowerers.has(type)) throw new Error(`lowerer for ${type} registered twice`);
    lowerers.set(type, (context) => lower(definition.prepare(context), context));
  }
}

export function findLowerer(type: string): Lowerer | undefined {
  return lowerers.get(type);
}

export function supportedOpTypes(): string[] {
  return [...lowerers.keys()].sort();
}

/** Refuses what no C kernel runs, naming the op: `op 3 (CONV_2D): …`. */
export function fail(context: LowerContext, message: string): never {
  return context.fail(message);
}

// Lowerers read tensors with the op library's accessors (same checks, same texts).
export { expectConstant, inputTensor as input, optionalInputTensor as optionalInput, outputTensor as output, tensorName } from '../ops/op.js';

/** A shape as 4-D NHWC with leading 1s (the kernels' td_dims). */
export function dims4(context: LowerContext, shape: readonly number[], what: string): [number, number, number, number] {
  if (shape.length > 4) fail(context, `${what} has shape ${formatShape(shape)}: the kernels take at most 4 dimensions`);
  const padded = [...new Array<number>(4 - shape.length).fill(1), ...shape];
  return [padded[0], padded[1], padded[2], padded[3]];
}

export function tile(h: number, w: number): string {
  return `{${h}, ${w}}`;
}
