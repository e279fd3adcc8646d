/**
 * L2_POOL_2D (float32; TFLite's reference_ops::L2Pool, which TFLite Micro does not run): the
 * square root of the mean of the squares over the window clipped to the image, then the fused
 * activation — the pools' window and clamp (ops/pool-2d.ts) with kind 'l2'.
 */
import { expectDType, inputTensor } from './op.js';
import { pool2d, type Pool2DPlan } from './pool-2d.js';
import { defineOp } from './registry.js';

export const l2Pool = defineOp<Pool2DPlan>({
  types: ['L2_POOL_2D'],
  minInputs: 1,
  precisions: ['float32'],
  window: pool2d.window,
  prepare(context) {
    expectDType(context, inputTensor(context, 0, 'input'), 'input', 'float32');
    return { ...pool2d.prepare(context), kind: 'l2' };
  },
});
