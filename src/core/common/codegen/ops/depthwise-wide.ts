import { depthwiseConv2dS8WideBufferSize, depthwiseConv2dS8WideRows5BufferSize } from '../kernel-buffers.js';
import { dims4, input, optionalInput, output, type LowerContext, type OpEmitter, type OpLowering } from '../lowering.js';
import { clampC } from '../params.js';
import type { DepthwiseConv2DPlan } from '../../ops/depthwise-conv-2d.js';
import type { ChannelMultipliers } from '../../ops/quantization.js';

type QuantStruct = (e: OpEmitter, requant: ChannelMultipliers) => string;
type WideGeometry = Pick<DepthwiseConv2DPlan['geometry'], 'strideHeight' | 'strideWidth' | 'dilationHeight' | 'dilationWidth' | 'depthMultiplier'>;

/** The most padded positions a row of td_depthwise_conv2d_s8_wide's planes holds (16 pair words). */
const wideRowPositions = 32;

/**
 * Whether an int8 depthwise convolution runs td_depthwise_conv2d_s8_wide in DSP builds: its
 * assembly's windows (5x5 at stride 1 or 2 with any depth multiplier, 3x3 at stride 1 with a
 * depth multiplier above 1; no dilation), input channels a multiple of four, output rows of at
 * least one assembly step (four outputs, two at stride 2) whose padded span fits the planes'
 * 32 positions. Measured on virtual-m4f (bench/kernels, results/after.json), instructions per MAC
 * with td_depthwise_conv2d_s8's blocks -> this kernel: 5x5 stride 1 24x24x32 2.35 -> 1.18, 12x12x64
 * VALID 2.64 -> 1.36, stride 2 12x12x64 2.98 -> 1.78; 3x3 multiplier 2 12x12x8 3.30 -> 1.84.
 * Wider rows and other windows keep td_depthwise_conv2d_s8 (3x3 with multiplier 1: depthwiseWideSingle3x3; 3x3 at
 * stride 2: depthwiseWideStride2x3x3).
 */
export function depthwiseWide(g: WideGeometry, inputDims: readonly number[], filterDims: readonly number[], outputDims: readonly number[]): boolean {
  if (g.dilationHeight !== 1 || g.dilationWidth !== 1 || inputDims[3] % 4 !== 0) return false;
  const [, height, width] = filterDims;
  const stride = g.strideWidth;
  const window5 = height === 5 && width === 5 && g.strideHeight === stride && (stride === 1 || stride === 2);
  const window3 = height === 3 && width === 3 && g.strideHeight === 1 && stride === 1 && g.depthMultiplier > 1;
  if (!window5 && !window3) return false;
  const outputWidth = outputDims[2];
  return outputWidth >= (stride === 2 ? 2 : 4) && (outputWidth - 1) * stride + width <= wideRowPositions;
}

/**
 * Whether a Cortex-M4/M7 DSP build runs a layer depthwiseWide takes through td_depthwise_conv2d_s8's channel blocks
 * instead, where they cost fewer instructions: output rows that are not a whole number of the assembly's steps (four
 * outputs, two at stride 2), whose scalar remainder costs more than the blocks' pixels, but with a multiplier over
 * `depthwiseWideMinPixels` output pixels or more (the planes' widening then serves enough outputs), and at stride 1
 * rows of `depthwiseWideOneOverMin` or more with one output past the steps. Measured on virtual-m4f (bench/shapes,
 * instructions through this kernel -> the blocks): 5x5 rows of 11 over 14x11x4 62,920 -> 36,640, of 3 at stride 2
 * 42,280 -> 24,680, of 5 over 4x5x48 81,920 -> 68,840, of 18 over 14x18x12 185,560 -> 172,200, of 7 at stride 2
 * 24,880 -> 20,360, of 9 at stride 2 over 34x21x4 37,840 -> 36,160; 3x3 multiplier 3 over 2x7x32 115,440 -> 57,840,
 * 5x5 stride 2 multiplier 8 over 1x7 148,160 -> 69,560. Kept (the blocks slower): whole steps, with or without a
 * multiplier (5x5 rows of 24 70,600 -> 107,920, of 16 10,960 -> 19,880, of 2 at stride 2 15,560 -> 21,080; 5x5 stride
 * 2 multiplier 4 over 4x2 outputs of 288 channels 112,800 -> 245,120, multiplier 2 over 3x2 of 144 54,560 -> 108,560;
 * 3x3 multiplier 3 over 3x4 of 60 24,680 -> 36,640), multipliers over 36 pixels or more (5x5 multiplier 3 over 4x9
 * outputs 302,720 -> 356,520, multiplier 4 over 6x13 at stride 2 147,880 -> 162,920; 3x3 multiplier 4 over 6x30
 * 64,200 -> 85,200) and rows of 13 at stride 1 (5x5 over 5x17x8 VALID, one row, 8,040 -> 8,800; 12x13x8 SAME 63,080
 * -> 73,040). Rows of 9 with one output past the steps measured either way (5x5 over 12x9x8 SAME ReLU6 56,720 ->
 * 52,200; over 9x13x16 VALID, rows of 9, 45,080 -> 46,720) and go to the blocks.
 */
export function depthwiseWideBlocksFaster(g: WideGeometry, outputDims: readonly number[]): boolean {
  const width = outputDims[2];
  const remainder = width % (g.strideWidth === 2 ? 2 : 4);
  if (remainder === 0) return false;
  if (g.depthMultiplier > 1) return outputDims[1] * width < depthwiseWideMinPixels;
  return !(g.strideWidth === 1 && remainder === 1 && width >= depthwiseWideOneOverMin);
}

/** The narrowest stride-1 rows with one output past the assembly's steps that stay on the wide kernel (depthwiseWideBlocksFaster). */
export const depthwiseWideOneOverMin = 13;

/** The fewest output pixels over which a layer with a depth multiplier takes the wide kernel (depthwiseWideBlocksFaster). */
export const depthwiseWideMinPixels = 16;

/**
 * Whether a 3x3 depthwise convolution with depth multiplier 1 can run the kernel's 3x3 loops: stride 1, no dilation,
 * input channels a multiple of four, and either output rows a whole number of its six-output steps that fit the planes'
 * 32 positions, or rows of five outputs over an input five wide (SAME: depthwiseWideRows5, its own entry). Other
 * widths keep td_depthwise_conv2d_s8: the six-output loop's scalar remainder costs more than the blocks save (a row of
 * 5 in it: 6.7 instructions per MAC against 3.5). Measured on virtual-m4f (bench/kernels) against the blocks / the
 * channel planes: 24x24x32 1.89 (2.79 / 2.24), 12x12x64 1.89 (2.94 / 2.81), 6x6x128 1.99 (3.33 / -); rows of five
 * 25x5x64 1.96 (3.17 / -, compact blocks), 5x5x256 1.92 (3.54 / -). The caller takes it only where the model then links no other
 * depthwise kernel (conv.ts), since the kernel is ~15.4 KB of code (a rows-of-five entry links ~2 KB of it, 2.7 KB with the reference loop).
 */
export function depthwiseWideSingle3x3(g: WideGeometry, inputDims: readonly number[], filterDims: readonly number[], outputDims: readonly number[]): boolean {
  if (depthwiseWideRows5(g, inputDims, filterDims, outputDims)) return true;
  if (g.dilationHeight !== 1 || g.dilationWidth !== 1 || inputDims[3] % 4 !== 0 || g.depthMultiplier !== 1) return false;
  if (filterDims[1] !== 3 || filterDims[2] !== 3 || g.strideHeight !== 1 || g.strideWidth !== 1) return false;
  const outputWidth = outputDims[2];
  return outputWidth >= 6 && outputWidth % 6 === 0 && outputWidth + 2 <= wideRowPositions;
}

/**
 * Whether a 3x3 depthwise convolution at stride 2 can run the kernel's stride-2 loop (steps of six outputs, each from
 * seven pairs of a filter row): no dilation, input channels a multiple of four, output rows of one or two whole steps
 * (6 or 12 outputs, 13 or 25 padded positions within the planes' 32), or with multiplier 1 rows of whole bands of 12
 * outputs (depthwiseWideBands); other widths would run the scalar loop, slower than the blocks. Measured on
 * virtual-m4f (bench/kernels) against the blocks: 48x48x16 2.31 (3.29; two bands), 24x24x64 2.25 (3.47), 12x12x128
 * 2.37 (3.93) instructions per MAC. Like depthwiseWideSingle3x3 the caller takes it only where the model then links
 * no other depthwise kernel (conv.ts); it is a per-layer test, so an option that lets a model link several depthwise
 * kernels can call it layer by layer.
 */
export function depthwiseWideStride2x3x3(g: WideGeometry, inputDims: readonly number[], filterDims: readonly number[], outputDims: readonly number[]): boolean {
  if (g.dilationHeight !== 1 || g.dilationWidth !== 1 || inputDims[3] % 4 !== 0) return false;
  if (filterDims[1] !== 3 || filterDims[2] !== 3 || g.strideHeight !== 2 || g.strideWidth !== 2) return false;
  const outputWidth = outputDims[2];
  if (outputWidth < 6 || outputWidth % 6 !== 0) return false;
  return 2 * outputWidth + 1 <= wideRowPositions || (g.depthMultiplier === 1 && outputWidth % 12 === 0);
}

/**
 * Whether td_depthwise_conv2d_s8_wide_packed runs the layer in bands of 12 outputs (3x3 stride 2, multiplier 1, rows
 * of more than 12 outputs in whole bands: each band's columns widened and run over every row before the next band's):
 * its output pixels are then not written in the order the output-over-input placement relies on (memory/windowed.ts),
 * so the lowering keeps the output apart from the input (OpLowering.outputApart). The kernel's own test is the same.
 */
export function depthwiseWideBands(g: WideGeometry, filterDims: readonly number[], outputDims: readonly number[]): boolean {
  const outputWidth = outputDims[2];
  return filterDims[1] === 3 && filterDims[2] === 3 && g.strideHeight === 2 && g.strideWidth === 2 && g.depthMultiplier === 1 && outputWidth > 12 && outputWidth % 12 === 0;
}

/**
 * Whether a 3x3 depthwise convolution runs td_depthwise_conv2d_s8_wide_rows5 (rows of five outputs): stride 1, no
 * dilation, depth multiplier 1, input channels a multiple of four, input and output 5 wide (one column of padding on
 * either side). Its scratch is a band of at most 10 output rows and four channels' blocks (64 · (min(H, 10) + 2) + 160
 * bytes), not whole planes.
 */
export function depthwiseWideRows5(g: WideGeometry, inputDims: readonly number[], filterDims: readonly number[], outputDims: readonly number[]): boolean {
  return (
    g.dilationHeight === 1 && g.dilationWidth === 1 && g.depthMultiplier === 1 && g.strideHeight === 1 && g.strideWidth === 1 &&
    filterDims[1] === 3 && filterDims[2] === 3 && inputDims[3] % 4 === 0 && inputDims[2] === 5 && outputDims[2] === 5
  );
}

/**
 * The output height from which rows of five take td_depthwise_conv2d_s8_wide_rows5_compact: 7 words of flash per channel
 * (the bias and the tap words; the multiplier, shift and rounding made on the board per band and block of four
 * channels from the layer's per-channel arrays) instead of the full blocks' 10, which is 3 KB less over the
 * keyword-spotting model's four 64-channel layers (its code budget), for ~21 instructions per channel and band.
 * Measured on virtual-m4f: 25x5x64 1.96 instructions per MAC compact (1.89 with the full blocks, before the block stride they share).
 */
export const wideRows5CompactHeight = 10;

/**
 * A compact block of td_depthwise_conv2d_s8_wide_rows5_compact per channel, from the full ones
 * (packDepthwiseWide): their first seven words, the doubled bias and the six tap words.
 */
export function compactDepthwiseWideRows5(full: Int32Array): Int32Array {
  const channels = full.length / 10;
  const compact = new Int32Array(7 * channels);
  for (let c = 0; c < channels; c++) compact.set(full.subarray(10 * c, 10 * c + 7), 7 * c);
  return compact;
}

/**
 * Whether every channel takes the kernel's fast requantization with the output offset folded in
 * (td_dsp.h): a right shift of 1-21 (any for an empty channel) and |bias| + K_h · K_w · 255 · 128
 * < 2^30; a channel outside it would run the kernel's per-pixel reference loop.
 */
export function depthwiseWideRequant(requant: ChannelMultipliers, bias: ArrayLike<number | bigint> | undefined, taps: number): boolean {
  return Array.from(requant.shifts).every((shift, c) => {
    const right = requant.multipliers[c] === 0 ? 1 : -shift;
    return right >= 1 && right <= 21 && Math.abs(Number(bias?.[c] ?? 0)) + taps * 32640 < 2 ** 30;
  });
}

/**
 * The blocks td_depthwise_conv2d_s8_wide_packed reads (td_kernels.h), one per output channel: the
 * doubled bias plus input offset times the sum of the channel's taps, once (the loop adds each output's
 * first product onto it), or once per output of the kernel's assembly step for the 3x3 stride-2 loop
 * (six); per filter row the doubled taps paired in int16 words as that loop reads
 * them; then the fast requantization (multiplier, right shift, rounding with the output offset
 * folded in, td_channel_requant_folded_of). The loop is the kernel's choice for the shape: 5x5 stride
 * 1 (steps of four), 5x5 stride 2 (two), 3x3 stride 1 (six over an output width that is a multiple
 * of six, else four; five for td_depthwise_conv2d_s8_wide_rows5), 3x3 stride 2 (six; taps (w0, w1), (w2, 0)).
 * Channels must be in the fast form
 * (depthwiseWideRequant).
 */
export function packDepthwiseWide(
  filter: ArrayLike<number>,
  filterDims: readonly number[],
  bias: ArrayLike<number | bigint> | undefined,
  requant: ChannelMultipliers,
  inputOffset: number,
  outputOffset: number,
  strideWidth: number,
): Int32Array {
  const [, height, width, channels] = filterDims;
  const pairs: [number, number][] =
    width === 5 && strideWidth === 1 ? [[0, 1], [2, 3], [1, 2], [3, 4]]
    : width === 5 ? [[0, 1], [2, 3], [4, -1]]
    : strideWidth === 2 ? [[0, 1], [2, -1]]
    : [[0, 1], [1, 2]];
  // The bias once (the loops add each output's first product onto it), repeated per output of a step for the 3x3
  // stride-2 loop (one LDM into its accumulators).
  const biases = width === 3 && strideWidth === 2 ? 6 : 1;
  const words = biases + height * pairs.length + 3;
  const blocks = new Int32Array(words * channels);
  for (let c = 0; c < channels; c++) {
    const tap = (r: number, k: number) => Number(filter[(r * width + k) * channels + c]);
    let sum = 0;
    for (let r = 0; r < height; r++) for (let k = 0; k < width; k++) sum += tap(r, k);
    const right = requant.multipliers[c] === 0 ? 1 : -requant.shifts[c];
    const doubled = ((Number(bias?.[c] ?? 0) + inputOffset * sum) << 1) | 0;
    const block = blocks.subarray(c * words, (c + 1) * words);
    block.fill(doubled, 0, biases);
    let at = biases;
    for (let r = 0; r < height; r++) {
      for (const [a, b] of pairs) block[at++] = ((2 * tap(r, a)) & 0xffff) | ((b >= 0 ? 2 * tap(r, b) : 0) << 16);
    }
    block[at] = requant.multipliers[c];
    block[at + 1] = right;
    block[at + 2] = 2 ** (right - 1) + outputOffset * 2 ** right;
  }
  return blocks;
}

/**
 * DEPTHWISE_CONV_2D (int8, DSP builds) → td_depthwise_conv2d_s8_wide_packed (td_depthwise_conv2d_s8_wide_rows5
 * or _rows5_compact for rows of five) where `depthwiseWide` (or, when `single3x3`, the model-wide rule's go-ahead,
 * `depthwiseWideSingle3x3` or `depthwiseWideStride2x3x3`) and `depthwiseWideRequant` take the layer; undefined
 * otherwise (the caller's kernels then).
 */
export function depthwiseWideLowering({ geometry: g, arithmetic }: DepthwiseConv2DPlan, context: LowerContext, quant: QuantStruct, windowFields: string, single3x3: boolean): OpLowering | undefined {
  if (!context.options.dsp || arithmetic.flavour !== 'int8') return undefined;
  const x = input(context, 0, 'input');
  const filter = input(context, 1, 'filter');
  const bias = optionalInput(context, 2);
  const y = output(context);
  const inputDims = dims4(context, x.shape, 'input');
  const filterDims = dims4(context, filter.shape, 'filter');
  const outputDims = dims4(context, y.shape, 'output');
  const wide = depthwiseWide(g, inputDims, filterDims, outputDims) && (context.options.helium || !depthwiseWideBlocksFaster(g, outputDims));
  if (!wide && !(single3x3 && (depthwiseWideSingle3x3(g, inputDims, filterDims, outputDims) || depthwiseWideStride2x3x3(g, inputDims, filterDims, outputDims)))) return undefined;
  if (!depthwiseWideRequant(arithmetic.requant, bias?.data, filterDims[1] * filterDims[2])) return undefined;
  const fields = `{${-arithmetic.input.zeroPoint}, ${arithmetic.output.zeroPoint}, ${g.depthMultiplier}, ${windowFields}, ${clampC(arithmetic.activation)}}`;
  // Rows of five outputs: their own entry (the model links that loop alone) with a band's scratch.
  const rows5 = depthwiseWideRows5(g, inputDims, filterDims, outputDims);
  const compact = rows5 && outputDims[1] >= wideRows5CompactHeight;
  const entry = compact ? 'td_depthwise_conv2d_s8_wide_rows5_compact' : rows5 ? 'td_depthwise_conv2d_s8_wide_rows5' : 'td_depthwise_conv2d_s8_wide_packed';
  // The channels' blocks prepared here rather than per call on the board (per four channels ~1,600 instructions at 5x5);
  // rows of five over images of `wideRows5CompactHeight` rows or more take their first seven words (flash: see there).
  const full = packDepthwiseWide(filter.data as ArrayLike<number>, filterDims, bias?.data, arithmetic.requant, -arithmetic.input.zeroPoint, arithmetic.output.zeroPoint, g.strideWidth);
  const blocks = compact ? compactDepthwiseWideRows5(full) : full;
  // No filter and no bias in flash: every output comes from the blocks. The kernel's other paths, the only readers of
  // `filter` and `bias`, are not taken: its per-pixel loop runs channels past a multiple of four (none here), channels
  // outside the fast requantization (none: depthwiseWideRequant), dilation (none), rows wider than its planes (the
  // shape tests above), a missing scratch (given: scratchBytes) and an output over its input in another order than its
  // blocks' (memory/windowed.ts places a depthwise output over its input only a whole number of equal pixels from it,
  // so with multiplier 1, and bands are kept apart: outputApart); its scalar loop over a row's last outputs takes the
  // taps from the blocks too. The kernel checks the same and fails with TD_ERROR_ARGUMENT rather than read a NULL filter.
  return {
    kernels: ['td_depthwise_conv2d_s8_wide'],
    scratchBytes: (rows5 ? depthwiseConv2dS8WideRows5BufferSize : depthwiseConv2dS8WideBufferSize)(true, inputDims, filterDims),
    outputApart: depthwiseWideBands(g, filterDims, outputDims),
    emit: (e) => {
      const params = e.struct('params', 'td_depthwise_conv_params', fields);
      return `${entry}(${e.context()}, ${params}, ${quant(e, arithmetic.requant)}, ${e.dims(x.shape, 'input')}, ${e.pointer(x, 'read')}, ${e.dims(filter.shape, 'filter')}, NULL, NULL, ${e.dims(y.shape, 'output')}, ${e.pointer(y, 'write')}, ${e.array('wide_blocks', 'int32', blocks)})`;
    },
  };
}
