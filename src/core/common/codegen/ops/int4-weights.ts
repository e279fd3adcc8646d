import { isPackedInt4, firstOutsideInt4, packInt4 } from '../../ir/int4.js';
import type { Tensor } from '../../ir/types.js';
import { dims4, input, optionalInput, output, type LowerContext, type OpEmitter, type OpLowering } from '../lowering.js';
import { clampC } from '../params.js';
import type { Conv2DPlan } from '../../ops/conv-2d.js';
import type { DepthwiseConv2DPlan } from '../../ops/depthwise-conv-2d.js';
import type { FullyConnectedPlan } from '../../ops/fully-connected.js';
import type { ChannelMultipliers } from '../../ops/quantization.js';

/**
 * int8 CONV_2D, DEPTHWISE_CONV_2D and FULLY_CONNECTED whose weights the model stores as TFLite's
 * INT4 (ir/int4.ts: int8 values in [-8, 7] marked packed) → the td_*_s8_int4 kernels, which read
 * the packed bytes in flash (half the int8 weights' bytes) and give the int8 kernels' bytes. The
 * plan (multipliers, clamp, geometry) is the op library's, as for int8. Weights a pass has taken
 * out of [-8, 7] (or unmarked) go to the int8 kernels: these return undefined.
 */

/** Ids of the packed copies: past any graph's tensor ids and the other packed copies' bases. */
const int4TensorIdBase = 5 << 24;

/** The weights as the packed bytes the int4 kernels read (the weights' own flash symbol), or undefined. */
export function packedInt4Weights(weights: Tensor): Tensor | undefined {
  if (!isPackedInt4(weights) || firstOutsideInt4(weights.data as Int8Array)) return undefined;
  const bytes = Int8Array.from(packInt4(weights.data as Int8Array));
  return { id: int4TensorIdBase + weights.id, name: `${weights.name} (int4, two a byte)`, shape: [bytes.length], dtype: 'int8', data: bytes };
}

/** td_conv2d_s8_int4_get_buffer_size: DSP builds widen one patch of K_h · K_w · C values (rounded up to eight) to int16. */
export function conv2dS8Int4BufferSize(dsp: boolean, filterDims: readonly number[]): number {
  return dsp ? 2 * roundUp8(filterDims[1] * filterDims[2] * filterDims[3]) : 0;
}

/** td_fully_connected_s8_int4_get_buffer_size: DSP builds widen one input row (rounded up to eight) to int16. */
export function fullyConnectedS8Int4BufferSize(dsp: boolean, depth: number): number {
  return dsp ? 2 * roundUp8(depth) : 0;
}

/**
 * td_depthwise_conv2d_s8_int4_get_buffer_size: portable, one int32 sum per output channel; DSP, the
 * larger of that and the channel blocks' (8 bytes per tap, a staging row of 4 bytes per input column,
 * and a ring of K_h widened input rows of 8 bytes per position of a span of W + K_w − 1 positions).
 */
export function depthwiseConv2dS8Int4BufferSize(dsp: boolean, inputDims: readonly number[], filterDims: readonly number[]): number {
  const [, filterHeight, filterWidth, channels] = filterDims;
  if (!dsp) return 4 * channels;
  const width = inputDims[2];
  return Math.max(4 * channels, 8 * filterHeight * filterWidth + 4 * width + 8 * filterHeight * (width + filterWidth - 1));
}

function roundUp8(value: number): number {
  return Math.ceil(value / 8) * 8;
}

type QuantStruct = (e: OpEmitter, requant: ChannelMultipliers) => string;

/** `kernel(ctx, params, quant, input dims, input, filter dims, packed filter, bias, output dims, output)` of a convolution. */
function convolutionCall(context: LowerContext, kernel: string, packed: Tensor, params: (e: OpEmitter) => string, quant: (e: OpEmitter) => string) {
  const x = input(context, 0, 'input');
  const filter = input(context, 1, 'filter');
  const bias = optionalInput(context, 2);
  const y = output(context);
  return (e: OpEmitter) =>
    `${kernel}(${e.context()}, ${params(e)}, ${quant(e)}, ${e.dims(x.shape, 'input')}, ${e.pointer(x, 'read')}, ${e.dims(filter.shape, 'filter')}, ${e.pointer(packed, 'read')}, ${bias ? e.pointer(bias, 'read') : 'NULL'}, ${e.dims(y.shape, 'output')}, ${e.pointer(y, 'write')})`;
}

/** CONV_2D with int4 weights → td_conv2d_s8_int4 (grouped included); `windowFields` is the params' stride, padding and dilation. */
export function int4Conv2DLowering({ arithmetic }: Conv2DPlan, context: LowerContext, quant: QuantStruct, windowFields: string): OpLowering | undefined {
  const packed = packedInt4Weights(input(context, 1, 'filter'));
  if (!packed || arithmetic.flavour !== 'int8') return undefined;
  const filterDims = dims4(context, input(context, 1, 'filter').shape, 'filter');
  const fields = `{${-arithmetic.input.zeroPoint}, ${arithmetic.output.zeroPoint}, ${windowFields}, ${clampC(arithmetic.activation)}}`;
  return {
    kernels: ['td_conv2d_s8_int4'],
    scratchBytes: conv2dS8Int4BufferSize(context.options.dsp, filterDims),
    emit: convolutionCall(context, 'td_conv2d_s8_int4', packed, (e) => e.struct('params', 'td_conv_params', fields), (e) => quant(e, arithmetic.requant)),
  };
}

/** DEPTHWISE_CONV_2D with int4 weights → td_depthwise_conv2d_s8_int4 (scratch: depthwiseConv2dS8Int4BufferSize). */
export function int4DepthwiseLowering({ geometry, arithmetic }: DepthwiseConv2DPlan, context: LowerContext, quant: QuantStruct, windowFields: string): OpLowering | undefined {
  const packed = packedInt4Weights(input(context, 1, 'filter'));
  if (!packed || arithmetic.flavour !== 'int8') return undefined;
  const fields = `{${-arithmetic.input.zeroPoint}, ${arithmetic.output.zeroPoint}, ${geometry.depthMultiplier}, ${windowFields}, ${clampC(arithmetic.activation)}}`;
  return {
    kernels: ['td_depthwise_conv2d_s8_int4'],
    scratchBytes: depthwiseConv2dS8Int4BufferSize(context.options.dsp, dims4(context, input(context, 0, 'input').shape, 'input'), dims4(context, input(context, 1, 'filter').shape, 'filter')),
    emit: convolutionCall(context, 'td_depthwise_conv2d_s8_int4', packed, (e) => e.struct('params', 'td_depthwise_conv_params', fields), (e) => quant(e, arithmetic.requant)),
  };
}

/** FULLY_CONNECTED with int4 weights (symmetric: the lowerer has refused a zero point) → td_fully_connected_s8_int4. */
export function int4FullyConnectedLowering({ shape, arithmetic }: FullyConnectedPlan, context: LowerContext, quant: QuantStruct): OpLowering | undefined {
  const packed = packedInt4Weights(input(context, 1, 'weights'));
  if (!packed || arithmetic.flavour !== 'int8' || arithmetic.weightZeroPoint !== 0) return undefined;
  const { batches, units, depth } = shape;
  const { perChannel, requant } = arithmetic;
  const folded = perChannel ? requant : { multipliers: requant.multipliers.subarray(0, 1), shifts: requant.shifts.subarray(0, 1) };
  const x = input(context, 0, 'input');
  const bias = optionalInput(context, 2);
  const y = output(context);
  return {
    kernels: ['td_fully_connected_s8_int4'],
    scratchBytes: fullyConnectedS8Int4BufferSize(context.options.dsp, depth),
    emit: (e) => {
      const params = e.struct('params', 'td_fc_params', `{${-arithmetic.input.zeroPoint}, 0, ${arithmetic.output.zeroPoint}, ${clampC(arithmetic.activation)}}`);
      return `td_fully_connected_s8_int4(${e.context()}, ${params}, ${quant(e, folded)}, ${perChannel ? 1 : 0}, ${batches}, ${depth}, ${units}, ${e.pointer(x, 'read')}, ${e.pointer(packed, 'read')}, ${bias ? e.pointer(bias, 'read') : 'NULL'}, ${e.pointer(y, 'write')})`;
    },
  };
}
