import { dims4, input, optionalInput, output, type LowerContext, type OpLowering } from '../lowering.js';

/**
 * Weight layouts of the blocked float32 kernels (td_conv2d_f32_packed, td_fully_connected_f32_packed
 * in td_kernels.h): eight output channels (rows) side by side at each tap, then four, so one VLDM
 * fetches the weights a loaded input value meets in eight (four) accumulators. Same size as the
 * weights they come from (the flash does not grow); the channels after the last whole block keep
 * their own layout.
 */

/**
 * CONV_2D [C_out][K_h][K_w][C_in] → per block of eight output channels [K_h][K_w][C_in][8]; when
 * four or more channels remain, one block of four [K_h][K_w][C_in][4]; then the C_out % 4
 * remaining channels as they are.
 */
export function packConvF32Weights(weights: ArrayLike<number>, outputChannels: number, taps: number): Float32Array {
  const packed = new Float32Array(outputChannels * taps);
  const eights = outputChannels - (outputChannels % 8);
  const fours = outputChannels - eights >= 4 ? eights + 4 : eights;
  let at = 0;
  const block = (first: number, lanes: number) => {
    for (let tap = 0; tap < taps; tap++) for (let lane = 0; lane < lanes; lane++) packed[at++] = weights[(first + lane) * taps + tap]!;
  };
  for (let first = 0; first < eights; first += 8) block(first, 8);
  if (fours > eights) block(eights, 4);
  for (let index = fours * taps; index < outputChannels * taps; index++) packed[at++] = weights[index]!;
  return packed;
}

/** FULLY_CONNECTED [units][depth]: the same layout with one tap per input (taps = depth). */
export function packFullyConnectedF32Weights(weights: ArrayLike<number>, units: number, depth: number): Float32Array {
  return packConvF32Weights(weights, units, depth);
}

/** Ids of packed float weight copies: past any graph's tensor ids (and the int8 packed copies'). */
export const packedF32TensorIdBase = 1 << 25;

/**
 * CONV_2D float32 in optimized builds: td_conv2d_f32_packed over the filter packed as above (the
 * copy is the filter's own flash symbol under another id; the model's layout is not emitted).
 * `params` is td_conv_params_f32's initializer. One group only (the caller refuses more).
 */
export function packedConvF32Lowering(context: LowerContext, params: string): OpLowering {
  const x = input(context, 0, 'input');
  const filter = input(context, 1, 'filter');
  const bias = optionalInput(context, 2);
  const y = output(context);
  const [outputChannels, filterHeight, filterWidth, filterChannels] = dims4(context, filter.shape, 'filter');
  // Fewer than four channels: the layout is the model's own, so is the symbol.
  const packed = outputChannels < 4 ? filter : { ...filter, id: packedF32TensorIdBase + filter.id, data: packConvF32Weights(filter.data as ArrayLike<number>, outputChannels, filterHeight * filterWidth * filterChannels) };
  return {
    kernels: ['td_conv2d_f32_packed'],
    scratchBytes: 0,
    emit: (e) =>
      `td_conv2d_f32_packed(${e.struct('params', 'td_conv_params_f32', params)}, ${e.dims(x.shape, 'input')}, ${e.pointer(x, 'read')}, ${e.dims(filter.shape, 'filter')}, ${e.pointer(packed, 'read')}, ${bias ? e.pointer(bias, 'read') : 'NULL'}, ${e.dims(y.shape, 'output')}, ${e.pointer(y, 'write')})`,
  };
}

/** FULLY_CONNECTED float32 in optimized builds: td_fully_connected_f32_packed; `activation` is td_activation_f32's initializer. */
export function packedFullyConnectedF32Lowering(context: LowerContext, shape: { batches: number; units: number; depth: number }, activation: string): OpLowering {
  const { batches, units, depth } = shape;
  const x = input(context, 0, 'input');
  const weights = input(context, 1, 'weights');
  const bias = optionalInput(context, 2);
  const y = output(context);
  const packed = units < 4 ? weights : { ...weights, id: packedF32TensorIdBase + weights.id, data: packFullyConnectedF32Weights(weights.data as ArrayLike<number>, units, depth) };
  return {
    kernels: ['td_fully_connected_f32_packed'],
    scratchBytes: 0,
    emit: (e) =>
      `td_fully_connected_f32_packed(${e.struct('activation', 'td_activation_f32', activation)}, ${batches}, ${depth}, ${units}, ${e.pointer(x, 'read')}, ${e.pointer(packed, 'read')}, ${bias ? e.pointer(bias, 'read') : 'NULL'}, ${e.pointer(y, 'write')})`,
  };
}
