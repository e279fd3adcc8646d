import type { Graph, Tensor } from '../ir/types.js';
import { elementCount } from '../ir/tensor.js';

/**
 * Hybrid models (int8 weights, float activations, e.g. kws_ref_model_float32) are generated as
 * float models: every quantized constant that feeds an op computing in float32 is replaced by
 * its dequantized float32 copy, `real = scale[c] · (q − zeroPoint[c])` rounded to float32, with
 * c the channel along the quantization axis. The graph is not mutated: the float copies are
 * appended as new tensors and only the float ops are rewired to them. Deliberately not done:
 * DEQUANTIZE ops keep their int8 input, and int8 ops are untouched.
 *
 * The result is what TFLite computes with its weights dequantized up front; TFLite's hybrid
 * kernels instead quantize the activations on the fly, so outputs differ by that rounding.
 */
export function dequantizeHybridWeights(graph: Graph): { graph: Graph; dequantized: number[] } {
  const copies = new Map<number, number>();
  const tensors = [...graph.tensors];
  const isFloatOp = (outputs: number[], type: string) =>
    type !== 'DEQUANTIZE' && outputs.length > 0 && graph.tensors[outputs[0]]?.dtype === 'float32';
  const ops = graph.ops.map((op) => {
    if (!isFloatOp(op.outputs, op.type)) return op;
    let changed = false;
    const inputs = op.inputs.map((id) => {
      if (id < 0) return id;
      const tensor = graph.tensors[id];
      if (!isQuantizedConstant(tensor)) return id;
      if (!copies.has(id)) {
        const copy: Tensor = {
          id: tensors.length,
          name: `${tensor.name} (dequantized)`,
          shape: [...tensor.shape],
          dtype: 'float32',
          data: dequantize(tensor),
        };
        tensors.push(copy);
        copies.set(id, copy.id);
      }
      changed = true;
      return copies.get(id)!;
    });
    return changed ? { ...op, inputs } : op;
  });
  if (copies.size === 0) return { graph, dequantized: [] };
  return { graph: { ...graph, tensors, ops: ops as Graph['ops'] }, dequantized: [...copies.keys()] };
}

function isQuantizedConstant(tensor: Tensor): boolean {
  return (
    tensor.data !== undefined &&
    !tensor.variable &&
    (tensor.dtype === 'int8' || tensor.dtype === 'uint8' || tensor.dtype === 'int16') &&
    (tensor.quantization?.scale.length ?? 0) > 0
  );
}

function dequantize(tensor: Tensor): Float32Array {
  const q = tensor.quantization!;
  const data = tensor.data!;
  const count = elementCount(tensor.shape);
  const out = new Float32Array(count);
  if (q.scale.length === 1) {
    const scale = Math.fround(q.scale[0]);
    const zeroPoint = q.zeroPoint[0] ?? 0;
    for (let i = 0; i < count; i++) out[i] = Math.fround(scale * (Number(data[i]) - zeroPoint));
    return out;
  }
  // Per channel: the channel of element i is its index along `axis` of the row-major shape.
  const axis = q.axis;
  const inner = elementCount(tensor.shape.slice(axis + 1));
  const channels = tensor.shape[axis];
  for (let i = 0; i < count; i++) {
    const channel = Math.floor(i / inner) % channels;
    out[i] = Math.fround(Math.fround(q.scale[channel]) * (Number(data[i]) - (q.zeroPoint[channel] ?? 0)));
  }
  return out;
}
