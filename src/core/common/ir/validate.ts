import { ValidationError } from '../errors.js';
import { elementCount, formatShape } from './tensor.js';
import { firstOutsideInt4 } from './int4.js';
import type { Graph } from './types.js';
import { findOp } from '../ops/index.js';

/**
 * Every broken invariant of a graph, as messages naming the op or tensor: indices in range,
 * each tensor produced once and before it is used (ops are in execution order), constant
 * data of the right size, quantization consistent with the shape. Empty when valid.
 */
export function graphProblems(graph: Graph): string[] {
  const problems: string[] = [];
  const count = graph.tensors.length;
  const available = new Set<number>();
  graph.tensors.forEach((tensor, index) => {
    if (tensor.id !== index) problems.push(`tensor at index ${index} has id ${tensor.id}`);
    if (tensor.shape.some((dim) => !Number.isInteger(dim) || dim < 0)) {
      problems.push(`tensor ${index} (${tensor.name}) has invalid shape ${formatShape(tensor.shape)}`);
    }
    if (tensor.data) {
      const expected = tensor.dtype === 'string' ? tensor.data.length : elementCount(tensor.shape);
      if (tensor.data.length !== expected) {
        problems.push(`tensor ${index} (${tensor.name}) has ${tensor.data.length} values for shape ${formatShape(tensor.shape)}`);
      }
      available.add(index);
    }
    if (tensor.variable) available.add(index);
    if (tensor.packing === 'int4') {
      const outside = tensor.dtype === 'int8' && tensor.data ? firstOutsideInt4(tensor.data as Int8Array) : undefined;
      if (tensor.dtype !== 'int8' || !tensor.data) problems.push(`tensor ${index} (${tensor.name}) is marked int4-packed but is not an int8 constant`);
      else if (outside) problems.push(`tensor ${index} (${tensor.name}) is marked int4-packed but holds ${outside.value} at index ${outside.index}, outside [-8, 7]`);
    }
    const q = tensor.quantization;
    if (q) {
      if (q.scale.length !== q.zeroPoint.length) {
        problems.push(`tensor ${index} (${tensor.name}) has ${q.scale.length} scales and ${q.zeroPoint.length} zero points`);
      }
      if (q.scale.length > 1 && tensor.shape[q.axis] !== q.scale.length) {
        problems.push(
          `tensor ${index} (${tensor.name}) has ${q.scale.length} scales along axis ${q.axis} of shape ${formatShape(tensor.shape)}`,
        );
      }
    }
  });
  const inRange = (id: number) => Number.isInteger(id) && id >= 0 && id < count;
  for (const id of graph.inputs) {
    if (!inRange(id)) problems.push(`graph input refers to tensor ${id}, graph has ${count} tensors`);
    else available.add(id);
  }
  const producer = new Map<number, number>();
  graph.ops.forEach((op, index) => {
    const label = `op ${index} (${op.type})`;
    const minimum = findOp(op.type)?.minInputs;
    if (minimum !== undefined && op.inputs.length < minimum) {
      problems.push(`${label} has ${op.inputs.length} inputs, needs at least ${minimum}`);
    }
    op.inputs.forEach((id, i) => {
      if (id === -1) return;
      if (!inRange(id)) problems.push(`${label} input ${i} refers to tensor ${id}, graph has ${count} tensors`);
      else if (!available.has(id)) problems.push(`${label} input ${i} uses tensor ${id} before any op produces it`);
    });
    op.outputs.forEach((id, i) => {
      if (!inRange(id)) {
        problems.push(`${label} output ${i} refers to tensor ${id}, graph has ${count} tensors`);
        return;
      }
      const tensor = graph.tensors[id];
      if (tensor.data) problems.push(`${label} writes constant tensor ${id} (${tensor.name})`);
      if (producer.has(id)) problems.push(`${label} writes tensor ${id}, already written by op ${producer.get(id)}`);
      if (graph.inputs.includes(id)) problems.push(`${label} writes graph input tensor ${id}`);
      producer.set(id, index);
      available.add(id);
    });
    (op.intermediates ?? []).forEach((id, i) => {
      if (!inRange(id)) problems.push(`${label} intermediate ${i} refers to tensor ${id}, graph has ${count} tensors`);
      else if (op.inputs.includes(id) || op.outputs.includes(id)) problems.push(`${label} intermediate ${i} is tensor ${id}, which the op also reads or writes`);
    });
  });
  for (const id of graph.outputs) {
    if (!inRange(id)) problems.push(`graph output refers to tensor ${id}, graph has ${count} tensors`);
    else if (!available.has(id)) problems.push(`graph output tensor ${id} is never produced`);
  }
  return problems;
}

/** Throws ValidationError listing every problem (passes call this after each step in tests). */
export function validateGraph(graph: Graph): void {
  const problems = graphProblems(graph);
  if (problems.length > 0) {
    throw new ValidationError(`graph ${graph.name} is invalid: ${problems.join('; ')}`, { problems });
  }
}
