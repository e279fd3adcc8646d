/**
 * TFLite's control flow: IF and WHILE, each running other subgraphs of the model.
 *
 * In the IR a subgraph is a Graph of its own (own tensors, ops, inputs, outputs) held in the op's
 * attributes, so a model stays one graph and passes that do not know control flow leave the op
 * alone (they see an op with inputs and outputs):
 *
 *     IF     inputs: 0 condition (bool or int32, one element), 1… arguments; outputs: results
 *            attrs: { then, else }  — both take the arguments and give the results
 *     WHILE  inputs: loop values; outputs: the loop values after the last iteration
 *            attrs: { cond, body }  — cond takes the loop values and gives one bool;
 *                                      body takes them and gives their next values
 *
 * Shapes are static (TFLite Micro's requirement too): every subgraph input and output has the
 * dtype and element count of the op operand it stands for, and a WHILE's loop values keep theirs.
 * A subgraph's quantization of a value is taken as is (bytes are passed, never rescaled).
 */
import type { Graph, Tensor } from '../ir/types.js';
import { elementCount, formatShape, tensorBytes } from '../ir/tensor.js';
import { printableName } from '../printable.js';
import { inputTensor, tensorName, type OpContext } from './op.js';
import { defineOp } from './registry.js';

export interface IfAttrs {
  then: Graph;
  else: Graph;
}

export interface WhileAttrs {
  cond: Graph;
  body: Graph;
}

export interface IfPlan {
  then: Graph;
  else: Graph;
  /** Op input slots passed to the branch, in the branch's input order (1…n). */
  arguments: number[];
}

export interface WhilePlan {
  cond: Graph;
  body: Graph;
  /** Bytes of each loop value. */
  bytes: number[];
}

function expectGraph(context: OpContext, value: unknown, role: string): Graph {
  const graph = value as Graph | undefined;
  if (!graph || !Array.isArray(graph.tensors) || !Array.isArray(graph.ops) || !Array.isArray(graph.inputs) || !Array.isArray(graph.outputs)) {
    context.fail(`attribute ${role} must be a subgraph`);
  }
  return graph;
}

function label(graph: Graph, role: string): string {
  return `${role} subgraph ${printableName(graph.name)}`;
}

/** The subgraph's tensors at `ids` must match `operands` in dtype and element count, one for one. */
function expectSignature(context: OpContext, graph: Graph, role: string, what: 'inputs' | 'outputs', operands: readonly Tensor[], operandRole: string): void {
  const ids = graph[what];
  if (ids.length !== operands.length) {
    context.fail(`${label(graph, role)} has ${ids.length} ${what}, the op passes ${operands.length} ${operandRole}`);
  }
  ids.forEach((id, i) => {
    const tensor = graph.tensors[id];
    const operand = operands[i];
    if (!tensor) context.fail(`${label(graph, role)} ${what.slice(0, -1)} ${i} refers to tensor ${id}, the subgraph has ${graph.tensors.length} tensors`);
    if (tensor.dtype !== operand.dtype || elementCount(tensor.shape) !== elementCount(operand.shape)) {
      context.fail(
        `${label(graph, role)} ${what.slice(0, -1)} ${i} ${tensorName(tensor)} is ${tensor.dtype} ${formatShape(tensor.shape)}, ` +
          `${operandRole} ${i} ${tensorName(operand)} is ${operand.dtype} ${formatShape(operand.shape)} (shapes must be static)`,
      );
    }
  });
}

function expectCondition(context: OpContext, tensor: Tensor, role: string): void {
  if ((tensor.dtype !== 'bool' && tensor.dtype !== 'int32') || elementCount(tensor.shape) !== 1) {
    context.fail(`${role} ${tensorName(tensor)} is ${tensor.dtype} ${formatShape(tensor.shape)}, expected one bool`);
  }
}

export const ifOp = defineOp<IfPlan>({
  types: ['IF'],
  minInputs: 1,
  precisions: ['float32'],
  prepare(context) {
    const attrs = context.op.attrs as Partial<IfAttrs>;
    const thenGraph = expectGraph(context, attrs.then, 'then');
    const elseGraph = expectGraph(context, attrs.else, 'else');
    expectCondition(context, inputTensor(context, 0, 'condition'), 'condition');
    const args = context.op.inputs.slice(1).map((_, i) => inputTensor(context, i + 1, `argument ${i}`));
    const results = context.op.outputs.map((id) => context.graph.tensors[id]);
    for (const [graph, role] of [
      [thenGraph, 'then'],
      [elseGraph, 'else'],
    ] as const) {
      expectSignature(context, graph, role, 'inputs', args, 'argument');
      expectSignature(context, graph, role, 'outputs', results, 'output');
    }
    return { then: thenGraph, else: elseGraph, arguments: args.map((_, i) => i + 1) };
  },
});

export const whileOp = defineOp<WhilePlan>({
  types: ['WHILE'],
  minInputs: 1,
  precisions: ['float32'],
  prepare(context) {
    const attrs = context.op.attrs as Partial<WhileAttrs>;
    const cond = expectGraph(context, attrs.cond, 'cond');
    const body = expectGraph(context, attrs.body, 'body');
    const values = context.op.inputs.map((_, i) => inputTensor(context, i, `loop value ${i}`));
    if (context.op.outputs.length !== values.length) context.fail(`has ${values.length} loop values but ${context.op.outputs.length} outputs`);
    const results = context.op.outputs.map((id) => context.graph.tensors[id]);
    expectSignature(context, body, 'body', 'inputs', values, 'loop value');
    expectSignature(context, body, 'body', 'outputs', values, 'loop value');
    expectSignature(context, cond, 'cond', 'inputs', values, 'loop value');
    results.forEach((result, i) => {
      if (result.dtype !== values[i].dtype || elementCount(result.shape) !== elementCount(values[i].shape)) {
        context.fail(`output ${i} ${tensorName(result)} is ${result.dtype} ${formatShape(result.shape)}, loop value ${i} is ${values[i].dtype} ${formatShape(values[i].shape)}`);
      }
    });
    if (cond.outputs.length !== 1) context.fail(`${label(cond, 'cond')} has ${cond.outputs.length} outputs, expected one bool`);
    expectCondition(context, cond.tensors[cond.outputs[0]], `${label(cond, 'cond')} output`);
    return { cond, body, bytes: values.map((value) => tensorBytes(value)) };
  },
});

