/**
 * 256-entry tables for int8 → int8 element-wise ops: every input byte has one output byte, so
 * TinyDeploy computes them all when it prepares the op and both back ends look the result up
 * (the interpreter here, the C code with td_lookup_8). Tables are indexed by the input's byte
 * (uint8 of the int8 value) and hold the output's bytes.
 */
import { roundHalfAwayFromZero } from './fixed-point.js';

/** The table of an int8 → int8 function of the stored values. */
export function tableOf(fn: (value: number) => number): Uint8Array {
  const table = new Uint8Array(256);
  for (let value = -128; value <= 127; value++) table[value & 0xff] = fn(value) & 0xff;
  return table;
}

/**
 * TFLite's LUTPopulate / PopulateLookupTable for int8: each input dequantized in float32
 * (sIn · (q - zpIn)), transformed in float32, multiplied by the float32 1 / sOut, rounded half away
 * from zero, plus zpOut, clamped to int8.
 */
export function quantizedTable(input: { scale: number; zeroPoint: number }, output: { scale: number; zeroPoint: number }, transform: (value: number) => number): Uint8Array {
  const f = Math.fround;
  const inverseScale = f(1 / f(output.scale));
  const inputScale = f(input.scale);
  return tableOf((value) => {
    const dequantized = f(inputScale * (value - input.zeroPoint));
    const rescaled = roundHalfAwayFromZero(f(f(transform(dequantized)) * inverseScale));
    const quantized = Math.trunc(f(rescaled + output.zeroPoint));
    return Math.max(-128, Math.min(127, quantized));
  });
}

/** Looks an int8 tensor up in a table of tableOf / quantizedTable. */
export function lookUp(table: Uint8Array, x: ArrayLike<number>, y: { [i: number]: number }, count: number): void {
  for (let i = 0; i < count; i++) y[i] = (table[x[i] & 0xff] << 24) >> 24;
}
