/**
 * BATCH_MATMUL (attrs adj_x, adj_y): out[..., m, n] = Σk x[..., m, k] · y[..., k, n], the batch
 * dimensions broadcast (numpy rules), as TFLite Micro's reference kernel computes it:
 * - float32: the products summed in float32 in k order;
 * - int8: Σ (x - zpX)(y - zpY) in int32, MultiplyByQuantizedMultiplier(sX·sY / sOut), plus
 *   zpOut, clamped to int8;
 * - int16 (zero points 0): Σ x·y in int64 and TFLite's 64-bit MultiplyByQuantizedMultiplier
 *   (the multiplier cut to 15 bits), clamped to int16.
 * The plan lists each output batch's element offsets into x and y.
 */
import { elementCount, formatShape } from '../ir/tensor.js';
import { dtypeRange, type ActivationRange } from './activation.js';
import { broadcastShapes } from './elementwise.js';
import type { QuantizedMultiplier } from './fixed-point.js';
import { expectDType, inputTensor, outputTensor, tensorName } from './op.js';
import { activationQuantization, rescale } from './quantization.js';
import { defineOp } from './registry.js';

export interface BatchMatmulPlan {
  m: number;
  k: number;
  n: number;
  adjX: boolean;
  adjY: boolean;
  /** Per output batch: the element offset of its x matrix and of its y matrix. */
  lhsOffsets: number[];
  rhsOffsets: number[];
  arithmetic:
    | { flavour: 'float32' }
    | { flavour: 'int8' | 'int16'; lhsOffset: number; rhsOffset: number; outputOffset: number; multiplier: QuantizedMultiplier; range: ActivationRange };
}

export const batchMatmul = defineOp<BatchMatmulPlan>({
  types: ['BATCH_MATMUL'],
  minInputs: 2,
  // The quantizer gives BATCH_MATMUL int8 or float32 (int16 ones come from imported models).
  precisions: ['int8', 'float32'],
  macs(graph, op) {
    const output = graph.tensors[op.outputs[0]];
    const lhs = graph.tensors[op.inputs[0]];
    const adjX = (op.attrs as { adjX?: boolean }).adjX ?? false;
    return elementCount(output.shape) * (adjX ? lhs.shape.at(-2)! : lhs.shape.at(-1)!);
  },
  prepare(context) {
    const lhs = inputTensor(context, 0, 'x');
    const rhs = inputTensor(context, 1, 'y');
    const output = outputTensor(context);
    expectDType(context, lhs, 'x', 'float32', 'int8', 'int16');
    expectDType(context, rhs, 'y', lhs.dtype);
    expectDType(context, output, 'output', lhs.dtype);
    if (lhs.shape.length < 2 || rhs.shape.length < 2) context.fail(`x ${formatShape(lhs.shape)} and y ${formatShape(rhs.shape)} must have at least 2 dimensions`);
    const attrs = context.op.attrs as { adjX?: boolean; adjY?: boolean };
    const [adjX, adjY] = [attrs.adjX ?? false, attrs.adjY ?? false];
    const [lr, lc] = lhs.shape.slice(-2);
    const [rr, rc] = rhs.shape.slice(-2);
    const [m, k] = adjX ? [lc, lr] : [lr, lc];
    const [k2, n] = adjY ? [rc, rr] : [rr, rc];
    if (k !== k2) context.fail(`x ${tensorName(lhs)} ${formatShape(lhs.shape)} and y ${tensorName(rhs)} ${formatShape(rhs.shape)} do not share the inner dimension (${k} and ${k2})`);
    const batches = broadcastShapes(lhs.shape.slice(0, -2), rhs.shape.slice(0, -2)) ?? context.fail(`batch dimensions of x ${formatShape(lhs.shape)} and y ${formatShape(rhs.shape)} do not broadcast`);
    const expected = [...batches.shape, m, n];
    if (elementCount(expected) !== elementCount(output.shape)) context.fail(`output ${tensorName(output)} has shape ${formatShape(output.shape)}, expected ${formatShape(expected)}`);
    const lhsOffsets: number[] = [];
    const rhsOffsets: number[] = [];
    const total = elementCount(batches.shape);
    const rank = batches.shape.length;
    for (let b = 0; b < total; b++) {
      let rest = b;
      let [i1, i2] = [0, 0];
      for (let d = rank - 1; d >= 0; d--) {
        const index = rest % batches.shape[d];
        rest = Math.floor(rest / batches.shape[d]);
        i1 += index * batches.strides1[d];
        i2 += index * batches.strides2[d];
      }
      lhsOffsets.push(i1 * m * k);
      rhsOffsets.push(i2 * k * n);
    }
    const geometry = { m, k, n, adjX, adjY, lhsOffsets, rhsOffsets };
    if (lhs.dtype === 'float32') return { ...geometry, arithmetic: { flavour: 'float32' } };
    const flavour = lhs.dtype as 'int8' | 'int16';
    const qx = activationQuantization(context, lhs, 'x');
    const qy = activationQuantization(context, rhs, 'y');
    const qo = activationQuantization(context, output, 'output');
    if (flavour === 'int16' && (qx.zeroPoint !== 0 || qy.zeroPoint !== 0 || qo.zeroPoint !== 0)) {
      context.fail(`int16 x ${tensorName(lhs)}, y ${tensorName(rhs)} and output ${tensorName(output)} have zero points ${qx.zeroPoint}, ${qy.zeroPoint} and ${qo.zeroPoint}; TFLite Micro's int16 BATCH_MATMUL needs 0`);
    }
    return {
      ...geometry,
      arithmetic: {
        flavour,
        lhsOffset: -qx.zeroPoint,
        rhsOffset: -qy.zeroPoint,
        outputOffset: qo.zeroPoint,
        multiplier: rescale(context, (qx.scale * qy.scale) / qo.scale, 'output'),
        range: dtypeRange[flavour]!,
      },
    };
  },
});
