/**
 * TFLite's int16 look-up tables with linear interpolation (the int16 softmax's exp and 1/(1 + x)):
 * 513 int16 values, 512 steps over the input range and one more entry for the last slope.
 *
 * `lutPopulateInt16` is TFLite's `LUTPopulateInt16<float>` as TFLite Micro's softmax prepare calls
 * it: every operation in float32 (each step rounded with Math.fround), the function evaluated in
 * float32, and each entry biased by half the interpolation error at the step's midpoint, so that
 * interpolating between entries is as close as rounding the midpoint. `int16LutLookup` is TFLite's
 * `lut_lookup_with_interpolation` for an int16 input: the top 9 bits (offset by 256) pick the
 * entry, the low 7 bits interpolate to the next one.
 */
import { roundHalfAwayFromZero } from './fixed-point.js';

/** Entries of an int16 table: 512 steps and the end point. */
export const INT16_LUT_SIZE = 513;

const f = Math.fround;

/**
 * The table of `transform` over the input range [input_scale·(−32768 − input_zero_point),
 * input_scale·(32767 − input_zero_point)] into int16 with the output encoding (output_scale,
 * output_zero_point), computed in float32 as TFLite does.
 */
export function lutPopulateInt16(
  inputScale: number,
  inputZeroPoint: number,
  outputScale: number,
  outputZeroPoint: number,
  transform: (value: number) => number,
): Int16Array {
  const lut = new Int16Array(INT16_LUT_SIZE);
  const scaleIn = f(inputScale);
  const scaleOut = f(outputScale);
  const inputMin = f(scaleIn * (-32768 - inputZeroPoint));
  const inputMax = f(scaleIn * (32767 - inputZeroPoint));
  const outputMin = f(scaleOut * (-32768 - outputZeroPoint));
  const outputMax = f(scaleOut * (32767 - outputZeroPoint));
  const steps = INT16_LUT_SIZE - 1;
  const step = f(f(inputMax - inputMin) / steps);
  const halfStep = f(step / 2);
  const scalingInv = f(65536 / f(outputMax - outputMin));
  const round = (x: number) => f(roundHalfAwayFromZero(x));
  const clamp = (x: number) => Math.min(Math.max(x, -32768), 32767);
  for (let i = 0; i < steps; i++) {
    const at = f(inputMin + f(i * step));
    const value = f(transform(at));
    const midpoint = f(transform(f(at + halfStep)));
    const next = f(transform(f(inputMin + f((i + 1) * step))));
    const sample = round(f(value * scalingInv));
    const midpointInterpolated = round(f(f(f(next * scalingInv) + sample) / 2));
    const midpointValue = round(f(midpoint * scalingInv));
    const bias = round(f(f(midpointInterpolated - midpointValue) / 2));
    lut[i] = clamp(f(sample - bias));
  }
  lut[steps] = clamp(round(f(f(transform(inputMax)) * scalingInv)));
  return lut;
}

/** TFLite's interpolating look-up of an int16 value in a 513-entry table (the result wraps to int16 as its return does). */
export function int16LutLookup(value: number, lut: Int16Array): number {
  const index = 256 + (value >> 7);
  const offset = value & 0x7f;
  const base = lut[index];
  const slope = lut[index + 1] - base;
  const delta = (slope * offset + 64) >> 7;
  return ((base + delta) << 16) >> 16;
}

/** The int16 softmax's tables: exp over [−10, 0] and 1/(1 + x) over [0, 1], both into [−1, 1) (TFLite Micro's softmax prepare). */
export function softmaxInt16Luts(): { exp: Int16Array; oneOverOnePlusX: Int16Array } {
  const range = 65535;
  return {
    exp: lutPopulateInt16(f(10 / range), 32767, f(2 / range), 0, (x) => f(Math.exp(x))),
    oneOverOnePlusX: lutPopulateInt16(f(1 / range), -32768, f(2 / range), 0, (x) => f(1 / f(1 + x))),
  };
}
