import { CodegenError } from '../errors.js';
import type { Graph, Op, Tensor } from '../ir/types.js';
import { tensorBytes } from '../ir/tensor.js';
import { conv2d, type Conv2DPlan } from '../ops/conv-2d.js';
import { findLowerer, lowerContext, type LoweringOptions, type OpEmitter, type OpLowering } from './lowering.js';
import { windowFields } from './ops/conv.js';

/**
 * Residual blocks run row by row: `out = x + conv2(conv1(x))` with two 3x3, stride-1, SAME int8
 * convolutions keeps x and conv1's whole output live together (ResNet's first block: two
 * 32x32x16 tensors, most of its arena). Run a row at a time, conv1's output needs only the three
 * rows conv2's window reads and conv2's output one row: each step computes conv1's row r + 1 from
 * x's rows r..r + 2, conv2's row r from those three rows, and out's row r = x's row r + conv2's
 * row r. Out's row r may then take x's row r (the planner's element-wise overwrite): no later
 * step reads x above row r + 1.
 *
 * The kernels are the ops' own (td_conv2d_s8 and the ADD's kernel, the same calls the ops'
 * lowerers print) on bands: an input of 2 or 3 rows with the padding's top row given explicitly,
 * an output of one row. The kernels clip every window at the input's edges and add nothing for
 * taps outside it, so each row's bytes equal those of the whole-tensor call.
 *
 * The block is emitted at conv1's place; conv2 and the ADD emit nothing. conv1's and conv2's
 * outputs are not planned (no arena place); the block's scratch holds the kernels' scratch, the
 * three rows of conv1's output and one row of conv2's.
 */

export interface ResidualBandBlock {
  conv1: number;
  conv2: number;
  add: number;
  /** Tensors: the block's input x, conv1's and conv2's outputs, the ADD's output. */
  x: number;
  y: number;
  z: number;
  out: number;
}

const aligned = (bytes: number) => Math.ceil(bytes / 16) * 16;

function readers(graph: Graph, id: number): number[] {
  const found: number[] = [];
  graph.ops.forEach((op, index) => {
    if (op.inputs.includes(id)) found.push(index);
  });
  return found;
}

function bandableConv(graph: Graph, op: Op, index: number, options: LoweringOptions): Conv2DPlan | undefined {
  if (op.type !== 'CONV_2D') return undefined;
  let plan: Conv2DPlan;
  try {
    plan = conv2d.prepare(lowerContext(graph, op, index, options));
  } catch {
    return undefined;
  }
  const g = plan.geometry;
  if (plan.arithmetic.flavour !== 'int8' || g.groups > 1 || g.batches !== 1) return undefined;
  if (g.filterHeight !== 3 || g.filterWidth !== 3 || g.strideHeight !== 1 || g.strideWidth !== 1 || g.dilationHeight !== 1 || g.dilationWidth !== 1) return undefined;
  if (g.padTop !== 1 || g.inputHeight !== g.outputHeight || g.inputWidth !== g.outputWidth || g.inputHeight < 3) return undefined;
  return printsBandableCall(graph, op, index, options, plan) ? plan : undefined;
}

/**
 * Whether the ADD's call takes its extent only from the three shapes it is given (a row then), not
 * from a count printed into the call or its params.
 */
function addTakesShapes(graph: Graph, op: Op, index: number, options: LoweringOptions): boolean {
  let lowering: OpLowering;
  try {
    lowering = findLowerer(op.type)!(lowerContext(graph, op, index, options));
  } catch {
    return false;
  }
  const whats: string[] = [];
  const printed: string[] = [];
  const probe: OpEmitter = {
    inPlace: undefined,
    pointer: () => 'p',
    dims: (_shape, what) => {
      whats.push(what);
      return '&d';
    },
    array: (suffix, _dtype, values) => {
      printed.push(Array.from(values as ArrayLike<number>).join());
      return suffix;
    },
    struct: (suffix, _type, initializer) => {
      printed.push(initializer);
      return `&${suffix}`;
    },
    pointerArray: (suffix) => suffix,
    context: () => '&c',
    subgraph: () => ({ call: 'f()', pointer: () => 'p' }),
    function: (suffix) => suffix,
  };
  const call = lowering.emit(probe);
  const count = String(graph.tensors[op.outputs[0]].shape.reduce((product, dim) => product * dim, 1));
  const mentions = (text: string) => new RegExp(`(^|[^0-9])${count}([^0-9]|$)`).test(text);
  return call !== undefined && whats.join() === 'input1,input2,output' && !mentions(call) && !printed.some(mentions);
}

/**
 * Whether the op's lowering calls td_conv2d_s8 (the kernel that clips windows at the input's
 * edges, which the bands rely on) with a params struct holding the window's fields, the one
 * place a band changes (its top padding).
 */
function printsBandableCall(graph: Graph, op: Op, index: number, options: LoweringOptions, plan: Conv2DPlan): boolean {
  let lowering: OpLowering;
  try {
    lowering = findLowerer(op.type)!(lowerContext(graph, op, index, options));
  } catch {
    return false;
  }
  if (lowering.kernels.join() !== 'td_conv2d_s8') return false;
  const params: string[] = [];
  const probe: OpEmitter = {
    inPlace: undefined,
    pointer: () => 'p',
    dims: () => '&d',
    array: (suffix) => suffix,
    struct: (suffix, _type, initializer) => {
      if (suffix === 'params') params.push(initializer);
      return `&${suffix}`;
    },
    pointerArray: (suffix) => suffix,
    context: () => '&c',
    subgraph: () => ({ call: 'f()', pointer: () => 'p' }),
    function: (suffix) => suffix,
  };
  const call = lowering.emit(probe);
  return call !== undefined && call.startsWith('td_conv2d_s8(') && params.length === 1 && params[0].includes(windowFields(plan.geometry));
}

/** The residual blocks of `graph` that run row by row (see the module comment). */
export function findResidualBandBlocks(graph: Graph, options: LoweringOptions): ResidualBandBlock[] {
  const blocks: ResidualBandBlock[] = [];
  const special = (id: number) => graph.outputs.includes(id) || graph.inputs.includes(id) || graph.tensors[id].variable === true;
  for (let i = 0; i + 2 < graph.ops.length; i++) {
    const [first, second, add] = [graph.ops[i], graph.ops[i + 1], graph.ops[i + 2]];
    if (add.type !== 'ADD' || first.outputs.length !== 1 || second.outputs.length !== 1 || add.outputs.length !== 1) continue;
    const x = first.inputs[0];
    const y = first.outputs[0];
    const z = second.outputs[0];
    const out = add.outputs[0];
    if (second.inputs[0] !== y || add.inputs.length !== 2 || !add.inputs.includes(x) || !add.inputs.includes(z) || x === z) continue;
    if (special(y) || special(z) || special(out) || graph.tensors[x].data !== undefined) continue;
    if (readers(graph, y).join() !== `${i + 1}` || readers(graph, z).join() !== `${i + 2}`) continue;
    const plans = [bandableConv(graph, first, i, options), bandableConv(graph, second, i + 1, options)];
    if (!plans[0] || !plans[1]) continue;
    const [xt, zt, ot] = [graph.tensors[x], graph.tensors[z], graph.tensors[out]];
    if (xt.dtype !== 'int8' || zt.dtype !== 'int8' || ot.dtype !== 'int8' || tensorBytes(xt) !== tensorBytes(ot) || tensorBytes(zt) !== tensorBytes(ot)) continue;
    if (plans[1].geometry.outputDepth !== plans[0].geometry.inputDepth) continue;
    if (!addTakesShapes(graph, add, i + 2, options)) continue;
    blocks.push({ conv1: i, conv2: i + 1, add: i + 2, x, y, z, out });
    i += 2;
  }
  return blocks;
}

/**
 * The graph the memory planner sees: each block's three ops become one element-wise op reading
 * x and writing out (so out may take x's place), the other two read and write nothing, so
 * conv1's and conv2's outputs get no arena place. Op indices are unchanged.
 */
export function planningGraph(graph: Graph, blocks: readonly ResidualBandBlock[]): Graph {
  if (blocks.length === 0) return graph;
  const ops = graph.ops.map((op) => op);
  for (const block of blocks) {
    ops[block.conv1] = { ...graph.ops[block.add], inputs: [block.x], outputs: [block.out] } as Op;
    ops[block.conv2] = { ...graph.ops[block.conv2], inputs: [], outputs: [] } as Op;
    ops[block.add] = { ...graph.ops[block.add], inputs: [], outputs: [] } as Op;
  }
  return { ...graph, ops };
}

/**
 * The lowerings of a block's three ops: the block at conv1's index (its scratch: the kernels'
 * scratch, three rows of conv1's output, one row of conv2's), nothing at the other two.
 */
export function lowerResidualBandBlock(graph: Graph, block: ResidualBandBlock, options: LoweringOptions): [OpLowering, OpLowering, OpLowering] {
  const context = (index: number) => lowerContext(graph, graph.ops[index], index, options);
  const conv1 = findLowerer('CONV_2D')!(context(block.conv1));
  const conv2 = findLowerer('CONV_2D')!(context(block.conv2));
  const add = findLowerer('ADD')!(context(block.add));
  const plans = [conv2d.prepare(context(block.conv1)), conv2d.prepare(context(block.conv2))];
  const [, height, width, depthX] = graph.tensors[block.x].shape;
  const depthY = graph.tensors[block.y].shape[3];
  const depthZ = graph.tensors[block.z].shape[3];
  const rowX = width * depthX;
  const rowY = width * depthY;
  const rowZ = width * depthZ;
  const kernelScratch = aligned(Math.max(conv1.scratchBytes, conv2.scratchBytes));
  const scratchBytes = kernelScratch + aligned(3 * rowY) + aligned(rowZ);
  const nothing: OpLowering = { kernels: [], scratchBytes: 0, emit: () => undefined };

  type Variant = 'top' | 'mid' | 'bottom';
  const bandRows: Record<Variant, number> = { top: 2, mid: 3, bottom: 2 };
  const emitBlock = (e: OpEmitter): string => {
    const declared = new Map<string, string>();
    const once = (key: string, make: () => string) => {
      if (!declared.has(key)) declared.set(key, make());
      return declared.get(key)!;
    };
    const context = () => once('context', () => e.context());
    // One call of a lowering with band pointers, band shapes and (for convolutions) the band's top padding.
    const call = (name: 'c1' | 'c2' | 'add', lowering: OpLowering, pointers: Map<number, string>, shapes: Record<string, number[]>, variant: Variant | undefined, plan?: Conv2DPlan): string => {
      const emitter: OpEmitter = {
        ...e,
        inPlace: undefined,
        context,
        pointer: (tensor: Tensor, access) => pointers.get(tensor.id) ?? e.pointer(tensor, access),
        dims: (shape, what) => e.dims(shapes[what] ?? shape, what),
        array: (suffix, dtype, values) => once(`array ${name} ${suffix}`, () => e.array(`${name}_${suffix}`, dtype, values)),
        struct: (suffix, type, initializer) => {
          if (suffix !== 'params' || !plan) return once(`struct ${name} ${suffix}`, () => e.struct(`${name}_${suffix}`, type, initializer));
          const whole = windowFields(plan.geometry);
          if (!initializer.includes(whole)) throw new CodegenError(`op ${block.conv1} (CONV_2D): row-by-row residual block cannot place the band padding in ${initializer}`);
          const padTop = variant === 'top' ? plan.geometry.padTop : 0;
          return once(`struct ${name} params ${variant}`, () => e.struct(`${name}_params_${variant}`, type, initializer.replace(whole, windowFields({ ...plan.geometry, padTop }))));
        },
      };
      const text = lowering.emit(emitter);
      if (text === undefined) throw new CodegenError(`op ${block.conv1}: the ${name} lowering printed no call`);
      return text;
    };
    const ctype = 'int8_t';
    const conv = (name: 'c1' | 'c2', lowering: OpLowering, input: number, output: number, inputDepth: number, outputDepth: number, variant: Variant, plan: Conv2DPlan) =>
      call(
        name,
        lowering,
        new Map([
          [input, `((const ${ctype} *)td_band_in)`],
          [output, `((${ctype} *)td_band_out)`],
        ]),
        { input: [1, bandRows[variant], width, inputDepth], output: [1, 1, width, outputDepth] },
        variant,
        plan,
      );
    const c1 = (variant: Variant) => conv('c1', conv1, block.x, block.y, depthX, depthY, variant, plans[0]);
    const c2 = (variant: Variant) => conv('c2', conv2, block.y, block.z, depthY, depthZ, variant, plans[1]);
    const addCall = call(
      'add',
      add,
      new Map([
        [block.x, `((const ${ctype} *)td_band_in)`],
        [block.z, `((const ${ctype} *)td_band_z)`],
        [block.out, `((${ctype} *)td_band_out)`],
      ]),
      { input1: [1, 1, width, depthZ], input2: [1, 1, width, depthZ], output: [1, 1, width, depthZ] },
      undefined,
    );
    const x = e.pointer(graph.tensors[block.x], 'read');
    const out = e.pointer(graph.tensors[block.out], 'write');
    const check = '  if (status != TD_OK) return status;';
    const body = [
      `/* ops ${block.conv1}-${block.add}: CONV_2D, CONV_2D, ADD row by row (${height} rows) */`,
      `const ${ctype} *const x = ${x};`,
      `${ctype} *const out = ${out};`,
      `${ctype} *const rows = (${ctype} *)((uint8_t *)(${context()})->buf + ${kernelScratch});`,
      `${ctype} *const td_band_z = rows + ${aligned(3 * rowY)};`,
      'const void *td_band_in;',
      'void *td_band_out;',
      'td_status status;',
      `/* conv1's rows 0 and 1 into the window's rows 1 and 2 */`,
      `td_band_in = x; td_band_out = rows + ${rowY};`,
      `status = ${c1('top')};`,
      check.trim(),
      `td_band_in = x; td_band_out = rows + ${2 * rowY};`,
      `status = ${c1('mid')};`,
      check.trim(),
      `for (int32_t r = 0; r < ${height}; r++) {`,
      `  td_band_in = r == 0 ? (const void *)(rows + ${rowY}) : (const void *)rows; td_band_out = td_band_z;`,
      `  status = r == 0 ? ${c2('top')} : r == ${height - 1} ? ${c2('bottom')} : ${c2('mid')};`,
      check,
      `  td_band_in = x + r * ${rowX}; td_band_out = out + r * ${rowX};`,
      `  status = ${addCall};`,
      check,
      `  if (r + 1 < ${height}) memmove(rows, rows + ${rowY}, ${2 * rowY});`,
      `  if (r + 2 < ${height}) {`,
      `    td_band_in = x + r * ${rowX} + ${rowX}; td_band_out = rows + ${2 * rowY};`,
      `    status = r + 2 == ${height - 1} ? ${c1('bottom')} : ${c1('mid')};`,
      `  ${check}`,
      '  }',
      '}',
      'return TD_OK;',
    ];
    return `${e.function('rows', body)}()`;
  };
  return [{ kernels: [...new Set([...conv1.kernels, ...conv2.kernels, ...add.kernels])], scratchBytes, emit: emitBlock }, nothing, nothing];
}
