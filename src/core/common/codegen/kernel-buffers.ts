/**
 * TypeScript mirrors of the kernel library's `td_<op>_<dtype>_get_buffer_size()` functions
 * (firmware/kernels/include/td_kernels.h): the generator plans each call's scratch in the arena
 * with these, so they must agree with the C code. test/codegen/kernel-buffers.test.ts checks
 * every one against the C function compiled for the host, portable and DSP variant.
 */

/** A td_dims as [n, h, w, c]. */
export type Dims = readonly [number, number, number, number];

/** Bytes of one output channel's prepared requantization in the DSP kernels (td_channel_requant). */
const channelRequantBytes = 16;

/**
 * td_conv2d_s8_get_buffer_size: 0 portable; DSP: a requantization entry per output channel,
 * four im2col columns of C_in · K_h · K_w int16 values rounded up to a multiple of four, and —
 * when C_in is not a multiple of four — one int8 patch of that rounded length and, when the
 * length is not a multiple of four either, the weight rows zero-padded to it; with one to three filters whose rows
 * (K_w · C_in bytes) hold at least 12 and patches at least 32, the few-channel path's widened weights too.
 */
export function conv2dS8BufferSize(dsp: boolean, _inputDims: Dims, filterDims: Dims): number {
  if (!dsp) return 0;
  const [outputChannels, filterHeight, filterWidth, inputChannels] = filterDims;
  const length = inputChannels * filterHeight * filterWidth;
  const groups = Math.ceil(length / 4);
  const patch = inputChannels % 4 !== 0 ? 4 : 0;
  const paddedWeights = length % 4 !== 0 ? outputChannels * groups * 4 : 0;
  // The few-channel path (at most three filters, rows of at least 8 bytes, patches of at least 32): two words per filter per group of four k of each filter row.
  const rowLength = filterWidth * inputChannels;
  const fewWeights = outputChannels <= 3 && rowLength >= 8 && length >= 32 ? outputChannels * filterHeight * Math.ceil(rowLength / 4) * 8 : 0;
  return outputChannels * channelRequantBytes + groups * (4 * 4 * 2 + patch) + paddedWeights + fewWeights;
}

/**
 * td_conv2d_s8_small_get_buffer_size: 0 portable; DSP, with W the larger of ceil(K_h · K_w · C_in / 2)
 * and K_h · ceil(K_w · C_in / 2) rounded up to a multiple of four: per filter its bias, W words of
 * widened weights and five words of requantization and clamp; unless the window is 1x1, a patch of
 * W words and a band of 3 K_h + 3 int16 rows of (W_in + 2 K_w) · C_in values rounded up to even.
 */
export function conv2dS8SmallBufferSize(dsp: boolean, inputDims: Dims, filterDims: Dims): number {
  if (!dsp) return 0;
  const [outputChannels, filterHeight, filterWidth, inputChannels] = filterDims;
  const byRows = Math.ceil((filterHeight * Math.ceil((filterWidth * inputChannels) / 2)) / 4) * 4;
  const words = Math.max(byRows, Math.ceil((filterHeight * filterWidth * inputChannels) / 2));
  const rowValues = ((inputDims[2] + 2 * filterWidth) * inputChannels + 1) & ~1;
  const patchAndRows = filterHeight * filterWidth > 1 ? words * 4 + (3 * filterHeight + 3) * rowValues * 2 : 0;
  return outputChannels * (words + 6) * 4 + patchAndRows;
}

/**
 * td_conv2d_s16_get_buffer_size: 0 portable; DSP: three patches of C_in · K_h · K_w int16 values
 * rounded up to a multiple of four (two interleaved for the dot products and one being gathered)
 * and a prepared 64-bit requantization per output channel (16 bytes); none beyond 511 values
 * (those take the portable loop).
 */
export function conv2dS16BufferSize(dsp: boolean, _inputDims: Dims, filterDims: Dims): number {
  const [outputChannels, filterHeight, filterWidth, inputChannels] = filterDims;
  const length = inputChannels * filterHeight * filterWidth;
  return !dsp || length > 511 ? 0 : 24 * Math.ceil(length / 4) + 16 * outputChannels;
}

/**
 * td_depthwise_conv2d_s16_get_buffer_size: 0 portable; DSP: every tap of every channel as an int16
 * lane (2 bytes) and a prepared requantization per channel (16 bytes).
 */
export function depthwiseConv2dS16BufferSize(dsp: boolean, _inputDims: Dims, filterDims: Dims): number {
  const [, filterHeight, filterWidth, channels] = filterDims;
  return dsp ? 2 * filterHeight * filterWidth * channels + 16 * channels : 0;
}

/**
 * td_depthwise_conv2d_s8_get_buffer_size: 0 portable; DSP: one channel block's expanded filter
 * (two words per tap), its four requantization entries, two words of strides, and a ring of K_h
 * expanded input rows of two words per position of a span of W + K_w − 1 positions; with a depth
 * multiplier > 1 (filter channels ≠ input channels), a copy of the input rounded up to four bytes.
 */
export function depthwiseConv2dS8BufferSize(dsp: boolean, inputDims: Dims, filterDims: Dims): number {
  if (!dsp) return 0;
  const [, filterHeight, filterWidth] = filterDims;
  const span = inputDims[2] + filterWidth - 1;
  const words = 2 * filterHeight * filterWidth + (4 * channelRequantBytes) / 4 + 2 + 2 * filterHeight * span;
  // Depth multiplier > 1: room for a copy of the input (read when the output lies over it).
  const [batches, height, width, channels] = inputDims;
  const copy = filterDims[3] !== channels ? Math.ceil((batches * height * width * channels) / 4) * 4 : 0;
  return words * 4 + copy;
}

/**
 * td_depthwise_conv2d_s8_paired_get_buffer_size: 0 portable (td_depthwise_conv2d_s8's); DSP the paired taps' tables
 * (td_depthwise_paired_words: two offsets per pair of taps twice, four words of requantization per output channel, a
 * word per pair of taps and output channel), then K_h padded rows of W + K_w - 1 positions of
 * max(C_in, 8) bytes, rounded up to a word.
 */
export function depthwiseConv2dS8PairedBufferSize(dsp: boolean, inputDims: Dims, filterDims: Dims): number {
  if (!dsp) return 0;
  const [, filterHeight, filterWidth, channels] = filterDims;
  const pairs = Math.ceil((filterHeight * filterWidth) / 2);
  const words = 4 * pairs + channels * (channelRequantBytes / 4) + channels * pairs;
  const rows = filterHeight * (inputDims[2] + filterWidth - 1) * Math.max(inputDims[3], 8);
  return 4 * words + Math.ceil(rows / 4) * 4;
}

/**
 * td_depthwise_conv2d_s8_columns_get_buffer_size: td_depthwise_conv2d_s8's, the ring's span max(W + K_w - 1,
 * ceil((H + K_h - 1) / K_h)) (K_h ring rows of it hold one column of H + K_h - 1 positions).
 */
export function depthwiseConv2dS8ColumnsBufferSize(dsp: boolean, inputDims: Dims, filterDims: Dims): number {
  if (!dsp) return 0;
  const [batches, height, width, channels] = inputDims;
  const [, filterHeight, filterWidth] = filterDims;
  const span = Math.max(width + filterWidth - 1, Math.ceil((height + filterHeight - 1) / filterHeight));
  const words = 2 * filterHeight * filterWidth + (4 * channelRequantBytes) / 4 + 2 + 2 * filterHeight * span;
  // Depth multiplier > 1: room for a copy of the input (read when the output lies over it).
  const copy = filterDims[3] !== channels ? Math.ceil((batches * height * width * channels) / 4) * 4 : 0;
  return words * 4 + copy;
}

/**
 * td_depthwise_conv2d_s8_lines_get_buffer_size: 0 portable; DSP per output channel 4 + 2 P words (its requantization,
 * per pair of taps an offset and a tap word), P = A * ceil(B / 2), and the widened lines, 1 (A = 1) or 2 A (a ring
 * whose every row is written twice) of L + B int16 values, rounded up to a word: a window one column wide
 * (K_w = 1 < K_h) goes down the columns (A = 1, B = K_h, L = H), any other along the rows (A = K_h, B = K_w, L = W).
 */
export function depthwiseConv2dS8LinesBufferSize(dsp: boolean, inputDims: Dims, filterDims: Dims): number {
  if (!dsp) return 0;
  const [, filterHeight, filterWidth, channels] = filterDims;
  const down = filterWidth === 1 && filterHeight > 1;
  const across = down ? 1 : filterHeight;
  const along = down ? filterHeight : filterWidth;
  const pairs = across * Math.ceil(along / 2);
  const values = (across === 1 ? 1 : 2 * across) * ((down ? inputDims[1] : inputDims[2]) + along);
  return 4 * channels * (4 + 2 * pairs) + Math.ceil((2 * values) / 4) * 4;
}

/**
 * td_depthwise_conv2d_s8_planes_get_buffer_size: 0 portable; DSP four channels' planes of ceil(W / 4) + 2 groups of
 * 36 bytes (three row slots of three words, a group on either side that only the widening writes) and 12 records of
 * 52 bytes (per channel and row rotation: the bias four times, six tap words, the requantization).
 */
export function depthwiseConv2dS8PlanesBufferSize(dsp: boolean, inputDims: Dims, _filterDims: Dims): number {
  return dsp ? 4 * 36 * (Math.ceil(inputDims[2] / 4) + 2) + 12 * 52 : 0;
}

/** The most bytes of scratch td_depthwise_conv2d_s8_widened asks for (TD_WIDENED_MAX_BYTES: more lines go in bands). */
const depthwiseWidenedMaxBytes = 6144;

/**
 * td_depthwise_conv2d_s8_widened_get_buffer_size: 0 portable; DSP lines of 2 (L + 2 ceil(K / 2)) bytes, L the input's
 * width (windows along the rows) or height (down the columns: K_w = 1 < K_h or K_w = 2 < K_h), K the window's taps
 * along it: as many lines as the input has (its height, or its width; one more for a window of two lines) or fit in
 * 6144 bytes, at least one, rounded up to a word.
 */
export function depthwiseConv2dS8WidenedBufferSize(dsp: boolean, inputDims: Dims, filterDims: Dims): number {
  if (!dsp) return 0;
  const down = (filterDims[2] === 1 && filterDims[1] > 1) || (filterDims[2] === 2 && filterDims[1] > 2);
  const along = down ? filterDims[1] : filterDims[2];
  const line = 2 * ((down ? inputDims[1] : inputDims[2]) + 2 * Math.ceil(along / 2));
  // A window of two lines: the input lines of a band and one of padding.
  const linesIn = (down ? inputDims[2] : inputDims[1]) + ((down ? filterDims[2] : filterDims[1]) === 2 ? 1 : 0);
  const lines = Math.max(Math.min(linesIn, Math.floor(depthwiseWidenedMaxBytes / line)), 1);
  return Math.ceil((lines * line) / 4) * 4;
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

/**
 * td_depthwise_conv2d_s8_wide_get_buffer_size: 0 portable; DSP four planes of H + K_h − 1 rows of 64
 * bytes (16 int16 pair words) and four output channels' 32 words of taps and requantization.
 */
export function depthwiseConv2dS8WideBufferSize(dsp: boolean, inputDims: Dims, filterDims: Dims): number {
  return dsp ? 4 * 64 * (inputDims[1] + filterDims[1] - 1) + 4 * 4 * 32 : 0;
}

/** Output rows of a band of td_depthwise_conv2d_s8_wide_rows5 (TD_WIDE_ROWS5_BAND). */
export const wideRows5Band = 10;

/**
 * td_depthwise_conv2d_s8_wide_rows5_get_buffer_size: 0 portable; DSP a band's plane rows of four channels,
 * 64 bytes each: min(H, 10) + 2 of them, and four channels' blocks of 10 words.
 */
export function depthwiseConv2dS8WideRows5BufferSize(dsp: boolean, inputDims: Dims, _filterDims: Dims): number {
  return dsp ? 64 * (Math.min(inputDims[1], wideRows5Band) + 2) + 4 * 10 * 4 : 0;
}
