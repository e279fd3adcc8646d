import { svdf, type SvdfPlan } from '../../ops/svdf.js';
import { expectConstant, input, optionalInput, output, registerLowerer, type LowerContext, type OpLowering } from '../lowering.js';
import { clampF32C, requantC } from '../params.js';

/**
 * SVDF → td_svdf_s8 (int16 state) / td_svdf_s8_s8 (int8 state) / td_svdf_f32, from the plan of
 * ops/svdf.ts; in DSP builds, the converter's int16 state goes through td_svdf_s8_packed when its
 * preconditions hold (svdfPackedLowering). The weights and bias must be constants; the state is
 * the variable tensor the generated code keeps in the arena between runs.
 */
registerLowerer(svdf, (plan, context) => {
  const { batch, inputSize, filters, units, rank, memory, arithmetic } = plan;
  const x = input(context, 0, 'input');
  const weightsFeature = input(context, 1, 'weights_feature');
  const weightsTime = input(context, 2, 'weights_time');
  const bias = optionalInput(context, 3);
  const state = input(context, 4, 'state');
  const y = output(context);
  expectConstant(context, weightsFeature, 'weights_feature');
  expectConstant(context, weightsTime, 'weights_time');
  if (bias) expectConstant(context, bias, 'bias');
  const packed = context.options.dsp ? svdfPackedLowering(plan, context) : undefined;
  if (packed) return packed;
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

/** Ids of packed feature weight copies: past any graph's tensor ids (and the fully connected's copies). */
const packedFeatureIdBase = 3 << 23;

/**
 * td_svdf_s8_packed (td_kernels.h) for the int16 state with zero point 0 when the feature
 * requantization's fast form provably holds: a right shift of 1–31 and every filter's
 * |sum_c wf[f][c] * (x[c] + input offset)| below 2^30. The input offset goes into per-filter
 * sums (feature_bias), the feature weights into the DSP loop's layout. Undefined otherwise.
 */
function svdfPackedLowering(plan: SvdfPlan, context: LowerContext): OpLowering | undefined {
  const { batch, inputSize, filters, units, rank, memory, arithmetic } = plan;
  if (arithmetic.flavour !== 'int8' || arithmetic.stateType !== 'int16' || arithmetic.stateZeroPoint !== 0) return undefined;
  const rightShift = -arithmetic.feature.shift;
  if (arithmetic.feature.multiplier <= 0 || rightShift < 1 || rightShift > 31) return undefined;
  const weightsFeature = input(context, 1, 'weights_feature');
  const weights = weightsFeature.data!;
  const inputOffset = -arithmetic.inputZeroPoint;
  const largestInput = Math.max(Math.abs(-128 + inputOffset), Math.abs(127 + inputOffset));
  const featureBias = svdfFeatureBias(weights, filters, inputSize, inputOffset);
  for (let f = 0; f < filters; f++) {
    let magnitude = 0;
    for (let c = 0; c < inputSize; c++) magnitude += Math.abs(Number(weights[f * inputSize + c]));
    if (magnitude * largestInput >= 2 ** 30) return undefined;
  }
  const x = input(context, 0, 'input');
  const weightsTime = input(context, 2, 'weights_time');
  const bias = optionalInput(context, 3);
  const state = input(context, 4, 'state');
  const y = output(context);
  // The packed bytes are the feature weights' own symbol (counted as weights), under an id no graph tensor has.
  const packedData = packSvdfFeatureWeights(weights, filters, inputSize);
  const packed = { ...weightsFeature, id: packedFeatureIdBase + weightsFeature.id, shape: [packedData.length], data: packedData };
  const params = `{{${batch}, ${inputSize}, ${filters}, ${units}, ${rank}, ${memory}}, ${arithmetic.outputZeroPoint}, ${arithmetic.feature.multiplier}, ${rightShift}, ${requantC(arithmetic.output)}}`;
  return {
    kernels: ['td_svdf_s8_packed'],
    scratchBytes: 0,
    emit: (e) =>
      `td_svdf_s8_packed(${e.struct('params', 'td_svdf_packed_params', params)}, ${e.pointer(x, 'read')}, ${e.pointer(packed, 'read')}, ` +
      `${e.array('feature_bias', 'int32', featureBias)}, ${e.pointer(weightsTime, 'read')}, ${bias ? e.pointer(bias, 'read') : e.array('bias', 'int32', new Int32Array(units))}, ` +
      `${e.pointer(state, 'write')}, ${e.pointer(y, 'write')})`,
  };
}

/**
 * td_svdf_s8_packed's feature layout of row-major [filters][inputs] weights: per block of four
 * filters (the last padded with zero rows), per eight inputs (the last padded with zero weights)
 * the four filters' eight weights one after the other.
 */
export function packSvdfFeatureWeights(weights: ArrayLike<number | bigint>, filters: number, inputs: number): Int8Array {
  const paddedInputs = Math.ceil(inputs / 8) * 8;
  const packed = new Int8Array(Math.ceil(filters / 4) * 4 * paddedInputs);
  let at = 0;
  for (let block = 0; block < filters; block += 4) {
    for (let k = 0; k < paddedInputs; k += 8) {
      for (let lane = 0; lane < 4; lane++) {
        for (let j = 0; j < 8; j++) {
          const [f, c] = [block + lane, k + j];
          packed[at++] = f < filters && c < inputs ? Number(weights[f * inputs + c]) : 0;
        }
      }
    }
  }
  return packed;
}

/** input offset · Σ_c wf[f][c] per filter, padded with zeros to a multiple of four filters. */
export function svdfFeatureBias(weights: ArrayLike<number | bigint>, filters: number, inputs: number, inputOffset: number): Int32Array {
  const result = new Int32Array(Math.ceil(filters / 4) * 4);
  for (let f = 0; f < filters; f++) {
    let sum = 0;
    for (let c = 0; c < inputs; c++) sum += Number(weights[f * inputs + c]);
    result[f] = inputOffset * sum;
  }
  return result;
}
