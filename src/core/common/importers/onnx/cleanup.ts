/**
 * What the ONNX converter's layout bookkeeping leaves behind, removed before the graph is
 * returned: chains of RESHAPEs (LSTM → [T,1,B,H] → Squeeze → [T,B,H]) collapse into one,
 * RESHAPEs to the tensor's own shape disappear, ops nobody reads (a Pad merged into a
 * convolution) and unused tensors (folded constants) are dropped, and tensor ids are renumbered.
 * RESHAPE only relabels bytes, so none of this changes a value.
 */
import type { Graph, Op, Tensor } from '../../ir/types.js';

export function removeLayoutLeftovers(graph: Graph): Graph {
  const ops: (Op | undefined)[] = graph.ops.map((op) => ({ ...op, inputs: [...op.inputs], outputs: [...op.outputs] }) as Op);
  const outputs = new Set(graph.outputs);
  const producerOf = (tensor: number) => ops.findIndex((op) => op?.outputs.includes(tensor));
  const readersOf = (tensor: number) => ops.filter((op) => op?.inputs.includes(tensor)).length;

  // RESHAPE of a RESHAPE whose middle tensor nobody else reads: read the first one's input.
  for (const op of ops) {
    if (op?.type !== 'RESHAPE') continue;
    for (;;) {
      const middle = op.inputs[0];
      const first = producerOf(middle);
      if (first < 0 || ops[first]!.type !== 'RESHAPE' || outputs.has(middle) || readersOf(middle) !== 1) break;
      op.inputs[0] = ops[first]!.inputs[0];
      ops[first] = undefined;
    }
  }
  // RESHAPE → activation → RESHAPE back (a 1-D layer's activation between two relabellings): the activation runs on the original.
  for (const [index, op] of ops.entries()) {
    if (!op || !shapeFree.has(op.type)) continue;
    const before = producerOf(op.inputs[0]);
    const after = ops.findIndex((reader) => reader?.type === 'RESHAPE' && reader.inputs[0] === op.outputs[0]);
    if (before < 0 || after < 0 || ops[before]!.type !== 'RESHAPE') continue;
    const [source, middle, result, target] = [ops[before]!.inputs[0], op.inputs[0], op.outputs[0], ops[after]!.outputs[0]];
    if (readersOf(middle) !== 1 || readersOf(result) !== 1 || outputs.has(middle) || outputs.has(result)) continue;
    if (!sameShape(graph.tensors[source], graph.tensors[target])) continue;
    ops[index] = { ...op, inputs: [source, ...op.inputs.slice(1)], outputs: [target] } as Op;
    ops[before] = undefined;
    ops[after] = undefined;
  }
  // RESHAPE to the same shape: readers read its input (kept when it is a graph output).
  for (const [index, op] of ops.entries()) {
    if (op?.type !== 'RESHAPE') continue;
    const [from, to] = [op.inputs[0], op.outputs[0]];
    if (!sameShape(graph.tensors[from], graph.tensors[to]) || outputs.has(to)) continue;
    for (const reader of ops) if (reader) reader.inputs = reader.inputs.map((id) => (id === to ? from : id));
    ops[index] = undefined;
  }
  // Dead ops, last to first.
  let changed = true;
  while (changed) {
    changed = false;
    for (const [index, op] of ops.entries()) {
      if (!op || op.outputs.some((id) => outputs.has(id) || readersOf(id) > 0)) continue;
      ops[index] = undefined;
      changed = true;
    }
  }
  const live = ops.filter((op): op is Op => op !== undefined);
  const used = new Set<number>([...graph.inputs, ...graph.outputs, ...live.flatMap((op) => [...op.inputs, ...op.outputs])]);
  const renumbered = new Map<number, number>();
  const tensors: Tensor[] = [];
  for (const tensor of graph.tensors) {
    if (!used.has(tensor.id)) continue;
    renumbered.set(tensor.id, tensors.length);
    tensors.push({ ...tensor, id: tensors.length });
  }
  const map = (id: number) => (id < 0 ? id : renumbered.get(id)!);
  return {
    ...graph,
    tensors,
    ops: live.map((op) => ({ ...op, inputs: op.inputs.map(map), outputs: op.outputs.map(map) }) as Op),
    inputs: graph.inputs.map(map),
    outputs: graph.outputs.map(map),
  };
}

/** Activations computed element by element whatever the shape. */
const shapeFree = new Set(['RELU', 'RELU6', 'RELU_N1_TO_1', 'LEAKY_RELU', 'LOGISTIC', 'TANH', 'HARD_SWISH']);

function sameShape(a: Tensor, b: Tensor): boolean {
  return a.dtype === b.dtype && a.shape.length === b.shape.length && a.shape.every((dim, i) => dim === b.shape[i]);
}
