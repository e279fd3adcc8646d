/**
 * HARD_SWISH on int8 (TFLite's reference_ops::HardSwish, as TFLite Micro prepares it): int16
 * fixed-point arithmetic on (x - zpIn) · 2^7, an output multiplier and a "relu-ish" multiplier
 * (the input rescaled so that 3.0 is 32768), each QuantizeMultiplier'ed from float32 scales and
 * narrowed to int16 (DownScaleInt32ToInt16Multiplier). The plan holds both; the float32 path of
 * HARD_SWISH lives in ops/math.ts.
 */
import { quantizeMultiplier, roundingDivideByPOT } from './fixed-point.js';
import type { OpContext } from './op.js';
import { activationQuantization } from './quantization.js';
import type { Tensor } from '../ir/types.js';

export interface HardSwishParams {
  inputZeroPoint: number;
  outputZeroPoint: number;
  outputMultiplier: number;
  outputExponent: number;
  reluishMultiplier: number;
  reluishExponent: number;
}

/** DownScaleInt32ToInt16Multiplier: the Q31 multiplier rounded to Q15. */
function toInt16Multiplier(multiplier: number): number {
  if (multiplier >= 2147483647 - 32768) return 32767;
  return (multiplier + 32768) >> 16;
}

export function hardSwishParams(context: OpContext, input: Tensor, output: Tensor): HardSwishParams {
  const f = Math.fround;
  const qIn = activationQuantization(context, input, 'input');
  const qOut = activationQuantization(context, output, 'output');
  const hiresInputScale = f(f(1 / 128) * f(qIn.scale));
  const reluishScale = f(3 / 32768);
  const out = quantizeMultiplier(f(hiresInputScale / f(qOut.scale)));
  if (out.shift > 0) context.fail(`output rescale ${hiresInputScale / qOut.scale} needs a left shift; TFLite requires the output scale to be at least the input scale / 128`);
  const reluish = quantizeMultiplier(f(hiresInputScale / reluishScale));
  return {
    inputZeroPoint: qIn.zeroPoint,
    outputZeroPoint: qOut.zeroPoint,
    outputMultiplier: toInt16Multiplier(out.multiplier),
    outputExponent: out.shift,
    reluishMultiplier: toInt16Multiplier(reluish.multiplier),
    reluishExponent: reluish.shift,
  };
}

const toInt16 = (x: number) => (x << 16) >> 16;
const saturate16 = (x: number) => (x > 32767 ? 32767 : x < -32768 ? -32768 : x);

/** gemmlowp's SaturatingRoundingDoublingHighMul on int16. */
function srdhm16(a: number, b: number): number {
  if (a === -32768 && b === -32768) return 32767;
  const ab = a * b;
  const nudge = ab >= 0 ? 1 << 14 : 1 - (1 << 14);
  return toInt16(Math.trunc((ab + nudge) / 32768));
}

/** SaturatingDoublingHighMul on int16 (no rounding: it cancels the bias of the rounding ones). */
function sdhm16(a: number, b: number): number {
  if (a === -32768 && b === -32768) return 32767;
  return toInt16(Math.trunc((a * b) / 32768));
}

/** One int8 element of HARD_SWISH. */
export function hardSwishInt8(p: HardSwishParams, x: number): number {
  const inputValue = toInt16(x - p.inputZeroPoint);
  const hires = toInt16(inputValue * 128);
  const preshiftOutput = srdhm16(hires, p.outputMultiplier);
  let reluish = hires;
  if (p.reluishExponent > 0) reluish = saturate16(reluish * 2 ** (p.reluishExponent - 1));
  reluish = srdhm16(reluish, p.reluishMultiplier);
  if (p.reluishExponent > 0) reluish = saturate16(reluish * 2);
  if (p.reluishExponent < 0) reluish = roundingDivideByPOT(reluish, -p.reluishExponent);
  reluish = (reluish + 32768) >> 1;
  const preshiftValue = sdhm16(reluish, preshiftOutput);
  let value = toInt16(roundingDivideByPOT(preshiftValue, -p.outputExponent) + p.outputZeroPoint);
  value = Math.min(value, 127);
  return Math.max(value, -128);
}
