import { svdf } from '../../ops/svdf.js';
import { expectConstant, input, optionalInput, output, registerLowerer } from '../lowering.js';
import { clampF32C, requantC } from '../params.js';

/**
 * SVDF → td_svdf_s8 (int16 state) / td_svdf_s8_s8 (int8 state) / td_svdf_f32, from the plan of
 * ops/svdf.ts. The weights and bias must be constants; the state is the variable tensor the
 * generated code keeps in the arena between runs.
 */
registerLowerer(svdf, ({ batch, inputSize, filters, units, rank, memory, arithmetic }, context) => {
  const x = input(context, 0, 'input');
  const weightsFeature = input(context, 1, 'weights_feature');
  const weightsTime = input(context, 2, 'weights_time');
  const bias = optionalInput(context, 3);
  const state = input(context, 4, 'state');
  const y = output(context);
  expectConstant(context, weightsFeature, 'weights_feature');
  expectConstant(context, weightsTime, 'weights_time');
  if (bias) expectConstant(context, bias, 'bias');
  const dims = `{${batch}, ${inputSize}, ${filters}, ${units}, ${rank}, ${memory}}`;
  let kernel: string;
  let type: string;
  let params: string;
  if (arithmetic.flavour === 'float32') {
    [kernel, type, params] = ['td_svdf_f32', 'td_svdf_params_f32', `{${dims}, ${clampF32C(arithmetic.activation)}}`];
  } else {
    kernel = arithmetic.stateType === 'int16' ? 'td_svdf_s8' : 'td_svdf_s8_s8';
    type = 'td_svdf_params_s8';
    params = `{${dims}, ${-arithmetic.inputZeroPoint}, ${arithmetic.stateZeroPoint}, ${arithmetic.outputZeroPoint}, ${requantC(arithmetic.feature)}, ${requantC(arithmetic.output)}}`;
  }
  return {
    kernels: [kernel],
    scratchBytes: 0,
    emit: (e) =>
      `${kernel}(${e.struct('params', type, params)}, ${e.pointer(x, 'read')}, ${e.pointer(weightsFeature, 'read')}, ${e.pointer(weightsTime, 'read')}, ` +
      `${bias ? e.pointer(bias, 'read') : 'NULL'}, ${e.pointer(state, 'write')}, ${e.pointer(y, 'write')})`,
  };
});
