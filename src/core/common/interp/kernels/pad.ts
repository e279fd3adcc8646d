/** PAD host kernel: fills the output with the pad value, then copies each input row into place (plan in ops/pad.ts). */
import type { TensorData } from '../../ir/types.js';
import { elementCount } from '../../ir/tensor.js';
import { pad } from '../../ops/pad.js';
import { registerKernel } from '../registry.js';

registerKernel(pad, ({ before, defaultValue }, { graph, op }) => {
  const input = graph.tensors[op.inputs[0]];
  const output = graph.tensors[op.outputs[0]];
  const rank = input.shape.length;
  // Output strides, and the output offset of every input row (the innermost dimension is contiguous).
  const outputStrides = new Array<number>(rank).fill(1);
  for (let d = rank - 2; d >= 0; d--) outputStrides[d] = outputStrides[d + 1] * output.shape[d + 1];
  const rowLength = rank === 0 ? 1 : input.shape[rank - 1];
  const rowCount = rowLength === 0 ? 0 : elementCount(input.shape) / rowLength;
  const rowOffsets = new Int32Array(rowCount);
  const index = new Array<number>(Math.max(rank - 1, 0)).fill(0);
  for (let row = 0; row < rowCount; row++) {
    let offset = rank === 0 ? 0 : before[rank - 1];
    for (let d = 0; d < rank - 1; d++) offset += (index[d] + before[d]) * outputStrides[d];
    rowOffsets[row] = offset;
    for (let d = rank - 2; d >= 0; d--) {
      if (++index[d] < input.shape[d]) break;
      index[d] = 0;
    }
  }

  return (inputs, outputs) => {
    const source = inputs[0] as TensorData;
    const out = outputs[0];
    const padValue = inputs[2] !== undefined ? (inputs[2][0] as number) : defaultValue;
    out.fill(padValue as never);
    for (let row = 0; row < rowCount; row++) {
      out.set(source.subarray(row * rowLength, (row + 1) * rowLength) as never, rowOffsets[row]);
    }
  };
});
