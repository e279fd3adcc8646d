import { elementCount, formatShape } from '../../ir/tensor.js';
import type { OpOf } from '../../ir/types.js';
import {
  channelScales,
  expectConstant,
  expectDType,
  expectRank,
  expectShape,
  fail,
  input,
  optionalInput,
  output,
  quantization,
  registerLegacyLowerer,
  tensorName,
  type LowerContext,
  type OpLowering,
} from '../lowering.js';
import { fullyConnectedF32BufferSize, fullyConnectedS8BufferSize } from '../kernel-buffers.js';
import { activationF32, activationS8, perChannelRequant, requant } from '../params.js';

/**
 * FULLY_CONNECTED → td_fully_connected_s8 / _f32. The input is seen as [batches][input_depth]
 * with input_depth the weights' second dimension (TFLite flattens leading dimensions). int8:
 * per-tensor weights use TFLite's GetQuantizedConvolutionMultipler (input × filter scale
 * multiplied in float32, then divided in double); per-channel weights one multiplier per output.
 */
function lowerFullyConnected(context: LowerContext): OpLowering {
  const op = context.op as OpOf<'FULLY_CONNECTED'>;
  const x = input(context, 0, 'input');
  const weights = input(context, 1, 'weights');
  const bias = optionalInput(context, 2);
  const y = output(context);
  expectConstant(context, weights, 'weights');
  expectRank(context, weights, 'weights', 2);
  const [outputDepth, inputDepth] = weights.shape;
  const inputCount = elementCount(x.shape);
  if (inputDepth === 0 || inputCount % inputDepth !== 0) {
    fail(context, `input ${tensorName(x)} of shape ${formatShape(x.shape)} is not a whole number of rows of ${inputDepth} (the weights' input depth)`);
  }
  const batches = inputCount / inputDepth;
  if (elementCount(y.shape) !== batches * outputDepth || y.shape[y.shape.length - 1] !== outputDepth) {
    fail(context, `output ${tensorName(y)} has shape ${formatShape(y.shape)}, expected ${batches} rows of ${outputDepth}`);
  }
  if (bias) {
    expectConstant(context, bias, 'bias');
    expectShape(context, bias, 'bias', [outputDepth]);
  }

  if (y.dtype === 'float32') {
    expectDType(context, x, 'input', 'float32');
    expectDType(context, weights, 'weights', 'float32');
    if (bias) expectDType(context, bias, 'bias', 'float32');
    const activation = activationF32(context, op.attrs.activation);
    return {
      kernels: ['td_fully_connected_f32'],
      scratchBytes: fullyConnectedF32BufferSize(inputDepth, outputDepth),
      emit: (e) =>
        `td_fully_connected_f32(${e.context()}, ${e.struct('activation', 'td_activation_f32', activation)}, ${batches}, ${inputDepth}, ${outputDepth}, ${e.pointer(x, 'read')}, ${e.pointer(weights, 'read')}, ${bias ? e.pointer(bias, 'read') : 'NULL'}, ${e.pointer(y, 'write')})`,
    };
  }

  expectDType(context, y, 'output', 'int8');
  expectDType(context, x, 'input', 'int8');
  expectDType(context, weights, 'weights', 'int8');
  if (bias) expectDType(context, bias, 'bias', 'int32');
  const inputQuant = quantization(context, x, 'input');
  const outputQuant = quantization(context, y, 'output');
  const perChannel = (weights.quantization?.scale.length ?? 0) > 1;
  let multipliers: number[];
  let shifts: number[];
  let filterZeroPoint = 0;
  if (perChannel) {
    const scales = channelScales(context, weights, 'weights', outputDepth, 0);
    ({ multipliers, shifts } = perChannelRequant(context, inputQuant.scale, scales, outputQuant.scale));
  } else {
    const weightQuant = quantization(context, weights, 'weights');
    filterZeroPoint = weightQuant.zeroPoint;
    const real = Math.fround(inputQuant.scale * weightQuant.scale) / outputQuant.scale;
    const { multiplier, shift } = requant(context, real, 'output');
    multipliers = [multiplier];
    shifts = [shift];
  }
  if (filterZeroPoint !== 0) fail(context, `weights ${tensorName(weights)} have zero point ${filterZeroPoint}, expected 0 (symmetric int8 weights)`);
  const activation = activationS8(context, op.attrs.activation, 'int8', outputQuant.scale, outputQuant.zeroPoint);
  return {
    kernels: ['td_fully_connected_s8'],
    scratchBytes: fullyConnectedS8BufferSize(context.options.dsp, inputDepth, outputDepth),
    emit: (e) => {
      const params = e.struct('params', 'td_fc_params', `{${-inputQuant.zeroPoint}, ${-filterZeroPoint}, ${outputQuant.zeroPoint}, ${activation}}`);
      const quant = e.struct('quant', 'td_per_channel_quant', `{${e.array('multiplier', 'int32', multipliers)}, ${e.array('shift', 'int32', shifts)}}`);
      return `td_fully_connected_s8(${e.context()}, ${params}, ${quant}, ${perChannel ? 1 : 0}, ${batches}, ${inputDepth}, ${outputDepth}, ${e.pointer(x, 'read')}, ${e.pointer(weights, 'read')}, ${bias ? e.pointer(bias, 'read') : 'NULL'}, ${e.pointer(y, 'write')})`;
    },
  };
}

registerLegacyLowerer('FULLY_CONNECTED', lowerFullyConnected);
