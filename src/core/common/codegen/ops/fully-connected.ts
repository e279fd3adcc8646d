import { expectConstant, fail, input, optionalInput, output, registerLowerer, tensorName, type LowerContext, type OpEmitter, type OpLowering } from '../lowering.js';
import { fullyConnectedF32BufferSize, fullyConnectedS8BufferSize } from '../kernel-buffers.js';
import { clampC, clampF32C } from '../params.js';
import { fullyConnected, type FullyConnectedPlan } from '../../ops/fully-connected.js';
import { perChannelQuant } from './conv.js';

/**
 * FULLY_CONNECTED → td_fully_connected_s8 / _f32 from the plan (ops/fully-connected.ts): the input
 * is [batches][depth], the weights [units][depth]. int8 per-tensor weights take one multiplier
 * (TFLite's GetQuantizedConvolutionMultipler), per-channel weights one per unit. The C kernel
 * has no weight zero point, 16x8 or hybrid variant (the generator dequantizes hybrid weights first).
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
  if (arithmetic.flavour !== 'int8') fail(context, `${arithmetic.flavour} fully connected has no C kernel (int8 and float32 do)`);
  if (arithmetic.weightZeroPoint !== 0) {
    fail(context, `weights ${tensorName(weights)} have zero point ${arithmetic.weightZeroPoint}, expected 0 (symmetric int8 weights)`);
  }
  const { perChannel, requant } = arithmetic;
  const folded = perChannel ? requant : { multipliers: requant.multipliers.subarray(0, 1), shifts: requant.shifts.subarray(0, 1) };
  return {
    kernels: ['td_fully_connected_s8'],
    scratchBytes: fullyConnectedS8BufferSize(context.options.dsp, depth, units),
    emit: (e) => {
      const params = e.struct('params', 'td_fc_params', `{${-arithmetic.input.zeroPoint}, 0, ${arithmetic.output.zeroPoint}, ${clampC(arithmetic.activation)}}`);
      const quant = perChannelQuant(e, folded);
      return `td_fully_connected_s8(${e.context()}, ${params}, ${quant}, ${perChannel ? 1 : 0}, ${tensors(e)})`;
    },
  };
}

registerLowerer(fullyConnected, lowerFullyConnected);
