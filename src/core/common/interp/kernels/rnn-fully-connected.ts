/**
 * The integer FullyConnected steps the LSTM and GRU kernels run for their gates: TFLite's
 * reference_integer_ops::FullyConnected into int16 (per-tensor, no activation), with an int32
 * accumulator and bias (the int8 kernels, and the 16x8 GRU's recurrent FC) or an int64 one (the
 * 16x8 kernels' input FC).
 */
import { multiplyByQuantizedMultiplier, saturate, type QuantizedMultiplier } from '../../ops/fixed-point.js';
import { multiplyByQuantizedMultiplierInt64 } from './conv-common.js';

/**
 * Σ (w + weightsOffset)·(v + valueOffset) of `rows` vectors of `depth` values at `valuesOffset`
 * times the [units, depth] weights, each sum (exact: far below 2^53) turned into an int16 by
 * `finish` with its unit's bias.
 */
function fullyConnectedRows(
  values: Int8Array | Int16Array,
  valuesOffset: number,
  valueOffset: number,
  weights: Int8Array,
  weightsOffset: number,
  rows: number,
  depth: number,
  units: number,
  result: Int16Array,
  finish: (accumulator: number, unit: number) => number,
): void {
  for (let row = 0; row < rows; row++) {
    const rowStart = valuesOffset + row * depth;
    for (let unit = 0; unit < units; unit++) {
      const weightsStart = unit * depth;
      let accumulator = 0;
      for (let d = 0; d < depth; d++) {
        accumulator += (weights[weightsStart + d] + weightsOffset) * (values[rowStart + d] + valueOffset);
      }
      result[row * units + unit] = finish(accumulator, unit);
    }
  }
}

/**
 * sat16(MBQM(Σ (w + weightsOffset)·(v + valueOffset) + bias, multiplier)) with an int32 sum:
 * `rows` vectors of `depth` values at `valuesOffset` times the [units, depth] weights.
 */
export function fullyConnectedToInt16(
  values: Int8Array | Int16Array,
  valuesOffset: number,
  valueOffset: number,
  weights: Int8Array,
  weightsOffset: number,
  bias: Int32Array | undefined,
  multiplier: QuantizedMultiplier,
  rows: number,
  depth: number,
  units: number,
  result: Int16Array,
): void {
  fullyConnectedRows(values, valuesOffset, valueOffset, weights, weightsOffset, rows, depth, units, result, (accumulator, unit) => {
    if (bias) accumulator += bias[unit];
    // The C accumulator is int32: wrap as it would.
    return saturate(multiplyByQuantizedMultiplier(accumulator | 0, multiplier.multiplier, multiplier.shift), -32768, 32767);
  });
}

/**
 * TFLite's reference_integer_ops::FullyConnected for int16 input, int8 weights and an int64 bias
 * (or none), into int16: `rows` vectors of `depth` values at `valuesOffset`. The sums are exact
 * (|Σ| < 2^15 · 2^7 · depth plus the bias stays far below 2^53).
 */
export function fullyConnected16x8(
  values: Int16Array,
  valuesOffset: number,
  weights: Int8Array,
  bias: BigInt64Array | undefined,
  multiplier: QuantizedMultiplier,
  rows: number,
  depth: number,
  units: number,
  result: Int16Array,
): void {
  fullyConnectedRows(values, valuesOffset, 0, weights, 0, rows, depth, units, result, (accumulator, unit) => {
    if (bias) accumulator += Number(bias[unit]);
    return saturate(multiplyByQuantizedMultiplierInt64(accumulator, multiplier.multiplier, multiplier.shift), -32768, 32767);
  });
}
