/** CUMSUM host kernel (ops/cumsum.ts). */
import { cumsum, runCumsum } from '../../ops/cumsum.js';
import { registerKernel } from '../registry.js';

registerKernel(cumsum, (plan) => (inputs, outputs) => runCumsum(plan, inputs[0] as ArrayLike<number>, outputs[0] as unknown as { [i: number]: number }));
