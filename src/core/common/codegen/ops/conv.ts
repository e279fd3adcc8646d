import { CodegenError } from '../../errors.js';
import { conv2dS16BufferSize, conv2dS8BufferSize, conv2dS8SmallBufferSize, convF32BufferSize, depthwiseConv2dS16BufferSize, depthwiseConv2dS8BufferSize, depthwiseConv2dS8ColumnsBufferSize, depthwiseConv2dS8LinesBufferSize, depthwiseConv2dS8PairedBufferSize, depthwiseConv2dS8PlanesBufferSize } from '../kernel-buffers.js';
import { dims4, expectConstant, fail, input, optionalInput, output, registerLowerer, type OpEmitter, tile, type LowerContext, type OpLowering } from '../lowering.js';
import { clampC, clampF32C } from '../params.js';
import { packedConvF32Lowering } from './float-packed.js';
import { int4Conv2DLowering, int4DepthwiseLowering, packedInt4Weights } from './int4-weights.js';
import { opContext } from '../../ops/index.js';
import { conv2d, type Conv2DPlan } from '../../ops/conv-2d.js';
import { depthwiseConv2d, type DepthwiseConv2DPlan } from '../../ops/depthwise-conv-2d.js';
import type { ChannelMultipliers } from '../../ops/quantization.js';
import { tapRange, type WindowGeometry } from '../../ops/window.js';
import { depthwiseWidened, depthwiseWidenedLowering } from './depthwise-widened.js';
import { depthwiseWide, depthwiseWideBlocksFaster, depthwiseWideLowering, depthwiseWideRequant, depthwiseWideSingle3x3, depthwiseWideStride2x3x3 } from './depthwise-wide.js';

/**
 * CONV_2D → td_conv2d_s8 / td_conv2d_f32, from the op library's plan (ops/conv-2d.ts): the
 * geometry, the per-channel multipliers and the clamp are the plan's; this file only refuses what
 * the C kernels do not run (grouped convolution) and prints the call. 16x8 (int16 activations)
 * → td_conv2d_s16, its int32 or int64 bias passed as int64.
 */
function lowerConv2D(plan: Conv2DPlan, context: LowerContext): OpLowering {
  const { geometry: g, arithmetic } = plan;
  if (g.groups > 1) fail(context, `grouped convolution (${g.groups} groups) has no C kernel`);
  const geometryFields = windowFields(g);
  const { inputDims, filterDims, call } = convolution(context);

  if (arithmetic.flavour === 'float32') {
    // Optimized builds: four output channels per pass over packed weights (bit-identical sums).
    if (context.options.dsp) return packedConvF32Lowering(context, `{${geometryFields}, ${clampF32C(arithmetic.activation)}}`);
    return {
      kernels: ['td_conv2d_f32'],
      scratchBytes: convF32BufferSize(inputDims, filterDims),
      emit: (e) => call('td_conv2d_f32', e.struct('params', 'td_conv_params_f32', `{${geometryFields}, ${clampF32C(arithmetic.activation)}}`), undefined, e),
    };
  }
  if (arithmetic.flavour === 'int16') {
    return {
      kernels: ['td_conv2d_s16'],
      scratchBytes: conv2dS16BufferSize(context.options.dsp, inputDims, filterDims),
      emit: (e) => {
        const params = e.struct('params', 'td_conv_params_s16', `{${arithmetic.wideAccumulator ? 1 : 0}, ${geometryFields}, ${clampC(arithmetic.activation)}}`);
        return call('td_conv2d_s16', params, perChannelQuant(e, arithmetic.requant), e, bias64(context));
      },
    };
  }
  if (arithmetic.flavour !== 'int8') fail(context, `${arithmetic.flavour} convolution has no C kernel (int8, 16x8 and float32 do)`);
  // Weights stored as TFLite's INT4 stay packed in flash (int4-weights.ts).
  const int4 = int4Conv2DLowering(plan, context, perChannelQuant, geometryFields);
  if (int4) return int4;
  const cropped = context.options.dsp ? croppedWindow(g, filterDims, input(context, 1, 'filter').data!) : undefined;
  if (cropped) return lowerConv2DS8(cropped.geometry, arithmetic, context, cropped.filter);
  return lowerConv2DS8(g, arithmetic, context);
}

/**
 * An int8 convolution's kernel and call; `filter` (a window cut to the taps some output reads, croppedWindow) in
 * place of the graph's filter tensor, with `g` its geometry.
 */
function lowerConv2DS8(graphGeometry: WindowGeometry, arithmetic: Extract<Conv2DPlan['arithmetic'], { flavour: 'int8' | 'int16' }>, context: LowerContext, filter?: CroppedFilter['filter']): OpLowering {
  const { inputDims, outputDims, call: graphCall } = convolution(context);
  const filterDims = filter ? filter.shape : convolution(context).filterDims;
  // DSP builds: a dilation across one tap (a 1x1 window dilated, bench/shapes seed 243) reads the same taps as none,
  // and without it the shape may take the faster kernels that refuse dilation.
  const g = context.options.dsp ? undilatedOneTap(graphGeometry, filterDims) : graphGeometry;
  const geometryFields = windowFields(g);
  const call = filter ? croppedCall(context, filter) : graphCall;
  const smallRequant = context.options.dsp && smallPatchRequant(arithmetic.requant, optionalInput(context, 2)?.data, filterDims);
  const dspOnly = context.options.dsp && !context.options.helium;
  const loop = !smallRequant
    ? undefined
    : (smallPatchEntry(g, inputDims, filterDims, outputDims) ??
      (dspOnly && !convFewChannels(g, inputDims, filterDims, outputDims) && !convDirect(g, inputDims, filterDims, outputDims) && smallFewInsteadOfGemm(g, inputDims, filterDims, outputDims)
        ? 'td_conv2d_s8_small_few'
        : undefined));
  if (loop) {
    // The loop's form without a clamp where the activation keeps the whole int8 range, with its minimum alone where
    // the maximum is 127 (ReLU: SSAT gives that end; two instructions an output less, bench/shapes seed 290 4.83 -> 4.16
    // instructions per MAC).
    const { min, max } = arithmetic.activation;
    const entry = min === -128 && max === 127 ? `${loop}_full` : max === 127 ? `${loop}_min` : loop;
    return {
      kernels: ['td_conv2d_s8_small'],
      scratchBytes: conv2dS8SmallBufferSize(true, inputDims, filterDims),
      emit: (e) => {
        const offsets = `${-arithmetic.input.zeroPoint}, ${arithmetic.output.zeroPoint}`;
        const params = e.struct('params', 'td_conv_params', `{${offsets}, ${geometryFields}, ${clampC(arithmetic.activation)}}`);
        return call(entry, params, perChannelQuant(e, arithmetic.requant), e);
      },
    };
  }
  // Few output channels run td_conv2d_s8's _few entry (rows read in place), few outputs the _direct one (only the taps
  // inside the image), each its own entry so that other models do not link that code.
  const entry =
    dspOnly && convFewChannels(g, inputDims, filterDims, outputDims) ? 'td_conv2d_s8_few'
    : dspOnly && convDirect(g, inputDims, filterDims, outputDims) ? 'td_conv2d_s8_direct'
    : 'td_conv2d_s8';
  return {
    // td_conv2d_s8_few runs td_conv2d_s8 for what it does not take.
    kernels: entry === 'td_conv2d_s8_few' ? ['td_conv2d_s8_few', 'td_conv2d_s8'] : [entry],
    scratchBytes: entry === 'td_conv2d_s8_direct' ? 0 : conv2dS8BufferSize(context.options.dsp, inputDims, filterDims),
    emit: (e) => {
      const offsets = `${-arithmetic.input.zeroPoint}, ${arithmetic.output.zeroPoint}`;
      const params = e.struct('params', 'td_conv_params', `{${offsets}, ${geometryFields}, ${clampC(arithmetic.activation)}}`);
      return call(entry, params, perChannelQuant(e, arithmetic.requant), e);
    },
  };
}

/** `g` with dilation 1 along a window dimension of one tap (the dilation multiplies tap index 0 there). */
function undilatedOneTap<G extends WindowGeometry>(g: G, filterDims: readonly number[]): G {
  const dilationHeight = filterDims[1] === 1 ? 1 : g.dilationHeight;
  const dilationWidth = filterDims[2] === 1 ? 1 : g.dilationWidth;
  return dilationHeight === g.dilationHeight && dilationWidth === g.dilationWidth ? g : { ...g, dilationHeight, dilationWidth };
}

/**
 * Whether an int8 convolution in a DSP build calls td_conv2d_s8_few: 1 to 3 output channels, no groups, filter rows
 * (K_w * C_in) of at least 8 bytes and patches of at least 32, 16 output pixels or more (td_conv_takes_few and
 * TD_CONV_FEW_MIN_PIXELS in the kernel; shorter rows and patches, and fewer pixels, leave the path's set-up
 * uncovered). Rows of 8 to 11 bytes only when at least a third of the output columns read their window in place
 * (inside the image across, no dilation; the others gather their patch, then run the same assembly loop): bench/shapes
 * seed 123, 5x3 over 21x21x3 to 1, 7.68 -> 4.50 instructions per MAC, 130, 5x5 stride 2 over 28x6x2 to 2 (one column
 * of three in place), 6.66 -> 5.64.
 */
export function convFewChannels(g: WindowGeometry, inputDims: readonly number[], filterDims: readonly number[], outputDims: readonly number[]): boolean {
  const [filters, height, width, depth] = filterDims;
  if (!(filters <= 3 && depth === inputDims[3] && width * depth >= 8 && height * width * depth >= 32 && outputDims[0] * outputDims[1] * outputDims[2] >= 16)) return false;
  if (width * depth >= 12) return true;
  let inPlace = 0;
  for (let x = 0; x < outputDims[2]; x++) {
    const origin = x * g.strideWidth - g.padLeft;
    if (g.dilationWidth === 1 && origin >= 0 && origin + width <= inputDims[2]) inPlace++;
  }
  return 3 * inPlace >= outputDims[2];
}

/**
 * Whether an int8 convolution in a DSP build calls td_conv2d_s8_direct (only the taps inside the image, four bytes a
 * turn, no scratch) instead of td_conv2d_s8's im2col columns, which widen every tap of a patch, padded ones as 0, in
 * blocks of four pixels: for output pixels x channels <= 64, when its estimate is under 0.95 of the columns'.
 * Estimates, instructions on the M4 (fitted on bench/shapes' few-output convolutions, seeds 1-800):
 *  - the columns: per pixel of whole blocks of four and tap, 2 to widen (4.4 when C_in % 4 != 0 gathers the patch as
 *    bytes first) and 0.9 per filter;
 *  - the direct loop: 2.5 a tap inside the image and filter; per output 40, and per run of bytes (a window row, or a
 *    tap when dilated across) 10 plus 5 for each byte past a multiple of four.
 * Seeds 681 (4x4 stride 2 over 3x3x70 to 1: 1.74x the portable kernel's instructions) 24,520 -> 5,720 instructions,
 * 393 77,720 -> 37,480, 552 14,760 -> 6,920, 623 14,000 -> 8,040, 401 12,320 -> 8,400, 773 16,960 -> 12,240, 740
 * 5,200 -> 3,120, 301 19,480 -> 16,680, 341 8,400 -> 6,280, 392 3,880 -> 3,680, 153 88,720 -> 53,680, 741 49,960 ->
 * 38,200, 761 2,040 -> 1,680, 300 14,480 -> 11,320 (those before the direct loop's rows were hoisted out of its
 * filter loop and its requantization took the fast form). Since then, estimated 0.80 to 0.93 of the columns: seed 381
 * (5x4 stride 3 over 4x3x31 to 24) 64,560 -> 41,400, 762 (5x2 stride 2 over 6x3x31 to 5) 24,760 -> 20,480, 461 9,520
 * -> 7,400, 380 3,560 -> 2,840, 723 19,760 -> 19,320; above 0.95 the columns stay faster (162, 0.99: 35,440 against
 * 40,920 direct; 252, 1.00: 55,880 against 61,400).
 */
export function convDirect(g: WindowGeometry, inputDims: readonly number[], filterDims: readonly number[], outputDims: readonly number[]): boolean {
  const [filters, height, width, depth] = filterDims;
  const pixels = outputDims[0] * outputDims[1] * outputDims[2];
  if (depth !== inputDims[3] || pixels * filters > 64) return false;
  const inside = (outputs: number, taps: number, stride: number, pad: number, dilation: number, size: number): number => {
    let count = 0;
    for (let out = 0; out < outputs; out++) {
      const { start, end } = tapRange(out * stride - pad, size, taps, dilation);
      count += Math.max(end - start, 0);
    }
    return count;
  };
  const rows = inside(outputDims[1], height, g.strideHeight, g.padTop, g.dilationHeight, inputDims[1]);
  const columns = inside(outputDims[2], width, g.strideWidth, g.padLeft, g.dilationWidth, inputDims[2]);
  // A window row is one run of bytes at dilation 1 across, else a run per tap; a run's last 1-3 bytes go one at a time.
  const runs = g.dilationWidth === 1 ? 1 : width;
  const runBytes = g.dilationWidth === 1 ? width * depth : depth;
  const direct = outputDims[0] * rows * columns * depth * filters * 2.5 + pixels * filters * (40 + height * runs * (10 + 5 * (runBytes % 4)));
  // The columns run blocks of four pixels, a last partial one at the cost of a whole.
  const widened = Math.ceil(pixels / 4) * 4 * height * width * depth * ((depth % 4 !== 0 ? 4.4 : 2) + 0.9 * filters);
  // With more than eight filters the columns' widening is shared enough that the direct loop wins only by skipping
  // padded taps (seed 312, 1x2 over one pixel of 70 channels to 32, every tap inside the image: 12,920 instructions
  // through the columns, 15,760 direct).
  const padded = outputDims[0] * rows * columns < pixels * height * width;
  return direct < 0.95 * widened && (filters <= 8 || padded);
}

/** A filter cut to a smaller window: its shape and values (the graph's layout), emitted as an array of their own. */
interface CroppedFilter<G extends WindowGeometry = WindowGeometry> {
  geometry: G;
  filter: { shape: [number, number, number, number]; data: Int8Array };
}

/**
 * DSP builds: the filter window cut to the rows and columns of taps that some output pixel reads inside the image,
 * and the padding moved with it (the output's geometry is unchanged), or undefined when every row and column is read.
 * A SAME window larger than the image (1x7 over one pixel, 10x8 over 1x4) otherwise costs the im2col and ring kernels
 * its padded taps as zeros, which the portable kernels skip: 7 to 20 times the work on such shapes. The taps cut are
 * ones the reference skips for every output, so the sums are the same. Only leading and trailing rows and columns go,
 * and a cut keeps the padding at least 0.
 */
export function croppedWindow<G extends WindowGeometry>(g: G, filterDims: readonly number[], data: ArrayLike<number | bigint>): CroppedFilter<G> | undefined {
  const span = (outputs: number, stride: number, pad: number, taps: number, dilation: number, size: number) => {
    let first = taps;
    let last = -1;
    for (let tap = 0; tap < taps; tap++) {
      // Some output o in [0, outputs) with 0 <= o * stride - pad + tap * dilation < size.
      const lowest = Math.max(0, Math.ceil((pad - tap * dilation) / stride));
      const highest = Math.min(outputs - 1, Math.floor((size - 1 + pad - tap * dilation) / stride));
      if (lowest <= highest) {
        first = Math.min(first, tap);
        last = tap;
      }
    }
    if (last < 0) return { first: 0, last: taps - 1 }; // No tap reads the image (an empty input): leave it.
    return { first: Math.min(first, Math.floor(pad / dilation)), last };
  };
  const [count, height, width, channels] = filterDims;
  const rows = span(g.outputHeight, g.strideHeight, g.padTop, height, g.dilationHeight, g.inputHeight);
  const columns = span(g.outputWidth, g.strideWidth, g.padLeft, width, g.dilationWidth, g.inputWidth);
  if (rows.first === 0 && rows.last === height - 1 && columns.first === 0 && columns.last === width - 1) return undefined;
  const newHeight = rows.last - rows.first + 1;
  const newWidth = columns.last - columns.first + 1;
  const cut = new Int8Array(count * newHeight * newWidth * channels);
  let at = 0;
  for (let n = 0; n < count; n++) {
    for (let y = rows.first; y <= rows.last; y++) {
      for (let x = columns.first; x <= columns.last; x++) {
        for (let c = 0; c < channels; c++) cut[at++] = Number(data[((n * height + y) * width + x) * channels + c]);
      }
    }
  }
  return {
    geometry: { ...g, filterHeight: newHeight, filterWidth: newWidth, padTop: g.padTop - rows.first * g.dilationHeight, padLeft: g.padLeft - columns.first * g.dilationWidth },
    filter: { shape: [count, newHeight, newWidth, channels], data: cut },
  };
}

/** convolution(context).call with a cropped filter (croppedWindow) in place of the graph's. */
function croppedCall(context: LowerContext, filter: CroppedFilter['filter']) {
  const x = input(context, 0, 'input');
  const bias = optionalInput(context, 2);
  const y = output(context);
  return (kernel: string, params: string, quant: string | undefined, e: OpEmitter) =>
    `${kernel}(${e.context()}, ${params}, ${quant ? `${quant}, ` : ''}${e.dims(x.shape, 'input')}, ${e.pointer(x, 'read')}, ${e.dims(filter.shape, 'filter')}, ${e.array('filter_cropped', 'int8', filter.data)}, ${bias ? e.pointer(bias, 'read') : 'NULL'}, ${e.dims(y.shape, 'output')}, ${e.pointer(y, 'write')})`;
}

/**
 * Whether a convolution runs td_conv2d_s8_small in DSP builds, each pixel's patch widened once and
 * run against every filter: one input channel and a 3x3 window (nine taps in five registers), a 1x1
 * window over eight channels at stride 1 (four registers) or over one to four at any stride (two registers; bench/shapes
 * seed 290, 1x1 over 15x25x3 to 32, took 7.41 instructions per MAC through the im2col GEMM), or up to three channels
 * and 32 taps (5x5 of one channel, 3x3 of three: the patch copied by filter rows, each filter two LDM per eight
 * taps; four to seven channels over enough pixels, smallPatchWideMinPixels), or more taps in 32 weight words
 * (smallPatchLongWindow); no dilation. Measured on virtual-m4f (bench/kernels): the im2col GEMM pays its gathering
 * and its fixed per-filter cost per block of four pixels on only 8-27 MACs per output (1.9-3.1
 * instructions per MAC there).
 */
function smallPatch(g: WindowGeometry, inputDims: readonly number[], filterDims: readonly number[], outputDims: readonly number[]): boolean {
  if (g.dilationHeight !== 1 || g.dilationWidth !== 1 || inputDims[3] !== filterDims[3]) return false;
  const [, height, width, channels] = filterDims;
  // At any stride over one to four channels: the loop runs an output row's pixels stride * C_in bytes apart
  // (virtual-m4f, bench/shapes, instructions, im2col GEMM -> 1x1x4: seed 543, 1x1 stride 2 over 11x42x1 to 8, 33,800 ->
  // 13,160; 22, stride 2 over 31x5x1 to 24, 26,160 -> 16,440). Eight channels only at stride 1 (the loop steps 8 bytes).
  if ((channels === 8 || channels <= 4) && height === 1 && width === 1) return channels <= 4 || (g.strideHeight === 1 && g.strideWidth === 1);
  const pixels = outputDims[0] * outputDims[1] * outputDims[2];
  const fits = height * width * channels <= 32 || smallPatchLongWindow(g, inputDims, filterDims, outputDims);
  return (channels <= 3 || (channels <= 7 && pixels >= smallPatchWideMinPixels)) && height * width > 1 && fits;
}

/**
 * Whether a window of more than 32 taps still takes the small kernel's general loop: its filter rows (K_h of
 * ceil(K_w C_in / 2) weight words, rounded up to groups of four) within the loop's 32 words, at most 8 filters, at least
 * 32 output pixels, and not a shape the few-channel path reads in place by rows of 12 bytes or more (convFewChannels).
 * The im2col GEMM widens such a patch per block of four pixels for few filters, and the few-channel path reads rows of
 * 9 to 11 bytes as three words each. Virtual-m4f, bench/shapes, instructions, before -> the small kernel: seed 123
 * (5x3 over 21x21x3 to 1, td_conv2d_s8_few) 89,240 -> 85,680, 130 (5x5 stride 2 over 28x6x2 to 2, _few) 23,680 ->
 * 17,240, 350 (2x3 over 6x14x7 to 8, im2col) 61,760 -> 51,960, 383 (5x3 over 22x8x3 to 8) 154,320 -> 112,760, 661 (2x4
 * over 9x14x5 to 8) 84,000 -> 65,400. Left where measured slower: rows of 12 bytes through the few-channel path (140,
 * 3x4 over 11x31x3 to 1: 15,120 against 20,880; 450, 5x4 over 19x28x3 to 3: 32,440 against 41,840) and 18 output
 * pixels (613, 4x5 stride 3 over 28x10x2 to 5: 11,280 against 12,160). More filters run faster too (313, 5x2 over
 * 12x21x4 to 40: 385,080 -> 318,320; the keyword-spotting model's 10x4 first layer of 64 filters 3,278,040 -> 3,224,240
 * for the whole model), but their records cost scratch: KWS's arena 10,624 -> 17,088 bytes for 1.6% fewer instructions.
 */
function smallPatchLongWindow(g: WindowGeometry, inputDims: readonly number[], filterDims: readonly number[], outputDims: readonly number[]): boolean {
  const [filters, height, width, channels] = filterDims;
  const words = Math.ceil((height * Math.ceil((width * channels) / 2)) / 4) * 4;
  const pixels = outputDims[0] * outputDims[1] * outputDims[2];
  return words <= 32 && filters <= 8 && pixels >= 32 && !(convFewChannels(g, inputDims, filterDims, outputDims) && width * channels >= 12);
}

/**
 * The fewest output pixels over which a window of four to seven input channels (up to 32 taps) takes the small
 * kernel: its per-call records (every filter's taps widened and placed) are then paid back. bench/shapes on
 * virtual-m4f, instructions per MAC, im2col GEMM -> small kernel: seed 60 3x1 over 23x15x5 to 3 6.69 -> 4.08, 202 1x3
 * stride 2 over 13x19x5 to 2 (70 pixels) 8.48 -> 6.46, 61 4x1 over 9x8x7 to 8 (72 pixels) 2.92 -> 2.38, 152 2x4 over
 * 23x11x4 to 5 3.06 -> 2.20, 32 4x1 over 22x15x7 to 8 2.59 -> 1.90; but 242 1x5 stride 2 over 6x8x5 to 17 (24 pixels)
 * 2.60 -> 4.69.
 */
const smallPatchWideMinPixels = 64;

/**
 * The entry point of td_conv2d_s8_small's loop that a small-patch convolution takes (each links
 * that loop alone; `_full` appended: its form for the whole int8 range), or undefined when the shape is not one (smallPatch) or its widened input rows
 * would not fit the kernel's row stride (then the kernel would not run its loop).
 */
function smallPatchEntry(g: WindowGeometry, inputDims: readonly number[], filterDims: readonly number[], outputDims: readonly number[]): string | undefined {
  const dilated = g.dilationHeight !== 1 || g.dilationWidth !== 1;
  if (dilated ? !smallPatchDilated(g, inputDims, filterDims, outputDims) : !smallPatch(g, inputDims, filterDims, outputDims)) return undefined;
  const [, height, width, channels] = filterDims;
  if (height === 1 && width === 1) return channels === 8 ? 'td_conv2d_s8_small_1x1x8' : 'td_conv2d_s8_small_1x1x4';
  const rowWords = Math.ceil((width * channels) / 2);
  // Dilated across (one channel): a row's taps D apart.
  const rowLength = (outputDims[2] - 1) * g.strideWidth * channels + (2 * rowWords - 1) * g.dilationWidth + 1;
  const rowStep = ((inputDims[2] + 2 * width) * channels + 1) & ~1;
  if (rowLength > rowStep) return undefined;
  if (dilated) return 'td_conv2d_s8_small_regs';
  if (channels === 1 && height === 3 && width === 3) return 'td_conv2d_s8_small_3x3';
  // One to four filters read each pixel's patch in place (smallFewMaxRowWords).
  if (filterDims[0] <= 4 && rowWords <= smallFewMaxRowWords) return 'td_conv2d_s8_small_few';
  // One filter left the register loop's per-row patch arrays unpaid (bench/shapes seed 292, 2x1 over 17x8x3 to 1:
  // 13,160 instructions through the patch loop, 14,200 through the register loop).
  return height * rowWords <= smallPatchRegistersMaxWords && filterDims[0] > 1 ? 'td_conv2d_s8_small_regs' : 'td_conv2d_s8_small_patch';
}

/**
 * The most weight words of a filter row (ceil(K_w * C_in / 2)) that td_conv2d_s8_small_few takes
 * (TD_SMALL_FEW_MAX_ROW_WORDS). For one to four filters it reads each pixel's patch in place from the widened rows
 * (per word one LDR, one load of the filters' weights and an SMLAD each, a jump per filter row), where the general loop
 * copied the patch first and the register loop laid out its patch arrays per output row. bench/shapes on virtual-m4f,
 * instructions, before -> _few: from the general loop seeds 520 (5x1 over 27x11x3 to 1) 36,720 -> 23,960, 123 85,680
 * -> 59,640, 60 62,800 -> 38,120, 572 33,720 -> 19,040, 130 17,240 -> 13,240, 111 10,280 -> 7,760, 292 13,160 ->
 * 8,720, four filters 81 (4x5 stride 3 over 47x19x1) 33,960 -> 25,320, 412 16,960 -> 11,880, 582 14,480 -> 10,200,
 * 640 24,600 -> 17,200; from the register loop 201 (4x4 over 12x47x1 to 2) 53,120 -> 45,560, 233 28,480 -> 21,880,
 * 680 13,080 -> 11,440, 421 4,320 -> 3,720, 360 1,840 -> 1,360, 202 9,400 -> 9,200, four filters 223 27,640 -> 23,760,
 * 532 26,960 -> 20,600, depthwise as a convolution 36 49,040 -> 40,160, 786 10,440 -> 9,200, 376 84,200 -> 83,000.
 */
const smallFewMaxRowWords = 16;

/**
 * Whether a convolution that would run td_conv2d_s8's im2col GEMM (neither the few-channel path nor the direct one)
 * runs td_conv2d_s8_small_few instead in a DSP build: one to four filters, no dilation, filter rows of at most
 * smallFewMaxRowWords words, K_h of them in at most 32 words, its widened rows within the kernel's row stride, 8 output
 * pixels or more (fewer leave its records and widened rows unpaid), and fewer than 8 input channels unless the filters
 * are one or two. The GEMM widens every patch per block of four pixels for few filters, gathering it as bytes first
 * when C_in % 4 != 0. bench/shapes on virtual-m4f, instructions: seed 800 (7x1 over 14x3x4 to 4) 17,400 -> 7,200, 622
 * (3x2 stride 3 over 15x19x4 to 4) 17,000 -> 10,880, 143 (4x4 over 14x4x4 to 2, 11 pixels) 7,240 -> 5,880, 733 (1x3
 * stride 3 over 16x16x8 to 2) 9,560 -> 9,200. Left with the GEMM where measured slower: three pixels (332, 7x1 stride
 * 2 over 2x6x16 to 1: 1,480 against 1,680; 770 1,760 against 2,240) and four filters over 8 or 16 channels, whose
 * columns the GEMM widens straight from the input (142, 1x4 stride 3 over 5x18x8: 4,840 against 5,440; 303 5,440
 * against 5,840; 482 4,960 against 7,400).
 */
function smallFewInsteadOfGemm(g: WindowGeometry, inputDims: readonly number[], filterDims: readonly number[], outputDims: readonly number[]): boolean {
  const [filters, height, width, channels] = filterDims;
  if (filters > 4 || g.dilationHeight !== 1 || g.dilationWidth !== 1 || inputDims[3] !== channels || height * width === 1) return false;
  const rowWords = Math.ceil((width * channels) / 2);
  if (rowWords > smallFewMaxRowWords || Math.ceil((height * rowWords) / 4) * 4 > 32) return false;
  const rowLength = (outputDims[2] - 1) * g.strideWidth * channels + 2 * rowWords;
  const rowStep = ((inputDims[2] + 2 * width) * channels + 1) & ~1;
  return rowLength <= rowStep && outputDims[0] * outputDims[1] * outputDims[2] >= 8 && (channels < 8 || filters <= 2);
}

/**
 * Whether a dilated convolution runs td_conv2d_s8_small_regs in DSP builds: what smallPatch asks of the channels and
 * the window, at most smallPatchRegistersMaxWords weight words, dilation across only over one channel and a stride
 * across that is a multiple of it (the kernel's two classes of pixels), and a window's input rows ((K_h - 1) D_h + 1)
 * at most K_h + 3 (what the kernel's scratch holds beside its patch arrays). bench/shapes seed 102, 4x4 dilation 2
 * stride 2 over 21x43x1 to 4: td_conv2d_s8's im2col GEMM took 10.59 instructions per MAC.
 */
function smallPatchDilated(g: WindowGeometry, inputDims: readonly number[], filterDims: readonly number[], outputDims: readonly number[]): boolean {
  const [, height, width, channels] = filterDims;
  if (inputDims[3] !== channels || height * width === 1) return false;
  if (height * Math.ceil((width * channels) / 2) > smallPatchRegistersMaxWords) return false;
  if (g.dilationWidth !== 1 && (channels !== 1 || g.strideWidth % g.dilationWidth !== 0)) return false;
  if ((height - 1) * g.dilationHeight + 1 > height + 3) return false;
  const pixels = outputDims[0] * outputDims[1] * outputDims[2];
  return channels <= 3 || (channels <= 7 && pixels >= smallPatchWideMinPixels);
}

/**
 * The most weight words (K_h filter rows of ceil(K_w * C_in / 2)) whose patch td_conv2d_s8_small_regs holds in
 * registers (TD_SMALL_REGS_MAX_WORDS): one LDM per pixel, then per filter a straight line of LDM and SMLAD
 * (5 + W + ceil(W / 3) instructions before the clamp) instead of the general loop's patch copy and ladder of
 * four-word chunks (11 + 6 per chunk). bench/shapes on virtual-m4f, instructions: seed 281 1x5 over 45x53x1 to 16
 * 841,360 -> 613,360, 80 4x3 over 39x20x1 to 8 197,560 -> 163,440, 201 4x4 over 12x47x1 to 2 73,800 -> 52,840.
 */
const smallPatchRegistersMaxWords = 8;

/**
 * Whether every channel of a small-patch convolution takes the kernel's assembly loops (its fast
 * requantization with the output offset folded in, td_dsp.h): a right shift of 1-21 (any for an
 * empty channel) and |bias| + taps * 255 * 128 < 2^30. Otherwise the im2col kernel stays faster
 * than the small kernel's C loop.
 */
function smallPatchRequant(requant: ChannelMultipliers, bias: ArrayLike<number | bigint> | undefined, filterDims: readonly number[]): boolean {
  const taps = filterDims[1] * filterDims[2] * filterDims[3];
  return Array.from(requant.shifts).every((shift, c) => {
    const right = requant.multipliers[c] === 0 ? 1 : -shift;
    return right >= 1 && right <= 21 && Math.abs(Number(bias?.[c] ?? 0)) + taps * 32640 < 2 ** 30;
  });
}

/**
 * The tensors of a convolution (filter and bias constants, in flash) as the C kernels take them,
 * and its call `kernel(ctx, params, [quant,] input dims, input, filter dims, filter, bias, output dims, output)`.
 */
function convolution(context: LowerContext) {
  const x = input(context, 0, 'input');
  const filter = input(context, 1, 'filter');
  const bias = optionalInput(context, 2);
  const y = output(context);
  expectConstant(context, filter, 'filter');
  if (bias) expectConstant(context, bias, 'bias');
  return {
    inputDims: dims4(context, x.shape, 'input'),
    filterDims: dims4(context, filter.shape, 'filter'),
    outputDims: dims4(context, y.shape, 'output'),
    call: (kernel: string, params: string, quant: string | undefined, e: OpEmitter, biasPointer?: (e: OpEmitter) => string) =>
      `${kernel}(${e.context()}, ${params}, ${quant ? `${quant}, ` : ''}${e.dims(x.shape, 'input')}, ${e.pointer(x, 'read')}, ${e.dims(filter.shape, 'filter')}, ${e.pointer(filter, 'read')}, ${biasPointer ? biasPointer(e) : bias ? e.pointer(bias, 'read') : 'NULL'}, ${e.dims(y.shape, 'output')}, ${e.pointer(y, 'write')})`,
  };
}

/**
 * The bias of a 16x8 op as its C kernel takes it: int64, the model's own tensor, or an int32
 * bias widened into a parameter array (the kernel's `wide` flag keeps TFLite's int32 arithmetic
 * for it), or NULL.
 */
export function bias64(context: LowerContext, position = 2): (e: OpEmitter) => string {
  const bias = optionalInput(context, position);
  return (e) => {
    if (!bias) return 'NULL';
    if (bias.dtype === 'int64') return e.pointer(bias, 'read');
    return e.array('bias64', 'int64', BigInt64Array.from(bias.data as ArrayLike<number>, (v) => BigInt(v)));
  };
}

/** `{stride}, {padding}, {dilation}` of a window plan, as the td_*_params structs list them. */
export function windowFields(g: WindowGeometry): string {
  return `${tile(g.strideHeight, g.strideWidth)}, ${tile(g.padTop, g.padLeft)}, ${tile(g.dilationHeight, g.dilationWidth)}`;
}

/**
 * A `td_per_channel_quant` of a plan's multipliers and shifts, the shifts as int8 (TFLite's
 * QuantizeMultiplier keeps them within [-31, 30]; 3 bytes a channel less than int32).
 */
export function perChannelQuant(e: OpEmitter, requant: ChannelMultipliers): string {
  const wide = requant.shifts.find((shift) => shift < -128 || shift > 127);
  if (wide !== undefined) throw new CodegenError(`a per-channel shift of ${wide} does not fit the kernels' int8 shifts`, { shift: wide });
  return e.struct('quant', 'td_per_channel_quant', `{${e.array('multiplier', 'int32', requant.multipliers)}, ${e.array('shift', 'int8', requant.shifts)}}`);
}

registerLowerer(conv2d, lowerConv2D);

/**
 * DEPTHWISE_CONV_2D → td_depthwise_conv2d_s8 / _s16 / _f32 from the plan (ops/depthwise-conv-2d.ts);
 * the C kernels have no hybrid variant (the generator dequantizes hybrid weights first).
 */
function lowerDepthwiseConv2D({ geometry: g, arithmetic }: DepthwiseConv2DPlan, context: LowerContext): OpLowering {
  const fields = `${g.depthMultiplier}, ${windowFields(g)}`;
  const { inputDims, filterDims, call } = convolution(context);

  if (arithmetic.flavour === 'float32') {
    return {
      kernels: ['td_depthwise_conv2d_f32'],
      scratchBytes: convF32BufferSize(inputDims, filterDims),
      emit: (e) =>
        call('td_depthwise_conv2d_f32', e.struct('params', 'td_depthwise_conv_params_f32', `{${fields}, ${clampF32C(arithmetic.activation)}}`), undefined, e),
    };
  }
  if (arithmetic.flavour === 'int16') {
    return {
      kernels: ['td_depthwise_conv2d_s16'],
      scratchBytes: depthwiseConv2dS16BufferSize(context.options.dsp, inputDims, filterDims),
      emit: (e) => {
        const params = e.struct('params', 'td_depthwise_conv_params_s16', `{${arithmetic.wideAccumulator ? 1 : 0}, ${fields}, ${clampC(arithmetic.activation)}}`);
        return call('td_depthwise_conv2d_s16', params, perChannelQuant(e, arithmetic.requant), e, bias64(context));
      },
    };
  }
  if (arithmetic.flavour !== 'int8') fail(context, `${arithmetic.flavour} depthwise convolution has no C kernel (int8, 16x8 and float32 do)`);
  // Weights stored as TFLite's INT4 stay packed in flash (int4-weights.ts).
  const int4 = int4DepthwiseLowering({ geometry: g, arithmetic }, context, perChannelQuant, windowFields(g));
  if (int4) return int4;
  // 5x5 windows and 3x3 ones with a depth multiplier over small images: planes of int16 pairs (depthwise-wide.ts; on
  // the M4 and M7 not the shapes depthwiseWideBlocksFaster leaves to the channel blocks);
  // 3x3 ones with multiplier 1 (stride 1 or 2) too where every depthwise layer of the model takes that kernel. The
  // Cortex-M55 takes these DSP kernels too: its Helium depthwise runs 3x3 windows no faster than the DSP channel blocks
  // (bench/helium, virtual-m55: dw_3x3_s2_24x24x64 290,688 instructions through it, 187,094 through this one).
  const wide = depthwiseWideLowering({ geometry: g, arithmetic }, context, perChannelQuant, windowFields(g), context.options.dsp && everyDepthwiseTakes(context, takesWide(context.options.helium === true)));
  if (wide) return wide;
  // The portable convolution (the reference loop) is slower than the portable depthwise one: only the DSP build switches,
  // and only for windows of 32 taps or more: below that the convolution's im2col of a one-byte-deep patch costs more
  // than the depthwise blocks' row expansion (3x3, M = 8: 5.7 instructions per MAC as a convolution, 3.2 as a
  // depthwise; 10x8, M = 8: 2.09 and 1.84 as a convolution, 2.09 and 1.91 as a depthwise).
  // A window one column wide with fewer than four outputs runs the paired taps instead (their channel-by-channel passes
  // over neighbouring pixels): the convolution's patch goes by filter rows, here of one byte (virtual-m4f, bench/shapes
  // seed 294, 5x1 over 41x57x1 to 2: 313,200 instructions through td_conv2d_s8_small_patch, 198,880 paired).
  if (context.options.dsp && inputDims[3] === 1 && g.depthMultiplier > 1 && !(filterDims[2] === 1 && g.depthMultiplier < 4)) {
    const asConvolution = depthwiseAsConvolution(g, arithmetic, context);
    if (asConvolution.small || filterDims[1] * filterDims[2] >= asConvolutionMinTaps) return asConvolution.lowering;
  }
  // A window larger than the image cut to the taps some output reads (croppedWindow).
  const cropped = context.options.dsp ? croppedWindow(g, filterDims, input(context, 1, 'filter').data!) : undefined;
  const geometry = cropped?.geometry ?? g;
  const windowDims = cropped?.filter.shape ?? filterDims;
  // Windows one row or one column wide where widened channel planes measured faster (depthwise-widened.ts; on the
  // Cortex-M55 too).
  if (context.options.dsp && depthwiseWidened(geometry, inputDims, windowDims, output(context).shape)) {
    const widenedCall = cropped ? croppedCall(context, cropped.filter) : call;
    return depthwiseWidenedLowering(inputDims, windowDims, (kernel, e) => {
      const params = e.struct('params', 'td_depthwise_conv_params', `{${-arithmetic.input.zeroPoint}, ${arithmetic.output.zeroPoint}, ${geometry.depthMultiplier}, ${windowFields(geometry)}, ${clampC(arithmetic.activation)}}`);
      return widenedCall(kernel, params, perChannelQuant(e, arithmetic.requant), e);
    });
  }
  // (On the Cortex-M55 as well: dw_3x3_s1_24x24x32 312,531 instructions through the planes, 463,125 through the Helium file.)
  const planes = context.options.dsp && depthwisePlanes(geometry, inputDims, windowDims, arithmetic.activation) && everyDepthwiseTakes(context, takesPlanes);
  const kernel = planes ? 'td_depthwise_conv2d_s8_planes' : 'td_depthwise_conv2d_s8';
  const outputDims = output(context).shape;
  // The Cortex-M55 takes these entries too (its Helium file carries the DSP kernel's), but for the layers its own
  // depthwise loop runs in full and measured faster there (depthwiseHeliumLoop).
  const heliumLoop = context.options.helium === true && depthwiseHeliumLoop(geometry, windowDims);
  // The shapes td_depthwise_conv2d_s8's channel blocks do not take run its _paired entry (pairs of taps), so that a
  // model whose depthwise layers the blocks take all does not link that code.
  const pairedShape = context.options.dsp && !planes && depthwisePaired(geometry, windowDims, outputDims);
  const paired = pairedShape && !(heliumLoop && windowDims[1] * windowDims[2] > heliumPairedMaxTaps);
  // Some layers, of either kind, run its _lines entry instead (an input channel at a time, taps paired along widened
  // lines: depthwiseLines).
  const lines = context.options.dsp && !planes && depthwiseLines(geometry, windowDims, outputDims);
  // The blocks' windows one column wide run its _columns entry where the columns pay (down the columns; a model without
  // such layers does not link that code).
  const columns = context.options.dsp && !planes && !pairedShape && !lines && depthwiseColumns(geometry, windowDims) && depthwiseColumnsPay(windowDims, outputDims) && !(heliumLoop && outputDims[1] < heliumColumnsMinRows);
  // A model whose depthwise layers are all 3x3 and undilated (MobileNet-style) calls the blocks' _3x3 entry, so that it
  // does not link their code for other windows (td_depthwise_blocks_any and the pixels' assembly, ~1.7 KB: VWW's code
  // like TFLite Micro's 0.297x -> 0.278x). Not on the Cortex-M55, whose Helium file runs some 3x3 layers itself, nor
  // when optimizing for speed (a model could then link both entries).
  const blocks3x3 =
    kernel === 'td_depthwise_conv2d_s8' && !lines && !paired && !columns && context.options.dsp && context.options.helium !== true && context.options.optimize !== 'speed' &&
    undilated3x3(geometry, windowDims) && everyDepthwiseTakes(context, (plan, _inputDims, filterDims) => undilated3x3(plan.geometry, filterDims));
  const entry = lines ? 'td_depthwise_conv2d_s8_lines' : paired ? 'td_depthwise_conv2d_s8_paired' : columns ? 'td_depthwise_conv2d_s8_columns' : blocks3x3 ? 'td_depthwise_conv2d_s8_3x3' : kernel;
  const kernelCall = cropped ? croppedCall(context, cropped.filter) : call;
  return {
    kernels: [kernel],
    // td_depthwise_conv2d_s8 (DSP) runs channels past a multiple of four as one more block of the last four, which it
    // cannot do when its output lies over its input with multiplier 1 (then one channel at a time, ~20 instructions a
    // MAC): that output is kept apart, as that of the lines (channel after channel, which refuse an output over their
    // input) and that of a window one column wide through the blocks (which go down the columns only when the output
    // lies apart from the input).
    outputApart:
      lines ||
      (context.options.dsp && !planes && g.depthMultiplier === 1 && filterDims[3] > 4 && filterDims[3] % 4 !== 0) ||
      columns,
    scratchBytes: (planes ? depthwiseConv2dS8PlanesBufferSize : lines ? depthwiseConv2dS8LinesBufferSize : paired ? depthwiseConv2dS8PairedBufferSize : columns ? depthwiseConv2dS8ColumnsBufferSize : depthwiseConv2dS8BufferSize)(context.options.dsp, inputDims, windowDims),
    emit: (e) => {
      const offsets = `${-arithmetic.input.zeroPoint}, ${arithmetic.output.zeroPoint}`;
      const params = e.struct('params', 'td_depthwise_conv_params', `{${offsets}, ${geometry.depthMultiplier}, ${windowFields(geometry)}, ${clampC(arithmetic.activation)}}`);
      return kernelCall(entry, params, perChannelQuant(e, arithmetic.requant), e);
    },
  };
}

/**
 * Whether the Helium file's depthwise loop (firmware/kernels/src/opt/helium/td_depthwise_conv2d_s8.c,
 * td_depthwise_mve_pays) runs every channel of a layer: depth multiplier 1, windows over nine taps or stride 2 or more
 * both ways over at most 64 channels, and channels in blocks of eight (the channels past them go one at a time through
 * the reference's loop). A Helium build gives such a layer to that loop rather than the DSP kernel's paired taps or
 * columns where it measured faster on the Cortex-M55 (bench/helium/entries.ts, virtual-m55, instructions, the loop
 * against the DSP entry): against the paired taps, windows over nine taps (seed 205, 5x5 over one 5x5x72 pixel, 10,188
 * against 13,406; 606, 5x5 stride 2 over 15x5x24, 20,313 and 24,125; 975, 8x10 over 12x8x48, 482,813 and 1,329,406),
 * not 3x3 at stride 2 (475, 9x1x64, 34,813 and 22,938; 564, 7x1x24, 10,625 and 8,344); against the columns, outputs
 * of fewer than three rows (754, 3x1 stride 2 over 4x9x48, 8,563 and 16,969; 755, 7x1 over 8x8x32, 5,969 and 11,688;
 * 164, 7x1 over 10x10x48, 20,625 and 26,469), not of three or more (915, 5x1 stride 2 over 10x5x48 to 3x3, 22,531 and
 * 19,938; 695, 2x1 over 21x10x16, 26,844 and 19,000). With channels past the blocks of eight the DSP entries were
 * faster in 29 of 30 shapes (seed 75, 5x1 stride 2 over 11x8x31, 53,500 against 24,813 down the columns; 125, 5x3
 * over 29x30x5, 929,906 against 179,188 through the lines; 114, 3x1 stride 3 over 2x12x33, 5,719 against 8,781
 * paired, the one exception, which DSP builds now give the blocks: depthwisePaired).
 */
export function depthwiseHeliumLoop(g: Pick<DepthwiseConv2DPlan['geometry'], 'strideHeight' | 'strideWidth' | 'depthMultiplier'>, filterDims: readonly number[]): boolean {
  const channels = filterDims[3];
  const runs = filterDims[1] * filterDims[2] > 9 || (g.strideHeight >= 2 && g.strideWidth >= 2 && channels <= 64);
  return g.depthMultiplier === 1 && channels % 8 === 0 && runs;
}

/** The most window taps for which a Helium build gives a layer its loop runs in full to the paired taps (depthwiseHeliumLoop). */
export const heliumPairedMaxTaps = 9;

/** The fewest output rows for which a Helium build gives a layer its loop runs in full to the columns (depthwiseHeliumLoop). */
export const heliumColumnsMinRows = 3;

/**
 * Whether an int8 depthwise convolution in a DSP build calls td_depthwise_conv2d_s8_paired: the shapes
 * td_depthwise_conv2d_s8's channel blocks do not take (fewer than four output channels, more than 16 filter rows or 8
 * columns, a dilated row, an output of one pixel; td_depthwise_blocks_skip in the kernel), and outputs one pixel wide
 * of at most `depthwisePairedMaxRows` rows that the blocks take but pay a block's set-up, and a row's for each pixel,
 * on few sums for: of fewer than `depthwiseBlocksMinWindowTaps` window taps in all, or of 8 channels or more
 * (virtual-m4f, bench/shapes, instructions through the blocks against paired: seed 266, 3x1 outputs of 36 channels,
 * 11,440 and 11,080; 765, 3x1 of 9, 2,960 and 2,560; 995, 2x1 of 93, 19,200 and 18,600), but for a 3x3 window, which
 * the blocks' 3x3 rows run faster (seed 335, 3x1 of 96: 29,720 against 33,040). More rows, or wider outputs, share
 * that set-up among enough sums (paired -> the blocks: seed 584, 3x3 over outputs 8x1 of 128 channels, 82,320 ->
 * 64,160; 606, 5x5 stride 2 over 6x1 of 24, 23,840 -> 21,240; 575, 1x1 stride 3 over one row of four pixels of 70
 * channels, 17,080 -> 12,920; 114, 2x1 over one row of four of 33, 8,360 -> 8,040).
 */
export function depthwisePaired(g: Pick<DepthwiseConv2DPlan['geometry'], 'dilationWidth' | 'dilationHeight'>, filterDims: readonly number[], outputDims: readonly number[]): boolean {
  const pixels = outputDims[1] * outputDims[2];
  if (outputDims[3] < 4 || filterDims[1] > 16 || filterDims[2] > 8 || g.dilationWidth !== 1 || pixels < 2) return true;
  // Outputs one pixel wide under a window one column wide: the blocks' _columns entry runs them down the column in one
  // pass (virtual-m4f, bench/shapes, paired -> columns: seed 624, 3x1 over 2x1x32, 7,360 -> 5,280 instructions, the
  // portable kernel 5,960; 475, 3x1 stride 2 over 9x1x64, 22,040 -> 13,600; 564 8,040 -> 4,960; 186 10,360 -> 6,000;
  // 286 7,720 -> 3,800; seed 114, 2x1 over outputs 1x4 of 33 channels, not one pixel wide, stays with the blocks along
  // the rows: 8,040 against 9,840).
  if (outputDims[2] === 1 && depthwiseColumns(g, filterDims)) return false;
  // A 3x3 window (dilation 1) of 8 channels or more goes to the blocks' 3x3 rows, whatever its activation (applied
  // after them since 3x3 rows took clamped outputs too): seed 335, 3x3 stride 2 over outputs 3x1 of 96 channels, 33,040
  // instructions paired -> 29,720.
  const rows3x3 = filterDims[1] === 3 && filterDims[2] === 3 && g.dilationHeight === 1;
  return outputDims[2] === 1 && outputDims[1] <= depthwisePairedMaxRows && (pixels * filterDims[1] * filterDims[2] < depthwiseBlocksMinWindowTaps || (outputDims[3] >= 8 && !rows3x3));
}

/** The most rows of outputs one pixel wide that depthwisePaired gives the paired taps (4 measured faster paired, 6 and 8 through the blocks). */
export const depthwisePairedMaxRows = 4;

/**
 * Whether an int8 depthwise convolution calls td_depthwise_conv2d_s8_lines in a DSP build (before the paired taps and
 * the channel blocks): a window of 2 to 16 pairs of taps along its lines (down the columns for a window one column
 * wide, along the rows otherwise) with no dilation along them, and either
 *  - a depth multiplier above 1, a window one column or one row wide, lines of at least 12 outputs, output channels
 *    not a multiple of four: one widening of an input channel serves its M output channels, where the blocks gather
 *    every row per block of four outputs and compute the channels past a multiple of four as one more block
 *    (virtual-m4f, bench/shapes, instructions, the blocks -> lines: seed 264, 1x5 over 22x24x7 to 21, 218,800 ->
 *    200,920; 294, 5x1 over 41x57x1 to 2, paired 198,880 -> 129,040);
 *  - multiplier 1 with five or six channels or fewer than four, lines of at least 18 outputs: the blocks compute five
 *    or six channels as two blocks of four and fewer than four go to the paired taps (seed 125, 5x3 over 29x30x5,
 *    227,520 -> 174,920; 184, 2x5 stride 3x1 over 11x34x5, 33,960 -> 32,680; 175, 5x3 over 18x33x3, 106,160 ->
 *    72,120; 45, 1x3 over 6x36x2, 18,280 -> 12,720).
 * Not taken (each measured slower or no faster through the lines): one pair (seed 14, 2x1 multiplier 8), short lines
 * (126, 1x4 over rows of 7 outputs; 255, 5x3 dilated over rows of 17), windows of several lines with a multiplier
 * (274, 2x2; 195, 4x2), output channels in multiples of four, which the blocks compute without a spare block, along
 * the rows or down the columns (lines -> the blocks: seed 466, 1x3 over 6x21x15 to 120, 356,480 -> 270,360; 486, 1x4
 * over 19x16x16 to 48, 356,080 -> 245,480; 654, 1x5 over 31x41x3 to 24, 676,160 -> 594,160; 204, 3x3 over 16x25x12,
 * 180,640 against 125,320; down the columns: 224, 4x1 over 12x11x32 to 96, 281,080 -> 264,400; 256, 3x1 stride 1x2
 * over 18x7x16 to 48, 92,960 -> 66,240; 595, 3x1 over 30x3x4 to 12, 22,680 -> 20,040; 836, 3x1 over 21x1x16 to 128,
 * 68,320 -> 54,920; 164, 7x1 over 10x10x48), seven channels (514, 3x2 over 18x22x7, 85,240 -> 67,040). Not told
 * apart: seed 964, 1x3 over one row of 31 pixels of 5 channels, 5,440 through the lines against 5,280.
 */
export function depthwiseLines(g: Pick<DepthwiseConv2DPlan['geometry'], 'dilationHeight' | 'dilationWidth' | 'depthMultiplier'>, filterDims: readonly number[], outputDims: readonly number[]): boolean {
  const [, height, width] = filterDims;
  const down = width === 1 && height > 1;
  const across = down ? 1 : height;
  const pairs = across * Math.ceil((down ? height : width) / 2);
  const length = down ? outputDims[1] : outputDims[2];
  if ((down ? g.dilationHeight : g.dilationWidth) !== 1 || pairs < 2 || pairs > 16) return false;
  if (outputDims[3] % 4 === 0) return false;
  if (g.depthMultiplier > 1) return across === 1 && length >= 12;
  return outputDims[3] < 7 && length >= 18;
}

/**
 * Whether the channel blocks run a depthwise layer down the input's columns (td_depthwise_conv2d_s8_columns): a window
 * one column wide of 2 to 8 rows with no dilation down the columns. Each column is then expanded as one ring row and
 * the window is one row of K_h taps, where along the rows each tap is a filter row with its own set-up (virtual-m4f,
 * bench/shapes, instructions: seed 75, 5x1 stride 2 over 11x8x31, 36,880 -> 24,760; 46, 5x1 over 7x3x70, 69,440 ->
 * 46,400; 56, 4x1 over 15x6x7, 18,640 -> 14,400; 164, 7x1 stride 2 over 10x10x48, 32,720 -> 26,360; 14, 2x1 with
 * multiplier 8, 197,120 -> 183,480).
 */
export function depthwiseColumns(g: Pick<DepthwiseConv2DPlan['geometry'], 'dilationHeight'>, filterDims: readonly number[]): boolean {
  return filterDims[2] === 1 && filterDims[1] > 1 && filterDims[1] <= 8 && g.dilationHeight === 1;
}

/**
 * Whether the columns (depthwiseColumns) pay over these outputs: outputs one pixel wide, or at least
 * `depthwiseColumnsMinTaps` window taps down an output column (H_out * K_h). Down the columns each output column pays
 * the set-up an output row pays along the rows; a window of few rows over outputs of one or two rows and more columns
 * saves less on its taps than that costs (virtual-m4f, bench/shapes, instructions, columns -> the blocks along the
 * rows: seed 955, 3x1 over outputs 2x17 of 8 channels, 9,120 -> 7,160; 754, 3x1 stride 2 over 1x5 of 48, 15,960 ->
 * 13,120; 984, 3x1 over 1x3 of 31, 7,840 -> 6,920; kept down the columns, from 7 taps: 755, 7x1 stride 2 over 1x4 of
 * 32, 11,160 against 12,520; 76, 4x1 stride 2 over 2x3 of 12, 3,880 against 4,640; 245, 4x1 over 4x19 of 9, 23,400
 * against 23,520).
 */
export function depthwiseColumnsPay(filterDims: readonly number[], outputDims: readonly number[]): boolean {
  return outputDims[2] === 1 || outputDims[1] * filterDims[1] >= depthwiseColumnsMinTaps;
}

/** The fewest window taps down an output column (H_out * K_h) for which the blocks go down the columns (depthwiseColumnsPay). */
export const depthwiseColumnsMinTaps = 7;

/**
 * The fewest window taps over the output pixels (K_h * K_w * H_out * W_out) for which a DSP build calls
 * td_depthwise_conv2d_s8's channel blocks for outputs one pixel wide (depthwisePaired): below it a block's set-up (its
 * taps widened, its requantization, its rows expanded) outweighs its sums, and the paired taps cost less (virtual-m4f,
 * bench/shapes: seed 54, 1x2 over 3x1 outputs of 17 channels, 4,520 instructions through the blocks, 4,200 paired;
 * 104, 1x2 over 4x1 of 144 channels with multiplier 3, 38,960 and 34,520). Outputs wider than one pixel take the
 * blocks however few their taps (seed 575, 1x1 over one row of four pixels of 70 channels, 12,920 against 17,080
 * paired).
 */
export const depthwiseBlocksMinWindowTaps = 9;

/**
 * Whether an int8 depthwise convolution runs td_depthwise_conv2d_s8_planes in DSP builds: 3x3, stride 1, no
 * dilation, depth multiplier 1, a channel count that is a multiple of four, the full int8 range, and rows of at least
 * `depthwisePlanesMinLength` pixels. The kernel runs what it does not take through the portable per-channel loop, as
 * it does a block of channels outside its requantization.
 */
export function depthwisePlanes(g: Pick<DepthwiseConv2DPlan['geometry'], 'strideHeight' | 'strideWidth' | 'dilationHeight' | 'dilationWidth' | 'depthMultiplier'>, inputDims: readonly number[], filterDims: readonly number[], activation: { min: number; max: number }): boolean {
  return (
    filterDims[1] === 3 && filterDims[2] === 3 && g.strideHeight === 1 && g.strideWidth === 1 && g.dilationHeight === 1 && g.dilationWidth === 1 &&
    g.depthMultiplier === 1 && filterDims[3] % 4 === 0 && activation.min <= -128 && activation.max >= 127 && inputDims[2] >= depthwisePlanesMinLength
  );
}

/**
 * The narrowest rows the planes take: each channel block and row pays a fixed cost (the border pixels staged, the
 * records, a call per row and four channel setups) that narrower rows do not earn back against td_depthwise_conv2d_s8
 * (virtual-m4f, bench/kernels: 48, 24 and 12 pixels 2.00, 2.24 and 2.81 instructions per MAC against 2.73, 2.79 and
 * 2.94; 6 and 5 pixels, and the keyword-spotting model's 25x5, would be slower).
 */
export const depthwisePlanesMinLength = 12;

/** What a model-wide kernel choice asks of one int8 depthwise layer (not stored as int4), with its shapes. */
type DepthwiseLayerCheck = (plan: DepthwiseConv2DPlan, inputDims: readonly number[], filterDims: readonly number[], outputDims: readonly number[], bias: ArrayLike<number | bigint> | undefined) => boolean;

/** The channel planes take the layer (depthwisePlanes). */
const takesPlanes: DepthwiseLayerCheck = (plan, inputDims, filterDims) => depthwisePlanes(plan.geometry, inputDims, filterDims, plan.arithmetic.activation);

/** td_depthwise_conv2d_s8_wide takes the layer, a 3x3 one with multiplier 1 included (depthwise-wide.ts), in a Helium build or not. */
const takesWide = (helium: boolean): DepthwiseLayerCheck => (plan, inputDims, filterDims, outputDims, bias) =>
  ((depthwiseWide(plan.geometry, inputDims, filterDims, outputDims) && (helium || !depthwiseWideBlocksFaster(plan.geometry, outputDims))) || depthwiseWideSingle3x3(plan.geometry, inputDims, filterDims, outputDims) ||
    depthwiseWideStride2x3x3(plan.geometry, inputDims, filterDims, outputDims)) &&
  plan.arithmetic.flavour === 'int8' && depthwiseWideRequant(plan.arithmetic.requant, bias, filterDims[1] * filterDims[2]);

/**
 * Whether every other int8 depthwise convolution of the graph (but those of one input channel with a depth
 * multiplier, which run as a convolution) passes `takes`: a model then links that kernel alone for its depthwise layers, never it and
 * td_depthwise_conv2d_s8 (3.5 KB of code; the planes 1.6 KB, the wide kernel ~15.4 KB; VWW's code budget takes only one,
 * and VWW's stride-2 layers still need the blocks). Always, when optimizing for speed (`optimize: 'speed'`).
 */
function everyDepthwiseTakes(context: LowerContext, takes: DepthwiseLayerCheck): boolean {
  if (context.options.optimize === 'speed') return true; // Each layer its fastest kernel, whatever the model links.
  const { graph } = context;
  return graph.ops.every((op, index) => {
    if (index === context.opIndex || op.type !== 'DEPTHWISE_CONV_2D') return true;
    let plan: DepthwiseConv2DPlan;
    try {
      plan = depthwiseConv2d.prepare(opContext(graph, op, index, CodegenError));
    } catch {
      return true; // Refused: its own lowering reports it.
    }
    const filter = graph.tensors[op.inputs[1]];
    if (plan.arithmetic.flavour !== 'int8' || packedInt4Weights(filter)) return true;
    const inputDims = graph.tensors[op.inputs[0]].shape.slice(-4);
    if (plan.geometry.depthMultiplier > 1 && inputDims[3] === 1) return true; // Runs as a convolution.
    const bias = op.inputs[2] !== undefined && op.inputs[2] >= 0 ? graph.tensors[op.inputs[2]]?.data : undefined;
    return takes(plan, inputDims, filter.shape, graph.tensors[op.outputs[0]].shape.slice(-4), bias as ArrayLike<number | bigint> | undefined);
  });
}

/** A 3x3 window without dilation (td_depthwise_conv2d_s8_3x3's). */
function undilated3x3(g: Pick<DepthwiseConv2DPlan['geometry'], 'dilationHeight' | 'dilationWidth'>, filterDims: readonly number[]): boolean {
  return filterDims[1] === 3 && filterDims[2] === 3 && g.dilationHeight === 1 && g.dilationWidth === 1;
}

/** The smallest window (K_h · K_w) a one-channel depthwise convolution with M > 1 runs as a convolution in DSP builds. */
const asConvolutionMinTaps = 32;

/**
 * A depthwise convolution of one input channel with depth multiplier M is a convolution of M
 * filters over that channel (output channel m = input · filter[.., m]): CMSIS-NN runs it so, and
 * the convolution's GEMM does K_h · K_w MACs per output in SMLADs where the depthwise kernel,
 * built for many channels of one tap each, has a single channel to vectorise over. Chosen here,
 * at generation time: the filter [1, K_h, K_w, M] is stored transposed as [M, K_h, K_w, 1]; the
 * per-channel multipliers, bias, geometry and clamp are the depthwise plan's unchanged, so the
 * sums (and the bytes) are the reference's. The portable build keeps the depthwise kernel (its
 * reference convolution loop is the slower of the two there).
 */
function depthwiseAsConvolution(g: DepthwiseConv2DPlan['geometry'], arithmetic: Extract<DepthwiseConv2DPlan['arithmetic'], { flavour: 'int8' | 'int16' }>, context: LowerContext): { lowering: OpLowering; small: boolean } {
  const x = input(context, 0, 'input');
  const filter = input(context, 1, 'filter');
  const bias = optionalInput(context, 2);
  const y = output(context);
  const [, filterHeight, filterWidth, multiplier] = dims4(context, filter.shape, 'filter');
  const taps = filterHeight * filterWidth;
  const source = filter.data!;
  const transposed = new Int8Array(multiplier * taps);
  for (let m = 0; m < multiplier; m++) {
    for (let tap = 0; tap < taps; tap++) transposed[m * taps + tap] = Number(source[tap * multiplier + m]);
  }
  const inputDims = dims4(context, x.shape, 'input');
  const convFilterShape: [number, number, number, number] = [multiplier, filterHeight, filterWidth, 1];
  // A window of up to 32 taps runs td_conv2d_s8_small's loops, as the same convolution would (lowerConv2D).
  const loop = smallPatchRequant(arithmetic.requant, bias?.data, convFilterShape) ? smallPatchEntry(g, inputDims, convFilterShape, dims4(context, y.shape, 'output')) : undefined;
  const entry = loop && arithmetic.activation.min === -128 && arithmetic.activation.max === 127 ? `${loop}_full` : loop;
  const kernel = entry ?? 'td_conv2d_s8';
  return {
    small: loop !== undefined,
    lowering: {
      kernels: [loop ? 'td_conv2d_s8_small' : 'td_conv2d_s8'],
      scratchBytes: loop ? conv2dS8SmallBufferSize(true, inputDims, convFilterShape) : conv2dS8BufferSize(context.options.dsp, inputDims, convFilterShape),
      emit: (e) => {
        const offsets = `${-arithmetic.input.zeroPoint}, ${arithmetic.output.zeroPoint}`;
        const params = e.struct('params', 'td_conv_params', `{${offsets}, ${windowFields(g)}, ${clampC(arithmetic.activation)}}`);
        const weights = e.array('filter_as_conv', 'int8', transposed);
        return `${kernel}(${e.context()}, ${params}, ${perChannelQuant(e, arithmetic.requant)}, ${e.dims(x.shape, 'input')}, ${e.pointer(x, 'read')}, ${e.dims(convFilterShape, 'filter')}, ${weights}, ${bias ? e.pointer(bias, 'read') : 'NULL'}, ${e.dims(y.shape, 'output')}, ${e.pointer(y, 'write')})`;
      },
    },
  };
}

registerLowerer(depthwiseConv2d, lowerDepthwiseConv2D);
