import { CodegenError } from '../errors.js';
import type { DType, Graph, Tensor, TensorData } from '../ir/types.js';
import { elementCount, formatShape, tensorBytes } from '../ir/tensor.js';
import { cElements, cFloat, commentText, cType, wrapList } from './c-source.js';
import { dequantizeHybridWeights } from './hybrid.js';
import { findLowerer, lowerContext, type EmittedSubgraph, type LoweringOptions, type OpEmitter, type OpLowering, type OptimizeFor, type SubgraphLowering } from './lowering.js';
import { planGraphMemory, type GraphMemoryPlan, type InPlaceKind, type MemoryPlanner } from './memory/index.js';
import { findResidualBandBlocks, lowerResidualBandBlock, planningGraph } from './residual-bands.js';
import { scheduleForArena } from './schedule.js';
import './ops/index.js';

/**
 * The C generator: a Graph becomes `model.h` and `model.c`, plain C99 that calls the kernel
 * library (firmware/kernels/include/td_kernels.h) once per op. Weights are `const` arrays (flash),
 * activations, state and scratch share one static arena laid out by the memory planner, and every
 * parameter (multipliers, shifts, offsets, clamps, padding) is folded here on the host, so the
 * device runs no set-up code. All checks happen here: a graph the kernels cannot run is a
 * CodegenError naming the op and the value, never C that misbehaves.
 *
 * The generated API (model.h): `td_model_input(i)` / `td_model_output(i)` and their byte sizes,
 * `td_model_run()` returning a td_status (the failing op in `td_model_failed_op()`), and
 * `td_model_reset_state()` for models with state (LSTM). Each run starts from fresh state unless
 * `TD_MODEL_KEEP_STATE` is defined (streaming). `TD_OP_BEGIN(i)` / `TD_OP_END(i)` wrap op i's
 * call: define them (or `TD_MODEL_HOOKS_HEADER`, a header defining them) to time each op.
 */

/** Version of the generated code's layout and API; bumped on any incompatible change. */
export const generatorVersion = 2;

/** The td_kernels.h API (TD_KERNELS_API_VERSION) the lowerers emit calls for. */
export const kernelsApiVersion = 3;

export interface GenerateOptions {
  /** Name of the model in the generated header (default: the graph's name). */
  modelName?: string;
  /** Content hash of the model file, e.g. `sha256:3f…` (default: an FNV-1a hash of the graph). */
  modelHash?: string;
  /** Plan scratch for the DSP-optimized kernels (default true: the result then runs with either variant). */
  dsp?: boolean;
  /** The target runs the Helium (MVE) kernels (kernelVariantOf: a Cortex-M55 with MVE); default false. */
  helium?: boolean;
  /**
   * `size` (default): a faster kernel only where the model links no slower twin beside it (less
   * code); `speed`: each layer its fastest kernel, whatever the model then links (LoweringOptions).
   */
  optimize?: OptimizeFor;
  planner?: MemoryPlanner;
  /** In-place reuse in the memory plan (default true). */
  inPlace?: boolean;
  /** Run residual blocks of two 3x3 convolutions row by row (residual-bands.ts; default: with `inPlace`). */
  residualBands?: boolean;
  /** Reorder ops for a smaller arena (schedule.ts; default: with `inPlace`). */
  schedule?: boolean;
}

export interface GeneratedTensor {
  /** Position among the model's inputs or outputs. */
  index: number;
  tensor: number;
  name: string;
  dtype: DType;
  shape: number[];
  bytes: number;
  /** Arena offset (inputs and outputs always live in the arena, unless an output is a constant). */
  offset: number | undefined;
  scale?: number;
  zeroPoint?: number;
}

export interface GeneratedOp {
  index: number;
  type: string;
  /** Kernel function called; undefined when the op emits no code (aliased reshape). */
  kernel: string | undefined;
  scratchBytes: number;
}

export interface GeneratedModel {
  /** The graph the C code implements (the input graph, hybrid weights dequantized): the host reference for checking a board. */
  graph: Graph;
  /** model.h */
  header: string;
  /** model.c */
  source: string;
  modelName: string;
  modelHash: string;
  arenaBytes: number;
  /** Bytes of the model's constant tensors as emitted (weights, biases; dequantized for hybrids). */
  weightBytes: number;
  /**
   * Bytes of the derived parameter arrays (per-channel multipliers and shifts, folded biases,
   * lookup tables, copy sizes), each distinct array once: ops whose arrays are equal share one.
   */
  parameterBytes: number;
  /** Every kernel function the code calls, sorted. */
  kernels: string[];
  memory: GraphMemoryPlan;
  ops: GeneratedOp[];
  inputs: GeneratedTensor[];
  outputs: GeneratedTensor[];
  /** Input tensors (by original id) replaced by dequantized float copies: a hybrid model. */
  dequantizedWeights: number[];
}

/** Prefix of the weight arrays' symbols: build reports count their ELF sizes as weights. */
export const weightSymbolPrefix = 'td_weights_';

/** Generates model.h and model.c for `graph` (see the module comment for the contract). */
export function generateModel(original: Graph, options: GenerateOptions = {}): GeneratedModel {
  const { graph: imported, dequantized } = dequantizeHybridWeights(original);
  const modelName = options.modelName ?? imported.name;
  const modelHash = options.modelHash ?? graphHash(original);
  checkSupported(imported);
  for (const id of [...imported.inputs, ...imported.outputs]) {
    const tensor = imported.tensors[id];
    cType(tensor.dtype, `model ${imported.inputs.includes(id) ? 'input' : 'output'} tensor ${id} (${tensor.name})`);
  }

  const loweringOptions: LoweringOptions = { dsp: options.dsp ?? true, helium: options.helium ?? false, optimize: options.optimize ?? 'size' };
  const subgraphs = new Subgraphs(loweringOptions, options);
  const plan = (graph: Graph) => {
    const lowerings: OpLowering[] = graph.ops.map((op, opIndex) => {
      const context = lowerContext(graph, op, opIndex, loweringOptions, (nested) => subgraphs.lowering(nested));
      return findLowerer(op.type)!(context);
    });
    const bands = (options.residualBands ?? options.inPlace ?? true) ? findResidualBandBlocks(graph, loweringOptions) : [];
    for (const block of bands) lowerings.splice(block.conv1, 3, ...lowerResidualBandBlock(graph, block, loweringOptions));
    const memory = planGraphMemory(planningGraph(graph, bands), {
      planner: options.planner,
      inPlace: options.inPlace,
      scratchBytes: lowerings.map((lowering) => lowering.scratchBytes),
      outputApart: lowerings.map((lowering) => lowering.outputApart === true),
    });
    return { lowerings, memory };
  };
  // The op order with the smallest arena (schedule.ts); the returned graph is in that order.
  const graph = (options.schedule ?? options.inPlace ?? true) ? scheduleForArena(imported, (trial) => plan(trial).memory.arenaBytes) : imported;
  const { lowerings, memory } = plan(graph);

  const writer = new SourceWriter(graph, memory, subgraphs);
  const calls = lowerings.map((lowering, opIndex) => {
    const decision = memory.inPlace.find((d) => d.opIndex === opIndex);
    return writer.emitOp(opIndex, lowering, decision?.kind);
  });

  const describe = (id: number, index: number): GeneratedTensor => {
    const tensor = graph.tensors[id];
    const q = tensor.quantization;
    return {
      index,
      tensor: id,
      name: tensor.name,
      dtype: tensor.dtype,
      shape: [...tensor.shape],
      bytes: tensorBytes(tensor),
      offset: memory.tensorOffsets.get(id),
      ...(q && q.scale.length === 1 ? { scale: q.scale[0], zeroPoint: q.zeroPoint[0] ?? 0 } : {}),
    };
  };
  const inputs = graph.inputs.map(describe);
  const outputs = graph.outputs.map(describe);
  const ops: GeneratedOp[] = lowerings.map((lowering, index) => ({
    index,
    type: graph.ops[index].type,
    kernel: calls[index] === undefined ? undefined : lowering.kernels[0],
    scratchBytes: lowering.scratchBytes,
  }));
  const kernels = [...new Set(lowerings.flatMap((lowering, index) => (calls[index] === undefined ? [] : lowering.kernels)))].sort();
  const banner = generatedBanner(modelName, modelHash, original);

  const header = emitHeader(banner, modelName, modelHash, memory, graph, inputs, outputs);
  const source = emitSource(banner, graph, memory, writer, calls, inputs, outputs);
  return {
    graph,
    header,
    source,
    modelName,
    modelHash,
    arenaBytes: memory.arenaBytes,
    weightBytes: writer.weightBytes,
    parameterBytes: writer.parameterBytes,
    kernels,
    memory,
    ops,
    inputs,
    outputs,
    dequantizedWeights: dequantized,
  };
}

/**
 * The subgraphs IF and WHILE run, each lowered and planned once (its own arena, placed inside the
 * op's scratch) and emitted as a `static td_status td_sgN_run(void)` function.
 */
class Subgraphs {
  private readonly planned = new Map<Graph, { lowerings: OpLowering[]; memory: GraphMemoryPlan; kernels: string[] }>();
  count = 0;

  constructor(
    readonly loweringOptions: LoweringOptions,
    private readonly options: GenerateOptions,
  ) {}

  plan(graph: Graph) {
    let planned = this.planned.get(graph);
    if (planned) return planned;
    checkSupported(graph, `subgraph ${commentText(graph.name)}: `);
    const lowerings = graph.ops.map((op, opIndex) => findLowerer(op.type)!(lowerContext(graph, op, opIndex, this.loweringOptions, (nested) => this.lowering(nested))));
    const memory = planGraphMemory(graph, {
      planner: this.options.planner,
      inPlace: this.options.inPlace,
      scratchBytes: lowerings.map((lowering) => lowering.scratchBytes),
      outputApart: lowerings.map((lowering) => lowering.outputApart === true),
    });
    planned = { lowerings, memory, kernels: [...new Set(lowerings.flatMap((lowering) => lowering.kernels))] };
    this.planned.set(graph, planned);
    return planned;
  }

  lowering(graph: Graph): SubgraphLowering {
    const { memory, kernels } = this.plan(graph);
    return { arenaBytes: memory.arenaBytes, kernels };
  }
}

function checkSupported(graph: Graph, where = ''): void {
  const missing = new Map<string, number[]>();
  graph.ops.forEach((op, index) => {
    if (findLowerer(op.type)) return;
    const name = op.type === 'CUSTOM' && 'customCode' in op && op.customCode ? `CUSTOM:${op.customCode}` : op.type;
    missing.set(name, [...(missing.get(name) ?? []), index]);
  });
  if (missing.size > 0) {
    const list = [...missing].map(([type, indices]) => `${type} (op ${indices.join(', ')})`).join('; ');
    throw new CodegenError(`${where}the C generator has no kernel for: ${list}`, { unsupported: [...missing.keys()] });
  }
}

/** Collects the file-scope declarations while ops are emitted, deduplicating shapes and weights. */
class SourceWriter {
  readonly weights: string[] = [];
  readonly declarations: string[] = [];
  weightBytes = 0;
  parameterBytes = 0;
  private readonly emittedWeights = new Set<number>();
  private readonly emittedDims = new Set<string>();
  private readonly dimsDeclarations: string[] = [];
  /** Parameter arrays already declared (C type and values → name): an op with the same array uses that one. */
  private readonly emittedArrays = new Map<string, string>();
  usesNoScratch = false;
  /** The main graph's writer, which collects every declaration (itself for the main graph). */
  private readonly root: SourceWriter;

  /**
   * `scope` is given for a subgraph: its symbols' prefix (`sg0_`), where its arena starts in the
   * model's arena, and the main graph's writer.
   */
  constructor(
    private readonly graph: Graph,
    private readonly memory: GraphMemoryPlan,
    private readonly subgraphs: Subgraphs,
    private readonly scope: { prefix: string; base: number; root: SourceWriter } = { prefix: '', base: 0, root: undefined as never },
  ) {
    this.root = scope.root ?? this;
  }

  get dims(): string[] {
    return this.dimsDeclarations;
  }

  /** Emits `graph` as `static td_status td_sgN_run(void)` with its arena at `base` (see Subgraphs). */
  private emitSubgraph(graph: Graph, base: number): EmittedSubgraph {
    const { lowerings, memory } = this.subgraphs.plan(graph);
    const prefix = `sg${this.subgraphs.count++}_`;
    const child = new SourceWriter(graph, memory, this.subgraphs, { prefix, base, root: this.root });
    const name = `td_${prefix}run`;
    const body = [`/* subgraph ${commentText(graph.name)}: ${graph.ops.length} ops, arena [${base}, ${base + memory.arenaBytes}) */`, `static td_status ${name}(void) {`, '  td_status status = TD_OK;'];
    lowerings.forEach((lowering, opIndex) => {
      const call = child.emitOp(opIndex, lowering, memory.inPlace.find((d) => d.opIndex === opIndex)?.kind);
      body.push(`  /* op ${opIndex}: ${graph.ops[opIndex].type} */`);
      if (call !== undefined) body.push(`  status = ${call};`, '  if (status != TD_OK) return status;');
    });
    body.push('  return status;', '}');
    this.root.declarations.push(body.join('\n'));
    return { call: `${name}()`, pointer: (id, access) => child.pointer(graph.tensors[id], access, 0) };
  }

  emitOp(opIndex: number, lowering: OpLowering, inPlace: InPlaceKind | undefined): string | undefined {
    const op = this.graph.ops[opIndex];
    const prefix = `td_${this.scope.prefix}op${opIndex}_`;
    const root = this.root;
    const local: string[] = [];
    // This op's arrays become shareable once its declarations are in the file (after the ones
    // of any subgraph it emits), so a reused name is always declared before its use.
    const declaredHere = new Map<string, string>();
    const emitter: OpEmitter = {
      inPlace,
      pointer: (tensor, access) => this.pointer(tensor, access, opIndex),
      dims: (shape) => this.declareDims(shape),
      array: (suffix, dtype, values) => {
        const name = `${prefix}${suffix}`;
        const ctype = cType(dtype, name);
        const elements = cElements(values, dtype, name);
        const key = `${ctype}[${values.length}]{${elements.join(',')}}`;
        const earlier = root.emittedArrays.get(key);
        if (earlier !== undefined) return earlier;
        local.push(`static const ${ctype} ${name}[${Math.max(1, values.length)}] = {\n${wrapList(elements)}\n};`);
        root.parameterBytes += values.length * byteSize(dtype);
        if (!declaredHere.has(key)) declaredHere.set(key, name);
        return name;
      },
      struct: (suffix, type, initializer) => {
        const name = `${prefix}${suffix}`;
        local.push(`static const ${type} ${name} = ${initializer};`);
        return `&${name}`;
      },
      pointerArray: (suffix, ctype, pointers) => {
        const name = `${prefix}${suffix}`;
        local.push(`static ${ctype} *const ${name}[${pointers.length}] = {${pointers.join(', ')}};`);
        return name;
      },
      context: () => {
        const scratch = this.memory.scratch.get(opIndex);
        if (!scratch) {
          root.usesNoScratch = true;
          return '&td_no_scratch';
        }
        local.push(`static const td_context ${prefix}context = {&td_arena[${this.scope.base + scratch.offset}], ${scratch.bytes}};`);
        return `&${prefix}context`;
      },
      subgraph: (graph, offset) => {
        const scratch = this.memory.scratch.get(opIndex);
        if (!scratch) throw new CodegenError(`op ${opIndex} (${op.type}) runs a subgraph but has no scratch to place it in`);
        return this.emitSubgraph(graph, this.scope.base + scratch.offset + offset);
      },
      function: (suffix, body) => {
        const name = `${prefix}${suffix}`;
        local.push(`static td_status ${name}(void) {\n${body.map((line) => `  ${line}`).join('\n')}\n}`);
        return name;
      },
    };
    const call = lowering.emit(emitter);
    if (local.length > 0) {
      root.declarations.push(`/* ${this.scope.prefix ? `subgraph ${commentText(this.graph.name)} ` : ''}op ${opIndex}: ${op.type} */\n${local.join('\n')}`);
    }
    for (const [key, name] of declaredHere) root.emittedArrays.set(key, name);
    return call;
  }

  private pointer(tensor: Tensor, access: 'read' | 'write', opIndex: number): string {
    const where = `${this.scope.prefix ? `subgraph ${this.graph.name} ` : ''}op ${opIndex} (${this.graph.ops[opIndex]?.type})`;
    const ctype = cType(tensor.dtype, `${where}: tensor ${tensor.id} (${tensor.name})`);
    const planned = this.memory.tensorOffsets.get(tensor.id);
    if (planned !== undefined) {
      const offset = this.scope.base + planned;
      return access === 'read' ? `((const ${ctype} *)&td_arena[${offset}])` : `((${ctype} *)&td_arena[${offset}])`;
    }
    if (!tensor.data) {
      throw new CodegenError(`${where}: tensor ${tensor.id} (${tensor.name}) has neither data nor an arena place`);
    }
    if (access === 'write') {
      throw new CodegenError(`${where} writes constant tensor ${tensor.id} (${tensor.name})`);
    }
    return this.declareWeights(tensor, ctype);
  }

  private declareWeights(tensor: Tensor, ctype: string): string {
    const name = `${weightSymbolPrefix}${this.scope.prefix}t${tensor.id}`;
    if (this.emittedWeights.has(tensor.id)) return name;
    this.emittedWeights.add(tensor.id);
    const data = tensor.data as TensorData;
    const count = elementCount(tensor.shape);
    if (data.length !== count) {
      throw new CodegenError(`tensor ${tensor.id} (${tensor.name}) has shape ${formatShape(tensor.shape)} but ${data.length} values`);
    }
    const q = tensor.quantization;
    const quantNote = q && q.scale.length > 0 ? (q.scale.length === 1 ? `, scale ${q.scale[0]}, zero point ${q.zeroPoint[0] ?? 0}` : `, ${q.scale.length} scales along axis ${q.axis}`) : '';
    this.root.weights.push(
      `/* ${this.scope.prefix ? `subgraph ${commentText(this.graph.name)} ` : ''}tensor ${tensor.id}: ${commentText(tensor.name)}, ${tensor.dtype} ${formatShape(tensor.shape)}${quantNote} */\n` +
        `static const ${ctype} ${name}[${Math.max(1, count)}] TD_ALIGNED(16) = {\n${wrapList(cElements(data, tensor.dtype, name))}\n};`,
    );
    this.root.weightBytes += tensorBytes(tensor);
    return name;
  }

  private declareDims(shape: readonly number[]): string {
    if (shape.length > 4) throw new CodegenError(`shape ${formatShape(shape)} has more than 4 dimensions`);
    const padded = [...new Array<number>(4 - shape.length).fill(1), ...shape];
    const name = `td_dims_${padded.join('x')}`;
    if (!this.root.emittedDims.has(name)) {
      this.root.emittedDims.add(name);
      this.root.dimsDeclarations.push(`static const td_dims ${name} = {${padded.join(', ')}};`);
    }
    return `&${name}`;
  }
}

function byteSize(dtype: DType): number {
  return dtype === 'int8' || dtype === 'uint8' ? 1 : dtype === 'int16' ? 2 : 4;
}

/** FNV-1a (32-bit) over the graph's structure and constant bytes: names the model when no file hash is given. */
export function graphHash(graph: Graph): string {
  let hash = 0x811c9dc5;
  const addByte = (byte: number) => {
    hash = Math.imul(hash ^ byte, 0x01000193);
  };
  const addText = (text: string) => {
    for (let i = 0; i < text.length; i++) {
      const code = text.charCodeAt(i);
      addByte(code & 0xff);
      addByte(code >>> 8);
    }
  };
  addText(JSON.stringify({ ops: graph.ops.map((op) => [op.type, op.inputs, op.outputs, op.attrs]), inputs: graph.inputs, outputs: graph.outputs }));
  for (const tensor of graph.tensors) {
    addText(JSON.stringify([tensor.dtype, tensor.shape, tensor.quantization ?? null]));
    if (tensor.data) {
      const bytes = new Uint8Array(tensor.data.buffer, tensor.data.byteOffset, tensor.data.byteLength);
      for (let i = 0; i < bytes.length; i++) addByte(bytes[i]);
    }
  }
  return `fnv1a32:${(hash >>> 0).toString(16).padStart(8, '0')}`;
}

function generatedBanner(modelName: string, modelHash: string, graph: Graph): string {
  return [
    '/*',
    ` * Generated by TinyDeploy (C generator v${generatorVersion}) from model "${commentText(modelName)}" (${commentText(modelHash)}).`,
    ` * ${graph.ops.length} ops, ${graph.tensors.length} tensors${graph.source?.format ? `, imported from ${commentText(graph.source.format)}` : ''}.`,
    ' * Do not edit: regenerate with `tinydeploy build` (src/core/common/codegen).',
    ' */',
  ].join('\n');
}

function cString(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/[\u0000-\u001f\u007f]/g, ' ')}"`;
}

/** TFLite's TensorType codes (schema.fbs), as the tensor table and the profiler protocol carry them. */
const tfliteTypeCodes: Record<DType, number> = { float32: 0, float16: 1, int32: 2, uint8: 3, int64: 4, string: 5, bool: 6, int16: 7, int8: 9, uint32: 16 };

function tensorTable(graph: Graph, memory: GraphMemoryPlan): string[] {
  const entries = [...memory.tensorOffsets]
    .sort((a, b) => a[0] - b[0])
    .map(([id, offset]) => `    {${id}, ${tfliteTypeCodes[graph.tensors[id].dtype]}, ${tensorBytes(graph.tensors[id])}, &td_arena[${offset}]},`);
  return [
    'const td_model_tensor_entry *td_model_tensor_table(void) {',
    `  static const td_model_tensor_entry table[${Math.max(1, entries.length)}] = {`,
    ...(entries.length > 0 ? entries : ['    {0, 0, 0, NULL},']),
    '  };',
    '  return table;',
    '}',
  ];
}

function tensorMacros(kind: 'INPUT' | 'OUTPUT', tensor: GeneratedTensor): string[] {
  const base = `TD_MODEL_${kind}${tensor.index}`;
  const lines = [
    `#define ${base}_TENSOR ${tensor.tensor}`,
    `#define ${base}_BYTES ${tensor.bytes}`,
    `#define ${base}_DTYPE ${cString(tensor.dtype)}`,
    `#define ${base}_SHAPE {${tensor.shape.join(', ')}}`,
  ];
  if (tensor.scale !== undefined) {
    lines.push(`#define ${base}_SCALE ${cFloat(tensor.scale)}`, `#define ${base}_ZERO_POINT ${tensor.zeroPoint}`);
  }
  return lines;
}

function emitHeader(
  banner: string,
  modelName: string,
  modelHash: string,
  memory: GraphMemoryPlan,
  graph: Graph,
  inputs: GeneratedTensor[],
  outputs: GeneratedTensor[],
): string {
  const lines = [
    banner,
    '#ifndef TD_MODEL_H',
    '#define TD_MODEL_H',
    '',
    '#include <stdint.h>',
    '',
    '#include "td_kernels.h"',
    '',
    '#ifdef __cplusplus',
    'extern "C" {',
    '#endif',
    '',
    `#define TD_MODEL_NAME ${cString(modelName)}`,
    `#define TD_MODEL_HASH ${cString(modelHash)}`,
    `#define TD_MODEL_GENERATOR_VERSION ${generatorVersion}`,
    `/* Bytes of the static arena (activations, state, kernel scratch), planned by ${commentText(memory.strategy)}. */`,
    `#define TD_MODEL_ARENA_BYTES ${memory.arenaBytes}`,
    `#define TD_MODEL_OP_COUNT ${graph.ops.length}`,
    `/* Op types in execution order, for per-op reports: const char *const names[] = TD_MODEL_OP_TYPES; */`,
    `#define TD_MODEL_OP_TYPES {${graph.ops.map((op) => cString(op.type)).join(', ')}}`,
    `#define TD_MODEL_INPUT_COUNT ${inputs.length}`,
    `#define TD_MODEL_OUTPUT_COUNT ${outputs.length}`,
    ...inputs.flatMap((tensor) => tensorMacros('INPUT', tensor)),
    ...outputs.flatMap((tensor) => tensorMacros('OUTPUT', tensor)),
    '/* 1 when the model has variable tensors (LSTM state) that carry over between runs. */',
    `#define TD_MODEL_HAS_STATE ${graph.tensors.some((tensor) => tensor.variable && memory.tensorOffsets.has(tensor.id)) ? 1 : 0}`,
    '',
    '/*',
    ' * Every tensor that lives in the arena, by its index in the source model: where its bytes are',
    ' * during and after a run (memory is reused, so a tensor holds its value only until the planner',
    ' * gives its bytes to a later one). dtype is the TFLite TensorType code (int8 = 9, float32 = 0).',
    ' */',
    'typedef struct {',
    '  uint16_t tensor_id;',
    '  uint8_t dtype;',
    '  uint32_t bytes;',
    '  const void *address;',
    '} td_model_tensor_entry;',
    `#define TD_MODEL_TENSOR_TABLE_COUNT ${memory.tensorOffsets.size}`,
    'const td_model_tensor_entry *td_model_tensor_table(void);',
    '',
    '/* Where input `index` is written before td_model_run() (NULL for an index out of range). */',
    'void *td_model_input(int32_t index);',
    'int32_t td_model_input_bytes(int32_t index);',
    '/* Where output `index` is read after td_model_run() (NULL for an index out of range). */',
    'const void *td_model_output(int32_t index);',
    'int32_t td_model_output_bytes(int32_t index);',
    '',
    '/*',
    ' * One inference. Returns TD_OK, or the status of the first kernel that failed (its op index',
    ' * is then in td_model_failed_op()). Starts from fresh state unless TD_MODEL_KEEP_STATE is',
    ' * defined when compiling model.c.',
    ' */',
    'td_status td_model_run(void);',
    '/* Index of the op whose kernel failed in the last td_model_run(), or -1. */',
    'int32_t td_model_failed_op(void);',
    '/* Puts the state (LSTM hidden and cell state) back to its initial value. */',
    'void td_model_reset_state(void);',
    '',
    '#ifdef __cplusplus',
    '}',
    '#endif',
    '',
    '#endif /* TD_MODEL_H */',
    '',
  ];
  return lines.join('\n');
}

function emitSource(
  banner: string,
  graph: Graph,
  memory: GraphMemoryPlan,
  writer: SourceWriter,
  calls: (string | undefined)[],
  inputs: GeneratedTensor[],
  outputs: GeneratedTensor[],
): string {
  const arenaBytes = Math.max(16, memory.arenaBytes);
  const accessor = (kind: 'input' | 'output', tensors: GeneratedTensor[], constness: string) => {
    const cases = tensors.map((tensor) => {
      const address = tensor.offset !== undefined ? `&td_arena[${tensor.offset}]` : `${weightSymbolPrefix}t${tensor.tensor}`;
      return `    case ${tensor.index}: return (${constness}void *)${address};`;
    });
    const sizes = tensors.map((tensor) => `    case ${tensor.index}: return ${tensor.bytes};`);
    return [
      `${constness}void *td_model_${kind}(int32_t index) {`,
      '  switch (index) {',
      ...cases,
      '    default: return NULL;',
      '  }',
      '}',
      '',
      `int32_t td_model_${kind}_bytes(int32_t index) {`,
      '  switch (index) {',
      ...sizes,
      '    default: return 0;',
      '  }',
      '}',
    ];
  };

  const stateLines: string[] = [];
  for (const tensor of graph.tensors) {
    if (!tensor.variable || !memory.tensorOffsets.has(tensor.id)) continue;
    const offset = memory.tensorOffsets.get(tensor.id)!;
    const bytes = tensorBytes(tensor);
    const hasInitialValue = tensor.data !== undefined && Array.from(tensor.data as ArrayLike<number>).some((value) => Number(value) !== 0);
    if (hasInitialValue) {
      const ctype = cType(tensor.dtype, `state tensor ${tensor.id}`);
      const name = `td_state_initial_t${tensor.id}`;
      writer.weights.push(`static const ${ctype} ${name}[${elementCount(tensor.shape)}] = {\n${wrapList(cElements(tensor.data!, tensor.dtype, name))}\n};`);
      stateLines.push(`  memcpy(&td_arena[${offset}], ${name}, ${bytes}); /* tensor ${tensor.id}: ${commentText(tensor.name)} */`);
    } else {
      // TFLite Micro resets int8 state to its zero point and everything else to 0.
      const fill = tensor.dtype === 'int8' ? (tensor.quantization?.zeroPoint[0] ?? 0) : 0;
      stateLines.push(`  memset(&td_arena[${offset}], ${fill}, ${bytes}); /* tensor ${tensor.id}: ${commentText(tensor.name)} */`);
    }
  }

  const run: string[] = ['td_status td_model_run(void) {', '  td_status status;', '  td_failed_op = -1;'];
  // Kept state starts from its initial value too: the first run sets it up unless a reset has
  // (the arena is zeroed at boot, but int8 state starts at its zero point and a resource variable
  // at its init subgraph's value).
  if (stateLines.length > 0) run.push('#ifndef TD_MODEL_KEEP_STATE', '  td_model_reset_state();', '#else', '  if (!td_state_ready) td_model_reset_state();', '#endif');
  graph.ops.forEach((op, index) => {
    const inputsText = op.inputs.filter((id) => id >= 0 && (graph.tensors[id].data === undefined || graph.tensors[id].variable)).join(', ');
    run.push(`  /* op ${index}: ${op.type} (${inputsText}) -> (${op.outputs.join(', ')}) */`);
    run.push(`  TD_OP_BEGIN(${index});`);
    const call = calls[index];
    if (call === undefined) {
      run.push(`  /* the output shares the input's memory: nothing to do */`);
      run.push(`  TD_OP_END(${index});`);
    } else {
      run.push(`  status = ${call};`);
      run.push(`  TD_OP_END(${index});`);
      run.push(`  if (status != TD_OK) {`, `    td_failed_op = ${index};`, '    return status;', '  }');
    }
  });
  run.push('  (void)status;', '  return TD_OK;', '}');

  const placement = [...memory.tensorOffsets]
    .sort((a, b) => a[1] - b[1] || a[0] - b[0])
    .map(([id, offset]) => ` *   [${String(offset).padStart(7)}, ${String(offset + tensorBytes(graph.tensors[id])).padStart(7)})  tensor ${id} ${graph.tensors[id].dtype} ${formatShape(graph.tensors[id].shape)}`);
  const scratchPlacement = [...memory.scratch].map(([op, { offset, bytes }]) => ` *   [${String(offset).padStart(7)}, ${String(offset + bytes).padStart(7)})  scratch of op ${op}`);

  const lines = [
    banner,
    '#include <float.h>',
    '#include <math.h>',
    '#include <stddef.h>',
    '#include <stdint.h>',
    '#include <string.h>',
    '',
    '#include "model.h"',
    '',
    '#ifdef TD_MODEL_HOOKS_HEADER',
    '#include TD_MODEL_HOOKS_HEADER',
    '#endif',
    '#ifndef TD_OP_BEGIN',
    '#define TD_OP_BEGIN(index) ((void)0)',
    '#endif',
    '#ifndef TD_OP_END',
    '#define TD_OP_END(index) ((void)0)',
    '#endif',
    '',
    '#if defined(__GNUC__) || defined(__clang__) || defined(__CC_ARM)',
    '#define TD_ALIGNED(bytes) __attribute__((aligned(bytes)))',
    '#else',
    '#error "model.c needs a compiler with __attribute__((aligned)) (GCC, Clang, Arm Compiler)"',
    '#endif',
    '',
    `#if TD_KERNELS_API_VERSION != ${kernelsApiVersion}`,
    `#error "model.c was generated for td_kernels.h API version ${kernelsApiVersion}"`,
    '#endif',
    '',
    '/*',
    ` * Arena: ${memory.arenaBytes} bytes (${commentText(memory.strategy)}; at least ${memory.peakLiveBytes} bytes are live at once).`,
    ...placement,
    ...scratchPlacement,
    ' */',
    `static uint8_t td_arena[${arenaBytes}] TD_ALIGNED(16);`,
    'static int32_t td_failed_op = -1;',
    ...(writer.usesNoScratch ? ['static const td_context td_no_scratch = {NULL, 0};'] : []),
    '',
    '/* Shapes (NHWC, padded to 4-D). */',
    ...writer.dims,
    '',
    `/* Weights: ${writer.weightBytes} bytes in flash. */`,
    ...writer.weights,
    '',
    '/* Kernel parameters, folded at generation time. */',
    ...writer.declarations,
    '',
    ...accessor('input', inputs, ''),
    '',
    ...accessor('output', outputs, 'const '),
    '',
    'int32_t td_model_failed_op(void) {',
    '  return td_failed_op;',
    '}',
    '',
    ...tensorTable(graph, memory),
    '',
    ...(stateLines.length > 0 ? ['static uint8_t td_state_ready = 0;', ''] : []),
    'void td_model_reset_state(void) {',
    ...stateLines,
    ...(stateLines.length > 0 ? ['  td_state_ready = 1;'] : []),
    '}',
    '',
    ...run,
    '',
  ];
  return lines.join('\n');
}
