/**
 * FLOOR_DIV and FLOOR_MOD with numpy-style broadcasting (TFLite's floor_div.cc / floor_mod.cc),
 * float32 and int32:
 * - FLOOR_DIV: floor(double(x) / double(y)) converted back to the type (float32 rounds once);
 * - FLOOR_MOD: the truncated remainder (C's %, or fmod for float32), plus y when it is non-zero and
 *   its sign differs from y's (so the result takes the divisor's sign).
 * A zero divisor is an error, as in TFLite.
 */
import { expectDType, inputTensor, outputTensor } from './op.js';
import { expectBroadcast } from './comparison.js';
import type { Broadcast } from './elementwise.js';
import { defineOp } from './registry.js';

export interface FloorDivModPlan {
  broadcast: Broadcast;
  modulo: boolean;
  flavour: 'float32' | 'int32';
}

export const floorDivMod = defineOp<FloorDivModPlan>({
  types: ['FLOOR_DIV', 'FLOOR_MOD'],
  minInputs: 2,
  precisions: ['float32'],
  prepare(context) {
    const input1 = inputTensor(context, 0, 'input 0');
    const input2 = inputTensor(context, 1, 'input 1');
    const output = outputTensor(context);
    expectDType(context, input1, 'input 0', 'float32', 'int32');
    expectDType(context, input2, 'input 1', input1.dtype);
    expectDType(context, output, 'output', input1.dtype);
    return { broadcast: expectBroadcast(context, input1, input2, output), modulo: context.op.type === 'FLOOR_MOD', flavour: input1.dtype as 'float32' | 'int32' };
  },
});

/** One element of FLOOR_DIV / FLOOR_MOD (y ≠ 0). */
export function floorDivModValue(modulo: boolean, flavour: 'float32' | 'int32', x: number, y: number): number {
  if (!modulo) {
    const quotient = Math.floor(x / y);
    return flavour === 'int32' ? quotient | 0 : Math.fround(quotient);
  }
  // JavaScript's % is C's % on integers and fmod on floats (exact, the sign of a zero kept, as fmod keeps it).
  const truncated = x % y;
  if (truncated !== 0 && y < 0 !== truncated < 0) return flavour === 'int32' ? (truncated + y) | 0 : Math.fround(truncated + y);
  return truncated;
}
