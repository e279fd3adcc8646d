/**
 * ONNX graph → TinyDeploy IR (TFLite-named ops, NHWC activations).
 *
 * Layout. ONNX convolution graphs are NCHW; TinyDeploy's kernels are NHWC. Every ONNX value is an
 * IR tensor plus a permutation `perm` (IR dimension i holds ONNX dimension perm[i]). Convolutions
 * and pools want their input as perm [0,2,3,1] and produce that; elementwise ops, activations,
 * concatenation, pads, means and softmax run in whatever layout their input has (axes and
 * constants are permuted instead of the data); an ONNX Transpose only changes the label, so
 * PyTorch's transposes around an LSTM and the NCHW↔NHWC pairs cancel without an op. Data moves
 * only where a layout is really needed and differs: when only dimensions of size 1 move, a
 * RESHAPE (same bytes); otherwise a TRANSPOSE. A Flatten/Reshape of an NHWC map to
 * [N, C·H·W] feeding a Gemm/MatMul permutes the weight columns instead of the data. So the
 * supported ops leave no TRANSPOSE inside the graph; the model's inputs and outputs keep the
 * ONNX layout (a TRANSPOSE at the boundary when more than unit dimensions move) unless the
 * caller asks for NHWC inputs.
 *
 * Batch-norm is folded into the convolution before it (or becomes MUL and ADD); Pad with zeros
 * before a convolution becomes its SAME padding when it is exactly that; Relu/Clip become the
 * fused activation of the op before them; an Add of a constant after a Gemm/MatMul/Conv becomes
 * its bias. Shapes are inferred node by node (exporters rarely store them); shape arithmetic on
 * constants is evaluated (constants.ts).
 */
import { ImportError } from '../../errors.js';
import type { Activation, DType, Op, Tensor, TensorData } from '../../ir/types.js';
import { dtypeBytes, elementCount, formatShape } from '../../ir/tensor.js';
import { findOp } from '../../ops/index.js';
import { printableName } from '../../printable.js';
import {
  type Constant,
  binaryConstant,
  broadcastShape,
  broadcastTo,
  castConstant,
  concatConstants,
  constant,
  gatherConstant,
  isFloat,
  scalarValue,
  sliceConstant,
  transposeConstant,
  transposeData,
} from './constants.js';
import { type OnnxAttribute, type OnnxNode, attributeMap, text } from './proto.js';

/** An activation: an IR tensor in some layout. */
export interface Value {
  kind: 'value';
  tensor: number;
  /** ONNX shape. */
  shape: number[];
  /** IR dimension i is ONNX dimension perm[i]. */
  perm: number[];
  /** After a Flatten of a permuted map: IR column j of the last dimension is ONNX column columns[j]. */
  columns?: Int32Array;
  /** A zero Pad not yet emitted (a convolution may absorb it as SAME padding). */
  pendingPad?: { source: Value; pads: number[] };
  /**
   * source · scale + shift not yet emitted (constants in ONNX shape, broadcasting to `shape`): a
   * chain of Mul/Add/Sub/Div by constants (batch-norm, input normalisation) becomes one MUL and
   * one ADD.
   */
  pendingAffine?: { source: Value; scale?: Constant; shift?: Constant };
}

export type Entry = Value | Constant;

const NHWC = [0, 2, 3, 1];

/** Ops of each ONNX type the converter handles (opset ≥ 11). */
export const supportedOnnxOps = new Set([
  'Conv', 'Gemm', 'MatMul', 'Add', 'Sub', 'Mul', 'Div', 'Relu', 'Clip', 'LeakyRelu', 'Sigmoid', 'Tanh', 'HardSwish',
  'MaxPool', 'AveragePool', 'GlobalAveragePool', 'BatchNormalization', 'Flatten', 'Reshape', 'Squeeze', 'Unsqueeze',
  'Transpose', 'Concat', 'Slice', 'Pad', 'Softmax', 'ReduceMean', 'LSTM', 'Constant', 'ConstantOfShape', 'Shape',
  'Gather', 'Cast', 'Identity', 'Dropout', 'DequantizeLinear', 'GRU', 'QuantizeLinear', 'QLinearConv', 'QLinearMatMul', 'RNN',
]);

/** An activation's int8 encoding as a QDQ model gives it (uint8 ones shifted to int8: same scale, zero point − 128). */
export interface GivenEncoding {
  scale: number;
  zeroPoint: number;
  /** The type the model stores the data in (a Cast to it is no change). */
  type?: 'int8' | 'uint8';
}

/** Why a node cannot be converted whatever its inputs, or undefined (checked for all nodes before converting). */
export function unsupportedReason(node: OnnxNode): string | undefined {
  const domain = node.domain ?? '';
  const type = node.op_type ?? '';
  if (domain !== '' && domain !== 'ai.onnx') return `operator domain "${domain}" is not supported (only the default ONNX domain)`;
  if (type === 'GRU' && !findOp('TD_GRU')) return 'GRU needs TinyDeploy\'s TD_GRU op, which this version does not have';
  if (!supportedOnnxOps.has(type)) return `${type} is not supported`;
  return undefined;
}

export interface ConvertOptions {
  opset: number;
  /** 'nchw' keeps the ONNX input layout (default); 'nhwc' makes inputs of rank ≥ 3 channels-last. */
  inputLayout: 'nchw' | 'nhwc';
  /** Largest tensor, in bytes, the model may make the importer create (ImportOptions.maxTensorBytes). */
  maxTensorBytes: number;
}

export class OnnxConverter {
  readonly tensors: Tensor[] = [];
  readonly ops: Op[] = [];
  readonly entries = new Map<string, Entry>();
  /** Op index producing each IR tensor. */
  private readonly producer = new Map<number, number>();
  /** Readers of each ONNX value name (nodes and graph outputs). */
  private readonly readers = new Map<string, number>();
  private readonly graphOutputs = new Set<string>();
  /**
   * QDQ models: the int8 encoding of each IR tensor a QuantizeLinear (or a QLinear op's output
   * scale) gives; the imported float graph is quantized with exactly these (qdq.ts).
   */
  readonly encodings = new Map<number, GivenEncoding>();
  /** Whether a convolution's quantized weights have one scale per output channel (QDQ models). */
  perChannelWeights = false;
  /** The scales of symmetric (zero point 0) int8/uint8 weights the model dequantizes (QDQ models keep them exactly). */
  readonly weightScales: number[][] = [];
  private node: OnnxNode = {};
  private nodeIndex = -1;
  readonly notes: string[] = [];

  constructor(
    private readonly nodes: OnnxNode[],
    outputs: string[],
    private readonly options: ConvertOptions,
  ) {
    for (const node of nodes) for (const name of node.input ?? []) if (name) this.readers.set(name, (this.readers.get(name) ?? 0) + 1);
    for (const name of outputs) {
      this.readers.set(name, (this.readers.get(name) ?? 0) + 1);
      this.graphOutputs.add(name);
    }
  }

  // ---------------------------------------------------------------- errors and attributes

  fail(message: string, data: Record<string, unknown> = {}): never {
    if (this.nodeIndex < 0) throw new ImportError(`onnx: ${message}`, data);
    throw new ImportError(`onnx: ${this.nodeLabel()}: ${message}`, {
      node: this.nodeIndex,
      nodeName: this.node.name ?? '',
      opType: this.node.op_type,
      opset: this.options.opset,
      ...data,
    });
  }

  nodeLabel(node = this.node, index = this.nodeIndex): string {
    const name = node.name ? ` ${printableName(node.name)}` : '';
    return `node ${index}${name} (${node.op_type}, opset ${this.options.opset})`;
  }

  private attrs = new Map<string, OnnxAttribute>();

  private int(name: string, fallback: number): number {
    const attribute = this.attrs.get(name);
    return attribute?.i ?? fallback;
  }

  private float(name: string, fallback: number): number {
    return this.attrs.get(name)?.f ?? fallback;
  }

  private ints(name: string): number[] | undefined {
    const attribute = this.attrs.get(name);
    return attribute ? (attribute.ints ?? []) : undefined;
  }

  private string(name: string, fallback: string): string {
    return text(this.attrs.get(name)?.s) ?? fallback;
  }

  // ---------------------------------------------------------------- IR building

  addTensor(name: string, shape: number[], dtype: DType, data?: TensorData): number {
    this.checkSize(shape, dtypeBytes(dtype), `tensor ${printableName(name)}`);
    const id = this.tensors.length;
    const tensor: Tensor = { id, name, shape: [...shape], dtype };
    if (data) tensor.data = data;
    this.tensors.push(tensor);
    return id;
  }

  /**
   * Refuses a shape larger than the tensor limit before anything of that size is allocated: a few
   * bytes of model (a ConstantOfShape, a Pad, a dynamic-looking input) can ask for gigabytes.
   */
  checkSize(shape: readonly number[], elementBytes: number, what: string): void {
    const count = shape.reduce((a, b) => a * b, 1);
    const bytes = count * elementBytes;
    if (!(bytes <= this.options.maxTensorBytes) || shape.some((dim) => !Number.isInteger(dim) || dim < 0)) {
      this.fail(`${what} would have shape ${formatShape(shape)} = ${bytes} bytes, more than the limit of ${this.options.maxTensorBytes} bytes per tensor`, {
        shape: [...shape],
        limit: this.options.maxTensorBytes,
      });
    }
  }

  /** An IR constant from constant values (float32, or int32/int64 for shape-like inputs). */
  constTensor(name: string, c: Constant, dtype: DType = c.dtype): number {
    return this.addTensor(name, c.shape, dtype, irData(dtype, c.data));
  }

  addOp(type: string, inputs: number[], outputs: number[], attrs: object): number {
    const index = this.ops.length;
    this.ops.push({ type, inputs, outputs, attrs } as Op);
    for (const output of outputs) this.producer.set(output, index);
    return index;
  }

  private requireOp(type: string, why: string): void {
    if (!findOp(type)) this.fail(`${why} needs TinyDeploy's ${type} op, which this version does not have`);
  }

  private outputName(index = 0): string {
    return this.node.output?.[index] || `${this.node.name || this.node.op_type}:${index}`;
  }

  /** A new activation for ONNX output `index` of the node. */
  private newValue(shape: number[], perm: number[], index = 0, dtype: DType = 'float32'): Value {
    const irShape = perm.map((p) => shape[p]);
    const tensor = this.addTensor(this.outputName(index), irShape, dtype);
    return { kind: 'value', tensor, shape: [...shape], perm: [...perm] };
  }

  private define(entry: Entry, index = 0): void {
    const name = this.node.output?.[index];
    if (name) this.entries.set(name, entry);
  }

  // ---------------------------------------------------------------- inputs of a node

  private input(index: number): Entry | undefined {
    const name = this.node.input?.[index];
    if (!name) return undefined;
    if (this.failed.has(name)) throw new DependsOnFailure();
    const entry = this.entries.get(name);
    if (!entry) this.fail(`input ${index} ${printableName(name)} is neither a graph input, an initializer nor the output of an earlier node`);
    return entry;
  }

  private value(index: number, role = `input ${index}`): Value {
    const entry = this.input(index);
    if (!entry) this.fail(`${role} is missing`);
    if (entry.kind === 'value') return entry;
    // A constant where an activation is expected: it becomes an IR constant in ONNX layout.
    const tensor = this.constTensor(this.node.input![index], entry);
    return { kind: 'value', tensor, shape: [...entry.shape], perm: entry.shape.map((_, i) => i) };
  }

  private const(index: number, role: string): Constant {
    const entry = this.input(index);
    if (!entry) this.fail(`${role} (input ${index}) is missing`);
    if (entry.kind === 'value') this.fail(`${role} (input ${index}, ${printableName(this.node.input![index])}) must be a constant (an initializer or computable from constants), it is computed by the graph`);
    return entry;
  }

  private optionalConst(index: number, role: string): Constant | undefined {
    return this.node.input?.[index] ? this.const(index, role) : undefined;
  }

  private isConst(index: number): boolean {
    const entry = this.input(index);
    return entry !== undefined && entry.kind !== 'value';
  }

  /** Only one reader and not a graph output: the producer may be changed in place. */
  private soleReader(name: string | undefined): boolean {
    return name !== undefined && this.readers.get(name) === 1 && !this.graphOutputs.has(name);
  }

  // ---------------------------------------------------------------- layouts

  /** The value with its data in layout `perm` (a RESHAPE or TRANSPOSE when it differs). */
  inLayout(value: Value, perm: readonly number[]): Value {
    value = this.settle(value);
    if (value.columns) value = this.unflatten(value);
    if (sameList(value.perm, perm)) return value;
    const key = `${value.tensor}:${perm.join(',')}`;
    const cached = this.layouts.get(key);
    if (cached) return cached;
    const moved = this.moveLayout(value, perm);
    this.layouts.set(key, moved);
    return moved;
  }

  /** Copies of values in other layouts, by "tensor:perm", so that two readers share one. */
  private readonly layouts = new Map<string, Value>();

  private moveLayout(value: Value, perm: readonly number[]): Value {
    const irShape = perm.map((p) => value.shape[p]);
    const name = `${this.tensors[value.tensor].name}:${perm.join('')}`;
    if (sameList(unitFree(value.perm, value.shape), unitFree(perm, value.shape))) {
      const tensor = this.addTensor(name, irShape, this.tensors[value.tensor].dtype);
      this.reshape(value.tensor, tensor);
      return { kind: 'value', tensor, shape: value.shape, perm: [...perm] };
    }
    this.requireOp('TRANSPOSE', `moving ${formatShape(value.shape)} from layout [${value.perm.join(',')}] to [${perm.join(',')}]`);
    // IR target dim i = ONNX dim perm[i] = current IR dim value.perm.indexOf(perm[i]).
    const irPerm = perm.map((p) => value.perm.indexOf(p));
    const tensor = this.addTensor(name, irShape, this.tensors[value.tensor].dtype);
    const permTensor = this.addTensor(`${name}/perm`, [irPerm.length], 'int32', Int32Array.from(irPerm));
    this.addOp('TRANSPOSE', [value.tensor, permTensor], [tensor], {});
    return { kind: 'value', tensor, shape: value.shape, perm: [...perm] };
  }

  identity(value: Value): Value {
    return this.inLayout(value, value.shape.map((_, i) => i));
  }

  reshape(from: number, to: number): void {
    const shape = this.tensors[to].shape;
    const shapeTensor = this.addTensor(`${this.tensors[to].name}/shape`, [shape.length], 'int32', Int32Array.from(shape));
    this.addOp('RESHAPE', [from, shapeTensor], [to], { newShape: [...shape] });
  }

  /** Emits a pending Pad. */
  private settle(value: Value): Value {
    if (value.pendingAffine) return this.settleAffine(value);
    if (!value.pendingPad) return value;
    const { source, pads } = value.pendingPad;
    const rank = source.shape.length;
    const data = new Int32Array(rank * 2);
    for (let i = 0; i < rank; i++) {
      const onnxAxis = source.perm[i];
      data[2 * i] = pads[onnxAxis];
      data[2 * i + 1] = pads[onnxAxis + rank];
    }
    const paddings = this.addTensor(`${this.tensors[value.tensor].name}/paddings`, [rank, 2], 'int32', data);
    this.addOp('PAD', [source.tensor, paddings], [value.tensor], {});
    const settled: Value = { ...value };
    delete settled.pendingPad;
    value.pendingPad = undefined; // the op exists now: later readers use the tensor
    return settled;
  }

  /** Emits a pending source · scale + shift as MUL then ADD, the last writing the value's tensor. */
  private settleAffine(value: Value): Value {
    const { source, scale, shift } = value.pendingAffine!;
    value.pendingAffine = undefined;
    const settled: Value = { ...value };
    delete settled.pendingAffine;
    const name = this.tensors[value.tensor].name;
    let current = source;
    const steps = [
      ['MUL', scale ?? (shift ? undefined : constant('float32', [], [1]))],
      ['ADD', shift],
    ] as const;
    const last = shift ? 1 : 0;
    steps.forEach(([type, k], i) => {
      if (!k) return;
      const padded: Constant = { ...k, shape: [...new Array<number>(current.shape.length - k.shape.length).fill(1), ...k.shape] };
      const permuted = transposeConstant(padded, current.perm);
      let irShape = permuted.shape;
      while (irShape.length > 1 && irShape[0] === 1) irShape = irShape.slice(1);
      const constTensor = this.addTensor(`${name}/${type === 'MUL' ? 'scale' : 'shift'}`, irShape, 'float32', Float32Array.from(permuted.data));
      const out = i === last ? value.tensor : this.addTensor(`${name}/scaled`, this.tensors[value.tensor].shape, 'float32');
      this.addOp(type, [current.tensor, constTensor], [out], { activation: 'none' });
      current = { ...settled, tensor: out };
    });
    return settled;
  }

  /** A flattened permuted map put back into ONNX column order. */
  private unflatten(value: Value): Value {
    this.fail(
      `${formatShape(value.shape)} was flattened from an NHWC map in NCHW order; only a Gemm or MatMul with constant weights can read it without moving data (TinyDeploy permutes their weights instead)`,
    );
  }

  // ---------------------------------------------------------------- conversion

  /** Outputs of nodes that could not be converted (and of the nodes reading them). */
  private readonly failed = new Set<string>();

  /**
   * Converts every node; a node that fails does not stop the others, so that all the model's
   * problems are reported together. Nodes reading a failed node's output are skipped silently
   * (their own error would only repeat it). One failure is thrown as it is; several as one list.
   */
  convertAll(): void {
    const errors: ImportError[] = [];
    for (const [index, node] of this.nodes.entries()) {
      try {
        this.convert(node, index);
      } catch (error) {
        if (!(error instanceof ImportError) && !(error instanceof DependsOnFailure)) throw error;
        if (error instanceof ImportError) errors.push(error);
        for (const name of node.output ?? []) if (name) this.failed.add(name);
      }
    }
    this.nodeIndex = -1;
    if (errors.length === 1) throw errors[0];
    if (errors.length > 1) {
      const list = errors.map((error) => error.message.replace(/^onnx: /, '')).join('; ');
      this.fail(`${errors.length} nodes cannot be imported: ${list}`, { nodes: errors.map((error) => error.data) });
    }
  }

  convert(node: OnnxNode, index: number): void {
    this.node = node;
    this.nodeIndex = index;
    this.attrs = attributeMap(node);
    const type = node.op_type!;
    const reason = unsupportedReason(node);
    if (reason) this.fail(reason);
    // A node whose inputs are all constants is evaluated now (shape arithmetic).
    const inputs = (node.input ?? []).map((name, i) => (name ? i : -1)).filter((i) => i >= 0);
    if (type !== 'LSTM' && type !== 'GRU' && type !== 'RNN' && inputs.length > 0 && inputs.every((i) => this.isConst(i)) && this.foldConstant(type)) return;
    switch (type) {
      case 'Gather':
        if (this.input(0)!.kind === 'value' && this.isConst(1)) return this.gather();
        return this.foldConstantOrFail(type);
      case 'QuantizeLinear':
        return this.quantizeLinear();
      case 'DequantizeLinear':
        return this.dequantizeLinear();
      case 'QLinearConv':
        return this.qlinear('Conv');
      case 'QLinearMatMul':
        return this.qlinear('MatMul');
      case 'Cast':
        if (this.input(0)?.kind === 'value') return this.castQuantized();
        return this.foldConstantOrFail(type);
      case 'Constant':
      case 'ConstantOfShape':
      case 'Shape':
        return this.foldConstantOrFail(type);
      case 'Identity':
      case 'Dropout':
        return this.define(this.input(0)!);
      case 'Conv':
        return this.conv();
      case 'Gemm':
        return this.gemm();
      case 'MatMul':
        return this.matmul();
      case 'Add':
      case 'Sub':
      case 'Mul':
      case 'Div':
        return this.binary(type);
      case 'Relu':
      case 'Clip':
      case 'Sigmoid':
      case 'Tanh':
      case 'LeakyRelu':
      case 'HardSwish':
        return this.unary(type);
      case 'MaxPool':
      case 'AveragePool':
        return this.pool(type);
      case 'GlobalAveragePool':
        return this.globalAveragePool();
      case 'BatchNormalization':
        return this.batchNorm();
      case 'Flatten':
        return this.flatten();
      case 'Reshape':
        return this.reshapeNode();
      case 'Squeeze':
      case 'Unsqueeze':
        return this.squeeze(type === 'Unsqueeze');
      case 'Transpose':
        return this.transpose();
      case 'Concat':
        return this.concat();
      case 'Slice':
        return this.slice();
      case 'Pad':
        return this.pad();
      case 'Softmax':
        return this.softmax();
      case 'ReduceMean':
        return this.reduceMean();
      case 'LSTM':
        return this.lstm();
      case 'GRU':
        return this.gru();
      case 'RNN':
        return this.rnn();
      default:
        this.fail(`${type} is not supported`);
    }
  }

  private foldConstantOrFail(type: string): void {
    if (!this.foldConstant(type)) this.fail(`${type} of a computed value is not supported (only of constants or shapes)`);
  }

  /** Evaluates the node when its result is constant; false when it is not. */
  private foldConstant(type: string): boolean {
    try {
      return this.evaluateConstant(type);
    } catch (error) {
      if (error instanceof RangeError) this.fail(`cannot evaluate on its constant inputs: ${error.message}`);
      throw error;
    }
  }

  private evaluateConstant(type: string): boolean {
    const node = this.node;
    const c = (i: number) => this.input(i) as Constant;
    const int64 = (values: number[]) => constant('int64', [values.length], values);
    let result: Constant | undefined;
    switch (type) {
      case 'Constant': {
        const value = this.attrs.get('value')?.t;
        if (value) result = this.decodeTensor(value, 'Constant value');
        else if (this.attrs.has('value_float')) result = constant('float32', [], [this.float('value_float', 0)]);
        else if (this.attrs.has('value_int')) result = constant('int64', [], [this.int('value_int', 0)]);
        else if (this.attrs.has('value_floats')) result = constant('float32', [this.attrs.get('value_floats')!.floats!.length], this.attrs.get('value_floats')!.floats!);
        else if (this.attrs.has('value_ints')) result = int64(this.ints('value_ints')!);
        else this.fail('Constant without a value, value_float(s) or value_int(s) attribute is not supported');
        break;
      }
      case 'ConstantOfShape': {
        const shape = Array.from(c(0).data);
        this.checkSize(shape, 8, 'the ConstantOfShape result');
        const value = this.attrs.get('value')?.t;
        const fill = value ? this.decodeTensor(value, 'ConstantOfShape value') : constant('float32', [1], [0]);
        result = constant(fill.dtype, shape, new Array<number>(elementCount(shape)).fill(fill.data[0] ?? 0));
        break;
      }
      case 'Shape': {
        const entry = this.input(0)!;
        let shape = entry.shape;
        const start = this.int('start', 0);
        const end = this.attrs.has('end') ? this.int('end', shape.length) : shape.length;
        shape = shape.slice(start < 0 ? start + shape.length : start, end < 0 ? end + shape.length : end);
        result = int64(shape);
        break;
      }
      case 'Cast': {
        if (this.input(0)!.kind === 'value') return false;
        const to = this.int('to', 1);
        const dtype = onnxDType(to);
        if (!dtype) this.fail(`Cast to ONNX type ${to} is not supported`);
        result = castConstant(c(0), dtype);
        break;
      }
      case 'Gather': {
        if (this.input(0)!.kind === 'value' || this.input(1)!.kind === 'value') return false;
        const axis = this.int('axis', 0);
        result = gatherConstant(c(0), c(1), this.axisOf(axis, c(0).shape.length));
        break;
      }
      case 'Unsqueeze':
      case 'Squeeze': {
        let axes = this.axes(1, c(0).shape.length + (type === 'Unsqueeze' ? this.addedAxes() : 0));
        if (type === 'Squeeze' && axes.length === 0) axes = c(0).shape.flatMap((dim, i) => (dim === 1 ? [i] : []));
        result = { ...c(0), shape: type === 'Unsqueeze' ? unsqueezeShape(c(0).shape, axes) : squeezeShape(c(0).shape, axes) };
        break;
      }
      case 'Concat': {
        const parts = (node.input ?? []).map((_, i) => c(i)).filter((part) => elementCount(part.shape) > 0 || part.shape.length > 0);
        const axis = this.int('axis', 0);
        result = concatConstants(parts, this.axisOf(axis, parts[0].shape.length));
        break;
      }
      case 'Reshape':
        result = { ...c(0), shape: reshapeTarget(this, c(0).shape, Array.from(c(1).data)) };
        break;
      case 'Flatten': {
        const axis = this.int('axis', 1);
        const shape = c(0).shape;
        const a = axis === shape.length ? axis : this.axisOf(axis, shape.length);
        result = { ...c(0), shape: [elementCount(shape.slice(0, a)), elementCount(shape.slice(a))] };
        break;
      }
      case 'Transpose': {
        result = transposeConstant(c(0), this.permutation(c(0).shape.length));
        break;
      }
      case 'Slice': {
        const data = c(0);
        const starts = Array.from(c(1).data);
        const ends = Array.from(c(2).data);
        const axes = this.node.input?.[3] ? this.axes(3, data.shape.length) : starts.map((_, i) => i);
        const steps = this.node.input?.[4] ? Array.from(c(4).data) : starts.map(() => 1);
        if (starts.length !== ends.length || starts.length !== axes.length || starts.length !== steps.length || steps.includes(0)) {
          this.fail(`starts, ends, axes and steps do not describe a slice of ${formatShape(data.shape)}`);
        }
        result = sliceConstant(data, starts, ends, axes, steps);
        break;
      }
      case 'Add':
      case 'Sub':
      case 'Mul':
      case 'Div': {
        const ops: Record<string, (x: number, y: number) => number> = {
          Add: (x, y) => x + y,
          Sub: (x, y) => x - y,
          Mul: (x, y) => x * y,
          Div: (x, y) => x / y,
        };
        const shape = broadcastShape(c(0).shape, c(1).shape);
        if (shape) this.checkSize(shape, 8, `the ${type} of two constants`);
        result = binaryConstant(c(0), c(1), ops[type]);
        if (!result) this.fail(`constant inputs of shapes ${formatShape(c(0).shape)} and ${formatShape(c(1).shape)} do not broadcast`);
        break;
      }
      case 'Identity':
      case 'Dropout':
        result = c(0);
        break;
      case 'DequantizeLinear': {
        // Weight-only quantized models: (x - zero point) · scale, per tensor or per channel along `axis`.
        if (this.int('block_size', 0)) this.fail('blocked quantization (block_size) is not supported');
        const x = c(0);
        const scale = c(1);
        const zeroPoint = this.node.input?.[2] ? c(2) : undefined;
        const perChannel = scale.data.length > 1;
        // The axis only matters per channel (a bias of rank 1 keeps the default axis 1).
        const axis = perChannel ? this.axisOf(this.int('axis', 1), x.shape.length) : 0;
        if (perChannel && scale.data.length !== x.shape[axis]) this.fail(`${scale.data.length} scales for axis ${axis} of ${formatShape(x.shape)}`);
        const inner = perChannel ? elementCount(x.shape.slice(axis + 1)) : 1;
        const channels = perChannel ? x.shape[axis] : 1;
        const values = Float32Array.from(x.data, (v, i) => {
          const channel = Math.floor(i / inner) % channels;
          return (v - (zeroPoint?.data[perChannel ? channel : 0] ?? 0)) * scale.data[perChannel ? channel : 0];
        });
        if (perChannel && x.dtype === 'int8') this.perChannelWeights = true;
        if ((x.dtype === 'int8' || x.dtype === 'uint8') && !(zeroPoint?.data ?? []).some((z) => z !== 0)) this.weightScales.push(Array.from(scale.data));
        result = { dtype: 'float32', shape: [...x.shape], data: values };
        break;
      }
      case 'QuantizeLinear': {
        // Constants stored as float and quantized in the graph: rounded half to even, as ONNX specifies.
        const x = c(0);
        const scale = c(1);
        const zeroPoint = this.node.input?.[2] ? c(2) : constant('uint8', [], [0]);
        const perChannel = scale.data.length > 1;
        const axis = perChannel ? this.axisOf(this.int('axis', 1), x.shape.length) : 0;
        const inner = perChannel ? elementCount(x.shape.slice(axis + 1)) : 1;
        const channels = perChannel ? x.shape[axis] : 1;
        const [low, high] = zeroPoint.dtype === 'int8' ? [-128, 127] : [0, 255];
        const values = Array.from(x.data, (v, i) => {
          const channel = perChannel ? Math.floor(i / inner) % channels : 0;
          const q = roundHalfToEven(v / scale.data[channel]) + zeroPoint.data[perChannel ? channel : 0];
          return Math.min(high, Math.max(low, q));
        });
        result = constant(zeroPoint.dtype, [...x.shape], values);
        break;
      }
      default:
        return false;
    }
    this.define(result);
    return true;
  }

  decodeTensor: (tensor: NonNullable<OnnxAttribute['t']>, what: string) => Constant = () => {
    throw new Error('decodeTensor not set');
  };

  /** Transpose's perm (default: reversed), checked to be a permutation of 0 … rank-1. */
  private permutation(rank: number): number[] {
    const perm = this.ints('perm') ?? Array.from({ length: rank }, (_, i) => rank - 1 - i);
    if (perm.length !== rank || new Set(perm).size !== rank || perm.some((p) => !Number.isInteger(p) || p < 0 || p >= rank)) {
      this.fail(`perm [${perm.join(', ')}] is not a permutation of 0 … ${rank - 1}`);
    }
    return perm;
  }

  /** An axis in [-rank, rank) as 0 … rank-1; fails naming it otherwise. */
  private axisOf(raw: number, rank: number, what = 'axis'): number {
    if (!Number.isInteger(raw) || raw < -rank || raw >= rank) this.fail(`${what} ${raw} is out of range for rank ${rank}`);
    return raw < 0 ? raw + rank : raw;
  }

  /** How many axes an Unsqueeze node adds (from its attribute or constant input). */
  private addedAxes(): number {
    const name = this.node.input?.[1];
    if (name) return this.const(1, 'axes').data.length;
    return this.ints('axes')?.length ?? 0;
  }

  /** Axes from the attribute (opset < 13) or the constant input `inputIndex` (opset ≥ 13), normalised for `rank`. */
  private axes(inputIndex: number, rank: number, attribute = 'axes'): number[] {
    const fromInput = this.node.input?.[inputIndex];
    const raw = fromInput ? Array.from(this.const(inputIndex, 'axes').data) : (this.ints(attribute) ?? []);
    return raw.map((axis) => this.axisOf(axis, rank, 'axes entry'));
  }

  // ---- Conv

  private conv(): void {
    let x = this.value(0, 'X');
    let w = this.const(1, 'weights W');
    const b = this.optionalConst(2, 'bias B');
    const oneD = x.shape.length === 3;
    if (!oneD && x.shape.length !== 4) this.fail(`input X has shape ${formatShape(x.shape)}: only 1-D and 2-D convolutions (rank-3 NCL or rank-4 NCHW input) are supported`);
    if (oneD) {
      // Conv1d runs as a 2-D convolution over a map of height 1.
      x = this.as2d(x);
      w = { ...w, shape: [w.shape[0], w.shape[1], 1, w.shape[2]] };
    }
    const [outChannels, filterDepth, kh, kw] = w.shape;
    const group = this.int('group', 1);
    const dilations = oneD ? [1, ...(this.ints('dilations') ?? [1])] : (this.ints('dilations') ?? [1, 1]);
    const strides = oneD ? [1, ...(this.ints('strides') ?? [1])] : (this.ints('strides') ?? [1, 1]);
    const inChannels = x.shape[1];
    if (filterDepth * group !== inChannels) this.fail(`weights ${formatShape(w.shape)} with group ${group} do not match input channels ${inChannels}`);
    const rawPads = this.ints('pads');
    let pads = rawPads ? (oneD ? [0, rawPads[0], 0, rawPads[1]] : rawPads) : [0, 0, 0, 0];
    const autoPad = this.string('auto_pad', 'NOTSET');
    // A zero Pad read only by this convolution is merged with its padding.
    if (x.pendingPad && this.soleReader(this.node.input?.[0])) {
      const p = x.pendingPad.pads;
      if (p[0] === 0 && p[1] === 0 && p[4] === 0 && p[5] === 0 && autoPad === 'NOTSET') {
        pads = [pads[0] + p[2], pads[1] + p[3], pads[2] + p[6], pads[3] + p[7]];
        x = x.pendingPad.source;
      }
    }
    const [inH, inW] = [x.shape[2], x.shape[3]];
    const window = { kernel: [kh, kw], strides, dilations };
    const { padding, explicit } = this.choosePadding(autoPad, pads, [inH, inW], window);
    let input = this.inLayout(x, NHWC);
    let paddedH = inH;
    let paddedW = inW;
    if (explicit) {
      input = this.emitPad(input, explicit);
      paddedH += explicit[0] + explicit[2];
      paddedW += explicit[1] + explicit[3];
    }
    const outH = windowOutput(padding, paddedH, kh, strides[0], dilations[0]);
    const outW = windowOutput(padding, paddedW, kw, strides[1], dilations[1]);
    const out = this.newValue([x.shape[0], outChannels, outH, outW], NHWC);
    const bias = b ? Float32Array.from(b.data) : new Float32Array(outChannels);
    if (bias.length !== outChannels) this.fail(`bias B has ${bias.length} values, the convolution ${outChannels} output channels`);
    const name = this.node.name || this.outputName();
    const attrs = { padding, strideH: strides[0], strideW: strides[1], dilationH: dilations[0], dilationW: dilations[1], activation: 'none' as Activation };
    const biasTensor = this.addTensor(`${name}/bias`, [outChannels], 'float32', bias);
    if (group === 1 || (group > 1 && !(filterDepth === 1 && outChannels % inChannels === 0))) {
      const filter = transposeConstant(w, [0, 2, 3, 1]);
      const filterTensor = this.addTensor(`${name}/filter`, filter.shape, 'float32', Float32Array.from(filter.data));
      this.addOp('CONV_2D', [input.tensor, filterTensor, biasTensor], [out.tensor], attrs);
    } else {
      // Depthwise: ONNX [C·M, 1, kh, kw] → TFLite [1, kh, kw, C·M]; output channel c·M + m in both.
      const filter = transposeConstant(w, [1, 2, 3, 0]);
      const filterTensor = this.addTensor(`${name}/filter`, filter.shape, 'float32', Float32Array.from(filter.data));
      this.addOp('DEPTHWISE_CONV_2D', [input.tensor, filterTensor, biasTensor], [out.tensor], { ...attrs, depthMultiplier: outChannels / inChannels });
    }
    this.define(oneD ? this.from2d(out) : out);
  }

  /** Tensors that only relabel a 1-D op's 2-D result: fusions look through them to the op. */
  private readonly views = new Set<number>();

  /** The op computing a tensor, looking through the RESHAPE that gives a 1-D op's result its rank. */
  private producerOp(tensor: number): number | undefined {
    const index = this.producer.get(tensor);
    if (index !== undefined && this.views.has(tensor)) return this.producer.get(this.ops[index].inputs[0]);
    return index;
  }

  /** [N, C, L] as [N, C, 1, L] in NHWC (same bytes as [N, L, C]). */
  private as2d(x: Value): Value {
    const value = this.inLayout(x, [0, 2, 1]);
    const [n, c, l] = x.shape;
    const tensor = this.addTensor(`${this.tensors[value.tensor].name}:2d`, [n, 1, l, c], this.tensors[value.tensor].dtype);
    this.reshape(value.tensor, tensor);
    return { kind: 'value', tensor, shape: [n, c, 1, l], perm: [...NHWC] };
  }

  /** A 2-D result [N, C, 1, L] (NHWC) back as the 1-D op's [N, C, L], held as [N, L, C]. */
  private from2d(out: Value): Value {
    const [n, c, , l] = out.shape;
    const tensor = this.addTensor(this.outputName(), [n, l, c], this.tensors[out.tensor].dtype);
    this.tensors[out.tensor].name = `${this.outputName()}:2d`;
    this.reshape(out.tensor, tensor);
    this.views.add(tensor);
    return { kind: 'value', tensor, shape: [n, c, l], perm: [0, 2, 1] };
  }

  /** TFLite padding for ONNX pads [top, left, bottom, right]: 'valid', 'same', or valid after an explicit PAD. */
  private choosePadding(
    autoPad: string,
    pads: number[],
    input: number[],
    window: { kernel: number[]; strides: number[]; dilations: number[] },
  ): { padding: 'same' | 'valid'; explicit?: number[] } {
    if (autoPad === 'VALID') return { padding: 'valid' };
    const same = input.map((size, i) => samePads(size, window.kernel[i], window.strides[i], window.dilations[i]));
    if (autoPad === 'SAME_UPPER') return { padding: 'same' };
    if (autoPad === 'SAME_LOWER') {
      return { padding: 'valid', explicit: [same[0][1], same[1][1], same[0][0], same[1][0]] };
    }
    if (autoPad !== 'NOTSET') this.fail(`auto_pad "${autoPad}" is not an ONNX value`);
    if (pads.length !== 4) this.fail(`pads [${pads.join(', ')}] are not 2-D pads`);
    if (pads.every((p) => p === 0)) return { padding: 'valid' };
    if (pads[0] === same[0][0] && pads[2] === same[0][1] && pads[1] === same[1][0] && pads[3] === same[1][1]) return { padding: 'same' };
    return { padding: 'valid', explicit: pads };
  }

  /** A PAD of an NHWC value with ONNX [top, left, bottom, right]. */
  private emitPad(input: Value, pads: number[]): Value {
    const [n, c, h, w] = input.shape;
    const shape = [n, c, h + pads[0] + pads[2], w + pads[1] + pads[3]];
    const tensor = this.addTensor(`${this.tensors[input.tensor].name}/padded`, NHWC.map((p) => shape[p]), 'float32');
    const paddings = this.addTensor(`${this.tensors[tensor].name}/paddings`, [4, 2], 'int32', Int32Array.from([0, 0, pads[0], pads[2], pads[1], pads[3], 0, 0]));
    this.addOp('PAD', [input.tensor, paddings], [tensor], {});
    return { kind: 'value', tensor, shape, perm: [...NHWC] };
  }

  // ---- Gemm / MatMul

  private gemm(): void {
    const a = this.value(0, 'A');
    if (!this.isConst(1)) this.fail('B is computed by the graph; only constant weights are supported (a FULLY_CONNECTED layer)');
    const b = this.const(1, 'B');
    const c = this.optionalConst(2, 'C');
    if (this.int('transA', 0) !== 0) this.fail('transA = 1 is not supported');
    if (a.shape.length !== 2 || b.shape.length !== 2) this.fail(`A ${formatShape(a.shape)} and B ${formatShape(b.shape)} must be matrices`);
    const alpha = this.float('alpha', 1);
    const beta = this.float('beta', 1);
    let weights = this.int('transB', 0) ? b : transposeConstant(b, [1, 0]);
    if (alpha !== 1) weights = { ...weights, data: weights.data.map((v) => v * alpha) };
    const [units, depth] = weights.shape;
    if (depth !== a.shape[1]) this.fail(`A ${formatShape(a.shape)} has ${a.shape[1]} columns, B gives ${depth}`);
    let bias = new Float32Array(units);
    if (c) {
      if (!broadcastShape(c.shape, [a.shape[0], units]) || elementCount(c.shape) > units) {
        this.fail(`C ${formatShape(c.shape)} is not a bias of ${units} values (per-row C is not supported)`);
      }
      bias = Float32Array.from(broadcastTo(c, [units]).data, (v) => v * beta);
    }
    this.fullyConnected(a, weights, bias, false);
  }

  private matmul(): void {
    if (!this.isConst(1)) return this.batchMatmul();
    const a = this.value(0, 'A');
    const b = this.const(1, 'B');
    if (b.shape.length !== 2) this.fail(`B ${formatShape(b.shape)}: only a constant matrix is supported`);
    if (a.shape.length < 2) this.fail(`A ${formatShape(a.shape)}: a vector times a matrix is not supported`);
    const [depth, units] = b.shape;
    if (a.shape[a.shape.length - 1] !== depth) this.fail(`A ${formatShape(a.shape)} and B ${formatShape(b.shape)} do not multiply`);
    this.fullyConnected(a, transposeConstant(b, [1, 0]), new Float32Array(units), a.shape.length > 2);
  }

  /** MatMul of two computed values: BATCH_MATMUL, a transposed operand read through adj_x / adj_y instead of moved. */
  private batchMatmul(): void {
    this.requireOp('BATCH_MATMUL', 'MatMul of two computed values');
    const operand = (index: number, role: string): { value: Value; adjoint: boolean } => {
      let value = this.settle(this.value(index, role));
      const rank = value.shape.length;
      if (rank < 2) this.fail(`${role} ${formatShape(value.shape)}: a vector operand is not supported`);
      const identity = value.shape.map((_, i) => i);
      const swapped = [...identity.slice(0, -2), rank - 1, rank - 2];
      if (!value.columns && sameList(value.perm, swapped)) return { value, adjoint: true };
      value = this.identity(value);
      return { value, adjoint: false };
    };
    const a = operand(0, 'A');
    const b = operand(1, 'B');
    const [m, k] = a.value.shape.slice(-2);
    const [k2, n] = b.value.shape.slice(-2);
    if (k !== k2) this.fail(`A ${formatShape(a.value.shape)} and B ${formatShape(b.value.shape)} do not multiply`);
    const batch = broadcastShape(a.value.shape.slice(0, -2), b.value.shape.slice(0, -2));
    if (!batch) this.fail(`batch dimensions of A ${formatShape(a.value.shape)} and B ${formatShape(b.value.shape)} do not broadcast`);
    const shape = [...batch, m, n];
    const out = this.newValue(shape, shape.map((_, i) => i));
    this.addOp('BATCH_MATMUL', [a.value.tensor, b.value.tensor], [out.tensor], { adjX: a.adjoint, adjY: b.adjoint });
    this.define(out);
  }

  /** FULLY_CONNECTED over the last dimension; weights [units, depth] in ONNX column order. */
  private fullyConnected(a: Value, weights: Constant, bias: Float32Array, keepNumDims: boolean): void {
    a = this.settle(a);
    const rank = a.shape.length;
    const [units, depth] = weights.shape;
    let data = Float32Array.from(weights.data);
    if (a.columns) {
      const columns = a.columns;
      const permuted = new Float32Array(data.length);
      for (let u = 0; u < units; u++) for (let j = 0; j < depth; j++) permuted[u * depth + j] = data[u * depth + columns[j]];
      data = permuted;
    } else if (a.perm[rank - 1] !== rank - 1) {
      a = this.identity(a);
    }
    const shape = [...a.shape.slice(0, -1), units];
    const out = this.newValue(shape, keepNumDims ? a.perm : shape.map((_, i) => i));
    if (!keepNumDims && rank > 2) this.fail(`input ${formatShape(a.shape)} must be a matrix`);
    const name = this.node.name || this.outputName();
    const weightTensor = this.addTensor(`${name}/weights`, [units, depth], 'float32', data);
    const biasTensor = this.addTensor(`${name}/bias`, [units], 'float32', bias);
    this.addOp('FULLY_CONNECTED', [a.tensor, weightTensor, biasTensor], [out.tensor], { activation: 'none', keepNumDims, asymmetricQuantizeInputs: false });
    this.define(out);
  }

  // ---- elementwise

  private binary(type: 'Add' | 'Sub' | 'Mul' | 'Div'): void {
    const constIndex = this.isConst(1) ? 1 : this.isConst(0) ? 0 : -1;
    if (constIndex >= 0) {
      const k = this.const(constIndex, 'constant operand');
      const raw = this.value(1 - constIndex);
      if (raw.pendingAffine && this.composeAffine(type, raw, k, constIndex)) return;
      const x = this.settle(raw);
      // x + b after an op with a bias: the constant joins the bias.
      if ((type === 'Add' || (type === 'Sub' && constIndex === 1)) && this.foldIntoBias(x, k, type === 'Sub' ? -1 : 1)) return;
      if (this.composeAffine(type, x, k, constIndex)) return;
      let operand = k;
      let irType: string = type.toUpperCase();
      if (type === 'Div') {
        if (constIndex === 0) {
          this.requireOp('DIV', 'a constant divided by an activation');
        } else {
          operand = { ...k, dtype: 'float32', data: Float32Array.from(k.data, (v) => 1 / v) };
          irType = 'MUL';
        }
      }
      const shape = broadcastShape(x.shape, k.shape);
      if (!shape) this.fail(`inputs ${formatShape(this.input(0)!.shape)} and ${formatShape(this.input(1)!.shape)} do not broadcast`);
      let value = x;
      if (shape.length !== x.shape.length || x.columns) value = this.identity(x);
      if (shape.length !== x.shape.length) this.fail(`broadcasting ${formatShape(x.shape)} up to ${formatShape(shape)} is not supported`);
      // The constant in the activation's layout, without leading ones.
      const padded: Constant = { ...operand, shape: [...new Array<number>(shape.length - operand.shape.length).fill(1), ...operand.shape] };
      const permuted = transposeConstant(padded, value.perm);
      let irShape = permuted.shape;
      while (irShape.length > 1 && irShape[0] === 1) irShape = irShape.slice(1);
      const constTensor = this.addTensor(`${this.node.name || this.outputName()}/constant`, irShape, 'float32', Float32Array.from(permuted.data));
      const out = this.newValue(shape, value.perm);
      const inputs = constIndex === 1 || irType === 'MUL' || irType === 'ADD' ? [value.tensor, constTensor] : [constTensor, value.tensor];
      this.addOp(irType, inputs, [out.tensor], { activation: 'none' });
      this.define(out);
      return;
    }
    let a = this.settle(this.value(0));
    let b = this.settle(this.value(1));
    if (type === 'Div') this.requireOp('DIV', 'Div of two activations');
    const shape = broadcastShape(a.shape, b.shape);
    if (!shape) this.fail(`inputs ${formatShape(a.shape)} and ${formatShape(b.shape)} do not broadcast`);
    if (a.shape.length === b.shape.length && !a.columns && !b.columns) {
      if (!sameList(a.perm, b.perm)) b = this.inLayout(b, a.perm);
    } else {
      a = this.identity(a);
      b = this.identity(b);
    }
    const perm = a.shape.length === shape.length ? a.perm : shape.map((_, i) => i);
    const out = this.newValue(shape, perm);
    this.addOp(type.toUpperCase(), [a.tensor, b.tensor], [out.tensor], { activation: 'none' });
    this.define(out);
  }

  /**
   * x ∘ k as a pending affine map of x (composed with x's own when x is one and has no other
   * reader); false when it is not affine or would broadcast x to a larger shape.
   */
  private composeAffine(type: 'Add' | 'Sub' | 'Mul' | 'Div', x: Value, k: Constant, constIndex: number): boolean {
    if (type === 'Div' && constIndex === 0) return false;
    if (x.columns || x.pendingPad || !isFloat(k.dtype)) return false;
    const shape = broadcastShape(x.shape, k.shape);
    if (!shape || !sameList(shape, x.shape)) return false;
    const pending = x.pendingAffine && this.soleReader(this.node.input?.[1 - constIndex]) ? x.pendingAffine : undefined;
    if (x.pendingAffine && !pending) return false; // x is read elsewhere: it is settled by the caller first
    const source = pending?.source ?? x;
    let scale = pending?.scale;
    let shift = pending?.shift;
    const combine = (a: Constant | undefined, b: Constant, f: (p: number, q: number) => number, empty: number) =>
      binaryConstant(a ?? constant('float32', [], [empty]), b, f)!;
    const negate = (c: Constant) => ({ ...c, data: Float32Array.from(c.data, (v) => -v) });
    switch (type) {
      case 'Mul':
      case 'Div': {
        const factor = type === 'Div' ? { ...k, data: Float32Array.from(k.data, (v) => 1 / v) } : k;
        scale = combine(scale, factor, (p, q) => p * q, 1);
        if (shift) shift = combine(shift, factor, (p, q) => p * q, 0);
        break;
      }
      case 'Add':
        shift = combine(shift, k, (p, q) => p + q, 0);
        break;
      case 'Sub':
        if (constIndex === 1) {
          shift = combine(shift, k, (p, q) => p - q, 0);
        } else {
          // k − (x·m + a) = x·(−m) + (k − a)
          scale = scale ? negate(scale) : constant('float32', [], [-1]);
          shift = shift ? combine(k, shift, (p, q) => p - q, 0) : k;
        }
        break;
    }
    const out = this.newValue(x.shape, source.perm);
    out.pendingAffine = { source, ...(scale ? { scale } : {}), ...(shift ? { shift } : {}) };
    this.define(out);
    return true;
  }

  /** Adds a per-channel constant to the bias of the op producing `x`; false when that is not exact. */
  private foldIntoBias(x: Value, k: Constant, sign: number): boolean {
    if (!this.soleReader(this.node.input?.[this.isConst(1) ? 0 : 1])) return false;
    const opIndex = this.producerOp(x.tensor);
    if (opIndex === undefined) return false;
    const op = this.ops[opIndex];
    if (!['CONV_2D', 'DEPTHWISE_CONV_2D', 'FULLY_CONNECTED'].includes(op.type) || (op.attrs as { activation: Activation }).activation !== 'none') return false;
    const shape = broadcastShape(x.shape, k.shape);
    if (!shape || !sameList(shape, x.shape)) return false;
    // Constant varying along the channel only (ONNX channel: axis 1 for NCHW maps, the last axis otherwise).
    const channelAxis = op.type === 'FULLY_CONNECTED' ? x.shape.length - 1 : 1;
    const padded = [...new Array<number>(shape.length - k.shape.length).fill(1), ...k.shape];
    if (padded.some((dim, i) => i !== channelAxis && dim !== 1)) return false;
    const bias = this.tensors[op.inputs[2]];
    const channels = bias.shape[0];
    const values = broadcastTo({ ...k, shape: [padded[channelAxis]] }, [channels]).data;
    const data = Float32Array.from(bias.data as Float32Array, (v, i) => v + sign * values[i]);
    bias.data = data;
    this.renameOutput(x, 0);
    this.define(x);
    return true;
  }

  /** The tensor takes the node's output name (the op now computes the node's result). */
  private renameOutput(x: Value, index: number): void {
    const name = this.node.output?.[index];
    if (name) this.tensors[x.tensor].name = name;
  }

  private unary(type: string): void {
    const x = this.settle(this.value(0, 'X'));
    let irType: string;
    let activation: Activation | undefined;
    let attrs: object = {};
    switch (type) {
      case 'Relu':
        irType = 'RELU';
        activation = 'relu';
        break;
      case 'Clip': {
        const min = this.node.input?.[1] ? scalarValue(this.const(1, 'min')) : -Infinity;
        const max = this.node.input?.[2] ? scalarValue(this.const(2, 'max')) : Infinity;
        if (min === 0 && max === 6) [irType, activation] = ['RELU6', 'relu6'];
        else if (min === -1 && max === 1) [irType, activation] = ['RELU_N1_TO_1', 'relu_n1_to_1'];
        else if (min === 0 && max === Infinity) [irType, activation] = ['RELU', 'relu'];
        else this.fail(`Clip(${min}, ${max}) is not supported: only Clip(0, 6), Clip(-1, 1) and Clip(0, ∞) (ReLU6, ReLU-1..1, ReLU)`);
        break;
      }
      case 'Sigmoid':
        irType = 'LOGISTIC';
        break;
      case 'Tanh':
        irType = 'TANH';
        break;
      case 'LeakyRelu':
        irType = 'LEAKY_RELU';
        attrs = { alpha: this.float('alpha', 0.01) };
        break;
      case 'HardSwish':
        irType = 'HARD_SWISH';
        break;
      default:
        this.fail(`${type} is not supported`);
    }
    if (activation && this.fuseActivation(x, activation)) return;
    this.requireOp(irType, type);
    const out = this.newValue(x.shape, x.perm);
    if (x.columns) out.columns = x.columns;
    this.addOp(irType, [x.tensor], [out.tensor], attrs);
    this.define(out);
  }

  /** Sets the activation of the op producing x when x has no other reader. */
  private fuseActivation(x: Value, activation: Activation): boolean {
    if (!this.soleReader(this.node.input?.[0])) return false;
    const opIndex = this.producerOp(x.tensor);
    if (opIndex === undefined) return false;
    const op = this.ops[opIndex];
    if (!findOp(op.type)?.fusedActivation || (op.attrs as { activation?: Activation }).activation !== 'none') return false;
    if (!['CONV_2D', 'DEPTHWISE_CONV_2D', 'FULLY_CONNECTED', 'ADD'].includes(op.type)) return false;
    (op.attrs as { activation: Activation }).activation = activation;
    this.renameOutput(x, 0);
    this.define(x);
    return true;
  }

  // ---- pools

  private pool(type: 'MaxPool' | 'AveragePool'): void {
    let x = this.settle(this.value(0, 'X'));
    const oneD = x.shape.length === 3;
    if (!oneD && x.shape.length !== 4) this.fail(`input ${formatShape(x.shape)}: only 1-D and 2-D pooling (rank-3 NCL or rank-4 NCHW input) are supported`);
    if ((this.node.output ?? []).length > 1 && this.node.output![1]) this.fail('the Indices output of MaxPool is not supported');
    if (oneD) x = this.as2d(x);
    const lift = (list: number[] | undefined, fill: number, pairs = false) => (list && oneD ? (pairs ? [0, list[0], 0, list[1]] : [fill, ...list]) : list);
    const kernel = lift(this.ints('kernel_shape'), 1) ?? this.fail('kernel_shape is missing');
    const strides = lift(this.ints('strides'), 1) ?? [1, 1];
    const dilations = lift(this.ints('dilations'), 1) ?? [1, 1];
    if (dilations.some((d) => d !== 1)) this.fail(`dilations [${dilations.join(', ')}] are not supported in pooling`);
    const pads = lift(this.ints('pads'), 0, true) ?? [0, 0, 0, 0];
    const countIncludePad = this.int('count_include_pad', 0);
    const [inH, inW] = [x.shape[2], x.shape[3]];
    let { padding, explicit } = this.choosePadding(this.string('auto_pad', 'NOTSET'), pads, [inH, inW], { kernel, strides, dilations });
    if (padding === 'same' && type === 'AveragePool' && countIncludePad) {
      // TFLite's SAME average leaves padding out of the count; ONNX counts it: pad with zeros instead.
      const same = [inH, inW].map((size, i) => samePads(size, kernel[i], strides[i], 1));
      [padding, explicit] = ['valid', [same[0][0], same[1][0], same[0][1], same[1][1]]];
    }
    if (explicit && type === 'MaxPool') this.fail(`pads [${pads.join(', ')}] are not TFLite's SAME padding; MaxPool cannot pad with zeros`);
    if (explicit && !countIncludePad) this.fail(`pads [${pads.join(', ')}] with count_include_pad = 0 are not TFLite's SAME padding`);
    let input = this.inLayout(x, NHWC);
    let [paddedH, paddedW] = [inH, inW];
    if (explicit) {
      input = this.emitPad(input, explicit);
      paddedH += explicit[0] + explicit[2];
      paddedW += explicit[1] + explicit[3];
    }
    const outH = windowOutput(padding, paddedH, kernel[0], strides[0], 1);
    const outW = windowOutput(padding, paddedW, kernel[1], strides[1], 1);
    if (this.int('ceil_mode', 0)) {
      const ceilH = Math.ceil((paddedH - kernel[0]) / strides[0]) + 1;
      const ceilW = Math.ceil((paddedW - kernel[1]) / strides[1]) + 1;
      if (padding === 'valid' && (ceilH !== outH || ceilW !== outW)) this.fail('ceil_mode = 1 with a partial last window is not supported');
    }
    const out = this.newValue([x.shape[0], x.shape[1], outH, outW], NHWC);
    this.addOp(type === 'MaxPool' ? 'MAX_POOL_2D' : 'AVERAGE_POOL_2D', [input.tensor], [out.tensor], {
      padding,
      strideH: strides[0],
      strideW: strides[1],
      filterH: kernel[0],
      filterW: kernel[1],
      activation: 'none',
    });
    this.define(oneD ? this.from2d(out) : out);
  }

  private globalAveragePool(): void {
    const x = this.settle(this.value(0, 'X'));
    const rank = x.shape.length;
    if (rank < 3) this.fail(`input ${formatShape(x.shape)}: expected [N, C, spatial…]`);
    // Channels last in the IR, the mean over every spatial dimension.
    const input = this.inLayout(x, [0, ...x.shape.slice(2).map((_, i) => i + 2), 1]);
    const out = this.newValue([x.shape[0], x.shape[1], ...x.shape.slice(2).map(() => 1)], input.perm);
    const irAxes = x.shape.slice(2).map((_, i) => i + 1);
    const axes = this.addTensor(`${this.outputName()}/axes`, [irAxes.length], 'int32', Int32Array.from(irAxes));
    this.addOp('MEAN', [input.tensor, axes], [out.tensor], { keepDims: true });
    this.define(out);
  }

  private reduceMean(): void {
    const x = this.settle(this.value(0, 'data'));
    const rank = x.shape.length;
    let axes = this.axes(1, rank);
    if (axes.length === 0) {
      if (this.int('noop_with_empty_axes', 0)) return this.define(x);
      axes = x.shape.map((_, i) => i);
    }
    const value = x.columns ? this.identity(x) : x;
    const keepDims = this.int('keepdims', 1) === 1;
    const irAxes = axes.map((axis) => value.perm.indexOf(axis)).sort((p, q) => p - q);
    const shape = keepDims ? value.shape.map((dim, i) => (axes.includes(i) ? 1 : dim)) : value.shape.filter((_, i) => !axes.includes(i));
    const perm = keepDims ? value.perm : renumber(value.perm.filter((p) => !axes.includes(p)));
    const out = this.newValue(shape, perm);
    const axesTensor = this.addTensor(`${this.outputName()}/axes`, [irAxes.length], 'int32', Int32Array.from(irAxes));
    this.addOp('MEAN', [value.tensor, axesTensor], [out.tensor], { keepDims });
    this.define(out);
  }

  // ---- batch norm

  private batchNorm(): void {
    if (this.int('training_mode', 0)) this.fail('training_mode = 1 is not supported (export the model in eval mode)');
    if ((this.node.output ?? []).filter(Boolean).length > 1) this.fail('running mean/variance outputs are not supported (export the model in eval mode)');
    const x = this.settle(this.value(0, 'X'));
    const [scale, bias, mean, variance] = [1, 2, 3, 4].map((i) => this.const(i, ['scale', 'B', 'input_mean', 'input_var'][i - 1]).data);
    const epsilon = this.float('epsilon', 1e-5);
    const channels = x.shape[1];
    const multiplier = new Float64Array(channels);
    const shift = new Float64Array(channels);
    for (let c = 0; c < channels; c++) {
      multiplier[c] = scale[c] / Math.sqrt(variance[c] + Math.fround(epsilon));
      shift[c] = bias[c] - mean[c] * multiplier[c];
    }
    const opIndex = this.producerOp(x.tensor);
    const op = opIndex === undefined ? undefined : this.ops[opIndex];
    if (op && (op.type === 'CONV_2D' || op.type === 'DEPTHWISE_CONV_2D') && (op.attrs as { activation: Activation }).activation === 'none' && this.soleReader(this.node.input?.[0])) {
      // Fold: W' = W·m per output channel, b' = b·m + shift.
      const filter = this.tensors[op.inputs[1]];
      const biasTensor = this.tensors[op.inputs[2]];
      const weights = filter.data as Float32Array;
      const channelAxis = op.type === 'CONV_2D' ? 0 : 3;
      const inner = channelAxis === 0 ? elementCount(filter.shape.slice(1)) : 1;
      filter.data = Float32Array.from(weights, (v, i) => v * multiplier[channelAxis === 0 ? Math.floor(i / inner) : i % channels]);
      biasTensor.data = Float32Array.from(biasTensor.data as Float32Array, (v, c) => v * multiplier[c] + shift[c]);
      this.renameOutput(x, 0);
      this.define(x);
      return;
    }
    // Standalone: x·m + shift with per-channel constants (ONNX shape [C, 1, …]), composed with what follows.
    const perChannel = (values: Float64Array): Constant => constant('float32', [channels, ...new Array<number>(x.shape.length - 2).fill(1)], values);
    const value = x.columns ? this.identity(x) : x;
    const out = this.newValue(value.shape, value.perm);
    out.pendingAffine = { source: value, scale: perChannel(multiplier), shift: perChannel(shift) };
    this.define(out);
  }

  // ---- shapes

  private flatten(): void {
    const x = this.settle(this.value(0, 'input'));
    const rank = x.shape.length;
    const rawAxis = this.int('axis', 1);
    const axis = rawAxis === rank ? rank : this.axisOf(rawAxis, rank);
    this.reshapeTo(x, [elementCount(x.shape.slice(0, axis)), elementCount(x.shape.slice(axis))]);
  }

  private reshapeNode(): void {
    const x = this.settle(this.value(0, 'data'));
    const shape = reshapeTarget(this, x.shape, Array.from(this.const(1, 'shape').data));
    this.reshapeTo(x, shape);
  }

  /** Reshape to an ONNX shape: a RESHAPE of the same bytes when the layout allows, else columns permuted for a following FC. */
  private reshapeTo(x: Value, shape: number[]): void {
    if (elementCount(shape) !== elementCount(x.shape)) this.fail(`cannot reshape ${formatShape(x.shape)} to ${formatShape(shape)}`);
    const identityPerm = x.shape.map((_, i) => i);
    if (!x.columns && sameList(unitFree(x.perm, x.shape), unitFree(identityPerm, x.shape))) {
      const out = this.newValue(shape, shape.map((_, i) => i));
      this.reshape(x.tensor, out.tensor);
      return this.define(out);
    }
    // [N, C, H, W] (NHWC in IR) → [N, C·H·W]: IR bytes are [N, H·W·C]; remember the column order.
    if (!x.columns && shape.length === 2 && shape[0] === x.shape[0] && x.perm[0] === 0) {
      const inner = x.shape.slice(1);
      const irInnerPerm = x.perm.slice(1).map((p) => p - 1);
      const onnxIndex = new Float64Array(elementCount(inner)).map((_, i) => i);
      const columns = Int32Array.from(transposeData(onnxIndex, inner, irInnerPerm));
      const out = this.newValue(shape, [0, 1]);
      out.columns = columns;
      this.reshape(x.tensor, out.tensor);
      return this.define(out);
    }
    const value = this.identity(x);
    const out = this.newValue(shape, shape.map((_, i) => i));
    this.reshape(value.tensor, out.tensor);
    this.define(out);
  }

  private squeeze(unsqueeze: boolean): void {
    const x = this.settle(this.value(0, 'data'));
    if (x.columns) this.fail('squeezing a flattened NHWC map is not supported');
    const outRank = unsqueeze ? x.shape.length + this.addedAxes() : x.shape.length;
    let axes = this.axes(1, outRank);
    if (!unsqueeze && axes.length === 0) axes = x.shape.flatMap((dim, i) => (dim === 1 ? [i] : []));
    if (!unsqueeze && axes.some((a) => x.shape[a] !== 1)) this.fail(`axes [${axes.join(', ')}] of ${formatShape(x.shape)} are not all of size 1`);
    const shape = unsqueeze ? unsqueezeShape(x.shape, axes) : squeezeShape(x.shape, axes);
    let perm: number[];
    if (unsqueeze) {
      // Old ONNX dim d is new dim kept[d]; new unit dims go last in the IR (no byte moves).
      const kept = shape.map((_, i) => i).filter((i) => !axes.includes(i));
      perm = [...x.perm.map((p) => kept[p]), ...axes.sort((p, q) => p - q)];
      if (sameList([...perm].sort((p, q) => p - q), perm)) perm = shape.map((_, i) => i);
    } else {
      perm = renumber(x.perm.filter((p) => !axes.includes(p)));
    }
    const out = this.newValue(shape, perm);
    this.reshape(x.tensor, out.tensor);
    this.define(out);
  }

  private transpose(): void {
    const x = this.settle(this.value(0, 'data'));
    if (x.columns) this.fail('transposing a flattened NHWC map is not supported');
    const rank = x.shape.length;
    const perm = this.permutation(rank);
    // Output ONNX dim j is input dim perm[j]; IR dim i holds input dim x.perm[i] = output dim inverse[x.perm[i]].
    const inverse = new Array<number>(rank);
    perm.forEach((p, j) => (inverse[p] = j));
    this.define({ kind: 'value', tensor: x.tensor, shape: perm.map((p) => x.shape[p]), perm: x.perm.map((p) => inverse[p]) });
  }

  private concat(): void {
    const count = (this.node.input ?? []).length;
    let values = Array.from({ length: count }, (_, i) => this.settle(this.value(i)));
    const rank = values[0].shape.length;
    const rawAxis = this.int('axis', 0);
    const axis = this.axisOf(rawAxis, rank);
    const perm = values.find((v) => !v.columns)?.perm ?? values[0].shape.map((_, i) => i);
    values = values.map((v) => this.inLayout(v, perm));
    const shape = [...values[0].shape];
    shape[axis] = values.reduce((sum, v) => sum + v.shape[axis], 0);
    for (const v of values) {
      if (v.shape.length !== rank || v.shape.some((dim, i) => i !== axis && dim !== shape[i])) {
        this.fail(`inputs ${values.map((u) => formatShape(u.shape)).join(', ')} cannot be concatenated along axis ${axis}`);
      }
    }
    const out = this.newValue(shape, perm);
    this.addOp('CONCATENATION', values.map((v) => v.tensor), [out.tensor], { axis: perm.indexOf(axis), activation: 'none' });
    this.define(out);
  }

  private pad(): void {
    const x = this.settle(this.value(0, 'data'));
    const mode = this.string('mode', 'constant');
    if (mode !== 'constant') this.fail(`mode "${mode}" is not supported (only constant)`);
    const rank = x.shape.length;
    let pads = Array.from(this.const(1, 'pads').data);
    if (this.node.input?.[3]) {
      const axes = this.axes(3, rank);
      const full = new Array<number>(2 * rank).fill(0);
      axes.forEach((axis, i) => {
        full[axis] = pads[i];
        full[axis + rank] = pads[i + axes.length];
      });
      pads = full;
    }
    if (pads.length !== 2 * rank) this.fail(`pads has ${pads.length} values, expected ${2 * rank} for input ${formatShape(x.shape)}`);
    if (pads.some((p) => p < 0)) this.fail(`negative pads [${pads.join(', ')}] (cropping) are not supported`);
    const fill = this.node.input?.[2] ? scalarValue(this.const(2, 'constant_value')) : 0;
    if (fill !== 0) this.fail(`constant_value ${fill} is not supported (only 0)`);
    if (pads.every((p) => p === 0)) return this.define(x);
    const value = x.columns ? this.identity(x) : x;
    const shape = value.shape.map((dim, i) => dim + pads[i] + pads[i + rank]);
    const out = this.newValue(shape, value.perm);
    out.pendingPad = { source: value, pads };
    this.define(out);
  }

  private softmax(): void {
    const x = this.settle(this.value(0, 'input'));
    const rank = x.shape.length;
    const rawAxis = this.int('axis', this.options.opset >= 13 ? -1 : 1);
    const axis = this.axisOf(rawAxis, rank);
    // Before opset 13 Softmax normalises over all dimensions from `axis` on.
    if (this.options.opset < 13 && x.shape.slice(axis + 1).some((dim) => dim !== 1)) {
      this.fail(`axis ${rawAxis} on ${formatShape(x.shape)} normalises over several dimensions (opset < 13); only the last dimension is supported`);
    }
    let value = x.columns ? this.identity(x) : x;
    if (value.perm.indexOf(axis) !== rank - 1 && value.shape.some((dim, i) => i !== axis && dim !== 1)) {
      const perm = [...value.shape.map((_, i) => i).filter((i) => i !== axis), axis];
      value = this.inLayout(value, perm);
    }
    const out = this.newValue(value.shape, value.perm);
    this.addOp('SOFTMAX', [value.tensor], [out.tensor], { beta: 1 });
    this.define(out);
  }

  // ---- slices

  /** STRIDED_SLICE of a box given per ONNX axis (start, count, step); `drop` axes leave the shape (their count is 1). */
  private stridedSlice(x: Value, box: { start: number; count: number; step: number }[], drop: number[], why: string): Value {
    this.requireOp('STRIDED_SLICE', why);
    const value = x.columns ? this.identity(x) : x;
    const rank = value.shape.length;
    const irBox = value.perm.map((p) => box[p]);
    const begin = irBox.map((b) => b.start);
    const end = irBox.map((b) => b.start + b.count * b.step);
    const steps = irBox.map((b) => b.step);
    // A negative stride ending before index 0 has no end index: its end_mask bit runs it to the start.
    let endMask = 0;
    irBox.forEach((b, i) => {
      if (b.step < 0 && end[i] < 0) endMask |= 1 << i;
    });
    const shrinkAxisMask = drop.reduce((mask, axis) => mask | (1 << value.perm.indexOf(axis)), 0);
    const shape = box.map((b) => b.count).filter((_, axis) => !drop.includes(axis));
    const perm = renumber(value.perm.filter((p) => !drop.includes(p)));
    const out = this.newValue(shape, perm);
    const name = this.tensors[out.tensor].name;
    const vector = (label: string, values: number[]) => this.addTensor(`${name}/${label}`, [rank], 'int32', Int32Array.from(values));
    this.addOp('STRIDED_SLICE', [value.tensor, vector('begin', begin), vector('end', end.map((e, i) => (endMask & (1 << i) ? 0 : e))), vector('strides', steps)], [out.tensor], {
      beginMask: 0,
      endMask,
      ellipsisMask: 0,
      newAxisMask: 0,
      shrinkAxisMask,
      offset: false,
    });
    return out;
  }

  private slice(): void {
    const x = this.settle(this.value(0, 'data'));
    const rank = x.shape.length;
    const starts = Array.from(this.const(1, 'starts').data);
    const ends = Array.from(this.const(2, 'ends').data);
    const axes = this.node.input?.[3] ? this.axes(3, rank) : starts.map((_, i) => i);
    const steps = this.node.input?.[4] ? Array.from(this.const(4, 'steps').data) : starts.map(() => 1);
    const box = x.shape.map((dim) => ({ start: 0, count: dim, step: 1 }));
    axes.forEach((axis, i) => {
      const dim = x.shape[axis];
      const step = steps[i];
      if (step === 0) this.fail(`steps [${steps.join(', ')}] has 0`);
      let start = starts[i] < 0 ? starts[i] + dim : starts[i];
      let end = ends[i] < 0 ? ends[i] + dim : ends[i];
      if (step > 0) {
        start = Math.min(Math.max(start, 0), dim);
        end = Math.min(Math.max(end, 0), dim);
      } else {
        start = Math.min(Math.max(start, -1), dim - 1);
        end = Math.min(Math.max(end, -1), dim - 1);
      }
      box[axis] = { start, count: Math.max(0, Math.ceil((end - start) / step)), step };
    });
    if (box.some((b) => b.count === 0)) this.fail(`the slice of ${formatShape(x.shape)} is empty`);
    if (box.every((b, axis) => b.start === 0 && b.step === 1 && b.count === x.shape[axis])) return this.define(x);
    this.define(this.stridedSlice(x, box, [], 'Slice of an activation'));
  }

  /** Gather of constant indices along one axis: a slice when they are one index or a run with a constant step. */
  private gather(): void {
    const x = this.settle(this.value(0, 'data'));
    const indices = this.const(1, 'indices');
    const rank = x.shape.length;
    const rawAxis = this.int('axis', 0);
    const axis = this.axisOf(rawAxis, rank);
    const dim = x.shape[axis];
    const list = Array.from(indices.data, (i) => (i < 0 ? i + dim : i));
    if (list.some((i) => i < 0 || i >= dim)) this.fail(`indices [${Array.from(indices.data).join(', ')}] are outside axis ${axis} of ${formatShape(x.shape)}`);
    if (indices.shape.length > 1) this.fail(`indices of shape ${formatShape(indices.shape)} are not supported (a scalar or a vector)`);
    const step = list.length > 1 ? list[1] - list[0] : 1;
    if (step === 0 || list.some((i, k) => i !== list[0] + k * step)) this.fail(`indices [${list.join(', ')}] are not evenly spaced: not a slice`);
    const box = x.shape.map((size) => ({ start: 0, count: size, step: 1 }));
    box[axis] = { start: list[0], count: list.length, step };
    this.define(this.stridedSlice(x, box, indices.shape.length === 0 ? [axis] : [], 'Gather from an activation'));
  }

  // ---- QDQ and QOperator quantized models

  /**
   * A QuantizeLinear of an activation: the value goes on unchanged (the float graph is what the
   * importer builds); its scale and zero point become the IR tensor's given int8 encoding.
   */
  private quantizeLinear(): void {
    const x = this.settle(this.value(0, 'x'));
    this.encode(x.tensor, this.quantParams(1, 2, 'y'));
    this.define(x);
  }

  /** A DequantizeLinear of an activation (quantized by a QuantizeLinear or a QLinear op): the value itself. */
  private dequantizeLinear(): void {
    const x = this.value(0, 'x');
    const given = this.quantParams(1, 2, 'x');
    const known = this.encodings.get(x.tensor);
    // Quantized data reshaped or transposed on the way keeps its encoding.
    if (!known) this.encode(x.tensor, given);
    else if (known.scale !== given.scale || known.zeroPoint !== given.zeroPoint) {
      this.fail(`scale ${given.scale} and zero point ${given.zeroPoint} differ from the ${known.scale} and ${known.zeroPoint} x was quantized with`);
    }
    this.define(x);
  }

  /** An activation's per-tensor scale and zero point, from constant inputs `scaleIndex` and `zeroIndex`. */
  private quantParams(scaleIndex: number, zeroIndex: number, role: string): GivenEncoding {
    const scales = this.const(scaleIndex, `${role}_scale`);
    if (scales.data.length !== 1) this.fail(`${role}_scale has ${scales.data.length} values; activations must be quantized per tensor`);
    const scale = scales.data[0];
    if (!(scale > 0) || !Number.isFinite(scale)) this.fail(`${role}_scale ${scale} is not a positive number`);
    const zero = this.optionalConst(zeroIndex, `${role}_zero_point`);
    if (zero && zero.data.length !== 1) this.fail(`${role}_zero_point has ${zero.data.length} values; activations must be quantized per tensor`);
    const dtype = zero?.dtype ?? 'uint8';
    if (dtype !== 'int8' && dtype !== 'uint8') this.fail(`${role}_zero_point is ${dtype}; only int8 and uint8 activations are supported`);
    const zeroPoint = zero?.data[0] ?? 0;
    return { scale, zeroPoint: dtype === 'uint8' ? zeroPoint - 128 : zeroPoint, type: dtype };
  }

  /** A Cast of quantized data to the type it is stored in (PyTorch writes one after each QuantizeLinear): the value itself. */
  private castQuantized(): void {
    const x = this.value(0, 'input');
    const encoding = this.encodings.get(x.tensor);
    const to = this.int('to', 0);
    const type = to === 2 ? 'uint8' : to === 3 ? 'int8' : undefined;
    if (!encoding || !type || (encoding.type ?? type) !== type) {
      this.fail('Cast of a computed value is not supported (only of constants or shapes, and of quantized data to its own type)');
    }
    this.define(x);
  }

  /** Gives tensor its encoding (and the 2-D result a 1-D op's output relabels). */
  private encode(tensor: number, encoding: GivenEncoding): void {
    this.encodings.set(tensor, encoding);
    const producer = this.producer.get(tensor);
    if (producer !== undefined && this.views.has(tensor)) this.encodings.set(this.ops[producer].inputs[0], encoding);
  }

  /**
   * QLinearConv / QLinearMatMul (the QOperator form): the float Conv / MatMul of the dequantized
   * weights (and the int32 bias at input scale × weight scale), the output with the given encoding.
   */
  private qlinear(type: 'Conv' | 'MatMul'): void {
    const node = this.node;
    const x = this.value(0, type === 'Conv' ? 'x' : 'a');
    const input = this.quantParams(1, 2, type === 'Conv' ? 'x' : 'a');
    const known = this.encodings.get(x.tensor);
    if (known && (known.scale !== input.scale || known.zeroPoint !== input.zeroPoint)) {
      this.fail(`input scale ${input.scale} and zero point ${input.zeroPoint} differ from the ${known.scale} and ${known.zeroPoint} it was quantized with`);
    }
    // Read through a Reshape/Transpose/Flatten of quantized data: the copy keeps the encoding.
    if (!known) this.encode(this.settle(x).tensor, input);
    const w = this.const(3, type === 'Conv' ? 'w' : 'b');
    const wScale = this.const(4, `${type === 'Conv' ? 'w' : 'b'}_scale`);
    const wZero = this.optionalConst(5, `${type === 'Conv' ? 'w' : 'b'}_zero_point`);
    // Conv weights per output channel (axis 0); MatMul's B [K, N] per column (axis 1).
    const axis = type === 'Conv' ? 0 : 1;
    const perChannel = wScale.data.length > 1;
    if (perChannel && wScale.data.length !== w.shape[axis]) this.fail(`${wScale.data.length} weight scales for ${w.shape[axis]} output channels`);
    if (perChannel && type === 'Conv') this.perChannelWeights = true;
    if (!(wZero?.data ?? []).some((z) => z !== 0)) this.weightScales.push(Array.from(wScale.data));
    const inner = elementCount(w.shape.slice(axis + 1));
    const channelOf = (i: number) => (perChannel ? Math.floor(i / inner) % w.shape[axis] : 0);
    const weights = constant('float32', w.shape, Array.from(w.data, (v, i) => (v - (wZero?.data[perChannel ? channelOf(i) : 0] ?? 0)) * wScale.data[channelOf(i)]));
    const inputs = [node.input![0], `${node.output?.[0] ?? type}/weights`];
    this.entries.set(inputs[1], weights);
    if (type === 'Conv' && node.input?.[8]) {
      const b = this.const(8, 'B');
      const scaleOf = (c: number) => input.scale * wScale.data[perChannel ? c : 0];
      inputs.push(`${node.output?.[0] ?? type}/bias`);
      this.entries.set(inputs[2], constant('float32', b.shape, Array.from(b.data, (v, c) => v * scaleOf(c))));
    }
    this.node = { ...node, input: inputs };
    try {
      if (type === 'Conv') this.conv();
      else this.matmul();
    } finally {
      this.node = node;
    }
    const out = this.entries.get(node.output?.[0] ?? '');
    if (!out || out.kind !== 'value') this.fail('produced no output');
    this.encode(this.settle(out).tensor, this.quantParams(6, 7, 'y'));
  }

  // ---- GRU

  /**
   * ONNX GRU (gate order z, r, h) → TD_GRU (slots r, z, n) per direction: forward, reverse, or
   * both joined on the direction axis of Y. Y_h is each direction's last state (a slice of its
   * sequence). The recurrent biases of r and z add to the input-side ones; the new gate's stays
   * apart with linear_before_reset.
   */
  /**
   * What LSTM, GRU and RNN nodes share: activations (each direction's list must be `expected`, or
   * for the RNN one of them), no clip, direction and layout, X (rank 3, in [T, B, F] or [B, T, F]
   * order as the IR best holds it), W [dirs, gates·H, F], R [dirs, gates·H, H], B, full-length
   * sequence_lens and zero initial states (inputs `stateInputs`).
   */
  private recurrentNode(gates: number, expected: readonly string[], stateInputs: readonly (readonly [number, string])[]) {
    const activations = (this.attrs.get('activations')?.strings ?? []).map((a) => text(a));
    if (activations.length > 0 && activations.some((a, i) => a !== expected[i % expected.length])) {
      this.fail(`activations [${activations.join(', ')}] are not supported (only the default ${expected.join(', ')})`);
    }
    if (this.attrs.has('clip')) this.fail('clip is not supported');
    const direction = this.string('direction', 'forward');
    const directions = direction === 'bidirectional' ? 2 : 1;
    const layout = this.int('layout', 0);
    const x = this.settle(this.value(0, 'X'));
    if (x.shape.length !== 3) this.fail(`input X ${formatShape(x.shape)} must have rank 3`);
    const w = this.const(1, 'W');
    const r = this.const(2, 'R');
    const b = this.optionalConst(3, 'B');
    const hidden = this.int('hidden_size', r.shape[2]);
    const [steps, batch, features] = layout ? [x.shape[1], x.shape[0], x.shape[2]] : x.shape;
    if (!sameList(w.shape, [directions, gates * hidden, features])) this.fail(`W ${formatShape(w.shape)} should be [${directions}, ${gates * hidden}, ${features}]`);
    if (!sameList(r.shape, [directions, gates * hidden, hidden])) this.fail(`R ${formatShape(r.shape)} should be [${directions}, ${gates * hidden}, ${hidden}]`);
    if (this.node.input?.[4]) {
      const lengths = this.const(4, 'sequence_lens');
      if (Array.from(lengths.data).some((length) => length !== steps)) this.fail(`sequence_lens [${Array.from(lengths.data).join(', ')}] shorter than the ${steps} steps are not supported`);
    }
    for (const [index, role] of stateInputs) {
      if (!this.node.input?.[index]) continue;
      if (!this.isConst(index)) this.fail(`${role} is computed by the graph; only a zero initial state is supported`);
      if (Array.from(this.const(index, role).data).some((v) => v !== 0)) this.fail(`a non-zero ${role} is not supported`);
    }
    // IR layout: time-major when X is [T, B, F] in the IR, batch-major when the IR holds [B, T, F].
    const input = x.perm[2] !== 2 ? this.identity(x) : x;
    const timeMajor = input.perm[0] === (layout ? 1 : 0);
    const name = this.node.name || this.outputName();
    return { direction, directions, layout, w, r, b, hidden, steps, batch, features, input, timeMajor, name };
  }

  private gru(): void {
    const { direction, directions, layout, w, r, b, hidden, steps, batch, features, input, timeMajor, name } = this.recurrentNode(3, ['Sigmoid', 'Tanh'], [[5, 'initial_h']]);
    const linearBeforeReset = this.int('linear_before_reset', 0) === 1;
    const onnxGate = { z: 0, r: 1, n: 2 };
    const sequences: number[] = [];
    for (let d = 0; d < directions; d++) {
      const reverse = direction === 'reverse' || d === 1;
      const prefix = `${name}/${reverse ? 'backward' : 'forward'}`;
      const block = (c: Constant, g: number, cols: number) => {
        const start = (d * 3 * hidden + g * hidden) * cols;
        return Float32Array.from(c.data.subarray(start, start + hidden * cols));
      };
      const bias = (offset: number, g: number) => {
        const values = new Float32Array(hidden);
        if (b) for (let u = 0; u < hidden; u++) values[u] = b.data[d * 6 * hidden + offset + g * hidden + u];
        return values;
      };
      const gates = ['r', 'z', 'n'] as const;
      const inputWeights = gates.map((g) => this.addTensor(`${prefix}/W_${g}`, [hidden, features], 'float32', block(w, onnxGate[g], features)));
      const recurrentWeights = gates.map((g) => this.addTensor(`${prefix}/R_${g}`, [hidden, hidden], 'float32', block(r, onnxGate[g], hidden)));
      const biases = gates.map((g) => {
        const values = bias(0, onnxGate[g]);
        if (g !== 'n' || !linearBeforeReset) {
          const recurrent = bias(3 * hidden, onnxGate[g]);
          for (let u = 0; u < hidden; u++) values[u] += recurrent[u];
        }
        return this.addTensor(`${prefix}/b_${g}`, [hidden], 'float32', values);
      });
      const recurrentNBias = linearBeforeReset ? this.addTensor(`${prefix}/rb_n`, [hidden], 'float32', bias(3 * hidden, onnxGate.n)) : -1;
      const state = this.addTensor(`${prefix}/hidden_state`, [batch, hidden], 'float32');
      this.tensors[state].variable = true;
      const sequence = this.addTensor(`${prefix}/sequence`, timeMajor ? [steps, batch, hidden] : [batch, steps, hidden], 'float32');
      this.addOp('TD_GRU', [input.tensor, ...inputWeights, ...recurrentWeights, ...biases, recurrentNBias, state], [sequence], {
        linearBeforeReset,
        timeMajor,
        reverse,
        returnSequences: true,
      });
      sequences.push(sequence);
    }
    this.recurrentOutputs(name, sequences, { steps, batch, hidden, layout, timeMajor, direction, what: 'GRU' });
  }

  /**
   * Y and Y_h of a recurrent node from each direction's IR sequence ([T, B, H] time-major or
   * [B, T, H], in time order): the directions side by side (CONCATENATION) relabelled as Y
   * (layout 0 [T, dirs, B, H], layout 1 [B, T, dirs, H]); Y_h the forward direction's last step
   * and the backward one's first, sliced from Y.
   */
  private recurrentOutputs(
    name: string,
    sequences: number[],
    shape: { steps: number; batch: number; hidden: number; layout: number; timeMajor: boolean; direction: string; what: string },
  ): void {
    const { steps, batch, hidden, layout, timeMajor, direction, what } = shape;
    const directions = sequences.length;
    // IR: [T, B, dirs·H] (time-major) or [B, T, dirs·H], the directions side by side.
    const joinedShape = timeMajor ? [steps, batch, directions * hidden] : [batch, steps, directions * hidden];
    let joined = sequences[0];
    if (directions === 2) {
      joined = this.addTensor(`${name}/sequences`, joinedShape, 'float32');
      this.addOp('CONCATENATION', sequences, [joined], { axis: 2, activation: 'none' });
    }
    // ONNX dims of Y: layout 0 [T, dirs, B, H], layout 1 [B, T, dirs, H]; the IR holds (T or B, B or T, dirs, H).
    const [tAxis, dirAxis, bAxis] = layout ? [1, 2, 0] : [0, 1, 2];
    const yShape = layout ? [batch, steps, directions, hidden] : [steps, directions, batch, hidden];
    // One direction: its unit axis last (IR [T, B, H, 1]), which a Squeeze of it drops without moving data.
    const yPerm = directions === 1 ? (timeMajor ? [tAxis, bAxis, 3, dirAxis] : [bAxis, tAxis, 3, dirAxis]) : timeMajor ? [tAxis, bAxis, dirAxis, 3] : [bAxis, tAxis, dirAxis, 3];
    const y: Value = this.newValue(yShape, yPerm);
    this.reshape(joined, y.tensor);
    const lastHidden = this.node.output?.[1];
    if (lastHidden && (this.readers.get(lastHidden) ?? 0) > 0) {
      // Y_h [dirs, B, H] (layout 1: [B, dirs, H]): the forward direction's last step, the backward one's first.
      const parts = sequences.map((tensor, d) => {
        const reverse = direction === 'reverse' || d === 1;
        const sequence: Value = { kind: 'value', tensor, shape: [steps, batch, hidden], perm: timeMajor ? [0, 1, 2] : [1, 0, 2] };
        const box = [{ start: reverse ? 0 : steps - 1, count: 1, step: 1 }, { start: 0, count: batch, step: 1 }, { start: 0, count: hidden, step: 1 }];
        const part = this.stridedSlice(sequence, box, [], `the ${what} output Y_h`);
        // layout 1 gives Y_h as [B, dirs, H]: the same bytes relabelled.
        return layout ? { ...part, shape: [batch, 1, hidden], perm: part.perm.map((p) => [1, 0, 2][p]) } : part;
      });
      let yh = parts[0];
      if (directions === 2) {
        const axis = layout ? 1 : 0;
        const aligned = parts.map((part) => this.inLayout(part, parts[0].perm));
        yh = this.newValue(layout ? [batch, 2, hidden] : [2, batch, hidden], aligned[0].perm, 1);
        this.addOp('CONCATENATION', aligned.map((part) => part.tensor), [yh.tensor], { axis: aligned[0].perm.indexOf(axis), activation: 'none' });
      }
      this.tensors[yh.tensor].name = lastHidden;
      this.define(yh, 1);
    }
    if (this.node.output?.[0]) this.define(y);
  }

  // ---- LSTM

  /**
   * ONNX LSTM (gate order i, o, f, c) → UNIDIRECTIONAL_SEQUENCE_LSTM (TFLite's i, f, c, o) per
   * direction: forward, reverse or both. A reverse direction runs on REVERSE_V2 of the input along
   * time and its output is reversed back, as TFLite's converter writes Keras's Bidirectional
   * LSTM; Y and Y_h as for the GRU.
   */
  private lstm(): void {
    if (this.int('input_forget', 0)) this.fail('input_forget = 1 (coupled input and forget gates) is not supported');
    const { direction, directions, layout, w, r, b, hidden, steps, batch, features, input, timeMajor, name } = this.recurrentNode(4, ['Sigmoid', 'Tanh', 'Tanh'], [
      [5, 'initial_h'],
      [6, 'initial_c'],
      [7, 'P (peephole weights)'],
    ]);
    const cellOutput = this.node.output?.[2];
    if (cellOutput && (this.readers.get(cellOutput) ?? 0) > 0) this.fail('output Y_c (last cell state) is read by the graph; only Y and Y_h are supported');
    const irTimeAxis = timeMajor ? 0 : 1;
    // ONNX gate order i, o, f, c; TFLite inputs: 1-4 input weights (i, f, c, o), 5-8 recurrent, 12-15 biases.
    const onnxGate = { input: 0, output: 1, forget: 2, cell: 3 };
    const order = ['input', 'forget', 'cell', 'output'] as const;
    const irSequenceShape = timeMajor ? [steps, batch, hidden] : [batch, steps, hidden];
    const sequences: number[] = [];
    for (let d = 0; d < directions; d++) {
      const reverse = direction === 'reverse' || d === 1;
      const prefix = directions === 1 && !reverse ? name : `${name}/${reverse ? 'backward' : 'forward'}`;
      const gate = (c: Constant, g: number, cols: number) => {
        const start = (d * 4 * hidden + g * hidden) * cols;
        return Float32Array.from(c.data.subarray(start, start + hidden * cols));
      };
      const inputWeights = order.map((g) => this.addTensor(`${prefix}/W_${g}`, [hidden, features], 'float32', gate(w, onnxGate[g], features)));
      const recurrentWeights = order.map((g) => this.addTensor(`${prefix}/R_${g}`, [hidden, hidden], 'float32', gate(r, onnxGate[g], hidden)));
      const biases = order.map((g) => {
        const values = new Float32Array(hidden);
        if (b) for (let u = 0; u < hidden; u++) values[u] = b.data[d * 8 * hidden + onnxGate[g] * hidden + u] + b.data[d * 8 * hidden + 4 * hidden + onnxGate[g] * hidden + u];
        return this.addTensor(`${prefix}/b_${g}`, [hidden], 'float32', values);
      });
      const outputState = this.addTensor(`${prefix}/output_state`, [batch, hidden], 'float32');
      const cellState = this.addTensor(`${prefix}/cell_state`, [batch, hidden], 'float32');
      this.tensors[outputState].variable = true;
      this.tensors[cellState].variable = true;
      let lstmInput = input.tensor;
      const timeAxis = reverse ? this.addTensor(`${prefix}/time_axis`, [1], 'int32', Int32Array.of(irTimeAxis)) : -1;
      if (reverse) {
        this.requireOp('REVERSE_V2', `a ${direction} LSTM`);
        lstmInput = this.addTensor(`${prefix}/input_reversed`, this.tensors[input.tensor].shape, 'float32');
        this.addOp('REVERSE_V2', [input.tensor, timeAxis], [lstmInput], {});
      }
      const lstmOut = this.addTensor(`${prefix}/${reverse ? 'sequence_reversed' : 'sequence'}`, irSequenceShape, 'float32');
      this.addOp(
        'UNIDIRECTIONAL_SEQUENCE_LSTM',
        [lstmInput, ...inputWeights, ...recurrentWeights, -1, -1, -1, ...biases, -1, -1, outputState, cellState],
        [lstmOut],
        { activation: 'tanh', cellClip: 0, projClip: 0, timeMajor, asymmetricQuantizeInputs: false, diagonalRecurrentTensors: false },
      );
      let sequence = lstmOut;
      if (reverse) {
        sequence = this.addTensor(`${prefix}/sequence`, irSequenceShape, 'float32');
        this.addOp('REVERSE_V2', [lstmOut, timeAxis], [sequence], {});
      }
      sequences.push(sequence);
    }
    this.recurrentOutputs(name, sequences, { steps, batch, hidden, layout, timeMajor, direction, what: 'LSTM' });
  }

  // ---- RNN

  /**
   * ONNX RNN (a simple recurrent layer, H_t = f(W·X_t + R·H_{t−1} + Wb + Rb)) unrolled over its
   * steps into builtin ops every back end and TFLite run: per step a STRIDED_SLICE of the input,
   * FULLY_CONNECTED of it (both biases), FULLY_CONNECTED of the last state, ADD, the activation
   * (TANH, LOGISTIC or RELU fused into the ADD); the states PACKed along time. The first step
   * has no recurrent term (zero initial state). The state is not kept across runs.
   */
  private rnn(): void {
    const named = (this.attrs.get('activations')?.strings ?? []).map((a) => text(a));
    const kind = named[0] ?? 'Tanh';
    if (!['Tanh', 'Sigmoid', 'Relu'].includes(kind)) this.fail(`activations [${named.join(', ')}] are not supported (Tanh, Sigmoid or Relu, the same for both directions)`);
    const { direction, directions, layout, w, r, b, hidden, steps, batch, features, input, timeMajor, name } = this.recurrentNode(1, [kind], [[5, 'initial_h']]);
    for (const type of ['STRIDED_SLICE', 'FULLY_CONNECTED', 'ADD', 'PACK']) this.requireOp(type, 'an RNN');
    const activation: Activation = kind === 'Relu' ? 'relu' : 'none';
    const separate = kind === 'Tanh' ? 'TANH' : kind === 'Sigmoid' ? 'LOGISTIC' : undefined;
    const sequences: number[] = [];
    for (let d = 0; d < directions; d++) {
      const reverse = direction === 'reverse' || d === 1;
      const prefix = directions === 1 && !reverse ? name : `${name}/${reverse ? 'backward' : 'forward'}`;
      const block = (c: Constant, cols: number) => Float32Array.from(c.data.subarray(d * hidden * cols, (d + 1) * hidden * cols));
      const inputWeights = this.addTensor(`${prefix}/W`, [hidden, features], 'float32', block(w, features));
      const recurrentWeights = this.addTensor(`${prefix}/R`, [hidden, hidden], 'float32', block(r, hidden));
      const bias = new Float32Array(hidden);
      if (b) for (let u = 0; u < hidden; u++) bias[u] = b.data[d * 2 * hidden + u] + b.data[d * 2 * hidden + hidden + u];
      const biasTensor = this.addTensor(`${prefix}/b`, [hidden], 'float32', bias);
      const states: number[] = new Array<number>(steps);
      let previous = -1;
      for (let k = 0; k < steps; k++) {
        const t = reverse ? steps - 1 - k : k;
        const step = `${prefix}/step${t}`;
        const slice = this.addTensor(`${step}/x`, [batch, features], 'float32');
        const begin = timeMajor ? [t, 0, 0] : [0, t, 0];
        const end = timeMajor ? [t + 1, batch, features] : [batch, t + 1, features];
        const vector = (label: string, values: number[]) => this.addTensor(`${step}/${label}`, [3], 'int32', Int32Array.from(values));
        this.addOp('STRIDED_SLICE', [input.tensor, vector('begin', begin), vector('end', end), vector('strides', [1, 1, 1])], [slice], {
          beginMask: 0,
          endMask: 0,
          ellipsisMask: 0,
          newAxisMask: 0,
          shrinkAxisMask: timeMajor ? 1 : 2,
          offset: false,
        });
        const projected = this.addTensor(previous < 0 && !separate ? `${step}/h` : `${step}/input_projection`, [batch, hidden], 'float32');
        const fcAttrs = { activation: previous < 0 ? activation : ('none' as Activation), keepNumDims: false, asymmetricQuantizeInputs: false };
        this.addOp('FULLY_CONNECTED', [slice, inputWeights, biasTensor], [projected], fcAttrs);
        let sum = projected;
        if (previous >= 0) {
          const recurrent = this.addTensor(`${step}/recurrent_projection`, [batch, hidden], 'float32');
          this.addOp('FULLY_CONNECTED', [previous, recurrentWeights, -1], [recurrent], { ...fcAttrs, activation: 'none' });
          sum = this.addTensor(separate ? `${step}/sum` : `${step}/h`, [batch, hidden], 'float32');
          this.addOp('ADD', [projected, recurrent], [sum], { activation });
        }
        let state = sum;
        if (separate) {
          state = this.addTensor(`${step}/h`, [batch, hidden], 'float32');
          this.addOp(separate, [sum], [state], {});
        }
        states[t] = state;
        previous = state;
      }
      const sequence = this.addTensor(`${prefix}/sequence`, timeMajor ? [steps, batch, hidden] : [batch, steps, hidden], 'float32');
      this.addOp('PACK', states, [sequence], { axis: timeMajor ? 0 : 1, valuesCount: steps });
      sequences.push(sequence);
    }
    this.recurrentOutputs(name, sequences, { steps, batch, hidden, layout, timeMajor, direction, what: 'RNN' });
  }
}

// ---------------------------------------------------------------- helpers

/** Thrown when a node reads the output of a node that failed: skipped, not reported again. */
class DependsOnFailure extends Error {}

export function onnxDType(type: number): DType | undefined {
  return ({ 1: 'float32', 2: 'uint8', 3: 'int8', 5: 'int16', 6: 'int32', 7: 'int64', 9: 'bool', 10: 'float16', 11: 'float32' } as Record<number, DType>)[type];
}

function irData(dtype: DType, data: Float32Array | Float64Array): TensorData {
  switch (dtype) {
    case 'float32':
      return Float32Array.from(data);
    case 'int32':
      return Int32Array.from(data);
    case 'int64':
      return BigInt64Array.from(Array.from(data, (v) => BigInt(v)));
    case 'int8':
      return Int8Array.from(data);
    case 'uint8':
    case 'bool':
      return Uint8Array.from(data);
    case 'int16':
      return Int16Array.from(data);
    default:
      return Float32Array.from(data);
  }
}

/** Rounds half to even, as ONNX QuantizeLinear does. */
function roundHalfToEven(v: number): number {
  const floor = Math.floor(v);
  const fraction = v - floor;
  if (fraction > 0.5) return floor + 1;
  if (fraction < 0.5) return floor;
  return floor % 2 === 0 ? floor : floor + 1;
}

function sameList(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

/** The order of the non-unit dimensions in a layout: two layouts with the same one hold the same bytes. */
function unitFree(perm: readonly number[], shape: readonly number[]): number[] {
  return perm.filter((p) => shape[p] !== 1);
}

/** Renumbers the entries of a list of distinct integers to 0 … n-1 keeping their order. */
function renumber(list: number[]): number[] {
  const sorted = [...list].sort((a, b) => a - b);
  return list.map((v) => sorted.indexOf(v));
}

function squeezeShape(shape: number[], axes: number[]): number[] {
  return shape.filter((_, i) => !axes.includes(i));
}

function unsqueezeShape(shape: number[], axes: number[]): number[] {
  const rank = shape.length + axes.length;
  const out: number[] = [];
  let next = 0;
  for (let i = 0; i < rank; i++) out.push(axes.includes(i) ? 1 : shape[next++]);
  return out;
}

function reshapeTarget(converter: OnnxConverter, from: number[], raw: number[]): number[] {
  const shape = raw.map((dim, i) => (dim === 0 ? from[i] : dim));
  const known = shape.filter((dim) => dim !== -1).reduce((a, b) => a * b, 1);
  const unknown = shape.filter((dim) => dim === -1).length;
  if (unknown > 1) converter.fail(`shape [${raw.join(', ')}] has more than one -1`);
  if (unknown === 1) shape[shape.indexOf(-1)] = elementCount(from) / known;
  if (elementCount(shape) !== elementCount(from) || shape.some((dim) => !Number.isInteger(dim) || dim < 0)) {
    converter.fail(`cannot reshape ${formatShape(from)} to [${raw.join(', ')}]`);
  }
  return shape;
}

/** TFLite SAME padding [before, after] of one spatial dimension. */
function samePads(size: number, kernel: number, stride: number, dilation: number): [number, number] {
  const out = Math.ceil(size / stride);
  const total = Math.max((out - 1) * stride + (kernel - 1) * dilation + 1 - size, 0);
  return [Math.floor(total / 2), total - Math.floor(total / 2)];
}

function windowOutput(padding: 'same' | 'valid', size: number, kernel: number, stride: number, dilation: number): number {
  if (padding === 'same') return Math.ceil(size / stride);
  return Math.floor((size - (kernel - 1) * dilation - 1) / stride) + 1;
}

export { isFloat };
