import { expectConstant, fail, input, optionalInput, output, registerLowerer, tensorName, type LowerContext, type OpEmitter, type OpLowering } from '../lowering.js';
import { fullyConnectedF32BufferSize, fullyConnectedS8BufferSize } from '../kernel-buffers.js';
import { clampC, clampF32C } from '../params.js';
import { packedFullyConnectedF32Lowering } from './float-packed.js';
import { fullyConnected, type FullyConnectedPlan } from '../../ops/fully-connected.js';
import { bias64, perChannelQuant } from './conv.js';
import { pairedEntry, pairFullyConnectedWeights } from './fc-paired.js';
import { int4FullyConnectedLowering } from './int4-weights.js';

/**
 * FULLY_CONNECTED → td_fully_connected_s8 / _f32 from the plan (ops/fully-connected.ts): the input
 * is [batches][depth], the weights [units][depth]. int8 per-tensor weights take one multiplier
 * (TFLite's GetQuantizedConvolutionMultipler), per-channel weights one per unit; 16x8 (int16
 * activations) → td_fully_connected_s16. The C kernels have no weight zero point or hybrid variant
 * (the generator dequantizes hybrid weights first).
 */
function lowerFullyConnected(plan: FullyConnectedPlan, context: LowerContext): OpLowering {
  const { shape, arithmetic } = plan;
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
    // Optimized builds: four rows per pass over packed weights (bit-identical sums).
    if (context.options.dsp) return packedFullyConnectedF32Lowering(context, shape, clampF32C(arithmetic.activation));
    return {
      kernels: ['td_fully_connected_f32'],
      scratchBytes: fullyConnectedF32BufferSize(depth, units),
      emit: (e) => `td_fully_connected_f32(${e.context()}, ${e.struct('activation', 'td_activation_f32', clampF32C(arithmetic.activation))}, ${tensors(e)})`,
    };
  }
  if (arithmetic.flavour !== 'int8' && arithmetic.flavour !== 'int16') fail(context, `${arithmetic.flavour} fully connected has no C kernel (int8, 16x8 and float32 do)`);
  if (arithmetic.weightZeroPoint !== 0) {
    fail(context, `weights ${tensorName(weights)} have zero point ${arithmetic.weightZeroPoint}, expected 0 (symmetric int8 weights)`);
  }
  if (arithmetic.flavour === 'int16') {
    // 16x8: one multiplier per unit (a per-tensor one repeated), the bias as int64.
    return {
      kernels: ['td_fully_connected_s16'],
      scratchBytes: 0,
      emit: (e) => {
        const params = e.struct('params', 'td_fc_params_s16', `{${arithmetic.wideAccumulator ? 1 : 0}, ${clampC(arithmetic.activation)}}`);
        return `td_fully_connected_s16(${e.context()}, ${params}, ${perChannelQuant(e, arithmetic.requant)}, ${batches}, ${depth}, ${units}, ${e.pointer(x, 'read')}, ${e.pointer(weights, 'read')}, ${bias64(context)(e)}, ${e.pointer(y, 'write')})`;
      },
    };
  }
  // Weights stored as TFLite's INT4 stay packed in flash (int4-weights.ts).
  const int4 = int4FullyConnectedLowering(plan, context, perChannelQuant);
  if (int4) return int4;
  const { perChannel, requant } = arithmetic;
  const folded = perChannel ? requant : { multipliers: requant.multipliers.subarray(0, 1), shifts: requant.shifts.subarray(0, 1) };
  // DSP builds: the input offset goes into the bias here (Σ (x + o)·w = Σ x·w + o·Σ w, exact in
  // int32), so the kernel's inner loop skips adding it to every input value.
  const inputOffset = -arithmetic.input.zeroPoint;
  const foldedBias = context.options.dsp && inputOffset !== 0 ? biasWithInputOffset(weights.data!, bias?.data, units, depth, inputOffset) : undefined;
  if (context.options.dsp && !perChannel) {
    const packed = packedLowering(plan, context, foldedBias ?? biasValues(bias?.data, units));
    if (packed) return packed;
  }
  return {
    kernels: ['td_fully_connected_s8'],
    scratchBytes: fullyConnectedS8BufferSize(context.options.dsp, depth, units),
    emit: (e) => {
      const params = e.struct('params', 'td_fc_params', `{${foldedBias ? 0 : inputOffset}, 0, ${arithmetic.output.zeroPoint}, ${clampC(arithmetic.activation)}}`);
      const quant = perChannelQuant(e, folded);
      const biasPointer = foldedBias ? e.array('bias_with_input_offset', 'int32', foldedBias) : bias ? e.pointer(bias, 'read') : 'NULL';
      return `td_fully_connected_s8(${e.context()}, ${params}, ${quant}, ${perChannel ? 1 : 0}, ${batches}, ${depth}, ${units}, ${e.pointer(x, 'read')}, ${e.pointer(weights, 'read')}, ${biasPointer}, ${e.pointer(y, 'write')})`;
    },
  };
}

/** The bias as int32 values (an absent bias is 0). */
function biasValues(bias: ArrayLike<number | bigint> | undefined, units: number): Int32Array {
  const result = new Int32Array(units);
  for (let unit = 0; unit < units; unit++) result[unit] = bias ? Number(bias[unit]) : 0;
  return result;
}

/**
 * DSP builds, per-tensor int8, when the fast requantization provably holds for every row (|bias| +
 * depth · 128 · 128 < 2^30, a right shift of 1–21 that takes the output offset into its
 * rounding; undefined otherwise: td_fully_connected_s8): td_fully_connected_s8_paired (two rows per
 * weight halfword, fc-paired.ts: ~1.03 instructions per MAC against ~1.34) when the weights have
 * no −128 and the depth has a step of eight; td_fully_connected_s8_packed otherwise, whose loop
 * loads eight weights of each of four rows with one LDRD (packFullyConnectedWeights).
 */
function packedLowering({ shape, arithmetic }: FullyConnectedPlan, context: LowerContext, bias: Int32Array): OpLowering | undefined {
  if (arithmetic.flavour !== 'int8') return undefined;
  const { batches, units, depth } = shape;
  const multiplier = arithmetic.requant.multipliers[0]!;
  const shift = arithmetic.requant.shifts[0]!;
  const rightShift = -shift;
  if (multiplier <= 0 || rightShift < 1 || rightShift > 21) return undefined;
  const largestBias = bias.reduce((largest, value) => Math.max(largest, Math.abs(value)), 0);
  if (largestBias + depth * 128 * 128 >= 2 ** 30) return undefined;
  const outputOffset = arithmetic.output.zeroPoint;
  const rounding = 2 ** (rightShift - 1) + outputOffset * 2 ** rightShift;
  const x = input(context, 0, 'input');
  const weights = input(context, 1, 'weights');
  const y = output(context);
  const params = (e: OpEmitter) => e.struct('params', 'td_fc_packed_params', `{${multiplier}, ${shift}, ${outputOffset}, ${rightShift}, ${rounding}, ${clampC(arithmetic.activation)}}`);
  // The packed bytes are the weights' own symbol (counted as weights), under an id no graph tensor has.
  // Helium has its own td_fully_connected_s8_packed (opt/helium) and no paired twin.
  const paired = depth >= 8 && !context.options.helium ? pairFullyConnectedWeights(weights.data!, units, depth) : undefined;
  if (paired) {
    const pairedTensor = { ...weights, id: packedTensorIdBase + weights.id, shape: [paired.length / depth, depth], data: paired };
    return {
      kernels: ['td_fully_connected_s8_paired'],
      scratchBytes: 0,
      emit: (e) => {
        const input = e.pointer(x, 'read');
        return `${pairedEntry(depth, arithmetic.activation, input)}(${params(e)}, ${batches}, ${depth}, ${units}, ${input}, ${e.pointer(pairedTensor, 'read')}, ${e.array('bias', 'int32', bias)}, ${e.pointer(y, 'write')})`;
      },
    };
  }
  const packed = { ...weights, id: packedTensorIdBase + weights.id, data: packFullyConnectedWeights(weights.data!, units, depth) };
  // One to three rows have no block of four: the _rows entry skips the block path's set-up (a 1x1 layer 246 -> 188 instructions, the portable build 204).
  const entry = units < 4 && !context.options.helium ? 'td_fully_connected_s8_packed_rows' : 'td_fully_connected_s8_packed';
  return {
    kernels: ['td_fully_connected_s8_packed'],
    scratchBytes: 0,
    emit: (e) => {
      return `${entry}(${params(e)}, ${batches}, ${depth}, ${units}, ${e.pointer(x, 'read')}, ${e.pointer(packed, 'read')}, ${e.array('bias', 'int32', bias)}, ${e.pointer(y, 'write')})`;
    },
  };
}

/** Ids of packed weight copies: past any graph's tensor ids. */
const packedTensorIdBase = 1 << 24;

/**
 * td_fully_connected_s8_packed's layout (td_kernels.h) of row-major [units][depth] weights:
 * per block of four rows, per eight inputs the four rows' eight weights (32 bytes), then the four
 * rows' last depth % 8 weights one row after the other; rows past the last block as they are.
 */
export function packFullyConnectedWeights(weights: ArrayLike<number | bigint>, units: number, depth: number): Int8Array {
  const packed = new Int8Array(units * depth);
  const grouped = depth - (depth % 8);
  const rest = depth - grouped;
  const blocked = units - (units % 4);
  let at = 0;
  for (let block = 0; block < blocked; block += 4) {
    for (let k = 0; k < grouped; k += 8) {
      for (let lane = 0; lane < 4; lane++) for (let j = 0; j < 8; j++) packed[at++] = Number(weights[(block + lane) * depth + k + j]);
    }
    for (let lane = 0; lane < 4; lane++) for (let j = 0; j < rest; j++) packed[at++] = Number(weights[(block + lane) * depth + grouped + j]);
  }
  for (let unit = blocked; unit < units; unit++) for (let k = 0; k < depth; k++) packed[at++] = Number(weights[unit * depth + k]);
  return packed;
}

/** bias[o] + offset · Σ_k weights[o][k] for every unit (an absent bias is 0). */
function biasWithInputOffset(weights: ArrayLike<number | bigint>, bias: ArrayLike<number | bigint> | undefined, units: number, depth: number, offset: number): Int32Array {
  const result = new Int32Array(units);
  for (let unit = 0; unit < units; unit++) {
    let sum = 0;
    for (let k = 0; k < depth; k++) sum += Number(weights[unit * depth + k]);
    result[unit] = (bias ? Number(bias[unit]) : 0) + offset * sum;
  }
  return result;
}

registerLowerer(fullyConnected, lowerFullyConnected);
