/**
 * Multiply-accumulate counts per op: one MAC per use of a weight, the figure MLPerf Tiny, the
 * baseline (../shared/baseline) and most papers quote. Only ops that multiply by weights count;
 * pooling, element-wise arithmetic, softmax and reshapes are zero.
 *
 * - CONV_2D: batch · outH · outW · outC · kH · kW · (filter input channels)
 * - DEPTHWISE_CONV_2D: batch · outH · outW · outC · kH · kW
 * - FULLY_CONNECTED: batch · units · inputSize
 * - LSTM / UNIDIRECTIONAL_SEQUENCE_LSTM: time · batch · (every weight matrix present: rows · cols,
 *   i.e. 4 · units · (input + output) without CIFG, plus projection) + time · batch · units per
 *   peephole vector. Layer-norm coefficients and biases are not counted.
 */

import type { Graph, Op, Tensor } from '../ir/types.js';
import { elementCount } from '../ir/tensor.js';

/** LSTM input slots holding weight matrices (TFLite's lstm_shared.h numbering). */
const lstmMatrixInputs = [1, 2, 3, 4, 5, 6, 7, 8, 16] as const;
/** LSTM peephole (diagonal) weights: cell-to-input, cell-to-forget, cell-to-output. */
const lstmPeepholeInputs = [9, 10, 11] as const;

/** MACs of one op (0 for ops without weight multiplications). */
export function opMacs(graph: Graph, op: Op): number {
  const tensor = (slot: number): Tensor | undefined => {
    const id = op.inputs[slot];
    return id === undefined || id < 0 ? undefined : graph.tensors[id];
  };
  const output = graph.tensors[op.outputs[0]];
  switch (op.type) {
    case 'CONV_2D': {
      const filter = tensor(1);
      if (!filter || filter.shape.length !== 4 || !output) return 0;
      const [, kernelH, kernelW, filterInChannels] = filter.shape;
      return elementCount(output.shape) * kernelH * kernelW * filterInChannels;
    }
    case 'DEPTHWISE_CONV_2D': {
      const filter = tensor(1);
      if (!filter || filter.shape.length !== 4 || !output) return 0;
      const [, kernelH, kernelW] = filter.shape;
      return elementCount(output.shape) * kernelH * kernelW;
    }
    case 'FULLY_CONNECTED': {
      const weights = tensor(1);
      if (!weights || weights.shape.length !== 2 || !output) return 0;
      // Every output element is a dot product over the weights' input dimension.
      return elementCount(output.shape) * weights.shape[1];
    }
    case 'LSTM':
    case 'UNIDIRECTIONAL_SEQUENCE_LSTM': {
      const input = tensor(0);
      const inputToOutput = tensor(4);
      if (!input || !inputToOutput || inputToOutput.shape.length !== 2) return 0;
      // Every step multiplies each weight once per batch row: steps · batch = input elements / input size.
      const rows = elementCount(input.shape) / inputToOutput.shape[1];
      const units = inputToOutput.shape[0];
      let perRow = 0;
      for (const slot of lstmMatrixInputs) {
        const weights = tensor(slot);
        if (weights) perRow += elementCount(weights.shape);
      }
      for (const slot of lstmPeepholeInputs) if (tensor(slot)) perRow += units;
      return rows * perRow;
    }
    default:
      return 0;
  }
}
