/**
 * Constant tensors of an ONNX graph and the ops evaluated on them at import time. Exporters
 * leave shape arithmetic in the graph (PyTorch writes `F.pad`'s padding as
 * Constant → ConstantOfShape → Concat → Reshape → Slice → Transpose → Cast, and `x.view(x.size(0), -1)`
 * as Shape → Gather → Unsqueeze → Concat); with every shape known (batch fixed to 1) all of it is
 * constant and is folded here, so no such op reaches TinyDeploy's graph.
 *
 * Floating-point constants keep float32 values; integer and boolean ones are held as float64
 * (exact for the shapes, axes and indices they carry).
 */
import type { DType } from '../../ir/types.js';
import { elementCount } from '../../ir/tensor.js';

export interface Constant {
  /** Tells constants from activations (`Value.kind` is 'value'). */
  kind?: 'const';
  dtype: DType;
  shape: number[];
  data: Float32Array | Float64Array;
}

export function isFloat(dtype: DType): boolean {
  return dtype === 'float32' || dtype === 'float16';
}

export function constant(dtype: DType, shape: number[], values: ArrayLike<number>): Constant {
  const data = isFloat(dtype) ? Float32Array.from(values) : Float64Array.from(values);
  return { dtype, shape: [...shape], data };
}

export function scalarValue(c: Constant): number {
  if (c.data.length !== 1) throw new RangeError(`expected one value, constant has shape [${c.shape.join(',')}]`);
  return c.data[0];
}

export function strides(shape: readonly number[]): number[] {
  const result = new Array<number>(shape.length).fill(1);
  for (let d = shape.length - 2; d >= 0; d--) result[d] = result[d + 1] * shape[d + 1];
  return result;
}

/** Transposes: output dimension i is input dimension perm[i]. */
export function transposeData<T extends Float32Array | Float64Array>(data: T, shape: readonly number[], perm: readonly number[]): T {
  const outShape = perm.map((p) => shape[p]);
  const inStrides = strides(shape);
  const out = new (data.constructor as new (n: number) => T)(data.length);
  const rank = shape.length;
  const index = new Array<number>(rank).fill(0);
  for (let o = 0; o < out.length; o++) {
    let offset = 0;
    for (let i = 0; i < rank; i++) offset += index[i] * inStrides[perm[i]];
    out[o] = data[offset];
    for (let i = rank - 1; i >= 0; i--) {
      if (++index[i] < outShape[i]) break;
      index[i] = 0;
    }
  }
  return out;
}

export function transposeConstant(c: Constant, perm: readonly number[]): Constant {
  return { dtype: c.dtype, shape: perm.map((p) => c.shape[p]), data: transposeData(c.data, c.shape, perm) };
}

/** numpy broadcasting of two shapes, or undefined when they do not broadcast. */
export function broadcastShape(a: readonly number[], b: readonly number[]): number[] | undefined {
  const rank = Math.max(a.length, b.length);
  const shape: number[] = [];
  for (let d = 0; d < rank; d++) {
    const x = a[d - (rank - a.length)] ?? 1;
    const y = b[d - (rank - b.length)] ?? 1;
    if (x !== y && x !== 1 && y !== 1) return undefined;
    shape.push(x === 1 ? y : x);
  }
  return shape;
}

/** The constant's values broadcast to `shape` (which it must broadcast to). */
export function broadcastTo(c: Constant, shape: readonly number[]): Constant {
  const rank = shape.length;
  const padded = [...new Array<number>(rank - c.shape.length).fill(1), ...c.shape];
  const inStrides = strides(padded).map((s, d) => (padded[d] === 1 ? 0 : s));
  const count = elementCount(shape);
  const out = new (c.data.constructor as new (n: number) => Float32Array | Float64Array)(count);
  const index = new Array<number>(rank).fill(0);
  for (let o = 0; o < count; o++) {
    let offset = 0;
    for (let i = 0; i < rank; i++) offset += index[i] * inStrides[i];
    out[o] = c.data[offset];
    for (let i = rank - 1; i >= 0; i--) {
      if (++index[i] < shape[i]) break;
      index[i] = 0;
    }
  }
  return { dtype: c.dtype, shape: [...shape], data: out };
}

export function binaryConstant(a: Constant, b: Constant, f: (x: number, y: number) => number, dtype = a.dtype): Constant | undefined {
  const shape = broadcastShape(a.shape, b.shape);
  if (!shape) return undefined;
  const x = broadcastTo(a, shape);
  const y = broadcastTo(b, shape);
  const values = new Float64Array(x.data.length);
  for (let i = 0; i < values.length; i++) values[i] = f(x.data[i], y.data[i]);
  if (!isFloat(dtype)) for (let i = 0; i < values.length; i++) values[i] = Math.trunc(values[i]);
  return constant(dtype, shape, values);
}

/** Slice along the given axes (ONNX Slice semantics: clamped starts/ends, negative steps). */
export function sliceConstant(c: Constant, starts: number[], ends: number[], axes: number[], steps: number[]): Constant {
  const rank = c.shape.length;
  const ranges = c.shape.map((dim) => ({ start: 0, step: 1, count: dim }));
  axes.forEach((rawAxis, i) => {
    const axis = rawAxis < 0 ? rawAxis + rank : rawAxis;
    const dim = c.shape[axis];
    const step = steps[i] ?? 1;
    let start = starts[i] < 0 ? starts[i] + dim : starts[i];
    let end = ends[i] < 0 ? ends[i] + dim : ends[i];
    if (step > 0) {
      start = Math.min(Math.max(start, 0), dim);
      end = Math.min(Math.max(end, 0), dim);
      ranges[axis] = { start, step, count: Math.max(0, Math.ceil((end - start) / step)) };
    } else {
      start = Math.min(Math.max(start, -1), dim - 1);
      end = Math.min(Math.max(end, -1), dim - 1);
      ranges[axis] = { start, step, count: Math.max(0, Math.ceil((end - start) / step)) };
    }
  });
  const shape = ranges.map((r) => r.count);
  const inStrides = strides(c.shape);
  const out: number[] = [];
  const index = new Array<number>(rank).fill(0);
  const total = elementCount(shape);
  for (let o = 0; o < total; o++) {
    let offset = 0;
    for (let i = 0; i < rank; i++) offset += (ranges[i].start + index[i] * ranges[i].step) * inStrides[i];
    out.push(c.data[offset]);
    for (let i = rank - 1; i >= 0; i--) {
      if (++index[i] < shape[i]) break;
      index[i] = 0;
    }
  }
  return constant(c.dtype, shape, out);
}

export function concatConstants(parts: Constant[], axis: number): Constant {
  const rank = parts[0].shape.length;
  const shape = [...parts[0].shape];
  shape[axis] = parts.reduce((sum, part) => sum + part.shape[axis], 0);
  const outer = elementCount(shape.slice(0, axis));
  const out: number[] = [];
  for (let o = 0; o < outer; o++) {
    for (const part of parts) {
      const inner = elementCount(part.shape.slice(axis, rank));
      for (let i = 0; i < inner; i++) out.push(part.data[o * inner + i]);
    }
  }
  return constant(parts[0].dtype, shape, out);
}

/** Gather along `axis` with constant indices. */
export function gatherConstant(c: Constant, indices: Constant, axis: number): Constant {
  const dim = c.shape[axis];
  const outer = elementCount(c.shape.slice(0, axis));
  const inner = elementCount(c.shape.slice(axis + 1));
  const out: number[] = [];
  for (let o = 0; o < outer; o++) {
    for (const rawIndex of indices.data) {
      const index = rawIndex < 0 ? rawIndex + dim : rawIndex;
      if (index < 0 || index >= dim) throw new RangeError(`index ${rawIndex} is outside a dimension of ${dim}`);
      for (let i = 0; i < inner; i++) out.push(c.data[(o * dim + index) * inner + i]);
    }
  }
  return constant(c.dtype, [...c.shape.slice(0, axis), ...indices.shape, ...c.shape.slice(axis + 1)], out);
}

/** Values converted as ONNX Cast does (floats to integers truncate toward zero). */
export function castConstant(c: Constant, dtype: DType): Constant {
  if (isFloat(dtype)) return constant(dtype, c.shape, c.data);
  if (dtype === 'bool') return constant(dtype, c.shape, Array.from(c.data, (v) => (v !== 0 ? 1 : 0)));
  return constant(dtype, c.shape, Array.from(c.data, (v) => Math.trunc(v)));
}
