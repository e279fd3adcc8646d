/**
 * TD_GRU, TinyDeploy's fused GRU (see `gru-layout.ts` for the inputs, the cell and how it is
 * stored in `.tflite`), in two flavours:
 *
 * - float32: every tensor float32.
 * - int8, in the scheme of TFLite Micro's integer LSTM: int8 input and output, int8 per-tensor
 *   symmetric weights, int32 biases, int16 gates (pre-activations Q3.12, activations Q0.15 through
 *   the LSTM's int16 sigmoid and tanh) and an int16 hidden state in Q0.15 (scale 2^-15, zero
 *   point 0: a GRU's state is a convex mix of tanh outputs and stays in (−1, 1), so it needs no
 *   calibrated range). Every scale change is a multiplier/shift pair (TFLite's
 *   MultiplyByQuantizedMultiplier, double rounding); a product of two Q0.15 values (or Q0.15 by
 *   Q3.12) comes back to the second operand's format by RoundingDivideByPOT(a·b, 15). One step:
 *
 *     r   = sigmoid16(sat16(FC_x_r(x) + FC_h_r(h)))                Q0.15
 *     z   = sigmoid16(sat16(FC_x_z(x) + FC_h_z(h)))                Q0.15
 *     linear_before_reset:
 *       hn = FC_h_n(h) with the recurrent n bias                 Q3.12
 *       n  = tanh16(sat16(FC_x_n(x) + sat16(RDPOT(r·hn, 15))))   Q0.15
 *     otherwise:
 *       rh = RDPOT(r·h, 15)                                      Q0.15
 *       n  = tanh16(sat16(FC_x_n(x) + FC_h_n(rh)))               Q0.15
 *     h'  = sat16(n + RDPOT(z·(h − n), 15))                        Q0.15
 *     y   = sat8(y_zp + MBQM(h', 2^-15 / s_y))                     int8
 *
 *   FC_x_g(x) = sat16(MBQM(Σ W_g·(x − x_zp) + b_g, float(s_x·s_Wg)/2^-12)), bias at scale s_x·s_Wg;
 *   FC_h_g(v) = sat16(MBQM(Σ R_g·v (+ rb_n), 2^-15·s_Rg/2^-12)), rb_n at scale 2^-15·s_Rn.
 *   The recurrent sums run in int32: |R·v| ≤ 127 · 32768 · U, so U is limited to 511.
 *
 * - int16 ("16x8"): int16 input and output (zero points 0, symmetric), int8 weights, int64 input
 *   biases; the same int16 gates and Q0.15 state. Only the two places where the int8 GRU touches
 *   int8 activations change, as TFLite Micro's 16x8 LSTM changes them:
 *
 *     FC_x_g(x) = sat16(MBQM64(Σ W_g·x + b_g, float(s_x·s_Wg)/2^-12))   Σ and b_g (int64) in 64 bits
 *     y         = sat16(MBQM(h', 2^-15 / s_y))                           int16, zero point 0
 *
 *   MBQM64 is TFLite's MultiplyByQuantizedMultiplier for an int64 accumulator (the multiplier
 *   rounded to 15 bits, one rounding shift by 15 − shift), as reference_integer_ops::FullyConnected
 *   uses it with an int64 bias. The recurrent side (Q0.15 state, int32 sums, the int32 recurrent n
 *   bias at 2^-15·s_Rn) is the int8 GRU's unchanged, so is the 511-unit limit.
 */
import type { Tensor } from '../ir/types.js';
import type { QuantizedMultiplier } from './fixed-point.js';
import { GruTensors, gruGateNames, gruInputIndex, gruMacsOf, gruOpType, readGruLayout, type GruGateName, type GruLayout } from './gru-layout.js';
import { rescale } from './quantization.js';
import { defineOp } from './registry.js';

/** Q3.12: the input of the int16 sigmoid and tanh. */
export const gruGateInputScale = 2 ** -12;
/** Q0.15: gate outputs and the hidden state. */
export const gruStateScale = 2 ** -15;
/** Largest U whose int8 × int16 recurrent sums fit an int32. */
export const gruMaxIntegerUnits = 511;

export interface IntegerGruGate {
  /** Input FC (x → Q3.12): float(s_x·s_W)/2^-12. */
  inputMultiplier: QuantizedMultiplier;
  /** Recurrent FC (Q0.15 → Q3.12): 2^-15·s_R/2^-12. */
  recurrentMultiplier: QuantizedMultiplier;
}

export interface IntegerGruArithmetic {
  flavour: 'int8';
  gates: Record<GruGateName, IntegerGruGate>;
  /** −(input zero point), added to each input value before the input FC. */
  inputOffset: number;
  /** Q0.15 state → int8 output: 2^-15/s_y. */
  outputMultiplier: QuantizedMultiplier;
  outputZeroPoint: number;
}

/** The 16x8 GRU: the int8 form's multipliers with int16 input and output (zero points 0) and int64 input biases. */
export type Int16GruArithmetic = Omit<IntegerGruArithmetic, 'flavour'> & { flavour: 'int16' };

export interface FloatGruArithmetic {
  flavour: 'float32';
}

export interface GruPlan {
  layout: GruLayout;
  arithmetic: IntegerGruArithmetic | Int16GruArithmetic | FloatGruArithmetic;
}

function expectDType(tensors: GruTensors, tensor: Tensor, label: string, dtype: Tensor['dtype'], why: string): void {
  if (tensor.dtype !== dtype) tensors.fail(`${label} is ${tensor.dtype}, expected ${dtype} (${why})`);
}

function perTensor(tensors: GruTensors, index: number): { scale: number; zeroPoint: number } {
  const q = tensors.required(index).quantization;
  if (!q || q.scale.length === 0) tensors.fail(`${tensors.label(index)} has no quantization parameters`);
  if (q.scale.length > 1) tensors.fail(`${tensors.label(index)} is quantized per channel (${q.scale.length} scales); the int8 GRU takes per-tensor weights`);
  return { scale: q.scale[0], zeroPoint: q.zeroPoint[0] ?? 0 };
}

function weightInputs(): number[] {
  return gruGateNames.flatMap((gate) => [gruInputIndex.inputWeights[gate], gruInputIndex.recurrentWeights[gate]]);
}

function floatArithmetic(tensors: GruTensors, layout: GruLayout): FloatGruArithmetic {
  const indices = [gruInputIndex.input, gruInputIndex.hiddenState, ...weightInputs(), ...gruGateNames.map((g) => gruInputIndex.bias[g])];
  if (layout.hasRecurrentNBias) indices.push(gruInputIndex.recurrentNBias);
  for (const index of indices) {
    const tensor = tensors.required(index);
    if (tensor.dtype !== 'float32') {
      tensors.fail(`${tensors.label(index)} is ${tensor.dtype}, expected float32 (float GRU; quantize the whole model to int8 or keep it float32)`);
    }
  }
  expectDType(tensors, tensors.output, `output tensor ${tensors.output.id}`, 'float32', 'the input type');
  return { flavour: 'float32' };
}

function integerArithmetic(tensors: GruTensors, layout: GruLayout, activation: 'int8' | 'int16' = 'int8'): IntegerGruArithmetic {
  const { context } = tensors;
  const why = activation === 'int8' ? 'int8 GRU' : '16x8 GRU';
  if (layout.stateSize > gruMaxIntegerUnits) {
    tensors.fail(`has ${layout.stateSize} units; the int8 GRU takes at most ${gruMaxIntegerUnits} (its int8 × int16 recurrent sums run in int32)`);
  }
  const input = perTensor(tensors, gruInputIndex.input);
  const state = tensors.required(gruInputIndex.hiddenState);
  expectDType(tensors, state, tensors.label(gruInputIndex.hiddenState), 'int16', 'the int8 GRU keeps an int16 Q0.15 state');
  const stateQ = perTensor(tensors, gruInputIndex.hiddenState);
  if (stateQ.zeroPoint !== 0 || Math.abs(stateQ.scale - gruStateScale) > 1e-12) {
    tensors.fail(`${tensors.label(gruInputIndex.hiddenState)} has scale ${stateQ.scale} and zero point ${stateQ.zeroPoint}, expected 2^-15 and 0 (Q0.15)`);
  }
  const output = tensors.output;
  expectDType(tensors, output, `output tensor ${output.id}`, activation, 'the input type');
  const oq = output.quantization;
  if (!oq || oq.scale.length !== 1) tensors.fail(`output tensor ${output.id} needs one per-tensor scale`);
  if (activation === 'int16') {
    // int16 activations are symmetric, as in TFLite's 16x8 scheme.
    if (input.zeroPoint !== 0) tensors.fail(`${tensors.label(gruInputIndex.input)} has zero point ${input.zeroPoint}, expected 0 (int16 activations are symmetric)`);
    if ((oq.zeroPoint[0] ?? 0) !== 0) tensors.fail(`output tensor ${output.id} has zero point ${oq.zeroPoint[0]}, expected 0 (int16 activations are symmetric)`);
  }

  const gate = (g: GruGateName): IntegerGruGate => {
    const w = gruInputIndex.inputWeights[g];
    const r = gruInputIndex.recurrentWeights[g];
    for (const index of [w, r]) {
      expectDType(tensors, tensors.required(index), tensors.label(index), 'int8', why);
      const { zeroPoint } = perTensor(tensors, index);
      if (zeroPoint !== 0) tensors.fail(`${tensors.label(index)} has zero point ${zeroPoint}, expected 0 (symmetric weights)`);
    }
    expectDType(tensors, tensors.required(gruInputIndex.bias[g]), tensors.label(gruInputIndex.bias[g]), activation === 'int8' ? 'int32' : 'int64', why);
    return {
      inputMultiplier: rescale(context, Math.fround(input.scale * perTensor(tensors, w).scale) / gruGateInputScale, tensors.label(w)),
      recurrentMultiplier: rescale(context, (gruStateScale * perTensor(tensors, r).scale) / gruGateInputScale, tensors.label(r)),
    };
  };
  if (layout.hasRecurrentNBias) {
    const index = gruInputIndex.recurrentNBias;
    expectDType(tensors, tensors.required(index), tensors.label(index), 'int32', why);
  }
  return {
    flavour: 'int8',
    gates: { r: gate('r'), z: gate('z'), n: gate('n') },
    inputOffset: -input.zeroPoint,
    outputMultiplier: rescale(context, gruStateScale / oq.scale[0], `output tensor ${output.id}`),
    outputZeroPoint: oq.zeroPoint[0] ?? 0,
  };
}

export const gru = defineOp<GruPlan>({
  types: [gruOpType],
  minInputs: 12,
  precisions: ['int8', 'int16', 'float32'],
  macs(graph, op) {
    const input = graph.tensors[op.inputs[0]];
    const weights = graph.tensors[op.inputs[gruInputIndex.inputWeights.r]];
    if (!input || !weights || input.shape.length !== 3 || weights.shape.length !== 2) return 0;
    // steps · batch = input elements / input size, whichever axis is time.
    return gruMacsOf({ batchSize: input.shape[0] * input.shape[1], timeSteps: 1, inputSize: input.shape[2], stateSize: weights.shape[0] });
  },
  prepare(context) {
    const tensors = new GruTensors(context);
    const layout = readGruLayout(tensors);
    const input = tensors.required(gruInputIndex.input);
    if (input.dtype === 'int8') return { layout, arithmetic: integerArithmetic(tensors, layout) };
    if (input.dtype === 'int16') return { layout, arithmetic: { ...integerArithmetic(tensors, layout, 'int16'), flavour: 'int16' } };
    if (input.dtype !== 'float32') tensors.fail(`${tensors.label(gruInputIndex.input)} is ${input.dtype}; supported GRU inputs are float32, int8 and int16`);
    return { layout, arithmetic: floatArithmetic(tensors, layout) };
  },
});
