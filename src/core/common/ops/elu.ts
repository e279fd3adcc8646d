/**
 * ELU: x for x ≥ 0, exp(x) - 1 below, as TFLite Micro computes it.
 *
 * - float32 (reference_ops::Elu): x < 0 ? expm1(x) : x in float32 (expm1f: the C library's last
 *   bit may differ from the host's).
 * - int8: TFLite's lookup table (elu.cc / activations.cc EluPrepare): every input byte dequantized,
 *   x < 0 ? exp(x) - 1 : x in float32, requantized to the output (ops/lookup-table.ts).
 */
import { activationQuantization } from './quantization.js';
import { quantizedTable } from './lookup-table.js';
import { defineOp } from './registry.js';
import { unaryTensors } from './unary.js';

export interface EluPlan {
  count: number;
  /** The int8 table (input byte → output byte); undefined for float32. */
  table?: Uint8Array;
}

/** The float32 ELU of TFLite's reference kernel. */
export function eluFloat(x: number): number {
  return x < 0 ? Math.fround(Math.expm1(x)) : x;
}

export const elu = defineOp<EluPlan>({
  types: ['ELU'],
  minInputs: 1,
  precisions: ['int8', 'float32'],
  inPlace: 'elementwise',
  prepare(context) {
    const { input, output, count } = unaryTensors(context, ['float32', 'int8']);
    if (input.dtype === 'float32') return { count };
    const f = Math.fround;
    const table = quantizedTable(activationQuantization(context, input, 'input'), activationQuantization(context, output, 'output'), (x) => (x < 0 ? f(f(Math.exp(x)) - 1) : x));
    return { count, table };
  },
});
