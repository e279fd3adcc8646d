/**
 * RESHAPE host kernel: copies the elements, as TFLite Micro does when input and output do not
 * share memory (the plan, ops/reshape.ts, has checked dtype and element count).
 */
import { reshape } from '../../ops/reshape.js';
import { registerKernel } from '../registry.js';

registerKernel(reshape, () => (inputs, outputs) => {
  outputs[0].set(inputs[0] as never);
});
