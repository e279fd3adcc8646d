/**
 * SPACE_TO_BATCH_ND and BATCH_TO_SPACE_ND (block_shape and paddings / crops the constant second
 * and third inputs), as TFLite's reference kernels move the elements of a 4-D NHWC tensor (a 3-D
 * [N, W, C] one is taken as [N, 1, W, C] with a block of 1 along H):
 *
 *     SPACE_TO_BATCH_ND  out[(s·B + b)][oh][ow][c] = in[b][oh·bh + sh - padTop][ow·bw + sw - padLeft][c]
 *     BATCH_TO_SPACE_ND  out[b][ih·bh + sh - cropTop][iw·bw + sw - cropLeft][c] = in[(s·B' + b)][ih][iw][c]
 *
 * with s = sh·bw + sw. Each block offset s is one strided copy (ops/strided-copy.ts); padding
 * outside the input reads the output zero point for int8 (0 for float), TFLite's pad value,
 * written before the copies.
 */
import type { Tensor } from '../ir/types.js';
import { dtypeBytes, formatShape } from '../ir/tensor.js';
import { expectConstant, expectDType, inputTensor, outputTensor, tensorName, type OpContext } from './op.js';
import type { CopyStep, MultiCopyPlan } from './pack-split.js';
import { activationQuantization } from './quantization.js';
import { defineOp } from './registry.js';
import { simplifyStridedCopy, stridesOf } from './strided-copy.js';

function constantInts(context: OpContext, slot: number, role: string, length: number): number[] {
  const tensor = inputTensor(context, slot, role);
  expectDType(context, tensor, role, 'int32', 'int64');
  const values = Array.from(expectConstant(context, tensor, role) as ArrayLike<number | bigint>, Number);
  if (values.length !== length) context.fail(`${role} ${tensorName(tensor)} has ${values.length} values, expected ${length}`);
  return values;
}

/** The range [first, last] of i ≥ 0 below `size` with 0 ≤ i·step + offset < limit. */
function validRange(size: number, step: number, offset: number, limit: number): { first: number; count: number } {
  const first = Math.max(0, Math.ceil(-offset / step));
  const last = Math.min(size - 1, Math.floor((limit - 1 - offset) / step));
  return { first, count: Math.max(0, last - first + 1) };
}

function prepareSpaceBatch(context: OpContext): MultiCopyPlan {
  const toBatch = context.op.type === 'SPACE_TO_BATCH_ND';
  const input = inputTensor(context, 0, 'input');
  const output = outputTensor(context);
  expectDType(context, input, 'input', 'float32', 'int8', 'int16', 'int32', 'int64');
  expectDType(context, output, 'output', input.dtype);
  const rank = input.shape.length;
  if (rank !== 3 && rank !== 4) context.fail(`input ${tensorName(input)} has shape ${formatShape(input.shape)}; TFLite takes 3-D or 4-D`);
  const spatial = rank - 2;
  let block = constantInts(context, 1, 'block_shape', spatial);
  let pads = constantInts(context, 2, toBatch ? 'paddings' : 'crops', spatial * 2);
  const shape4 = (tensor: Tensor) => (rank === 4 ? tensor.shape : [tensor.shape[0], 1, tensor.shape[1], tensor.shape[2]]);
  if (rank === 3) {
    block = [1, block[0]];
    pads = [0, 0, pads[0], pads[1]];
  }
  const [bh, bw] = block;
  if (bh < 1 || bw < 1) context.fail(`block_shape [${block.join(', ')}] must be positive`);
  if (pads.some((p) => p < 0)) context.fail(`${toBatch ? 'paddings' : 'crops'} [${pads.join(', ')}] contain a negative value`);
  const [B, H, W, C] = shape4(input);
  const expected = toBatch
    ? [B * bh * bw, (H + pads[0] + pads[1]) / bh, (W + pads[2] + pads[3]) / bw, C]
    : [B / (bh * bw), H * bh - pads[0] - pads[1], W * bw - pads[2] - pads[3], C];
  const actual = shape4(output);
  if (expected.some((dim) => !Number.isInteger(dim) || dim < 0) || formatShape(expected) !== formatShape(actual)) {
    context.fail(`output ${tensorName(output)} has shape ${formatShape(output.shape)}, block_shape [${block.join(', ')}] on ${formatShape(input.shape)} gives ${formatShape(expected)}`);
  }
  const inS = stridesOf([B, H, W, C]);
  const outS = stridesOf(actual);
  const steps: CopyStep[] = [];
  for (let s = 0; s < bh * bw; s++) {
    const [sh, sw] = [Math.floor(s / bw), s % bw];
    if (toBatch) {
      const rows = validRange(actual[1], bh, sh - pads[0], H);
      const cols = validRange(actual[2], bw, sw - pads[2], W);
      if (rows.count === 0 || cols.count === 0 || B === 0) continue;
      steps.push({
        input: 0,
        output: 0,
        copy: simplifyStridedCopy({
          count: [B, rows.count, cols.count, C],
          inputStep: [inS[0], bh * inS[1], bw * inS[2], 1],
          outputStep: outS,
          inputBase: (rows.first * bh + sh - pads[0]) * inS[1] + (cols.first * bw + sw - pads[2]) * inS[2],
          outputBase: s * B * outS[0] + rows.first * outS[1] + cols.first * outS[2],
        }),
      });
    } else {
      const outB = actual[0];
      const rows = validRange(H, bh, sh - pads[0], actual[1]);
      const cols = validRange(W, bw, sw - pads[2], actual[2]);
      if (rows.count === 0 || cols.count === 0 || outB === 0) continue;
      steps.push({
        input: 0,
        output: 0,
        copy: simplifyStridedCopy({
          count: [outB, rows.count, cols.count, C],
          inputStep: [inS[0], inS[1], inS[2], 1],
          outputStep: [outS[0], bh * outS[1], bw * outS[2], 1],
          inputBase: s * outB * inS[0] + rows.first * inS[1] + cols.first * inS[2],
          outputBase: (rows.first * bh + sh - pads[0]) * outS[1] + (cols.first * bw + sw - pads[2]) * outS[2],
        }),
      });
    }
  }
  const padded = toBatch && pads.some((p) => p > 0);
  const fill = padded ? (input.dtype === 'int8' || input.dtype === 'int16' ? activationQuantization(context, output, 'output').zeroPoint : 0) : undefined;
  return { steps, elementBytes: dtypeBytes(input.dtype), ...(fill === undefined ? {} : { fill }) };
}

export const spaceToBatchNd = defineOp<MultiCopyPlan>({ types: ['SPACE_TO_BATCH_ND'], minInputs: 3, precisions: ['int8', 'int16', 'float32'], preservesQuantization: { input: 0 }, prepare: prepareSpaceBatch });
export const batchToSpaceNd = defineOp<MultiCopyPlan>({ types: ['BATCH_TO_SPACE_ND'], minInputs: 3, precisions: ['int8', 'int16', 'float32'], preservesQuantization: { input: 0 }, prepare: prepareSpaceBatch });
