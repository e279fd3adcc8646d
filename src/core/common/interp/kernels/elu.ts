/** ELU host kernel (ops/elu.ts): the int8 table, or the float32 expression. */
import { eluFloat, elu } from '../../ops/elu.js';
import { lookUp } from '../../ops/lookup-table.js';
import { registerKernel } from '../registry.js';

registerKernel(elu, ({ count, table }) => {
  if (table) return (inputs, outputs) => lookUp(table, inputs[0] as Int8Array, outputs[0] as Int8Array, count);
  return (inputs, outputs) => {
    const x = inputs[0] as Float32Array;
    const y = outputs[0] as Float32Array;
    for (let i = 0; i < count; i++) y[i] = eluFloat(x[i]);
  };
});
