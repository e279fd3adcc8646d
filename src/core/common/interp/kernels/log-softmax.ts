/** LOG_SOFTMAX host kernel (ops/log-softmax.ts). */
import { logSoftmax, logSoftmaxRow } from '../../ops/log-softmax.js';
import { registerKernel } from '../registry.js';

registerKernel(logSoftmax, ({ outer, depth }) => (inputs, outputs) => {
  for (let o = 0; o < outer; o++) logSoftmaxRow(inputs[0] as Float32Array, outputs[0] as Float32Array, o * depth, depth);
});
