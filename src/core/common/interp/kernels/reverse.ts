/** REVERSE_V2 host kernel: the strided copy of ops/reverse.ts. */
import { reverseV2 } from '../../ops/reverse.js';
import { stridedCopy } from '../../ops/strided-copy.js';
import { registerKernel } from '../registry.js';

registerKernel(reverseV2, ({ copy }) => (inputs, outputs) => {
  stridedCopy(copy, inputs[0] as ArrayLike<number>, outputs[0] as unknown as { [i: number]: number });
});
