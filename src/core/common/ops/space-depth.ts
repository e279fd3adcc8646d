/**
 * SPACE_TO_DEPTH and DEPTH_TO_SPACE (attr block_size b, NHWC), as TFLite's reference kernels
 * move the elements — copies without arithmetic, for any dtype:
 *
 *     SPACE_TO_DEPTH  out[n][h][w][(by·b + bx)·C + c] = in[n][h·b + by][w·b + bx][c]
 *     DEPTH_TO_SPACE  out[n][h·b + by][w·b + bx][c] = in[n][h][w][(by·b + bx)·C + c]
 *
 * Each is one strided copy over (n, h, by|w, …) — the back ends run ops/strided-copy.ts's plan.
 */
import { dtypeBytes, formatShape } from '../ir/tensor.js';
import { expectDType, expectRank, inputTensor, outputTensor, tensorName, type OpContext } from './op.js';
import type { MultiCopyPlan } from './pack-split.js';
import { defineOp } from './registry.js';
import { simplifyStridedCopy, stridesOf } from './strided-copy.js';

function prepareSpaceDepth(context: OpContext): MultiCopyPlan {
  const toDepth = context.op.type === 'SPACE_TO_DEPTH';
  const input = inputTensor(context, 0, 'input');
  const output = outputTensor(context);
  expectRank(context, input, 'input', 4);
  expectDType(context, output, 'output', input.dtype);
  if (input.dtype === 'string') context.fail(`input ${tensorName(input)} is string`);
  const block = (context.op.attrs as { blockSize?: number }).blockSize ?? 0;
  if (!Number.isInteger(block) || block < 1) context.fail(`block_size ${block} must be a positive integer`);
  const [n, h, w, c] = input.shape;
  const expected = toDepth ? [n, h / block, w / block, c * block * block] : [n, h * block, w * block, c / (block * block)];
  if (expected.some((dim) => !Number.isInteger(dim)) || formatShape(expected) !== formatShape(output.shape)) {
    context.fail(`output ${tensorName(output)} has shape ${formatShape(output.shape)}, block_size ${block} on ${formatShape(input.shape)} gives ${formatShape(expected)}`);
  }
  const [inN, inH, inW] = stridesOf(input.shape);
  let count: number[];
  let inputStep: number[];
  if (toDepth) {
    // Output order (n, h, w, by, bx, c).
    count = [n, h / block, w / block, block, block, c];
    inputStep = [inN, block * inH, block * inW, inH, inW, 1];
  } else {
    // Output order (n, h, by, w, bx, c); the input depth holds (by, bx, c).
    const depth = c / (block * block);
    count = [n, h, block, w, block, depth];
    inputStep = [inN, inH, block * depth, inW, depth, 1];
  }
  const copy = simplifyStridedCopy({ count, inputStep, outputStep: stridesOf(count), inputBase: 0, outputBase: 0 });
  return { steps: [{ input: 0, output: 0, copy }], elementBytes: dtypeBytes(input.dtype) };
}

export const spaceToDepth = defineOp<MultiCopyPlan>({ types: ['SPACE_TO_DEPTH'], minInputs: 1, precisions: ['int8', 'int16', 'float32'], preservesQuantization: { input: 0 }, prepare: prepareSpaceDepth });
export const depthToSpace = defineOp<MultiCopyPlan>({ types: ['DEPTH_TO_SPACE'], minInputs: 1, precisions: ['int8', 'int16', 'float32'], preservesQuantization: { input: 0 }, prepare: prepareSpaceDepth });
