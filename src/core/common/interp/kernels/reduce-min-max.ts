/** REDUCE_MAX / REDUCE_MIN host kernel (ops/reduce-min-max.ts): [outer][reduce][inner] → [outer][inner]. */
import { reduceMinMax } from '../../ops/reduce-min-max.js';
import { registerKernel } from '../registry.js';

registerKernel(reduceMinMax, ({ maximum, outer, reduce, inner }) => (inputs, outputs) => {
  const x = inputs[0] as ArrayLike<number>;
  const y = outputs[0] as { [i: number]: number };
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      let best = x[o * reduce * inner + i];
      for (let r = 1; r < reduce; r++) {
        const value = x[(o * reduce + r) * inner + i];
        if (maximum ? value > best : value < best) best = value;
      }
      y[o * inner + i] = best;
    }
  }
});
