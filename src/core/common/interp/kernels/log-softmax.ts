/** LOG_SOFTMAX host kernel (ops/log-softmax.ts). */
import { logSoftmax, logSoftmaxRow, logSoftmaxRowInt8 } from '../../ops/log-softmax.js';
import { registerKernel } from '../registry.js';

registerKernel(logSoftmax, ({ outer, depth, integer }) => (inputs, outputs) => {
  for (let o = 0; o < outer; o++) {
    if (integer) logSoftmaxRowInt8(integer, inputs[0] as Int8Array, outputs[0] as Int8Array, o * depth, depth);
    else logSoftmaxRow(inputs[0] as Float32Array, outputs[0] as Float32Array, o * depth, depth);
  }
});
