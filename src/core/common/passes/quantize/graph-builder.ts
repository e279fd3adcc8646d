/**
 * The quantized graph under construction, shared by the quantizer of ordinary ops
 * (quantize-graph.ts) and of the LSTM (quantize-lstm.ts): tensors by id, ops in order, and the
 * bookkeeping that keeps each constant and each conversion made once.
 */
import { PassError } from '../../errors.js';
import type { DType, Graph, Op, Quantization, Tensor, TensorData } from '../../ir/types.js';
import type { CalibrationTable } from './calibrate.js';
import type { ValueRange } from './observers.js';
import { activationQuantization, type QuantizedDType } from './parameters.js';

/** The precision of one op after quantization. */
export type Precision = 'float32' | QuantizedDType;

export function isFloatActivation(tensor: Tensor): boolean {
  return tensor.dtype === 'float32' && tensor.data === undefined && !tensor.variable;
}

export function isFloatConstant(tensor: Tensor): boolean {
  return tensor.dtype === 'float32' && tensor.data !== undefined && !tensor.variable;
}

function sameQuantization(a: Quantization | undefined, b: Quantization | undefined): boolean {
  return (
    a !== undefined &&
    b !== undefined &&
    a.scale.length === b.scale.length &&
    a.scale.every((scale, i) => Math.fround(scale) === Math.fround(b.scale[i]) && a.zeroPoint[i] === b.zeroPoint[i])
  );
}

/** A constant as the builder makes it: the fields that replace the float original's. */
export interface ConstantForm {
  dtype: DType;
  data: TensorData;
  quantization?: Quantization;
}

/**
 * The quantized graph under construction (see the file comment): tensors by id, ops in order,
 * and the bookkeeping that keeps each constant and each conversion made once.
 */
export class QuantizedGraphBuilder {
  readonly tensors: Tensor[];
  readonly ops: Op[] = [];
  readonly notes: string[] = [];
  /** Conversion ops added so far. */
  conversions = 0;
  /** Constant id → key of the form now in its slot. */
  private readonly claims = new Map<number, string>();
  /** `${id}|${key}` → id of an appended copy of a constant in another form. */
  private readonly copies = new Map<string, number>();
  /** `${id}|${dtype}|${scale}|${zeroPoint}` → id of an activation's converted copy. */
  private readonly converted = new Map<string, number>();

  constructor(
    readonly source: Graph,
    readonly table: CalibrationTable,
  ) {
    this.tensors = [...source.tensors];
  }

  /** The calibrated range of a float activation; PassError when calibration never saw it. */
  range(id: number): ValueRange {
    const range = this.table.tensors.get(id);
    if (!range) throw new PassError(`tensor ${id} (${this.source.tensors[id].name}) has no calibrated range`, { tensor: id });
    return range;
  }

  /** Appends a tensor and returns its id. */
  add(fields: Omit<Tensor, 'id'>): number {
    const id = this.tensors.length;
    this.tensors.push({ ...fields, id });
    return id;
  }

  /** Gives an activation (graph input or op output) or a state tensor its quantized encoding, in place. */
  encode(id: number, dtype: DType, quantization: Quantization, fields: Partial<Pick<Tensor, 'variable'>> = {}): void {
    const { name, shape } = this.source.tensors[id];
    this.tensors[id] = { id, name, shape: [...shape], dtype, quantization, ...fields };
  }

  /**
   * Constant `id` in the form `key` names (made by `make` the first time): in the constant's own
   * slot when no other form claimed it first, otherwise an appended copy. The key `float32`
   * stands for the original, unchanged.
   */
  constant(id: number, key: string, make: () => ConstantForm): number {
    const claim = this.claims.get(id);
    if (claim === key) return id;
    const cached = this.copies.get(`${id}|${key}`);
    if (cached !== undefined) return cached;
    const original = this.source.tensors[id];
    if (claim === undefined && key === 'float32') {
      this.claims.set(id, key);
      return id;
    }
    const form = key === 'float32' ? { dtype: original.dtype, data: original.data! } : make();
    const fields: Omit<Tensor, 'id'> = { name: original.name, shape: [...original.shape], ...form };
    if (claim === undefined) {
      this.claims.set(id, key);
      this.tensors[id] = { ...fields, id };
      return id;
    }
    const copy = this.add({ ...fields, name: `${original.name}/${form.dtype}` });
    this.copies.set(`${id}|${key}`, copy);
    return copy;
  }

  /**
   * Activation `id` as a reader at `dtype` needs it: the tensor itself when its encoding fits
   * (and equals `quantization` when one is required), otherwise a converted copy made by a
   * QUANTIZE or DEQUANTIZE op added now, before the reader.
   */
  representation(id: number, dtype: Precision, quantization?: Quantization): number {
    const home = this.tensors[id];
    if (dtype === 'float32' ? home.dtype === 'float32' : home.dtype === dtype && (!quantization || sameQuantization(home.quantization, quantization))) {
      return id;
    }
    const target = dtype === 'float32' ? undefined : (quantization ?? activationQuantization(dtype, this.range(id)));
    const key = `${id}|${dtype}|${target?.scale[0]}|${target?.zeroPoint[0]}`;
    const cached = this.converted.get(key);
    if (cached !== undefined) return cached;
    const converted = this.add({
      name: `${home.name}/${home.dtype === dtype ? 'requantized' : dtype}`,
      shape: [...home.shape],
      dtype,
      ...(target ? { quantization: target } : {}),
    });
    this.ops.push({ type: dtype === 'float32' ? 'DEQUANTIZE' : 'QUANTIZE', attrs: {}, inputs: [id], outputs: [converted] });
    this.converted.set(key, converted);
    this.conversions++;
    return converted;
  }

  /** Keeps a float op as it is, its float inputs in float32 (converted back where a producer was quantized). */
  keep(op: Op): void {
    const inputs = op.inputs.map((id) => {
      if (id < 0) return id;
      const tensor = this.source.tensors[id];
      if (isFloatActivation(tensor)) return this.representation(id, 'float32');
      if (isFloatConstant(tensor)) return this.constant(id, 'float32', () => ({ dtype: tensor.dtype, data: tensor.data! }));
      return id;
    });
    this.ops.push(inputs.every((id, i) => id === op.inputs[i]) ? op : ({ ...op, inputs } as Op));
  }
}
