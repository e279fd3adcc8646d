import { tensorBytes } from '../../ir/tensor.js';
import { ifOp, whileOp } from '../../ops/control-flow.js';
import { input, output, registerLowerer, type EmittedSubgraph, type LowerContext, type OpEmitter } from '../lowering.js';

/**
 * IF and WHILE → a `static td_status` function per op that copies the operands into the
 * subgraph's inputs, calls the subgraph's own function (`td_sgN_run`, emitted by the generator
 * with its tensors at fixed places of the arena) and copies its outputs back. A subgraph's arena
 * is the op's scratch: IF's two branches share it (one runs), WHILE's cond and body each have a
 * part (both run every iteration). The loop values of a WHILE live in the op's outputs.
 */

const align = (bytes: number) => Math.ceil(bytes / 16) * 16;
const unique = (names: readonly string[]) => [...new Set(names)];

/** `memmove(to, from, bytes);` for each pair. */
function copies(pairs: readonly [to: string, from: string, bytes: number][]): string[] {
  return pairs.map(([to, from, bytes]) => `memmove(${to}, ${from}, ${bytes});`);
}

function call(subgraph: EmittedSubgraph): string[] {
  return [`status = ${subgraph.call};`, 'if (status != TD_OK) return status;'];
}

registerLowerer(ifOp, (plan, context) => {
  const branches = [plan.then, plan.else].map((graph) => context.subgraph(graph));
  return {
    kernels: unique(branches.flatMap((branch) => branch.kernels)),
    scratchBytes: Math.max(16, ...branches.map((branch) => align(branch.arenaBytes))),
    emit: (e: OpEmitter) => {
      const condition = e.pointer(input(context, 0, 'condition'), 'read');
      const body = [plan.then, plan.else].map((graph) => {
        const branch = e.subgraph(graph, 0);
        const args = plan.arguments.map((slot) => input(context, slot, `argument ${slot - 1}`));
        return [
          ...copies(graph.inputs.map((id, i) => [branch.pointer(id, 'write'), e.pointer(args[i], 'read'), tensorBytes(args[i])])),
          ...call(branch),
          ...copies(graph.outputs.map((id, i) => [e.pointer(output(context, i), 'write'), branch.pointer(id, 'read'), tensorBytes(output(context, i))])),
        ];
      });
      const name = e.function('if', ['td_status status;', `if (*${condition} != 0) {`, ...body[0].map(indent), '} else {', ...body[1].map(indent), '}', 'return TD_OK;']);
      return `${name}()`;
    },
  };
});

registerLowerer(whileOp, (plan, context: LowerContext) => {
  const cond = context.subgraph(plan.cond);
  const body = context.subgraph(plan.body);
  const bodyOffset = align(cond.arenaBytes);
  return {
    kernels: unique([...cond.kernels, ...body.kernels]),
    scratchBytes: Math.max(16, bodyOffset + align(body.arenaBytes)),
    emit: (e: OpEmitter) => {
      const condition = e.subgraph(plan.cond, 0);
      const step = e.subgraph(plan.body, bodyOffset);
      const values = plan.bytes.map((bytes, i) => ({ bytes, input: e.pointer(input(context, i, `loop value ${i}`), 'read'), value: e.pointer(output(context, i), 'write') }));
      const name = e.function('while', [
        'td_status status;',
        ...copies(values.map(({ bytes, input, value }) => [value, input, bytes])),
        'for (;;) {',
        ...[
          ...copies(plan.cond.inputs.map((id, i) => [condition.pointer(id, 'write'), values[i].value, values[i].bytes])),
          ...call(condition),
          `if (*${condition.pointer(plan.cond.outputs[0], 'read')} == 0) break;`,
          ...copies(plan.body.inputs.map((id, i) => [step.pointer(id, 'write'), values[i].value, values[i].bytes])),
          ...call(step),
          ...copies(plan.body.outputs.map((id, i) => [values[i].value, step.pointer(id, 'read'), values[i].bytes])),
        ].map(indent),
        '}',
        'return TD_OK;',
      ]);
      return `${name}()`;
    },
  };
});

function indent(line: string): string {
  return `  ${line}`;
}
