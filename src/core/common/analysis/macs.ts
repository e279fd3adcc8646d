/**
 * Multiply-accumulate counts per op: one MAC per use of a weight, the figure MLPerf Tiny, the
 * baseline (../shared/baseline) and most papers quote. Only ops that multiply by weights count;
 * pooling, element-wise arithmetic, softmax and reshapes are zero. Each op's formula lives in its
 * op-library definition (`macs`):
 *
 * - CONV_2D: batch · outH · outW · outC · kH · kW · (filter input channels)
 * - DEPTHWISE_CONV_2D: batch · outH · outW · outC · kH · kW
 * - FULLY_CONNECTED: batch · units · inputSize
 * - LSTM / UNIDIRECTIONAL_SEQUENCE_LSTM: time · batch · (every weight matrix present: rows · cols,
 *   i.e. 4 · units · (input + output) without CIFG, plus projection) + time · batch · units per
 *   peephole vector. Layer-norm coefficients and biases are not counted.
 */

import type { Graph, Op } from '../ir/types.js';
import { findOp } from '../ops/index.js';
import { lstmMacs } from '../ops/lstm.js';

/** MACs of one op (0 for ops without weight multiplications). */
export function opMacs(graph: Graph, op: Op): number {
  // TFLite's stateful LSTM has the sequence LSTM's weights (TinyDeploy counts it, it does not run it).
  if (op.type === 'LSTM') return lstmMacs(graph, op);
  return findOp(op.type)?.macs?.(graph, op) ?? 0;
}
