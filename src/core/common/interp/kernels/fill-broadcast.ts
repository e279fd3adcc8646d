/** Host kernels of ADD_N, ZEROS_LIKE, FILL, BROADCAST_TO and BROADCAST_ARGS (ops/fill-broadcast.ts). */
import { InterpreterError } from '../../errors.js';
import { addN, addNInt8, broadcastArgs, broadcastArgsValues, broadcastTo, fill, zerosLike } from '../../ops/fill-broadcast.js';
import { registerKernel } from '../registry.js';
import { multiCopyKernel } from './data-copy.js';

registerKernel(addN, ({ inputs: n, count, flavour, arithmetic }) => (inputs, outputs) => {
  const x = inputs as readonly ArrayLike<number>[];
  const y = outputs[0] as { [i: number]: number };
  if (arithmetic) {
    const values = new Array<number>(n);
    for (let i = 0; i < count; i++) {
      for (let k = 0; k < n; k++) values[k] = x[k][i];
      y[i] = addNInt8(values, arithmetic);
    }
    return;
  }
  for (let i = 0; i < count; i++) {
    let sum = x[0][i];
    for (let k = 1; k < n; k++) sum = flavour === 'int32' ? (sum + x[k][i]) | 0 : Math.fround(sum + x[k][i]);
    y[i] = sum;
  }
});

registerKernel(zerosLike, multiCopyKernel);
registerKernel(fill, multiCopyKernel);
registerKernel(broadcastTo, multiCopyKernel);

registerKernel(broadcastArgs, (_plan, context) => (inputs, outputs) => {
  const [a, b] = inputs.map((values) => Array.from(values as ArrayLike<number | bigint>, Number));
  const result = broadcastArgsValues(a, b);
  if (!result) throw new InterpreterError(`op ${context.opIndex} (BROADCAST_ARGS): shapes [${a.join(',')}] and [${b.join(',')}] do not broadcast`);
  const out = outputs[0];
  result.forEach((value, i) => {
    out[i] = (out instanceof BigInt64Array ? BigInt(value) : value) as never;
  });
});
