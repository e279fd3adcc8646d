/**
 * fold-static-shapes: a SHAPE op becomes the constant vector of its input's dimensions. Shapes
 * are static in TinyDeploy, so SHAPE never depends on the values flowing through the graph; once
 * it is a constant, `fold-constants` folds what was computed from it (the STRIDED_SLICE and PACK
 * of Keras's Flatten and Reshape, which build a RESHAPE's target shape from the batch size).
 *
 *     before                                          after
 *     %0 input [1,4,4,3] ─ SHAPE ─ %1 int32 [4]        %1 int32 const [4] = [1, 4, 4, 3]
 *
 * Math: none; the graph's outputs do not change. Left alone: a SHAPE writing a graph output (a
 * runtime still has an op writing every output buffer; its kernel writes the same constant).
 */

import { allocateData } from '../ir/tensor.js';
import type { Graph, Op, Tensor } from '../ir/types.js';
import type { PassContext } from './pass.js';
import { registerPass } from './registry.js';

export function foldStaticShapes(graph: Graph, context: PassContext): Graph {
  const outputs = new Set(graph.outputs);
  const tensors: Tensor[] = [...graph.tensors];
  const ops: Op[] = [];
  let folded = 0;
  for (const op of graph.ops) {
    const input = op.inputs[0];
    const output = op.outputs[0];
    const target = output === undefined ? undefined : graph.tensors[output];
    if (op.type !== 'SHAPE' || input === undefined || input < 0 || !target || outputs.has(output) || (target.dtype !== 'int32' && target.dtype !== 'int64')) {
      ops.push(op);
      continue;
    }
    const shape = graph.tensors[input].shape;
    if (target.shape.reduce((a, b) => a * b, 1) !== shape.length) {
      ops.push(op);
      continue;
    }
    const data = allocateData(target.dtype, shape.length);
    shape.forEach((dim, i) => {
      data[i] = (target.dtype === 'int64' ? BigInt(dim) : dim) as never;
    });
    tensors[output] = { ...target, data };
    folded++;
  }
  if (folded === 0) return graph;
  context.log(`folded ${folded} SHAPE op${folded === 1 ? '' : 's'} into constants`);
  return { ...graph, tensors, ops };
}

registerPass({
  name: 'fold-static-shapes',
  description: 'replaces SHAPE ops by the constant shape of their input (shapes are static), for fold-constants to fold what uses them',
  requires: 'nothing; never folds a SHAPE writing a graph output',
  options: {},
  run: foldStaticShapes,
});
