import { expectConstant, fail, input, optionalInput, output, registerLowerer, tensorName, type LowerContext, type OpEmitter, type OpLowering } from '../lowering.js';
import { fullyConnectedF32BufferSize, fullyConnectedS8BufferSize } from '../kernel-buffers.js';
import { clampC, clampF32C } from '../params.js';
import { fullyConnected, type FullyConnectedPlan } from '../../ops/fully-connected.js';
import { bias64, perChannelQuant } from './conv.js';

/**
 * FULLY_CONNECTED → td_fully_connected_s8 / _f32 from the plan (ops/fully-connected.ts): the input
 * is [batches][depth], the weights [units][depth]. int8 per-tensor weights take one multiplier
 * (TFLite's GetQuantizedConvolutionMultipler), per-channel weights one per unit; 16x8 (int16
 * activations) → td_fully_connected_s16. The C kernels have no weight zero point or hybrid variant
 * (the generator dequantizes hybrid weights first).
 */
function lowerFullyConnected({ shape, arithmetic }: FullyConnectedPlan, context: LowerContext): OpLowering {
  const { batches, units, depth } = shape;
  const x = input(context, 0, 'input');
  const weights = input(context, 1, 'weights');
  const bias = optionalInput(context, 2);
  const y = output(context);
  expectConstant(context, weights, 'weights');
  if (bias) expectConstant(context, bias, 'bias');
  const tensors = (e: OpEmitter) =>
    `${batches}, ${depth}, ${units}, ${e.pointer(x, 'read')}, ${e.pointer(weights, 'read')}, ${bias ? e.pointer(bias, 'read') : 'NULL'}, ${e.pointer(y, 'write')}`;

  if (arithmetic.flavour === 'float32') {
    return {
      kernels: ['td_fully_connected_f32'],
      scratchBytes: fullyConnectedF32BufferSize(depth, units),
      emit: (e) => `td_fully_connected_f32(${e.context()}, ${e.struct('activation', 'td_activation_f32', clampF32C(arithmetic.activation))}, ${tensors(e)})`,
    };
  }
  if (arithmetic.flavour !== 'int8' && arithmetic.flavour !== 'int16') fail(context, `${arithmetic.flavour} fully connected has no C kernel (int8, 16x8 and float32 do)`);
  if (arithmetic.weightZeroPoint !== 0) {
    fail(context, `weights ${tensorName(weights)} have zero point ${arithmetic.weightZeroPoint}, expected 0 (symmetric int8 weights)`);
  }
  if (arithmetic.flavour === 'int16') {
    // 16x8: one multiplier per unit (a per-tensor one repeated), the bias as int64.
    return {
      kernels: ['td_fully_connected_s16'],
      scratchBytes: 0,
      emit: (e) => {
        const params = e.struct('params', 'td_fc_params_s16', `{${arithmetic.wideAccumulator ? 1 : 0}, ${clampC(arithmetic.activation)}}`);
        return `td_fully_connected_s16(${e.context()}, ${params}, ${perChannelQuant(e, arithmetic.requant)}, ${batches}, ${depth}, ${units}, ${e.pointer(x, 'read')}, ${e.pointer(weights, 'read')}, ${bias64(context)(e)}, ${e.pointer(y, 'write')})`;
      },
    };
  }
  const { perChannel, requant } = arithmetic;
  const folded = perChannel ? requant : { multipliers: requant.multipliers.subarray(0, 1), shifts: requant.shifts.subarray(0, 1) };
  // DSP builds: the input offset goes into the bias here (Σ (x + o)·w = Σ x·w + o·Σ w, exact in
  // int32), so the kernel's inner loop skips adding it to every input value.
  const inputOffset = -arithmetic.input.zeroPoint;
  const foldedBias = context.options.dsp && inputOffset !== 0 ? biasWithInputOffset(weights.data!, bias?.data, units, depth, inputOffset) : undefined;
  return {
    kernels: ['td_fully_connected_s8'],
    scratchBytes: fullyConnectedS8BufferSize(context.options.dsp, depth, units),
    emit: (e) => {
      const params = e.struct('params', 'td_fc_params', `{${foldedBias ? 0 : inputOffset}, 0, ${arithmetic.output.zeroPoint}, ${clampC(arithmetic.activation)}}`);
      const quant = perChannelQuant(e, folded);
      const biasPointer = foldedBias ? e.array('bias_with_input_offset', 'int32', foldedBias) : bias ? e.pointer(bias, 'read') : 'NULL';
      return `td_fully_connected_s8(${e.context()}, ${params}, ${quant}, ${perChannel ? 1 : 0}, ${batches}, ${depth}, ${units}, ${e.pointer(x, 'read')}, ${e.pointer(weights, 'read')}, ${biasPointer}, ${e.pointer(y, 'write')})`;
    },
  };
}

/** bias[o] + offset · Σ_k weights[o][k] for every unit (an absent bias is 0). */
function biasWithInputOffset(weights: ArrayLike<number | bigint>, bias: ArrayLike<number | bigint> | undefined, units: number, depth: number, offset: number): Int32Array {
  const result = new Int32Array(units);
  for (let unit = 0; unit < units; unit++) {
    let sum = 0;
    for (let k = 0; k < depth; k++) sum += Number(weights[unit * depth + k]);
    result[unit] = (bias ? Number(bias[unit]) : 0) + offset * sum;
  }
  return result;
}

registerLowerer(fullyConnected, lowerFullyConnected);
