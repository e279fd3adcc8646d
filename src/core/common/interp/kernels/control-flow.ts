/**
 * IF and WHILE host kernels (ops/control-flow.ts). Each subgraph is prepared once, with the same
 * kernels as the main graph, and run by a small executor here (the interpreter's loop without its
 * checks, which the op library's prepare and the kernels' own prepares have done).
 */
import { InterpreterError } from '../../errors.js';
import { allocateData, elementCount } from '../../ir/tensor.js';
import type { Graph, TensorData } from '../../ir/types.js';
import { ifOp, whileOp } from '../../ops/control-flow.js';
import type { KernelEval } from '../kernel.js';
import { findKernel, registerKernel } from '../registry.js';

/** Most iterations a WHILE may run before the interpreter calls it a hang. */
export const MAX_WHILE_ITERATIONS = 100_000;

type SubgraphRun = (inputs: readonly TensorData[]) => TensorData[];

function prepareSubgraph(graph: Graph, where: string): SubgraphRun {
  const evals: KernelEval[] = graph.ops.map((op, opIndex) => {
    const prepare = findKernel(op.type);
    if (!prepare) throw new InterpreterError(`${where}: op ${opIndex} (${op.type}) has no host kernel`);
    return prepare({ graph, op, opIndex });
  });
  return (inputs) => {
    const values: (TensorData | undefined)[] = graph.tensors.map((tensor) => tensor.data);
    graph.inputs.forEach((id, i) => (values[id] = inputs[i]));
    graph.ops.forEach((op, opIndex) => {
      const outputs = op.outputs.map((id) => (values[id] = allocateData(graph.tensors[id].dtype, elementCount(graph.tensors[id].shape))));
      evals[opIndex](
        op.inputs.map((id) => (id < 0 ? undefined : values[id])),
        outputs,
      );
    });
    return graph.outputs.map((id) => values[id]!);
  };
}

const truthy = (value: TensorData | undefined) => value !== undefined && Number(value[0]) !== 0;

registerKernel(ifOp, (plan, context) => {
  const branches = [prepareSubgraph(plan.then, `${context.op.type} then`), prepareSubgraph(plan.else, `${context.op.type} else`)];
  return (inputs, outputs) => {
    const results = branches[truthy(inputs[0]) ? 0 : 1](plan.arguments.map((slot) => inputs[slot]!));
    results.forEach((result, i) => outputs[i].set(result as never));
  };
});

registerKernel(whileOp, (plan, context) => {
  const cond = prepareSubgraph(plan.cond, 'WHILE cond');
  const body = prepareSubgraph(plan.body, 'WHILE body');
  return (inputs, outputs) => {
    let values = inputs.map((value) => value!);
    for (let iteration = 0; truthy(cond(values)[0]); iteration++) {
      if (iteration >= MAX_WHILE_ITERATIONS) context.fail(`ran ${MAX_WHILE_ITERATIONS} iterations without its condition turning false`);
      values = body(values);
    }
    values.forEach((value, i) => outputs[i].set(value as never));
  };
});
