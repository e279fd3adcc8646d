/**
 * CAST: each element converted to the output type as C's static_cast does it (TFLite Micro's
 * cast.cc): integer → integer keeps the low bits (two's complement wrap), integer → float32
 * rounds to nearest, float32 → integer truncates toward zero and saturates to the 32-bit range
 * (signed for signed targets, unsigned for unsigned ones), NaN → 0, then keeps the target's low
 * bits: what the Cortex-M code of TFLite Micro does (VCVT, then a narrowing), where C leaves
 * out-of-range values undefined. bool reads as
 * 0/1 and is written as value != 0. No quantization is applied (TFLite's CAST ignores it).
 */
import type { DType } from '../ir/types.js';
import { expectDType, inputTensor, outputTensor } from './op.js';
import { defineOp } from './registry.js';
import { expectSameSize } from './unary.js';

export const castTypes = ['float32', 'int8', 'uint8', 'int16', 'int32', 'uint32', 'bool'] as const satisfies readonly DType[];
export type CastType = (typeof castTypes)[number];

export interface CastPlan {
  count: number;
  from: CastType;
  to: CastType;
}

export const cast = defineOp<CastPlan>({
  types: ['CAST'],
  minInputs: 1,
  precisions: [],
  prepare(context) {
    const input = inputTensor(context, 0, 'input');
    const output = outputTensor(context);
    expectDType(context, input, 'input', ...castTypes);
    expectDType(context, output, 'output', ...castTypes);
    return { count: expectSameSize(context, input, output), from: input.dtype as CastType, to: output.dtype as CastType };
  },
});

const integerRanges: Record<Exclude<CastType, 'float32' | 'bool'>, { bits: number; signed: boolean }> = {
  int8: { bits: 8, signed: true },
  uint8: { bits: 8, signed: false },
  int16: { bits: 16, signed: true },
  int32: { bits: 32, signed: true },
  uint32: { bits: 32, signed: false },
};

/** One element cast from `from` to `to` (see the file comment for the rules). */
export function castValue(value: number, from: CastType, to: CastType): number {
  if (to === 'float32') return Math.fround(value);
  if (to === 'bool') return value !== 0 ? 1 : 0;
  const { bits, signed } = integerRanges[to];
  if (from === 'float32') {
    // Arm's VCVT to a 32-bit integer (signed for signed targets), then the narrowing keeps the low bits.
    if (Number.isNaN(value)) return 0;
    const [min, max] = signed ? [-(2 ** 31), 2 ** 31 - 1] : [0, 2 ** 32 - 1];
    const truncated = Math.trunc(value);
    value = truncated < min ? min : truncated > max ? max : truncated;
  }
  const wrapped = value - Math.floor(value / 2 ** bits) * 2 ** bits;
  return signed && wrapped >= 2 ** (bits - 1) ? wrapped - 2 ** bits : wrapped;
}
