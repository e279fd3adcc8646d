/** L2_POOL_2D and L2_NORMALIZATION host kernels (ops/l2-pool.ts, ops/l2-normalization.ts). */
import { l2Normalization, l2NormalizeFloat, l2NormalizeInt8 } from '../../ops/l2-normalization.js';
import { l2Pool } from '../../ops/l2-pool.js';
import { registerKernel } from '../registry.js';
import { floatPool } from './pooling.js';

registerKernel(l2Pool, ({ geometry, activation: { min, max } }) => (inputs, outputs) => floatPool('l2', geometry, inputs[0] as Float32Array, min, max, outputs[0] as Float32Array));

registerKernel(l2Normalization, ({ outer, depth, inputZeroPoint }) => (inputs, outputs) => {
  const x = inputs[0] as ArrayLike<number>;
  const y = outputs[0] as { [i: number]: number };
  for (let o = 0; o < outer; o++) {
    if (inputZeroPoint === undefined) l2NormalizeFloat(x, y, o * depth, depth);
    else l2NormalizeInt8(x, y, o * depth, depth, inputZeroPoint);
  }
});
