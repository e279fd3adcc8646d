/**
 * Element-wise math beyond ADD/SUB/MUL, as TFLite Micro prepares it.
 *
 * Unary — ABS, NEG, SQRT, RSQRT, LOG, EXP, HARD_SWISH, FLOOR, CEIL, ROUND, SQUARE, SIN, COS:
 * - float32: the reference kernels' float32 expressions (RSQRT is 1 / sqrt(x), HARD_SWISH
 *   x · min(6, max(0, x + 3)) / 6, ROUND halves to even); LOG, EXP, SIN and COS call the C
 *   library, whose last bit may differ between libraries.
 * - ABS int8 / int16 (elementwise.cc): |x - zpIn|, rescaled by QuantizeMultiplier(sIn / sOut)
 *   (the division in float32) when the scales differ, plus zpOut, clamped; int16 needs zero points 0.
 * - EXP, LOG, RSQRT int8: a table of all 256 results (ops/lookup-table.ts) — TFLite's LUTPopulate
 *   for EXP and LOG, RsqrtEvalQuantizedInt8's fixed-point arithmetic for RSQRT (unaryTable).
 *
 * Binary, numpy broadcasting — MINIMUM, MAXIMUM, DIV, SQUARED_DIFFERENCE, PRELU:
 * - float32: min, max, a / b then the fused activation, (a - b)², x ≥ 0 ? x : alpha · x;
 * - MINIMUM / MAXIMUM int8 / int16 / int32 / int64: the stored values compared (TFLite Micro does not rescale);
 * - DIV int32: C's truncating division (INT32_MIN / -1 wraps), clamped to the fused activation;
 *   a zero divisor is an error;
 * - DIV int8 / uint8 (reference_ops::Div): (x1 - zp1) times the reciprocal of (x2 - zp2)
 *   (GetReciprocal), with x1's headroom as a left shift, rescaled by sX1 / (sX2·sOut) (float32)
 *   with the shifts combined, plus zpOut, clamped to the activation range; a zero divisor is an error;
 * - PRELU int8 (prelu_common.cc): x - zpIn ≥ 0 rescaled by sIn / sOut, otherwise
 *   (x - zpIn)(alpha - zpAlpha) rescaled by sIn·sAlpha / sOut (both in double), plus zpOut, clamped;
 * - HARD_SWISH int8: ops/hard-swish.ts;
 * - SQUARED_DIFFERENCE int8 / int16 (squared_difference.cc): both inputs offset, shifted left by
 *   7 (int16, zero points 0: by 0) and rescaled to twice the larger input scale, the difference
 *   squared in int32 and rescaled by (2·max scale)² / (2^(2·shift) · sOut) (QuantizeMultiplier),
 *   plus zpOut, clamped to the type; int32: (a - b)², wrapping.
 */
import type { Activation, DType } from '../ir/types.js';
import { elementCount, formatShape } from '../ir/tensor.js';
import { activationRangeFloat, activationRangeQuantized, dtypeRange, type ActivationRange } from './activation.js';
import { broadcastShapes, type Broadcast } from './elementwise.js';
import { multiplyByQuantizedMultiplier, quantizeMultiplier, quantizeMultiplierSmallerThanOne, roundingDivideByPOT, saturatingRoundingDoublingHighMul, type QuantizedMultiplier } from './fixed-point.js';
import { invSqrtQuantizedMultiplierExp, reciprocal } from './gemmlowp.js';
import { quantizedTable, tableOf } from './lookup-table.js';
import { expectDType, inputTensor, outputTensor, tensorName, type OpContext } from './op.js';
import { activationQuantization } from './quantization.js';
import { defineOp } from './registry.js';
import { unaryTensors } from './unary.js';
import { hardSwishParams, type HardSwishParams } from './hard-swish.js';

export type UnaryMathOp = 'ABS' | 'NEG' | 'SQRT' | 'RSQRT' | 'LOG' | 'EXP' | 'HARD_SWISH' | 'FLOOR' | 'CEIL' | 'ROUND' | 'SQUARE' | 'SIN' | 'COS';
export type BinaryMathOp = 'MINIMUM' | 'MAXIMUM' | 'DIV' | 'SQUARED_DIFFERENCE' | 'PRELU';

export interface UnaryMathPlan {
  op: UnaryMathOp;
  count: number;
  arithmetic:
    | { flavour: 'float32' }
    | { flavour: 'int8' | 'int16'; inputZeroPoint: number; outputZeroPoint: number; rescale?: QuantizedMultiplier; range: ActivationRange }
    | { flavour: 'hard-swish-int8'; params: HardSwishParams }
    | { flavour: 'lookup-int8'; table: Uint8Array };
}

/** The int8 ops of this family that are a function of one byte: their 256-entry table (ops/lookup-table.ts). */
function unaryTable(op: UnaryMathOp, qIn: { scale: number; zeroPoint: number }, qOut: { scale: number; zeroPoint: number }): Uint8Array {
  const f = Math.fround;
  if (op === 'EXP') return quantizedTable(qIn, qOut, (x) => f(Math.exp(x)));
  if (op === 'LOG') {
    // TFLite's LogLUTPrepare: x ≤ 0 gives the output's lowest value.
    const outputMin = f((-128 - qOut.zeroPoint) * f(qOut.scale));
    return quantizedTable(qIn, qOut, (x) => (x <= 0 ? outputMin : f(Math.log(x))));
  }
  // RSQRT (elementwise.cc, RsqrtEvalQuantizedInt8): 1/sqrt(x - zpIn) by GetInvSqrtQuantizedMultiplierExp,
  // times QuantizeMultiplier(1 / (sqrt(sIn) · sOut)) with a shift of 20 kept in between; x = zpIn
  // gives 127. Values below zpIn (TFLite fails the invocation) read as x - zpIn = 1.
  const multiplier = quantizeMultiplier(1 / f(f(Math.sqrt(f(qIn.scale))) * f(qOut.scale)));
  const shift = 20;
  return tableOf((q) => {
    const value = q - qIn.zeroPoint;
    if (value === 0) return 127;
    const inverse = invSqrtQuantizedMultiplierExp(value, -1);
    const data = multiplyByQuantizedMultiplier(1, inverse.multiplier, inverse.shift + shift);
    const result = multiplyByQuantizedMultiplier(data, multiplier.multiplier, multiplier.shift - shift) + qOut.zeroPoint;
    return Math.max(-128, Math.min(127, result));
  });
}

const unaryDTypes: Partial<Record<UnaryMathOp, DType[]>> = { ABS: ['float32', 'int8', 'int16'], HARD_SWISH: ['float32', 'int8'], EXP: ['float32', 'int8'], LOG: ['float32', 'int8'], RSQRT: ['float32', 'int8'] };

function prepareUnary(context: OpContext): UnaryMathPlan {
  const op = context.op.type as UnaryMathOp;
  const { input, output, count } = unaryTensors(context, unaryDTypes[op] ?? ['float32']);
  if (input.dtype === 'float32') return { op, count, arithmetic: { flavour: 'float32' } };
  if (op === 'HARD_SWISH') return { op, count, arithmetic: { flavour: 'hard-swish-int8', params: hardSwishParams(context, input, output) } };
  const flavour = input.dtype as 'int8' | 'int16';
  const qIn = activationQuantization(context, input, 'input');
  const qOut = activationQuantization(context, output, 'output');
  if (op !== 'ABS') return { op, count, arithmetic: { flavour: 'lookup-int8', table: unaryTable(op, qIn, qOut) } };
  if (flavour === 'int16' && (qIn.zeroPoint !== 0 || qOut.zeroPoint !== 0)) context.fail(`int16 ${op} needs zero points of 0, got ${qIn.zeroPoint} and ${qOut.zeroPoint}`);
  const [sIn, sOut] = [Math.fround(qIn.scale), Math.fround(qOut.scale)];
  const rescale = sIn !== sOut ? quantizeMultiplier(Math.fround(sIn / sOut)) : undefined;
  return { op, count, arithmetic: { flavour, inputZeroPoint: qIn.zeroPoint, outputZeroPoint: qOut.zeroPoint, rescale, range: dtypeRange[flavour]! } };
}

export interface BinaryMathPlan {
  op: BinaryMathOp;
  broadcast: Broadcast;
  arithmetic:
    | { flavour: 'float32'; activation: ActivationRange }
    | { flavour: 'int8' | 'int16' | 'int32' | 'int64'; kind: 'compare' }
    | {
        flavour: 'int8' | 'uint8';
        kind: 'div';
        input1Offset: number;
        input2Offset: number;
        outputOffset: number;
        output: QuantizedMultiplier;
        activation: ActivationRange;
      }
    | {
        flavour: 'int8';
        kind: 'prelu';
        inputOffset: number;
        alphaOffset: number;
        outputOffset: number;
        positive: QuantizedMultiplier;
        negative: QuantizedMultiplier;
      }
    | { flavour: 'int32'; kind: 'squared-difference-int32' }
    | { flavour: 'int32'; kind: 'div-int32'; activation: ActivationRange }
    | {
        flavour: 'int8' | 'int16';
        kind: 'squared-difference';
        input1Offset: number;
        input2Offset: number;
        outputOffset: number;
        leftShift: number;
        input1: QuantizedMultiplier;
        input2: QuantizedMultiplier;
        output: QuantizedMultiplier;
        range: ActivationRange;
      };
}

function withoutLeadingOnes(shape: readonly number[]): string {
  let start = 0;
  while (start < shape.length - 1 && shape[start] === 1) start++;
  return formatShape(shape.slice(start));
}

/** TFLite's CalculateActivationRange<int32_t>: the fused activation's bounds on plain int32 values. */
function int32ActivationRange(context: OpContext, activation: Activation): ActivationRange {
  const ranges: Partial<Record<Activation, ActivationRange>> = { none: { min: -2147483648, max: 2147483647 }, relu: { min: 0, max: 2147483647 }, relu6: { min: 0, max: 6 }, relu_n1_to_1: { min: -1, max: 1 } };
  return ranges[activation] ?? context.fail(`fused activation ${activation} is not supported on int32 ${context.op.type}`);
}

function prepareBinary(context: OpContext): BinaryMathPlan {
  const op = context.op.type as BinaryMathOp;
  const input1 = inputTensor(context, 0, 'input 0');
  const input2 = inputTensor(context, 1, op === 'PRELU' ? 'alpha' : 'input 1');
  const output = outputTensor(context);
  const quantizedTypes = op === 'MINIMUM' || op === 'MAXIMUM' ? (['int8', 'int16', 'int32', 'int64'] as const) : op === 'SQUARED_DIFFERENCE' ? (['int8', 'int16', 'int32'] as const) : op === 'PRELU' ? (['int8'] as const) : op === 'DIV' ? (['int8', 'uint8', 'int32'] as const) : ([] as const);
  expectDType(context, output, 'output', 'float32', ...quantizedTypes);
  expectDType(context, input1, 'input 0', output.dtype);
  expectDType(context, input2, op === 'PRELU' ? 'alpha' : 'input 1', output.dtype);
  const broadcast = broadcastShapes(input1.shape, input2.shape);
  if (!broadcast || withoutLeadingOnes(output.shape) !== withoutLeadingOnes(broadcast.shape)) {
    context.fail(`shapes ${formatShape(input1.shape)} (${tensorName(input1)}) and ${formatShape(input2.shape)} (${tensorName(input2)}) do not broadcast to the output's ${formatShape(output.shape)}`);
  }
  if (output.dtype === 'float32') {
    const activation = op === 'DIV' ? ((context.op.attrs as { activation?: Activation }).activation ?? 'none') : 'none';
    return { op, broadcast, arithmetic: { flavour: 'float32', activation: activationRangeFloat(context, activation) } };
  }
  if (op === 'MINIMUM' || op === 'MAXIMUM') return { op, broadcast, arithmetic: { flavour: output.dtype as 'int8' | 'int16' | 'int32' | 'int64', kind: 'compare' } };
  if (output.dtype === 'int32' && op === 'DIV') {
    const activation = (context.op.attrs as { activation?: Activation }).activation ?? 'none';
    return { op, broadcast, arithmetic: { flavour: 'int32', kind: 'div-int32', activation: int32ActivationRange(context, activation) } };
  }
  if (output.dtype === 'int32') return { op, broadcast, arithmetic: { flavour: 'int32', kind: 'squared-difference-int32' } };
  const q1 = activationQuantization(context, input1, 'input 0');
  const q2 = activationQuantization(context, input2, op === 'PRELU' ? 'alpha' : 'input 1');
  const qOut = activationQuantization(context, output, 'output');
  if (op === 'DIV') {
    const f = Math.fround;
    const activation = (context.op.attrs as { activation?: Activation }).activation ?? 'none';
    return {
      op,
      broadcast,
      arithmetic: {
        flavour: output.dtype as 'int8' | 'uint8',
        kind: 'div',
        input1Offset: -q1.zeroPoint,
        input2Offset: -q2.zeroPoint,
        outputOffset: qOut.zeroPoint,
        output: quantizeMultiplier(f(f(q1.scale) / f(f(q2.scale) * f(qOut.scale)))),
        activation: activationRangeQuantized(context, activation, output.dtype, qOut.scale, qOut.zeroPoint),
      },
    };
  }
  if (op === 'PRELU') {
    return {
      op,
      broadcast,
      arithmetic: {
        flavour: 'int8',
        kind: 'prelu',
        inputOffset: -q1.zeroPoint,
        alphaOffset: -q2.zeroPoint,
        outputOffset: qOut.zeroPoint,
        positive: quantizeMultiplier(q1.scale / qOut.scale),
        negative: quantizeMultiplier((q1.scale * q2.scale) / qOut.scale),
      },
    };
  }
  // int8 shifts left by 7, int16 (zero points 0) not at all: the halved inputs differ by at most 32767, whose square fits int32.
  const flavour = output.dtype as 'int8' | 'int16';
  if (flavour === 'int16' && (q1.zeroPoint !== 0 || q2.zeroPoint !== 0 || qOut.zeroPoint !== 0)) {
    context.fail(`int16 SQUARED_DIFFERENCE needs zero points of 0, got ${q1.zeroPoint}, ${q2.zeroPoint} and ${qOut.zeroPoint}`);
  }
  const leftShift = flavour === 'int16' ? 0 : 7;
  const twiceMax = 2 * Math.max(q1.scale, q2.scale);
  const smallerThanOne = (real: number, role: string) => {
    if (!(real > 0 && real < 1)) context.fail(`${role} rescale factor ${real} is not in (0, 1); check the tensor scales`);
    return quantizeMultiplierSmallerThanOne(real);
  };
  return {
    op,
    broadcast,
    arithmetic: {
      flavour,
      kind: 'squared-difference',
      input1Offset: -q1.zeroPoint,
      input2Offset: -q2.zeroPoint,
      outputOffset: qOut.zeroPoint,
      leftShift,
      input1: smallerThanOne(q1.scale / twiceMax, 'input 0'),
      input2: smallerThanOne(q2.scale / twiceMax, 'input 1'),
      // QuantizeMultiplier, not the below-one form: an int16 output scale may well be smaller than the squared input scale.
      output: quantizeMultiplier((twiceMax * twiceMax) / (2 ** (2 * leftShift) * qOut.scale)),
      range: dtypeRange[flavour]!,
    },
  };
}

export const unaryMathOps = (['ABS', 'NEG', 'SQRT', 'RSQRT', 'LOG', 'EXP', 'HARD_SWISH', 'FLOOR', 'CEIL', 'ROUND', 'SQUARE', 'SIN', 'COS'] as const).map((type) =>
  defineOp<UnaryMathPlan>({ types: [type], minInputs: 1, precisions: type === 'ABS' ? ['int8', 'int16', 'float32'] : unaryDTypes[type] ? ['int8', 'float32'] : ['float32'], inPlace: 'elementwise', prepare: prepareUnary }),
);

export const binaryMathOps = (['MINIMUM', 'MAXIMUM', 'DIV', 'SQUARED_DIFFERENCE', 'PRELU'] as const).map((type) =>
  defineOp<BinaryMathPlan>({
    types: [type],
    minInputs: 2,
    fusedActivation: type === 'DIV',
    precisions: type === 'MINIMUM' || type === 'MAXIMUM' ? ['int8', 'int16', 'float32'] : type === 'SQUARED_DIFFERENCE' || type === 'PRELU' || type === 'DIV' ? ['int8', 'float32'] : ['float32'],
    ...(type === 'MINIMUM' || type === 'MAXIMUM' ? { preservesQuantization: { input: 'all' as const } } : {}),
    prepare: prepareBinary,
  }),
);

/** The float32 result of a unary op, as the reference kernels compute it in float32. */
export function unaryFloat(op: UnaryMathOp, x: number): number {
  const f = Math.fround;
  switch (op) {
    case 'ABS':
      return Math.abs(x);
    case 'NEG':
      return -x;
    case 'SQRT':
      return f(Math.sqrt(x));
    case 'RSQRT':
      return f(1 / f(Math.sqrt(x)));
    case 'LOG':
      return f(Math.log(x));
    case 'EXP':
      return f(Math.exp(x));
    case 'HARD_SWISH':
      return f(f(x * Math.min(6, Math.max(0, f(x + 3)))) / 6);
    case 'FLOOR':
      return Math.floor(x);
    case 'CEIL':
      return Math.ceil(x);
    case 'ROUND': {
      // TFLite's RoundToNearest: halves to even.
      const floor = Math.floor(x);
      const diff = f(x - floor);
      return diff < 0.5 || (diff === 0.5 && floor % 2 === 0) ? floor : floor + 1;
    }
    case 'SQUARE':
      return f(x * x);
    case 'SIN':
      return f(Math.sin(x));
    case 'COS':
      return f(Math.cos(x));
  }
}

/** The float32 result of a binary op before the activation clamp. */
export function binaryFloat(op: BinaryMathOp, a: number, b: number): number {
  const f = Math.fround;
  switch (op) {
    // std::min and std::max: the first argument unless the second is strictly smaller / larger.
    case 'MINIMUM':
      return b < a ? b : a;
    case 'MAXIMUM':
      return a < b ? b : a;
    case 'DIV':
      return f(a / b);
    case 'SQUARED_DIFFERENCE': {
      const d = f(a - b);
      return f(d * d);
    }
    case 'PRELU':
      return a >= 0 ? a : f(a * b);
  }
}

/** TFLite's CountLeadingSignBits for int32. */
export function countLeadingSignBits(x: number): number {
  if (x >= 0) return Math.clz32(x) - 1;
  return x !== -2147483648 ? Math.clz32(2 * -x - 1) : 0;
}

/** One element of quantized DIV (reference_ops::Div's DivElementwise), before clamping; undefined for a zero divisor. */
export function quantizedDivide(v1: number, v2: number, output: QuantizedMultiplier): number | undefined {
  if (v2 === 0) return undefined;
  const { scale, bitsOverUnit } = reciprocal(Math.abs(v2), 31);
  const inverse = v2 > 0 ? scale : -scale | 0;
  const headroom = countLeadingSignBits(v1);
  const unscaled = saturatingRoundingDoublingHighMul((v1 * 2 ** headroom) | 0, inverse);
  const totalShift = output.shift - bitsOverUnit - headroom;
  return divideByPOTAsOnCortexM(saturatingRoundingDoublingHighMul(unscaled, output.multiplier), -totalShift);
}

/**
 * gemmlowp's RoundingDivideByPOT as TFLite Micro's reference DIV runs it on a Cortex-M, where a
 * small numerator's headroom pushes the exponent past 31: the mask (1 << exponent) - 1 keeps its
 * low 32 bits (all ones), the arithmetic shift by 32 or more leaves only the sign, so the result
 * is 1 for x ≥ 0 and -1 below (0 / x gives the output zero point plus one, as TFLite does too).
 */
export function divideByPOTAsOnCortexM(x: number, exponent: number): number {
  if (exponent >= 32) return x >= 0 ? 1 : -1;
  return roundingDivideByPOT(x, exponent);
}

/** Element count of a plan's output. */
export function broadcastCount(broadcast: Broadcast): number {
  return elementCount(broadcast.shape);
}
