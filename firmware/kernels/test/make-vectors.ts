/**
 * Golden vectors for the C kernel library (firmware/kernels), from TinyDeploy's host interpreter.
 *
 * For a set of small op configurations this builds a one-op graph with random (seeded) weights,
 * runs it through the interpreter (`Interpreter`, bit-exact with TFLite Micro's reference
 * kernels) on random inputs, and writes one C test case per configuration: the inputs, the
 * kernel parameters precomputed the way TFLite's prepare functions compute them (with the
 * interpreter's own helpers wherever it exports them) and the interpreter's outputs. The C
 * runner (td_kernel_test.c) includes the result as `td_kernel_vectors.h`, calls the kernel and
 * compares: byte for byte for integer outputs; float32 outputs equal, or within a stated
 * relative tolerance where the result goes through expf / tanhf.
 *
 * The parameters here are written independently of the code generator on purpose: a case
 * fails when the C kernel and the interpreter disagree about the same TFLite arithmetic.
 */
import { Interpreter } from '../../../src/core/common/interp/interpreter.js';
import { packInt4 } from '../../../src/core/common/ir/int4.js';
import type {
  Activation,
  DType,
  Graph,
  Op,
  Padding,
  Quantization,
  Tensor,
  TensorData,
} from '../../../src/core/common/ir/types.js';
import { quantizeMultiplier, quantizeMultiplierSmallerThanOne, type QuantizedMultiplier } from '../../../src/core/common/ops/fixed-point.js';
import { activationRangeFloat, activationRangeQuantized } from '../../../src/core/common/ops/activation.js';
import type { OpContext } from '../../../src/core/common/ops/op.js';
import { channelMultipliers } from '../../../src/core/common/ops/quantization.js';
import { packFullyConnectedWeights } from '../../../src/core/common/codegen/ops/fully-connected.js';
import { packConvF32Weights, packFullyConnectedF32Weights } from '../../../src/core/common/codegen/ops/float-packed.js';
import { packSvdfFeatureWeights, svdfFeatureBias } from '../../../src/core/common/codegen/ops/svdf.js';
import type { SvdfPlan } from '../../../src/core/common/ops/svdf.js';
import { pairFullyConnectedWeights } from '../../../src/core/common/codegen/ops/fc-paired.js';
import { compactDepthwiseWideRows5, packDepthwiseWide } from '../../../src/core/common/codegen/ops/depthwise-wide.js';
import { packGruResetFirst } from '../../../src/core/common/codegen/ops/gru-packed.js';
import { packLstmBias, packLstmWeights } from '../../../src/core/common/codegen/ops/lstm-packed.js';
import { detectionParams, detectionScratchBytes } from '../../../src/core/common/codegen/ops/detection-postprocess.js';
import type { DetectionPostprocessPlan } from '../../../src/core/common/ops/detection-postprocess.js';
import { computeOutSize, computePadding } from '../../../src/core/common/ops/window.js';
import { findOp, opContext } from '../../../src/core/common/ops/index.js';
import { allocateData } from '../../../src/core/common/ir/tensor.js';
import { gruGateNames, gruGateWord, gruInputCount, gruInputIndex, gruOpType, type GruAttrs, type GruGateName, type GruLayout } from '../../../src/core/common/ops/gru-layout.js';
import { gruStateScale, type GruPlan } from '../../../src/core/common/ops/gru.js';
import type { TransposeConvPlan } from '../../../src/core/common/ops/transpose-conv.js';

/** The op library's helpers take the op they prepare; a golden vector is no op, so failures just throw. */
const vectorContext = {
  fail(message: string): never {
    throw new Error(`golden vector: ${message}`);
  },
} as OpContext;
import { sigmoidParams } from '../../../src/core/common/ops/logistic-tanh.js';
import { quantizedSoftmaxParams, softmaxExpTable } from '../../../src/core/common/ops/softmax.js';
import { foldCountIntoMultiplier } from '../../../src/core/common/ops/mean.js';
import {
  multiplyByQuantizedMultiplier,
  roundingDivideByPOT,
  saturatingRoundingDoublingHighMul,
} from '../../../src/core/common/ops/fixed-point.js';
import {
  expOnNegativeValues,
  logistic,
  oneMinusXOverOnePlusXForXIn0To1,
  oneOverOnePlusXForXIn0To1,
  saturatingRoundingMultiplyByPOT,
  tanh,
} from '../../../src/core/common/ops/gemmlowp.js';

/** The generated header and what it holds. */
export interface KernelVectors {
  /** C source of td_kernel_vectors.h. */
  header: string;
  /** Case names in run order (the runner reports failures by these names). */
  cases: string[];
}

const FLOAT32_MAX = 3.4028234663852886e38;

// ---------------------------------------------------------------------------------------------
// Random data (mulberry32: small, seeded, reproducible across Node versions)
// ---------------------------------------------------------------------------------------------

class Random {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  /** Uniform in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }
  int8(count: number, min = -128, max = 127): Int8Array {
    return Int8Array.from({ length: count }, () => this.int(min, max));
  }
  /** int8 values over the whole range with its ends common: a quarter -128, a quarter 127. */
  int8Extremes(count: number): Int8Array {
    return Int8Array.from({ length: count }, () => {
      const draw = this.next();
      return draw < 0.25 ? -128 : draw < 0.5 ? 127 : this.int(-128, 127);
    });
  }
  int16(count: number, min = -32768, max = 32767): Int16Array {
    return Int16Array.from({ length: count }, () => this.int(min, max));
  }
  int32(count: number, min: number, max: number): Int32Array {
    return Int32Array.from({ length: count }, () => this.int(min, max));
  }
  float(count: number, min: number, max: number): Float32Array {
    return Float32Array.from({ length: count }, () => min + this.next() * (max - min));
  }
  /** A float32 scale spread log-uniformly over [min, max] (TFLite scales are float32). */
  scale(min: number, max: number): number {
    return Math.fround(min * Math.pow(max / min, this.next()));
  }
}

// ---------------------------------------------------------------------------------------------
// One-op graphs run through the interpreter
// ---------------------------------------------------------------------------------------------

interface TensorSpec {
  dtype: DType;
  shape: number[];
  data?: TensorData;
  /** Per-tensor [scale, zeroPoint] or a full Quantization. */
  quantization?: [number, number] | Quantization;
  variable?: boolean;
}

function toQuantization(q: TensorSpec['quantization']): Quantization | undefined {
  if (!q) return undefined;
  return Array.isArray(q) ? { scale: [q[0]], zeroPoint: [q[1]], axis: 0 } : q;
}

/**
 * Runs one op: `inputs[i]` null marks an absent optional input; inputs without data are fed from
 * `feeds` in order. Returns the outputs and every tensor's value after the run (LSTM state).
 * `laterFeeds` runs the op again, in streaming mode (state carried over), once per entry; the
 * outputs of every run are returned in order (`outputs` are the first run's).
 */
function runOp(
  type: string,
  attrs: object,
  inputs: (TensorSpec | null)[],
  outputs: TensorSpec[],
  feeds: TensorData[],
  laterFeeds: TensorData[][] = [],
): { outputs: TensorData[]; runs: TensorData[][]; tensors: Map<number, TensorData>; inputIds: number[]; graph: Graph } {
  const tensors: Tensor[] = [];
  const add = (spec: TensorSpec): number => {
    const id = tensors.length;
    tensors.push({
      id,
      name: `t${id}`,
      shape: spec.shape,
      dtype: spec.dtype,
      data: spec.data,
      quantization: toQuantization(spec.quantization),
      variable: spec.variable,
    });
    return id;
  };
  const inputIds = inputs.map((spec) => (spec ? add(spec) : -1));
  const outputIds = outputs.map(add);
  const op = { type, inputs: inputIds, outputs: outputIds, attrs } as Op;
  const graph: Graph = {
    name: type,
    tensors,
    ops: [op],
    inputs: inputIds.filter((id) => id >= 0 && !tensors[id].data && !tensors[id].variable),
    outputs: outputIds,
  };
  const interpreter = new Interpreter(graph, { state: 'streaming' });
  const results = [feeds, ...laterFeeds].map((runFeeds) => interpreter.run(runFeeds, { keepIntermediates: true }));
  const last = results[results.length - 1];
  return { outputs: results[0].outputs, runs: results.map((r) => r.outputs), tensors: last.tensors!, inputIds, graph };
}

// ---------------------------------------------------------------------------------------------
// C emission
// ---------------------------------------------------------------------------------------------

type CType = 'int8_t' | 'uint8_t' | 'int16_t' | 'int32_t' | 'uint32_t' | 'int64_t' | 'float';

function cInt(value: number): string {
  if (!Number.isInteger(value)) throw new RangeError(`${value} is not an integer`);
  return value === -2147483648 ? '(-2147483647 - 1)' : String(value);
}

/** A float32 literal that reads back as exactly the same float (9 significant digits). */
function cFloat(value: number): string {
  const f = Math.fround(value);
  if (Number.isNaN(f)) return 'NAN';
  if (f === Infinity) return 'INFINITY';
  if (f === -Infinity) return '(-INFINITY)';
  if (f === 0) return Object.is(f, -0) ? '-0.0f' : '0.0f';
  return `${f.toPrecision(9)}f`;
}

function cValue(type: CType, value: number): string {
  return type === 'float' ? cFloat(value) : cInt(value);
}

function cList(type: CType, values: ArrayLike<number>): string {
  const parts: string[] = [];
  for (let i = 0; i < values.length; i++) parts.push(cValue(type, values[i]));
  const lines: string[] = [];
  for (let i = 0; i < parts.length; i += 16) lines.push(`        ${parts.slice(i, i + 16).join(', ')},`);
  return `{\n${lines.join('\n')}\n    }`;
}

function cDims(shape: readonly number[]): string {
  const padded = [...new Array<number>(4 - shape.length).fill(1), ...shape];
  return `{${padded.join(', ')}}`;
}

function cFloatRange(activation: Activation): string {
  const { min, max } = activationRangeFloat(vectorContext, activation);
  return `{${cFloat(Math.max(min, -FLOAT32_MAX))}, ${cFloat(Math.min(max, FLOAT32_MAX))}}`;
}

function cRequant(q: QuantizedMultiplier): string {
  return `{${cInt(q.multiplier)}, ${cInt(q.shift)}}`;
}

function count(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/**
 * One C test case: declarations, a kernel call whose status is checked, then comparisons.
 * `output()` declares a guarded output buffer; `expect()` compares it with the interpreter's.
 */
class CaseBuilder {
  private readonly declarations: string[] = [];
  private readonly setup: string[] = [];
  private readonly checks: string[] = [];
  private readonly calls: string[] = [];
  private usesContext = false;

  constructor(readonly name: string) {}

  constant(type: CType, name: string, values: ArrayLike<number>): string {
    if (values.length === 0) throw new RangeError(`${this.name}: constant ${name} is empty`);
    this.declarations.push(`    static const ${type} ${name}[${values.length}] = ${cList(type, values)};`);
    return name;
  }

  /** A mutable, guarded array starting from `values` (LSTM state). */
  state(type: CType, name: string, values: ArrayLike<number>): string {
    this.constant(type, `${name}_initial`, values);
    this.declarations.push(`    static ${type} ${name}[${values.length} + TD_TEST_GUARD];`);
    this.setup.push(`    td_test_guard(${name}, (int32_t)sizeof(${name}));`);
    this.setup.push(`    memcpy(${name}, ${name}_initial, sizeof(${name}_initial));`);
    return name;
  }

  /** A guarded output buffer of `length` values. */
  output(type: CType, name: string, length: number): string {
    this.declarations.push(`    static ${type} ${name}[${length} + TD_TEST_GUARD];`);
    this.setup.push(`    td_test_guard(${name}, (int32_t)sizeof(${name}));`);
    return name;
  }

  declare(line: string): void {
    this.declarations.push(`    ${line}`);
  }

  /** The scratch context, sized by the kernel's own get_buffer_size call. */
  context(sizeCall: string): string {
    this.usesContext = true;
    this.setup.push(`    td_context ctx = td_test_context(${sizeCall});`);
    return '&ctx';
  }

  /** A kernel call; several calls run in order, each only if the previous returned TD_OK. */
  invoke(call: string): void {
    this.calls.push(call);
  }

  /** Byte-for-byte comparison of an output of any type with the interpreter's value. */
  expectBytes(actual: string, expected: TensorData): void {
    const bytes = new Int8Array(expected.buffer, expected.byteOffset, expected.byteLength);
    const expectedName = this.constant('int8_t', `${actual}_expected`, bytes);
    this.checks.push(`td_test_expect_s8((const int8_t *)${actual}, ${expectedName}, ${bytes.length})`);
  }

  expect(type: CType, actual: string, expected: ArrayLike<number>, tolerance = 0): void {
    const expectedName = this.constant(type, `${actual}_expected`, expected);
    if (type === 'int8_t') this.checks.push(`td_test_expect_s8(${actual}, ${expectedName}, ${expected.length})`);
    else if (type === 'int16_t') this.checks.push(`td_test_expect_s16(${actual}, ${expectedName}, ${expected.length})`);
    else if (type === 'int32_t') this.checks.push(`td_test_expect_s32(${actual}, ${expectedName}, ${expected.length})`);
    else if (type === 'float') this.checks.push(`td_test_expect_f32(${actual}, ${expectedName}, ${expected.length}, ${cFloat(tolerance)})`);
    else throw new RangeError(`cannot compare ${type}`);
  }

  emit(functionName: string): string {
    if (this.calls.length === 0) throw new Error(`${this.name}: no kernel call`);
    const checks = ['td_test_status(status)', ...(this.usesContext ? ['td_test_context_intact(&ctx)'] : []), ...this.checks];
    return [
      `/* ${this.name} */`,
      `static int ${functionName}(void)`,
      '{',
      ...this.declarations,
      '    td_status status;',
      ...this.setup,
      `    status = ${this.calls[0]};`,
      ...this.calls.slice(1).map((call) => `    if (status == TD_OK) {\n        status = ${call};\n    }`),
      `    return ${checks.join(' &&\n           ')};`,
      '}',
      '',
    ].join('\n');
  }
}

// ---------------------------------------------------------------------------------------------
// Cases
// ---------------------------------------------------------------------------------------------

interface ConvConfig {
  batch?: number;
  input: [number, number, number];
  outputChannels: number;
  kernel: [number, number];
  stride?: [number, number];
  dilation?: [number, number];
  padding: Padding;
  activation: Activation;
  /** false: no bias; a list: these bias values (one per output channel) instead of small random ones. */
  bias?: boolean | readonly number[];
  perChannel?: boolean;
  groups?: number;
  /** Input and filter over the whole int8 range, ends included (filter -128 too), and this input zero point. */
  extremes?: { inputZeroPoint: number };
  /** Per-channel input scale * filter scale / output scale drawn from [min, max] (the filter scales follow). */
  effectiveScale?: [number, number];
  /**
   * Each bias moved to where its requantization lands halfway between two outputs: with large
   * biases and small multipliers the pixel's sum of products then still decides the rounding.
   */
  biasAtRoundingTies?: boolean;
  /** Weights in [-8, 7] given to the kernel packed as TFLite's INT4 (the int4 kernels). */
  int4?: boolean;
  /**
   * The output placed over the input, starting this many pixels before it (the memory planner's `shift`: with
   * channel blocks a whole number of pixels, here the tightest one 3x3 SAME allows, W + 2).
   */
  inPlacePixels?: number;
  /** Filter and bias given as NULL, as the generator gives the wide kernel's blocks (every output from the blocks). */
  withoutFilter?: boolean;
}

function geometry(config: ConvConfig) {
  const [inH, inW] = config.input;
  const [kH, kW] = config.kernel;
  const [sH, sW] = config.stride ?? [1, 1];
  const [dH, dW] = config.dilation ?? [1, 1];
  const outH = computeOutSize(config.padding, inH, kH, sH, dH);
  const outW = computeOutSize(config.padding, inW, kW, sW, dW);
  const padH = config.padding === 'same' ? computePadding(sH, dH, inH, kH, outH) : 0;
  const padW = config.padding === 'same' ? computePadding(sW, dW, inW, kW, outW) : 0;
  return { outH, outW, sH, sW, dH, dW, padH, padW };
}

function convS8(random: Random, name: string, config: ConvConfig, depthwise: boolean, kernelName?: string, wideBlocks: boolean | 'rows5' | 'rows5 compact' = false): CaseBuilder {
  const batch = config.batch ?? 1;
  const [inH, inW, inC] = config.input;
  const [kH, kW] = config.kernel;
  const outC = config.outputChannels;
  const groups = config.groups ?? 1;
  const filterC = depthwise ? outC : inC / groups;
  const { outH, outW, sH, sW, dH, dW, padH, padW } = geometry(config);
  const inputScale = random.scale(0.01, 0.1);
  const inputZeroPoint = config.extremes ? config.extremes.inputZeroPoint : random.int(-20, 20);
  const outputScale = random.scale(0.05, 0.4);
  const outputZeroPoint = random.int(-10, 10);
  const channels = outC;
  const filterScale = (): number => {
    if (!config.effectiveScale) return random.scale(0.002, 0.02);
    const [min, max] = config.effectiveScale;
    return Math.fround((random.scale(min, max) * outputScale) / inputScale);
  };
  const filterScales = config.perChannel === false ? [filterScale()] : Array.from({ length: channels }, filterScale);
  const filterShape = depthwise ? [1, kH, kW, outC] : [outC, kH, kW, filterC];
  const filter = config.int4 ? random.int8(count(filterShape), -8, 7) : config.extremes ? random.int8Extremes(count(filterShape)) : random.int8(count(filterShape), -127, 127);
  if (Array.isArray(config.bias) && config.bias.length !== outC) throw new RangeError(`${name}: ${config.bias.length} bias values for ${outC} channels`);
  const bias = config.bias === false ? undefined : Array.isArray(config.bias) ? Int32Array.from(config.bias) : random.int32(outC, -3000, 3000);
  const input = config.extremes ? random.int8Extremes(batch * inH * inW * inC) : random.int8(batch * inH * inW * inC);
  const expanded = Float64Array.from({ length: channels }, (_, c) => filterScales.length === 1 ? filterScales[0] : filterScales[c]);
  const { multipliers, shifts } = channelMultipliers(vectorContext, inputScale, expanded, outputScale);
  if (bias && config.biasAtRoundingTies) {
    for (let c = 0; c < outC; ++c) {
      // requant(acc) ~ acc * multiplier / 2^(31 - shift): the acc of output k + 1/2 nearest the bias.
      const perOutput = 2 ** (31 - shifts[c]) / multipliers[c];
      bias[c] = Math.round((Math.floor(bias[c] / perOutput) + 0.5) * perOutput);
    }
  }
  const outputShape = [batch, outH, outW, outC];
  const attrs = depthwise
    ? { padding: config.padding, strideH: sH, strideW: sW, dilationH: dH, dilationW: dW, activation: config.activation, depthMultiplier: outC / inC }
    : { padding: config.padding, strideH: sH, strideW: sW, dilationH: dH, dilationW: dW, activation: config.activation };
  const { outputs } = runOp(
    depthwise ? 'DEPTHWISE_CONV_2D' : 'CONV_2D',
    attrs,
    [
      { dtype: 'int8', shape: [batch, inH, inW, inC], quantization: [inputScale, inputZeroPoint] },
      { dtype: 'int8', shape: filterShape, data: filter, quantization: { scale: filterScales, zeroPoint: filterScales.map(() => 0), axis: depthwise ? 3 : 0 } },
      bias ? { dtype: 'int32', shape: [outC], data: bias } : null,
    ],
    [{ dtype: 'int8', shape: outputShape, quantization: [outputScale, outputZeroPoint] }],
    [input],
  );
  const range = activationRangeQuantized(vectorContext, config.activation, 'int8', outputScale, outputZeroPoint);

  const c = new CaseBuilder(name);
  if (config.inPlacePixels === undefined) c.constant('int8_t', 'input', input);
  if (!config.withoutFilter) c.constant('int8_t', 'filter', config.int4 ? Int8Array.from(packInt4(filter)) : filter);
  if (bias && !config.withoutFilter) c.constant('int32_t', 'bias', bias);
  c.constant('int32_t', 'multiplier', multipliers);
  c.constant('int8_t', 'shift', shifts);
  c.declare(`const td_dims input_dims = ${cDims([batch, inH, inW, inC])};`);
  c.declare(`const td_dims filter_dims = ${cDims(filterShape)};`);
  c.declare(`const td_dims output_dims = ${cDims(outputShape)};`);
  c.declare('const td_per_channel_quant quant = {multiplier, shift};');
  const common = `.input_offset = ${-inputZeroPoint}, .output_offset = ${outputZeroPoint}, .stride = {${sH}, ${sW}}, .padding = {${padH}, ${padW}}, .dilation = {${dH}, ${dW}}, .activation = {${range.min}, ${range.max}}`;
  let output: string;
  let inputPointer = 'input';
  let arena: Int8Array | undefined;
  if (config.inPlacePixels !== undefined) {
    // One buffer: the output at its start, the input inPlacePixels pixels after it.
    const inputAt = config.inPlacePixels * inC;
    arena = new Int8Array(Math.max(inputAt + input.length, count(outputShape)));
    arena.set(input, inputAt);
    output = c.state('int8_t', 'arena', arena);
    inputPointer = `arena + ${inputAt}`;
  } else {
    output = c.output('int8_t', 'output', count(outputShape));
  }
  const kernel = kernelName ?? (depthwise ? 'td_depthwise_conv2d_s8' : 'td_conv2d_s8');
  if (depthwise) c.declare(`const td_depthwise_conv_params params = {${common}, .depth_multiplier = ${outC / inC}};`);
  else c.declare(`const td_conv_params params = {${common}};`);
  // td_conv2d_s8_small's loop entry points share its scratch size, td_conv2d_s8_few its kernel's.
  const sizer =
    wideBlocks === 'rows5' || wideBlocks === 'rows5 compact' ? 'td_depthwise_conv2d_s8_wide_rows5'
    : wideBlocks ? 'td_depthwise_conv2d_s8_wide'
    : kernel.startsWith('td_conv2d_s8_small_') ? 'td_conv2d_s8_small'
    : kernel === 'td_conv2d_s8_few' ? 'td_conv2d_s8'
    : kernel;
  // td_conv2d_s8_direct needs no scratch: a context without any, as the generator gives it.
  const ctx = kernel === 'td_conv2d_s8_direct' ? c.context('0') : c.context(`${sizer}_get_buffer_size(&input_dims, &filter_dims)`);
  // td_depthwise_conv2d_s8_wide_packed, _rows5 and _rows5_compact: the channels' blocks as the generator prepares them.
  if (wideBlocks) {
    const full = packDepthwiseWide(filter, [1, kH, kW, outC], bias, { multipliers, shifts }, -inputZeroPoint, outputZeroPoint, sW);
    c.constant('int32_t', 'blocks', wideBlocks === 'rows5 compact' ? compactDepthwiseWideRows5(full) : full);
  }
  c.invoke(`${kernel}(${ctx}, &params, &quant, &input_dims, ${inputPointer}, &filter_dims, ${config.withoutFilter ? 'NULL' : 'filter'}, ${bias && !config.withoutFilter ? 'bias' : 'NULL'}, &output_dims, ${output}${wideBlocks ? ', blocks' : ''})`);
  if (arena) {
    // The whole buffer: the output, then the input's bytes past it untouched.
    const expected = arena.slice();
    expected.set(outputs[0] as Int8Array);
    c.expect('int8_t', output, expected);
  } else {
    c.expect('int8_t', output, outputs[0] as Int8Array);
  }
  return c;
}

function convF32(random: Random, name: string, config: ConvConfig, depthwise: boolean): CaseBuilder {
  const batch = config.batch ?? 1;
  const [inH, inW, inC] = config.input;
  const [kH, kW] = config.kernel;
  const outC = config.outputChannels;
  const groups = config.groups ?? 1;
  const filterC = depthwise ? outC : inC / groups;
  const { outH, outW, sH, sW, dH, dW, padH, padW } = geometry(config);
  const filterShape = depthwise ? [1, kH, kW, outC] : [outC, kH, kW, filterC];
  const filter = random.float(count(filterShape), -0.5, 0.5);
  const bias = config.bias === false ? undefined : random.float(outC, -0.2, 0.2);
  const input = random.float(batch * inH * inW * inC, -1, 1);
  const outputShape = [batch, outH, outW, outC];
  const attrs = depthwise
    ? { padding: config.padding, strideH: sH, strideW: sW, dilationH: dH, dilationW: dW, activation: config.activation, depthMultiplier: outC / inC }
    : { padding: config.padding, strideH: sH, strideW: sW, dilationH: dH, dilationW: dW, activation: config.activation };
  const { outputs } = runOp(
    depthwise ? 'DEPTHWISE_CONV_2D' : 'CONV_2D',
    attrs,
    [
      { dtype: 'float32', shape: [batch, inH, inW, inC] },
      { dtype: 'float32', shape: filterShape, data: filter },
      bias ? { dtype: 'float32', shape: [outC], data: bias } : null,
    ],
    [{ dtype: 'float32', shape: outputShape }],
    [input],
  );
  const c = new CaseBuilder(name);
  c.constant('float', 'input', input);
  c.constant('float', 'filter', filter);
  if (bias) c.constant('float', 'bias', bias);
  c.declare(`const td_dims input_dims = ${cDims([batch, inH, inW, inC])};`);
  c.declare(`const td_dims filter_dims = ${cDims(filterShape)};`);
  c.declare(`const td_dims output_dims = ${cDims(outputShape)};`);
  const common = `.stride = {${sH}, ${sW}}, .padding = {${padH}, ${padW}}, .dilation = {${dH}, ${dW}}, .activation = ${cFloatRange(config.activation)}`;
  const output = c.output('float', 'output', count(outputShape));
  const kernel = depthwise ? 'td_depthwise_conv2d_f32' : 'td_conv2d_f32';
  if (depthwise) c.declare(`const td_depthwise_conv_params_f32 params = {${common}, .depth_multiplier = ${outC / inC}};`);
  else c.declare(`const td_conv_params_f32 params = {${common}};`);
  const ctx = c.context(`${kernel}_get_buffer_size(&input_dims, &filter_dims)`);
  c.invoke(`${kernel}(${ctx}, &params, &input_dims, input, &filter_dims, filter, ${bias ? 'bias' : 'NULL'}, &output_dims, ${output})`);
  c.expect('float', output, outputs[0] as Float32Array);
  return c;
}

interface FcConfig {
  batches: number;
  inputDepth: number;
  outputDepth: number;
  activation: Activation;
  bias?: boolean;
  perChannel?: boolean;
  weightZeroPoint?: number;
  /** td_fully_connected_s8_packed: the generator's packed weights and the input offset folded into the bias. */
  packed?: boolean;
  /** Packed with 1-3 output rows: call td_fully_connected_s8_packed_rows (the generator's entry for them). */
  rows?: boolean;
  /** td_fully_connected_s8_paired: two rows per weight halfword (fc-paired.ts), the input offset folded into the bias. */
  paired?: boolean;
  /** Paired: the input one byte past a word boundary (the kernel's C loop). */
  unaligned?: boolean;
  /** Paired: call td_fully_connected_s8_paired_short (depth a multiple of 8 up to 512, the whole int8 range, aligned). */
  short?: boolean;
  /** Every weight ±127 (random signs, `extremeSign` fixes it) and every input -128: the per-chunk bound at its limit. */
  extremeWeights?: boolean;
  extremeSign?: 1 | -1;
  /**
   * Weights of -128 where the paired layout holds them (fc-paired.ts): every seventh weight of A
   * rows, of B rows beside a non-negative A weight, and of the last depth % 8. With extremeWeights:
   * A rows 127, B rows -128 and -127 by turns, inputs -128 (|Σ B·x| per chunk 65,280 · 128, just
   * under the 2^23 the recovery needs).
   */
  minus128?: boolean;
  inputZeroPoint?: number;
}

function fullyConnectedS8(random: Random, name: string, config: FcConfig): CaseBuilder {
  const { batches, inputDepth, outputDepth } = config;
  const inputScale = random.scale(0.01, 0.1);
  const inputZeroPoint = config.inputZeroPoint ?? random.int(-30, 30);
  const outputScale = random.scale(0.1, 0.5);
  const outputZeroPoint = random.int(-10, 10);
  const perChannel = config.perChannel ?? false;
  const filterScales = perChannel ? Array.from({ length: outputDepth }, () => random.scale(0.002, 0.02)) : [random.scale(0.002, 0.02)];
  const weightZeroPoint = config.weightZeroPoint ?? 0;
  const filter = random.int8(outputDepth * inputDepth, -127, 127);
  const bias = config.bias === false ? undefined : random.int32(outputDepth, -3000, 3000);
  const input = random.int8(batches * inputDepth);
  if (config.extremeWeights) {
    for (let i = 0; i < filter.length; i++) filter[i] = (config.extremeSign ?? (filter[i]! < 0 ? -1 : 1)) * 127;
    input.fill(-128);
  }
  if (config.minus128) {
    const grouped = inputDepth - (inputDepth % 8);
    for (let row = 0; row < outputDepth; row++) {
      for (let k = 0; k < inputDepth; k++) {
        const at = row * inputDepth + k;
        if (config.extremeWeights) filter[at] = row % 2 === 0 ? 127 : k % 2 === 0 ? -128 : -127;
        else if ((row * 3 + k) % 7 === 0 && (row % 2 === 0 || k >= grouped || filter[at - inputDepth]! >= 0)) filter[at] = -128;
      }
    }
  }
  const { outputs } = runOp(
    'FULLY_CONNECTED',
    { activation: config.activation, keepNumDims: false, asymmetricQuantizeInputs: false },
    [
      { dtype: 'int8', shape: [batches, inputDepth], quantization: [inputScale, inputZeroPoint] },
      { dtype: 'int8', shape: [outputDepth, inputDepth], data: filter, quantization: { scale: filterScales, zeroPoint: filterScales.map(() => weightZeroPoint), axis: 0 } },
      bias ? { dtype: 'int32', shape: [outputDepth], data: bias } : null,
    ],
    [{ dtype: 'int8', shape: [batches, outputDepth], quantization: [outputScale, outputZeroPoint] }],
    [input],
  );
  let multipliers: number[];
  let shifts: number[];
  if (perChannel) {
    const q = channelMultipliers(vectorContext, inputScale, Float64Array.from(filterScales), outputScale);
    multipliers = Array.from(q.multipliers);
    shifts = Array.from(q.shifts);
  } else {
    // GetQuantizedConvolutionMultipler: float32 product of the scales, double division.
    const q = quantizeMultiplier(Math.fround(inputScale * filterScales[0]) / outputScale);
    multipliers = [q.multiplier];
    shifts = [q.shift];
  }
  const range = activationRangeQuantized(vectorContext, config.activation, 'int8', outputScale, outputZeroPoint);
  const c = new CaseBuilder(name);
  if (!config.paired) c.constant('int8_t', 'input', input);
  if (config.paired) {
    const folded = Array.from({ length: outputDepth }, (_, o) => (bias ? bias[o]! : 0) - inputZeroPoint * filter.subarray(o * inputDepth, (o + 1) * inputDepth).reduce((sum, w) => sum + w, 0));
    const right = -shifts[0]!;
    if (right < 1 || right > 21) throw new RangeError(`${name}: right shift ${right} outside 1..21 (the paired kernel's fast requantization)`);
    const paired = pairFullyConnectedWeights(filter, outputDepth, inputDepth);
    if (!paired) throw new RangeError(`${name}: the paired layout refuses these weights (a -128 it cannot hold)`);
    // LDRD needs the weights and (on the fast path) the input rows word-aligned.
    c.declare(`static const int8_t filter[${paired.length}] __attribute__((aligned(4))) = ${cList('int8_t', paired)};`);
    const skip = config.unaligned ? 1 : 0;
    c.declare(`static const int8_t input_storage[${input.length + skip}] __attribute__((aligned(4))) = ${cList('int8_t', [...(skip ? [0] : []), ...input])};`);
    c.constant('int32_t', 'bias', folded);
    c.declare(`const td_fc_packed_params params = {${multipliers[0]}, ${shifts[0]}, ${outputZeroPoint}, ${right}, ${2 ** (right - 1) + outputZeroPoint * 2 ** right}, {${range.min}, ${range.max}}};`);
    const pairedOutput = c.output('int8_t', 'output', batches * outputDepth);
    const entry = config.short ? 'td_fully_connected_s8_paired_short' : 'td_fully_connected_s8_paired';
    c.invoke(`${entry}(&params, ${batches}, ${inputDepth}, ${outputDepth}, input_storage + ${skip}, filter, bias, ${pairedOutput})`);
    c.expect('int8_t', pairedOutput, outputs[0] as Int8Array);
    return c;
  }
  if (config.packed) {
    const folded = Array.from({ length: outputDepth }, (_, o) => (bias ? bias[o]! : 0) - inputZeroPoint * filter.subarray(o * inputDepth, (o + 1) * inputDepth).reduce((sum, w) => sum + w, 0));
    const right = -shifts[0]!;
    c.constant('int8_t', 'filter', packFullyConnectedWeights(filter, outputDepth, inputDepth));
    c.constant('int32_t', 'bias', folded);
    c.declare(`const td_fc_packed_params params = {${multipliers[0]}, ${shifts[0]}, ${outputZeroPoint}, ${right}, ${2 ** (right - 1) + outputZeroPoint * 2 ** right}, {${range.min}, ${range.max}}};`);
    const packedOutput = c.output('int8_t', 'output', batches * outputDepth);
    c.invoke(`${config.rows ? 'td_fully_connected_s8_packed_rows' : 'td_fully_connected_s8_packed'}(&params, ${batches}, ${inputDepth}, ${outputDepth}, input, filter, bias, ${packedOutput})`);
    c.expect('int8_t', packedOutput, outputs[0] as Int8Array);
    return c;
  }
  c.constant('int8_t', 'filter', filter);
  if (bias) c.constant('int32_t', 'bias', bias);
  c.constant('int32_t', 'multiplier', multipliers);
  c.constant('int8_t', 'shift', shifts);
  c.declare('const td_per_channel_quant quant = {multiplier, shift};');
  c.declare(`const td_fc_params params = {.input_offset = ${-inputZeroPoint}, .filter_offset = ${-weightZeroPoint}, .output_offset = ${outputZeroPoint}, .activation = {${range.min}, ${range.max}}};`);
  const output = c.output('int8_t', 'output', batches * outputDepth);
  const ctx = c.context(`td_fully_connected_s8_get_buffer_size(${inputDepth}, ${outputDepth})`);
  c.invoke(`td_fully_connected_s8(${ctx}, &params, &quant, ${perChannel ? 1 : 0}, ${batches}, ${inputDepth}, ${outputDepth}, input, filter, ${bias ? 'bias' : 'NULL'}, ${output})`);
  c.expect('int8_t', output, outputs[0] as Int8Array);
  return c;
}

function fullyConnectedF32(random: Random, name: string, config: FcConfig): CaseBuilder {
  const { batches, inputDepth, outputDepth } = config;
  const filter = random.float(outputDepth * inputDepth, -0.5, 0.5);
  const bias = config.bias === false ? undefined : random.float(outputDepth, -0.2, 0.2);
  const input = random.float(batches * inputDepth, -1, 1);
  const { outputs } = runOp(
    'FULLY_CONNECTED',
    { activation: config.activation, keepNumDims: false, asymmetricQuantizeInputs: false },
    [
      { dtype: 'float32', shape: [batches, inputDepth] },
      { dtype: 'float32', shape: [outputDepth, inputDepth], data: filter },
      bias ? { dtype: 'float32', shape: [outputDepth], data: bias } : null,
    ],
    [{ dtype: 'float32', shape: [batches, outputDepth] }],
    [input],
  );
  const c = new CaseBuilder(name);
  c.constant('float', 'input', input);
  c.constant('float', 'filter', filter);
  if (bias) c.constant('float', 'bias', bias);
  c.declare(`const td_activation_f32 activation = ${cFloatRange(config.activation)};`);
  const output = c.output('float', 'output', batches * outputDepth);
  const ctx = c.context(`td_fully_connected_f32_get_buffer_size(${inputDepth}, ${outputDepth})`);
  c.invoke(`td_fully_connected_f32(${ctx}, &activation, ${batches}, ${inputDepth}, ${outputDepth}, input, filter, ${bias ? 'bias' : 'NULL'}, ${output})`);
  c.expect('float', output, outputs[0] as Float32Array);
  return c;
}

interface PoolConfig {
  batch?: number;
  input: [number, number, number];
  filter: [number, number];
  stride: [number, number];
  padding: Padding;
  activation: Activation;
}

function pool(random: Random, name: string, kind: 'AVERAGE_POOL_2D' | 'MAX_POOL_2D', dtype: 'int8' | 'float32', config: PoolConfig, kernelName?: string): CaseBuilder {
  const batch = config.batch ?? 1;
  const [inH, inW, channels] = config.input;
  const [fH, fW] = config.filter;
  const [sH, sW] = config.stride;
  const outH = computeOutSize(config.padding, inH, fH, sH);
  const outW = computeOutSize(config.padding, inW, fW, sW);
  const padH = config.padding === 'same' ? computePadding(sH, 1, inH, fH, outH) : 0;
  const padW = config.padding === 'same' ? computePadding(sW, 1, inW, fW, outW) : 0;
  const inputShape = [batch, inH, inW, channels];
  const outputShape = [batch, outH, outW, channels];
  const scale = random.scale(0.02, 0.2);
  const zeroPoint = random.int(-20, 20);
  const input = dtype === 'int8' ? random.int8(count(inputShape)) : random.float(count(inputShape), -2, 2);
  const quantization: [number, number] | undefined = dtype === 'int8' ? [scale, zeroPoint] : undefined;
  const { outputs } = runOp(
    kind,
    { padding: config.padding, strideH: sH, strideW: sW, filterH: fH, filterW: fW, activation: config.activation },
    [{ dtype, shape: inputShape, quantization }],
    [{ dtype, shape: outputShape, quantization }],
    [input],
  );
  const c = new CaseBuilder(name);
  const type: CType = dtype === 'int8' ? 'int8_t' : 'float';
  c.constant(type, 'input', input);
  c.declare(`const td_dims input_dims = ${cDims(inputShape)};`);
  c.declare(`const td_dims output_dims = ${cDims(outputShape)};`);
  const geometryFields = `.stride = {${sH}, ${sW}}, .padding = {${padH}, ${padW}}, .filter = {${fH}, ${fW}}`;
  if (dtype === 'int8') {
    const range = activationRangeQuantized(vectorContext, config.activation, 'int8', scale, zeroPoint);
    c.declare(`const td_pool_params params = {${geometryFields}, .activation = {${range.min}, ${range.max}}};`);
  } else {
    c.declare(`const td_pool_params_f32 params = {${geometryFields}, .activation = ${cFloatRange(config.activation)}};`);
  }
  const output = c.output(type, 'output', count(outputShape));
  const kernel = kernelName ?? `td_${kind === 'AVERAGE_POOL_2D' ? 'avgpool' : 'maxpool'}_${dtype === 'int8' ? 's8' : 'f32'}`;
  c.invoke(`${kernel}(&params, &input_dims, input, &output_dims, ${output})`);
  c.expect(type, output, outputs[0] as Int8Array | Float32Array);
  return c;
}

interface BinaryConfig {
  shape1: number[];
  shape2: number[];
  activation: Activation;
  /** [scale, zero point] of input 1, input 2 and the output instead of random ones. */
  quantization?: [[number, number], [number, number], [number, number]];
}

function broadcastShape(a: number[], b: number[]): number[] {
  return a.map((dim, i) => Math.max(dim, b[i]));
}

function binaryS8(random: Random, name: string, kind: 'ADD' | 'SUB' | 'MUL', config: BinaryConfig): CaseBuilder {
  const outputShape = broadcastShape(config.shape1, config.shape2);
  const q1: [number, number] = [random.scale(0.01, 0.1), random.int(-30, 30)];
  const q2: [number, number] = [random.scale(0.01, 0.1), random.int(-30, 30)];
  const qOut: [number, number] = kind === 'MUL' ? [random.scale(0.002, 0.02), random.int(-10, 10)] : [random.scale(0.04, 0.2), random.int(-10, 10)];
  if (config.quantization) [q1, q2, qOut].forEach((q, i) => q.splice(0, 2, ...config.quantization![i]));
  const input1 = random.int8(count(config.shape1));
  const input2 = random.int8(count(config.shape2));
  const { outputs } = runOp(
    kind,
    { activation: config.activation },
    [
      { dtype: 'int8', shape: config.shape1, quantization: q1 },
      { dtype: 'int8', shape: config.shape2, quantization: q2 },
    ],
    [{ dtype: 'int8', shape: outputShape, quantization: qOut }],
    [input1, input2],
  );
  const range = activationRangeQuantized(vectorContext, config.activation, 'int8', qOut[0], qOut[1]);
  const c = new CaseBuilder(name);
  c.constant('int8_t', 'input1', input1);
  c.constant('int8_t', 'input2', input2);
  c.declare(`const td_dims input1_dims = ${cDims(config.shape1)};`);
  c.declare(`const td_dims input2_dims = ${cDims(config.shape2)};`);
  c.declare(`const td_dims output_dims = ${cDims(outputShape)};`);
  const activation = `.activation = {${range.min}, ${range.max}}`;
  if (kind === 'MUL') {
    const multiplier = quantizeMultiplier((q1[0] * q2[0]) / qOut[0]);
    c.declare(`const td_mul_params_s8 params = {.input1_offset = ${-q1[1]}, .input2_offset = ${-q2[1]}, .output_offset = ${qOut[1]}, .output = ${cRequant(multiplier)}, ${activation}};`);
  } else {
    // TFLite Micro's ADD works in double; its SUB keeps these intermediates in float32.
    const f = kind === 'ADD' ? (x: number) => x : Math.fround;
    const leftShift = 20;
    const twiceMax = f(2 * Math.max(q1[0], q2[0]));
    const m1 = quantizeMultiplierSmallerThanOne(f(q1[0] / twiceMax));
    const m2 = quantizeMultiplierSmallerThanOne(f(q2[0] / twiceMax));
    const mOut = quantizeMultiplierSmallerThanOne(f(twiceMax / f(2 ** leftShift * qOut[0])));
    c.declare(`const td_add_params_s8 params = {.input1_offset = ${-q1[1]}, .input2_offset = ${-q2[1]}, .output_offset = ${qOut[1]}, .left_shift = ${leftShift}, .input1 = ${cRequant(m1)}, .input2 = ${cRequant(m2)}, .output = ${cRequant(mOut)}, ${activation}};`);
  }
  const output = c.output('int8_t', 'output', count(outputShape));
  c.invoke(`td_${kind.toLowerCase()}_s8(&params, &input1_dims, input1, &input2_dims, input2, &output_dims, ${output})`);
  c.expect('int8_t', output, outputs[0] as Int8Array);
  return c;
}

function binaryF32(random: Random, name: string, kind: 'ADD' | 'SUB' | 'MUL', config: BinaryConfig): CaseBuilder {
  const outputShape = broadcastShape(config.shape1, config.shape2);
  const input1 = random.float(count(config.shape1), -2, 2);
  const input2 = random.float(count(config.shape2), -2, 2);
  const { outputs } = runOp(
    kind,
    { activation: config.activation },
    [
      { dtype: 'float32', shape: config.shape1 },
      { dtype: 'float32', shape: config.shape2 },
    ],
    [{ dtype: 'float32', shape: outputShape }],
    [input1, input2],
  );
  const c = new CaseBuilder(name);
  c.constant('float', 'input1', input1);
  c.constant('float', 'input2', input2);
  c.declare(`const td_dims input1_dims = ${cDims(config.shape1)};`);
  c.declare(`const td_dims input2_dims = ${cDims(config.shape2)};`);
  c.declare(`const td_dims output_dims = ${cDims(outputShape)};`);
  c.declare(`const td_activation_f32 activation = ${cFloatRange(config.activation)};`);
  const output = c.output('float', 'output', count(outputShape));
  c.invoke(`td_${kind.toLowerCase()}_f32(&activation, &input1_dims, input1, &input2_dims, input2, &output_dims, ${output})`);
  c.expect('float', output, outputs[0] as Float32Array);
  return c;
}

/**
 * An int8 softmax case, its exponentials evaluated by the kernel or (`table`) looked up in the
 * generator's table; `everyDifference` puts each int8 value once in the first row (after it the
 * row is random), so the row holds all 256 differences to its maximum.
 */
function softmaxS8(random: Random, name: string, rows: number, depth: number, beta: number, inputScale: number, table = false, everyDifference = false): CaseBuilder {
  const input = random.int8(rows * depth);
  if (everyDifference) for (let i = 0; i < 256; i++) input[(i * 97) % 256] = i - 128;
  const inputZeroPoint = random.int(-20, 20);
  const { outputs } = runOp(
    'SOFTMAX',
    { beta },
    [{ dtype: 'int8', shape: [rows, depth], quantization: [inputScale, inputZeroPoint] }],
    [{ dtype: 'int8', shape: [rows, depth], quantization: [1 / 256, -128] }],
    [input],
  );
  const p = quantizedSoftmaxParams(beta, inputScale);
  const c = new CaseBuilder(name);
  c.constant('int8_t', 'input', input);
  const expTable = table ? c.constant('int32_t', 'exp_table', softmaxExpTable(p)) : 'NULL';
  c.declare(`const td_softmax_params_s8 params = {.input_beta_multiplier = ${cInt(p.inputMultiplier)}, .input_beta_left_shift = ${p.inputLeftShift}, .diff_min = ${p.diffMin}, .exp_table = ${expTable}};`);
  const output = c.output('int8_t', 'output', rows * depth);
  // With a table: td_softmax_s8_table, what the generator calls (td_softmax_s8 runs the same rows from it).
  c.invoke(`${table ? 'td_softmax_s8_table' : 'td_softmax_s8'}(&params, ${rows}, ${depth}, input, ${output})`);
  c.expect('int8_t', output, outputs[0] as Int8Array);
  return c;
}

function softmaxF32(random: Random, name: string, rows: number, depth: number, beta: number): CaseBuilder {
  const input = random.float(rows * depth, -6, 6);
  const { outputs } = runOp('SOFTMAX', { beta }, [{ dtype: 'float32', shape: [rows, depth] }], [{ dtype: 'float32', shape: [rows, depth] }], [input]);
  const c = new CaseBuilder(name);
  c.constant('float', 'input', input);
  const output = c.output('float', 'output', rows * depth);
  c.invoke(`td_softmax_f32(${cFloat(beta)}, ${rows}, ${depth}, input, ${output})`);
  c.expect('float', output, outputs[0] as Float32Array, 1e-6);
  return c;
}

/** Every int8 value, twice (so element order matters), for the element-wise unary ops. */
function allInt8(): Int8Array {
  return Int8Array.from({ length: 512 }, (_, i) => ((i * 37) % 256) - 128);
}

function sigmoidS8(random: Random, name: string, kind: 'LOGISTIC' | 'TANH', inputScale: number): CaseBuilder {
  const input = allInt8();
  const inputZeroPoint = random.int(-40, 40);
  const outputQuantization: [number, number] = kind === 'LOGISTIC' ? [1 / 256, -128] : [1 / 128, 0];
  const { outputs } = runOp(
    kind,
    {},
    [{ dtype: 'int8', shape: [input.length], quantization: [inputScale, inputZeroPoint] }],
    [{ dtype: 'int8', shape: [input.length], quantization: outputQuantization }],
    [input],
  );
  const p = sigmoidParams(inputScale, inputZeroPoint);
  const c = new CaseBuilder(name);
  c.constant('int8_t', 'input', input);
  const type = kind === 'LOGISTIC' ? 'td_logistic_params_s8' : 'td_tanh_params_s8';
  c.declare(`const ${type} params = {.input_offset = ${-inputZeroPoint}, .input_range_radius = ${p.inputRangeRadius}, .input_multiplier = ${cInt(p.inputMultiplier)}, .input_left_shift = ${p.inputLeftShift}};`);
  const output = c.output('int8_t', 'output', input.length);
  c.invoke(`td_${kind.toLowerCase()}_s8(&params, ${input.length}, input, ${output})`);
  c.expect('int8_t', output, outputs[0] as Int8Array);
  return c;
}

function unaryF32(random: Random, name: string, kind: 'LOGISTIC' | 'TANH' | 'RELU' | 'RELU6', range: number): CaseBuilder {
  const input = random.float(300, -range, range);
  const { outputs } = runOp(kind, {}, [{ dtype: 'float32', shape: [input.length] }], [{ dtype: 'float32', shape: [input.length] }], [input]);
  const c = new CaseBuilder(name);
  c.constant('float', 'input', input);
  const output = c.output('float', 'output', input.length);
  if (kind === 'RELU' || kind === 'RELU6') {
    c.declare(`const td_activation_f32 range = ${cFloatRange(kind === 'RELU' ? 'relu' : 'relu6')};`);
    c.invoke(`td_relu_f32(&range, ${input.length}, input, ${output})`);
    c.expect('float', output, outputs[0] as Float32Array);
  } else {
    c.invoke(`td_${kind.toLowerCase()}_f32(${input.length}, input, ${output})`);
    c.expect('float', output, outputs[0] as Float32Array, 1e-6);
  }
  return c;
}

function reluS8(random: Random, name: string, kind: 'RELU' | 'RELU6'): CaseBuilder {
  const input = allInt8();
  const inputQuantization: [number, number] = [random.scale(0.02, 0.1), random.int(-30, 30)];
  const outputQuantization: [number, number] = kind === 'RELU' ? [random.scale(0.02, 0.1), random.int(-128, -100)] : inputQuantization;
  const { outputs } = runOp(
    kind,
    {},
    [{ dtype: 'int8', shape: [input.length], quantization: inputQuantization }],
    [{ dtype: 'int8', shape: [input.length], quantization: outputQuantization }],
    [input],
  );
  const c = new CaseBuilder(name);
  c.constant('int8_t', 'input', input);
  const output = c.output('int8_t', 'output', input.length);
  if (kind === 'RELU') {
    const multiplier = quantizeMultiplier(inputQuantization[0] / outputQuantization[0]);
    c.declare(`const td_relu_params_s8 params = {.input_offset = ${-inputQuantization[1]}, .output_offset = ${outputQuantization[1]}, .output = ${cRequant(multiplier)}, .activation = {${Math.max(-128, outputQuantization[1])}, 127}};`);
    c.invoke(`td_relu_s8(&params, ${input.length}, input, ${output})`);
  } else {
    // Relu6Quantized: [zero point, quantized 6.0] in the input's own parameters.
    const [scale, zeroPoint] = inputQuantization;
    const six = Math.min(127, Math.max(-128, Math.round(Math.fround(6 / scale)) + zeroPoint));
    c.declare(`const td_activation range = {${zeroPoint}, ${six}};`);
    c.invoke(`td_relu6_s8(&range, ${input.length}, input, ${output})`);
  }
  c.expect('int8_t', output, outputs[0] as Int8Array);
  return c;
}

function quantizeCases(random: Random): CaseBuilder[] {
  const cases: CaseBuilder[] = [];
  {
    // float -> int8, with exact halves and values beyond the int8 range.
    const scale = random.scale(0.01, 0.05);
    const zeroPoint = random.int(-20, 20);
    const values = random.float(200, -5, 5);
    for (let i = 0; i < 40; i++) values[i] = Math.fround((random.int(-300, 300) + 0.5) * scale);
    values[40] = 1e30;
    values[41] = -1e30;
    const { outputs } = runOp('QUANTIZE', {}, [{ dtype: 'float32', shape: [values.length] }], [{ dtype: 'int8', shape: [values.length], quantization: [scale, zeroPoint] }], [values]);
    const c = new CaseBuilder('quantize_f32_s8 with halves and saturation');
    c.constant('float', 'input', values);
    c.declare(`const td_affine_quant params = {${cFloat(scale)}, ${zeroPoint}};`);
    const output = c.output('int8_t', 'output', values.length);
    c.invoke(`td_quantize_f32_s8(&params, ${values.length}, input, ${output})`);
    c.expect('int8_t', output, outputs[0] as Int8Array);
    cases.push(c);
  }
  {
    const scale = random.scale(0.01, 0.1);
    const zeroPoint = random.int(-20, 20);
    const values = allInt8();
    const { outputs } = runOp('DEQUANTIZE', {}, [{ dtype: 'int8', shape: [values.length], quantization: [scale, zeroPoint] }], [{ dtype: 'float32', shape: [values.length] }], [values]);
    const c = new CaseBuilder('dequantize_s8_f32');
    c.constant('int8_t', 'input', values);
    c.declare(`const td_affine_quant params = {${cFloat(scale)}, ${zeroPoint}};`);
    const output = c.output('float', 'output', values.length);
    c.invoke(`td_dequantize_s8_f32(&params, ${values.length}, input, ${output})`);
    c.expect('float', output, outputs[0] as Float32Array);
    cases.push(c);
  }
  for (const [label, ratio] of [
    ['down', 0.37],
    ['up', 2.9],
  ] as const) {
    const inputQuantization: [number, number] = [random.scale(0.02, 0.1), random.int(-20, 20)];
    const outputQuantization: [number, number] = [Math.fround(inputQuantization[0] * ratio), random.int(-20, 20)];
    const values = allInt8();
    const { outputs } = runOp('QUANTIZE', {}, [{ dtype: 'int8', shape: [values.length], quantization: inputQuantization }], [{ dtype: 'int8', shape: [values.length], quantization: outputQuantization }], [values]);
    const c = new CaseBuilder(`requantize_s8 scale ${label}`);
    c.constant('int8_t', 'input', values);
    c.declare(`const td_requantize_params params = {.input_offset = ${-inputQuantization[1]}, .output_offset = ${outputQuantization[1]}, .output = ${cRequant(quantizeMultiplier(inputQuantization[0] / outputQuantization[0]))}};`);
    const output = c.output('int8_t', 'output', values.length);
    c.invoke(`td_requantize_s8(&params, ${values.length}, input, ${output})`);
    c.expect('int8_t', output, outputs[0] as Int8Array);
    cases.push(c);
  }
  return cases;
}

function concatenation(random: Random, name: string, dtype: 'int8' | 'float32', shapes: number[][], axis: number): CaseBuilder {
  const outputShape = shapes[0].map((dim, d) => (d === axis ? shapes.reduce((sum, s) => sum + s[d], 0) : dim));
  const quantization: [number, number] | undefined = dtype === 'int8' ? [0.05, 3] : undefined;
  const inputs = shapes.map((shape) => (dtype === 'int8' ? random.int8(count(shape)) : random.float(count(shape), -1, 1)));
  const { outputs } = runOp(
    'CONCATENATION',
    { axis, activation: 'none' },
    shapes.map((shape) => ({ dtype, shape, quantization })),
    [{ dtype, shape: outputShape, quantization }],
    inputs,
  );
  const inner = count(outputShape.slice(axis + 1));
  const outer = count(outputShape.slice(0, axis));
  const type: CType = dtype === 'int8' ? 'int8_t' : 'float';
  const c = new CaseBuilder(name);
  inputs.forEach((values, i) => c.constant(type, `input${i}`, values));
  c.declare(`const ${type} *const inputs[${shapes.length}] = {${shapes.map((_, i) => `input${i}`).join(', ')}};`);
  c.constant('int32_t', 'copy_sizes', shapes.map((shape) => shape[axis] * inner));
  c.declare(`const td_concat_params params = {${shapes.length}, ${outer}, copy_sizes};`);
  const output = c.output(type, 'output', count(outputShape));
  c.invoke(`td_concatenation_${dtype === 'int8' ? 's8' : 'f32'}(&params, inputs, ${output})`);
  c.expect(type, output, outputs[0] as Int8Array | Float32Array);
  return c;
}

function pad(random: Random, name: string, dtype: 'int8' | 'float32', shape: number[], paddings: [number, number][]): CaseBuilder {
  const outputShape = shape.map((dim, d) => dim + paddings[d][0] + paddings[d][1]);
  const zeroPoint = random.int(-20, 20);
  const quantization: [number, number] | undefined = dtype === 'int8' ? [0.05, zeroPoint] : undefined;
  const input = dtype === 'int8' ? random.int8(count(shape)) : random.float(count(shape), -1, 1);
  const { outputs } = runOp(
    'PAD',
    {},
    [
      { dtype, shape, quantization },
      { dtype: 'int32', shape: [shape.length, 2], data: Int32Array.from(paddings.flat()) },
    ],
    [{ dtype, shape: outputShape, quantization }],
    [input],
  );
  const type: CType = dtype === 'int8' ? 'int8_t' : 'float';
  const c = new CaseBuilder(name);
  c.constant(type, 'input', input);
  c.declare(`const td_dims input_dims = ${cDims(shape)};`);
  const padded4 = (side: 0 | 1) => {
    const values = paddings.map((p) => p[side]);
    return `{${[...new Array<number>(4 - values.length).fill(0), ...values].join(', ')}}`;
  };
  const padValue = dtype === 'int8' ? String(zeroPoint) : '0.0f';
  c.declare(`const td_pad_params_${dtype === 'int8' ? 's8' : 'f32'} params = {.before = ${padded4(0)}, .after = ${padded4(1)}, .pad_value = ${padValue}};`);
  const output = c.output(type, 'output', count(outputShape));
  c.invoke(`td_pad_${dtype === 'int8' ? 's8' : 'f32'}(&params, &input_dims, input, ${output})`);
  c.expect(type, output, outputs[0] as Int8Array | Float32Array);
  return c;
}

function mean(random: Random, name: string, dtype: 'int8' | 'float32', shape: number[], axes: number[], sameQuantization: boolean): CaseBuilder {
  const first = Math.min(...axes);
  const last = Math.max(...axes);
  const outer = count(shape.slice(0, first));
  const reduce = count(shape.slice(first, last + 1));
  const inner = count(shape.slice(last + 1));
  const outputShape = shape.map((dim, d) => (axes.includes(d) ? 1 : dim));
  const inputQuantization: [number, number] = [random.scale(0.02, 0.1), random.int(-20, 20)];
  const outputQuantization: [number, number] = sameQuantization ? inputQuantization : [random.scale(0.005, 0.05), random.int(-20, 20)];
  const input = dtype === 'int8' ? random.int8(count(shape)) : random.float(count(shape), -2, 2);
  const { outputs } = runOp(
    'MEAN',
    { keepDims: true },
    [
      { dtype, shape, quantization: dtype === 'int8' ? inputQuantization : undefined },
      { dtype: 'int32', shape: [axes.length], data: Int32Array.from(axes) },
    ],
    [{ dtype, shape: outputShape, quantization: dtype === 'int8' ? outputQuantization : undefined }],
    [input],
  );
  const type: CType = dtype === 'int8' ? 'int8_t' : 'float';
  const c = new CaseBuilder(name);
  c.constant(type, 'input', input);
  const output = c.output(type, 'output', outer * inner);
  if (dtype === 'int8') {
    const q = quantizeMultiplier(inputQuantization[0] / outputQuantization[0]);
    const folded = foldCountIntoMultiplier(q.multiplier, q.shift, reduce);
    c.declare(`const td_mean_params_s8 params = {.rescale = ${sameQuantization ? 0 : 1}, .input_offset = ${-inputQuantization[1]}, .output_offset = ${outputQuantization[1]}, .output = ${cRequant(folded)}, .activation = {-128, 127}};`);
    c.invoke(`td_mean_s8(&params, ${outer}, ${reduce}, ${inner}, input, ${output})`);
  } else {
    c.invoke(`td_mean_f32(${outer}, ${reduce}, ${inner}, input, ${output})`);
  }
  c.expect(type, output, outputs[0] as Int8Array | Float32Array);
  return c;
}

interface LstmConfig {
  batch: number;
  time: number;
  inputSize: number;
  stateSize: number;
  timeMajor: boolean;
  cellClip: number;
  /** A quantized model's scales and ranges instead of the random ones (a search trial's layer). */
  model?: LstmModelQuantization;
  /** td_lstm_s8_packed over the generator's packed weights (lstm-packed.ts) instead of td_lstm_s8. */
  packed?: boolean;
}

interface LstmModelQuantization {
  input: [number, number];
  hidden: [number, number];
  weightsScale: number;
  recurrentScale: number;
  /** Bias ranges: the forget gate's (its float bias starts at 1) and the other gates'. */
  forgetBias: [number, number];
  bias: [number, number];
  cellScalePower: number;
}

const gateOrder = ['forget', 'input', 'cell', 'output'] as const;
/** TFLite's input positions of each gate's weights and bias. */
const gateInputs = {
  input: { weights: 1, recurrent: 5, bias: 12 },
  forget: { weights: 2, recurrent: 6, bias: 13 },
  cell: { weights: 3, recurrent: 7, bias: 14 },
  output: { weights: 4, recurrent: 8, bias: 15 },
} as const;

function lstmS8(random: Random, name: string, config: LstmConfig): CaseBuilder {
  const { batch, time, inputSize, stateSize, timeMajor } = config;
  const inputShape = timeMajor ? [time, batch, inputSize] : [batch, time, inputSize];
  const outputShape = timeMajor ? [time, batch, stateSize] : [batch, time, stateSize];
  const { model } = config;
  const inputQuantization: [number, number] = model?.input ?? [random.scale(0.02, 0.06), random.int(-20, 20)];
  const hiddenQuantization: [number, number] = model?.hidden ?? [random.scale(0.005, 0.01), random.int(-10, 10)];
  const cellScalePower = model?.cellScalePower ?? -11;
  const cellScale = 2 ** cellScalePower;
  const gateData = Object.fromEntries(
    gateOrder.map((gate) => [
      gate,
      {
        weights: random.int8(stateSize * inputSize, -127, 127),
        weightsScale: model?.weightsScale ?? random.scale(0.002, 0.01),
        recurrent: random.int8(stateSize * stateSize, -127, 127),
        recurrentScale: model?.recurrentScale ?? random.scale(0.002, 0.01),
        bias: random.int32(stateSize, model ? (gate === 'forget' ? model.forgetBias : model.bias)[0] : -20000, model ? (gate === 'forget' ? model.forgetBias : model.bias)[1] : 20000),
      },
    ]),
  ) as Record<(typeof gateOrder)[number], { weights: Int8Array; weightsScale: number; recurrent: Int8Array; recurrentScale: number; bias: Int32Array }>;
  // TFLite Micro starts the state at the zero point (hidden) and 0 (cell); a second run continues
  // from the state the first one left, so the kernel is also tested on a non-trivial state.
  const initialHidden = new Int8Array(batch * stateSize).fill(hiddenQuantization[1]);
  const initialCell = new Int16Array(batch * stateSize);
  const input = random.int8(count(inputShape));
  const secondInput = random.int8(count(inputShape));
  const specs: (TensorSpec | null)[] = new Array(24).fill(null);
  specs[0] = { dtype: 'int8', shape: inputShape, quantization: inputQuantization };
  for (const gate of gateOrder) {
    const d = gateData[gate];
    specs[gateInputs[gate].weights] = { dtype: 'int8', shape: [stateSize, inputSize], data: d.weights, quantization: [d.weightsScale, 0] };
    specs[gateInputs[gate].recurrent] = { dtype: 'int8', shape: [stateSize, stateSize], data: d.recurrent, quantization: [d.recurrentScale, 0] };
    specs[gateInputs[gate].bias] = { dtype: 'int32', shape: [stateSize], data: d.bias, quantization: [Math.fround(inputQuantization[0] * d.weightsScale), 0] };
  }
  specs[18] = { dtype: 'int8', shape: [batch, stateSize], quantization: hiddenQuantization, variable: true };
  specs[19] = { dtype: 'int16', shape: [batch, stateSize], quantization: [cellScale, 0], variable: true };
  const { runs, tensors, inputIds } = runOp(
    'UNIDIRECTIONAL_SEQUENCE_LSTM',
    { activation: 'tanh', cellClip: config.cellClip, projClip: 0, timeMajor, asymmetricQuantizeInputs: false, diagonalRecurrentTensors: false },
    specs,
    [{ dtype: 'int8', shape: outputShape, quantization: hiddenQuantization }],
    [input],
    [[secondInput]],
  );
  const gateScale = 2 ** -12;
  const activationScale = 2 ** -15;
  const c = new CaseBuilder(name);
  c.constant('int8_t', 'input', input);
  c.constant('int8_t', 'second_input', secondInput);
  const gates = gateOrder.map((gate) => {
    const d = gateData[gate];
    if (!config.packed) {
      c.constant('int8_t', `${gate}_weights`, d.weights);
      c.constant('int8_t', `${gate}_recurrent`, d.recurrent);
      c.constant('int32_t', `${gate}_bias`, d.bias);
    }
    const inputFc = quantizeMultiplier(Math.fround(inputQuantization[0] * d.weightsScale) / gateScale);
    const recurrentFc = quantizeMultiplier(Math.fround(hiddenQuantization[0] * d.recurrentScale) / gateScale);
    const pointers = config.packed ? 'NULL, NULL, NULL' : `${gate}_weights, ${gate}_recurrent, ${gate}_bias`;
    return `.${gate}_gate = {${pointers}, ${-inputQuantization[1]}, ${cRequant(inputFc)}, ${-hiddenQuantization[1]}, ${cRequant(recurrentFc)}}`;
  });
  const clip = config.cellClip > 0 ? Math.trunc(Math.min(Math.max(config.cellClip / cellScale, -32768), 32767)) : 0;
  c.declare(
    `const td_lstm_params_s8 params = {.dims = {${timeMajor ? 1 : 0}, ${batch}, ${time}, ${inputSize}, ${stateSize}}, ${gates.join(', ')}, .cell_gate_activation = TD_LSTM_TANH, ` +
      `.forget_cell_mul = ${cRequant(quantizeMultiplier((activationScale * cellScale) / cellScale))}, ` +
      `.input_cell_mul = ${cRequant(quantizeMultiplier((activationScale * activationScale) / cellScale))}, ` +
      `.output_hidden_mul = ${cRequant(quantizeMultiplier((activationScale * activationScale) / hiddenQuantization[0]))}, ` +
      `.hidden_offset = ${hiddenQuantization[1]}, .cell_clip_enabled = ${config.cellClip > 0 ? 1 : 0}, .quantized_cell_clip = ${clip}, .cell_state_scale_power = ${cellScalePower}};`,
  );
  const hidden = c.state('int8_t', 'hidden', initialHidden);
  const cell = c.state('int16_t', 'cell', initialCell);
  const output = c.output('int8_t', 'output', count(outputShape));
  const secondOutput = c.output('int8_t', 'second_output', count(outputShape));
  if (config.packed) {
    const packedGates = gateOrder.map((gate) => ({
      inputWeights: gateData[gate].weights,
      recurrentWeights: gateData[gate].recurrent,
      bias: gateData[gate].bias,
      inputOffset: -inputQuantization[1],
      recurrentOffset: -hiddenQuantization[1],
    }));
    // LDM needs the packed weights 4-byte aligned (the generator emits weights 16-byte aligned).
    const weights = packLstmWeights(packedGates, inputSize, stateSize);
    c.declare(`static const int16_t packed_weights[${weights.length}] __attribute__((aligned(4))) = ${cList('int16_t', weights)};`);
    c.constant('int32_t', 'packed_bias', packLstmBias(packedGates, inputSize, stateSize)!);
    const ctx = c.context('td_lstm_s8_packed_get_buffer_size(&params.dims)');
    c.invoke(`td_lstm_s8_packed(${ctx}, &params, packed_weights, packed_bias, input, ${hidden}, ${cell}, ${output})`);
    c.invoke(`td_lstm_s8_packed(${ctx}, &params, packed_weights, packed_bias, second_input, ${hidden}, ${cell}, ${secondOutput})`);
  } else {
    const ctx = c.context('td_lstm_s8_get_buffer_size(&params.dims)');
    c.invoke(`td_lstm_s8(${ctx}, &params, input, ${hidden}, ${cell}, ${output})`);
    c.invoke(`td_lstm_s8(${ctx}, &params, second_input, ${hidden}, ${cell}, ${secondOutput})`);
  }
  c.expect('int8_t', output, runs[0][0] as Int8Array);
  c.expect('int8_t', secondOutput, runs[1][0] as Int8Array);
  c.expect('int8_t', hidden, tensors.get(inputIds[18]) as Int8Array);
  c.expect('int16_t', cell, tensors.get(inputIds[19]) as Int16Array);
  return c;
}

function lstmF32(random: Random, name: string, config: LstmConfig): CaseBuilder {
  const { batch, time, inputSize, stateSize, timeMajor } = config;
  const inputShape = timeMajor ? [time, batch, inputSize] : [batch, time, inputSize];
  const outputShape = timeMajor ? [time, batch, stateSize] : [batch, time, stateSize];
  const gateData = Object.fromEntries(
    gateOrder.map((gate) => [
      gate,
      { weights: random.float(stateSize * inputSize, -0.6, 0.6), recurrent: random.float(stateSize * stateSize, -0.6, 0.6), bias: random.float(stateSize, -0.3, 0.3) },
    ]),
  ) as Record<(typeof gateOrder)[number], { weights: Float32Array; recurrent: Float32Array; bias: Float32Array }>;
  const initialHidden = new Float32Array(batch * stateSize);
  const initialCell = new Float32Array(batch * stateSize);
  const input = random.float(count(inputShape), -1, 1);
  const secondInput = random.float(count(inputShape), -1, 1);
  const specs: (TensorSpec | null)[] = new Array(24).fill(null);
  specs[0] = { dtype: 'float32', shape: inputShape };
  for (const gate of gateOrder) {
    const d = gateData[gate];
    specs[gateInputs[gate].weights] = { dtype: 'float32', shape: [stateSize, inputSize], data: d.weights };
    specs[gateInputs[gate].recurrent] = { dtype: 'float32', shape: [stateSize, stateSize], data: d.recurrent };
    specs[gateInputs[gate].bias] = { dtype: 'float32', shape: [stateSize], data: d.bias };
  }
  specs[18] = { dtype: 'float32', shape: [batch, stateSize], variable: true };
  specs[19] = { dtype: 'float32', shape: [batch, stateSize], variable: true };
  const { runs, tensors, inputIds } = runOp(
    'UNIDIRECTIONAL_SEQUENCE_LSTM',
    { activation: 'tanh', cellClip: config.cellClip, projClip: 0, timeMajor, asymmetricQuantizeInputs: false, diagonalRecurrentTensors: false },
    specs,
    [{ dtype: 'float32', shape: outputShape }],
    [input],
    [[secondInput]],
  );
  const c = new CaseBuilder(name);
  c.constant('float', 'input', input);
  c.constant('float', 'second_input', secondInput);
  const gates = gateOrder.map((gate) => {
    const d = gateData[gate];
    c.constant('float', `${gate}_weights`, d.weights);
    c.constant('float', `${gate}_recurrent`, d.recurrent);
    c.constant('float', `${gate}_bias`, d.bias);
    return `.${gate}_gate = {${gate}_weights, ${gate}_recurrent, ${gate}_bias}`;
  });
  c.declare(
    `const td_lstm_params_f32 params = {.dims = {${timeMajor ? 1 : 0}, ${batch}, ${time}, ${inputSize}, ${stateSize}}, ${gates.join(', ')}, .cell_gate_activation = TD_LSTM_TANH, .cell_clip = ${cFloat(config.cellClip)}};`,
  );
  const hidden = c.state('float', 'hidden', initialHidden);
  const cell = c.state('float', 'cell', initialCell);
  const output = c.output('float', 'output', count(outputShape));
  const secondOutput = c.output('float', 'second_output', count(outputShape));
  const ctx = c.context('td_lstm_f32_get_buffer_size(&params.dims)');
  c.invoke(`td_lstm_f32(${ctx}, &params, input, ${hidden}, ${cell}, ${output})`);
  c.invoke(`td_lstm_f32(${ctx}, &params, second_input, ${hidden}, ${cell}, ${secondOutput})`);
  c.expect('float', output, runs[0][0] as Float32Array, 1e-5);
  c.expect('float', secondOutput, runs[1][0] as Float32Array, 1e-5);
  c.expect('float', `${hidden}`, tensors.get(inputIds[18]) as Float32Array, 1e-5);
  c.expect('float', `${cell}`, tensors.get(inputIds[19]) as Float32Array, 1e-5);
  return c;
}

interface GruConfig {
  batch: number;
  time: number;
  inputSize: number;
  stateSize: number;
  timeMajor: boolean;
  linearBeforeReset: boolean;
  /** The recurrent n bias (input 10); only with linear_before_reset. */
  recurrentNBias: boolean;
  reverse?: boolean;
  returnSequences?: boolean;
  /** td_gru_s8_packed (linear_before_reset) or td_gru_s8_packed_reset_first over the generator's packed weights instead of td_gru_s8. */
  packed?: boolean;
  /** The input weights' scales of the int8 GRU (default 0.001 to 0.005); larger ones make input FC multipliers above 1. */
  weightsScale?: [number, number];
}

/** TD_GRU's tensors in input order (gru-layout.ts), weights and biases from `data`, the state zero-filled. */
function gruSpecs(config: GruConfig, dtype: 'int8' | 'float32', data: GruData, quantization: { input?: [number, number] } = {}): (TensorSpec | null)[] {
  const { batch, time, inputSize, stateSize, timeMajor } = config;
  const int8 = dtype === 'int8';
  const specs: (TensorSpec | null)[] = new Array(gruInputCount).fill(null);
  specs[gruInputIndex.input] = { dtype, shape: timeMajor ? [time, batch, inputSize] : [batch, time, inputSize], quantization: quantization.input };
  for (const gate of gruGateNames) {
    const d = data.gates[gate];
    specs[gruInputIndex.inputWeights[gate]] = { dtype, shape: [stateSize, inputSize], data: d.weights, quantization: int8 ? [d.weightsScale, 0] : undefined };
    specs[gruInputIndex.recurrentWeights[gate]] = { dtype, shape: [stateSize, stateSize], data: d.recurrent, quantization: int8 ? [d.recurrentScale, 0] : undefined };
    specs[gruInputIndex.bias[gate]] = { dtype: int8 ? 'int32' : 'float32', shape: [stateSize], data: d.bias };
  }
  if (data.recurrentNBias) specs[gruInputIndex.recurrentNBias] = { dtype: int8 ? 'int32' : 'float32', shape: [stateSize], data: data.recurrentNBias };
  specs[gruInputIndex.hiddenState] = { dtype: int8 ? 'int16' : 'float32', shape: [batch, stateSize], quantization: int8 ? [gruStateScale, 0] : undefined, variable: true };
  return specs;
}

/** Weights and biases: int8 and int32, or float32. */
type GruArray = Int8Array | Int32Array | Float32Array;

interface GruData {
  gates: Record<GruGateName, { weights: GruArray; weightsScale: number; recurrent: GruArray; recurrentScale: number; bias: GruArray }>;
  recurrentNBias?: GruArray;
}

function gruAttrsOf(config: GruConfig): GruAttrs {
  return { linearBeforeReset: config.linearBeforeReset, timeMajor: config.timeMajor, reverse: config.reverse ?? false, returnSequences: config.returnSequences ?? true };
}

function gruOutputShape(config: GruConfig): number[] {
  const { batch, time, stateSize, timeMajor } = config;
  if (config.returnSequences === false) return [batch, stateSize];
  return timeMajor ? [time, batch, stateSize] : [batch, time, stateSize];
}

/** td_gru_dims from the plan's layout, in the field order of td_kernels.h. */
function gruDimsC(layout: GruLayout): string {
  const flag = (value: boolean) => (value ? 1 : 0);
  return (
    `{.time_major = ${flag(layout.timeMajor)}, .batch_size = ${layout.batchSize}, .time_steps = ${layout.timeSteps}, .input_size = ${layout.inputSize}, ` +
    `.state_size = ${layout.stateSize}, .linear_before_reset = ${flag(layout.linearBeforeReset)}, .reverse = ${flag(layout.reverse)}, .return_sequences = ${flag(layout.returnSequences)}}`
  );
}

/**
 * Runs a TD_GRU twice in streaming mode (the second run continues from the state the first left)
 * and returns both outputs, the final state and the op library's plan.
 */
function runGru(config: GruConfig, specs: (TensorSpec | null)[], output: TensorSpec, input: TensorData, secondInput: TensorData): { runs: TensorData[][]; state: TensorData; plan: GruPlan } {
  const { runs, tensors, inputIds, graph } = runOp(gruOpType, gruAttrsOf(config), specs, [output], [input], [[secondInput]]);
  const plan = findOp(gruOpType)!.prepare(opContext(graph, graph.ops[0], 0, Error)) as GruPlan;
  return { runs, state: tensors.get(inputIds[gruInputIndex.hiddenState])!, plan };
}

function gruS8(random: Random, name: string, config: GruConfig): CaseBuilder {
  const { batch, stateSize, inputSize } = config;
  const inputQuantization: [number, number] = [random.scale(0.02, 0.06), random.int(-20, 20)];
  // Q0.15 outputs in (-1, 1): a scale of about 1/128 spends the int8 range on them.
  const outputQuantization: [number, number] = [random.scale(0.006, 0.01), random.int(-10, 10)];
  const data: GruData = {
    gates: Object.fromEntries(
      gruGateNames.map((gate) => [
        gate,
        {
          weights: random.int8(stateSize * inputSize, -127, 127),
          weightsScale: random.scale(...(config.weightsScale ?? [0.001, 0.005])),
          recurrent: random.int8(stateSize * stateSize, -127, 127),
          recurrentScale: random.scale(0.005, 0.02),
          // Pre-activations mostly within +-3, so the gates and the state are not all saturated.
          bias: random.int32(stateSize, -6000, 6000),
        },
      ]),
    ) as GruData['gates'],
  };
  if (config.recurrentNBias) data.recurrentNBias = random.int32(stateSize, -6000, 6000);
  const specs = gruSpecs(config, 'int8', data, { input: inputQuantization });
  const inputLength = count(specs[gruInputIndex.input]!.shape);
  const input = random.int8(inputLength);
  const secondInput = random.int8(inputLength);
  const outputShape = gruOutputShape(config);
  const { runs, state, plan } = runGru(config, specs, { dtype: 'int8', shape: outputShape, quantization: outputQuantization }, input, secondInput);
  if (plan.arithmetic.flavour !== 'int8') throw new Error(`${name}: expected an int8 plan`);
  const a = plan.arithmetic;
  const c = new CaseBuilder(name);
  c.constant('int8_t', 'input', input);
  c.constant('int8_t', 'second_input', secondInput);
  const gates = gruGateNames.map((gate) => {
    const d = data.gates[gate];
    const word = gruGateWord(gate);
    if (config.packed) return `.${word}_gate = {NULL, NULL, NULL, ${cRequant(a.gates[gate].inputMultiplier)}, ${cRequant(a.gates[gate].recurrentMultiplier)}}`;
    c.constant('int8_t', `${word}_weights`, d.weights);
    c.constant('int8_t', `${word}_recurrent`, d.recurrent);
    c.constant('int32_t', `${word}_bias`, d.bias);
    return `.${word}_gate = {${word}_weights, ${word}_recurrent, ${word}_bias, ${cRequant(a.gates[gate].inputMultiplier)}, ${cRequant(a.gates[gate].recurrentMultiplier)}}`;
  });
  const nBias = data.recurrentNBias && !config.packed ? c.constant('int32_t', 'recurrent_new_bias', data.recurrentNBias) : 'NULL';
  c.declare(
    `const td_gru_params_s8 params = {.dims = ${gruDimsC(plan.layout)}, ${gates.join(', ')}, .recurrent_new_bias = ${nBias}, ` +
      `.input_offset = ${cInt(a.inputOffset)}, .output_mul = ${cRequant(a.outputMultiplier)}, .output_offset = ${cInt(a.outputZeroPoint)}};`,
  );
  const hidden = c.state('int16_t', 'hidden', new Int16Array(batch * stateSize));
  const output = c.output('int8_t', 'output', count(outputShape));
  const secondOutput = c.output('int8_t', 'second_output', count(outputShape));
  if (config.packed) {
    const packedGates = gruGateNames.map((gate) => ({
      inputWeights: data.gates[gate].weights,
      recurrentWeights: data.gates[gate].recurrent,
      bias: data.gates[gate].bias,
      inputOffset: a.inputOffset,
      recurrentOffset: 0,
      recurrentBias: gate === 'n' ? data.recurrentNBias : undefined,
    }));
    // Without linear_before_reset: td_gru_s8_packed_reset_first over its own layout (gru-packed.ts).
    const resetFirst = config.linearBeforeReset ? undefined : packGruResetFirst(packedGates, inputSize, stateSize)!;
    const kernel = resetFirst ? 'td_gru_s8_packed_reset_first' : 'td_gru_s8_packed';
    // LDM needs the packed weights 4-byte aligned (the generator emits weights 16-byte aligned).
    const weights = resetFirst?.weights ?? packLstmWeights(packedGates, inputSize, stateSize);
    c.declare(`static const int16_t packed_weights[${weights.length}] __attribute__((aligned(4))) = ${cList('int16_t', weights)};`);
    c.constant('int32_t', 'packed_bias', resetFirst?.bias ?? packLstmBias(packedGates, inputSize, stateSize)!);
    const ctx = c.context(`${kernel}_get_buffer_size(&params.dims)`);
    c.invoke(`${kernel}(${ctx}, &params, packed_weights, packed_bias, input, ${hidden}, ${output})`);
    c.invoke(`${kernel}(${ctx}, &params, packed_weights, packed_bias, second_input, ${hidden}, ${secondOutput})`);
  } else {
    const ctx = c.context('td_gru_s8_get_buffer_size(&params.dims)');
    c.invoke(`td_gru_s8(${ctx}, &params, input, ${hidden}, ${output})`);
    c.invoke(`td_gru_s8(${ctx}, &params, second_input, ${hidden}, ${secondOutput})`);
  }
  c.expect('int8_t', output, runs[0][0] as Int8Array);
  c.expect('int8_t', secondOutput, runs[1][0] as Int8Array);
  c.expect('int16_t', hidden, state as Int16Array);
  return c;
}

function gruF32(random: Random, name: string, config: GruConfig): CaseBuilder {
  const { batch, stateSize, inputSize } = config;
  const data: GruData = {
    gates: Object.fromEntries(
      gruGateNames.map((gate) => [
        gate,
        { weights: random.float(stateSize * inputSize, -0.6, 0.6), weightsScale: 1, recurrent: random.float(stateSize * stateSize, -0.6, 0.6), recurrentScale: 1, bias: random.float(stateSize, -0.3, 0.3) },
      ]),
    ) as GruData['gates'],
  };
  if (config.recurrentNBias) data.recurrentNBias = random.float(stateSize, -0.3, 0.3);
  const specs = gruSpecs(config, 'float32', data);
  const inputLength = count(specs[gruInputIndex.input]!.shape);
  const input = random.float(inputLength, -1, 1);
  const secondInput = random.float(inputLength, -1, 1);
  const outputShape = gruOutputShape(config);
  const { runs, state, plan } = runGru(config, specs, { dtype: 'float32', shape: outputShape }, input, secondInput);
  const c = new CaseBuilder(name);
  c.constant('float', 'input', input);
  c.constant('float', 'second_input', secondInput);
  const gates = gruGateNames.map((gate) => {
    const d = data.gates[gate];
    const word = gruGateWord(gate);
    c.constant('float', `${word}_weights`, d.weights);
    c.constant('float', `${word}_recurrent`, d.recurrent);
    c.constant('float', `${word}_bias`, d.bias);
    return `.${word}_gate = {${word}_weights, ${word}_recurrent, ${word}_bias}`;
  });
  const nBias = data.recurrentNBias ? c.constant('float', 'recurrent_new_bias', data.recurrentNBias) : 'NULL';
  c.declare(`const td_gru_params_f32 params = {.dims = ${gruDimsC(plan.layout)}, ${gates.join(', ')}, .recurrent_new_bias = ${nBias}};`);
  const hidden = c.state('float', 'hidden', new Float32Array(batch * stateSize));
  const output = c.output('float', 'output', count(outputShape));
  const secondOutput = c.output('float', 'second_output', count(outputShape));
  const ctx = c.context('td_gru_f32_get_buffer_size(&params.dims)');
  c.invoke(`td_gru_f32(${ctx}, &params, input, ${hidden}, ${output})`);
  c.invoke(`td_gru_f32(${ctx}, &params, second_input, ${hidden}, ${secondOutput})`);
  c.expect('float', output, runs[0][0] as Float32Array, 1e-5);
  c.expect('float', secondOutput, runs[1][0] as Float32Array, 1e-5);
  c.expect('float', hidden, state as Float32Array, 1e-5);
  return c;
}

/**
 * TD_GRU both ways of linear_before_reset, batch 1 and 2, time-major and batch-major, an input
 * wider than the state, and the backward half of a bidirectional layer (reverse, last step only).
 * Drawn after every other case, so those keep their data.
 */
function gruCases(random: Random): CaseBuilder[] {
  const gru: [string, GruConfig][] = [
    ['linear_before_reset recurrent n bias batch-major B2 T3', { batch: 2, time: 3, inputSize: 5, stateSize: 4, timeMajor: false, linearBeforeReset: true, recurrentNBias: true }],
    ['reset before the product time-major B2 T4', { batch: 2, time: 4, inputSize: 6, stateSize: 8, timeMajor: true, linearBeforeReset: false, recurrentNBias: false }],
    ['linear_before_reset time-major B1 T5', { batch: 1, time: 5, inputSize: 3, stateSize: 7, timeMajor: true, linearBeforeReset: true, recurrentNBias: false }],
    ['reset before the product batch-major B1 T4 input size 20 > state size 5', { batch: 1, time: 4, inputSize: 20, stateSize: 5, timeMajor: false, linearBeforeReset: false, recurrentNBias: false }],
    ['linear_before_reset batch-major B2 T3 input size 13 > state size 6', { batch: 2, time: 3, inputSize: 13, stateSize: 6, timeMajor: false, linearBeforeReset: true, recurrentNBias: true }],
    ['reverse last step only time-major B2 T3', { batch: 2, time: 3, inputSize: 4, stateSize: 5, timeMajor: true, linearBeforeReset: true, recurrentNBias: true, reverse: true, returnSequences: false }],
  ];
  return [...gru.map(([label, config]) => gruS8(random, `gru_s8 ${label}`, config)), ...gru.map(([label, config]) => gruF32(random, `gru_f32 ${label}`, config))];
}

/**
 * The library's internal gemmlowp / TFLite fixed-point functions, value by value against the
 * interpreter's (which are tested against BigInt): int8 outputs hide sub-LSB differences that
 * these int32 comparisons expose.
 */
function fixedPointCases(random: Random): CaseBuilder[] {
  const n = 400;
  const anyInt32 = () => random.int(-2147483648, 2147483647);
  const int32Edges = [-2147483648, -2147483647, -1, 0, 1, 2147483647, 1 << 30, -(1 << 30)];
  const withEdges = (values: number[], edges: number[]) => [...edges, ...values.slice(edges.length)];
  const cases: [string, string, number[], number[], number[], number[]][] = [];
  const add = (label: string, fn: string, a: number[], b: number[], c: number[], f: (a: number, b: number, c: number) => number) =>
    cases.push([label, fn, a, b, c, a.map((value, i) => f(value, b[i], c[i]))]);

  {
    const a = withEdges(Array.from({ length: n }, anyInt32), int32Edges);
    const b = withEdges(Array.from({ length: n }, anyInt32), [-2147483648, 2147483647, -2147483648, 1 << 30, 7, -2147483648, 2147483647, 1]);
    add('SaturatingRoundingDoublingHighMul', 'TD_TEST_SRDHM', a, b, a.map(() => 0), (x, y) => saturatingRoundingDoublingHighMul(x, y));
  }
  {
    const a = withEdges(Array.from({ length: n }, anyInt32), int32Edges);
    const b = a.map((_, i) => (i < 32 ? i : random.int(0, 31)));
    add('RoundingDivideByPOT', 'TD_TEST_ROUNDING_DIVIDE_BY_POT', a, b, a.map(() => 0), (x, e) => roundingDivideByPOT(x, e));
  }
  {
    // Accumulator-sized values with realistic multipliers and shifts (right shifts, and small left ones).
    const a = Array.from({ length: n }, () => random.int(-(1 << 24), 1 << 24));
    const b = a.map(() => random.int(1 << 30, 2147483647));
    const c = a.map(() => random.int(-31, 6));
    add('MultiplyByQuantizedMultiplier', 'TD_TEST_MULTIPLY_BY_QUANTIZED_MULTIPLIER', a, b, c, (x, m, s) => multiplyByQuantizedMultiplier(x, m, s));
  }
  {
    const a = withEdges(Array.from({ length: n }, anyInt32), int32Edges);
    const b = a.map(() => random.int(-12, 12));
    add('SaturatingRoundingMultiplyByPOT', 'TD_TEST_SATURATING_ROUNDING_MULTIPLY_BY_POT', a, b, a.map(() => 0), (x, e) => saturatingRoundingMultiplyByPOT(x, e));
  }
  for (const integerBits of [4, 5]) {
    const a = withEdges(Array.from({ length: n }, () => random.int(-2147483647, 0)), [0, -1, -2147483647, -(1 << (29 - integerBits))]);
    const b = a.map(() => integerBits);
    add(`exp_on_negative_values Q${integerBits}`, 'TD_TEST_EXP_ON_NEGATIVE_VALUES', a, b, a.map(() => 0), (x, bits) => expOnNegativeValues(x, bits));
  }
  {
    const a = withEdges(Array.from({ length: n }, () => random.int(0, 2147483647)), [0, 1, 2147483647, 1 << 30]);
    const zeros = a.map(() => 0);
    add('one_over_one_plus_x_for_x_in_0_1', 'TD_TEST_ONE_OVER_ONE_PLUS_X', a, zeros, zeros, (x) => oneOverOnePlusXForXIn0To1(x));
    add('one_minus_x_over_one_plus_x_for_x_in_0_1', 'TD_TEST_ONE_MINUS_X_OVER_ONE_PLUS_X', a, zeros, zeros, (x) => oneMinusXOverOnePlusXForXIn0To1(x));
  }
  {
    // The int8 logistic and tanh feed Q4 values inside the input radius: |x| < 2^31 - 2^27.
    const a = withEdges(Array.from({ length: n }, () => random.int(-2013265919, 2013265919)), [0, 1, -1, 2013265919, -2013265919]);
    const b = a.map(() => 4);
    add('gemmlowp logistic Q4', 'TD_TEST_LOGISTIC', a, b, a.map(() => 0), (x, bits) => logistic(x, bits));
    add('gemmlowp tanh Q4', 'TD_TEST_TANH', a, b, a.map(() => 0), (x, bits) => tanh(x, bits));
  }
  return cases.map(([label, fn, a, b, c, expected]) => {
    const builder = new CaseBuilder(`fixed point ${label}`);
    builder.constant('int32_t', 'a', a);
    builder.constant('int32_t', 'b', b);
    builder.constant('int32_t', 'c', c);
    const output = builder.output('int32_t', 'output', a.length);
    builder.invoke(`td_test_fixed_point(${fn}, ${a.length}, a, b, c, ${output})`);
    builder.expect('int32_t', output, expected);
    return builder;
  });
}

function reshape(): CaseBuilder {
  const input = Int8Array.from({ length: 24 }, (_, i) => i * 5 - 60);
  const c = new CaseBuilder('reshape copies bytes');
  c.constant('int8_t', 'input', input);
  const output = c.output('int8_t', 'output', input.length);
  c.invoke(`td_reshape(${input.length}, input, ${output})`);
  c.expect('int8_t', output, input);
  return c;
}

/** Every case, in run order. */
function buildCases(random: Random): CaseBuilder[] {
  const cases: CaseBuilder[] = [...fixedPointCases(random)];
  const conv: [string, ConvConfig][] = [
    ['3x3 stride 1 same relu', { input: [5, 5, 3], outputChannels: 4, kernel: [3, 3], padding: 'same', activation: 'relu' }],
    ['3x3 stride 2 valid no bias', { input: [7, 6, 4], outputChannels: 5, kernel: [3, 3], stride: [2, 2], padding: 'valid', activation: 'none', bias: false }],
    ['3x3 dilation 2 same', { input: [7, 7, 2], outputChannels: 3, kernel: [3, 3], dilation: [2, 2], padding: 'same', activation: 'none' }],
    ['1x1 pointwise 8->16', { input: [4, 4, 8], outputChannels: 16, kernel: [1, 1], padding: 'valid', activation: 'relu6' }],
    ['2x3 stride (2,1) batch 2 C_in 5 relu6', { batch: 2, input: [6, 5, 5], outputChannels: 3, kernel: [2, 3], stride: [2, 1], padding: 'same', activation: 'relu6' }],
    ['10x4 kernel stride 2 per-tensor weights (KWS first layer)', { input: [12, 10, 1], outputChannels: 6, kernel: [10, 4], stride: [2, 2], padding: 'same', activation: 'relu', perChannel: false }],
    ['grouped 2 groups', { input: [5, 5, 4], outputChannels: 6, kernel: [3, 3], padding: 'same', activation: 'none', groups: 2 }],
    ['odd pixel count 3x3 C_in 7', { input: [3, 3, 7], outputChannels: 5, kernel: [3, 3], padding: 'same', activation: 'none' }],
  ];
  for (const [label, config] of conv) cases.push(convS8(random, `conv2d_s8 ${label}`, config, false));
  for (const [label, config] of conv) cases.push(convF32(random, `conv2d_f32 ${label}`, config, false));
  // Shapes the Helium kernel runs (receptive fields of 32 bytes and more): windows read in place
  // over several runs whose length is not a multiple of sixteen (the tail-predicated loop's last
  // step), 1x1 over 40 channels, channels past the last four, groups whose first channel is not a
  // multiple of four (the per-channel tables), wide clamps. Their own seed: the cases after them
  // draw the same values as without them.
  const heliumRandom = new Random(0x3e5);
  const heliumConv: [string, ConvConfig][] = [
    ['3x3 C_in 24 runs of 72 bytes 10 out same', { input: [6, 7, 24], outputChannels: 10, kernel: [3, 3], padding: 'same', activation: 'relu' }],
    ['1x1 C_in 40 to 9 stride 2', { input: [5, 6, 40], outputChannels: 9, kernel: [1, 1], stride: [2, 2], padding: 'valid', activation: 'none' }],
    ['2x2 C_in 16 to 8 valid relu6', { input: [4, 5, 16], outputChannels: 8, kernel: [2, 2], padding: 'valid', activation: 'relu6' }],
    ['3x3 grouped 2 groups of 16 to 6 each', { input: [5, 5, 32], outputChannels: 12, kernel: [3, 3], padding: 'same', activation: 'none', groups: 2 }],
  ];
  for (const [label, config] of heliumConv) cases.push(convS8(heliumRandom, `conv2d_s8 ${label}`, config, false));
  // The Helium kernel's two requantizations: the fast form (every channel with 1 <= right shift <= 21 and its
  // accumulator under 2^30 in magnitude, td_conv_mve_blocks) at its edges, and the exact form a call takes when one
  // channel is outside it (a right shift of 22 or 0, a left shift, a bias near 2^30), at rounding ties; runs of 48
  // bytes (no excess) and of 40 (an excess of 8) over several rows; both forms over enough outputs to meet the rounding's
  // halfway remainders. Their own seed, as above.
  const requantRandom = new Random(0x3e6);
  const requantConv: [string, ConvConfig][] = [
    ['1x1 C_in 64 to 12 extremes', { input: [3, 4, 64], outputChannels: 12, kernel: [1, 1], padding: 'valid', activation: 'none', extremes: { inputZeroPoint: -128 } }],
    ['3x3 C_in 16 runs of 48 bytes to 8 right shift 21 at ties', { input: [5, 5, 16], outputChannels: 8, kernel: [3, 3], padding: 'same', activation: 'none', effectiveScale: [2.4e-7, 4.7e-7], bias: Array.from({ length: 8 }, (_, c) => (c % 2 ? -1 : 1) * (150_000_000 + c * 1_000_003)), biasAtRoundingTies: true }],
    ['3x3 C_in 16 to 8 right shift 22 (exact form) at ties', { input: [5, 5, 16], outputChannels: 8, kernel: [3, 3], padding: 'same', activation: 'none', effectiveScale: [1.2e-7, 2.3e-7], bias: Array.from({ length: 8 }, (_, c) => (c % 2 ? 1 : -1) * (250_000_000 + c * 999_983)), biasAtRoundingTies: true }],
    ['2x5 C_in 8 runs of 40 bytes to 6 left shift (exact form)', { input: [4, 7, 8], outputChannels: 6, kernel: [2, 5], padding: 'same', activation: 'relu6', effectiveScale: [1.1, 1.9] }],
    ['1x1 C_in 32 to 8 shift 0 (exact form)', { input: [3, 3, 32], outputChannels: 8, kernel: [1, 1], padding: 'valid', activation: 'none', effectiveScale: [0.55, 0.95] }],
    ['1x1 C_in 24 to 8 bias near 2^30 (exact form) at ties', { input: [3, 3, 24], outputChannels: 8, kernel: [1, 1], padding: 'valid', activation: 'none', effectiveScale: [3e-7, 4e-7], bias: Array.from({ length: 8 }, (_, c) => (c === 5 ? 1_080_000_000 : (c % 2 ? -1 : 1) * 300_000_000)), biasAtRoundingTies: true }],
    // 4,096 outputs at a right shift of 8: some sixteen land where the rounding's comparison decides (remainder at half).
    ['1x1 C_in 16 to 16 over 16x16 right shift 8', { input: [16, 16, 16], outputChannels: 16, kernel: [1, 1], padding: 'valid', activation: 'none', effectiveScale: [0.002, 0.0038] }],
    ['1x1 C_in 16 to 16 over 16x16 right shift 8, one bias over 2^30 (exact form)', { input: [16, 16, 16], outputChannels: 16, kernel: [1, 1], padding: 'valid', activation: 'none', effectiveScale: [0.002, 0.0038], bias: Array.from({ length: 16 }, (_, c) => (c === 3 ? 1_100_000_000 : ((c * 7919) % 6001) - 3000)) }],
  ];
  for (const [label, config] of requantConv) cases.push(convS8(requantRandom, `conv2d_s8 ${label}`, config, false));
  const depthwise: [string, ConvConfig][] = [
    ['3x3 stride 1 same relu', { input: [6, 6, 4], outputChannels: 4, kernel: [3, 3], padding: 'same', activation: 'relu' }],
    ['3x3 stride 2 valid multiplier 2', { input: [7, 7, 3], outputChannels: 6, kernel: [3, 3], stride: [2, 2], padding: 'valid', activation: 'none' }],
    ['3x3 dilation 2 same relu6 batch 2', { batch: 2, input: [6, 5, 5], outputChannels: 5, kernel: [3, 3], dilation: [2, 2], padding: 'same', activation: 'relu6' }],
    ['3x3 stride 2 same no bias', { input: [8, 8, 8], outputChannels: 8, kernel: [3, 3], stride: [2, 2], padding: 'same', activation: 'none', bias: false }],
    ['3x3 stride 1 same multiplier 2 on 8 channels', { input: [6, 6, 8], outputChannels: 16, kernel: [3, 3], padding: 'same', activation: 'none' }],
    ['5x3 stride 2 valid multiplier 3', { input: [9, 7, 4], outputChannels: 12, kernel: [5, 3], stride: [2, 2], padding: 'valid', activation: 'relu' }],
    ['3x3 stride 1 same multiplier 8 on one channel', { input: [7, 6, 1], outputChannels: 8, kernel: [3, 3], padding: 'same', activation: 'none' }],
    ['10x8 stride 2 same (ten filter rows)', { input: [13, 11, 8], outputChannels: 8, kernel: [10, 8], stride: [2, 2], padding: 'same', activation: 'relu' }],
  ];
  for (const [label, config] of depthwise) cases.push(convS8(random, `depthwise_conv2d_s8 ${label}`, config, true));
  for (const [label, config] of depthwise) cases.push(convF32(random, `depthwise_conv2d_f32 ${label}`, config, true));
  const fc: [string, FcConfig][] = [
    ['per-tensor relu', { batches: 1, inputDepth: 32, outputDepth: 10, activation: 'relu' }],
    ['per-tensor odd sizes batch 3 no bias', { batches: 3, inputDepth: 13, outputDepth: 7, activation: 'none', bias: false }],
    ['per-channel', { batches: 2, inputDepth: 20, outputDepth: 9, activation: 'none', perChannel: true }],
    ['weights zero point 3', { batches: 2, inputDepth: 17, outputDepth: 6, activation: 'relu6', weightZeroPoint: 3 }],
  ];
  for (const [label, config] of fc) cases.push(fullyConnectedS8(random, `fully_connected_s8 ${label}`, config));
  for (const [label, config] of fc.filter(([, config]) => !config.weightZeroPoint)) {
    cases.push(fullyConnectedF32(random, `fully_connected_f32 ${label}`, config));
  }
  const pools: [string, PoolConfig][] = [
    ['2x2 stride 2 valid', { input: [6, 6, 3], filter: [2, 2], stride: [2, 2], padding: 'valid', activation: 'none' }],
    ['3x3 stride 1 same relu', { input: [5, 4, 5], filter: [3, 3], stride: [1, 1], padding: 'same', activation: 'relu' }],
    ['3x3 stride 2 same batch 2 relu6', { batch: 2, input: [7, 7, 2], filter: [3, 3], stride: [2, 2], padding: 'same', activation: 'relu6' }],
    ['global 5x5', { input: [5, 5, 8], filter: [5, 5], stride: [1, 1], padding: 'valid', activation: 'none' }],
  ];
  for (const dtype of ['int8', 'float32'] as const) {
    for (const kind of ['AVERAGE_POOL_2D', 'MAX_POOL_2D'] as const) {
      for (const [label, config] of pools) {
        cases.push(pool(random, `${kind === 'AVERAGE_POOL_2D' ? 'avgpool' : 'maxpool'}_${dtype === 'int8' ? 's8' : 'f32'} ${label}`, kind, dtype, config));
      }
    }
  }
  const binaries: [string, BinaryConfig][] = [
    ['same shape', { shape1: [1, 3, 4, 5], shape2: [1, 3, 4, 5], activation: 'none' }],
    ['same shape relu', { shape1: [2, 2, 3, 4], shape2: [2, 2, 3, 4], activation: 'relu' }],
    ['broadcast channels', { shape1: [1, 3, 4, 5], shape2: [1, 1, 1, 5], activation: 'none' }],
    ['broadcast both ways', { shape1: [2, 1, 4, 1], shape2: [1, 3, 1, 6], activation: 'relu6' }],
  ];
  for (const kind of ['ADD', 'SUB', 'MUL'] as const) {
    for (const [label, config] of binaries) cases.push(binaryS8(random, `${kind.toLowerCase()}_s8 ${label}`, kind, config));
    for (const [label, config] of binaries) cases.push(binaryF32(random, `${kind.toLowerCase()}_f32 ${label}`, kind, config));
  }
  cases.push(softmaxS8(random, 'softmax_s8 3x10 beta 1', 3, 10, 1, 0.1));
  cases.push(softmaxS8(random, 'softmax_s8 2x12 beta 1 wide scale (diff_min)', 2, 12, 1, 0.3));
  cases.push(softmaxS8(random, 'softmax_s8 4x5 beta 0.5 fine scale', 4, 5, 0.5, 0.02));
  cases.push(softmaxS8(random, 'softmax_s8 1x1000', 1, 1000, 1, 0.06));
  // The generator's exponential table: every difference 0..-255 in a row, for input scales whose
  // diff_min cuts the table (0.3, 0.1) or does not (0.02, 0.06), and beta 0.5.
  cases.push(softmaxS8(random, 'softmax_s8 table 3x10 beta 1', 3, 10, 1, 0.1, true));
  cases.push(softmaxS8(random, 'softmax_s8 table 1x1000 every difference', 1, 1000, 1, 0.06, true, true));
  cases.push(softmaxS8(random, 'softmax_s8 table 2x300 every difference wide scale (diff_min)', 2, 300, 1, 0.3, true, true));
  cases.push(softmaxS8(random, 'softmax_s8 table 1x256 every difference fine scale', 1, 256, 0.5, 0.02, true, true));
  cases.push(softmaxS8(random, 'softmax_s8 table 2x256 every difference', 2, 256, 1, 0.1, true, true));
  cases.push(softmaxF32(random, 'softmax_f32 3x10', 3, 10, 1));
  cases.push(softmaxF32(random, 'softmax_f32 2x7 beta 0.7', 2, 7, 0.7));
  for (const kind of ['LOGISTIC', 'TANH'] as const) {
    for (const scale of [0.01, 0.05, 0.12]) cases.push(sigmoidS8(random, `${kind.toLowerCase()}_s8 scale ${scale}`, kind, scale));
    cases.push(unaryF32(random, `${kind.toLowerCase()}_f32`, kind, 12));
  }
  cases.push(unaryF32(random, 'logistic_f32 beyond cutoffs', 'LOGISTIC', 25));
  cases.push(reluS8(random, 'relu_s8 requantizing', 'RELU'));
  cases.push(reluS8(random, 'relu6_s8', 'RELU6'));
  cases.push(unaryF32(random, 'relu_f32', 'RELU', 8));
  cases.push(unaryF32(random, 'relu6_f32', 'RELU6', 8));
  cases.push(...quantizeCases(random));
  cases.push(reshape());
  cases.push(concatenation(random, 'concatenation_s8 axis 3', 'int8', [[1, 2, 3, 4], [1, 2, 3, 2], [1, 2, 3, 5]], 3));
  cases.push(concatenation(random, 'concatenation_s8 axis 1', 'int8', [[2, 1, 3, 4], [2, 3, 3, 4]], 1));
  cases.push(concatenation(random, 'concatenation_f32 axis 2', 'float32', [[1, 2, 3, 4], [1, 2, 1, 4], [1, 2, 2, 4]], 2));
  cases.push(pad(random, 'pad_s8 H W C', 'int8', [1, 3, 4, 2], [[0, 0], [1, 2], [2, 1], [0, 3]]));
  cases.push(pad(random, 'pad_s8 batch', 'int8', [2, 2, 2, 3], [[1, 1], [0, 0], [1, 0], [0, 0]]));
  cases.push(pad(random, 'pad_f32 H W', 'float32', [1, 3, 3, 2], [[0, 0], [1, 1], [1, 1], [0, 0]]));
  cases.push(mean(random, 'mean_s8 H W same quantization (truncating)', 'int8', [2, 4, 5, 6], [1, 2], true));
  cases.push(mean(random, 'mean_s8 H W rescaled', 'int8', [1, 5, 5, 8], [1, 2], false));
  cases.push(mean(random, 'mean_s8 last axis rescaled', 'int8', [3, 2, 7], [2], false));
  cases.push(mean(random, 'mean_f32 H W', 'float32', [2, 3, 4, 5], [1, 2], true));
  const lstm: [string, LstmConfig][] = [
    ['batch-major B2 T3', { batch: 2, time: 3, inputSize: 5, stateSize: 4, timeMajor: false, cellClip: 0 }],
    ['time-major B2 T4', { batch: 2, time: 4, inputSize: 6, stateSize: 8, timeMajor: true, cellClip: 0 }],
    ['batch-major B1 T5 cell clip', { batch: 1, time: 5, inputSize: 3, stateSize: 7, timeMajor: false, cellClip: 0.75 }],
  ];
  for (const [label, config] of lstm) cases.push(lstmS8(random, `lstm_s8 ${label}`, config));
  for (const [label, config] of lstm) cases.push(lstmF32(random, `lstm_f32 ${label}`, config));
  cases.push(...optimizedPathCases(random));
  cases.push(...int4Cases(new Random(0x1a4)));
  return cases;
}

/**
 * Cases aimed at the paths of the Cortex-M variants (src/opt/cortex-m) that the cases above
 * reach little or not at all. Drawn last, so the cases above keep their data.
 */
function optimizedPathCases(random: Random): CaseBuilder[] {
  const cases: CaseBuilder[] = [];
  // Depthwise four channels at a time over 16 blocks; |x + offset| * |w| up to 255 * 128, the
  // bound the fast requantization is proven for.
  cases.push(
    convS8(random, 'depthwise_conv2d_s8 64 channels 3x3 full int8 range', { input: [5, 5, 64], outputChannels: 64, kernel: [3, 3], padding: 'same', activation: 'none', extremes: { inputZeroPoint: -128 } }, true),
  );
  const twoTo30 = 2 ** 30;
  const conv: [string, ConvConfig][] = [
    // im2col from gathered patches (C_in % 4 != 0), zero-padded weight rows, several full
    // four-pixel blocks and a partial one.
    ['C_in 5 3x3 same 6x6 (9 pixel blocks)', { input: [6, 6, 5], outputChannels: 6, kernel: [3, 3], padding: 'same', activation: 'relu' }],
    ['pointwise C_in 6 5x5 (6 pixel blocks + 1)', { input: [5, 5, 6], outputChannels: 7, kernel: [1, 1], padding: 'valid', activation: 'none' }],
    // Biases as quantizers saturate them (near +-2^30) with right shifts of 23-24: accumulators
    // past 2^30 take the wide requantization; with every channel fast or wide the block loop
    // runs in assembly on the target.
    [
      'biases near 2^30 right shift > 21 (wide requantization)',
      {
        input: [5, 6, 3],
        outputChannels: 8,
        kernel: [3, 3],
        padding: 'same',
        activation: 'none',
        bias: [twoTo30 - 5000, -twoTo30 + 123, twoTo30 + 2 ** 28, -(twoTo30 + 2 ** 29 + 77), twoTo30 - 2 ** 24, 1_234_567, -(2 ** 29), twoTo30 + 2 ** 29 + 2 ** 28],
        effectiveScale: [2 ** -25, 2 ** -23],
        biasAtRoundingTies: true,
      },
    ],
    // |bias| + 2^(right - 1) past 2^31 (right shifts 26-27): those channels need the reference
    // requantization, the others keep the wide one (a block mixes both).
    [
      'biases near 2^31 (exact requantization beside wide)',
      { input: [4, 4, 3], outputChannels: 4, kernel: [3, 3], padding: 'same', activation: 'none', bias: [2 ** 31 - 2 ** 22 - 1, -(2 ** 31 - 2 ** 22), twoTo30 + 999, -twoTo30 - 999], effectiveScale: [2 ** -28, 2 ** -26] },
    ],
  ];
  for (const [label, config] of conv) cases.push(convS8(random, `conv2d_s8 ${label}`, config, false));
  // More than 3 * S inputs with one batch row: x_t does not fit the scratch and is read directly.
  cases.push(lstmS8(random, 'lstm_s8 input size 20 > 3 x state size 5', { batch: 1, time: 4, inputSize: 20, stateSize: 5, timeMajor: false, cellClip: 0 }));
  // Four rows at a time, then the rest: per-channel requantization of the last rows.
  cases.push(fullyConnectedS8(random, 'fully_connected_s8 per-channel 11 outputs batch 3', { batches: 3, inputDepth: 37, outputDepth: 11, activation: 'relu', perChannel: true }));
  cases.push(fullyConnectedS8(random, 'fully_connected_s8 per-channel 3 outputs', { batches: 1, inputDepth: 8, outputDepth: 3, activation: 'none', perChannel: true }));
  // Packed weights: full blocks of four rows with eight-input steps, a depth % 8 rest, rows past
  // the last block, batches whose rows are not word-aligned (depth 37, four steps, and 58, seven: two LDR per step),
  // the clamp.
  const packedFc: [string, FcConfig][] = [
    ['64 in 10 out', { batches: 1, inputDepth: 64, outputDepth: 10, activation: 'none' }],
    ['37 in 11 out batch 3 relu', { batches: 3, inputDepth: 37, outputDepth: 11, activation: 'relu' }],
    ['58 in 8 out batch 2 relu_n1_to_1', { batches: 2, inputDepth: 58, outputDepth: 8, activation: 'relu_n1_to_1' }],
    ['8 in 4 out no bias', { batches: 1, inputDepth: 8, outputDepth: 4, activation: 'relu6', bias: false }],
    ['5 in 6 out', { batches: 2, inputDepth: 5, outputDepth: 6, activation: 'none' }],
  ];
  for (const [label, config] of packedFc) cases.push(fullyConnectedS8(random, `fully_connected_s8_packed ${label}`, { ...config, packed: true }));
  // 1-3 rows through the _rows entry: one input, a depth of 8k + rest with two rows sharing their inputs, and a batch of three.
  const packedRowsFc: [string, FcConfig][] = [
    ['1 in 1 out relu6', { batches: 1, inputDepth: 1, outputDepth: 1, activation: 'relu6' }],
    ['19 in 3 out batch 3 relu', { batches: 3, inputDepth: 19, outputDepth: 3, activation: 'relu' }],
    ['6 in 2 out batch 2 no bias', { batches: 2, inputDepth: 6, outputDepth: 2, activation: 'none', bias: false }],
  ];
  for (const [label, config] of packedRowsFc) cases.push(fullyConnectedS8(random, `fully_connected_s8_packed_rows ${label}`, { ...config, packed: true, rows: true }));
  // Paired weights (two rows per halfword): blocks of four rows, pairs after them and a missing B
  // row (odd counts), depths 8..7+8k with and without a depth % 8 rest, more than one 512-input
  // chunk (1100, 2051), the chunk bound at its limit (every weight ±127 against inputs -128, one
  // sign and mixed), input offsets -128 and 127 folded into the bias, the clamps (relu6 below 127),
  // batches whose rows are not word-aligned and an input one byte past a word boundary (the C loop).
  const pairedFc: [string, FcConfig][] = [
    ['64 in 10 out', { batches: 1, inputDepth: 64, outputDepth: 10, activation: 'none' }],
    ['8 in 4 out no bias relu6', { batches: 1, inputDepth: 8, outputDepth: 4, activation: 'relu6', bias: false }],
    ['24 in 7 out relu', { batches: 1, inputDepth: 24, outputDepth: 7, activation: 'relu' }],
    ['16 in 6 out batch 2 relu6', { batches: 2, inputDepth: 16, outputDepth: 6, activation: 'relu6' }],
    ['512 in 14 out', { batches: 1, inputDepth: 512, outputDepth: 14, activation: 'none' }],
    ['16 in 1 out', { batches: 1, inputDepth: 16, outputDepth: 1, activation: 'none' }],
    ['13 in 5 out batch 2', { batches: 2, inputDepth: 13, outputDepth: 5, activation: 'none' }],
    ['37 in 11 out batch 3 relu', { batches: 3, inputDepth: 37, outputDepth: 11, activation: 'relu' }],
    ['40 in 6 out unaligned relu6', { batches: 1, inputDepth: 40, outputDepth: 6, activation: 'relu6', unaligned: true }],
    ['1100 in 6 out input offset 128', { batches: 1, inputDepth: 1100, outputDepth: 6, activation: 'none', inputZeroPoint: -128 }],
    ['2051 in 3 out input offset -127', { batches: 1, inputDepth: 2051, outputDepth: 3, activation: 'none', inputZeroPoint: 127 }],
    ['1032 in 4 out weights 127 inputs -128', { batches: 1, inputDepth: 1032, outputDepth: 4, activation: 'none', extremeWeights: true, extremeSign: 1 }],
    ['1032 in 5 out weights -127 inputs -128', { batches: 1, inputDepth: 1032, outputDepth: 5, activation: 'none', extremeWeights: true, extremeSign: -1 }],
    ['520 in 7 out weights ±127 inputs -128 unaligned', { batches: 1, inputDepth: 520, outputDepth: 7, activation: 'none', extremeWeights: true, unaligned: true }],
  ];
  for (const [label, config] of pairedFc) cases.push(fullyConnectedS8(random, `fully_connected_s8_paired ${label}`, { ...config, paired: true }));
  // The short path's entry point: every row count's tail (blocks only, a block and a pair = six
  // rows, pairs after blocks, a missing B row), depths 8 and 512 (one chunk at its limit), batches,
  // input offsets -128 and 127, the per-chunk bound at its limit. Their own seed: the cases after
  // them draw the same values as without them.
  const shortRandom = new Random(0x5f0c);
  const pairedShortFc: [string, FcConfig][] = [
    ['64 in 10 out', { batches: 1, inputDepth: 64, outputDepth: 10, activation: 'none' }],
    ['8 in 1 out no bias', { batches: 1, inputDepth: 8, outputDepth: 1, activation: 'none', bias: false }],
    ['16 in 2 out batch 3', { batches: 3, inputDepth: 16, outputDepth: 2, activation: 'none' }],
    ['24 in 6 out batch 2', { batches: 2, inputDepth: 24, outputDepth: 6, activation: 'none' }],
    ['40 in 7 out input offset 128', { batches: 1, inputDepth: 40, outputDepth: 7, activation: 'none', inputZeroPoint: -128 }],
    ['64 in 12 out input offset -127', { batches: 1, inputDepth: 64, outputDepth: 12, activation: 'none', inputZeroPoint: 127 }],
    ['128 in 9 out batch 2', { batches: 2, inputDepth: 128, outputDepth: 9, activation: 'none' }],
    ['512 in 11 out weights ±127 inputs -128', { batches: 1, inputDepth: 512, outputDepth: 11, activation: 'none', extremeWeights: true }],
  ];
  for (const [label, config] of pairedShortFc) cases.push(fullyConnectedS8(shortRandom, `fully_connected_s8_paired_short ${label}`, { ...config, paired: true, short: true }));
  // Weights of -128 where the layout holds them (A rows, B rows beside a non-negative A, the last
  // depth % 8), through both entries, and against inputs -128 at the per-chunk bound. Their own seed too.
  const minusRandom = new Random(0x128);
  const pairedMinus128: [string, FcConfig][] = [
    ['37 in 11 out batch 3 relu', { batches: 3, inputDepth: 37, outputDepth: 11, activation: 'relu' }],
    ['50 in 64 out batch 2 relu6', { batches: 2, inputDepth: 50, outputDepth: 64, activation: 'relu6' }],
    ['1032 in 6 out weights 127 and -128 inputs -128', { batches: 1, inputDepth: 1032, outputDepth: 6, activation: 'none', extremeWeights: true }],
  ];
  for (const [label, config] of pairedMinus128) cases.push(fullyConnectedS8(minusRandom, `fully_connected_s8_paired -128 ${label}`, { ...config, paired: true, minus128: true }));
  const pairedShortMinus128: [string, FcConfig][] = [
    ['64 in 10 out', { batches: 1, inputDepth: 64, outputDepth: 10, activation: 'none' }],
    ['512 in 7 out weights 127 and -128 inputs -128', { batches: 1, inputDepth: 512, outputDepth: 7, activation: 'none', extremeWeights: true }],
  ];
  for (const [label, config] of pairedShortMinus128) cases.push(fullyConnectedS8(minusRandom, `fully_connected_s8_paired_short -128 ${label}`, { ...config, paired: true, short: true, minus128: true }));
  // ADD, SUB and MUL requantized with SMMLAR: the extreme zero points (|x + offset| up to 255),
  // output right shifts that fold the output offset (<= 21) and that do not (ADD's
  // 2 * 0.5 / (2^20 * 0.9), MUL's 0.5 * 0.25 / 2^20), MUL's left shifts (0.05 * 0.03 / 0.0005 = 3,
  // the reference loop), activations that clamp.
  type Quantization = NonNullable<BinaryConfig['quantization']>;
  const extremes: [string, ('ADD' | 'SUB' | 'MUL')[], Quantization, Activation][] = [
    ['zero points -128 and 127', ['ADD', 'SUB', 'MUL'], [[0.05, -128], [0.03, 127], [0.08, -128]], 'none'],
    ['zero points 127 and -128 relu', ['ADD', 'SUB'], [[0.02, 127], [0.05, -128], [0.04, 127]], 'relu'],
    // ADD's full-range loop: the second input at the larger scale (the first one's is above).
    ['second input at the larger scale', ['ADD'], [[0.02, 127], [0.05, -128], [0.06, 3]], 'none'],
    ['output right shift past 21', ['ADD', 'SUB'], [[0.5, 3], [0.25, -7], [0.9, 5]], 'relu6'],
    ['output right shift past 21', ['MUL'], [[0.5, 3], [0.25, -7], [2 ** 20, 5]], 'none'],
    ['output left shift', ['MUL'], [[0.05, -128], [0.03, 127], [0.0005, -3]], 'none'],
    ['output left shift relu', ['MUL'], [[0.02, 5], [0.05, -100], [0.0004, -128]], 'relu'],
  ];
  for (const [label, kinds, quantization, activation] of extremes) {
    for (const kind of kinds) {
      cases.push(binaryS8(random, `${kind.toLowerCase()}_s8 ${label}`, kind, { shape1: [1, 4, 8, 16], shape2: [1, 4, 8, 16], activation, quantization }));
    }
  }
  // PAD rows and CONCATENATION blocks of 16 bytes and more (the word-block fills and copies):
  // aligned rows, and rows and blocks whose destination is not word-aligned.
  cases.push(pad(random, 'pad_s8 rows of 128 bytes', 'int8', [1, 4, 8, 16], [[0, 0], [1, 1], [1, 1], [0, 0]]));
  cases.push(pad(random, 'pad_s8 rows of 36 bytes unaligned', 'int8', [1, 3, 12, 3], [[0, 0], [2, 2], [2, 1], [0, 0]]));
  cases.push(concatenation(random, 'concatenation_s8 blocks of 32 and 20 bytes', 'int8', [[1, 3, 4, 32], [1, 3, 4, 20]], 3));
  // Rows of 33 bytes at every destination alignment (one leaves 30 bytes after aligning: no
  // 32-byte block), and blocks of one to five whole words (the word-aligned concatenation).
  cases.push(pad(random, 'pad_s8 rows of 33 bytes at every alignment', 'int8', [1, 4, 33, 1], [[0, 0], [1, 1], [1, 1], [0, 0]]));
  cases.push(concatenation(random, 'concatenation_s8 blocks of 4, 8, 12 and 20 bytes', 'int8', [[1, 2, 3, 4], [1, 2, 3, 8], [1, 2, 3, 12], [1, 2, 3, 20]], 3));
  // TRANSPOSE's runs: a matrix transpose of bytes four rows at a time (NHWC to NCHW, H x W = 30
  // rows: two left over), dimensions of size 1 and neighbours merged, the innermost dimension
  // kept (one copy per run, bytes and float32), and permutations with neither (element by element).
  const transposes: [string, 'int8' | 'float32', number[], number[]][] = [
    ['int8 NHWC to NCHW 5x6x7', 'int8', [1, 5, 6, 7], [0, 3, 1, 2]],
    ['int8 size-1 dimensions 3x1x4x6', 'int8', [3, 1, 4, 6], [1, 0, 3, 2]],
    ['int8 channels kept 2x3x4x5', 'int8', [2, 3, 4, 5], [0, 2, 1, 3]],
    ['float32 rows kept 2x3x4', 'float32', [2, 3, 4], [1, 0, 2]],
    ['int8 rank 3 4x6x9', 'int8', [4, 6, 9], [2, 0, 1]],
    ['int8 rank 5 2x3x2x5x2', 'int8', [2, 3, 2, 5, 2], [4, 2, 0, 3, 1]],
  ];
  for (const [label, dtype, shape, perm] of transposes) {
    const quantization: [number, number] | undefined = dtype === 'int8' ? [0.05, 3] : undefined;
    cases.push(
      planCase(random, `td_transpose ${label}`, {
        type: 'TRANSPOSE',
        inputs: [{ dtype, shape, quantization }, { dtype: 'int32', shape: [perm.length], data: Int32Array.from(perm) }],
        outputs: [{ dtype, shape: perm.map((axis) => shape[axis]!), quantization }],
        call: (c, p: { elementBytes: number; inputShape: number[]; perm: number[] }, [x], [y]) => {
          c.declare(`const td_transpose_params params = {${p.elementBytes}, ${p.inputShape.length}, ${list(p.inputShape)}, ${list(p.perm)}};`);
          return `td_transpose(&params, ${x}, ${y})`;
        },
      }),
    );
  }
  // A search trial's stacked int8 LSTM (2 layers of 120 units over 24 steps of 3 accelerometer
  // features, int8 post-training quantization): each layer with that model's scales, zero points,
  // bias ranges and cell scale. Both take the Cortex-M fast rows (every requantization fast, the
  // second layer's 120 inputs expanded in the scratch).
  const trialLayers: [string, number, LstmModelQuantization][] = [
    [
      'search trial layer 1: 3 inputs, 120 units, 24 steps',
      3,
      { input: [0.019913725554943085, -69], hidden: [0.006285219453275204, -1], weightsScale: 0.0019042862113565207, recurrentScale: 0.0014616049593314528, forgetBias: [26739, 28185], bias: [-684, 793], cellScalePower: -13 },
    ],
    [
      'search trial layer 2: 120 inputs, 120 units, 24 steps',
      120,
      { input: [0.006285219453275204, -1], hidden: [0.007447424810379744, -1], weightsScale: 0.0014680626336485147, recurrentScale: 0.001478524529375136, forgetBias: [106170, 111633], bias: [-2982, 3202], cellScalePower: -11 },
    ],
  ];
  for (const [label, inputSize, model] of trialLayers) {
    cases.push(lstmS8(random, `lstm_s8 ${label}`, { batch: 1, time: 24, inputSize, stateSize: 120, timeMajor: false, cellClip: 0, model }));
  }
  // Convolution blocks of six pixels: 1x1 over 11 pixels (one full block, then five through the
  // C form), a 3x3 with C_in 3 whose inside pixels copy their patch by words (13 output channels),
  // and a C_in 16 3x3 over 7 pixels with a clamp that is not the full int8 range (the C form).
  const sixPixelBlocks: [string, ConvConfig][] = [
    ['pointwise C_in 16 11 pixels 24 channels', { input: [1, 11, 16], outputChannels: 24, kernel: [1, 1], padding: 'valid', activation: 'none' }],
    ['3x3 C_in 3 inside pixels 13 channels', { input: [7, 8, 3], outputChannels: 13, kernel: [3, 3], padding: 'valid', activation: 'none' }],
    ['3x3 C_in 16 7 pixels relu6', { input: [1, 7, 16], outputChannels: 8, kernel: [3, 3], padding: 'same', activation: 'relu6' }],
    // Four-pixel blocks in assembly: an odd number of groups of four k (1x1 stride 2, C_in 12), two
    // full blocks and one pixel through the C form.
    ['1x1 stride 2 C_in 12 9 pixels', { input: [5, 6, 12], outputChannels: 10, kernel: [1, 1], stride: [2, 2], padding: 'valid', activation: 'none' }],
    // A last block of one pixel (its own one-column loop): groups a multiple of four (3x3 over 64
    // channels, 9 pixels, the full int8 range), 9 groups over 5 pixels with ReLU, left shifts.
    ['3x3 valid 5x5x64 9 pixels full int8 range', { input: [5, 5, 64], outputChannels: 12, kernel: [3, 3], padding: 'valid', activation: 'none', extremes: { inputZeroPoint: -128 } }],
    ['3x3 C_in 4 5 pixels relu', { input: [3, 7, 4], outputChannels: 7, kernel: [3, 3], padding: 'valid', activation: 'relu' }],
    ['1x1 C_in 8 5 pixels left shifts zero point 127', { input: [1, 5, 8], outputChannels: 6, kernel: [1, 1], padding: 'valid', activation: 'none', effectiveScale: [0.3, 1.5], extremes: { inputZeroPoint: 127 } }],
    // Full blocks in assembly with a narrower clamp (applied to the block's outputs after): ReLU_N1_TO_1, and
    // left shifts whose exact channels the C form redoes after the clamp.
    ['3x3 C_in 8 9 pixels relu_n1_to_1 left shifts', { input: [3, 3, 8], outputChannels: 6, kernel: [3, 3], padding: 'same', activation: 'relu_n1_to_1', effectiveScale: [0.02, 1.5] }],
  ];
  for (const [label, config] of sixPixelBlocks) cases.push(convS8(random, `conv2d_s8 ${label}`, config, false));
  // The few-channel path (1-3 output channels, filter rows of at least 8 bytes, patches of at least 32, 16
  // pixels or more): rows read in place inside the image, skipped above and below it, gathered across its
  // left and right edges (SAME, strides, dilation), rows of K_w * C_in not a multiple of four (the last word
  // read at R - 4), exactly 12, and of 8 to 11 bytes (no assembly turn), C_in a multiple of four or not, the input zero point at both ends,
  // narrower clamps, left shifts (the exact requantization), two batches.
  const fewChannels: [string, ConvConfig][] = [
    ['few 5x5 same 9x7x5 to 2', { input: [9, 7, 5], outputChannels: 2, kernel: [5, 5], padding: 'same', activation: 'none' }],
    ['few 3x5 same 6x8x15 to 1', { input: [6, 8, 15], outputChannels: 1, kernel: [3, 5], padding: 'same', activation: 'none' }],
    ['few 4x4 stride 2 same 9x8x17 to 1 relu', { input: [9, 8, 17], outputChannels: 1, kernel: [4, 4], stride: [2, 2], padding: 'same', activation: 'relu' }],
    ['few 3x3 dilation 2 same 7x9x9 to 3', { input: [7, 9, 9], outputChannels: 3, kernel: [3, 3], dilation: [2, 2], padding: 'same', activation: 'none' }],
    ['few 3x3 same 5x6x8 to 3 relu6', { input: [5, 6, 8], outputChannels: 3, kernel: [3, 3], padding: 'same', activation: 'relu6' }],
    ['few 2x4 C_in 9 valid 6x7 to 2', { input: [6, 7, 9], outputChannels: 2, kernel: [2, 4], padding: 'valid', activation: 'none' }],
    ['few 4x1 C_in 12 same 6x5 to 2 (rows of 12 bytes)', { input: [6, 5, 12], outputChannels: 2, kernel: [4, 1], padding: 'same', activation: 'none' }],
    ['few 3x4 C_in 3 valid 7x9 to 1 (a patch of 36)', { input: [7, 9, 3], outputChannels: 1, kernel: [3, 4], padding: 'valid', activation: 'relu' }],
    ['few 4x3 C_in 6 valid 7x8 to 1', { input: [7, 8, 6], outputChannels: 1, kernel: [4, 3], padding: 'valid', activation: 'none' }],
    ['few 3x3 stride 2x3 valid 13x14x8 to 3', { input: [13, 14, 8], outputChannels: 3, kernel: [3, 3], stride: [2, 3], padding: 'valid', activation: 'none' }],
    ['few 3x3 same 6x5x9 to 2 full int8 range zero point -128', { input: [6, 5, 9], outputChannels: 2, kernel: [3, 3], padding: 'same', activation: 'none', extremes: { inputZeroPoint: -128 } }],
    ['few 3x3 same 6x5x9 to 3 full int8 range zero point 127', { input: [6, 5, 9], outputChannels: 3, kernel: [3, 3], padding: 'same', activation: 'none', extremes: { inputZeroPoint: 127 } }],
    ['few 3x3 same 4x5x8 to 2 relu_n1_to_1 left shifts', { input: [4, 5, 8], outputChannels: 2, kernel: [3, 3], padding: 'same', activation: 'relu_n1_to_1', effectiveScale: [0.3, 1.5] }],
    ['few 3x2 dilation 1x2 same 5x6x11 to 1 batch 2', { batch: 2, input: [5, 6, 11], outputChannels: 1, kernel: [3, 2], dilation: [1, 2], padding: 'same', activation: 'none' }],
    ['few 5x3 C_in 3 same 9x8 to 1 relu6 (rows of 9 bytes)', { input: [9, 8, 3], outputChannels: 1, kernel: [5, 3], padding: 'same', activation: 'relu6' }],
    ['few 4x4 C_in 2 same 7x6 to 2 (rows of 8 bytes)', { input: [7, 6, 2], outputChannels: 2, kernel: [4, 4], padding: 'same', activation: 'none' }],
    ['few 5x5 C_in 2 stride 2 same 11x6 to 3 relu (rows of 10 bytes, gathered)', { input: [11, 6, 2], outputChannels: 3, kernel: [5, 5], stride: [2, 2], padding: 'same', activation: 'relu' }],
    // The assembly loop's runs over two batches without a bias, and what it leaves to the C loop (right shifts past 21).
    ['few 2x3 C_in 5 stride 1x2 valid 5x13 to 3 batch 2 no bias', { batch: 2, input: [5, 13, 5], outputChannels: 3, kernel: [2, 3], stride: [1, 2], padding: 'valid', activation: 'relu6', bias: false }],
    ['few 3x4 C_in 3 same 6x9 to 2 right shifts past 21 (C loop)', { input: [6, 9, 3], outputChannels: 2, kernel: [3, 4], padding: 'same', activation: 'none', effectiveScale: [1e-7, 3e-7] }],
  ];
  // Through the entry the generator calls for them, and the first through td_conv2d_s8 too (its block path).
  for (const [label, config] of fewChannels) cases.push(convS8(random, `conv2d_s8_few ${label}`, config, false, 'td_conv2d_s8_few'));
  cases.push(convS8(random, `conv2d_s8 ${fewChannels[0][0]}`, fewChannels[0][1], false));
  // The DSP depthwise's pixels through the unrolled taps (any filter up to 8 columns): border and
  // inside pixels (SAME), stride 2, channel counts with a remainder, a clamp narrower than int8
  // (also on 3x3, which leaves the 3x3 rows for it), the first and the last entry into the taps
  // (8 and 1 columns), 9 columns (the portable loop), a block with left-shift requantizations (one
  // channel at a time), a depth multiplier and two batches.
  const depthwiseAny: [string, ConvConfig][] = [
    ['5x5 stride 1 same 12 channels', { input: [7, 9, 12], outputChannels: 12, kernel: [5, 5], padding: 'same', activation: 'none' }],
    ['5x5 stride 2 same 10 channels relu', { input: [9, 8, 10], outputChannels: 10, kernel: [5, 5], stride: [2, 2], padding: 'same', activation: 'relu' }],
    ['3x3 stride 1 same 8 channels relu6', { input: [5, 6, 8], outputChannels: 8, kernel: [3, 3], padding: 'same', activation: 'relu6' }],
    ['3x8 stride 1 valid 8 channels', { input: [4, 11, 8], outputChannels: 8, kernel: [3, 8], padding: 'valid', activation: 'none' }],
    ['7x1 stride 2 same 4 channels', { input: [9, 5, 4], outputChannels: 4, kernel: [7, 1], stride: [2, 2], padding: 'same', activation: 'none' }],
    ['3x9 stride 1 same 4 channels (paired taps)', { input: [4, 10, 4], outputChannels: 4, kernel: [3, 9], padding: 'same', activation: 'none' }],
    ['5x5 stride 1 valid left shifts', { input: [6, 6, 8], outputChannels: 8, kernel: [5, 5], padding: 'valid', activation: 'none', effectiveScale: [0.3, 1.5] }],
    ['5x3 stride 1 same multiplier 2 batch 2', { batch: 2, input: [6, 5, 4], outputChannels: 8, kernel: [5, 3], padding: 'same', activation: 'none' }],
    ['4x4 stride 2 valid 64 channels full int8 range', { input: [7, 7, 64], outputChannels: 64, kernel: [4, 4], stride: [2, 2], padding: 'valid', activation: 'none', extremes: { inputZeroPoint: -128 } }],
    // Channels past a multiple of four as a last block of four (multiplier 1 and 3), and one channel at a time when the
    // output lies over the input (7 pixels before it: SAME 5x5 over rows of 5).
    ['5x3 stride 1 same 7 channels (the last four as a block)', { input: [6, 7, 7], outputChannels: 7, kernel: [5, 3], padding: 'same', activation: 'relu6' }],
    ['3x2 stride 1 valid multiplier 3 18 channels (the last four as a block)', { input: [5, 6, 6], outputChannels: 18, kernel: [3, 2], padding: 'valid', activation: 'none' }],
    ['5x5 stride 1 same 7 channels in place', { input: [6, 5, 7], outputChannels: 7, kernel: [5, 5], padding: 'same', activation: 'none', inPlacePixels: 12 }],
    // What the blocks leave to the paired entry: one output pixel (four channels a tap, gathered with a multiplier, the
    // channels past a multiple of four one at a time, a window cut by the image edge), few window taps over the output.
    ['5x5 valid one output pixel 12 channels relu', { input: [5, 5, 12], outputChannels: 12, kernel: [5, 5], padding: 'valid', activation: 'relu' }],
    ['3x3 valid one output pixel multiplier 2 from 7 channels left shifts', { input: [3, 3, 7], outputChannels: 14, kernel: [3, 3], padding: 'valid', activation: 'none', effectiveScale: [0.3, 1.5] }],
    ['3x3 stride 2 same one output pixel over 2x2x8 zero point -128', { input: [2, 2, 8], outputChannels: 8, kernel: [3, 3], stride: [2, 2], padding: 'same', activation: 'relu6', extremes: { inputZeroPoint: -128 } }],
    ['1x2 stride 2 same 3x1 outputs 17 channels (few window taps)', { input: [6, 1, 17], outputChannels: 17, kernel: [1, 2], stride: [2, 2], padding: 'same', activation: 'none' }],
    ['1x2 same 4x1 outputs multiplier 3 from 16 channels relu6 (few window taps)', { input: [4, 1, 16], outputChannels: 48, kernel: [1, 2], padding: 'same', activation: 'relu6' }],
    // Left shifts, which the paired taps refuse: every pixel straight from the input and the filter.
    ['1x2 stride 2 same 3x1 outputs 10 channels left shifts (the direct loop)', { input: [6, 1, 10], outputChannels: 10, kernel: [1, 2], stride: [2, 2], padding: 'same', activation: 'none', effectiveScale: [0.3, 1.5] }],
    ['1x2 same 4x1 outputs multiplier 2 from 4 channels left shifts relu (the direct loop)', { input: [4, 1, 4], outputChannels: 8, kernel: [1, 2], padding: 'same', activation: 'relu', effectiveScale: [0.3, 1.5] }],
    ['4x3 stride 1 valid 3 channels (paired taps)', { input: [6, 5, 3], outputChannels: 3, kernel: [4, 3], padding: 'valid', activation: 'none' }],
    // What the blocks leave to the paired taps (td_depthwise_paired): 1-3 channels, a dilated row, filters past 16x8;
    // inside pixels paired along the filter row (an odd width's last tap alone), border pixels the portable loop.
    ['2x3 stride 1x2 valid 3 channels zero point -128', { input: [6, 9, 3], outputChannels: 3, kernel: [2, 3], stride: [1, 2], padding: 'valid', activation: 'none', extremes: { inputZeroPoint: -128 } }],
    ['5x3 dilation 2x1 same 1 channel', { input: [11, 6, 1], outputChannels: 1, kernel: [5, 3], dilation: [2, 1], padding: 'same', activation: 'none' }],
    ['5x1 same multiplier 2 from 1 channel relu_n1_to_1', { input: [9, 5, 1], outputChannels: 2, kernel: [5, 1], padding: 'same', activation: 'relu_n1_to_1' }],
    ['3x4 stride 2 same multiplier 3 from 1 channel zero point 127 relu6', { input: [7, 9, 1], outputChannels: 3, kernel: [3, 4], stride: [2, 2], padding: 'same', activation: 'relu6', extremes: { inputZeroPoint: 127 } }],
    ['2x5 dilation 2x2 same 7 channels multiplier 2', { input: [6, 11, 7], outputChannels: 14, kernel: [2, 5], dilation: [2, 2], padding: 'same', activation: 'none' }],
    ['3x2 dilation 1x3 valid 2 channels left shifts batch 2', { batch: 2, input: [5, 9, 2], outputChannels: 2, kernel: [3, 2], dilation: [1, 3], padding: 'valid', activation: 'none', effectiveScale: [0.3, 1.5] }],
    ['17x1 same 2 channels relu (rows past 16)', { input: [19, 3, 2], outputChannels: 2, kernel: [17, 1], padding: 'same', activation: 'relu' }],
    ['3x9 valid 5 channels full int8 range (columns past 8)', { input: [4, 12, 5], outputChannels: 5, kernel: [3, 9], padding: 'valid', activation: 'none', extremes: { inputZeroPoint: -128 } }],
    ['3x3 same 3 channels in place', { input: [5, 5, 3], outputChannels: 3, kernel: [3, 3], padding: 'same', activation: 'none', inPlacePixels: 6 }],
    // Rows of 14 pixels of two channels with the output over the input: each run copied before its channels' passes.
    ['3x3 valid 2 channels 16 wide in place (runs copied)', { input: [4, 16, 2], outputChannels: 2, kernel: [3, 3], padding: 'valid', activation: 'relu6', inPlacePixels: 2 }],
    // Padded rows in runs shorter than the output row (the scratch holds ten pixels' windows of 12 channels).
    ['3x3 dilation 1x4 same 12 channels (runs shorter than the row)', { input: [5, 20, 12], outputChannels: 12, kernel: [3, 3], dilation: [1, 4], padding: 'same', activation: 'none' }],
  ];
  // The shapes the channel blocks do not take, through the entry the generator calls for them (the paired taps), and
  // two of them through td_depthwise_conv2d_s8 too (one channel at a time there).
  const blocksSkip = (config: ConvConfig) => {
    const { outH, outW } = geometry(config);
    return config.outputChannels < 4 || config.kernel[0] > 16 || config.kernel[1] > 8 || (config.dilation?.[1] ?? 1) !== 1 || outH * outW < 2 || outH * outW * config.kernel[0] * config.kernel[1] < 9;
  };
  for (const [label, config] of depthwiseAny) {
    const skipped = blocksSkip(config);
    cases.push(convS8(random, `depthwise_conv2d_s8${skipped ? '_paired' : ''} ${label}`, config, true, skipped ? 'td_depthwise_conv2d_s8_paired' : undefined));
    if (skipped && /^(4x3 stride 1 valid 3 channels|5x3 dilation 2x1 same 1 channel)/.test(label)) cases.push(convS8(random, `depthwise_conv2d_s8 ${label}`, config, true));
  }
  // td_depthwise_conv2d_s8_lines (widened lines, taps paired along them): windows one column wide down the columns
  // (lines of 1-3 outputs, a pass over the last four, odd heights against a zero tap, strides), others along the rows
  // (the ring of lines, a dilation across them), depth multipliers, both ends of the input zero point, clamps and the
  // whole int8 range, two batches; and what it refuses (left shifts, the output over the input, a dilation along the
  // lines, more than 16 pairs of taps), which the paired entry's paths run.
  const linesRandom = new Random(0x11e5);
  const depthwiseLines: [string, ConvConfig][] = [
    ['4x1 same 12x11x4 multiplier 3', { input: [12, 11, 4], outputChannels: 12, kernel: [4, 1], padding: 'same', activation: 'none' }],
    ['2x1 stride 2x1 valid 9x5x3 multiplier 8 relu6', { input: [9, 5, 3], outputChannels: 24, kernel: [2, 1], stride: [2, 1], padding: 'valid', activation: 'relu6' }],
    ['3x1 stride 1x2 same 7x5x4 multiplier 3 relu6 zero point -128', { input: [7, 5, 4], outputChannels: 12, kernel: [3, 1], stride: [1, 2], padding: 'same', activation: 'relu6', extremes: { inputZeroPoint: -128 } }],
    ['5x1 stride 3 same 6x4x5 multiplier 2 (columns of 2 outputs)', { input: [6, 4, 5], outputChannels: 10, kernel: [5, 1], stride: [3, 3], padding: 'same', activation: 'relu_n1_to_1' }],
    ['7x1 valid 9x3x2 multiplier 4 zero point 127 (columns of 3)', { input: [9, 3, 2], outputChannels: 8, kernel: [7, 1], padding: 'valid', activation: 'none', extremes: { inputZeroPoint: 127 } }],
    ['1x5 dilation 2x1 valid 7x11x3 multiplier 3', { input: [7, 11, 3], outputChannels: 9, kernel: [1, 5], dilation: [2, 1], padding: 'valid', activation: 'none' }],
    ['1x4 same 3x10x3 multiplier 8 relu batch 2', { batch: 2, input: [3, 10, 3], outputChannels: 24, kernel: [1, 4], padding: 'same', activation: 'relu' }],
    ['3x4 stride 2 same 9x9x2 multiplier 8', { input: [9, 9, 2], outputChannels: 16, kernel: [3, 4], stride: [2, 2], padding: 'same', activation: 'none' }],
    ['4x2 same 7x9x3 multiplier 2 zero point 127', { input: [7, 9, 3], outputChannels: 6, kernel: [4, 2], padding: 'same', activation: 'none', extremes: { inputZeroPoint: 127 } }],
    ['3x3 dilation 2x1 same 8x6x2 multiplier 3 relu6', { input: [8, 6, 2], outputChannels: 6, kernel: [3, 3], dilation: [2, 1], padding: 'same', activation: 'relu6' }],
    ['4x4 stride 2x1 valid 6x9x2 multiplier 4', { input: [6, 9, 2], outputChannels: 8, kernel: [4, 4], stride: [2, 1], padding: 'valid', activation: 'none' }],
    ['5x3 same 6x7x5 multiplier 1 relu', { input: [6, 7, 5], outputChannels: 5, kernel: [5, 3], padding: 'same', activation: 'relu' }],
    ['2x2 valid 5x6x4 multiplier 3 relu_n1_to_1 no bias', { input: [5, 6, 4], outputChannels: 12, kernel: [2, 2], padding: 'valid', activation: 'relu_n1_to_1', bias: false }],
    ['4x1 same 8x5x3 multiplier 2 left shifts (the paired taps)', { input: [8, 5, 3], outputChannels: 6, kernel: [4, 1], padding: 'same', activation: 'none', effectiveScale: [0.3, 1.5] }],
    ['3x1 same 6x4x4 in place (the paired taps)', { input: [6, 4, 4], outputChannels: 4, kernel: [3, 1], padding: 'same', activation: 'none', inPlacePixels: 5 }],
    ['3x1 dilation 2x1 same 9x4x2 multiplier 3 (dilation along the columns)', { input: [9, 4, 2], outputChannels: 6, kernel: [3, 1], dilation: [2, 1], padding: 'same', activation: 'none' }],
    ['6x6 same 7x7x2 multiplier 2 (18 pairs)', { input: [7, 7, 2], outputChannels: 4, kernel: [6, 6], padding: 'same', activation: 'none' }],
  ];
  for (const [label, config] of depthwiseLines) cases.push(convS8(linesRandom, `depthwise_conv2d_s8_lines ${label}`, config, true, 'td_depthwise_conv2d_s8_lines'));
  // td_depthwise_conv2d_s8_columns: the blocks down the columns (a window one column wide, up to 8 rows, no dilation down the
  // columns, the output apart from the input): strides, SAME and VALID, the last four channels as a block, a depth
  // multiplier, two batches, left shifts (the portable loop over the untransposed geometry); and the shapes that stay
  // on the rows (the output over the input, 9 rows, a dilation down the columns).
  const downRandom = new Random(0xd0e1);
  const depthwiseDown: [string, ConvConfig][] = [
    ['5x1 same 7x3x8 relu_n1_to_1', { input: [7, 3, 8], outputChannels: 8, kernel: [5, 1], padding: 'same', activation: 'relu_n1_to_1' }],
    ['4x1 stride 2x1 valid 9x5x7 (the last four as a block)', { input: [9, 5, 7], outputChannels: 7, kernel: [4, 1], stride: [2, 1], padding: 'valid', activation: 'none' }],
    ['7x1 stride 2 valid 10x6x12 zero point -128', { input: [10, 6, 12], outputChannels: 12, kernel: [7, 1], stride: [2, 2], padding: 'valid', activation: 'none', extremes: { inputZeroPoint: -128 } }],
    ['2x1 stride 2x1 valid 9x5x3 multiplier 8 relu6', { input: [9, 5, 3], outputChannels: 24, kernel: [2, 1], stride: [2, 1], padding: 'valid', activation: 'relu6' }],
    ['3x1 same 5x4x8 relu6 batch 2 zero point 127', { batch: 2, input: [5, 4, 8], outputChannels: 8, kernel: [3, 1], padding: 'same', activation: 'relu6', extremes: { inputZeroPoint: 127 } }],
    ['4x1 same 6x5x8 left shifts', { input: [6, 5, 8], outputChannels: 8, kernel: [4, 1], padding: 'same', activation: 'none', effectiveScale: [0.3, 1.5] }],
    ['3x1 same 6x4x4 in place (on the rows)', { input: [6, 4, 4], outputChannels: 4, kernel: [3, 1], padding: 'same', activation: 'none', inPlacePixels: 5 }],
    ['3x1 same 41x2x8 relu (a column longer than the rows\' ring)', { input: [41, 2, 8], outputChannels: 8, kernel: [3, 1], padding: 'same', activation: 'relu' }],
    ['9x1 same 11x3x4 (on the rows)', { input: [11, 3, 4], outputChannels: 4, kernel: [9, 1], padding: 'same', activation: 'none' }],
    ['3x1 dilation 2x1 same 9x4x4 (on the rows)', { input: [9, 4, 4], outputChannels: 4, kernel: [3, 1], dilation: [2, 1], padding: 'same', activation: 'none' }],
  ];
  for (const [label, config] of depthwiseDown) cases.push(convS8(downRandom, `depthwise_conv2d_s8_columns ${label}`, config, true, 'td_depthwise_conv2d_s8_columns'));
  // The DSP depthwise's channel planes (3x3, stride 1, the full int8 range, a multiple of four
  // channels): last groups of 1-4 pixels (widths 20-23, 25 and VALID), SAME borders on every side,
  // the input zero point at both ends, tiny scales, ties, two batches; and what it hands to the
  // portable loop (channel counts not a multiple of four, one channel, left-shift channels, a clamp
  // narrower than int8).
  const depthwisePlanes: [string, ConvConfig][] = [
    ['planes 3x3 same 20 wide 5 channels', { input: [5, 20, 5], outputChannels: 5, kernel: [3, 3], padding: 'same', activation: 'none' }],
    ['planes 3x3 same 21 wide 7 channels', { input: [4, 21, 7], outputChannels: 7, kernel: [3, 3], padding: 'same', activation: 'none' }],
    ['planes 3x3 same 22 wide 3 channels', { input: [4, 22, 3], outputChannels: 3, kernel: [3, 3], padding: 'same', activation: 'none' }],
    ['planes 3x3 same 23 wide 1 channel', { input: [5, 23, 1], outputChannels: 1, kernel: [3, 3], padding: 'same', activation: 'none' }],
    ['planes 3x3 same 25 wide 2 channels batch 2', { batch: 2, input: [5, 25, 2], outputChannels: 2, kernel: [3, 3], padding: 'same', activation: 'none' }],
    ['planes 3x3 valid 24 wide 6 channels', { input: [4, 24, 6], outputChannels: 6, kernel: [3, 3], padding: 'valid', activation: 'none' }],
    ['planes 3x3 valid 23 wide 9 channels', { input: [3, 23, 9], outputChannels: 9, kernel: [3, 3], padding: 'valid', activation: 'none' }],
    ['planes 3x3 same 20 wide 12 channels input zero point -128', { input: [4, 20, 12], outputChannels: 12, kernel: [3, 3], padding: 'same', activation: 'none', extremes: { inputZeroPoint: -128 } }],
    ['planes 3x3 same 21 wide 8 channels input zero point 127', { input: [4, 21, 8], outputChannels: 8, kernel: [3, 3], padding: 'same', activation: 'none', extremes: { inputZeroPoint: 127 } }],
    ['planes 3x3 same 22 wide 6 channels left shifts', { input: [4, 22, 6], outputChannels: 6, kernel: [3, 3], padding: 'same', activation: 'none', effectiveScale: [0.3, 1.5] }],
    ['planes 3x3 same 23 wide 6 channels small scales', { input: [4, 23, 6], outputChannels: 6, kernel: [3, 3], padding: 'same', activation: 'none', effectiveScale: [1e-6, 1e-4] }],
    ['planes 3x3 same 20 wide 4 channels ties', { input: [4, 20, 4], outputChannels: 4, kernel: [3, 3], padding: 'same', activation: 'none', biasAtRoundingTies: true }],
    ['planes 3x3 same 21 wide 6 channels relu', { input: [4, 21, 6], outputChannels: 6, kernel: [3, 3], padding: 'same', activation: 'relu' }],
    // Blocks of four channels: output rows of 1-9 pixels (no whole group, a last group of three,
    // one or two pixels after the groups, rows with no four pixels inside), VALID and SAME, tall
    // narrow images (25x5 as the keyword-spotting model, 2-7 columns), both zero point ends,
    // extreme scales, ties, two batches, and what the planes leave to the portable loop.
    ['planes 3x3 same 1 wide 4 channels', { input: [3, 1, 4], outputChannels: 4, kernel: [3, 3], padding: 'same', activation: 'none' }],
    ['planes 3x3 same 2 wide 8 channels', { input: [2, 2, 8], outputChannels: 8, kernel: [3, 3], padding: 'same', activation: 'none' }],
    ['planes 3x3 same 3 wide 4 channels', { input: [3, 3, 4], outputChannels: 4, kernel: [3, 3], padding: 'same', activation: 'none' }],
    ['planes 3x3 same 5 wide 8 channels zero point -128', { input: [5, 5, 8], outputChannels: 8, kernel: [3, 3], padding: 'same', activation: 'none', extremes: { inputZeroPoint: -128 } }],
    ['planes 3x3 same 6 wide 12 channels zero point 127', { input: [6, 6, 12], outputChannels: 12, kernel: [3, 3], padding: 'same', activation: 'none', extremes: { inputZeroPoint: 127 } }],
    ['planes 3x3 same 7 wide 4 channels', { input: [4, 7, 4], outputChannels: 4, kernel: [3, 3], padding: 'same', activation: 'none' }],
    ['planes 3x3 valid 9 wide 8 channels', { input: [5, 9, 8], outputChannels: 8, kernel: [3, 3], padding: 'valid', activation: 'none' }],
    ['planes 3x3 valid 10 wide 4 channels batch 2', { batch: 2, input: [4, 10, 4], outputChannels: 4, kernel: [3, 3], padding: 'valid', activation: 'none' }],
    ['planes 3x3 same 12 wide 16 channels small scales', { input: [5, 12, 16], outputChannels: 16, kernel: [3, 3], padding: 'same', activation: 'none', effectiveScale: [1e-6, 1e-4] }],
    ['planes 3x3 same 13 wide 8 channels ties', { input: [3, 13, 8], outputChannels: 8, kernel: [3, 3], padding: 'same', activation: 'none', biasAtRoundingTies: true }],
    ['planes 3x3 same 25x5 transposed 8 channels', { input: [25, 5, 8], outputChannels: 8, kernel: [3, 3], padding: 'same', activation: 'none' }],
    ['planes 3x3 same 9x2 transposed 4 channels zero point -128', { input: [9, 2, 4], outputChannels: 4, kernel: [3, 3], padding: 'same', activation: 'none', extremes: { inputZeroPoint: -128 } }],
    ['planes 3x3 valid 11x6 transposed 4 channels batch 2', { batch: 2, input: [11, 6, 4], outputChannels: 4, kernel: [3, 3], padding: 'valid', activation: 'none' }],
    ['planes 3x3 same 14x3 transposed 12 channels zero point 127', { input: [14, 3, 12], outputChannels: 12, kernel: [3, 3], padding: 'same', activation: 'none', extremes: { inputZeroPoint: 127 } }],
    ['planes 3x3 same 18x7 (ring) 4 channels', { input: [18, 7, 4], outputChannels: 4, kernel: [3, 3], padding: 'same', activation: 'none' }],
    ['planes 3x3 same 6 wide 8 channels relu6 (portable)', { input: [4, 6, 8], outputChannels: 8, kernel: [3, 3], padding: 'same', activation: 'relu6' }],
    ['planes 3x3 same 6 wide 8 channels left shifts (portable)', { input: [4, 6, 8], outputChannels: 8, kernel: [3, 3], padding: 'same', activation: 'none', effectiveScale: [0.3, 1.5] }],
  ];
  for (const [label, config] of depthwisePlanes) cases.push(convS8(random, `depthwise_conv2d_s8 ${label}`, config, true, 'td_depthwise_conv2d_s8_planes'));
  // td_conv2d_s8_small (one input channel): 3x3 SAME borders at both edges, stride 2 over odd
  // widths, VALID, ReLU and ReLU6 clamps, odd filter counts (the assembly loops' second entry),
  // input zero points -128 and 127, right shifts up to 21 (the doubled sums) and past it, a
  // left-shift channel (TFLite's exact requantization: the C loop), two batches, no bias; the 1x1
  // eight-channel path the same ways; the general loop (by filter rows: 5x5, 3x2, 7x7 with eight
  // chunks of four words, two to four channels, stride 2); the 1x1 path over one to four channels; and shapes it
  // hands to its C loop (stride 2 pointwise, large right shifts) or to the reference (dilation, over 32 words).
  const small: [string, ConvConfig][] = [
    ['3x3 same 8 filters', { input: [6, 7, 1], outputChannels: 8, kernel: [3, 3], padding: 'same', activation: 'none' }],
    ['3x3 stride 2 same odd width relu', { input: [9, 11, 1], outputChannels: 8, kernel: [3, 3], stride: [2, 2], padding: 'same', activation: 'relu' }],
    ['3x3 stride 2 valid odd width relu6', { input: [9, 13, 1], outputChannels: 16, kernel: [3, 3], stride: [2, 2], padding: 'valid', activation: 'relu6' }],
    ['3x3 stride 1 valid 5 filters full int8 range', { input: [5, 5, 1], outputChannels: 5, kernel: [3, 3], padding: 'valid', activation: 'none', extremes: { inputZeroPoint: -128 } }],
    ['3x3 same left shifts', { input: [4, 5, 1], outputChannels: 8, kernel: [3, 3], padding: 'same', activation: 'none', effectiveScale: [0.3, 1.5] }],
    ['3x3 same batch 2 no bias', { batch: 2, input: [4, 3, 1], outputChannels: 8, kernel: [3, 3], padding: 'same', activation: 'relu', bias: false }],
    ['5x5 same stride 2', { input: [7, 9, 1], outputChannels: 8, kernel: [5, 5], stride: [2, 2], padding: 'same', activation: 'none' }],
    ['3x2 same', { input: [5, 6, 1], outputChannels: 4, kernel: [3, 2], padding: 'same', activation: 'relu6' }],
    ['1x1 one channel', { input: [3, 5, 1], outputChannels: 8, kernel: [1, 1], padding: 'valid', activation: 'none' }],
    ['3x3 dilation 2 (reference)', { input: [7, 7, 1], outputChannels: 8, kernel: [3, 3], dilation: [2, 2], padding: 'same', activation: 'none' }],
    ['3x3 three channels', { input: [5, 5, 3], outputChannels: 8, kernel: [3, 3], padding: 'same', activation: 'none' }],
    ['3x3 same 3 filters relu6 zero point 127', { input: [5, 6, 1], outputChannels: 3, kernel: [3, 3], padding: 'same', activation: 'relu6', extremes: { inputZeroPoint: 127 } }],
    ['3x3 stride 2 same even size 7 filters', { input: [8, 10, 1], outputChannels: 7, kernel: [3, 3], stride: [2, 2], padding: 'same', activation: 'none' }],
    ['3x3 same right shifts near 21', { input: [5, 6, 1], outputChannels: 8, kernel: [3, 3], padding: 'same', activation: 'none', effectiveScale: [1e-6, 3e-6] }],
    ['3x3 same right shifts past 21 (C loop)', { input: [5, 6, 1], outputChannels: 8, kernel: [3, 3], padding: 'same', activation: 'relu', effectiveScale: [1e-7, 3e-7] }],
    ['3x3 four channels same 5 filters', { input: [4, 5, 4], outputChannels: 5, kernel: [3, 3], padding: 'same', activation: 'relu', extremes: { inputZeroPoint: -128 } }],
    ['5x5 stride 1 same 7 filters full int8 range', { input: [6, 7, 1], outputChannels: 7, kernel: [5, 5], padding: 'same', activation: 'none', extremes: { inputZeroPoint: -128 } }],
    ['3x3 three channels stride 2 same relu6 zero point 127', { input: [7, 9, 3], outputChannels: 8, kernel: [3, 3], stride: [2, 2], padding: 'same', activation: 'relu6', extremes: { inputZeroPoint: 127 } }],
    ['3x3 three channels stride 2 same even size 6 filters', { input: [8, 8, 3], outputChannels: 6, kernel: [3, 3], stride: [2, 2], padding: 'same', activation: 'none' }],
    ['3x3 two channels valid 3 filters', { input: [5, 6, 2], outputChannels: 3, kernel: [3, 3], padding: 'valid', activation: 'relu' }],
    ['7x7 one channel same 5 filters (eight chunks)', { input: [8, 9, 1], outputChannels: 5, kernel: [7, 7], padding: 'same', activation: 'none' }],
    ['5x5 three channels same right shifts past 21 (C loop)', { input: [5, 5, 3], outputChannels: 4, kernel: [5, 5], padding: 'same', activation: 'none', effectiveScale: [1e-7, 3e-7] }],
    ['3x3 seven channels (reference: over 32 words)', { input: [4, 4, 7], outputChannels: 4, kernel: [3, 3], padding: 'same', activation: 'none' }],
    ['1x1 eight channels 16 filters', { input: [5, 7, 8], outputChannels: 16, kernel: [1, 1], padding: 'same', activation: 'none' }],
    ['1x1 eight channels 7 filters relu6 full int8 range', { input: [3, 5, 8], outputChannels: 7, kernel: [1, 1], padding: 'valid', activation: 'relu6', extremes: { inputZeroPoint: -128 } }],
    ['1x1 eight channels batch 2 relu zero point 127 no bias', { batch: 2, input: [3, 3, 8], outputChannels: 5, kernel: [1, 1], padding: 'same', activation: 'relu', bias: false, extremes: { inputZeroPoint: 127 } }],
    ['1x1 eight channels stride 2 (C loop)', { input: [5, 6, 8], outputChannels: 8, kernel: [1, 1], stride: [2, 2], padding: 'valid', activation: 'none' }],
    ['1x1 eight channels left shifts (C loop)', { input: [3, 4, 8], outputChannels: 8, kernel: [1, 1], padding: 'valid', activation: 'none', effectiveScale: [0.3, 1.5] }],
    // 1x1 over one to four channels (each pixel one load, the last pixel's from a copy unless four): 5 to 32 filters
    // (every loop entry), ReLU and ReLU6, input zero points -128 and 127, two batches, no bias, one pixel.
    ['1x1 three channels 32 filters relu', { input: [5, 7, 3], outputChannels: 32, kernel: [1, 1], padding: 'same', activation: 'relu' }],
    ['1x1 one channel 7 filters', { input: [4, 5, 1], outputChannels: 7, kernel: [1, 1], padding: 'valid', activation: 'none', extremes: { inputZeroPoint: -128 } }],
    ['1x1 two channels 6 filters relu6 zero point 127 batch 2', { batch: 2, input: [3, 3, 2], outputChannels: 6, kernel: [1, 1], padding: 'same', activation: 'relu6', extremes: { inputZeroPoint: 127 } }],
    ['1x1 four channels 5 filters no bias', { input: [3, 5, 4], outputChannels: 5, kernel: [1, 1], padding: 'valid', activation: 'none', bias: false }],
    ['1x1 three channels one pixel 9 filters', { input: [1, 1, 3], outputChannels: 9, kernel: [1, 1], padding: 'valid', activation: 'none' }],
    ['1x1 three channels stride 2 (C loop)', { input: [5, 6, 3], outputChannels: 8, kernel: [1, 1], stride: [2, 2], padding: 'valid', activation: 'none' }],
    // The patch loop over five to seven channels (what the generator gives it from 64 output pixels).
    ['3x1 five channels same 3 filters', { input: [9, 8, 5], outputChannels: 3, kernel: [3, 1], padding: 'same', activation: 'none' }],
    ['1x3 five channels stride 2 same 2 filters relu', { input: [7, 9, 5], outputChannels: 2, kernel: [1, 3], stride: [2, 2], padding: 'same', activation: 'relu' }],
    ['4x1 seven channels same 8 filters relu_n1_to_1 zero point 127', { input: [9, 8, 7], outputChannels: 8, kernel: [4, 1], padding: 'same', activation: 'relu_n1_to_1', extremes: { inputZeroPoint: 127 } }],
    ['2x2 six channels valid 5 filters', { input: [6, 7, 6], outputChannels: 5, kernel: [2, 2], padding: 'valid', activation: 'none' }],
  ];
  for (const [label, config] of small) cases.push(convS8(random, `conv2d_s8_small ${label}`, config, false, 'td_conv2d_s8_small'));
  // The entry points of its loops (what the generator calls), on the cases each takes: every channel
  // in the fast requantization, no dilation, the shapes the conv lowerer gives them.
  // td_depthwise_conv2d_s8_wide (planes of int16 pairs of one channel): 5x5 at stride 1 (steps of
  // four outputs, a last one to three in the scalar loop) and 2 (steps of two, odd widths), 3x3 at
  // stride 1 with depth multipliers 2 and 3, 3x3 at stride 2 (rows of one and two steps of six, and
  // bands of 12 outputs over wider rows with the generator's blocks); SAME borders on every side with odd and even
  // paddings, VALID, ReLU and ReLU6, input zero points -128 and 127, odd channel counts (channels
  // past a multiple of four in the reference loop), two batches, no bias, ties; and what goes to
  // the reference loop or the scalar one (left shifts, tiny scales, rows over 32 positions,
  // dilation, a 3x5 window, depth multiplier 1 at 3x3).
  const depthwiseWide: [string, ConvConfig][] = [
    ['wide 5x5 s1 same 8x8x4', { input: [8, 8, 4], outputChannels: 4, kernel: [5, 5], padding: 'same', activation: 'none' }],
    ['wide 5x5 s1 same 7x9x8 relu', { input: [7, 9, 8], outputChannels: 8, kernel: [5, 5], padding: 'same', activation: 'relu' }],
    ['wide 5x5 s1 same 5x11x6 relu6', { input: [5, 11, 6], outputChannels: 6, kernel: [5, 5], padding: 'same', activation: 'relu6' }],
    ['wide 5x5 s1 valid 9x12x8', { input: [9, 12, 8], outputChannels: 8, kernel: [5, 5], padding: 'valid', activation: 'none' }],
    ['wide 5x5 s1 valid 6x7x5', { input: [6, 7, 5], outputChannels: 5, kernel: [5, 5], padding: 'valid', activation: 'none' }],
    ['wide 5x5 s1 same 6x10x4 input zero point -128', { input: [6, 10, 4], outputChannels: 4, kernel: [5, 5], padding: 'same', activation: 'none', extremes: { inputZeroPoint: -128 } }],
    ['wide 5x5 s1 same 6x9x4 input zero point 127', { input: [6, 9, 4], outputChannels: 4, kernel: [5, 5], padding: 'same', activation: 'none', extremes: { inputZeroPoint: 127 } }],
    ['wide 5x5 s1 same 4x8x8 ties batch 2', { batch: 2, input: [4, 8, 8], outputChannels: 8, kernel: [5, 5], padding: 'same', activation: 'none', biasAtRoundingTies: true }],
    ['wide 5x5 s1 same 5x8x4 no bias', { input: [5, 8, 4], outputChannels: 4, kernel: [5, 5], padding: 'same', activation: 'none', bias: false }],
    ['wide 5x5 s1 same 5x8x8 left shifts', { input: [5, 8, 8], outputChannels: 8, kernel: [5, 5], padding: 'same', activation: 'none', effectiveScale: [0.3, 1.5] }],
    ['wide 5x5 s1 same 5x8x4 small scales', { input: [5, 8, 4], outputChannels: 4, kernel: [5, 5], padding: 'same', activation: 'none', effectiveScale: [1e-6, 1e-4] }],
    ['wide 5x5 s1 same 3x30x4 over 32 positions', { input: [3, 30, 4], outputChannels: 4, kernel: [5, 5], padding: 'same', activation: 'none' }],
    ['wide 5x5 s2 same 7x11x4', { input: [7, 11, 4], outputChannels: 4, kernel: [5, 5], stride: [2, 2], padding: 'same', activation: 'none' }],
    ['wide 5x5 s2 same 8x9x8 relu', { input: [8, 9, 8], outputChannels: 8, kernel: [5, 5], stride: [2, 2], padding: 'same', activation: 'relu' }],
    ['wide 5x5 s2 same 9x8x7 relu6', { input: [9, 8, 7], outputChannels: 7, kernel: [5, 5], stride: [2, 2], padding: 'same', activation: 'relu6' }],
    ['wide 5x5 s2 valid 11x12x4 input zero point -128', { input: [11, 12, 4], outputChannels: 4, kernel: [5, 5], stride: [2, 2], padding: 'valid', activation: 'none', extremes: { inputZeroPoint: -128 } }],
    ['wide 5x5 s2 same 6x6x4 input zero point 127', { input: [6, 6, 4], outputChannels: 4, kernel: [5, 5], stride: [2, 2], padding: 'same', activation: 'none', extremes: { inputZeroPoint: 127 } }],
    ['wide 3x3 s1 same 6x12x4 multiplier 2', { input: [6, 12, 4], outputChannels: 8, kernel: [3, 3], padding: 'same', activation: 'none' }],
    ['wide 3x3 s1 same 5x9x4 multiplier 2 relu6', { input: [5, 9, 4], outputChannels: 8, kernel: [3, 3], padding: 'same', activation: 'relu6' }],
    ['wide 3x3 s1 same 4x6x6 multiplier 2 relu', { input: [4, 6, 6], outputChannels: 12, kernel: [3, 3], padding: 'same', activation: 'relu' }],
    ['wide 3x3 s1 valid 5x10x4 multiplier 3', { input: [5, 10, 4], outputChannels: 12, kernel: [3, 3], padding: 'valid', activation: 'none' }],
    ['wide 3x3 s1 same 4x7x4 multiplier 2 input zero point -128', { input: [4, 7, 4], outputChannels: 8, kernel: [3, 3], padding: 'same', activation: 'none', extremes: { inputZeroPoint: -128 } }],
    ['wide 3x3 s1 same 4x8x4 multiplier 2 input zero point 127 batch 2', { batch: 2, input: [4, 8, 4], outputChannels: 8, kernel: [3, 3], padding: 'same', activation: 'none', extremes: { inputZeroPoint: 127 } }],
    ['wide 3x3 s1 same 5x8x4 multiplier 1', { input: [5, 8, 4], outputChannels: 4, kernel: [3, 3], padding: 'same', activation: 'none' }],
    ['wide 3x3 s1 same 4x12x4 multiplier 1 relu (rows of two steps)', { input: [4, 12, 4], outputChannels: 4, kernel: [3, 3], padding: 'same', activation: 'relu' }],
    ['wide 3x3 s1 same 3x6x8 multiplier 1 (rows of one step)', { input: [3, 6, 8], outputChannels: 8, kernel: [3, 3], padding: 'same', activation: 'none' }],
    ['wide 3x3 s1 same 6x6x12 multiplier 1 relu left shifts (rows of four pairs, channels in the reference loop)', { input: [6, 6, 12], outputChannels: 12, kernel: [3, 3], padding: 'same', activation: 'relu', effectiveScale: [0.3, 1.5] }],
    ['wide 3x3 s1 same 6x6x10 multiplier 1 relu6 batch 2 (rows of four pairs, channels past four)', { batch: 2, input: [6, 6, 10], outputChannels: 10, kernel: [3, 3], padding: 'same', activation: 'relu6' }],
    ['wide 3x5 s1 same 5x8x4 (scalar)', { input: [5, 8, 4], outputChannels: 4, kernel: [3, 5], padding: 'same', activation: 'relu' }],
    ['wide 3x3 s2 same 7x9x4 multiplier 2 (scalar)', { input: [7, 9, 4], outputChannels: 8, kernel: [3, 3], stride: [2, 2], padding: 'same', activation: 'none' }],
    ['wide 3x3 s2 same 12x12x8 (rows of one step)', { input: [12, 12, 8], outputChannels: 8, kernel: [3, 3], stride: [2, 2], padding: 'same', activation: 'none' }],
    ['wide 3x3 s2 same 7x24x4 relu (rows of two steps)', { input: [7, 24, 4], outputChannels: 4, kernel: [3, 3], stride: [2, 2], padding: 'same', activation: 'relu' }],
    ['wide 3x3 s2 same 6x11x6 relu6 (odd width, two channels past four)', { input: [6, 11, 6], outputChannels: 6, kernel: [3, 3], stride: [2, 2], padding: 'same', activation: 'relu6' }],
    ['wide 3x3 s2 valid 9x25x4 input zero point -128', { input: [9, 25, 4], outputChannels: 4, kernel: [3, 3], stride: [2, 2], padding: 'valid', activation: 'none', extremes: { inputZeroPoint: -128 } }],
    ['wide 3x3 s2 same 5x12x4 multiplier 2 input zero point 127', { input: [5, 12, 4], outputChannels: 8, kernel: [3, 3], stride: [2, 2], padding: 'same', activation: 'none', extremes: { inputZeroPoint: 127 } }],
    ['wide 3x3 s2 same 6x12x8 left shifts', { input: [6, 12, 8], outputChannels: 8, kernel: [3, 3], stride: [2, 2], padding: 'same', activation: 'none', effectiveScale: [0.3, 1.5] }],
    ['wide 3x3 s2 same 6x12x4 small scales', { input: [6, 12, 4], outputChannels: 4, kernel: [3, 3], stride: [2, 2], padding: 'same', activation: 'none', effectiveScale: [1e-6, 1e-4] }],
    ['wide 3x3 s2 same 5x16x4 (8 outputs: scalar)', { input: [5, 16, 4], outputChannels: 4, kernel: [3, 3], stride: [2, 2], padding: 'same', activation: 'relu' }],
    ['wide 3x3 s2 same 4x36x4 over 32 positions', { input: [4, 36, 4], outputChannels: 4, kernel: [3, 3], stride: [2, 2], padding: 'same', activation: 'none' }],
    ['wide 3x3 s2 same 4x48x4 over 32 positions (bands only with the generator\'s blocks)', { input: [4, 48, 4], outputChannels: 4, kernel: [3, 3], stride: [2, 2], padding: 'same', activation: 'none' }],
    ['wide 5x5 s1 same 8x8x4 dilation 2 (reference)', { input: [8, 8, 4], outputChannels: 4, kernel: [5, 5], dilation: [2, 2], padding: 'same', activation: 'none' }],
  ];
  for (const [label, config] of depthwiseWide) cases.push(convS8(random, `depthwise_conv2d_s8 ${label}`, config, true, 'td_depthwise_conv2d_s8_wide'));
  // td_depthwise_conv2d_s8_wide_packed: the generator's blocks (every channel in the fast form: no left
  // shifts or tiny scales), steps of four, two and six with the scalar loop's last outputs, clamps.
  const depthwiseWidePacked: [string, ConvConfig][] = [
    ['wide packed 5x5 s1 same 7x9x8 relu', { input: [7, 9, 8], outputChannels: 8, kernel: [5, 5], padding: 'same', activation: 'relu' }],
    ['wide packed 5x5 s1 valid 9x12x8 input zero point -128', { input: [9, 12, 8], outputChannels: 8, kernel: [5, 5], padding: 'valid', activation: 'none', extremes: { inputZeroPoint: -128 } }],
    ['wide packed 5x5 s1 same 6x8x4 input zero point 127 batch 2', { batch: 2, input: [6, 8, 4], outputChannels: 4, kernel: [5, 5], padding: 'same', activation: 'none', extremes: { inputZeroPoint: 127 } }],
    ['wide packed 5x5 s1 same 5x8x8 no bias', { input: [5, 8, 8], outputChannels: 8, kernel: [5, 5], padding: 'same', activation: 'none', bias: false }],
    ['wide packed 5x5 s2 same 8x9x8 relu6', { input: [8, 9, 8], outputChannels: 8, kernel: [5, 5], stride: [2, 2], padding: 'same', activation: 'relu6' }],
    ['wide packed 5x5 s2 same 12x12x4 input zero point -128', { input: [12, 12, 4], outputChannels: 4, kernel: [5, 5], stride: [2, 2], padding: 'same', activation: 'none', extremes: { inputZeroPoint: -128 } }],
    ['wide packed 5x5 s2 valid 11x13x4 ties', { input: [11, 13, 4], outputChannels: 4, kernel: [5, 5], stride: [2, 2], padding: 'valid', activation: 'none', biasAtRoundingTies: true }],
    ['wide packed 3x3 s1 same 6x12x4 multiplier 2', { input: [6, 12, 4], outputChannels: 8, kernel: [3, 3], padding: 'same', activation: 'none' }],
    ['wide packed 3x3 s1 same 5x9x4 multiplier 2 relu6', { input: [5, 9, 4], outputChannels: 8, kernel: [3, 3], padding: 'same', activation: 'relu6' }],
    ['wide packed 3x3 s1 same 4x7x8 multiplier 3 input zero point 127', { input: [4, 7, 8], outputChannels: 24, kernel: [3, 3], padding: 'same', activation: 'none', extremes: { inputZeroPoint: 127 } }],
    ['wide packed 3x3 s1 valid 5x10x4 multiplier 2 relu', { input: [5, 10, 4], outputChannels: 8, kernel: [3, 3], padding: 'valid', activation: 'relu' }],
    ['wide packed 3x3 s1 same 5x12x8 multiplier 1 relu (rows of two steps)', { input: [5, 12, 8], outputChannels: 8, kernel: [3, 3], padding: 'same', activation: 'relu' }],
    ['wide packed 3x3 s1 same 4x6x4 multiplier 1 input zero point -128 (rows of one step)', { input: [4, 6, 4], outputChannels: 4, kernel: [3, 3], padding: 'same', activation: 'none', extremes: { inputZeroPoint: -128 } }],
    ['wide packed 3x3 s1 same 6x6x16 multiplier 1 relu (rows of four pairs, four blocks)', { input: [6, 6, 16], outputChannels: 16, kernel: [3, 3], padding: 'same', activation: 'relu' }],
    ['wide packed 3x3 s1 same 6x6x9 multiplier 1 relu6 input zero point 127 batch 2 (rows of four pairs, a channel past four)', { batch: 2, input: [6, 6, 9], outputChannels: 9, kernel: [3, 3], padding: 'same', activation: 'relu6', extremes: { inputZeroPoint: 127 } }],
    ['wide packed 3x3 s1 same 6x6x8 multiplier 1 input zero point -128 no bias (rows of four pairs)', { input: [6, 6, 8], outputChannels: 8, kernel: [3, 3], padding: 'same', activation: 'none', bias: false, extremes: { inputZeroPoint: -128 } }],
    ['wide packed 3x3 s1 valid 6x8x4 multiplier 1 relu6', { input: [6, 8, 4], outputChannels: 4, kernel: [3, 3], padding: 'valid', activation: 'relu6' }],
    ['wide packed 3x3 s1 valid 4x14x8 multiplier 1 input zero point 127 batch 2', { batch: 2, input: [4, 14, 8], outputChannels: 8, kernel: [3, 3], padding: 'valid', activation: 'none', extremes: { inputZeroPoint: 127 } }],
    ['wide packed 3x3 s1 same 3x18x5 multiplier 1 ties', { input: [3, 18, 5], outputChannels: 5, kernel: [3, 3], padding: 'same', activation: 'none', biasAtRoundingTies: true }],
    ['wide packed 3x3 s2 same 12x12x8 (rows of one step)', { input: [12, 12, 8], outputChannels: 8, kernel: [3, 3], stride: [2, 2], padding: 'same', activation: 'none' }],
    ['wide packed 3x3 s2 same 8x24x8 relu (rows of two steps)', { input: [8, 24, 8], outputChannels: 8, kernel: [3, 3], stride: [2, 2], padding: 'same', activation: 'relu' }],
    ['wide packed 3x3 s2 same 7x23x4 relu6 (odd width)', { input: [7, 23, 4], outputChannels: 4, kernel: [3, 3], stride: [2, 2], padding: 'same', activation: 'relu6' }],
    ['wide packed 3x3 s2 same 5x11x7 input zero point -128 (odd width, channels past four)', { input: [5, 11, 7], outputChannels: 7, kernel: [3, 3], stride: [2, 2], padding: 'same', activation: 'none', extremes: { inputZeroPoint: -128 } }],
    ['wide packed 3x3 s2 valid 7x13x4 input zero point 127 batch 2', { batch: 2, input: [7, 13, 4], outputChannels: 4, kernel: [3, 3], stride: [2, 2], padding: 'valid', activation: 'none', extremes: { inputZeroPoint: 127 } }],
    ['wide packed 3x3 s2 valid 6x26x4 no bias', { input: [6, 26, 4], outputChannels: 4, kernel: [3, 3], stride: [2, 2], padding: 'valid', activation: 'none', bias: false }],
    ['wide packed 3x3 s2 same 6x12x4 multiplier 2 relu', { input: [6, 12, 4], outputChannels: 8, kernel: [3, 3], stride: [2, 2], padding: 'same', activation: 'relu' }],
    ['wide packed 3x3 s2 same 4x12x8 ties', { input: [4, 12, 8], outputChannels: 8, kernel: [3, 3], stride: [2, 2], padding: 'same', activation: 'none', biasAtRoundingTies: true }],
    ['wide packed 3x3 s2 same 5x48x8 (bands of 12)', { input: [5, 48, 8], outputChannels: 8, kernel: [3, 3], stride: [2, 2], padding: 'same', activation: 'none' }],
    ['wide packed 3x3 s2 same 6x47x4 relu (odd width, two bands)', { input: [6, 47, 4], outputChannels: 4, kernel: [3, 3], stride: [2, 2], padding: 'same', activation: 'relu' }],
    ['wide packed 3x3 s2 valid 5x49x4 input zero point 127 (two bands)', { input: [5, 49, 4], outputChannels: 4, kernel: [3, 3], stride: [2, 2], padding: 'valid', activation: 'none', extremes: { inputZeroPoint: 127 } }],
    ['wide packed 3x3 s2 same 4x72x5 relu6 (three bands, a channel past four)', { input: [4, 72, 5], outputChannels: 5, kernel: [3, 3], stride: [2, 2], padding: 'same', activation: 'relu6' }],
    ['wide packed 3x3 s2 same 3x48x4 input zero point -128 batch 2 (bands)', { batch: 2, input: [3, 48, 4], outputChannels: 4, kernel: [3, 3], stride: [2, 2], padding: 'same', activation: 'none', extremes: { inputZeroPoint: -128 } }],
    // Without the filter and bias (the generator's call): the blocks alone, the scalar loop's last outputs of a row
    // (and, without the assembly, every output) taking each loop's taps from them.
    ['wide packed 5x5 s1 same 7x9x8 relu without the filter', { input: [7, 9, 8], outputChannels: 8, kernel: [5, 5], padding: 'same', activation: 'relu', withoutFilter: true }],
    ['wide packed 5x5 s2 same 8x9x8 relu6 input zero point 127 without the filter', { input: [8, 9, 8], outputChannels: 8, kernel: [5, 5], stride: [2, 2], padding: 'same', activation: 'relu6', extremes: { inputZeroPoint: 127 }, withoutFilter: true }],
    ['wide packed 3x3 s1 same 5x9x4 multiplier 2 without the filter', { input: [5, 9, 4], outputChannels: 8, kernel: [3, 3], padding: 'same', activation: 'none', withoutFilter: true }],
    ['wide packed 3x3 s1 same 5x12x8 relu without the filter (rows of two steps)', { input: [5, 12, 8], outputChannels: 8, kernel: [3, 3], padding: 'same', activation: 'relu', withoutFilter: true }],
    ['wide packed 3x3 s1 same 6x6x16 input zero point -128 batch 2 without the filter (rows of one step)', { batch: 2, input: [6, 6, 16], outputChannels: 16, kernel: [3, 3], padding: 'same', activation: 'none', extremes: { inputZeroPoint: -128 }, withoutFilter: true }],
    ['wide packed 3x3 s1 same 6x6x8 relu6 in place without the filter', { input: [6, 6, 8], outputChannels: 8, kernel: [3, 3], padding: 'same', activation: 'relu6', inPlacePixels: 8, withoutFilter: true }],
    ['wide packed 3x3 s1 same 4x18x4 without the filter (rows of three steps)', { input: [4, 18, 4], outputChannels: 4, kernel: [3, 3], padding: 'same', activation: 'none', withoutFilter: true }],
    ['wide packed 3x3 s2 same 8x24x8 relu without the filter', { input: [8, 24, 8], outputChannels: 8, kernel: [3, 3], stride: [2, 2], padding: 'same', activation: 'relu', withoutFilter: true }],
    ['wide packed 3x3 s2 same 7x14x4 without the filter (rows off whole steps: the scalar loop)', { input: [7, 14, 4], outputChannels: 4, kernel: [3, 3], stride: [2, 2], padding: 'same', activation: 'none', withoutFilter: true }],
    ['wide packed 3x3 s2 same 5x48x8 no bias without the filter (bands of 12)', { input: [5, 48, 8], outputChannels: 8, kernel: [3, 3], stride: [2, 2], padding: 'same', activation: 'none', bias: false, withoutFilter: true }],
  ];
  for (const [label, config] of depthwiseWidePacked) cases.push(convS8(random, `depthwise_conv2d_s8 ${label}`, config, true, 'td_depthwise_conv2d_s8_wide_packed', true));
  // td_depthwise_conv2d_s8_wide_rows5 (3x3 stride 1 over inputs 5 wide, SAME): bands of 10 output rows (one, two
  // and three bands, a band of one row), channels past a multiple of four in the reference loop, ReLU and ReLU6
  // clamps, input zero points -128 and 127, ties, no bias, two batches, the output over its input (W + 2 pixels
  // before it, with and without channels that fall back), and shapes it hands to the reference loop (VALID over 7
  // columns, a depth multiplier, stride 2).
  const depthwiseWideRows5: [string, ConvConfig][] = [
    ['rows5 3x3 same 25x5x8 relu (three bands)', { input: [25, 5, 8], outputChannels: 8, kernel: [3, 3], padding: 'same', activation: 'relu' }],
    ['rows5 3x3 same 5x5x16', { input: [5, 5, 16], outputChannels: 16, kernel: [3, 3], padding: 'same', activation: 'none' }],
    ['rows5 3x3 same 11x5x4 input zero point -128 (a band of one row)', { input: [11, 5, 4], outputChannels: 4, kernel: [3, 3], padding: 'same', activation: 'none', extremes: { inputZeroPoint: -128 } }],
    ['rows5 3x3 same 10x5x4 input zero point 127 batch 2', { batch: 2, input: [10, 5, 4], outputChannels: 4, kernel: [3, 3], padding: 'same', activation: 'none', extremes: { inputZeroPoint: 127 } }],
    ['rows5 3x3 same 12x5x6 relu6 (two channels fall back)', { input: [12, 5, 6], outputChannels: 6, kernel: [3, 3], padding: 'same', activation: 'relu6' }],
    ['rows5 3x3 same 7x5x4 ties', { input: [7, 5, 4], outputChannels: 4, kernel: [3, 3], padding: 'same', activation: 'none', biasAtRoundingTies: true }],
    ['rows5 3x3 same 1x5x4 no bias', { input: [1, 5, 4], outputChannels: 4, kernel: [3, 3], padding: 'same', activation: 'none', bias: false }],
    ['rows5 3x3 same 25x5x8 relu in place', { input: [25, 5, 8], outputChannels: 8, kernel: [3, 3], padding: 'same', activation: 'relu', inPlacePixels: 7 }],
    ['rows5 3x3 same 13x5x6 in place batch 2 (two channels fall back)', { batch: 2, input: [13, 5, 6], outputChannels: 6, kernel: [3, 3], padding: 'same', activation: 'none', inPlacePixels: 7 }],
    ['rows5 3x3 valid 9x7x4 (reference)', { input: [9, 7, 4], outputChannels: 4, kernel: [3, 3], padding: 'valid', activation: 'none' }],
    ['rows5 3x3 same 6x5x4 multiplier 2 (reference)', { input: [6, 5, 4], outputChannels: 8, kernel: [3, 3], padding: 'same', activation: 'relu' }],
    ['rows5 3x3 s2 same 9x10x4 (reference)', { input: [9, 10, 4], outputChannels: 4, kernel: [3, 3], stride: [2, 2], padding: 'same', activation: 'none' }],
    ['rows5 3x3 same 25x5x8 relu without the filter', { input: [25, 5, 8], outputChannels: 8, kernel: [3, 3], padding: 'same', activation: 'relu', withoutFilter: true }],
    ['rows5 3x3 same 13x5x4 in place batch 2 without the filter', { batch: 2, input: [13, 5, 4], outputChannels: 4, kernel: [3, 3], padding: 'same', activation: 'none', inPlacePixels: 7, withoutFilter: true }],
  ];
  for (const [label, config] of depthwiseWideRows5) cases.push(convS8(random, `depthwise_conv2d_s8 ${label}`, config, true, 'td_depthwise_conv2d_s8_wide_rows5', 'rows5'));
  // The compact blocks (bias and taps; the requantization made per band and block from the multipliers and shifts).
  const depthwiseWideRows5Compact: [string, ConvConfig][] = [
    ['rows5 compact 3x3 same 25x5x8 relu (three bands)', { input: [25, 5, 8], outputChannels: 8, kernel: [3, 3], padding: 'same', activation: 'relu' }],
    ['rows5 compact 3x3 same 12x5x6 relu6 input zero point -128', { input: [12, 5, 6], outputChannels: 6, kernel: [3, 3], padding: 'same', activation: 'relu6', extremes: { inputZeroPoint: -128 } }],
    ['rows5 compact 3x3 same 10x5x4 input zero point 127 no bias batch 2', { batch: 2, input: [10, 5, 4], outputChannels: 4, kernel: [3, 3], padding: 'same', activation: 'none', bias: false, extremes: { inputZeroPoint: 127 } }],
    ['rows5 compact 3x3 same 21x5x8 in place', { input: [21, 5, 8], outputChannels: 8, kernel: [3, 3], padding: 'same', activation: 'none', inPlacePixels: 7 }],
    ['rows5 compact 3x3 same 11x5x4 ties', { input: [11, 5, 4], outputChannels: 4, kernel: [3, 3], padding: 'same', activation: 'none', biasAtRoundingTies: true }],
    ['rows5 compact 3x3 valid 6x7x4 (reference)', { input: [6, 7, 4], outputChannels: 4, kernel: [3, 3], padding: 'valid', activation: 'none' }],
    ['rows5 compact 3x3 same 25x5x8 relu6 input zero point 127 without the filter', { input: [25, 5, 8], outputChannels: 8, kernel: [3, 3], padding: 'same', activation: 'relu6', extremes: { inputZeroPoint: 127 }, withoutFilter: true }],
    ['rows5 compact 3x3 same 21x5x8 in place without the filter', { input: [21, 5, 8], outputChannels: 8, kernel: [3, 3], padding: 'same', activation: 'none', inPlacePixels: 7, withoutFilter: true }],
  ];
  for (const [label, config] of depthwiseWideRows5Compact) cases.push(convS8(random, `depthwise_conv2d_s8 ${label}`, config, true, 'td_depthwise_conv2d_s8_wide_rows5_compact', 'rows5 compact'));
  for (const [label, config] of small) {
    const [kh, kw] = config.kernel;
    const channels = config.input[2];
    const stride = config.stride ?? [1, 1];
    if (config.dilation || config.effectiveScale?.[0] !== undefined && (config.effectiveScale[0] >= 0.25 || config.effectiveScale[1] < 1e-6)) continue;
    const entry =
      kh === 1 && kw === 1
        ? (channels === 8 || channels <= 4) && stride[0] === 1 && stride[1] === 1 ? (channels === 8 ? 'td_conv2d_s8_small_1x1x8' : 'td_conv2d_s8_small_1x1x4') : undefined
        : channels <= 7 && kh * kw * channels <= 32 ? (channels === 1 && kh === 3 && kw === 3 ? 'td_conv2d_s8_small_3x3' : 'td_conv2d_s8_small_patch') : undefined;
    if (!entry) continue;
    cases.push(convS8(random, `conv2d_s8_small ${entry.slice('td_conv2d_s8_small_'.length)} ${label}`, config, false, entry));
    // Without an activation the clamp is the whole int8 range: the loop's unclamped form too.
    if (config.activation === 'none') cases.push(convS8(random, `conv2d_s8_small ${entry.slice('td_conv2d_s8_small_'.length)}_full ${label}`, config, false, `${entry}_full`));
    // With ReLU (the maximum 127) the loop's form that clamps at the minimum alone.
    if (config.activation === 'relu') cases.push(convS8(random, `conv2d_s8_small ${entry.slice('td_conv2d_s8_small_'.length)}_min ${label}`, config, false, `${entry}_min`));
  }
  // td_conv2d_s8_small_regs (the patch in registers): every patch size of 1 to 8 words (K_h rows of ceil(K_w C_in /
  // 2)), odd and even filter counts (the loop's two entries) and one filter, each clamping form (ReLU6 and ReLU_N1_TO_1
  // clamped, the full range, ReLU's minimum), strides 1 to 3, SAME and VALID, input zero points -128 and 127, two
  // batches, no bias, a one-channel 3x3 (which the generator gives to _3x3).
  const smallRegs: [string, ConvConfig][] = [
    ['1x2 same 5 filters', { input: [5, 7, 1], outputChannels: 5, kernel: [1, 2], padding: 'same', activation: 'none' }],
    ['2x1 valid 1 filter relu6', { input: [6, 5, 1], outputChannels: 1, kernel: [2, 1], padding: 'valid', activation: 'relu6' }],
    ['1x4 stride 2 same 8 filters relu', { input: [5, 11, 1], outputChannels: 8, kernel: [1, 4], stride: [2, 2], padding: 'same', activation: 'relu' }],
    ['1x5 valid 16 filters relu6', { input: [6, 13, 1], outputChannels: 16, kernel: [1, 5], padding: 'valid', activation: 'relu6' }],
    ['1x5 same 3 filters zero point -128', { input: [4, 9, 1], outputChannels: 3, kernel: [1, 5], padding: 'same', activation: 'none', extremes: { inputZeroPoint: -128 } }],
    ['3x2 stride 3 same 7 filters relu', { input: [7, 10, 1], outputChannels: 7, kernel: [3, 2], stride: [3, 3], padding: 'same', activation: 'relu' }],
    ['4x1 same 6 filters relu_n1_to_1 zero point 127', { input: [7, 6, 1], outputChannels: 6, kernel: [4, 1], padding: 'same', activation: 'relu_n1_to_1', extremes: { inputZeroPoint: 127 } }],
    ['2x3 stride 1x2 valid 9 filters batch 2', { batch: 2, input: [5, 12, 1], outputChannels: 9, kernel: [2, 3], stride: [1, 2], padding: 'valid', activation: 'none' }],
    ['5x1 same 4 filters relu no bias', { input: [8, 5, 1], outputChannels: 4, kernel: [5, 1], padding: 'same', activation: 'relu', bias: false }],
    ['1x9 same 5 filters relu6', { input: [3, 14, 1], outputChannels: 5, kernel: [1, 9], padding: 'same', activation: 'relu6' }],
    ['2x5 same 4 filters', { input: [9, 10, 1], outputChannels: 4, kernel: [2, 5], padding: 'same', activation: 'none' }],
    ['3x4 stride 2 valid 16 filters relu6', { input: [9, 20, 1], outputChannels: 16, kernel: [3, 4], stride: [2, 2], padding: 'valid', activation: 'relu6' }],
    ['3x3 same 5 filters relu', { input: [6, 7, 1], outputChannels: 5, kernel: [3, 3], padding: 'same', activation: 'relu' }],
    ['7x1 stride 2 same 17 filters relu_n1_to_1', { input: [12, 9, 1], outputChannels: 17, kernel: [7, 1], stride: [2, 2], padding: 'same', activation: 'relu_n1_to_1' }],
    ['7x1 valid 6 filters zero point 127 batch 2', { batch: 2, input: [9, 5, 1], outputChannels: 6, kernel: [7, 1], padding: 'valid', activation: 'none', extremes: { inputZeroPoint: 127 } }],
    ['4x3 valid 8 filters relu_n1_to_1', { input: [10, 9, 1], outputChannels: 8, kernel: [4, 3], padding: 'valid', activation: 'relu_n1_to_1' }],
    ['4x3 same 3 filters relu', { input: [7, 8, 1], outputChannels: 3, kernel: [4, 3], padding: 'same', activation: 'relu' }],
    ['8x1 same 5 filters zero point -128', { input: [9, 4, 1], outputChannels: 5, kernel: [8, 1], padding: 'same', activation: 'none', extremes: { inputZeroPoint: -128 } }],
    ['1x3 five channels stride 2 same 2 filters', { input: [7, 9, 5], outputChannels: 2, kernel: [1, 3], stride: [2, 2], padding: 'same', activation: 'none' }],
    ['4x2 two channels same 16 filters relu6', { input: [7, 6, 2], outputChannels: 16, kernel: [4, 2], padding: 'same', activation: 'relu6' }],
    ['1x5 three channels stride 2 valid 32 filters relu', { input: [4, 10, 3], outputChannels: 32, kernel: [1, 5], stride: [2, 2], padding: 'valid', activation: 'relu' }],
    // Dilated (across: one channel, strides that are multiples of it; pixels of two classes, or of one).
    ['4x4 dilation 2 stride 2 same 4 filters', { input: [9, 13, 1], outputChannels: 4, kernel: [4, 4], stride: [2, 2], dilation: [2, 2], padding: 'same', activation: 'none' }],
    ['2x2 dilation 2 stride 1x4 same 6 filters relu (one class)', { input: [7, 17, 1], outputChannels: 6, kernel: [2, 2], stride: [1, 4], dilation: [2, 2], padding: 'same', activation: 'relu' }],
    ['1x3 dilation 3 stride 3 valid 3 filters relu6', { input: [4, 19, 1], outputChannels: 3, kernel: [1, 3], stride: [3, 3], dilation: [1, 3], padding: 'valid', activation: 'relu6' }],
    ['3x2 dilation 2x1 two channels same 5 filters', { input: [8, 7, 2], outputChannels: 5, kernel: [3, 2], dilation: [2, 1], padding: 'same', activation: 'none', extremes: { inputZeroPoint: 127 } }],
    ['4x1 dilation 2x1 same 7 filters relu_n1_to_1 batch 2', { batch: 2, input: [11, 5, 1], outputChannels: 7, kernel: [4, 1], dilation: [2, 1], padding: 'same', activation: 'relu_n1_to_1' }],
  ];
  for (const [label, config] of smallRegs) {
    cases.push(convS8(random, `conv2d_s8_small regs ${label}`, config, false, 'td_conv2d_s8_small_regs'));
    if (config.activation === 'none') cases.push(convS8(random, `conv2d_s8_small regs_full ${label}`, config, false, 'td_conv2d_s8_small_regs_full'));
    if (config.activation === 'relu') cases.push(convS8(random, `conv2d_s8_small regs_min ${label}`, config, false, 'td_conv2d_s8_small_regs_min'));
  }
  return cases;
}

/**
 * td_lstm_s8_packed (the DSP builds' LSTM): both layouts and batches, sizes that are and are not
 * multiples of four (the zero padding), a cell clip, input and hidden zero points folded into the
 * bias, the shared MNIST LSTM's shape, a wide input, and a search trial's layer (its scales), also
 * clipped over two time-major rows.
 */
function lstmPackedCases(random: Random): CaseBuilder[] {
  const configs: [string, LstmConfig][] = [
    ['batch-major B2 T3', { batch: 2, time: 3, inputSize: 5, stateSize: 4, timeMajor: false, cellClip: 0 }],
    ['time-major B2 T4', { batch: 2, time: 4, inputSize: 6, stateSize: 8, timeMajor: true, cellClip: 0 }],
    ['batch-major B1 T5 cell clip', { batch: 1, time: 5, inputSize: 3, stateSize: 7, timeMajor: false, cellClip: 0.75 }],
    ['28 inputs 20 units 6 steps', { batch: 1, time: 6, inputSize: 28, stateSize: 20, timeMajor: false, cellClip: 0 }],
    ['257 inputs 9 units 2 steps', { batch: 1, time: 2, inputSize: 257, stateSize: 9, timeMajor: false, cellClip: 0 }],
    [
      'search trial layer 2 shape, 16 units',
      {
        batch: 1,
        time: 5,
        inputSize: 120,
        stateSize: 16,
        timeMajor: false,
        cellClip: 0,
        model: { input: [0.006285219453275204, -1], hidden: [0.007447424810379744, -1], weightsScale: 0.0014680626336485147, recurrentScale: 0.001478524529375136, forgetBias: [106170, 111633], bias: [-2982, 3202], cellScalePower: -11 },
      },
    ],
    // Every right shift >= 1 (the Cortex-M kernel's assembly unit loop) with a cell clip, two
    // batch rows and group counts of 6 and 3 (the unrolled loop's other entries).
    [
      'search trial scales, cell clip, time-major B2 T4',
      {
        batch: 2,
        time: 4,
        inputSize: 24,
        stateSize: 12,
        timeMajor: true,
        cellClip: 0.4,
        model: { input: [0.006285219453275204, -1], hidden: [0.007447424810379744, 3], weightsScale: 0.0014680626336485147, recurrentScale: 0.001478524529375136, forgetBias: [106170, 111633], bias: [-2982, 3202], cellScalePower: -11 },
      },
    ],
    // A right shift of 0 (the Cortex-M kernel's plan 1, its masked assembly unit loop): the input
    // FCs' multiplier 0.04 * 0.004 * 2^12 = 0.66, then the recurrent FCs' 0.04 * 0.004 * 2^12; biases
    // of both signs, so sums are negative as often as positive (the sign term only shifts >= 1 take).
    [
      'input FCs right shift 0, sums of both signs',
      {
        batch: 1,
        time: 4,
        inputSize: 37,
        stateSize: 6,
        timeMajor: false,
        cellClip: 0,
        model: { input: [0.04, 5], hidden: [0.0075, -3], weightsScale: 0.004, recurrentScale: 0.0015, forgetBias: [-20000, 20000], bias: [-20000, 20000], cellScalePower: -11 },
      },
    ],
    [
      'recurrent FCs right shift 0, cell clip, time-major B2 T3',
      {
        batch: 2,
        time: 3,
        inputSize: 13,
        stateSize: 10,
        timeMajor: true,
        cellClip: 0.5,
        model: { input: [0.02, -7], hidden: [0.04, 2], weightsScale: 0.003, recurrentScale: 0.004, forgetBias: [-20000, 20000], bias: [-20000, 20000], cellScalePower: -11 },
      },
    ],
  ];
  return configs.map(([label, config]) => lstmS8(random, `lstm_s8_packed ${label}`, { ...config, packed: true }));
}

/**
 * td_gru_s8_packed (the DSP builds' GRU with linear_before_reset): both layouts and batches, with
 * and without the recurrent new-gate bias, reverse with the last step only, sizes that are and
 * are not multiples of four, and the benchmark's shape (28 inputs, 20 units).
 */
function gruPackedCases(random: Random): CaseBuilder[] {
  const configs: [string, GruConfig][] = [
    ['recurrent n bias batch-major B2 T3', { batch: 2, time: 3, inputSize: 5, stateSize: 4, timeMajor: false, linearBeforeReset: true, recurrentNBias: true }],
    ['time-major B1 T5', { batch: 1, time: 5, inputSize: 3, stateSize: 7, timeMajor: true, linearBeforeReset: true, recurrentNBias: false }],
    ['batch-major B2 T3 input size 13 > state size 6', { batch: 2, time: 3, inputSize: 13, stateSize: 6, timeMajor: false, linearBeforeReset: true, recurrentNBias: true }],
    ['reverse last step only time-major B2 T3', { batch: 2, time: 3, inputSize: 4, stateSize: 5, timeMajor: true, linearBeforeReset: true, recurrentNBias: true, reverse: true, returnSequences: false }],
    ['28 inputs 20 units 5 steps', { batch: 1, time: 5, inputSize: 28, stateSize: 20, timeMajor: false, linearBeforeReset: true, recurrentNBias: true }],
  ];
  return configs.map(([label, config]) => gruS8(random, `gru_s8_packed ${label}`, { ...config, packed: true }));
}

/**
 * td_gru_s8_packed_reset_first (the DSP builds' GRU without linear_before_reset): both layouts
 * and batches (time-major with two rows widens each row's state per step), reverse with the last
 * step only, state sizes whose last group of four has one, two and three units (the first pass
 * skips the places without one), a single unit, the benchmark's shape (28 inputs, 20 units), and
 * input FC multipliers above 1, which neither packed GRU takes in the fast form (their reference
 * path).
 */
function gruResetFirstPackedCases(random: Random): CaseBuilder[] {
  const configs: [string, GruConfig][] = [
    ['batch-major B2 T3 input size 5 state size 4', { batch: 2, time: 3, inputSize: 5, stateSize: 4, timeMajor: false, linearBeforeReset: false, recurrentNBias: false }],
    ['time-major B1 T5 state size 7', { batch: 1, time: 5, inputSize: 3, stateSize: 7, timeMajor: true, linearBeforeReset: false, recurrentNBias: false }],
    ['batch-major B2 T3 input size 13 > state size 6', { batch: 2, time: 3, inputSize: 13, stateSize: 6, timeMajor: false, linearBeforeReset: false, recurrentNBias: false }],
    ['time-major B2 T4 input size 6 state size 5', { batch: 2, time: 4, inputSize: 6, stateSize: 5, timeMajor: true, linearBeforeReset: false, recurrentNBias: false }],
    ['reverse last step only time-major B2 T3', { batch: 2, time: 3, inputSize: 4, stateSize: 9, timeMajor: true, linearBeforeReset: false, recurrentNBias: false, reverse: true, returnSequences: false }],
    ['one unit one input B1 T4', { batch: 1, time: 4, inputSize: 1, stateSize: 1, timeMajor: false, linearBeforeReset: false, recurrentNBias: false }],
    ['28 inputs 20 units 5 steps', { batch: 1, time: 5, inputSize: 28, stateSize: 20, timeMajor: false, linearBeforeReset: false, recurrentNBias: false }],
    ['input FC multipliers above 1 (the reference requantization)', { batch: 1, time: 4, inputSize: 7, stateSize: 6, timeMajor: false, linearBeforeReset: false, recurrentNBias: false, weightsScale: [0.008, 0.012] }],
  ];
  return [
    ...configs.map(([label, config]) => gruS8(random, `gru_s8_packed_reset_first ${label}`, { ...config, packed: true })),
    gruS8(random, 'gru_s8_packed input FC multipliers above 1 (the reference requantization)', { batch: 1, time: 4, inputSize: 7, stateSize: 6, timeMajor: false, linearBeforeReset: true, recurrentNBias: true, weightsScale: [0.008, 0.012], packed: true }),
  ];
}

/**
 * DETECTION_POSTPROCESS: box decoding against anchors, then fast or regular non-max suppression,
 * on float, uint8 and int8 inputs (twelve boxes, three classes and a background).
 */
function detectionCases(random: Random): CaseBuilder[] {
  const boxes = 12;
  const cases: CaseBuilder[] = [];
  const kinds = [
    ['float32', false, 1],
    ['float32', true, 1],
    ['float32', false, 2],
    ['uint8', true, 1],
    ['int8', false, 1],
  ] as const;
  for (const [dtype, regular, classesPerDetection] of kinds) {
    const quantized = dtype !== 'float32';
    const offset = dtype === 'int8' ? -128 : 0;
    const anchors = Array.from({ length: boxes * 4 }, (_, i) => (i % 4 < 2 ? random.next() : 0.1 + 0.4 * random.next()));
    const anchorData = quantized ? (dtype === 'int8' ? Int8Array : Uint8Array).from(anchors.map((v) => Math.round(v / 0.01) + offset)) : Float32Array.from(anchors);
    const slots = regular ? 4 : 4 * classesPerDetection;
    const attrs = {
      maxDetections: 4,
      maxClassesPerDetection: classesPerDetection,
      detectionsPerClass: 3,
      useRegularNms: regular,
      nmsScoreThreshold: quantized ? 0.6 : 0.5,
      nmsIouThreshold: 0.4,
      numClasses: 3,
      yScale: 10,
      xScale: 10,
      hScale: 5,
      wScale: 5,
    };
    const q = (scale: number, zeroPoint: number): [number, number] | undefined => (quantized ? [Math.fround(scale), zeroPoint + offset] : undefined);
    cases.push(
      planCase(random, `td_detection_postprocess ${dtype} ${regular ? 'regular' : 'fast'} ${classesPerDetection} per detection`, {
        type: 'DETECTION_POSTPROCESS',
        attrs,
        inputs: [
          { dtype, shape: [1, boxes, 4], quantization: q(0.05, 128) },
          { dtype, shape: [1, boxes, 4], quantization: q(1 / 256, 0) },
          { dtype, shape: [boxes, 4], quantization: q(0.01, 0), data: anchorData },
        ],
        outputs: [
          { dtype: 'float32', shape: [1, slots, 4] },
          { dtype: 'float32', shape: [1, slots] },
          { dtype: 'float32', shape: [1, slots] },
          { dtype: 'float32', shape: [1] },
        ],
        call: (c, plan: DetectionPostprocessPlan, [encodings, scores, anchorsName], outputs) => {
          c.declare(`const td_detection_postprocess_params params = ${detectionParams(plan)};`);
          const ctx = c.context(`${detectionScratchBytes(plan)}`);
          return `td_detection_postprocess(&params, ${ctx}, ${encodings}, ${scores}, ${anchorsName}, ${outputs.join(', ')})`;
        },
      }),
    );
  }
  return cases;
}

/** Builds every case (deterministic for a given seed) and the C header that holds them. */
/**
 * Pools over one to three channels, through td_avgpool_s8 and td_avgpool_s8_narrow (the DSP builds' entry for them):
 * windows clipped by SAME padding on every side, strides larger than the window, two batches.
 */
function narrowPoolCases(random: Random): CaseBuilder[] {
  const pools: [string, PoolConfig][] = [
    ['1x2 stride 2 same 3x21x1 relu', { input: [3, 21, 1], filter: [1, 2], stride: [2, 2], padding: 'same', activation: 'relu' }],
    ['5x5 stride 2 same 15x2x1 relu6', { input: [15, 2, 1], filter: [5, 5], stride: [2, 2], padding: 'same', activation: 'relu6' }],
    ['2x3 stride 3x1 same 7x6x2 batch 2', { batch: 2, input: [7, 6, 2], filter: [2, 3], stride: [3, 1], padding: 'same', activation: 'none' }],
    ['4x4 stride 1 same 5x7x3', { input: [5, 7, 3], filter: [4, 4], stride: [1, 1], padding: 'same', activation: 'none' }],
  ];
  return pools.flatMap(([label, config]) => [
    pool(random, `avgpool_s8 ${label}`, 'AVERAGE_POOL_2D', 'int8', config),
    pool(random, `avgpool_s8_narrow ${label}`, 'AVERAGE_POOL_2D', 'int8', config, 'td_avgpool_s8_narrow'),
  ]);
}

/**
 * Convolutions of few outputs for td_conv2d_s8_direct (the DSP build reads only the taps inside the image, four bytes
 * a turn): windows mostly in the padding, rows of a length not a multiple of four, dilation across and down,
 * two batches, channels that are a multiple of four, left shifts (the exact requantization), input and weights at the
 * int8 extremes.
 */
function directConvCases(random: Random): CaseBuilder[] {
  const convs: [string, ConvConfig][] = [
    ['4x4 stride 2 same 3x3x70 to 1', { input: [3, 3, 70], outputChannels: 1, kernel: [4, 4], stride: [2, 2], padding: 'same', activation: 'none' }],
    ['5x5 same 2x3x9 to 2 relu6', { input: [2, 3, 9], outputChannels: 2, kernel: [5, 5], padding: 'same', activation: 'relu6' }],
    ['3x3 dilation 1x2 same 3x4x6 to 3', { input: [3, 4, 6], outputChannels: 3, kernel: [3, 3], dilation: [1, 2], padding: 'same', activation: 'none' }],
    ['3x2 dilation 2x1 same 4x2x5 to 2 batch 2', { batch: 2, input: [4, 2, 5], outputChannels: 2, kernel: [3, 2], dilation: [2, 1], padding: 'same', activation: 'relu' }],
    ['7x7 same 2x2x8 to 2 left shifts', { input: [2, 2, 8], outputChannels: 2, kernel: [7, 7], padding: 'same', activation: 'none', effectiveScale: [0.3, 1.5] }],
    ['5x5 stride 3 valid 5x8x48 to 1 extremes', { input: [5, 8, 48], outputChannels: 1, kernel: [5, 5], stride: [3, 3], padding: 'valid', activation: 'none', extremes: { inputZeroPoint: -128 } }],
  ];
  return convs.map(([label, config]) => convS8(random, `conv2d_s8_direct ${label}`, config, false, 'td_conv2d_s8_direct'));
}

/**
 * Fully connected depth tails: every depth % 8 (1-7) through the paired kernel's general path
 * (blocks of four rows, the pair after them and a missing B row: 7 rows; 4 rows only; 3 rows: a
 * pair and a single row whose pair starts off a word boundary for an odd depth; a batch of two
 * whose second row is not word-aligned) and the packed kernel's (blocks and the one to three rows
 * after them, sixteen, eight and four inputs at a time), under each clamp: relu_n1_to_1 (both
 * ends), relu (the minimum only), none. Their own seed: the cases before them draw what they did.
 */
function fcTailCases(random: Random): CaseBuilder[] {
  const activations: Activation[] = ['relu_n1_to_1', 'relu', 'none', 'relu6'];
  const cases: CaseBuilder[] = [];
  for (let rest = 1; rest <= 7; rest++) {
    const activation = activations[rest % activations.length]!;
    const paired: [string, FcConfig][] = [
      [`${16 + rest} in 7 out ${activation}`, { batches: 1, inputDepth: 16 + rest, outputDepth: 7, activation }],
      [`${8 + rest} in 4 out batch 2 ${activation}`, { batches: 2, inputDepth: 8 + rest, outputDepth: 4, activation }],
      [`${24 + rest} in 3 out ${activation}`, { batches: 1, inputDepth: 24 + rest, outputDepth: 3, activation }],
    ];
    for (const [label, config] of paired) cases.push(fullyConnectedS8(random, `fully_connected_s8_paired tail ${label}`, { ...config, paired: true }));
    const packed: [string, FcConfig][] = [
      [`${40 + rest} in 10 out ${activation}`, { batches: 1, inputDepth: 40 + rest, outputDepth: 10, activation }],
      [`${rest} in 5 out batch 2 ${activation}`, { batches: 2, inputDepth: rest, outputDepth: 5, activation }],
    ];
    for (const [label, config] of packed) cases.push(fullyConnectedS8(random, `fully_connected_s8_packed tail ${label}`, { ...config, packed: true }));
    cases.push(fullyConnectedS8(random, `fully_connected_s8_packed_rows tail ${28 + rest} in 2 out ${activation}`, { batches: 1, inputDepth: 28 + rest, outputDepth: 2, activation, packed: true, rows: true }));
  }
  return cases;
}

/**
 * td_depthwise_conv2d_s8_widened (widened channel planes, tap pairs in registers): windows one column wide (the plane
 * transposed) and one row wide, one to four pairs of taps (odd counts against a zero tap), windows of two rows or two
 * columns (one or two pairs along each, a band of input lines), strides 1, 2 and 3 along
 * and across the lines, SAME and VALID, depth multipliers 1 to 8, clamps and the whole int8 range, both ends of the
 * input zero point, no bias, two batches, lines shorter than the band (the runs across them), planes in bands (more
 * lines than the scratch holds at once); and what it refuses or leaves to the portable loop (channels outside the
 * fast requantization, the output over the input, a dilation along or across two lines, larger windows).
 */
function depthwiseWidenedCases(random: Random): CaseBuilder[] {
  const widened: [string, ConvConfig][] = [
    ['2x1 stride 2x1 valid 27x15x5 multiplier 8 relu6', { input: [27, 15, 5], outputChannels: 40, kernel: [2, 1], stride: [2, 1], padding: 'valid', activation: 'relu6' }],
    ['3x1 stride 1x2 same 18x7x4 multiplier 3 relu6 zero point -128', { input: [18, 7, 4], outputChannels: 12, kernel: [3, 1], stride: [1, 2], padding: 'same', activation: 'relu6', extremes: { inputZeroPoint: -128 } }],
    ['4x1 same 12x11x5 multiplier 3', { input: [12, 11, 5], outputChannels: 15, kernel: [4, 1], padding: 'same', activation: 'none' }],
    ['5x1 same 13x6x2 multiplier 2 zero point 127', { input: [13, 6, 2], outputChannels: 4, kernel: [5, 1], padding: 'same', activation: 'none', extremes: { inputZeroPoint: 127 } }],
    ['7x1 stride 3 same 16x5x3 multiplier 4 relu_n1_to_1', { input: [16, 5, 3], outputChannels: 12, kernel: [7, 1], stride: [3, 3], padding: 'same', activation: 'relu_n1_to_1' }],
    ['8x1 stride 2 valid 19x4x2 multiplier 2', { input: [19, 4, 2], outputChannels: 4, kernel: [8, 1], stride: [2, 2], padding: 'valid', activation: 'none' }],
    ['6x1 valid 9x3x6 multiplier 1 relu', { input: [9, 3, 6], outputChannels: 6, kernel: [6, 1], padding: 'valid', activation: 'relu' }],
    ['1x2 stride 2 same 7x25x5 multiplier 1', { input: [7, 25, 5], outputChannels: 5, kernel: [1, 2], stride: [2, 2], padding: 'same', activation: 'none' }],
    ['1x3 same 6x21x3 multiplier 8 relu_n1_to_1 batch 2', { batch: 2, input: [6, 21, 3], outputChannels: 24, kernel: [1, 3], padding: 'same', activation: 'relu_n1_to_1' }],
    ['1x4 valid 19x10x3 multiplier 8 relu', { input: [19, 10, 3], outputChannels: 24, kernel: [1, 4], padding: 'valid', activation: 'relu' }],
    ['1x5 dilation 2x1 valid 9x24x3 multiplier 3', { input: [9, 24, 3], outputChannels: 9, kernel: [1, 5], dilation: [2, 1], padding: 'valid', activation: 'none' }],
    ['1x7 stride 1x3 same 4x17x4 multiplier 2 no bias', { input: [4, 17, 4], outputChannels: 8, kernel: [1, 7], stride: [1, 3], padding: 'same', activation: 'none', bias: false }],
    ['1x1 stride 2 same 5x9x3 multiplier 2', { input: [5, 9, 3], outputChannels: 6, kernel: [1, 1], stride: [2, 2], padding: 'same', activation: 'relu6' }],
    ['4x1 same 4x19x9 (runs across the lines)', { input: [4, 19, 9], outputChannels: 9, kernel: [4, 1], padding: 'same', activation: 'relu6' }],
    ['7x1 stride 2 valid 10x10x6 (runs across the lines)', { input: [10, 10, 6], outputChannels: 6, kernel: [7, 1], stride: [2, 2], padding: 'valid', activation: 'none' }],
    ['3x1 same 100x40x1 multiplier 2 (bands of lines)', { input: [100, 40, 1], outputChannels: 2, kernel: [3, 1], padding: 'same', activation: 'relu' }],
    ['1x2 valid 70x50x1 multiplier 3 batch 2 (bands of lines)', { batch: 2, input: [70, 50, 1], outputChannels: 3, kernel: [1, 2], padding: 'valid', activation: 'none' }],
    ['2x3 stride 1x2 valid 10x39x3', { input: [10, 39, 3], outputChannels: 3, kernel: [2, 3], stride: [1, 2], padding: 'valid', activation: 'none' }],
    ['2x2 same 9x8x2 multiplier 3 relu6 zero point -128 (two lines)', { input: [9, 8, 2], outputChannels: 6, kernel: [2, 2], padding: 'same', activation: 'relu6', extremes: { inputZeroPoint: -128 } }],
    ['2x4 stride 2 same 11x9x3 zero point 127 (two lines)', { input: [11, 9, 3], outputChannels: 3, kernel: [2, 4], stride: [2, 2], padding: 'same', activation: 'none', extremes: { inputZeroPoint: 127 } }],
    ['3x2 stride 3x1 same 13x7x2 multiplier 2 relu batch 2 (two columns)', { batch: 2, input: [13, 7, 2], outputChannels: 4, kernel: [3, 2], stride: [3, 1], padding: 'same', activation: 'relu' }],
    ['4x2 stride 1x2 valid 12x9x1 multiplier 4 no bias (two columns)', { input: [12, 9, 1], outputChannels: 4, kernel: [4, 2], stride: [1, 2], padding: 'valid', activation: 'none', bias: false }],
    ['2x3 same 20x3x2 (two lines, runs across the lines)', { input: [20, 3, 2], outputChannels: 2, kernel: [2, 3], padding: 'same', activation: 'relu_n1_to_1' }],
    ['2x2 valid 60x60x1 multiplier 2 (two lines in bands)', { input: [60, 60, 1], outputChannels: 2, kernel: [2, 2], padding: 'valid', activation: 'none' }],
    ['2x2 dilation 2x1 same 6x7x2 (portable)', { input: [6, 7, 2], outputChannels: 2, kernel: [2, 2], dilation: [2, 1], padding: 'same', activation: 'none' }],
    ['3x1 same 8x5x3 multiplier 2 left shifts (portable channels)', { input: [8, 5, 3], outputChannels: 6, kernel: [3, 1], padding: 'same', activation: 'none', effectiveScale: [0.3, 1.5] }],
    ['3x1 same 6x4x4 in place (portable)', { input: [6, 4, 4], outputChannels: 4, kernel: [3, 1], padding: 'same', activation: 'none', inPlacePixels: 5 }],
    ['1x3 dilation 1x2 same 5x9x2 multiplier 2 (portable)', { input: [5, 9, 2], outputChannels: 4, kernel: [1, 3], dilation: [1, 2], padding: 'same', activation: 'none' }],
    ['3x3 valid 5x6x2 multiplier 3 (portable)', { input: [5, 6, 2], outputChannels: 6, kernel: [3, 3], padding: 'valid', activation: 'none' }],
    ['2x5 valid 5x8x2 (portable)', { input: [5, 8, 2], outputChannels: 2, kernel: [2, 5], padding: 'valid', activation: 'none' }],
    ['9x1 same 12x3x2 (portable)', { input: [12, 3, 2], outputChannels: 2, kernel: [9, 1], padding: 'same', activation: 'none' }],
    // The assembly's four outputs a pass (strides 1 and 2): every code with and without the clamp, lines of every
    // length mod 4, and lines shorter than a pass.
    ['1x2 same 9x23x2 multiplier 2 relu (four a pass)', { input: [9, 23, 2], outputChannels: 4, kernel: [1, 2], padding: 'same', activation: 'relu' }],
    ['1x3 stride 2 valid 7x31x2 multiplier 2 relu6 (four a pass)', { input: [7, 31, 2], outputChannels: 4, kernel: [1, 3], stride: [2, 2], padding: 'valid', activation: 'relu6' }],
    ['4x1 stride 2x1 same 22x5x3 multiplier 2 (four a pass)', { input: [22, 5, 3], outputChannels: 6, kernel: [4, 1], stride: [2, 1], padding: 'same', activation: 'none' }],
    ['1x6 stride 2 same 5x26x2 multiplier 2 relu_n1_to_1 (four a pass)', { input: [5, 26, 2], outputChannels: 4, kernel: [1, 6], stride: [2, 2], padding: 'same', activation: 'relu_n1_to_1' }],
    ['5x1 stride 2x1 valid 32x4x2 multiplier 3 zero point 127 (four a pass)', { input: [32, 4, 2], outputChannels: 6, kernel: [5, 1], stride: [2, 1], padding: 'valid', activation: 'none', extremes: { inputZeroPoint: 127 } }],
    ['1x8 same 6x20x2 multiplier 2 relu6 (four a pass)', { input: [6, 20, 2], outputChannels: 4, kernel: [1, 8], padding: 'same', activation: 'relu6' }],
    ['7x1 valid 23x5x2 multiplier 2 (four a pass)', { input: [23, 5, 2], outputChannels: 4, kernel: [7, 1], padding: 'valid', activation: 'none' }],
    ['1x7 stride 2 same 4x30x2 multiplier 2 relu zero point -128 (four a pass)', { input: [4, 30, 2], outputChannels: 4, kernel: [1, 7], stride: [2, 2], padding: 'same', activation: 'relu', extremes: { inputZeroPoint: -128 } }],
    ['2x2 stride 2 valid 11x20x2 multiplier 2 relu6 (four a pass, two lines)', { input: [11, 20, 2], outputChannels: 4, kernel: [2, 2], stride: [2, 2], padding: 'valid', activation: 'relu6' }],
    ['2x2 stride 2 same 9x22x1 multiplier 3 (four a pass, two lines)', { input: [9, 22, 1], outputChannels: 3, kernel: [2, 2], stride: [2, 2], padding: 'same', activation: 'none' }],
    ['2x3 same 8x18x2 multiplier 2 relu_n1_to_1 (four a pass, two lines)', { input: [8, 18, 2], outputChannels: 4, kernel: [2, 3], padding: 'same', activation: 'relu_n1_to_1' }],
    ['2x4 stride 2 valid 9x25x2 multiplier 2 relu6 (four a pass, two lines)', { input: [9, 25, 2], outputChannels: 4, kernel: [2, 4], stride: [2, 2], padding: 'valid', activation: 'relu6' }],
    ['3x2 stride 2x1 valid 21x6x2 relu (four a pass, two columns)', { input: [21, 6, 2], outputChannels: 2, kernel: [3, 2], stride: [2, 1], padding: 'valid', activation: 'relu' }],
    ['1x3 valid 4x5x2 multiplier 2 relu (lines shorter than a pass)', { input: [4, 5, 2], outputChannels: 4, kernel: [1, 3], padding: 'valid', activation: 'relu' }],
  ];
  return widened.map(([label, config]) => convS8(random, `depthwise_conv2d_s8_widened ${label}`, config, true, 'td_depthwise_conv2d_s8_widened'));
}

/**
 * td_depthwise_conv2d_s8_wide's 3x3 stride-2 assembly (the cursor in a register, the channel's taps and
 * requantization in the frame, a requantization piece per right shift): right shifts 1 to 21 over the
 * channels of one layer (each piece), rows of one step (inputs 11 to 14 wide: every border form of the
 * widening) and of two (23 to 26 wide), bands of 12 outputs (48 and 72 wide, SAME and VALID), every clamp
 * form, zero points -128 and 127, one to five blocks of four channels and channels past them, two batches,
 * no bias, ties, without the filter (the generator's call) and with channels outside the fast form (left
 * shifts: the reference loop beside the assembly's channels).
 */
function depthwiseStride2Cases(random: Random): CaseBuilder[] {
  const shifts: [number, number] = [2.5e-7, 0.45];
  const packed: [string, ConvConfig][] = [
    ['same 12x12x16 right shifts 1-21 (rows of one step, four blocks)', { input: [12, 12, 16], outputChannels: 16, kernel: [3, 3], stride: [2, 2], padding: 'same', activation: 'none', effectiveScale: shifts }],
    ['same 12x12x20 relu6 right shifts 1-21 (rows of one step, five blocks)', { input: [12, 12, 20], outputChannels: 20, kernel: [3, 3], stride: [2, 2], padding: 'same', activation: 'relu6', effectiveScale: shifts }],
    ['same 11x11x8 relu input zero point -128 (rows of one step, a border pair each side)', { input: [11, 11, 8], outputChannels: 8, kernel: [3, 3], stride: [2, 2], padding: 'same', activation: 'relu', extremes: { inputZeroPoint: -128 } }],
    ['valid 13x13x6 relu_n1_to_1 (rows of one step, the right border pair, channels past four)', { input: [13, 13, 6], outputChannels: 6, kernel: [3, 3], stride: [2, 2], padding: 'valid', activation: 'relu_n1_to_1' }],
    ['valid 14x14x8 input zero point 127 batch 2 (rows of one step, seven inside pairs)', { batch: 2, input: [14, 14, 8], outputChannels: 8, kernel: [3, 3], stride: [2, 2], padding: 'valid', activation: 'none', extremes: { inputZeroPoint: 127 } }],
    ['same 5x12x12 no bias (rows of one step, an odd height)', { input: [5, 12, 12], outputChannels: 12, kernel: [3, 3], stride: [2, 2], padding: 'same', activation: 'none', bias: false }],
    ['same 6x24x16 relu right shifts 1-21 (rows of two steps)', { input: [6, 24, 16], outputChannels: 16, kernel: [3, 3], stride: [2, 2], padding: 'same', activation: 'relu', effectiveScale: shifts }],
    ['same 7x23x8 relu6 input zero point -128 (rows of two steps, a border pair each side)', { input: [7, 23, 8], outputChannels: 8, kernel: [3, 3], stride: [2, 2], padding: 'same', activation: 'relu6', extremes: { inputZeroPoint: -128 } }],
    ['valid 9x25x4 ties (rows of two steps)', { input: [9, 25, 4], outputChannels: 4, kernel: [3, 3], stride: [2, 2], padding: 'valid', activation: 'none', biasAtRoundingTies: true }],
    ['valid 5x26x9 relu_n1_to_1 batch 2 (rows of two steps, a channel past four)', { batch: 2, input: [5, 26, 9], outputChannels: 9, kernel: [3, 3], stride: [2, 2], padding: 'valid', activation: 'relu_n1_to_1' }],
    ['same 4x48x12 right shifts 1-21 (bands of 12)', { input: [4, 48, 12], outputChannels: 12, kernel: [3, 3], stride: [2, 2], padding: 'same', activation: 'none', effectiveScale: shifts }],
    ['same 5x48x8 relu6 input zero point 127 (bands of 12)', { input: [5, 48, 8], outputChannels: 8, kernel: [3, 3], stride: [2, 2], padding: 'same', activation: 'relu6', extremes: { inputZeroPoint: 127 } }],
    ['valid 3x49x4 relu batch 2 (bands of 12)', { batch: 2, input: [3, 49, 4], outputChannels: 4, kernel: [3, 3], stride: [2, 2], padding: 'valid', activation: 'relu' }],
    ['same 3x72x6 no bias (three bands, channels past four)', { input: [3, 72, 6], outputChannels: 6, kernel: [3, 3], stride: [2, 2], padding: 'same', activation: 'none', bias: false }],
    ['same 12x12x8 relu6 without the filter (rows of one step)', { input: [12, 12, 8], outputChannels: 8, kernel: [3, 3], stride: [2, 2], padding: 'same', activation: 'relu6', effectiveScale: shifts, withoutFilter: true }],
    ['same 6x24x8 without the filter (rows of two steps)', { input: [6, 24, 8], outputChannels: 8, kernel: [3, 3], stride: [2, 2], padding: 'same', activation: 'none', effectiveScale: shifts, withoutFilter: true }],
    ['same 4x48x8 relu without the filter (bands of 12)', { input: [4, 48, 8], outputChannels: 8, kernel: [3, 3], stride: [2, 2], padding: 'same', activation: 'relu', withoutFilter: true }],
  ];
  const prepared: [string, ConvConfig][] = [
    ['same 12x12x16 right shifts 1-21 and left shifts (rows of one step)', { input: [12, 12, 16], outputChannels: 16, kernel: [3, 3], stride: [2, 2], padding: 'same', activation: 'relu', effectiveScale: [2.5e-7, 1.6] }],
    ['same 6x24x12 relu6 right shifts 1-21 (rows of two steps)', { input: [6, 24, 12], outputChannels: 12, kernel: [3, 3], stride: [2, 2], padding: 'same', activation: 'relu6', effectiveScale: shifts }],
  ];
  return [
    ...packed.map(([label, config]) => convS8(random, `depthwise_conv2d_s8 wide packed 3x3 s2 ${label}`, config, true, 'td_depthwise_conv2d_s8_wide_packed', true)),
    ...prepared.map(([label, config]) => convS8(random, `depthwise_conv2d_s8 wide 3x3 s2 ${label}`, config, true, 'td_depthwise_conv2d_s8_wide')),
  ];
}

/**
 * td_conv2d_s8_small_1x1x4 at strides above 1 (an output row a run of pixels stride * C_in bytes apart): one to four
 * channels, each clamping form, the last pixel of a run the input's last (its load from a copy), two batches.
 */
function stridedPointwiseCases(random: Random): CaseBuilder[] {
  const convs: [string, ConvConfig, string][] = [
    ['stride 2 valid 11x42x1 to 8', { input: [11, 42, 1], outputChannels: 8, kernel: [1, 1], stride: [2, 2], padding: 'valid', activation: 'none' }, '_full'],
    ['stride 2 valid 7x9x3 to 5 relu6', { input: [7, 9, 3], outputChannels: 5, kernel: [1, 1], stride: [2, 2], padding: 'valid', activation: 'relu6' }, ''],
    ['stride 3 same 6x1x2 to 17 relu', { input: [6, 1, 2], outputChannels: 17, kernel: [1, 1], stride: [3, 3], padding: 'same', activation: 'relu' }, '_min'],
    ['stride 2x1 same 5x5x4 to 6 relu_n1_to_1 zero point 127', { input: [5, 5, 4], outputChannels: 6, kernel: [1, 1], stride: [2, 1], padding: 'same', activation: 'relu_n1_to_1', extremes: { inputZeroPoint: 127 } }, ''],
    ['stride 1x3 valid 4x10x3 to 3 batch 2', { batch: 2, input: [4, 10, 3], outputChannels: 3, kernel: [1, 1], stride: [1, 3], padding: 'valid', activation: 'none' }, '_full'],
    ['stride 2 same 6x8x2 to 7 relu batch 2 zero point -128 no bias', { batch: 2, input: [6, 8, 2], outputChannels: 7, kernel: [1, 1], stride: [2, 2], padding: 'same', activation: 'relu', bias: false, extremes: { inputZeroPoint: -128 } }, '_min'],
  ];
  return convs.map(([label, config, form]) => convS8(random, `conv2d_s8_small 1x1x4${form} ${label}`, config, false, `td_conv2d_s8_small_1x1x4${form}`));
}

/**
 * The small convolution's loops that clamp and store four filters' bytes at once (td_small_regs_quad_*,
 * td_small_pointwise4_*): whole groups of four with and without one to three filters after them, patches of one to
 * eight words (seven and eight, which reread their four bytes to clamp them, had no ReLU case), input zero points
 * -128 and 127, two batches.
 */
function smallQuadCases(random: Random): CaseBuilder[] {
  const convs: [string, ConvConfig, string][] = [
    ['4x3 valid 5 filters relu (eight words)', { input: [5, 4, 1], outputChannels: 5, kernel: [4, 3], padding: 'valid', activation: 'relu' }, 'regs_min'],
    ['7x1 same 6 filters relu batch 2 (seven words)', { batch: 2, input: [7, 2, 1], outputChannels: 6, kernel: [7, 1], padding: 'same', activation: 'relu' }, 'regs_min'],
    ['1x2 stride 2 same 4 filters relu6 zero point 127 (one word)', { input: [3, 5, 1], outputChannels: 4, kernel: [1, 2], stride: [2, 2], padding: 'same', activation: 'relu6', extremes: { inputZeroPoint: 127 } }, 'regs'],
    ['2x1 three channels valid 7 filters (four words)', { input: [3, 3, 3], outputChannels: 7, kernel: [2, 1], padding: 'valid', activation: 'none' }, 'regs_full'],
    ['1x1 three channels to 9 relu zero point -128', { input: [3, 3, 3], outputChannels: 9, kernel: [1, 1], padding: 'valid', activation: 'relu', extremes: { inputZeroPoint: -128 } }, '1x1x4_min'],
  ];
  return convs.map(([label, config, entry]) => convS8(random, `conv2d_s8_small ${entry} quad ${label}`, config, false, `td_conv2d_s8_small_${entry}`));
}

/**
 * td_conv2d_s8_small's general loop on windows of more than 32 taps in at most 32 weight words (K_h rows of
 * ceil(K_w C_in / 2), rounded up to groups of four; the generator's smallPatchLongWindow): seven and eight chunks of
 * four words, padding on every side, each clamping form.
 */
function smallLongWindowCases(random: Random): CaseBuilder[] {
  const convs: [string, ConvConfig, string][] = [
    ['5x3 same 9x8x3 to 1 relu6', { input: [9, 8, 3], outputChannels: 1, kernel: [5, 3], padding: 'same', activation: 'relu6' }, ''],
    ['5x5 stride 2 same 14x6x2 to 2 relu6', { input: [14, 6, 2], outputChannels: 2, kernel: [5, 5], stride: [2, 2], padding: 'same', activation: 'relu6' }, ''],
    ['5x3 same 10x8x3 to 8 relu_n1_to_1 zero point 127', { input: [10, 8, 3], outputChannels: 8, kernel: [5, 3], padding: 'same', activation: 'relu_n1_to_1', extremes: { inputZeroPoint: 127 } }, ''],
    ['2x4 same 9x14x5 to 8', { input: [9, 14, 5], outputChannels: 8, kernel: [2, 4], padding: 'same', activation: 'none' }, '_full'],
    ['8x8 valid 10x11x1 to 3 relu batch 2', { batch: 2, input: [10, 11, 1], outputChannels: 3, kernel: [8, 8], padding: 'valid', activation: 'relu' }, '_min'],
    ['2x3 same 6x14x7 to 8 relu zero point -128 no bias', { input: [6, 14, 7], outputChannels: 8, kernel: [2, 3], padding: 'same', activation: 'relu', bias: false, extremes: { inputZeroPoint: -128 } }, '_min'],
  ];
  return convs.map(([label, config, form]) => convS8(random, `conv2d_s8_small patch${form} ${label}`, config, false, `td_conv2d_s8_small_patch${form}`));
}

/**
 * td_conv2d_s8_small_few (one to four filters, each pixel's patch read in place from the widened rows): filter rows
 * of 1 to 16 words (every entry of the ladder), one to four filters, K_h 1 to 8, C_in 1 to 9, strides 1 to 3 each
 * way, SAME padding on every side (odd and even windows) and VALID, each clamping form, two batches, input zero points
 * -128 and 127, biases at rounding ties.
 */
function smallFewCases(random: Random): CaseBuilder[] {
  const convs: [string, ConvConfig, string][] = [
    ['1x2 valid 4x7x1 to 1 (one word)', { input: [4, 7, 1], outputChannels: 1, kernel: [1, 2], padding: 'valid', activation: 'none' }, '_full'],
    ['5x1 valid 12x7x3 to 1 relu_n1_to_1 (two words)', { input: [12, 7, 3], outputChannels: 1, kernel: [5, 1], padding: 'valid', activation: 'relu_n1_to_1' }, ''],
    ['3x3 stride 3x2 same 10x11x1 to 2 relu (two words)', { input: [10, 11, 1], outputChannels: 2, kernel: [3, 3], stride: [3, 2], padding: 'same', activation: 'relu' }, '_min'],
    ['3x1 same 8x6x5 to 3 (three words)', { input: [8, 6, 5], outputChannels: 3, kernel: [3, 1], padding: 'same', activation: 'none' }, '_full'],
    ['7x1 same 12x5x7 to 3 relu (four words)', { input: [12, 5, 7], outputChannels: 3, kernel: [7, 1], padding: 'same', activation: 'relu' }, '_min'],
    ['5x3 same 9x8x3 to 1 relu6 (five words)', { input: [9, 8, 3], outputChannels: 1, kernel: [5, 3], padding: 'same', activation: 'relu6' }, ''],
    ['2x3 stride 2x3 same 7x13x3 to 3 relu6 zero point 127 (five words)', { input: [7, 13, 3], outputChannels: 3, kernel: [2, 3], stride: [2, 3], padding: 'same', activation: 'relu6', extremes: { inputZeroPoint: 127 } }, ''],
    ['5x5 stride 2 same 11x6x2 to 2 relu6 (five words)', { input: [11, 6, 2], outputChannels: 2, kernel: [5, 5], stride: [2, 2], padding: 'same', activation: 'relu6' }, ''],
    ['3x2 same 6x6x6 to 2 zero point -128 (six words)', { input: [6, 6, 6], outputChannels: 2, kernel: [3, 2], padding: 'same', activation: 'none', extremes: { inputZeroPoint: -128 } }, '_full'],
    ['1x7 same 3x9x2 to 2 relu (seven words)', { input: [3, 9, 2], outputChannels: 2, kernel: [1, 7], padding: 'same', activation: 'relu' }, '_min'],
    ['2x2 same 5x5x8 to 3 at rounding ties (eight words)', { input: [5, 5, 8], outputChannels: 3, kernel: [2, 2], padding: 'same', activation: 'none', biasAtRoundingTies: true }, '_full'],
    ['1x3 valid 3x9x6 to 3 batch 2 (nine words)', { batch: 2, input: [3, 9, 6], outputChannels: 3, kernel: [1, 3], padding: 'valid', activation: 'none' }, '_full'],
    ['1x5 same 4x9x4 to 1 relu (ten words)', { input: [4, 9, 4], outputChannels: 1, kernel: [1, 5], padding: 'same', activation: 'relu' }, '_min'],
    ['1x7 stride 3 same 4x16x3 to 1 relu6 (eleven words)', { input: [4, 16, 3], outputChannels: 1, kernel: [1, 7], stride: [3, 3], padding: 'same', activation: 'relu6' }, ''],
    ['1x4 valid 3x8x6 to 2 relu_n1_to_1 (twelve words)', { input: [3, 8, 6], outputChannels: 2, kernel: [1, 4], padding: 'valid', activation: 'relu_n1_to_1' }, ''],
    ['1x5 same 5x9x5 to 2 (thirteen words)', { input: [5, 9, 5], outputChannels: 2, kernel: [1, 5], padding: 'same', activation: 'none' }, '_full'],
    ['1x3 stride 1x2 same 6x10x9 to 1 no bias zero point -128 (fourteen words)', { input: [6, 10, 9], outputChannels: 1, kernel: [1, 3], stride: [1, 2], padding: 'same', activation: 'none', bias: false, extremes: { inputZeroPoint: -128 } }, '_full'],
    ['1x5 same 3x8x6 to 3 relu (fifteen words)', { input: [3, 8, 6], outputChannels: 3, kernel: [1, 5], padding: 'same', activation: 'relu' }, '_min'],
    ['1x8 same 3x12x4 to 3 relu batch 2 (sixteen words)', { batch: 2, input: [3, 12, 4], outputChannels: 3, kernel: [1, 8], padding: 'same', activation: 'relu' }, '_min'],
    ['8x1 stride 2x1 same 13x4x1 to 2 relu6 zero point 127 (one word, eight rows)', { input: [13, 4, 1], outputChannels: 2, kernel: [8, 1], stride: [2, 1], padding: 'same', activation: 'relu6', extremes: { inputZeroPoint: 127 } }, ''],
    ['4x2 stride 2x1 valid 9x5x3 to 2 relu_n1_to_1 batch 2 (three words)', { batch: 2, input: [9, 5, 3], outputChannels: 2, kernel: [4, 2], stride: [2, 1], padding: 'valid', activation: 'relu_n1_to_1' }, ''],
    ['2x4 same 6x9x1 to 1 relu zero point 127 (two words)', { input: [6, 9, 1], outputChannels: 1, kernel: [2, 4], padding: 'same', activation: 'relu', extremes: { inputZeroPoint: 127 } }, '_min'],
    ['4x5 stride 3 same 14x11x1 to 4 (three words, four filters)', { input: [14, 11, 1], outputChannels: 4, kernel: [4, 5], stride: [3, 3], padding: 'same', activation: 'none' }, '_full'],
    ['1x7 stride 3 same 5x16x3 to 4 relu6 (eleven words, four filters)', { input: [5, 16, 3], outputChannels: 4, kernel: [1, 7], stride: [3, 3], padding: 'same', activation: 'relu6' }, ''],
    ['7x1 valid 10x3x4 to 4 relu batch 2 (two words, four filters)', { batch: 2, input: [10, 3, 4], outputChannels: 4, kernel: [7, 1], padding: 'valid', activation: 'relu' }, '_min'],
    ['3x2 stride 3 same 8x10x4 to 4 relu_n1_to_1 zero point 127 (four words, four filters)', { input: [8, 10, 4], outputChannels: 4, kernel: [3, 2], stride: [3, 3], padding: 'same', activation: 'relu_n1_to_1', extremes: { inputZeroPoint: 127 } }, ''],
    ['2x1 same 7x6x1 to 4 zero point -128 (one word, four filters)', { input: [7, 6, 1], outputChannels: 4, kernel: [2, 1], padding: 'same', activation: 'none', extremes: { inputZeroPoint: -128 } }, '_full'],
    ['1x4 same 3x7x8 to 4 relu at rounding ties (sixteen words, four filters)', { input: [3, 7, 8], outputChannels: 4, kernel: [1, 4], padding: 'same', activation: 'relu', biasAtRoundingTies: true }, '_min'],
    ['5x3 stride 2 same 9x12x2 to 4 relu6 (three words, five rows, four filters)', { input: [9, 12, 2], outputChannels: 4, kernel: [5, 3], stride: [2, 2], padding: 'same', activation: 'relu6' }, ''],
  ];
  return convs.map(([label, config, form]) => convS8(random, `conv2d_s8_small few${form} ${label}`, config, false, `td_conv2d_s8_small_few${form}`));
}

/**
 * td_depthwise_conv2d_s8's channel blocks on windows other than 3x3 (td_depthwise_blocks_any): rows expanded a run of
 * consecutive ring slots at a time (td_depthwise_expand_run: positions per row of every count mod 4, under four and
 * over, runs split where the ring wraps), rows outside the image zeroed once per slot (padding on every side, strides
 * above and below the window, batches, several blocks), dilated rows, depth multipliers (gathered rows), channel
 * counts not a multiple of four, each clamping form, tiny images, and the columns entry on windows one column wide.
 */
function depthwiseRowsCases(random: Random): CaseBuilder[] {
  const rows: [string, ConvConfig][] = [
    ['1x1 stride 2 same 3x3x8', { input: [3, 3, 8], outputChannels: 8, kernel: [1, 1], stride: [2, 2], padding: 'same', activation: 'none' }],
    ['1x2 valid 2x2x5 relu6', { input: [2, 2, 5], outputChannels: 5, kernel: [1, 2], padding: 'valid', activation: 'relu6' }],
    ['2x1 same 1x2x4', { input: [1, 2, 4], outputChannels: 4, kernel: [2, 1], padding: 'same', activation: 'none' }],
    ['2x2 same 2x2x12 relu_n1_to_1', { input: [2, 2, 12], outputChannels: 12, kernel: [2, 2], padding: 'same', activation: 'relu_n1_to_1' }],
    ['3x2 stride 3 same 12x7x48', { input: [12, 7, 48], outputChannels: 48, kernel: [3, 2], stride: [3, 3], padding: 'same', activation: 'none' }],
    ['5x3 stride 3 valid 8x9x20 relu', { input: [8, 9, 20], outputChannels: 20, kernel: [5, 3], stride: [3, 3], padding: 'valid', activation: 'relu' }],
    ['3x4 stride 3 same 12x9x17 relu', { input: [12, 9, 17], outputChannels: 17, kernel: [3, 4], stride: [3, 3], padding: 'same', activation: 'relu' }],
    ['1x4 valid 3x10x32', { input: [3, 10, 32], outputChannels: 32, kernel: [1, 4], padding: 'valid', activation: 'none' }],
    ['2x4 stride 2 valid 6x9x7 multiplier 3', { input: [6, 9, 7], outputChannels: 21, kernel: [2, 4], stride: [2, 2], padding: 'valid', activation: 'none' }],
    ['5x5 same 2x3x8 (padding on every side)', { input: [2, 3, 8], outputChannels: 8, kernel: [5, 5], padding: 'same', activation: 'relu6' }],
    ['5x5 same 4x5x13 relu_n1_to_1', { input: [4, 5, 13], outputChannels: 13, kernel: [5, 5], padding: 'same', activation: 'relu_n1_to_1' }],
    ['5x5 stride 2 same 6x6x9 batch 2', { batch: 2, input: [6, 6, 9], outputChannels: 9, kernel: [5, 5], stride: [2, 2], padding: 'same', activation: 'none' }],
    ['4x4 stride 2 same 5x5x7 zero point -128', { input: [5, 5, 7], outputChannels: 7, kernel: [4, 4], stride: [2, 2], padding: 'same', activation: 'none', extremes: { inputZeroPoint: -128 } }],
    ['4x3 stride 3x1 same 6x13x7 relu_n1_to_1', { input: [6, 13, 7], outputChannels: 7, kernel: [4, 3], stride: [3, 1], padding: 'same', activation: 'relu_n1_to_1' }],
    ['2x3 stride 3 same 2x6x11 zero point 127', { input: [2, 6, 11], outputChannels: 11, kernel: [2, 3], stride: [3, 3], padding: 'same', activation: 'none', extremes: { inputZeroPoint: 127 } }],
    ['6x6 same 6x6x6 relu6', { input: [6, 6, 6], outputChannels: 6, kernel: [6, 6], padding: 'same', activation: 'relu6' }],
    ['7x7 same 3x4x4 no bias', { input: [3, 4, 4], outputChannels: 4, kernel: [7, 7], padding: 'same', activation: 'none', bias: false }],
    ['8x8 stride 2 same 5x6x5', { input: [5, 6, 5], outputChannels: 5, kernel: [8, 8], stride: [2, 2], padding: 'same', activation: 'relu' }],
    ['16x8 same 4x3x4', { input: [4, 3, 4], outputChannels: 4, kernel: [16, 8], padding: 'same', activation: 'none' }],
    ['16x1 stride 3 same 20x2x8 relu6', { input: [20, 2, 8], outputChannels: 8, kernel: [16, 1], stride: [3, 1], padding: 'same', activation: 'relu6' }],
    ['10x4 stride 3 same 20x4x7', { input: [20, 4, 7], outputChannels: 7, kernel: [10, 4], stride: [3, 3], padding: 'same', activation: 'none' }],
    ['10x8 stride 2 valid 13x20x8 multiplier 3 relu_n1_to_1', { input: [13, 20, 8], outputChannels: 24, kernel: [10, 8], stride: [2, 2], padding: 'valid', activation: 'relu_n1_to_1' }],
    ['1x8 same 5x1x9', { input: [5, 1, 9], outputChannels: 9, kernel: [1, 8], padding: 'same', activation: 'none' }],
    ['1x7 valid 4x17x12 multiplier 2', { input: [4, 17, 12], outputChannels: 24, kernel: [1, 7], padding: 'valid', activation: 'none' }],
    ['3x5 stride 2x3 same 7x11x5 multiplier 2 relu', { input: [7, 11, 5], outputChannels: 10, kernel: [3, 5], stride: [2, 3], padding: 'same', activation: 'relu' }],
    ['4x2 same 5x4x8 multiplier 4 zero point -128', { input: [5, 4, 8], outputChannels: 32, kernel: [4, 2], padding: 'same', activation: 'none', extremes: { inputZeroPoint: -128 } }],
    ['3x3 dilation 2x1 same 6x5x6 (dilated rows)', { input: [6, 5, 6], outputChannels: 6, kernel: [3, 3], dilation: [2, 1], padding: 'same', activation: 'relu6' }],
    ['5x2 dilation 3x1 same 4x6x8 batch 2 (dilated rows)', { batch: 2, input: [4, 6, 8], outputChannels: 8, kernel: [5, 2], dilation: [3, 1], padding: 'same', activation: 'none' }],
    ['2x2 dilation 2x1 valid 9x10x5 multiplier 2 (dilated rows)', { input: [9, 10, 5], outputChannels: 10, kernel: [2, 2], dilation: [2, 1], padding: 'valid', activation: 'relu_n1_to_1' }],
    ['2x2 dilation 3x1 same 2x5x8 (a window of no row inside the image)', { input: [2, 5, 8], outputChannels: 8, kernel: [2, 2], dilation: [3, 1], padding: 'same', activation: 'relu' }],
    ['4x3 dilation 2x1 same 3x4x12 multiplier 3 (dilated rows, gathered)', { input: [3, 4, 4], outputChannels: 12, kernel: [4, 3], dilation: [2, 1], padding: 'same', activation: 'relu6' }],
    ['3x1 stride 2 same 5x6x33', { input: [5, 6, 33], outputChannels: 33, kernel: [3, 1], stride: [2, 2], padding: 'same', activation: 'none' }],
    ['5x4 same 27x3x8 relu6', { input: [27, 3, 8], outputChannels: 8, kernel: [5, 4], padding: 'same', activation: 'relu6' }],
    ['2x5 stride 3 same 9x13x12 relu_n1_to_1', { input: [9, 13, 12], outputChannels: 12, kernel: [2, 5], stride: [3, 3], padding: 'same', activation: 'relu_n1_to_1' }],
    ['4x5 stride 1 valid 6x14x31 relu', { input: [6, 14, 31], outputChannels: 31, kernel: [4, 5], padding: 'valid', activation: 'relu' }],
  ];
  const columns: [string, ConvConfig][] = [
    ['3x1 stride 2 same 9x5x12 relu6', { input: [9, 5, 12], outputChannels: 12, kernel: [3, 1], stride: [2, 2], padding: 'same', activation: 'relu6' }],
    ['5x1 same 4x6x5 batch 2', { batch: 2, input: [4, 6, 5], outputChannels: 5, kernel: [5, 1], padding: 'same', activation: 'none' }],
    ['7x1 stride 2x1 same 15x7x9 multiplier 4 relu', { input: [15, 7, 9], outputChannels: 36, kernel: [7, 1], stride: [2, 1], padding: 'same', activation: 'relu' }],
    ['4x1 stride 3 valid 13x4x6 relu_n1_to_1', { input: [13, 4, 6], outputChannels: 6, kernel: [4, 1], stride: [3, 3], padding: 'valid', activation: 'relu_n1_to_1' }],
  ];
  return [
    ...rows.map(([label, config]) => convS8(random, `depthwise_conv2d_s8 rows ${label}`, config, true)),
    ...columns.map(([label, config]) => convS8(random, `depthwise_conv2d_s8_columns rows ${label}`, config, true, 'td_depthwise_conv2d_s8_columns')),
  ];
}

/**
 * td_depthwise_conv2d_s8_3x3 (the channel blocks' 3x3 rows alone): strides 1 and 2, SAME and VALID, each clamping form
 * (the clamp pass after the rows), channel counts not a multiple of four (the last block over the tail), multipliers,
 * batches, both zero points, an output over its input; and the windows it leaves to the per-channel loop (5x5, 3x3
 * dilated, 1x3), which the generator never gives it.
 */
function depthwise3x3EntryCases(random: Random): CaseBuilder[] {
  const configs: [string, ConvConfig][] = [
    ['stride 1 same 7x9x8', { input: [7, 9, 8], outputChannels: 8, kernel: [3, 3], padding: 'same', activation: 'none' }],
    ['stride 2 same 9x10x12 relu6', { input: [9, 10, 12], outputChannels: 12, kernel: [3, 3], stride: [2, 2], padding: 'same', activation: 'relu6' }],
    ['stride 2 valid 8x7x10 relu (a tail block)', { input: [8, 7, 10], outputChannels: 10, kernel: [3, 3], stride: [2, 2], padding: 'valid', activation: 'relu' }],
    ['stride 1 valid 5x6x6 multiplier 2 relu_n1_to_1', { input: [5, 6, 6], outputChannels: 12, kernel: [3, 3], padding: 'valid', activation: 'relu_n1_to_1' }],
    ['stride 1 same 4x4x16 batch 2 zero point -128', { batch: 2, input: [4, 4, 16], outputChannels: 16, kernel: [3, 3], padding: 'same', activation: 'none', extremes: { inputZeroPoint: -128 } }],
    ['stride 2x1 same 6x5x4 zero point 127', { input: [6, 5, 4], outputChannels: 4, kernel: [3, 3], stride: [2, 1], padding: 'same', activation: 'none', extremes: { inputZeroPoint: 127 } }],
    ['stride 1 same 3x8x8 at rounding ties', { input: [3, 8, 8], outputChannels: 8, kernel: [3, 3], padding: 'same', activation: 'none', biasAtRoundingTies: true }],
    ['stride 1 same 5x6x8 output over its input', { input: [5, 6, 8], outputChannels: 8, kernel: [3, 3], padding: 'same', activation: 'relu6', inPlacePixels: 8 }],
    ['5x5 same 6x6x8 (the per-channel loop)', { input: [6, 6, 8], outputChannels: 8, kernel: [5, 5], padding: 'same', activation: 'relu6' }],
    ['3x3 dilation 2 same 7x7x8 (the per-channel loop)', { input: [7, 7, 8], outputChannels: 8, kernel: [3, 3], dilation: [2, 2], padding: 'same', activation: 'none' }],
    ['1x3 valid 4x9x12 (the per-channel loop)', { input: [4, 9, 12], outputChannels: 12, kernel: [1, 3], padding: 'valid', activation: 'relu' }],
  ];
  return configs.map(([label, config]) => convS8(random, `depthwise_conv2d_s8_3x3 ${label}`, config, true, 'td_depthwise_conv2d_s8_3x3'));
}

export function makeKernelVectors(seed = 20240601): KernelVectors {
  const random = new Random(seed);
  const cases = [...buildCases(random), ...opCoverageCases(random), ...gruCases(random), ...s16Cases(new Random(seed + 16)), ...logicCases(new Random(seed + 17)), ...detectionCases(new Random(seed + 18)), ...lstmPackedCases(new Random(seed + 41)), ...gruPackedCases(new Random(seed + 42)), ...rnnS16Cases(new Random(seed + 19)), ...gruResetFirstPackedCases(new Random(seed + 43)), ...widePadSoftmaxTransposeConvCases(new Random(seed + 61))];
  cases.push(...floatBlockCases(new Random(seed + 71)));
  cases.push(...narrowPoolCases(new Random(seed + 81)));
  cases.push(...directConvCases(new Random(seed + 82)));
  cases.push(...fcTailCases(new Random(seed + 90)));
  cases.push(...depthwiseWidenedCases(new Random(seed + 91)));
  cases.push(...stridedPointwiseCases(new Random(seed + 83)));
  cases.push(...smallLongWindowCases(new Random(seed + 84)));
  cases.push(...smallQuadCases(new Random(seed + 92)));
  cases.push(...depthwiseStride2Cases(new Random(seed + 93)));
  cases.push(...depthwiseRowsCases(new Random(seed + 94)));
  cases.push(...smallFewCases(new Random(seed + 95)));
  cases.push(...depthwise3x3EntryCases(new Random(seed + 96)));
  const functions = cases.map((c, i) => c.emit(`td_case_${i}`));
  const table = cases.map((c, i) => `    {${JSON.stringify(c.name)}, td_case_${i}},`);
  const header = [
    '/* Generated by firmware/kernels/test/make-vectors.ts from TinyDeploy\'s host interpreter. Do not edit. */',
    '#include <float.h>',
    '',
    ...functions,
    'static const td_test_case td_test_cases[] = {',
    ...table,
    '};',
    '',
  ].join('\n');
  return { header, cases: cases.map((c) => c.name) };
}

// ---------------------------------------------------------------------------------------------
// The ops beyond the MLPerf Tiny set (LEAKY_RELU … BATCH_MATMUL): each kernel called on a
// one-op graph's seeded input, its parameters read from the op library's plan (the same
// prepare the interpreter runs), its output compared byte for byte with the interpreter's.
// ---------------------------------------------------------------------------------------------

const cTypes: Partial<Record<DType, CType>> = { bool: 'uint8_t', int8: 'int8_t', uint8: 'uint8_t', int16: 'int16_t', int32: 'int32_t', uint32: 'uint32_t', int64: 'int64_t', float32: 'float' };

/** Seeded data over a dtype's range (floats in [-4, 4], or (0.05, 4] when positive). */
function randomOf(random: Random, dtype: DType, length: number, positive = false): TensorData {
  const data = allocateData(dtype, length);
  const ranges: Partial<Record<DType, [number, number]>> = { bool: [0, 1], int8: [-128, 127], uint8: [0, 255], int16: [-32768, 32767], int32: [-1000, 1000], uint32: [0, 4000000000] };
  const range = ranges[dtype];
  for (let i = 0; i < length; i++) {
    if (range) data[i] = Math.floor(range[0] + random.next() * (range[1] - range[0] + 1));
    else data[i] = positive ? Math.fround(0.05 + random.next() * 3.95) : Math.fround(random.next() * 8 - 4);
  }
  return data;
}

interface PlanCaseSpec {
  type: string;
  attrs?: object;
  inputs: (TensorSpec & { positive?: boolean })[];
  outputs: TensorSpec[];
  /** The kernel call, given the case, the plan, and the C names of inputs and outputs. */
  call(c: CaseBuilder, plan: never, inputs: string[], outputs: string[]): string;
  /** Float outputs through logf / expf: compared within this relative tolerance instead of bytes. */
  tolerance?: number;
}

function planCase(random: Random, name: string, spec: PlanCaseSpec): CaseBuilder {
  const feeds = spec.inputs.filter((input) => !input.data && !input.variable).map((input) => randomOf(random, input.dtype, count(input.shape), input.positive));
  const { outputs, graph } = runOp(spec.type, spec.attrs ?? {}, spec.inputs, spec.outputs, feeds);
  const plan = findOp(spec.type)!.prepare(opContext(graph, graph.ops[0], 0, Error)) as never;
  const c = new CaseBuilder(name);
  let fed = 0;
  // A variable input (SVDF state) is the kernel's own zero-filled array, declared by `call`.
  const inputNames = spec.inputs.map((input, i) => (input.variable ? 'state' : `input${i}`));
  const outputNames = spec.outputs.map((output, i) => c.output(cTypes[output.dtype]!, `output${i}`, count(output.shape)));
  const call = spec.call(c, plan, inputNames, outputNames);
  // Inputs the kernel does not take (a TRANSPOSE's perm, a resize's size) live in the parameters only.
  spec.inputs.forEach((input, i) => {
    const values = input.variable ? undefined : (input.data ?? feeds[fed++]);
    if (values && new RegExp(`\\b${inputNames[i]}\\b`).test(call)) c.constant(cTypes[input.dtype]!, inputNames[i], values as ArrayLike<number>);
  });
  c.invoke(call);
  outputs.forEach((value, i) => {
    if (spec.tolerance !== undefined) c.expect('float', outputNames[i], value as Float32Array, spec.tolerance);
    else c.expectBytes(outputNames[i], value);
  });
  return c;
}

const req = (q: { multiplier: number; shift: number }) => cRequant(q);
const dims = (shape: number[]) => `&(const td_dims)${cDims(shape)}`;
const list = (values: number[], length = 6, fill = 0) => `{${[...values, ...new Array<number>(length - values.length).fill(fill)].join(', ')}}`;

interface SvdfPackedConfig {
  batch: number;
  inputSize: number;
  filters: number;
  rank: number;
  memory: number;
  inputZeroPoint: number;
  outputZeroPoint: number;
  bias: boolean;
  /** sIn·sWf / sState: large values saturate the int16 state. */
  featureScale: number;
  /** sState·sWt / sOut: 0.5 and above give TFLite a left shift (the kernel's reference path). */
  outputScale: number;
  activation?: 'none' | 'relu';
  /** The state two bytes past a word boundary. */
  unalignedState?: boolean;
}

/**
 * td_svdf_s8_packed over the generator's packed feature weights and folded input offset, run for
 * memory + 2 steps (the state fills and shifts through), every step's output against the
 * interpreter's streaming runs.
 */
function svdfPackedCase(random: Random, name: string, config: SvdfPackedConfig): CaseBuilder {
  const { batch, inputSize, filters, rank, memory } = config;
  const units = filters / rank;
  const steps = memory + 2;
  const inputScale = 0.05;
  const weightScale = 0.01;
  const stateScale = Math.fround(Math.fround(inputScale * weightScale) / config.featureScale);
  const timeScale = 0.0001;
  const outScale = Math.fround(Math.fround(stateScale * timeScale) / config.outputScale);
  const weightsFeature = random.int8(filters * inputSize, -127, 127);
  const weightsTime = random.int16(filters * memory);
  const bias = config.bias ? random.int32(units, -200000, 200000) : undefined;
  const feeds = Array.from({ length: steps }, () => random.int8(batch * inputSize));
  const inputs: (TensorSpec | null)[] = [
    { dtype: 'int8', shape: [batch, inputSize], quantization: [inputScale, config.inputZeroPoint] },
    { dtype: 'int8', shape: [filters, inputSize], quantization: [weightScale, 0], data: weightsFeature },
    { dtype: 'int16', shape: [filters, memory], quantization: [timeScale, 0], data: weightsTime },
    bias ? { dtype: 'int32', shape: [units], quantization: [1e-5, 0], data: bias } : null,
    { dtype: 'int16', shape: [batch, filters * memory], quantization: [stateScale, 0], variable: true },
  ];
  const { runs, graph } = runOp('SVDF', { rank, activation: config.activation ?? 'none' }, inputs, [{ dtype: 'int8', shape: [batch, units], quantization: [outScale, config.outputZeroPoint] }], [feeds[0]!], feeds.slice(1).map((feed) => [feed]));
  const a = (findOp('SVDF')!.prepare(opContext(graph, graph.ops[0]!, 0, Error)) as SvdfPlan).arithmetic;
  if (a.flavour !== 'int8') throw new TypeError(`${name}: an int8 SVDF`);
  const rightShift = -a.feature.shift;
  if (rightShift < 1 || rightShift > 31) throw new RangeError(`${name}: feature shift ${a.feature.shift} is outside td_svdf_s8_packed's 1..31`);
  const c = new CaseBuilder(name);
  const packed = packSvdfFeatureWeights(weightsFeature, filters, inputSize);
  // LDRD needs the packed weights word-aligned; the unit loop's LDM takes word-aligned state and
  // time weights (a state two bytes off goes through its C loop).
  c.declare(`static const int8_t filter[${packed.length}] __attribute__((aligned(4))) = ${cList('int8_t', packed)};`);
  c.constant('int32_t', 'feature_bias', svdfFeatureBias(weightsFeature, filters, inputSize, -config.inputZeroPoint));
  c.declare(`static const int16_t time[${weightsTime.length}] __attribute__((aligned(4))) = ${cList('int16_t', weightsTime)};`);
  c.constant('int32_t', 'bias', bias ?? new Int32Array(units));
  const skip = config.unalignedState ? 1 : 0;
  c.declare(`static int16_t state_storage[${batch * filters * memory + skip}] __attribute__((aligned(4)));`);
  c.declare(`int16_t *const state = state_storage + ${skip};`);
  c.declare(`const td_svdf_packed_params params = {{${batch}, ${inputSize}, ${filters}, ${units}, ${rank}, ${memory}}, ${config.outputZeroPoint}, ${a.feature.multiplier}, ${rightShift}, ${req(a.output)}};`);
  feeds.forEach((feed, step) => {
    c.constant('int8_t', `input${step}`, feed);
    const out = c.output('int8_t', `output${step}`, batch * units);
    c.invoke(`td_svdf_s8_packed(&params, input${step}, filter, feature_bias, time, bias, state, ${out})`);
    c.expectBytes(out, runs[step]![0]!);
  });
  return c;
}

function svdfPackedCases(random: Random): CaseBuilder[] {
  const base = { batch: 1, bias: true, inputZeroPoint: -3, outputZeroPoint: 1, featureScale: 0.03, outputScale: 0.002 };
  const cases: [string, SvdfPackedConfig][] = [
    ['40 inputs 64 filters memory 10 rank 1', { ...base, inputSize: 40, filters: 64, rank: 1, memory: 10 }],
    ['96 inputs 16 filters memory 8 rank 2', { ...base, inputSize: 96, filters: 16, rank: 2, memory: 8 }],
    ['13 inputs 6 filters memory 1 rank 2 (a tail, a short block)', { ...base, inputSize: 13, filters: 6, rank: 2, memory: 1 }],
    ['7 inputs 5 filters memory 3 rank 1 (tail only) batch 2', { ...base, batch: 2, inputSize: 7, filters: 5, rank: 1, memory: 3 }],
    ['21 inputs 8 filters memory 9 rank 2 no bias relu', { ...base, bias: false, inputSize: 21, filters: 8, rank: 2, memory: 9, activation: 'relu' }],
    ['input offset 128 output offset -128', { ...base, inputZeroPoint: -128, outputZeroPoint: -128, inputSize: 24, filters: 12, rank: 1, memory: 5 }],
    ['input offset -127 output offset 127', { ...base, inputZeroPoint: 127, outputZeroPoint: 127, inputSize: 19, filters: 4, rank: 1, memory: 2 }],
    ['state saturated to int16', { ...base, featureScale: 0.4, inputSize: 33, filters: 8, rank: 2, memory: 4 }],
    ['output left shift (reference path)', { ...base, outputScale: 0.7, inputSize: 16, filters: 6, rank: 3, memory: 3 }],
    ['odd rank x memory, batch 3', { ...base, batch: 3, inputSize: 11, filters: 9, rank: 3, memory: 5 }],
    ['state not word-aligned, batch 2', { ...base, batch: 2, inputSize: 16, filters: 8, rank: 2, memory: 4, unalignedState: true }],
    ['rank x memory 6 (a single pair before the LDM steps), batch 2', { ...base, batch: 2, inputSize: 8, filters: 4, rank: 2, memory: 3 }],
  ];
  return cases.map(([label, config]) => svdfPackedCase(random, `td_svdf_s8_packed ${label}`, config));
}

/* eslint-disable @typescript-eslint/no-explicit-any -- plans are read field by field below, per op. */
function opCoverageCases(random: Random): CaseBuilder[] {
  const cases: CaseBuilder[] = [];
  const q8 = (scale: number, zeroPoint: number): [number, number] => [Math.fround(scale), zeroPoint];
  const add = (name: string, spec: PlanCaseSpec) => cases.push(planCase(random, name, spec));

  // LEAKY_RELU
  for (const [dtype, kernel, qIn, qOut] of [
    ['int8', 'td_leaky_relu_s8', q8(0.04, 5), q8(0.03, -10)],
    ['int16', 'td_leaky_relu_s16', q8(0.001, 0), q8(0.0008, 0)],
  ] as const) {
    add(`${kernel} alpha 0.1`, {
      type: 'LEAKY_RELU', attrs: { alpha: 0.1 }, inputs: [{ dtype, shape: [97], quantization: qIn }], outputs: [{ dtype, shape: [97], quantization: qOut }],
      call: (c, p: any, [x], [y]) => {
        const a = p.arithmetic;
        c.declare(`const td_leaky_relu_params params = {${-a.input.zeroPoint}, ${a.output.zeroPoint}, ${req(a.identity)}, ${req(a.negative)}};`);
        return `${kernel}(&params, 97, ${x}, ${y})`;
      },
    });
  }
  add('td_leaky_relu_f32', { type: 'LEAKY_RELU', attrs: { alpha: 0.2 }, inputs: [{ dtype: 'float32', shape: [50] }], outputs: [{ dtype: 'float32', shape: [50] }], call: (_c, p: any, [x], [y]) => `td_leaky_relu_f32(${cFloat(p.alpha)}, 50, ${x}, ${y})` });

  // TRANSPOSE and the strided copies
  add('td_transpose 4-D int16', {
    type: 'TRANSPOSE', inputs: [{ dtype: 'int16', shape: [2, 3, 4, 5], quantization: q8(0.01, 0) }, { dtype: 'int32', shape: [4], data: Int32Array.of(3, 1, 0, 2) }], outputs: [{ dtype: 'int16', shape: [5, 3, 2, 4], quantization: q8(0.01, 0) }],
    call: (c, p: any, [x], [y]) => {
      c.declare(`const td_transpose_params params = {${p.elementBytes}, ${p.inputShape.length}, ${list(p.inputShape)}, ${list(p.perm)}};`);
      return `td_transpose(&params, ${x}, ${y})`;
    },
  });
  add('td_strided_copy strided slice float32', {
    type: 'STRIDED_SLICE', attrs: { beginMask: 0, endMask: 0, ellipsisMask: 0, newAxisMask: 0, shrinkAxisMask: 0, offset: false },
    inputs: [{ dtype: 'float32', shape: [6, 7, 3] }, { dtype: 'int32', shape: [3], data: Int32Array.of(5, 1, 0) }, { dtype: 'int32', shape: [3], data: Int32Array.of(0, 7, 3) }, { dtype: 'int32', shape: [3], data: Int32Array.of(-2, 3, 1) }],
    outputs: [{ dtype: 'float32', shape: [3, 2, 3] }],
    call: (c, p: any, [x], [y]) => {
      const { count: n, inputStep, outputStep, inputBase, outputBase } = p.copy;
      c.declare(`const td_strided_copy_params params = {${p.elementBytes}, ${n.length}, ${list(n, 6, 1)}, ${list(inputStep)}, ${list(outputStep)}, ${inputBase}, ${outputBase}};`);
      return `td_strided_copy(&params, ${x}, ${y})`;
    },
  });
  add('td_gather int8 axis 1', {
    type: 'GATHER', attrs: { axis: 1, batchDims: 0 }, inputs: [{ dtype: 'int8', shape: [2, 5, 3], quantization: q8(0.1, 0) }, { dtype: 'int32', shape: [4], data: Int32Array.of(4, 0, 2, 2) }], outputs: [{ dtype: 'int8', shape: [2, 4, 3], quantization: q8(0.1, 0) }],
    call: (c, p: any, [x, indices], [y]) => {
      c.declare(`const td_gather_params params = {${p.elementBytes}, ${p.batch}, ${p.outer}, ${p.axisSize}, ${p.coords}, ${p.inner}};`);
      return `td_gather(&params, ${x}, ${indices}, ${y})`;
    },
  });

  // QUANTIZE / DEQUANTIZE between the other types
  const requantizePairs: [DType, DType, string][] = [
    ['uint8', 'int8', 'td_requantize_u8_s8'], ['int8', 'uint8', 'td_requantize_s8_u8'], ['uint8', 'uint8', 'td_requantize_u8_u8'], ['int8', 'int16', 'td_requantize_s8_s16'],
    ['int16', 'int8', 'td_requantize_s16_s8'], ['int16', 'int16', 'td_requantize_s16_s16'], ['int8', 'int32', 'td_requantize_s8_s32'], ['int16', 'int32', 'td_requantize_s16_s32'],
  ];
  for (const [from, to, kernel] of requantizePairs) {
    const zero = (dtype: DType) => (dtype === 'uint8' ? 120 : dtype === 'int8' ? -4 : 0);
    add(kernel, {
      type: 'QUANTIZE', inputs: [{ dtype: from, shape: [64], quantization: q8(from === 'int16' ? 0.001 : 0.05, zero(from)) }], outputs: [{ dtype: to, shape: [64], quantization: q8(to === 'int16' ? 0.0011 : to === 'int32' ? 0.0001 : 0.07, zero(to)) }],
      call: (c, p: any, [x], [y]) => {
        c.declare(`const td_requantize_params params = {${-p.requantize.inputZeroPoint}, ${p.output.zeroPoint}, ${req(p.requantize.multiplier)}};`);
        return `${kernel}(&params, 64, ${x}, ${y})`;
      },
    });
  }
  // 8-bit -> 8-bit QUANTIZE as the generator emits it: the uint8 <-> int8 sign flip, and a table of all 256 results.
  add('td_flip_sign_8', {
    type: 'QUANTIZE', inputs: [{ dtype: 'uint8', shape: [67], quantization: q8(0.05, 128) }], outputs: [{ dtype: 'int8', shape: [67], quantization: q8(0.05, 0) }],
    call: (_c, _p: any, [x], [y]) => `td_flip_sign_8(67, ${x}, ${y})`,
  });
  add('td_lookup_8', {
    type: 'QUANTIZE', inputs: [{ dtype: 'int8', shape: [67], quantization: q8(0.05, -4) }], outputs: [{ dtype: 'uint8', shape: [67], quantization: q8(0.07, 120) }],
    call: (c, p: any, [x], [y]) => {
      const table = Array.from({ length: 256 }, (_, byte) => {
        const value = (byte << 24) >> 24;
        const q = multiplyByQuantizedMultiplier(value + -p.requantize.inputZeroPoint, p.requantize.multiplier.multiplier, p.requantize.multiplier.shift) + p.output.zeroPoint;
        return Math.min(255, Math.max(0, q));
      });
      const name = c.constant('uint8_t', 'table', table);
      return `td_lookup_8(${name}, 67, ${x}, ${y})`;
    },
  });
  for (const [to, kernel] of [['uint8', 'td_quantize_f32_u8'], ['int16', 'td_quantize_f32_s16']] as const) {
    add(kernel, {
      type: 'QUANTIZE', inputs: [{ dtype: 'float32', shape: [64] }], outputs: [{ dtype: to, shape: [64], quantization: q8(to === 'uint8' ? 0.02 : 0.0002, to === 'uint8' ? 128 : 0) }],
      call: (c, p: any, [x], [y]) => {
        c.declare(`const td_affine_quant params = {${cFloat(p.output.scale)}, ${p.output.zeroPoint}};`);
        return `${kernel}(&params, 64, ${x}, ${y})`;
      },
    });
  }
  for (const [from, kernel] of [['uint8', 'td_dequantize_u8_f32'], ['int16', 'td_dequantize_s16_f32']] as const) {
    add(kernel, {
      type: 'DEQUANTIZE', inputs: [{ dtype: from, shape: [64], quantization: q8(from === 'uint8' ? 0.02 : 0.0003, from === 'uint8' ? 131 : 0) }], outputs: [{ dtype: 'float32', shape: [64] }],
      call: (c, p: any, [x], [y]) => {
        c.declare(`const td_affine_quant params = {${cFloat(p.affine.scales[0])}, ${p.affine.zeroPoints[0]}};`);
        return `${kernel}(&params, 64, ${x}, ${y})`;
      },
    });
  }
  add('td_cast int32 to uint32', {
    type: 'CAST', inputs: [{ dtype: 'int32', shape: [40] }], outputs: [{ dtype: 'uint32', shape: [40] }],
    call: (_c, _p, [x], [y]) => `td_cast(TD_CAST_INT32, TD_CAST_UINT32, 40, ${x}, ${y})`,
  });

  // SVDF
  const svdfInputs = (dtype: 'int8' | 'float32', stateType: 'int16' | 'int8' | 'float32'): TensorSpec[] => {
    const q = dtype === 'float32' ? undefined : q8(0.05, -3);
    const wq = (scale: number) => (dtype === 'float32' ? undefined : q8(scale, 0));
    const weights = (t: DType, n: number) => randomOf(random, t, n);
    return [
      { dtype, shape: [2, 10], quantization: q },
      { dtype, shape: [8, 10], quantization: wq(0.01), data: weights(dtype, 80) },
      { dtype: stateType, shape: [8, 4], quantization: wq(stateType === 'int16' ? 0.0001 : 0.01), data: weights(stateType, 32) },
      { dtype: dtype === 'float32' ? 'float32' : 'int32', shape: [4], quantization: wq(0.00001), data: weights(dtype === 'float32' ? 'float32' : 'int32', 4) },
      { dtype: stateType, shape: [2, 32], quantization: stateType === 'float32' ? undefined : q8(stateType === 'int16' ? 0.02 : 0.05, 0), variable: true },
    ];
  };
  for (const [stateType, kernel] of [['int16', 'td_svdf_s8'], ['int8', 'td_svdf_s8_s8']] as const) {
    add(`${kernel} rank 2 batch 2`, {
      type: 'SVDF', attrs: { rank: 2, activation: 'none' }, inputs: svdfInputs('int8', stateType), outputs: [{ dtype: 'int8', shape: [2, 4], quantization: q8(0.05, 1) }],
      call: (c, p: any, [x, wf, wt, bias], [y]) => {
        const a = p.arithmetic;
        c.declare(`static ${stateType === 'int16' ? 'int16_t' : 'int8_t'} state[64];`);
        c.declare(`const td_svdf_params_s8 params = {{2, 10, 8, 4, 2, 4}, ${-a.inputZeroPoint}, ${a.stateZeroPoint}, ${a.outputZeroPoint}, ${req(a.feature)}, ${req(a.output)}};`);
        return `${kernel}(&params, ${x}, ${wf}, ${wt}, ${bias}, state, ${y})`;
      },
    });
  }
  cases.push(...svdfPackedCases(new Random(1206)));
  add('td_svdf_f32 rank 2 batch 2 relu', {
    type: 'SVDF', attrs: { rank: 2, activation: 'relu' }, inputs: svdfInputs('float32', 'float32'), outputs: [{ dtype: 'float32', shape: [2, 4] }],
    call: (c, _p, [x, wf, wt, bias], [y]) => {
      c.declare('static float state[64];');
      c.declare(`const td_svdf_params_f32 params = {{2, 10, 8, 4, 2, 4}, {0.0f, FLT_MAX}};`);
      return `td_svdf_f32(&params, ${x}, ${wf}, ${wt}, ${bias}, state, ${y})`;
    },
  });

  // Element-wise math
  const unaryOps = ['ABS', 'NEG', 'SQRT', 'RSQRT', 'LOG', 'EXP', 'HARD_SWISH', 'FLOOR', 'CEIL', 'ROUND', 'SQUARE', 'SIN', 'COS'] as const;
  for (const op of unaryOps) {
    const libm = op === 'LOG' || op === 'EXP' || op === 'SIN' || op === 'COS';
    add(`td_unary_f32 ${op}`, {
      type: op, inputs: [{ dtype: 'float32', shape: [40], positive: op === 'SQRT' || op === 'RSQRT' || op === 'LOG' }], outputs: [{ dtype: 'float32', shape: [40] }],
      ...(libm ? { tolerance: 1e-6 } : {}),
      call: (_c, _p, [x], [y]) => `td_unary_f32(TD_UNARY_${op}, 40, ${x}, ${y})`,
    });
  }
  const binaryShapes = { a: [2, 3, 4], b: [3, 1], out: [2, 3, 4] };
  for (const op of ['MINIMUM', 'MAXIMUM', 'DIV', 'SQUARED_DIFFERENCE', 'PRELU'] as const) {
    add(`td_binary_f32 ${op} broadcast`, {
      type: op, attrs: { activation: 'none' }, inputs: [{ dtype: 'float32', shape: binaryShapes.a }, { dtype: 'float32', shape: binaryShapes.b, data: Float32Array.of(0.5, -1.5, 3) }], outputs: [{ dtype: 'float32', shape: binaryShapes.out }],
      call: (_c, _p, [a, b], [y]) => `td_binary_f32(TD_BINARY_${op}, &(const td_activation_f32){-FLT_MAX, FLT_MAX}, ${dims(binaryShapes.a)}, ${a}, ${dims(binaryShapes.b)}, ${b}, ${dims(binaryShapes.out)}, ${y})`,
    });
  }
  for (const [dtype, kernel] of [['int8', 'td_min_max_s8'], ['int16', 'td_min_max_s16']] as const) {
    add(`${kernel} maximum broadcast`, {
      type: 'MAXIMUM', inputs: [{ dtype, shape: binaryShapes.a, quantization: q8(0.1, 0) }, { dtype, shape: binaryShapes.b, quantization: q8(0.1, 0), data: randomOf(random, dtype, 3) }], outputs: [{ dtype, shape: binaryShapes.out, quantization: q8(0.1, 0) }],
      call: (_c, _p, [a, b], [y]) => `${kernel}(1, ${dims(binaryShapes.a)}, ${a}, ${dims(binaryShapes.b)}, ${b}, ${dims(binaryShapes.out)}, ${y})`,
    });
  }
  add('td_squared_difference_s8 broadcast', {
    type: 'SQUARED_DIFFERENCE', inputs: [{ dtype: 'int8', shape: binaryShapes.a, quantization: q8(0.05, 3) }, { dtype: 'int8', shape: binaryShapes.b, quantization: q8(0.04, -2), data: randomOf(random, 'int8', 3) }], outputs: [{ dtype: 'int8', shape: binaryShapes.out, quantization: q8(0.2, -128) }],
    call: (c, p: any, [a, b], [y]) => {
      const s = p.arithmetic;
      c.declare(`const td_squared_difference_params_s8 params = {${s.input1Offset}, ${s.input2Offset}, ${s.outputOffset}, ${s.leftShift}, ${req(s.input1)}, ${req(s.input2)}, ${req(s.output)}};`);
      return `td_squared_difference_s8(&params, ${dims(binaryShapes.a)}, ${a}, ${dims(binaryShapes.b)}, ${b}, ${dims(binaryShapes.out)}, ${y})`;
    },
  });
  for (const [dtype, kernel, zero] of [['int8', 'td_div_s8', -3], ['uint8', 'td_div_u8', 125]] as const) {
    const divisor = (dtype === 'int8' ? Int8Array : Uint8Array).from([zero + 40, zero - 90, zero + 7]);
    add(`${kernel} broadcast`, {
      type: 'DIV', attrs: { activation: 'none' }, inputs: [{ dtype, shape: binaryShapes.a, quantization: q8(0.05, zero) }, { dtype, shape: binaryShapes.b, quantization: q8(0.02, zero), data: divisor }], outputs: [{ dtype, shape: binaryShapes.out, quantization: q8(0.3, zero) }],
      call: (c, p: any, [a, b], [y]) => {
        const s = p.arithmetic;
        c.declare(`const td_div_params params = {${s.input1Offset}, ${s.input2Offset}, ${s.outputOffset}, ${req(s.output)}, {${s.activation.min}, ${s.activation.max}}};`);
        return `${kernel}(&params, ${dims(binaryShapes.a)}, ${a}, ${dims(binaryShapes.b)}, ${b}, ${dims(binaryShapes.out)}, ${y})`;
      },
    });
  }
  add('td_prelu_s8 broadcast alpha', {
    type: 'PRELU', inputs: [{ dtype: 'int8', shape: binaryShapes.a, quantization: q8(0.05, 2) }, { dtype: 'int8', shape: binaryShapes.b, quantization: q8(0.01, -1), data: randomOf(random, 'int8', 3) }], outputs: [{ dtype: 'int8', shape: binaryShapes.out, quantization: q8(0.04, -20) }],
    call: (c, p: any, [a, b], [y]) => {
      const s = p.arithmetic;
      c.declare(`const td_prelu_params_s8 params = {${s.inputOffset}, ${s.alphaOffset}, ${s.outputOffset}, ${req(s.positive)}, ${req(s.negative)}};`);
      return `td_prelu_s8(&params, ${dims(binaryShapes.a)}, ${a}, ${dims(binaryShapes.b)}, ${b}, ${dims(binaryShapes.out)}, ${y})`;
    },
  });
  for (const [dtype, kernel] of [['int8', 'td_abs_s8'], ['int16', 'td_abs_s16']] as const) {
    add(kernel, {
      type: 'ABS', inputs: [{ dtype, shape: [80], quantization: dtype === 'int8' ? q8(0.05, -7) : q8(0.001, 0) }], outputs: [{ dtype, shape: [80], quantization: dtype === 'int8' ? q8(0.03, -128) : q8(0.0012, 0) }],
      call: (c, p: any, [x], [y]) => {
        const s = p.arithmetic;
        c.declare(`const td_abs_params params = {${-s.inputZeroPoint}, ${s.outputZeroPoint}, ${s.rescale ? 1 : 0}, ${req(s.rescale ?? { multiplier: 0, shift: 0 })}};`);
        return `${kernel}(&params, 80, ${x}, ${y})`;
      },
    });
  }
  add('td_hard_swish_s8', {
    type: 'HARD_SWISH', inputs: [{ dtype: 'int8', shape: [256], quantization: q8(0.04, -10) }], outputs: [{ dtype: 'int8', shape: [256], quantization: q8(0.025, -90) }],
    call: (c, p: any, [x], [y]) => {
      const h = p.arithmetic.params;
      c.declare(`const td_hard_swish_params params = {${h.inputZeroPoint}, ${h.outputZeroPoint}, ${h.outputMultiplier}, ${h.outputExponent}, ${h.reluishMultiplier}, ${h.reluishExponent}};`);
      return `td_hard_swish_s8(&params, 256, ${x}, ${y})`;
    },
  });

  // RESIZE
  const resize = (c: CaseBuilder, p: any, float: boolean): string => {
    const rows = p.rows.lower ? p.rows : { lower: p.rows };
    const columns = p.columns.lower ? p.columns : { lower: p.columns };
    const arr = (suffix: string, values: number[] | undefined, type: CType = 'int32_t') => (values ? c.constant(type, suffix, values) : 'NULL');
    const position = (suffix: string, taps: any, wantFloat: boolean) => (taps.position && float === wantFloat ? arr(suffix, taps.position, wantFloat ? 'float' : 'int32_t') : 'NULL');
    c.declare(
      `const td_resize_params params = {${p.elementBytes}, ${p.batch}, ${p.inputHeight}, ${p.inputWidth}, ${p.channels}, ${p.outputHeight}, ${p.outputWidth}, ` +
        `${arr('row_lower', rows.lower)}, ${arr('row_upper', rows.upper)}, ${arr('column_lower', columns.lower)}, ${arr('column_upper', columns.upper)}, ` +
        `${position('row_position', rows, true)}, ${position('column_position', columns, true)}, ${position('row_q10', rows, false)}, ${position('column_q10', columns, false)}};`,
    );
    return '&params';
  };
  add('td_resize_nearest int8 half pixel', {
    type: 'RESIZE_NEAREST_NEIGHBOR', attrs: { alignCorners: false, halfPixelCenters: true }, inputs: [{ dtype: 'int8', shape: [1, 3, 4, 2], quantization: q8(0.1, 0) }, { dtype: 'int32', shape: [2], data: Int32Array.of(5, 7) }],
    outputs: [{ dtype: 'int8', shape: [1, 5, 7, 2], quantization: q8(0.1, 0) }],
    call: (c, p: any, [x], [y]) => `td_resize_nearest(${resize(c, p, false)}, ${x}, ${y})`,
  });
  for (const [dtype, kernel] of [['float32', 'td_resize_bilinear_f32'], ['int8', 'td_resize_bilinear_s8'], ['int16', 'td_resize_bilinear_s16']] as const) {
    const q = dtype === 'float32' ? undefined : q8(0.1, 0);
    add(`${kernel} align corners`, {
      type: 'RESIZE_BILINEAR', attrs: { alignCorners: true, halfPixelCenters: false }, inputs: [{ dtype, shape: [1, 3, 4, 2], quantization: q }, { dtype: 'int32', shape: [2], data: Int32Array.of(5, 7) }],
      outputs: [{ dtype, shape: [1, 5, 7, 2], quantization: q }],
      call: (c, p: any, [x], [y]) => `${kernel}(${resize(c, p, dtype === 'float32')}, ${x}, ${y})`,
    });
  }

  // REDUCE_MAX / REDUCE_MIN
  for (const [dtype, kernel] of [['int8', 'td_reduce_min_max_s8'], ['int16', 'td_reduce_min_max_s16'], ['float32', 'td_reduce_min_max_f32']] as const) {
    const q = dtype === 'float32' ? undefined : q8(0.1, 0);
    add(`${kernel} max over H W`, {
      type: 'REDUCE_MAX', attrs: { keepDims: false }, inputs: [{ dtype, shape: [2, 3, 4, 5], quantization: q }, { dtype: 'int32', shape: [2], data: Int32Array.of(1, 2) }],
      outputs: [{ dtype, shape: [2, 5], quantization: q }],
      call: (_c, p: any, [x], [y]) => `${kernel}(1, ${p.outer}, ${p.reduce}, ${p.inner}, ${x}, ${y})`,
    });
  }

  // SUM
  for (const [dtype, kernel, qIn, qOut] of [['int8', 'td_sum_s8', q8(0.05, -3), q8(0.6, 2)], ['int16', 'td_sum_s16', q8(0.001, 0), q8(0.004, 0)], ['float32', 'td_sum_f32', undefined, undefined]] as const) {
    add(`${kernel} over H W`, {
      type: 'SUM', attrs: { keepDims: false }, inputs: [{ dtype, shape: [2, 3, 4, 5], quantization: qIn }, { dtype: 'int32', shape: [2], data: Int32Array.of(1, 2) }],
      outputs: [{ dtype, shape: [2, 5], quantization: qOut }],
      call: (c, p: any, [x], [y]) => {
        if (!p.integer) return `${kernel}(2, 12, 5, ${x}, ${y})`;
        c.declare(`const td_sum_params params = {${cFloat(p.integer.scale)}, ${cFloat(p.integer.bias)}, ${p.integer.outputZeroPoint}};`);
        return `${kernel}(&params, 2, 12, 5, ${x}, ${y})`;
      },
    });
  }

  add('td_elu_f32', { type: 'ELU', tolerance: 1e-6, inputs: [{ dtype: 'float32', shape: [45] }], outputs: [{ dtype: 'float32', shape: [45] }], call: (_c, _p, [x], [y]) => `td_elu_f32(45, ${x}, ${y})` });

  // GATHER_ND and EMBEDDING_LOOKUP
  add('td_gather_nd int16 depth 2', {
    type: 'GATHER_ND', inputs: [{ dtype: 'int16', shape: [3, 4, 5], quantization: q8(0.01, 0) }, { dtype: 'int32', shape: [4, 2], data: Int32Array.of(2, 3, 0, 0, 1, 2, 2, 3) }], outputs: [{ dtype: 'int16', shape: [4, 5], quantization: q8(0.01, 0) }],
    call: (c, p: any, [x, indices], [y]) => {
      c.declare(`const td_gather_nd_params params = {${p.elementBytes}, ${p.dims.length}, ${p.count}, ${p.inner}, ${list(p.dims, 6, 1)}};`);
      return `td_gather_nd(&params, ${x}, ${indices}, ${y})`;
    },
  });
  add('td_embedding_lookup_s8_f32', {
    type: 'EMBEDDING_LOOKUP', inputs: [{ dtype: 'int32', shape: [3], data: Int32Array.of(4, 0, 4) }, { dtype: 'int8', shape: [5, 7], quantization: q8(0.03, 0) }], outputs: [{ dtype: 'float32', shape: [3, 7] }],
    call: (_c, p: any, [ids, table], [y]) => `td_embedding_lookup_s8_f32(${p.rows}, ${p.rowSize}, ${p.count}, ${cFloat(p.dequantizeScale)}, ${ids}, ${table}, ${y})`,
  });

  // L2_POOL_2D and L2_NORMALIZATION
  add('td_l2pool_f32 3x2 stride 2 same relu6', {
    type: 'L2_POOL_2D', attrs: { padding: 'same', strideH: 2, strideW: 2, filterH: 3, filterW: 2, activation: 'relu6' },
    inputs: [{ dtype: 'float32', shape: [2, 7, 6, 3] }], outputs: [{ dtype: 'float32', shape: [2, 4, 3, 3] }],
    call: (c, p: any, [x], [y]) => {
      const g = p.geometry;
      c.declare(`const td_pool_params_f32 params = {{${g.strideHeight}, ${g.strideWidth}}, {${g.padTop}, ${g.padLeft}}, {${g.filterHeight}, ${g.filterWidth}}, {0.0f, 6.0f}};`);
      return `td_l2pool_f32(&params, ${dims([2, 7, 6, 3])}, ${x}, ${dims([2, 4, 3, 3])}, ${y})`;
    },
  });
  add('td_l2_normalization_s8', {
    type: 'L2_NORMALIZATION', attrs: { activation: 'none' }, inputs: [{ dtype: 'int8', shape: [5, 33], quantization: q8(0.04, 7) }], outputs: [{ dtype: 'int8', shape: [5, 33], quantization: q8(1 / 128, 0) }],
    call: (_c, p: any, [x], [y]) => `td_l2_normalization_s8(${p.inputZeroPoint}, ${p.outer}, ${p.depth}, ${x}, ${y})`,
  });
  add('td_l2_normalization_f32', {
    type: 'L2_NORMALIZATION', attrs: { activation: 'none' }, inputs: [{ dtype: 'float32', shape: [3, 17] }], outputs: [{ dtype: 'float32', shape: [3, 17] }],
    call: (_c, p: any, [x], [y]) => `td_l2_normalization_f32(${p.outer}, ${p.depth}, ${x}, ${y})`,
  });

  add('td_log_softmax_s8', {
    type: 'LOG_SOFTMAX', inputs: [{ dtype: 'int8', shape: [5, 23], quantization: q8(0.1, 3) }], outputs: [{ dtype: 'int8', shape: [5, 23], quantization: q8(16 / 256, 127) }],
    call: (c, p: any, [x], [y]) => {
      const a = p.integer;
      c.declare(`const td_log_softmax_params_s8 params = {${a.inputMultiplier}, ${a.inputLeftShift}, ${a.diffMin}, ${req(a.reverse)}};`);
      return `td_log_softmax_s8(&params, ${p.outer}, ${p.depth}, ${x}, ${y})`;
    },
  });
  add('td_log_softmax_f32', { type: 'LOG_SOFTMAX', tolerance: 1e-6, inputs: [{ dtype: 'float32', shape: [3, 19] }], outputs: [{ dtype: 'float32', shape: [3, 19] }], call: (_c, p: any, [x], [y]) => `td_log_softmax_f32(${p.outer}, ${p.depth}, ${x}, ${y})` });

  // TRANSPOSE_CONV
  for (const [dtype, kernel] of [['int8', 'td_transpose_conv_s8'], ['float32', 'td_transpose_conv_f32']] as const) {
    const q = (scale: number, zero: number) => (dtype === 'int8' ? q8(scale, zero) : undefined);
    add(`${kernel} same stride 2 relu`, {
      type: 'TRANSPOSE_CONV', attrs: { padding: 'same', strideH: 2, strideW: 2, activation: 'relu' },
      inputs: [
        { dtype: 'int32', shape: [4], data: Int32Array.of(2, 6, 8, 5) },
        { dtype, shape: [5, 3, 3, 4], quantization: dtype === 'int8' ? { scale: [0.01, 0.02, 0.015, 0.008, 0.012], zeroPoint: [0, 0, 0, 0, 0], axis: 0 } : undefined },
        { dtype, shape: [2, 3, 4, 4], quantization: q(0.05, 3) },
        { dtype: dtype === 'int8' ? 'int32' : 'float32', shape: [5] },
      ],
      outputs: [{ dtype, shape: [2, 6, 8, 5], quantization: q(0.3, -7) }],
      call: (c, p: any, [, filter, x, bias], [y]) => {
        const window = `{${p.strideHeight}, ${p.strideWidth}}, {${p.padTop}, ${p.padLeft}}, {1, 1}`;
        const operands = `${dims([2, 3, 4, 4])}, ${x}, ${dims([5, 3, 3, 4])}, ${filter}, ${bias}, ${dims([2, 6, 8, 5])}, ${y}`;
        if (dtype === 'float32') {
          c.declare(`const td_conv_params_f32 params = {${window}, {0.0f, FLT_MAX}};`);
          return `${kernel}(&params, ${operands})`;
        }
        const a = p.arithmetic;
        c.declare(`const td_conv_params params = {${a.inputOffset}, ${a.outputOffset}, ${window}, {${a.activation.min}, ${a.activation.max}}};`);
        c.declare(`const int32_t multipliers[] = {${Array.from(a.requant.multipliers).join(', ')}};`);
        c.declare(`const int8_t shifts[] = {${Array.from(a.requant.shifts).join(', ')}};`);
        c.declare('const td_per_channel_quant quant = {multipliers, shifts};');
        const ctx = c.context(`td_transpose_conv_s8_get_buffer_size(${dims([2, 6, 8, 5])})`);
        return `${kernel}(${ctx}, &params, &quant, ${operands})`;
      },
    });
  }

  // CUMSUM
  add('td_cumsum_s8 exclusive', {
    type: 'CUMSUM', attrs: { exclusive: true, reverse: false }, inputs: [{ dtype: 'int8', shape: [3, 8, 2], quantization: q8(0.03, 4) }, { dtype: 'int32', shape: [], data: Int32Array.of(1) }],
    outputs: [{ dtype: 'int8', shape: [3, 8, 2], quantization: q8(0.1, -6) }],
    call: (c, p: any, [x], [y]) => {
      const a = p.integer;
      c.declare(`const td_cumsum_params_s8 params = {${a.inputOffset}, ${a.outputOffset}, ${a.leftShift}, ${req(a.input)}, ${req(a.output)}, {${a.min}, ${a.max}}};`);
      return `td_cumsum_s8(&params, ${p.outer}, ${p.depth}, ${p.inner}, 1, 0, ${x}, ${y})`;
    },
  });
  add('td_cumsum_f32 reverse', {
    type: 'CUMSUM', attrs: { exclusive: false, reverse: true }, inputs: [{ dtype: 'float32', shape: [2, 9, 3] }, { dtype: 'int32', shape: [], data: Int32Array.of(-2) }],
    outputs: [{ dtype: 'float32', shape: [2, 9, 3] }],
    call: (_c, p: any, [x], [y]) => `td_cumsum_f32(${p.outer}, ${p.depth}, ${p.inner}, 0, 1, ${x}, ${y})`,
  });

  // BATCH_MATMUL
  for (const [dtype, kernel] of [['int8', 'td_batch_matmul_s8'], ['float32', 'td_batch_matmul_f32']] as const) {
    const q = (scale: number, zero: number) => (dtype === 'int8' ? q8(scale, zero) : undefined);
    add(`${kernel} broadcast adj_y`, {
      type: 'BATCH_MATMUL', attrs: { adjX: false, adjY: true }, inputs: [{ dtype, shape: [2, 3, 5], quantization: q(0.05, -3) }, { dtype, shape: [1, 4, 5], quantization: q(0.02, 5), data: randomOf(random, dtype, 20) }],
      outputs: [{ dtype, shape: [2, 3, 4], quantization: q(0.1, 2) }],
      call: (c, p: any, [x, w], [y]) => {
        const a = p.arithmetic;
        const quantized = a.flavour === 'float32' ? '0, 0, 0, {0, 0}' : `${a.lhsOffset}, ${a.rhsOffset}, ${a.outputOffset}, ${req(a.multiplier)}`;
        const lhs = c.constant('int32_t', 'lhs_offsets', p.lhsOffsets);
        const rhs = c.constant('int32_t', 'rhs_offsets', p.rhsOffsets);
        c.declare(`const td_batch_matmul_params params = {${p.lhsOffsets.length}, ${p.m}, ${p.k}, ${p.n}, 0, 1, ${lhs}, ${rhs}, ${quantized}};`);
        return `${kernel}(&params, ${x}, ${w}, ${y})`;
      },
    });
  }
  // int16: full-range values over k = 40 (sums beyond int32's reach of a 32-bit product sum), adj_x, an output scale that clamps some.
  add('td_batch_matmul_s16 broadcast adj_x', {
    type: 'BATCH_MATMUL', attrs: { adjX: true, adjY: false }, inputs: [{ dtype: 'int16', shape: [2, 40, 3], quantization: q8(0.001, 0) }, { dtype: 'int16', shape: [1, 40, 4], quantization: q8(0.002, 0), data: randomOf(random, 'int16', 160) }],
    outputs: [{ dtype: 'int16', shape: [2, 3, 4], quantization: q8(0.09, 0) }],
    call: (c, p: any, [x, w], [y]) => {
      const a = p.arithmetic;
      const lhs = c.constant('int32_t', 'lhs_offsets', p.lhsOffsets);
      const rhs = c.constant('int32_t', 'rhs_offsets', p.rhsOffsets);
      c.declare(`const td_batch_matmul_params params = {${p.lhsOffsets.length}, ${p.m}, ${p.k}, ${p.n}, 1, 0, ${lhs}, ${rhs}, ${a.lhsOffset}, ${a.rhsOffset}, ${a.outputOffset}, ${req(a.multiplier)}};`);
      return `td_batch_matmul_s16(&params, ${x}, ${w}, ${y})`;
    },
  });
  return cases;
}
/* eslint-enable @typescript-eslint/no-explicit-any */

// ---------------------------------------------------------------------------------------------
// 16x8 (int16 activations, int8 weights): conv, depthwise, fully connected with an int64 bias
// (wide arithmetic) or an int32 one (the kernels take it widened), and the int16 pools; every
// parameter from the op library's plan, outputs compared byte for byte with the interpreter's.
// ---------------------------------------------------------------------------------------------

/* eslint-disable @typescript-eslint/no-explicit-any -- plans are read field by field below, per op. */
function s16Cases(random: Random): CaseBuilder[] {
  const cases: CaseBuilder[] = [];
  const add = (name: string, spec: PlanCaseSpec) => cases.push(planCase(random, name, spec));
  const perTensor = (scale: number): [number, number] => [Math.fround(scale), 0];
  /** The bias as the kernels take it (int64; an int32 bias widened), or NULL. */
  const biasOf = (c: CaseBuilder, bias: TensorSpec | null): string => {
    if (!bias?.data) return 'NULL';
    const values = Array.from(bias.data as ArrayLike<number | bigint>, (v) => `${BigInt(v)}LL`);
    c.declare(`static const int64_t bias64[${values.length}] = {${values.join(', ')}};`);
    return 'bias64';
  };
  const quantOf = (c: CaseBuilder, a: any): string => {
    c.constant('int32_t', 'multiplier', a.requant.multipliers);
    c.constant('int8_t', 'shift', a.requant.shifts);
    c.declare('const td_per_channel_quant quant = {multiplier, shift};');
    return '&quant';
  };
  type BiasKind = 'int64' | 'int32' | 'none';
  /** A bias of `kind`; `huge` puts two values beyond int32 (the 64-bit sum must keep them). */
  const biasSpec = (kind: BiasKind, channels: number, huge = false): TensorSpec | null => {
    if (kind === 'none') return null;
    const values = Array.from({ length: channels }, (_, i) => (huge && i === 0 ? 3_000_000_000 : huge && i === 1 ? -2_500_000_000 : random.int(-2_000_000, 2_000_000)));
    return kind === 'int64'
      ? { dtype: 'int64', shape: [channels], data: BigInt64Array.from(values, (v) => BigInt(v)) }
      : { dtype: 'int32', shape: [channels], data: Int32Array.from(values) };
  };
  /** An output scale that puts a `terms`-product sum of full-range values near ±8000: clamps and rounding both show. */
  const outputScaleFor = (inputScale: number, terms: number) => Math.fround(inputScale * 0.86 * Math.sqrt(terms));

  interface ConvCase {
    input: number[];
    kernel: [number, number];
    out: number;
    stride?: [number, number];
    dilation?: number;
    padding: Padding;
    activation: Activation;
    bias: BiasKind;
    huge?: boolean;
  }
  const conv = (name: string, depthwise: boolean, k: ConvCase) => {
    const [n, h, w, cIn] = k.input;
    const [kh, kw] = k.kernel;
    const [sh, sw] = k.stride ?? [1, 1];
    const dilation = k.dilation ?? 1;
    const outputShape = [n, computeOutSize(k.padding, h, kh, sh, dilation), computeOutSize(k.padding, w, kw, sw, dilation), k.out];
    const filterShape = depthwise ? [1, kh, kw, k.out] : [k.out, kh, kw, cIn];
    const inputScale = random.scale(0.0002, 0.002);
    const filterScales = Array.from({ length: k.out }, () => random.scale(0.002, 0.01));
    const bias = biasSpec(k.bias, k.out, k.huge);
    const kernel = depthwise ? 'td_depthwise_conv2d_s16' : 'td_conv2d_s16';
    add(`${kernel} ${name}`, {
      type: depthwise ? 'DEPTHWISE_CONV_2D' : 'CONV_2D',
      attrs: { padding: k.padding, strideH: sh, strideW: sw, dilationH: dilation, dilationW: dilation, activation: k.activation, ...(depthwise ? { depthMultiplier: k.out / cIn } : {}) },
      inputs: [
        { dtype: 'int16', shape: k.input, quantization: perTensor(inputScale) },
        { dtype: 'int8', shape: filterShape, data: random.int8(count(filterShape), -127, 127), quantization: { scale: filterScales, zeroPoint: filterScales.map(() => 0), axis: depthwise ? 3 : 0 } },
        ...(bias ? [bias] : []),
      ],
      outputs: [{ dtype: 'int16', shape: outputShape, quantization: perTensor(outputScaleFor(inputScale, depthwise ? kh * kw : kh * kw * cIn)) }],
      call: (c, p: any, [x, f], [y]) => {
        const a = p.arithmetic;
        const g = p.geometry;
        const fields = `{${g.strideHeight}, ${g.strideWidth}}, {${g.padTop}, ${g.padLeft}}, {${g.dilationHeight}, ${g.dilationWidth}}, {${a.activation.min}, ${a.activation.max}}`;
        if (depthwise) c.declare(`const td_depthwise_conv_params_s16 params = {${a.wideAccumulator ? 1 : 0}, ${k.out / cIn}, ${fields}};`);
        else c.declare(`const td_conv_params_s16 params = {${a.wideAccumulator ? 1 : 0}, ${fields}};`);
        const quant = quantOf(c, a);
        const biasName = biasOf(c, bias);
        c.declare(`const td_dims input_dims = ${cDims(k.input)};`);
        c.declare(`const td_dims filter_dims = ${cDims(filterShape)};`);
        c.declare(`const td_dims output_dims = ${cDims(outputShape)};`);
        const ctx = c.context(`${kernel}_get_buffer_size(&input_dims, &filter_dims)`);
        return `${kernel}(${ctx}, &params, ${quant}, &input_dims, ${x}, &filter_dims, ${f}, ${biasName}, &output_dims, ${y})`;
      },
    });
  };
  conv('3x3 same relu int64 bias', false, { input: [1, 6, 7, 5], kernel: [3, 3], out: 4, padding: 'same', activation: 'relu', bias: 'int64', huge: true });
  conv('10x4 stride 2 keyword-spotting stem', false, { input: [1, 13, 10, 1], kernel: [10, 4], out: 8, stride: [2, 2], padding: 'same', activation: 'relu', bias: 'int64' });
  conv('1x1 int32 bias batch 2', false, { input: [2, 3, 4, 12], kernel: [1, 1], out: 6, padding: 'valid', activation: 'none', bias: 'int32' });
  conv('3x3 dilation 2 valid no bias', false, { input: [1, 8, 8, 3], kernel: [3, 3], out: 5, dilation: 2, padding: 'valid', activation: 'relu6', bias: 'none' });
  conv('1x1 600 channels', false, { input: [1, 2, 2, 600], kernel: [1, 1], out: 3, padding: 'valid', activation: 'none', bias: 'int64' });
  conv('3x3 same relu', true, { input: [1, 6, 5, 8], kernel: [3, 3], out: 8, padding: 'same', activation: 'relu', bias: 'int64', huge: true });
  conv('multiplier 2 stride 2 dilation 2', true, { input: [1, 9, 9, 3], kernel: [3, 3], out: 6, stride: [2, 2], dilation: 2, padding: 'same', activation: 'none', bias: 'int64' });
  conv('10x4 no bias', true, { input: [1, 12, 6, 5], kernel: [10, 4], out: 5, padding: 'same', activation: 'relu6', bias: 'none' });
  conv('10x4 stride 2 dilation 2 12 channels', true, { input: [2, 13, 11, 12], kernel: [10, 4], out: 12, stride: [2, 2], dilation: 2, padding: 'same', activation: 'none', bias: 'int64', huge: true });

  interface FcCase { batches: number; depth: number; units: number; activation: Activation; bias: BiasKind; huge?: boolean; perChannel?: boolean }
  const fc = (name: string, k: FcCase) => {
    const inputScale = random.scale(0.0002, 0.002);
    const filterScales = k.perChannel ? Array.from({ length: k.units }, () => random.scale(0.002, 0.01)) : [random.scale(0.002, 0.01)];
    const bias = biasSpec(k.bias, k.units, k.huge);
    add(`td_fully_connected_s16 ${name}`, {
      type: 'FULLY_CONNECTED',
      attrs: { activation: k.activation, keepNumDims: false, asymmetricQuantizeInputs: false },
      inputs: [
        { dtype: 'int16', shape: [k.batches, k.depth], quantization: perTensor(inputScale) },
        { dtype: 'int8', shape: [k.units, k.depth], data: random.int8(k.units * k.depth, -127, 127), quantization: { scale: filterScales, zeroPoint: filterScales.map(() => 0), axis: 0 } },
        ...(bias ? [bias] : []),
      ],
      outputs: [{ dtype: 'int16', shape: [k.batches, k.units], quantization: perTensor(outputScaleFor(inputScale, k.depth)) }],
      call: (c, p: any, [x, f], [y]) => {
        const a = p.arithmetic;
        c.declare(`const td_fc_params_s16 params = {${a.wideAccumulator ? 1 : 0}, {${a.activation.min}, ${a.activation.max}}};`);
        const quant = quantOf(c, a);
        const biasName = biasOf(c, bias);
        const ctx = c.context(`td_fully_connected_s16_get_buffer_size(${k.depth}, ${k.units})`);
        return `td_fully_connected_s16(${ctx}, &params, ${quant}, ${k.batches}, ${k.depth}, ${k.units}, ${x}, ${f}, ${biasName}, ${y})`;
      },
    });
  };
  fc('int64 bias relu', { batches: 1, depth: 64, units: 12, activation: 'relu', bias: 'int64', huge: true });
  fc('int32 bias batch 3 odd sizes', { batches: 3, depth: 37, units: 9, activation: 'none', bias: 'int32' });
  fc('per-channel no bias', { batches: 2, depth: 20, units: 7, activation: 'relu6', bias: 'none', perChannel: true });
  fc('600 inputs', { batches: 1, depth: 600, units: 5, activation: 'none', bias: 'int64' });

  for (const kind of ['ADD', 'SUB', 'MUL'] as const) {
    for (const [label, shape1, shape2, activation] of [
      ['same shape relu', [2, 3, 4, 5], [2, 3, 4, 5], 'relu'],
      ['broadcast', [1, 3, 1, 6], [2, 1, 4, 6], 'none'],
    ] as const) {
      const kernel = `td_${kind.toLowerCase()}_s16`;
      const output = broadcastShape([...shape1], [...shape2]);
      add(`${kernel} ${label}`, {
        type: kind, attrs: { activation },
        inputs: [{ dtype: 'int16', shape: [...shape1], quantization: perTensor(random.scale(0.0002, 0.002)) }, { dtype: 'int16', shape: [...shape2], quantization: perTensor(random.scale(0.0002, 0.002)) }],
        outputs: [{ dtype: 'int16', shape: output, quantization: perTensor(kind === 'MUL' ? random.scale(0.01, 0.1) : random.scale(0.0005, 0.004)) }],
        call: (c, p: any, [x1, x2], [y]) => {
          const a = p.arithmetic;
          const offsets = `${-a.input1.zeroPoint}, ${-a.input2.zeroPoint}, ${a.output.zeroPoint}`;
          const clamp = `{${a.activation.min}, ${a.activation.max}}`;
          if (kind === 'MUL') c.declare(`const td_mul_params_s8 params = {${offsets}, ${req(a.outputMultiplier)}, ${clamp}};`);
          else c.declare(`const td_add_params_s8 params = {${offsets}, ${a.sum.leftShift}, ${req(a.sum.input1)}, ${req(a.sum.input2)}, ${req(a.outputMultiplier)}, ${clamp}};`);
          return `${kernel}(&params, ${dims([...shape1])}, ${x1}, ${dims([...shape2])}, ${x2}, ${dims(output)}, ${y})`;
        },
      });
    }
  }

  // LOGISTIC / TANH: a Q3.12 input (TFLite's power-of-two case) and an arbitrary scale; every 16th int16 value and the ends.
  for (const type of ['LOGISTIC', 'TANH'] as const) {
    for (const [label, scale] of [['Q3.12 input', 2 ** -12], ['input scale 0.0007', 0.0007]] as const) {
      const kernel = `td_${type.toLowerCase()}_s16`;
      add(`${kernel} ${label}`, {
        type, inputs: [{ dtype: 'int16', shape: [4099], data: Int16Array.from({ length: 4099 }, (_, i) => (i < 4096 ? i * 16 - 32768 : [32767, -1, 1][i - 4096])), quantization: perTensor(scale) }],
        outputs: [{ dtype: 'int16', shape: [4099], quantization: perTensor(2 ** -15) }],
        call: (c, p: any, [x], [y]) => {
          c.declare(`const td_sigmoid_params_s16 params = {${p.arithmetic.scaling.multiplier}, ${p.arithmetic.scaling.leftShift}};`);
          return `${kernel}(&params, 4099, ${x}, ${y})`;
        },
      });
    }
  }

  for (const [type, kernel] of [['AVERAGE_POOL_2D', 'td_avgpool_s16'], ['MAX_POOL_2D', 'td_maxpool_s16']] as const) {
    for (const [label, shape, filter, stride, padding, activation] of [
      ['3x3 stride 2 same relu', [2, 7, 6, 5], [3, 3], 2, 'same', 'relu'],
      ['global 25x5', [1, 25, 5, 64], [25, 5], 1, 'valid', 'none'],
    ] as const) {
      const q = perTensor(random.scale(0.0002, 0.002));
      add(`${kernel} ${label}`, {
        type, attrs: { padding, strideH: stride, strideW: stride, filterH: filter[0], filterW: filter[1], activation },
        inputs: [{ dtype: 'int16', shape: [...shape], quantization: q }],
        outputs: [{ dtype: 'int16', shape: [shape[0], computeOutSize(padding, shape[1], filter[0], stride, 1), computeOutSize(padding, shape[2], filter[1], stride, 1), shape[3]], quantization: q }],
        call: (c, p: any, [x], [y]) => {
          const g = p.geometry;
          c.declare(`const td_pool_params params = {{${g.strideHeight}, ${g.strideWidth}}, {${g.padTop}, ${g.padLeft}}, {${g.filterHeight}, ${g.filterWidth}}, {${p.activation.min}, ${p.activation.max}}};`);
          return `${kernel}(&params, ${dims([...shape])}, ${x}, ${dims([shape[0], g.outputHeight, g.outputWidth, shape[3]])}, ${y})`;
        },
      });
    }
  }
  return cases;
}
/* eslint-enable @typescript-eslint/no-explicit-any */

/* eslint-disable @typescript-eslint/no-explicit-any -- plans are read field by field below, per op. */
/** Comparisons, logical ops and SELECT (src/logic), their bool outputs compared byte for byte. */
function logicCases(random: Random): CaseBuilder[] {
  const cases: CaseBuilder[] = [];
  const add = (name: string, spec: PlanCaseSpec) => cases.push(planCase(random, name, spec));
  const shapes = { a: [2, 3, 4], b: [3, 1], out: [2, 3, 4] };
  const operands = (a: string, b: string, y: string) => `${dims(shapes.a)}, ${a}, ${dims(shapes.b)}, ${b}, ${dims(shapes.out)}, ${y}`;
  const compare = (p: any) => `{8, {${p.scaling[0].offset}, ${req(p.scaling[0].multiplier)}}, {${p.scaling[1].offset}, ${req(p.scaling[1].multiplier)}}}`;
  for (const op of ['EQUAL', 'NOT_EQUAL', 'LESS', 'LESS_EQUAL', 'GREATER', 'GREATER_EQUAL'] as const) {
    for (const [dtype, kernel, q1, q2] of [
      ['int8', 'td_compare_s8', [0.1, 3], [0.2, -5]],
      ['int16', 'td_compare_s16', [0.01, 0], [0.03, 0]],
      ['int32', 'td_compare_s32'],
      ['float32', 'td_compare_f32'],
    ] as const) {
      const b = dtype === 'float32' ? Float32Array.of(-1, 0, 2) : dtype === 'int32' ? Int32Array.of(-300, 0, 500) : randomOf(random, dtype, 3);
      add(`${kernel} ${op} broadcast`, {
        type: op,
        inputs: [{ dtype, shape: shapes.a, quantization: q1 && [...q1] }, { dtype, shape: shapes.b, quantization: q2 && [...q2], data: b }],
        outputs: [{ dtype: 'bool', shape: shapes.out }],
        call: (c, p: any, [x, w], [y]) => {
          if (!p.scaling) return `${kernel}(TD_COMPARE_${op}, ${operands(x, w, y)})`;
          c.declare(`const td_compare_params params = ${compare(p)};`);
          return `${kernel}(TD_COMPARE_${op}, &params, ${operands(x, w, y)})`;
        },
      });
    }
  }
  // int64: values a double cannot tell apart (2^60 ± 1), both operands constants of the case.
  const big = 2n ** 60n;
  const a64 = BigInt64Array.from({ length: 24 }, (_, i) => [big + 1n, big, big - 1n, -big, 5000000000n, -1n][i % 6] + BigInt(Math.floor(random.next() * 3) - 1));
  const b64 = BigInt64Array.of(big, -big, 5000000000n);
  for (const op of ['EQUAL', 'NOT_EQUAL', 'LESS', 'LESS_EQUAL', 'GREATER', 'GREATER_EQUAL'] as const) {
    add(`td_compare_s64 ${op} broadcast`, {
      type: op,
      inputs: [{ dtype: 'int64', shape: shapes.a, data: a64 }, { dtype: 'int64', shape: shapes.b, data: b64 }],
      outputs: [{ dtype: 'bool', shape: shapes.out }],
      call: (c, _p, _inputs, [y]) => `td_compare_s64(TD_COMPARE_${op}, ${operands(int64Constant(c, 'a64', a64), int64Constant(c, 'b64', b64), y)})`,
    });
  }
  add('td_compare_b8 NOT_EQUAL broadcast', {
    type: 'NOT_EQUAL', inputs: [{ dtype: 'bool', shape: shapes.a }, { dtype: 'bool', shape: shapes.b, data: Uint8Array.of(1, 0, 1) }], outputs: [{ dtype: 'bool', shape: shapes.out }],
    call: (_c, _p, [x, w], [y]) => `td_compare_b8(TD_COMPARE_NOT_EQUAL, ${operands(x, w, y)})`,
  });
  for (const op of ['LOGICAL_AND', 'LOGICAL_OR'] as const) {
    add(`td_logical ${op} broadcast`, {
      type: op, inputs: [{ dtype: 'bool', shape: shapes.a }, { dtype: 'bool', shape: shapes.b, data: Uint8Array.of(1, 0, 1) }], outputs: [{ dtype: 'bool', shape: shapes.out }],
      call: (_c, _p, [x, w], [y]) => `td_logical(TD_${op}, ${operands(x, w, y)})`,
    });
  }
  add('td_logical_not', {
    type: 'LOGICAL_NOT', inputs: [{ dtype: 'bool', shape: [13] }], outputs: [{ dtype: 'bool', shape: [13] }],
    call: (_c, _p, [x], [y]) => `td_logical_not(13, ${x}, ${y})`,
  });
  for (const [dtype, shapesOf] of [
    ['int16', { condition: [2, 1, 3, 1, 4], x: [2, 2, 3, 2, 4], y: [2, 1, 1, 4], out: [2, 2, 3, 2, 4] }],
    ['float32', { condition: [3], x: [3, 5], y: [3, 5], out: [3, 5] }],
  ] as const) {
    const type = shapesOf.condition.length === 1 ? 'SELECT' : 'SELECT_V2';
    add(`td_select ${type} ${dtype}`, {
      type,
      inputs: [{ dtype: 'bool', shape: [...shapesOf.condition] }, { dtype, shape: [...shapesOf.x] }, { dtype, shape: [...shapesOf.y] }],
      outputs: [{ dtype, shape: [...shapesOf.out] }],
      call: (c, p: any, [condition, x, w], [y]) => {
        c.declare(`const td_select_params params = {${p.elementBytes}, ${p.shape.length}, ${list(p.shape, 6, 1)}, ${list(p.conditionSteps)}, ${list(p.xSteps)}, ${list(p.ySteps)}};`);
        return `td_select(&params, ${condition}, ${x}, ${w}, ${y})`;
      },
    });
  }
  for (const [dtype, kernel, type, axis] of [
    ['int8', 'td_arg_min_max_s8', 'ARG_MAX', -1],
    ['int16', 'td_arg_min_max_s16', 'ARG_MIN', 0],
    ['int32', 'td_arg_min_max_s32', 'ARG_MAX', 1],
    ['float32', 'td_arg_min_max_f32', 'ARG_MIN', 1],
  ] as const) {
    const shape = [3, 5, 4];
    add(`${kernel} ${type} axis ${axis}`, {
      type,
      inputs: [{ dtype, shape, ...(dtype === 'int8' || dtype === 'int16' ? { quantization: [0.1, 0] as [number, number] } : {}) }, { dtype: 'int32', shape: [1], data: Int32Array.of(axis) }],
      outputs: [{ dtype: 'int32', shape: shape.filter((_, d) => d !== (axis + 3) % 3) }],
      call: (_c, p: any, [x], [y]) => `${kernel}(${p.maximum ? 1 : 0}, ${p.outer}, ${p.axisSize}, ${p.inner}, ${x}, 0, ${y})`,
    });
  }
  for (const [dtype, kernel, b] of [
    ['int32', 'td_floor_div_mod_s32', Int32Array.of(7, -3, 5)],
    ['float32', 'td_floor_div_mod_f32', Float32Array.of(1.5, -2, 0.75)],
  ] as const) {
    for (const type of ['FLOOR_DIV', 'FLOOR_MOD'] as const) {
      add(`${kernel} ${type} broadcast`, {
        type, inputs: [{ dtype, shape: shapes.a }, { dtype, shape: shapes.b, data: b }], outputs: [{ dtype, shape: shapes.out }],
        call: (_c, _p, [x, w], [y]) => `${kernel}(${type === 'FLOOR_MOD' ? 1 : 0}, ${operands(x, w, y)})`,
      });
    }
  }
  for (const [dtype, kernel, ctype] of [
    ['float32', 'td_add_n_f32', 'float'],
    ['int32', 'td_add_n_s32', 'int32_t'],
  ] as const) {
    add(`${kernel} 3 inputs`, {
      type: 'ADD_N', inputs: [0, 1, 2].map(() => ({ dtype, shape: [17] })), outputs: [{ dtype, shape: [17] }],
      call: (_c, _p, [a, b, d], [y]) => `${kernel}(3, 17, (const ${ctype} *const[]){${a}, ${b}, ${d}}, ${y})`,
    });
  }
  // int8: a non-zero input zero point (TFLite Micro's extra offset term shows) and sums that clamp.
  add('td_add_n_s8 3 inputs', {
    type: 'ADD_N', inputs: [0, 1, 2].map(() => ({ dtype: 'int8' as const, shape: [33], quantization: [Math.fround(0.05), -7] as [number, number] })), outputs: [{ dtype: 'int8', shape: [33], quantization: [Math.fround(0.08), 5] }],
    call: (c, p: any, [a, b, d], [y]) => {
      const m = p.arithmetic;
      c.declare(`const td_add_params_s8 params = {${m.inputOffset}, ${m.inputOffset}, ${m.outputOffset}, ${m.leftShift}, ${req(m.input)}, ${req(m.input)}, ${req(m.output)}, {${m.activation.min}, ${m.activation.max}}};`);
      return `td_add_n_s8(&params, 3, 33, (const int8_t *const[]){${a}, ${b}, ${d}}, ${y})`;
    },
  });
  // int32 ADD / SUB / MUL: the second operand's extremes make the sums and products wrap.
  for (const type of ['ADD', 'SUB', 'MUL'] as const) {
    add(`td_arith_s32 ${type} broadcast wrapping`, {
      type, attrs: { activation: 'none' },
      inputs: [{ dtype: 'int32', shape: shapes.a }, { dtype: 'int32', shape: shapes.b, data: Int32Array.of(2147483647, -2147483648, 65536) }], outputs: [{ dtype: 'int32', shape: shapes.out }],
      call: (_c, _p, [x, w], [y]) => `td_arith_s32(TD_ARITH_${type}, ${operands(x, w, y)})`,
    });
  }
  add('td_arith_s32 SQUARED_DIFFERENCE broadcast wrapping', {
    type: 'SQUARED_DIFFERENCE', inputs: [{ dtype: 'int32', shape: shapes.a }, { dtype: 'int32', shape: shapes.b, data: Int32Array.of(2147483647, -2147483648, 46341) }], outputs: [{ dtype: 'int32', shape: shapes.out }],
    call: (_c, _p, [x, w], [y]) => `td_arith_s32(TD_ARITH_SQUARED_DIFFERENCE, ${operands(x, w, y)})`,
  });
  // int16 SQUARED_DIFFERENCE: an output scale below the squared input scale (an output multiplier above one), clamping some.
  add('td_squared_difference_s16 broadcast', {
    type: 'SQUARED_DIFFERENCE', inputs: [{ dtype: 'int16', shape: shapes.a, quantization: [Math.fround(0.001), 0] }, { dtype: 'int16', shape: shapes.b, quantization: [Math.fround(0.0015), 0], data: Int16Array.of(-32768, 0, 20000) }],
    outputs: [{ dtype: 'int16', shape: shapes.out, quantization: [Math.fround(0.02), 0] }],
    call: (c, p: any, [x, w], [y]) => {
      const s = p.arithmetic;
      c.declare(`const td_squared_difference_params_s8 params = {${s.input1Offset}, ${s.input2Offset}, ${s.outputOffset}, ${s.leftShift}, ${req(s.input1)}, ${req(s.input2)}, ${req(s.output)}};`);
      return `td_squared_difference_s16(&params, ${operands(x, w, y)})`;
    },
  });
  // DIV int32: negative quotients truncate toward zero, INT32_MIN / -1 wraps, relu6 clamps.
  for (const activation of ['none', 'relu6'] as const) {
    add(`td_div_s32 broadcast ${activation}`, {
      type: 'DIV', attrs: { activation }, inputs: [{ dtype: 'int32', shape: shapes.a, data: Int32Array.from({ length: 24 }, (_, i) => (i === 0 ? -2147483648 : (i * 7919) % 2001 - 1000)) }, { dtype: 'int32', shape: shapes.b, data: Int32Array.of(-1, 7, -3) }],
      outputs: [{ dtype: 'int32', shape: shapes.out }],
      call: (c, p: any, [x, w], [y]) => {
        c.declare(`const td_activation activation = {${cInt(p.arithmetic.activation.min)}, ${cInt(p.arithmetic.activation.max)}};`);
        return `td_div_s32(&activation, ${operands(x, w, y)})`;
      },
    });
  }
  // MEAN int16 over the middle axis: the same quantization (integer division) and a rescaled one.
  for (const [label, outScale] of [['same quantization', 0.0005], ['rescaled', 0.0003]] as const) {
    add(`td_mean_s16 ${label}`, {
      type: 'MEAN', attrs: { keepDims: false }, inputs: [{ dtype: 'int16', shape: [3, 7, 4], quantization: [Math.fround(0.0005), 0] }, { dtype: 'int32', shape: [1], data: Int32Array.of(1) }],
      outputs: [{ dtype: 'int16', shape: [3, 4], quantization: [Math.fround(outScale), 0] }],
      call: (c, p: any, [x], [y]) => {
        const m = p.integer;
        c.declare(`const td_mean_params_s8 params = {${m.rescale ? 1 : 0}, ${-m.inputZeroPoint}, ${m.outputZeroPoint}, ${req(m.rescale ?? { multiplier: 0, shift: 0 })}, {${m.min}, ${m.max}}};`);
        return `td_mean_s16(&params, 3, 7, 4, ${x}, ${y})`;
      },
    });
  }
  // RELU (rescaled to another scale) and RELU6 (a clamp at the quantized 6) on int16.
  add('td_relu_s16 rescaled', {
    type: 'RELU', inputs: [{ dtype: 'int16', shape: [57], quantization: [Math.fround(0.0004), 0] }], outputs: [{ dtype: 'int16', shape: [57], quantization: [Math.fround(0.0003), 0] }],
    call: (c, p: any, [x], [y]) => {
      const a = p.arithmetic;
      c.declare(`const td_relu_params_s8 params = {${-a.input.zeroPoint}, ${a.output.zeroPoint}, ${req(a.multiplier)}, {${a.clamp.min}, ${a.clamp.max}}};`);
      return `td_relu_s16(&params, 57, ${x}, ${y})`;
    },
  });
  add('td_relu6_s16', {
    type: 'RELU6', inputs: [{ dtype: 'int16', shape: [57], quantization: [Math.fround(0.0004), 0] }], outputs: [{ dtype: 'int16', shape: [57], quantization: [Math.fround(0.0004), 0] }],
    call: (c, p: any, [x], [y]) => {
      c.declare(`const td_activation range = {${p.arithmetic.clamp.min}, ${p.arithmetic.clamp.max}};`);
      return `td_relu6_s16(&range, 57, ${x}, ${y})`;
    },
  });
  // MINIMUM / MAXIMUM int32 and int64 (int64 values 2^60 ± 1 apart, which a double would merge).
  add('td_min_max_s32 minimum broadcast', {
    type: 'MINIMUM', inputs: [{ dtype: 'int32', shape: shapes.a }, { dtype: 'int32', shape: shapes.b, data: Int32Array.of(-2147483648, 0, 500) }], outputs: [{ dtype: 'int32', shape: shapes.out }],
    call: (_c, _p, [x, w], [y]) => `td_min_max_s32(0, ${operands(x, w, y)})`,
  });
  add('td_min_max_s64 maximum broadcast', {
    type: 'MAXIMUM', inputs: [{ dtype: 'int64', shape: shapes.a, data: a64 }, { dtype: 'int64', shape: shapes.b, data: b64 }], outputs: [{ dtype: 'int64', shape: shapes.out }],
    call: (c, _p, _inputs, [y]) => `td_min_max_s64(1, ${operands(int64Constant(c, 'a64', a64), int64Constant(c, 'b64', b64), y)})`,
  });
  const shape64 = [BigInt64Array.of(4n, 1n, 3n), BigInt64Array.of(2n, 1n, 5n, 1n)];
  add('td_broadcast_args_s64', {
    type: 'BROADCAST_ARGS', inputs: [{ dtype: 'int64', shape: [3], data: shape64[0] }, { dtype: 'int64', shape: [4], data: shape64[1] }], outputs: [{ dtype: 'int64', shape: [4] }],
    call: (c, _p, _inputs, [y]) => `td_broadcast_args_s64(3, ${int64Constant(c, 'shape1', shape64[0])}, 4, ${int64Constant(c, 'shape2', shape64[1])}, 4, ${y})`,
  });
  add('td_broadcast_args_s32', {
    type: 'BROADCAST_ARGS', inputs: [{ dtype: 'int32', shape: [3], data: Int32Array.of(4, 1, 3) }, { dtype: 'int32', shape: [4], data: Int32Array.of(2, 1, 5, 1) }], outputs: [{ dtype: 'int32', shape: [4] }],
    call: (_c, _p, [a, b], [y]) => `td_broadcast_args_s32(3, ${a}, 4, ${b}, 4, ${y})`,
  });
  return cases;
}
/* eslint-enable @typescript-eslint/no-explicit-any */

// ---------------------------------------------------------------------------------------------
// 16x8 recurrent kernels (td_lstm_s16, td_gru_s16) and the int16 softmax: int16 activations, int8 weights, int64 biases, two runs
// each (the second continues from the state the first left), parameters from the op library's plan.
// ---------------------------------------------------------------------------------------------

/* eslint-disable @typescript-eslint/no-explicit-any -- plans are read field by field below. */
function int64Constant(c: CaseBuilder, name: string, values: BigInt64Array): string {
  c.declare(`static const int64_t ${name}[${values.length}] = {${Array.from(values, (v) => `${v}LL`).join(', ')}};`);
  return name;
}

function lstmS16(random: Random, name: string, config: LstmConfig & { biasRange?: number }): CaseBuilder {
  const { batch, time, inputSize, stateSize, timeMajor } = config;
  const inputShape = timeMajor ? [time, batch, inputSize] : [batch, time, inputSize];
  const outputShape = timeMajor ? [time, batch, stateSize] : [batch, time, stateSize];
  const inputScale = random.scale(0.00005, 0.0002);
  const hiddenScale = random.scale(0.00002, 0.00005);
  const cellScalePower = -11;
  const biasRange = config.biasRange ?? 40_000_000;
  const gateData = Object.fromEntries(
    gateOrder.map((gate) => [
      gate,
      {
        weights: random.int8(stateSize * inputSize, -127, 127),
        weightsScale: random.scale(0.002, 0.01),
        recurrent: random.int8(stateSize * stateSize, -127, 127),
        recurrentScale: random.scale(0.002, 0.01),
        bias: BigInt64Array.from({ length: stateSize }, () => BigInt(random.int(-biasRange, biasRange))),
      },
    ]),
  ) as Record<(typeof gateOrder)[number], { weights: Int8Array; weightsScale: number; recurrent: Int8Array; recurrentScale: number; bias: BigInt64Array }>;
  const input = random.int16(count(inputShape));
  const secondInput = random.int16(count(inputShape));
  const specs: (TensorSpec | null)[] = new Array(24).fill(null);
  specs[0] = { dtype: 'int16', shape: inputShape, quantization: [inputScale, 0] };
  for (const gate of gateOrder) {
    const d = gateData[gate];
    specs[gateInputs[gate].weights] = { dtype: 'int8', shape: [stateSize, inputSize], data: d.weights, quantization: [d.weightsScale, 0] };
    specs[gateInputs[gate].recurrent] = { dtype: 'int8', shape: [stateSize, stateSize], data: d.recurrent, quantization: [d.recurrentScale, 0] };
    specs[gateInputs[gate].bias] = { dtype: 'int64', shape: [stateSize], data: d.bias, quantization: [Math.fround(inputScale * d.weightsScale), 0] };
  }
  specs[18] = { dtype: 'int16', shape: [batch, stateSize], quantization: [hiddenScale, 0], variable: true };
  specs[19] = { dtype: 'int16', shape: [batch, stateSize], quantization: [2 ** cellScalePower, 0], variable: true };
  const { runs, tensors, inputIds, graph } = runOp(
    'UNIDIRECTIONAL_SEQUENCE_LSTM',
    { activation: 'tanh', cellClip: config.cellClip, projClip: 0, timeMajor, asymmetricQuantizeInputs: false, diagonalRecurrentTensors: false },
    specs,
    [{ dtype: 'int16', shape: outputShape, quantization: [hiddenScale, 0] }],
    [input],
    [[secondInput]],
  );
  const { arithmetic: a } = findOp('UNIDIRECTIONAL_SEQUENCE_LSTM')!.prepare(opContext(graph, graph.ops[0], 0, Error)) as any;
  if (a.flavour !== 'int16') throw new Error(`${name}: plan flavour ${a.flavour}`);
  const c = new CaseBuilder(name);
  c.constant('int16_t', 'input', input);
  c.constant('int16_t', 'second_input', secondInput);
  const gates = gateOrder.map((gate) => {
    const d = gateData[gate];
    c.constant('int8_t', `${gate}_weights`, d.weights);
    c.constant('int8_t', `${gate}_recurrent`, d.recurrent);
    int64Constant(c, `${gate}_bias`, d.bias);
    return `.${gate}_gate = {${gate}_weights, ${gate}_recurrent, ${gate}_bias, ${cRequant(a.gates[gate].inputMultiplier)}, ${cRequant(a.gates[gate].recurrentMultiplier)}}`;
  });
  c.declare(
    `const td_lstm_params_s16 params = {.dims = {${timeMajor ? 1 : 0}, ${batch}, ${time}, ${inputSize}, ${stateSize}}, ${gates.join(', ')}, .cell_gate_activation = TD_LSTM_TANH, ` +
      `.forget_cell_mul = ${cRequant(a.forgetTimesCell)}, .input_cell_mul = ${cRequant(a.inputTimesCellGate)}, .output_hidden_mul = ${cRequant(a.tanhCellTimesOutput)}, ` +
      `.cell_clip_enabled = ${a.cellClip === undefined ? 0 : 1}, .quantized_cell_clip = ${a.cellClip ?? 0}, .cell_state_scale_power = ${a.cellScalePower}};`,
  );
  const hidden = c.state('int16_t', 'hidden', new Int16Array(batch * stateSize));
  const cell = c.state('int16_t', 'cell', new Int16Array(batch * stateSize));
  const output = c.output('int16_t', 'output', count(outputShape));
  const secondOutput = c.output('int16_t', 'second_output', count(outputShape));
  const ctx = c.context('td_lstm_s16_get_buffer_size(&params.dims)');
  c.invoke(`td_lstm_s16(${ctx}, &params, input, ${hidden}, ${cell}, ${output})`);
  c.invoke(`td_lstm_s16(${ctx}, &params, second_input, ${hidden}, ${cell}, ${secondOutput})`);
  c.expect('int16_t', output, runs[0][0] as Int16Array);
  c.expect('int16_t', secondOutput, runs[1][0] as Int16Array);
  c.expect('int16_t', hidden, tensors.get(inputIds[18]) as Int16Array);
  c.expect('int16_t', cell, tensors.get(inputIds[19]) as Int16Array);
  return c;
}

function gruS16(random: Random, name: string, config: GruConfig): CaseBuilder {
  const { batch, stateSize, inputSize } = config;
  const inputScale = random.scale(0.00005, 0.0002);
  const outputScale = random.scale(0.00003, 0.00005);
  const data: GruData = {
    gates: Object.fromEntries(
      gruGateNames.map((gate) => [
        gate,
        {
          weights: random.int8(stateSize * inputSize, -127, 127),
          weightsScale: random.scale(0.001, 0.005),
          recurrent: random.int8(stateSize * stateSize, -127, 127),
          recurrentScale: random.scale(0.005, 0.02),
          bias: random.int32(stateSize, -6000, 6000),
        },
      ]),
    ) as GruData['gates'],
  };
  if (config.recurrentNBias) data.recurrentNBias = random.int32(stateSize, -6000, 6000);
  // The int8 specs with an int16 input (zero point 0) and int64 input biases, big enough to matter.
  const specs = gruSpecs(config, 'int8', data, { input: [inputScale, 0] });
  specs[gruInputIndex.input] = { ...specs[gruInputIndex.input]!, dtype: 'int16' };
  const biases = Object.fromEntries(
    gruGateNames.map((gate) => [gate, BigInt64Array.from({ length: stateSize }, () => BigInt(random.int(-400_000_000, 400_000_000)))]),
  ) as Record<GruGateName, BigInt64Array>;
  for (const gate of gruGateNames) specs[gruInputIndex.bias[gate]] = { dtype: 'int64', shape: [stateSize], data: biases[gate] };
  const inputLength = count(specs[gruInputIndex.input]!.shape);
  const input = random.int16(inputLength);
  const secondInput = random.int16(inputLength);
  const outputShape = gruOutputShape(config);
  const { runs, state, plan } = runGru(config, specs, { dtype: 'int16', shape: outputShape, quantization: [outputScale, 0] }, input, secondInput);
  if (plan.arithmetic.flavour !== 'int16') throw new Error(`${name}: expected a 16x8 plan`);
  const a = plan.arithmetic;
  const c = new CaseBuilder(name);
  c.constant('int16_t', 'input', input);
  c.constant('int16_t', 'second_input', secondInput);
  const gates = gruGateNames.map((gate) => {
    const d = data.gates[gate];
    const word = gruGateWord(gate);
    c.constant('int8_t', `${word}_weights`, d.weights);
    c.constant('int8_t', `${word}_recurrent`, d.recurrent);
    int64Constant(c, `${word}_bias`, biases[gate]);
    return `.${word}_gate = {${word}_weights, ${word}_recurrent, ${word}_bias, ${cRequant(a.gates[gate].inputMultiplier)}, ${cRequant(a.gates[gate].recurrentMultiplier)}}`;
  });
  const nBias = data.recurrentNBias ? c.constant('int32_t', 'recurrent_new_bias', data.recurrentNBias) : 'NULL';
  c.declare(`const td_gru_params_s16 params = {.dims = ${gruDimsC(plan.layout)}, ${gates.join(', ')}, .recurrent_new_bias = ${nBias}, .output_mul = ${cRequant(a.outputMultiplier)}};`);
  const hidden = c.state('int16_t', 'hidden', new Int16Array(batch * stateSize));
  const output = c.output('int16_t', 'output', count(outputShape));
  const secondOutput = c.output('int16_t', 'second_output', count(outputShape));
  const ctx = c.context('td_gru_s16_get_buffer_size(&params.dims)');
  c.invoke(`td_gru_s16(${ctx}, &params, input, ${hidden}, ${output})`);
  c.invoke(`td_gru_s16(${ctx}, &params, second_input, ${hidden}, ${secondOutput})`);
  c.expect('int16_t', output, runs[0][0] as Int16Array);
  c.expect('int16_t', secondOutput, runs[1][0] as Int16Array);
  c.expect('int16_t', hidden, state as Int16Array);
  return c;
}

/** td_softmax_s16 on a one-op graph: rows of `depth` int16 values, the plan's scaling and tables. */
function softmaxS16(random: Random, name: string, shape: number[], inputScale: number, beta: number, input?: Int16Array): CaseBuilder {
  const data = input ?? random.int16(count(shape));
  const { outputs, graph } = runOp('SOFTMAX', { beta }, [{ dtype: 'int16', shape, quantization: [Math.fround(inputScale), 0] }], [{ dtype: 'int16', shape, quantization: [1 / 32768, 0] }], [data]);
  const plan = findOp('SOFTMAX')!.prepare(opContext(graph, graph.ops[0], 0, Error)) as any;
  if (plan.arithmetic.flavour !== 'int16') throw new Error(`${name}: plan flavour ${plan.arithmetic.flavour}`);
  const p = plan.arithmetic.params;
  const c = new CaseBuilder(name);
  c.constant('int16_t', 'input', data);
  c.constant('int16_t', 'exp_lut', p.expLut);
  c.constant('int16_t', 'one_over_one_plus_x_lut', p.oneOverOnePlusXLut);
  c.declare(`const td_softmax_params_s16 params = {${cRequant(p.input)}, exp_lut, one_over_one_plus_x_lut};`);
  const output = c.output('int16_t', 'output', count(shape));
  c.invoke(`td_softmax_s16(&params, ${plan.rows}, ${plan.depth}, input, ${output})`);
  c.expect('int16_t', output, outputs[0] as Int16Array);
  return c;
}

function rnnS16Cases(random: Random): CaseBuilder[] {
  const lstm: [string, LstmConfig & { biasRange?: number }][] = [
    ['batch-major B2 T3', { batch: 2, time: 3, inputSize: 5, stateSize: 4, timeMajor: false, cellClip: 0 }],
    ['time-major B2 T4', { batch: 2, time: 4, inputSize: 6, stateSize: 8, timeMajor: true, cellClip: 0 }],
    ['batch-major B1 T5 cell clip', { batch: 1, time: 5, inputSize: 3, stateSize: 7, timeMajor: false, cellClip: 0.75 }],
    // Biases past int32 (the 64-bit sum keeps them) and a depth whose sums pass 2^31.
    ['biases beyond int32, input size 600', { batch: 1, time: 2, inputSize: 600, stateSize: 3, timeMajor: false, cellClip: 0, biasRange: 2 ** 31 + 2 ** 30 }],
  ];
  const gru: [string, GruConfig][] = [
    ['linear_before_reset recurrent n bias batch-major B2 T3', { batch: 2, time: 3, inputSize: 5, stateSize: 4, timeMajor: false, linearBeforeReset: true, recurrentNBias: true }],
    ['reset before the product time-major B2 T4', { batch: 2, time: 4, inputSize: 6, stateSize: 8, timeMajor: true, linearBeforeReset: false, recurrentNBias: false }],
    ['reverse last step only time-major B2 T3', { batch: 2, time: 3, inputSize: 4, stateSize: 5, timeMajor: true, linearBeforeReset: true, recurrentNBias: true, reverse: true, returnSequences: false }],
    ['input size 600 (sums past 2^31)', { batch: 1, time: 2, inputSize: 600, stateSize: 3, timeMajor: false, linearBeforeReset: true, recurrentNBias: false }],
  ];
  // Softmax: full-range rows (most exponentials vanish), narrow rows (every table entry in use), a
  // scale that makes the input multiplier a left shift, one-hot and constant rows.
  const narrow = Int16Array.from({ length: 4 * 33 }, () => random.int(-3000, 3000));
  const edges = Int16Array.from({ length: 3 * 10 }, (_, i) => (i < 10 ? (i === 4 ? 32767 : -32768) : i < 20 ? 1234 : i % 2 ? 32767 : -32768));
  const softmax = [
    softmaxS16(random, 'softmax_s16 full range 3x10', [3, 10], 0.0003, 1),
    softmaxS16(random, 'softmax_s16 narrow 4x33 beta 0.7', [4, 33], 0.0012, 0.7, narrow),
    softmaxS16(random, 'softmax_s16 input multiplier above one', [2, 7], 0.02, 1),
    softmaxS16(random, 'softmax_s16 one-hot, constant and alternating rows', [3, 10], 0.001, 1, edges),
  ];
  return [...lstm.map(([label, config]) => lstmS16(random, `lstm_s16 ${label}`, config)), ...gru.map(([label, config]) => gruS16(random, `gru_s16 ${label}`, config)), ...softmax];
}
/* eslint-enable @typescript-eslint/no-explicit-any */

/**
 * td_fully_connected_s8_int4: weights in [-8, 7] packed as TFLite's INT4, the interpreter's
 * int8 FULLY_CONNECTED over the same values as the reference (TFLite Micro unpacks them so).
 */
function fullyConnectedS8Int4(random: Random, name: string, config: { batches: number; inputDepth: number; outputDepth: number; activation: Activation; perChannel?: boolean; bias?: boolean; inputZeroPoint?: number }): CaseBuilder {
  const { batches, inputDepth, outputDepth } = config;
  const inputScale = random.scale(0.01, 0.1);
  const inputZeroPoint = config.inputZeroPoint ?? random.int(-30, 30);
  const outputScale = random.scale(0.05, 0.2);
  const outputZeroPoint = random.int(-10, 10);
  const perChannel = config.perChannel ?? false;
  const filterScales = Array.from({ length: perChannel ? outputDepth : 1 }, () => random.scale(0.01, 0.1));
  const filter = random.int8(outputDepth * inputDepth, -8, 7);
  const bias = config.bias === false ? undefined : random.int32(outputDepth, -3000, 3000);
  const input = random.int8(batches * inputDepth);
  const { outputs } = runOp(
    'FULLY_CONNECTED',
    { activation: config.activation, keepNumDims: false, asymmetricQuantizeInputs: false },
    [
      { dtype: 'int8', shape: [batches, inputDepth], quantization: [inputScale, inputZeroPoint] },
      { dtype: 'int8', shape: [outputDepth, inputDepth], data: filter, quantization: { scale: filterScales, zeroPoint: filterScales.map(() => 0), axis: 0 } },
      bias ? { dtype: 'int32', shape: [outputDepth], data: bias } : null,
    ],
    [{ dtype: 'int8', shape: [batches, outputDepth], quantization: [outputScale, outputZeroPoint] }],
    [input],
  );
  // Per-channel: QuantizeMultiplier per unit; per-tensor: GetQuantizedConvolutionMultipler (float32 product, double division).
  const q = perChannel
    ? channelMultipliers(vectorContext, inputScale, Float64Array.from(filterScales), outputScale)
    : (({ multiplier, shift }) => ({ multipliers: [multiplier], shifts: [shift] }))(quantizeMultiplier(Math.fround(inputScale * filterScales[0]) / outputScale));
  const range = activationRangeQuantized(vectorContext, config.activation, 'int8', outputScale, outputZeroPoint);
  const c = new CaseBuilder(name);
  c.constant('int8_t', 'input', input);
  c.constant('int8_t', 'filter', Int8Array.from(packInt4(filter)));
  if (bias) c.constant('int32_t', 'bias', bias);
  c.constant('int32_t', 'multiplier', Array.from(q.multipliers));
  c.constant('int8_t', 'shift', Array.from(q.shifts));
  c.declare('const td_per_channel_quant quant = {multiplier, shift};');
  c.declare(`const td_fc_params params = {.input_offset = ${-inputZeroPoint}, .filter_offset = 0, .output_offset = ${outputZeroPoint}, .activation = {${range.min}, ${range.max}}};`);
  const output = c.output('int8_t', 'output', batches * outputDepth);
  const ctx = c.context(`td_fully_connected_s8_int4_get_buffer_size(${inputDepth})`);
  c.invoke(`td_fully_connected_s8_int4(${ctx}, &params, &quant, ${perChannel ? 1 : 0}, ${batches}, ${inputDepth}, ${outputDepth}, input, filter, ${bias ? 'bias' : 'NULL'}, ${output})`);
  c.expect('int8_t', output, outputs[0] as Int8Array);
  return c;
}

/**
 * The packed int4 kernels (TFLite's INT4 weights, values -8..7, two a byte, low nibble first):
 * odd depths and patch lengths so that rows start and end mid-byte, lengths under eight and
 * past a multiple of eight (the DSP loop's nibble tails), padding on every side, stride 2,
 * dilation, grouped convolution, depth multipliers, per-channel and per-tensor scales, ReLU
 * clamps, two batches, no bias, and the full int8 input range with zero points -128 and 127.
 */
function int4Cases(random: Random): CaseBuilder[] {
  const conv: [string, ConvConfig][] = [
    ['3x3 same C_in 16 -> 32 relu (patch 144: whole words)', { input: [5, 6, 16], outputChannels: 32, kernel: [3, 3], padding: 'same', activation: 'relu', int4: true }],
    ['3x3 same C_in 3 -> 5 (patch 27: odd, rows mid-byte)', { input: [6, 5, 3], outputChannels: 5, kernel: [3, 3], padding: 'same', activation: 'none', int4: true }],
    ['2x3 stride 2 same odd sizes C_in 5 -> 7 relu6 (patch 30: tail 6)', { input: [7, 9, 5], outputChannels: 7, kernel: [2, 3], stride: [2, 2], padding: 'same', activation: 'relu6', int4: true }],
    ['1x1 C_in 2 -> 3 (patch 2 < 8)', { input: [3, 3, 2], outputChannels: 3, kernel: [1, 1], padding: 'valid', activation: 'none', int4: true }],
    ['5x5 same dilation 2 C_in 4 -> 6 two batches no bias', { batch: 2, input: [7, 6, 4], outputChannels: 6, kernel: [5, 5], dilation: [2, 2], padding: 'same', activation: 'none', bias: false, int4: true }],
    ['3x3 valid per-tensor C_in 8 -> 9 relu', { input: [5, 5, 8], outputChannels: 9, kernel: [3, 3], padding: 'valid', activation: 'relu', perChannel: false, int4: true }],
    ['3x3 same full int8 range input zero point -128', { input: [4, 5, 6], outputChannels: 4, kernel: [3, 3], padding: 'same', activation: 'none', extremes: { inputZeroPoint: -128 }, int4: true }],
    ['3x3 same full int8 range input zero point 127', { input: [4, 5, 6], outputChannels: 5, kernel: [3, 3], padding: 'same', activation: 'none', extremes: { inputZeroPoint: 127 }, int4: true }],
    ['grouped C_in 6 in 2 groups -> 4', { input: [4, 4, 6], outputChannels: 4, kernel: [3, 3], padding: 'same', activation: 'none', groups: 2, int4: true }],
  ];
  const depthwise: [string, ConvConfig][] = [
    ['3x3 same 7 channels (rows of 7 nibbles)', { input: [6, 5, 7], outputChannels: 7, kernel: [3, 3], padding: 'same', activation: 'none', int4: true }],
    ['3x3 stride 2 same multiplier 2 odd sizes relu', { input: [7, 9, 3], outputChannels: 6, kernel: [3, 3], stride: [2, 2], padding: 'same', activation: 'relu', int4: true }],
    ['one channel multiplier 8, 10x8 stride 2', { input: [12, 11, 1], outputChannels: 8, kernel: [10, 8], stride: [2, 2], padding: 'same', activation: 'none', int4: true }],
    ['5x5 dilation 2 per-tensor two batches no bias relu6', { batch: 2, input: [7, 7, 5], outputChannels: 5, kernel: [5, 5], dilation: [2, 2], padding: 'same', activation: 'relu6', perChannel: false, bias: false, int4: true }],
    ['3x3 valid full int8 range input zero point -128', { input: [5, 5, 9], outputChannels: 9, kernel: [3, 3], padding: 'valid', activation: 'none', extremes: { inputZeroPoint: -128 }, int4: true }],
    // The DSP kernel's channel blocks: whole blocks of four, a last block of 1-3 channels, rows padded on every side.
    ['3x3 same 16 channels relu (four whole blocks)', { input: [6, 9, 16], outputChannels: 16, kernel: [3, 3], padding: 'same', activation: 'relu', int4: true }],
    ['3x3 stride 2 same 12 channels even sizes (padding bottom and right only)', { input: [8, 10, 12], outputChannels: 12, kernel: [3, 3], stride: [2, 2], padding: 'same', activation: 'none', int4: true }],
    ['5x5 same 8 channels full int8 range input zero point 127', { input: [7, 8, 8], outputChannels: 8, kernel: [5, 5], padding: 'same', activation: 'none', extremes: { inputZeroPoint: 127 }, int4: true }],
    ['3x3 same 4 channels full int8 range input zero point -128 relu6', { input: [5, 6, 4], outputChannels: 4, kernel: [3, 3], padding: 'same', activation: 'relu6', extremes: { inputZeroPoint: -128 }, int4: true }],
    ['3x3 valid 6 channels (last block of 2)', { input: [6, 7, 6], outputChannels: 6, kernel: [3, 3], padding: 'valid', activation: 'none', int4: true }],
    ['5x5 stride 2 valid 11 channels (last block of 3)', { input: [9, 10, 11], outputChannels: 11, kernel: [5, 5], stride: [2, 2], padding: 'valid', activation: 'relu', int4: true }],
    ['2x2 same 5 channels two batches no bias (padding after only)', { batch: 2, input: [4, 5, 5], outputChannels: 5, kernel: [2, 2], padding: 'same', activation: 'none', bias: false, int4: true }],
    ['5x5 same over a 2x3 image 8 channels (windows wider than the rows)', { input: [2, 3, 8], outputChannels: 8, kernel: [5, 5], padding: 'same', activation: 'none', int4: true }],
    ['3x8 same 4 channels (eight columns: every unrolled tap)', { input: [5, 9, 4], outputChannels: 4, kernel: [3, 8], padding: 'same', activation: 'none', int4: true }],
    ['1x9 same 4 channels (nine columns: the per-pixel loop)', { input: [3, 11, 4], outputChannels: 4, kernel: [1, 9], padding: 'same', activation: 'none', int4: true }],
    ['5x5 same multiplier 2, 5 -> 10 channels relu6', { input: [6, 7, 5], outputChannels: 10, kernel: [5, 5], padding: 'same', activation: 'relu6', int4: true }],
    ['3x3 stride 2 same multiplier 4, 3 -> 12 channels', { input: [7, 8, 3], outputChannels: 12, kernel: [3, 3], stride: [2, 2], padding: 'same', activation: 'none', int4: true }],
    ['3x3 same 8 channels scales above one (left shifts: taps scaled, no rounding division)', { input: [5, 6, 8], outputChannels: 8, kernel: [3, 3], padding: 'same', activation: 'none', effectiveScale: [1.5, 3], int4: true }],
    ['3x3 same 11 channels scales 0.2-1.2 (right shifts and none in one block) relu', { input: [5, 7, 11], outputChannels: 11, kernel: [3, 3], padding: 'same', activation: 'relu', effectiveScale: [0.2, 1.2], biasAtRoundingTies: true, int4: true }],
    ['3x3 same 8 channels tiny scales (right shifts above 21: the per-pixel loop)', { input: [5, 6, 8], outputChannels: 8, kernel: [3, 3], padding: 'same', activation: 'none', effectiveScale: [1e-8, 1e-7], biasAtRoundingTies: true, int4: true }],
  ];
  const fc: [string, Parameters<typeof fullyConnectedS8Int4>[2]][] = [
    ['256 -> 128 per-channel', { batches: 1, inputDepth: 256, outputDepth: 128, activation: 'none', perChannel: true }],
    ['37 -> 11 odd depth (rows mid-byte) batch 3 relu', { batches: 3, inputDepth: 37, outputDepth: 11, activation: 'relu' }],
    ['30 -> 5 (tail 6) per-channel two batches', { batches: 2, inputDepth: 30, outputDepth: 5, activation: 'none', perChannel: true }],
    ['6 -> 3 (depth < 8) no bias relu6', { batches: 1, inputDepth: 6, outputDepth: 3, activation: 'relu6', bias: false }],
    ['64 -> 1 (one row) input zero point -128', { batches: 1, inputDepth: 64, outputDepth: 1, activation: 'none', inputZeroPoint: -128 }],
    ['1 -> 4 (depth 1) input zero point 127', { batches: 2, inputDepth: 1, outputDepth: 4, activation: 'none', inputZeroPoint: 127 }],
  ];
  return [
    ...conv.map(([label, config]) => convS8(random, `conv2d_s8_int4 ${label}`, config, false, 'td_conv2d_s8_int4')),
    ...depthwise.map(([label, config]) => convS8(random, `depthwise_conv2d_s8_int4 ${label}`, config, true, 'td_depthwise_conv2d_s8_int4')),
    ...fc.map(([label, config]) => fullyConnectedS8Int4(random, `fully_connected_s8_int4 ${label}`, config)),
  ];
}

/**
 * The blocked float32 kernels (src/internal/td_f32_runs.h): td_conv2d_f32_packed and
 * td_fully_connected_f32_packed over the generator's packed weights (float-packed.ts: blocks of
 * eight channels, one of four, single channels), and the FPU
 * td_depthwise_conv2d_f32's blocks of eight and four channels and single leftovers. Channel counts
 * that leave every remainder, padding on every side (odd and even inputs, stride 2), dilation,
 * odd run lengths, every clamp, no bias, batches; compared exactly with the interpreter.
 */
function floatBlockCases(random: Random): CaseBuilder[] {
  const convPacked = (name: string, config: ConvConfig): CaseBuilder => {
    const batch = config.batch ?? 1;
    const [inH, inW, inC] = config.input;
    const [kH, kW] = config.kernel;
    const outC = config.outputChannels;
    const { outH, outW, sH, sW, dH, dW, padH, padW } = geometry(config);
    const filterShape = [outC, kH, kW, inC];
    const filter = random.float(count(filterShape), -0.5, 0.5);
    const bias = config.bias === false ? undefined : random.float(outC, -0.2, 0.2);
    const input = random.float(batch * inH * inW * inC, -1, 1);
    const outputShape = [batch, outH, outW, outC];
    const { outputs } = runOp(
      'CONV_2D',
      { padding: config.padding, strideH: sH, strideW: sW, dilationH: dH, dilationW: dW, activation: config.activation },
      [
        { dtype: 'float32', shape: [batch, inH, inW, inC] },
        { dtype: 'float32', shape: filterShape, data: filter },
        bias ? { dtype: 'float32', shape: [outC], data: bias } : null,
      ],
      [{ dtype: 'float32', shape: outputShape }],
      [input],
    );
    const c = new CaseBuilder(name);
    c.constant('float', 'input', input);
    c.constant('float', 'filter', packConvF32Weights(filter, outC, kH * kW * inC));
    if (bias) c.constant('float', 'bias', bias);
    c.declare(`const td_dims input_dims = ${cDims([batch, inH, inW, inC])};`);
    c.declare(`const td_dims filter_dims = ${cDims(filterShape)};`);
    c.declare(`const td_dims output_dims = ${cDims(outputShape)};`);
    c.declare(`const td_conv_params_f32 params = {.stride = {${sH}, ${sW}}, .padding = {${padH}, ${padW}}, .dilation = {${dH}, ${dW}}, .activation = ${cFloatRange(config.activation)}};`);
    const output = c.output('float', 'output', count(outputShape));
    c.invoke(`td_conv2d_f32_packed(&params, &input_dims, input, &filter_dims, filter, ${bias ? 'bias' : 'NULL'}, &output_dims, ${output})`);
    c.expect('float', output, outputs[0] as Float32Array);
    return c;
  };
  const fcPacked = (name: string, config: FcConfig): CaseBuilder => {
    const { batches, inputDepth, outputDepth } = config;
    const filter = random.float(outputDepth * inputDepth, -0.5, 0.5);
    const bias = config.bias === false ? undefined : random.float(outputDepth, -0.2, 0.2);
    const input = random.float(batches * inputDepth, -1, 1);
    const { outputs } = runOp(
      'FULLY_CONNECTED',
      { activation: config.activation, keepNumDims: false, asymmetricQuantizeInputs: false },
      [
        { dtype: 'float32', shape: [batches, inputDepth] },
        { dtype: 'float32', shape: [outputDepth, inputDepth], data: filter },
        bias ? { dtype: 'float32', shape: [outputDepth], data: bias } : null,
      ],
      [{ dtype: 'float32', shape: [batches, outputDepth] }],
      [input],
    );
    const c = new CaseBuilder(name);
    c.constant('float', 'input', input);
    c.constant('float', 'filter', packFullyConnectedF32Weights(filter, outputDepth, inputDepth));
    if (bias) c.constant('float', 'bias', bias);
    c.declare(`const td_activation_f32 activation = ${cFloatRange(config.activation)};`);
    const output = c.output('float', 'output', batches * outputDepth);
    c.invoke(`td_fully_connected_f32_packed(&activation, ${batches}, ${inputDepth}, ${outputDepth}, input, filter, ${bias ? 'bias' : 'NULL'}, ${output})`);
    c.expect('float', output, outputs[0] as Float32Array);
    return c;
  };
  const conv: [string, ConvConfig][] = [
    ['3x3 stride 1 same C_in 3 -> 9 relu', { input: [6, 5, 3], outputChannels: 9, kernel: [3, 3], padding: 'same', activation: 'relu' }],
    ['3x3 stride 2 same even input C_in 5 -> 6 relu6', { input: [8, 6, 5], outputChannels: 6, kernel: [3, 3], stride: [2, 2], padding: 'same', activation: 'relu6' }],
    ['3x3 stride 2 same odd input -> 8 no bias', { input: [7, 7, 4], outputChannels: 8, kernel: [3, 3], stride: [2, 2], padding: 'same', activation: 'none', bias: false }],
    ['3x3 dilation 2 same C_in 2 -> 7 relu_n1_to_1', { input: [7, 8, 2], outputChannels: 7, kernel: [3, 3], dilation: [2, 2], padding: 'same', activation: 'relu_n1_to_1' }],
    ['5x3 stride (2,1) dilation (1,2) same C_in 3 -> 5', { input: [9, 8, 3], outputChannels: 5, kernel: [5, 3], stride: [2, 1], dilation: [1, 2], padding: 'same', activation: 'none' }],
    ['1x1 pointwise 13 -> 12 relu', { input: [3, 4, 13], outputChannels: 12, kernel: [1, 1], padding: 'valid', activation: 'relu' }],
    ['3x3 stride 2 same C_in 6 -> 23 relu6 (two blocks of eight, one of four, three single)', { input: [7, 6, 6], outputChannels: 23, kernel: [3, 3], stride: [2, 2], padding: 'same', activation: 'relu6' }],
    ['3x3 dilation (2,2) same C_in 3 -> 16 no bias', { input: [6, 7, 3], outputChannels: 16, kernel: [3, 3], dilation: [2, 2], padding: 'same', activation: 'none', bias: false }],
    ['1x1 one input channel -> 4', { input: [3, 3, 1], outputChannels: 4, kernel: [1, 1], padding: 'valid', activation: 'none' }],
    ['10x4 stride 2 same C_in 1 -> 8 batch 2 relu', { batch: 2, input: [12, 10, 1], outputChannels: 8, kernel: [10, 4], stride: [2, 2], padding: 'same', activation: 'relu' }],
    ['3x3 valid -> 3 (no whole block)', { input: [5, 5, 3], outputChannels: 3, kernel: [3, 3], padding: 'valid', activation: 'relu' }],
    ['7x7 on 3x3 same (windows larger than the input)', { input: [3, 3, 2], outputChannels: 5, kernel: [7, 7], padding: 'same', activation: 'none' }],
  ];
  const fc: [string, FcConfig][] = [
    ['32 -> 12 relu', { batches: 1, inputDepth: 32, outputDepth: 12, activation: 'relu' }],
    ['odd sizes 13 -> 7 batch 3 no bias', { batches: 3, inputDepth: 13, outputDepth: 7, activation: 'none', bias: false }],
    ['1 -> 5 batch 2 relu6', { batches: 2, inputDepth: 1, outputDepth: 5, activation: 'relu6' }],
    ['250 -> 10 relu_n1_to_1', { batches: 1, inputDepth: 250, outputDepth: 10, activation: 'relu_n1_to_1' }],
    ['3 -> 3 (no whole block)', { batches: 1, inputDepth: 3, outputDepth: 3, activation: 'none' }],
    ['40 -> 21 batch 2 relu (two blocks of eight, one of four, one single)', { batches: 2, inputDepth: 40, outputDepth: 21, activation: 'relu' }],
    ['9 -> 16 no bias', { batches: 1, inputDepth: 9, outputDepth: 16, activation: 'none', bias: false }],
  ];
  const depthwise: [string, ConvConfig][] = [
    ['13 channels 3x3 stride 1 same relu (8 + 4 + 1)', { input: [6, 5, 13], outputChannels: 13, kernel: [3, 3], padding: 'same', activation: 'relu' }],
    ['20 channels 3x3 stride 2 same even input relu6', { input: [8, 8, 20], outputChannels: 20, kernel: [3, 3], stride: [2, 2], padding: 'same', activation: 'relu6' }],
    ['12 channels 3x3 stride 2 same odd input no bias', { input: [7, 9, 12], outputChannels: 12, kernel: [3, 3], stride: [2, 2], padding: 'same', activation: 'none', bias: false }],
    ['7 channels 3x3 dilation 2 same relu_n1_to_1 batch 2', { batch: 2, input: [7, 6, 7], outputChannels: 7, kernel: [3, 3], dilation: [2, 2], padding: 'same', activation: 'relu_n1_to_1' }],
    ['16 channels 5x5 valid', { input: [9, 7, 16], outputChannels: 16, kernel: [5, 5], padding: 'valid', activation: 'none' }],
    ['9 channels 5x3 stride (1,2) dilation (2,1) same', { input: [9, 9, 9], outputChannels: 9, kernel: [5, 3], stride: [1, 2], dilation: [2, 1], padding: 'same', activation: 'relu' }],
    ['8 channels 7x7 on 3x3 same', { input: [3, 3, 8], outputChannels: 8, kernel: [7, 7], padding: 'same', activation: 'none' }],
    ['3 channels multiplier 3 (the reference loop)', { input: [5, 5, 3], outputChannels: 9, kernel: [3, 3], padding: 'same', activation: 'relu' }],
  ];
  return [
    ...conv.map(([label, config]) => convPacked(`conv2d_f32_packed ${label}`, config)),
    ...fc.map(([label, config]) => fcPacked(`fully_connected_f32_packed ${label}`, config)),
    ...depthwise.map(([label, config]) => convF32(random, `depthwise_conv2d_f32 blocks ${label}`, config, true)),
  ];
}

// ---------------------------------------------------------------------------------------------
// PAD / PADV2 int16 and int32, SOFTMAX int8 -> int16, TRANSPOSE_CONV 16x8
// ---------------------------------------------------------------------------------------------

/** td_pad_s16 / td_pad_s32 on a PAD (no value: 0) or PADV2 (`padValue`) graph of rank 1 to 4. */
function padWide(random: Random, name: string, dtype: 'int16' | 'int32', shape: number[], paddings: [number, number][], padValue?: number, input?: Int16Array): CaseBuilder {
  const outputShape = shape.map((dim, d) => dim + paddings[d][0] + paddings[d][1]);
  const quantization: [number, number] | undefined = dtype === 'int16' ? [0.002, 0] : undefined;
  const values = input ?? (dtype === 'int16' ? random.int16(count(shape)) : random.int32(count(shape), -2147483648, 2147483647));
  const valueTensor = padValue === undefined ? [] : [{ dtype, shape: [], quantization, data: dtype === 'int16' ? Int16Array.of(padValue) : Int32Array.of(padValue) }];
  const { outputs } = runOp(
    padValue === undefined ? 'PAD' : 'PADV2',
    {},
    [{ dtype, shape, quantization }, { dtype: 'int32', shape: [shape.length, 2], data: Int32Array.from(paddings.flat()) }, ...valueTensor],
    [{ dtype, shape: outputShape, quantization }],
    [values],
  );
  const [type, suffix]: [CType, string] = dtype === 'int16' ? ['int16_t', 's16'] : ['int32_t', 's32'];
  const c = new CaseBuilder(name);
  c.constant(type, 'input', values);
  c.declare(`const td_dims input_dims = ${cDims(shape)};`);
  const padded4 = (side: 0 | 1) => `{${[...new Array<number>(4 - shape.length).fill(0), ...paddings.map((p) => p[side])].join(', ')}}`;
  c.declare(`const td_pad_params_${suffix} params = {.before = ${padded4(0)}, .after = ${padded4(1)}, .pad_value = ${cInt(padValue ?? 0)}};`);
  const output = c.output(type, 'output', count(outputShape));
  c.invoke(`td_pad_${suffix}(&params, &input_dims, input, ${output})`);
  c.expect(type, output, outputs[0] as Int16Array | Int32Array);
  return c;
}

/**
 * td_softmax_s8_s16: an int8 softmax with an int16 output (scale 1/65536, zero point -32768), the
 * exponentials evaluated or (`table`) looked up; `everyDifference` puts each int8 value once in
 * the first row, so it holds all 256 differences to its maximum.
 */
function softmaxS8S16(random: Random, name: string, rows: number, depth: number, beta: number, inputScale: number, table: boolean, everyDifference = false): CaseBuilder {
  const input = random.int8(rows * depth);
  if (everyDifference) for (let i = 0; i < 256; i++) input[(i * 97) % 256] = i - 128;
  const { outputs } = runOp(
    'SOFTMAX',
    { beta },
    [{ dtype: 'int8', shape: [rows, depth], quantization: [inputScale, random.int(-20, 20)] }],
    [{ dtype: 'int16', shape: [rows, depth], quantization: [1 / 65536, -32768] }],
    [input],
  );
  const p = quantizedSoftmaxParams(beta, inputScale);
  const c = new CaseBuilder(name);
  c.constant('int8_t', 'input', input);
  const expTable = table ? c.constant('int32_t', 'exp_table', softmaxExpTable(p)) : 'NULL';
  c.declare(`const td_softmax_params_s8 params = {.input_beta_multiplier = ${cInt(p.inputMultiplier)}, .input_beta_left_shift = ${p.inputLeftShift}, .diff_min = ${p.diffMin}, .exp_table = ${expTable}};`);
  const output = c.output('int16_t', 'output', rows * depth);
  c.invoke(`td_softmax_s8_s16(&params, ${rows}, ${depth}, input, ${output})`);
  c.expect('int16_t', output, outputs[0] as Int16Array);
  return c;
}

interface TransposeConvS16Config {
  input: [number, number, number, number];
  output: [number, number, number, number];
  kernel: [number, number];
  stride: [number, number];
  padding: 'same' | 'valid';
  activation: Activation;
  inputScale: number;
  outputScale: number;
  /** One scale (per tensor) or one per output channel. */
  weightScales: number[];
  bias: 'int64' | 'int16' | 'none';
  /** Bias values are drawn from ±biasRange. */
  biasRange?: number;
  /** Input values (default: the whole int16 range, random). */
  inputValues?: (n: number) => Int16Array;
}

/** td_transpose_conv_s16 on a TRANSPOSE_CONV graph: int16 activations, int8 weights, int64 (or int16) bias. */
function transposeConvS16(random: Random, name: string, config: TransposeConvS16Config): CaseBuilder {
  const [n, h, w, cin] = config.input;
  const cout = config.output[3];
  const [kh, kw] = config.kernel;
  const filterShape = [cout, kh, kw, cin];
  const filter = random.int8(count(filterShape), -127, 127);
  const x = config.inputValues ? config.inputValues(n * h * w * cin) : random.int16(n * h * w * cin);
  const range = config.biasRange ?? 1 << 20;
  const biasValues = Array.from({ length: cout }, () => Math.floor((random.next() * 2 - 1) * range));
  const bias =
    config.bias === 'none'
      ? []
      : [{ dtype: config.bias, shape: [cout], data: config.bias === 'int64' ? BigInt64Array.from(biasValues, (v) => BigInt(v)) : Int16Array.from(biasValues) }];
  const attrs = { padding: config.padding, strideH: config.stride[0], strideW: config.stride[1], activation: config.activation };
  const inputs: TensorSpec[] = [
    { dtype: 'int32', shape: [4], data: Int32Array.from(config.output) },
    { dtype: 'int8', shape: filterShape, data: filter, quantization: { scale: config.weightScales.map(Math.fround), zeroPoint: config.weightScales.map(() => 0), axis: 0 } },
    { dtype: 'int16', shape: config.input, quantization: [Math.fround(config.inputScale), 0] },
    ...bias,
  ];
  const { outputs, graph } = runOp('TRANSPOSE_CONV', attrs, inputs, [{ dtype: 'int16', shape: config.output, quantization: [Math.fround(config.outputScale), 0] }], [x]);
  const plan = findOp('TRANSPOSE_CONV')!.prepare(opContext(graph, graph.ops[0], 0, Error)) as TransposeConvPlan;
  if (plan.arithmetic.flavour !== 'int16') throw new Error(`${name}: expected a 16x8 plan`);
  const { requant, activation } = plan.arithmetic;
  const c = new CaseBuilder(name);
  c.constant('int16_t', 'input', x);
  c.constant('int8_t', 'filter', filter);
  if (config.bias !== 'none') c.declare(`static const int64_t bias[${cout}] = {${biasValues.map((v) => `${v}LL`).join(', ')}};`);
  c.constant('int32_t', 'multipliers', requant.multipliers);
  c.constant('int8_t', 'shifts', requant.shifts);
  c.declare('const td_per_channel_quant quant = {multipliers, shifts};');
  c.declare(`const td_conv_params params = {0, 0, {${plan.strideHeight}, ${plan.strideWidth}}, {${plan.padTop}, ${plan.padLeft}}, {1, 1}, {${activation.min}, ${activation.max}}};`);
  const output = c.output('int16_t', 'output', count(config.output));
  const ctx = c.context(`td_transpose_conv_s16_get_buffer_size(${dims(config.output)})`);
  c.invoke(`td_transpose_conv_s16(${ctx}, &params, &quant, ${dims(config.input)}, input, ${dims(filterShape)}, filter, ${config.bias === 'none' ? 'NULL' : 'bias'}, ${dims(config.output)}, ${output})`);
  c.expect('int16_t', output, outputs[0] as Int16Array);
  return c;
}

function widePadSoftmaxTransposeConvCases(random: Random): CaseBuilder[] {
  const int16Edges = (length: number) => Int16Array.from({ length }, (_, i) => [-32768, 32767, 0, -1, 1][i % 5]);
  const everyChannel = (channels: number, scale: number) => Array.from({ length: channels }, (_, i) => scale * (0.6 + 0.15 * i));
  return [
    padWide(random, 'pad_s16 every side of N H W C', 'int16', [2, 3, 4, 3], [[1, 1], [2, 1], [1, 3], [2, 1]]),
    padWide(random, 'pad_s16 padv2 value -32768, rank 3', 'int16', [3, 5, 2], [[0, 2], [1, 0], [3, 3]], -32768),
    padWide(random, 'pad_s16 padv2 value 32767, H W only', 'int16', [1, 4, 5, 7], [[0, 0], [1, 2], [2, 1], [0, 0]], 32767, int16Edges(140)),
    padWide(random, 'pad_s32 every side of N H W C', 'int32', [2, 2, 3, 5], [[1, 0], [0, 2], [2, 2], [1, 3]]),
    padWide(random, 'pad_s32 padv2 value INT32_MIN, rank 2', 'int32', [4, 3], [[2, 1], [0, 4]], -2147483648),
    padWide(random, 'pad_s32 padv2 value 123456789, rank 1', 'int32', [7], [[3, 5]], 123456789),
    softmaxS8S16(random, 'softmax_s8_s16 3x10 beta 1', 3, 10, 1, 0.1, false),
    softmaxS8S16(random, 'softmax_s8_s16 2x12 wide scale (diff_min)', 2, 12, 1, 0.3, false),
    softmaxS8S16(random, 'softmax_s8_s16 4x5 beta 0.5 fine scale', 4, 5, 0.5, 0.02, false),
    softmaxS8S16(random, 'softmax_s8_s16 table 3x10 beta 1', 3, 10, 1, 0.1, true),
    softmaxS8S16(random, 'softmax_s8_s16 table 1x1000 every difference', 1, 1000, 1, 0.06, true, true),
    softmaxS8S16(random, 'softmax_s8_s16 table 2x300 every difference wide scale (diff_min)', 2, 300, 1, 0.3, true, true),
    softmaxS8S16(random, 'softmax_s8_s16 table 1x256 every difference beta 0.5 fine scale', 1, 256, 0.5, 0.02, true, true),
    softmaxS8S16(random, 'softmax_s8_s16 1x1 (one value: 32767)', 1, 1, 1, 0.1, false),
    transposeConvS16(random, 'transpose_conv_s16 same stride 2 relu, odd channels, two batches', {
      input: [2, 3, 4, 3], output: [2, 6, 8, 5], kernel: [3, 3], stride: [2, 2], padding: 'same', activation: 'relu',
      inputScale: 0.0005, outputScale: 0.004, weightScales: everyChannel(5, 0.01), bias: 'int64',
    }),
    transposeConvS16(random, 'transpose_conv_s16 valid stride 1x2 no bias, int16 edges, output saturating', {
      input: [1, 3, 3, 4], output: [1, 4, 7, 2], kernel: [2, 3], stride: [1, 2], padding: 'valid', activation: 'none',
      inputScale: 0.002, outputScale: 0.0001, weightScales: [0.02], bias: 'none', inputValues: int16Edges,
    }),
    transposeConvS16(random, 'transpose_conv_s16 same stride 3x1 int16 bias relu6 per tensor', {
      input: [1, 2, 5, 2], output: [1, 6, 5, 3], kernel: [4, 2], stride: [3, 1], padding: 'same', activation: 'relu6',
      inputScale: 0.001, outputScale: 0.0003, weightScales: [0.015], bias: 'int16', biasRange: 30000,
    }),
    transposeConvS16(random, 'transpose_conv_s16 left-shift multipliers, bias beyond int32', {
      input: [1, 2, 2, 6], output: [1, 4, 4, 3], kernel: [3, 3], stride: [2, 2], padding: 'same', activation: 'none',
      inputScale: 0.01, outputScale: 0.00002, weightScales: [0.3, 0.05, 0.2], bias: 'int64', biasRange: 2 ** 36,
      inputValues: (length) => Int16Array.from({ length }, (_, i) => (i % 3) - 1),
    }),
    transposeConvS16(random, 'transpose_conv_s16 tiny multipliers, 1x1 kernel stride 2', {
      input: [1, 3, 3, 7], output: [1, 5, 5, 4], kernel: [1, 1], stride: [2, 2], padding: 'valid', activation: 'none',
      inputScale: 0.00001, outputScale: 0.5, weightScales: everyChannel(4, 0.004), bias: 'int64', biasRange: 2 ** 30,
    }),
  ];
}
