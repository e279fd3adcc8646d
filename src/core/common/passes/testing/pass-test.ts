// Test helper for the pass tests (imported by *.test.ts only): a small graph builder, seeded
// random inputs, and `checkPass`, which runs a pass the way STYLE.md §9 asks (printout against
// the expected graph, validation, interpreter before and after on random inputs).
import { expect } from 'vitest';
import { Interpreter } from '../../interp/interpreter.js';
import { randomSource } from '../../interp/testing/kernels.js';
import { allocateData, elementCount } from '../../ir/tensor.js';
import { printGraph } from '../../ir/print.js';
import type { DType, Graph, Op, Quantization, Tensor, TensorData } from '../../ir/types.js';
import { validateGraph } from '../../ir/validate.js';
import type { PipelineEntry } from '../pipelines.js';
import { type PipelineResult, runPipeline } from '../run-pipeline.js';

/** Per-tensor quantization. */
export function perTensor(scale: number, zeroPoint = 0): Quantization {
  return { scale: [scale], zeroPoint: [zeroPoint], axis: 0 };
}

/** Per-channel quantization along `axis`, zero points 0. */
export function perChannel(scales: number[], axis: number): Quantization {
  return { scale: scales, zeroPoint: scales.map(() => 0), axis };
}

/**
 * Builds a graph tensor by tensor and op by op; tensors get ids in creation order, so a test
 * building the expected graph in the same order gets the same printout.
 */
export class GraphBuilder {
  private readonly tensors: Tensor[] = [];
  private readonly ops: Op[] = [];
  private readonly inputs: number[] = [];
  private readonly outputs: number[] = [];

  constructor(private readonly name: string) {}

  /** A graph input. */
  input(name: string, dtype: DType, shape: number[], quantization?: Quantization): number {
    const id = this.tensor(name, dtype, shape, quantization);
    this.inputs.push(id);
    return id;
  }

  /** An activation (written by an op). */
  tensor(name: string, dtype: DType, shape: number[], quantization?: Quantization): number {
    const id = this.tensors.length;
    this.tensors.push({ id, name, dtype, shape, ...(quantization ? { quantization } : {}) });
    return id;
  }

  constant(name: string, dtype: DType, shape: number[], data: TensorData, quantization?: Quantization): number {
    const id = this.tensor(name, dtype, shape, quantization);
    this.tensors[id] = { ...this.tensors[id], data };
    return id;
  }

  op(type: string, attrs: object, inputs: number[], outputs: number[]): this {
    this.ops.push({ type, attrs, inputs, outputs } as Op);
    return this;
  }

  output(...ids: number[]): this {
    this.outputs.push(...ids);
    return this;
  }

  build(): Graph {
    return { name: this.name, tensors: [...this.tensors], ops: [...this.ops], inputs: [...this.inputs], outputs: [...this.outputs] };
  }
}

/** Seeded data: int8 uniform over [-128, 127] (or [min, max]), float32 uniform over [min, max]. */
export function randomData(dtype: DType, count: number, seed: number, min = dtype === 'float32' ? -2 : -128, max = dtype === 'float32' ? 2 : 127): TensorData {
  const random = randomSource(seed);
  const data = allocateData(dtype, count);
  if (data instanceof Float32Array) return random.floats(data, min, max);
  if (data instanceof Int8Array || data instanceof Int16Array || data instanceof Int32Array) return random.ints(data, min, max);
  throw new Error(`randomData: no generator for ${dtype}`);
}

/** One seeded random value per element of every graph input. */
export function randomInputs(graph: Graph, seed: number): TensorData[] {
  return graph.inputs.map((id, i) => {
    const tensor = graph.tensors[id];
    return randomData(tensor.dtype, elementCount(tensor.shape), seed * 7919 + i);
  });
}

export function runGraph(graph: Graph, inputs: readonly TensorData[]): TensorData[] {
  return new Interpreter(graph).run(inputs).outputs;
}

/** Largest |a − b| and largest |b| over two float arrays. */
export function floatDeviation(actual: Float32Array, reference: Float32Array): { maxDelta: number; maxReference: number } {
  let maxDelta = 0;
  let maxReference = 0;
  for (let i = 0; i < reference.length; i++) {
    maxDelta = Math.max(maxDelta, Math.abs(actual[i] - reference[i]));
    maxReference = Math.max(maxReference, Math.abs(reference[i]));
  }
  return { maxDelta, maxReference };
}

/**
 * Expects equal outputs: integer outputs byte for byte; float32 within `tolerance · max|before|`
 * (0: bit for bit).
 */
export function expectSameOutputs(after: readonly TensorData[], before: readonly TensorData[], tolerance: number): void {
  expect(after.length).toBe(before.length);
  after.forEach((value, i) => {
    expect(value.constructor).toBe(before[i].constructor);
    if (value instanceof Float32Array && tolerance > 0) {
      const { maxDelta, maxReference } = floatDeviation(value, before[i] as Float32Array);
      expect(maxDelta, `output ${i}: max |Δ| ${maxDelta}, max |reference| ${maxReference}`).toBeLessThanOrEqual(tolerance * maxReference);
    } else {
      expect(new Uint8Array(value.buffer, value.byteOffset, value.byteLength)).toEqual(new Uint8Array(before[i].buffer, before[i].byteOffset, before[i].byteLength));
    }
  });
}

/** Freezes a graph's objects and arrays (typed arrays cannot be frozen; `validate` checks their bytes). */
export function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !ArrayBuffer.isView(value) && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

export interface PassCheck {
  /** The pass (or pipeline entries) to run. */
  passes: string | readonly PipelineEntry[];
  before: Graph;
  expected: Graph;
  /** Float outputs within tolerance · max|before| (0: bit for bit); integer outputs always exact. */
  tolerance?: number;
  /** Seeds of the random inputs (three by default). */
  seeds?: number[];
  /** Check outputs with the interpreter (false when the graph has an op the interpreter lacks). */
  run?: boolean;
}

/**
 * Runs the pass with validation on over a frozen input, expects the printout of the expected
 * graph, and the same outputs from the interpreter before and after on seeded random inputs.
 */
export async function checkPass({ passes, before, expected, tolerance = 0, seeds = [1, 2, 3], run = true }: PassCheck): Promise<PipelineResult> {
  const printoutBefore = printGraph(before);
  const result = await runPipeline(deepFreeze(before), typeof passes === 'string' ? [passes] : passes, { validate: true });
  expect(printGraph(before)).toBe(printoutBefore);
  expect(printGraph(result.graph)).toBe(printGraph(expected));
  validateGraph(result.graph);
  if (run) {
    for (const seed of seeds) {
      const inputs = randomInputs(before, seed);
      expectSameOutputs(runGraph(result.graph, inputs), runGraph(before, inputs), tolerance);
    }
  }
  return result;
}
