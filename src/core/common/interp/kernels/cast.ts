/** CAST host kernel (ops/cast.ts: C's static_cast, float → integer saturating). */
import { cast, castValue } from '../../ops/cast.js';
import { registerKernel } from '../registry.js';

registerKernel(cast, ({ count, from, to }) => (inputs, outputs) => {
  const x = inputs[0] as ArrayLike<number>;
  const y = outputs[0] as { [i: number]: number };
  for (let i = 0; i < count; i++) y[i] = castValue(x[i], from, to);
});
