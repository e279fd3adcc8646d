/**
 * READ_VARIABLE and ASSIGN_VARIABLE host kernels (ops/resource-variable.ts): byte copies between
 * the variable tensor, which the interpreter keeps between runs, and an activation.
 */
import { assignVariable, readVariable } from '../../ops/resource-variable.js';
import { registerKernel } from '../registry.js';

registerKernel(readVariable, () => (inputs, outputs) => {
  outputs[0].set(inputs[0] as never);
});

registerKernel(assignVariable, () => (inputs) => {
  (inputs[0] as Float32Array).set(inputs[1] as Float32Array);
});
