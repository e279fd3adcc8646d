/** BATCH_MATMUL host kernel (ops/batch-matmul.ts). */
import { batchMatmul } from '../../ops/batch-matmul.js';
import { multiplyByQuantizedMultiplier } from '../../ops/fixed-point.js';
import { registerKernel } from '../registry.js';
import { multiplyByQuantizedMultiplierInt64 } from './conv-common.js';

registerKernel(batchMatmul, ({ m, k, n, adjX, adjY, lhsOffsets, rhsOffsets, arithmetic }) => (inputs, outputs) => {
  const x = inputs[0] as ArrayLike<number>;
  const y = inputs[1] as ArrayLike<number>;
  const out = outputs[0] as { [i: number]: number };
  const f = Math.fround;
  lhsOffsets.forEach((lhsBase, b) => {
    const rhsBase = rhsOffsets[b];
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let sum = 0;
        for (let p = 0; p < k; p++) {
          const a = x[lhsBase + (adjX ? p * m + i : i * k + p)];
          const c = y[rhsBase + (adjY ? j * k + p : p * n + j)];
          if (arithmetic.flavour === 'float32') sum = f(sum + f(a * c));
          // int16: int64 in TFLite; the exact double holds it (|x·y| < 2^30, k far below 2^23).
          else if (arithmetic.flavour === 'int16') sum += a * c;
          else sum = (sum + (a + arithmetic.lhsOffset) * (c + arithmetic.rhsOffset)) | 0;
        }
        const index = (b * m + i) * n + j;
        if (arithmetic.flavour === 'float32') {
          out[index] = sum;
        } else {
          const { outputOffset, multiplier, range } = arithmetic;
          const scaled = arithmetic.flavour === 'int16' ? multiplyByQuantizedMultiplierInt64(sum, multiplier.multiplier, multiplier.shift) : multiplyByQuantizedMultiplier(sum, multiplier.multiplier, multiplier.shift);
          const q = (scaled + outputOffset) | 0;
          out[index] = q < range.min ? range.min : q > range.max ? range.max : q;
        }
      }
    }
  });
});
