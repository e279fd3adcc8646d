/**
 * TypeScript mirrors of the kernel library's `td_<op>_<dtype>_get_buffer_size()` functions
 * (firmware/kernels/include/td_kernels.h): the generator plans each call's scratch in the arena
 * with these, so they must agree with the C code. test/codegen/kernel-buffers.test.ts checks
 * every one against the C function compiled for the host, portable and DSP variant.
 */

/** A td_dims as [n, h, w, c]. */
export type Dims = readonly [number, number, number, number];

/** td_conv2d_s8_get_buffer_size: 0 portable; DSP: two im2col columns of C_in · K_h · K_w int16 values. */
export function conv2dS8BufferSize(dsp: boolean, _inputDims: Dims, filterDims: Dims): number {
  if (!dsp) return 0;
  const [, filterHeight, filterWidth, inputChannels] = filterDims;
  return 2 * inputChannels * filterHeight * filterWidth * 2;
}

/** td_depthwise_conv2d_s8_get_buffer_size: none in either variant. */
export function depthwiseConv2dS8BufferSize(_dsp: boolean, _inputDims: Dims, _filterDims: Dims): number {
  return 0;
}

/** td_conv2d_f32_get_buffer_size and td_depthwise_conv2d_f32_get_buffer_size: none. */
export function convF32BufferSize(_inputDims: Dims, _filterDims: Dims): number {
  return 0;
}

/** td_fully_connected_s8_get_buffer_size: none in either variant. */
export function fullyConnectedS8BufferSize(_dsp: boolean, _inputDepth: number, _outputDepth: number): number {
  return 0;
}

/** td_fully_connected_f32_get_buffer_size: none. */
export function fullyConnectedF32BufferSize(_inputDepth: number, _outputDepth: number): number {
  return 0;
}

/** td_lstm_s8_get_buffer_size: four int16 gate buffers of B · S values. */
export function lstmS8BufferSize(batchSize: number, stateSize: number): number {
  return 4 * batchSize * stateSize * 2;
}

/** td_lstm_f32_get_buffer_size: four float gate buffers of B · S values. */
export function lstmF32BufferSize(batchSize: number, stateSize: number): number {
  return 4 * batchSize * stateSize * 4;
}
