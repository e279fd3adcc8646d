import { gruGateNames, type GruLayout } from '../../ops/gru-layout.js';
import { gru, type GruPlan } from '../../ops/gru.js';
import { cInt } from '../c-source.js';
import { registerLowerer, type LowerContext, type OpEmitter, type OpLowering } from '../lowering.js';
import { requantC } from '../params.js';
import { gruResetFirstPackedBufferSize, packGruResetFirst } from './gru-packed.js';
import { lstmS8PackedBufferSize, packedLstmWeightsTensor, packLstmBias, packLstmWeights } from './lstm-packed.js';
import { lowerGruS16 } from './gru-s16.js';
import { gatePointersC, gruOperands } from './rnn-operands.js';

/** td_gru_f32_get_buffer_size: five gate buffers of B · S floats. */
export function gruF32BufferSize(batchSize: number, stateSize: number): number {
  return 5 * batchSize * stateSize * 4;
}

/** td_gru_s8_get_buffer_size (every variant): round4(I) + 2 · round4(S) + 5 · B · S int16 values. */
export function gruS8BufferSize(batchSize: number, inputSize: number, stateSize: number): number {
  const round4 = (n: number) => Math.ceil(n / 4) * 4;
  return (round4(inputSize) + 2 * round4(stateSize) + 5 * batchSize * stateSize) * 2;
}

function dimsC(layout: GruLayout): string {
  const { timeMajor, batchSize, timeSteps, inputSize, stateSize, linearBeforeReset, reverse, returnSequences } = layout;
  const flag = (value: boolean) => (value ? 1 : 0);
  return `{${flag(timeMajor)}, ${batchSize}, ${timeSteps}, ${inputSize}, ${stateSize}, ${flag(linearBeforeReset)}, ${flag(reverse)}, ${flag(returnSequences)}}`;
}

/**
 * TD_GRU → td_gru_s8 / td_gru_f32 (firmware/kernels/src/gru), from the plan of ops/gru.ts. The
 * weights and biases must be constants; the hidden state is the op's variable tensor.
 */
function lowerGru({ layout, arithmetic }: GruPlan, context: LowerContext): OpLowering {
  if (arithmetic.flavour === 'int16') return lowerGruS16(layout, arithmetic, dimsC(layout), context);
  const { x, hidden, y, gates, recurrentNBias } = gruOperands(context, layout);
  const nBias = (e: OpEmitter) => (recurrentNBias ? e.pointer(recurrentNBias, 'read') : 'NULL');
  const call = (kernel: string, e: OpEmitter, params: string) =>
    `${kernel}(${e.context()}, ${params}, ${e.pointer(x, 'read')}, ${e.pointer(hidden, 'write')}, ${e.pointer(y, 'write')})`;

  if (arithmetic.flavour === 'float32') {
    return {
      kernels: ['td_gru_f32'],
      scratchBytes: gruF32BufferSize(layout.batchSize, layout.stateSize),
      emit: (e) => {
        const gateParams = gates.map(({ tensors }) => `{${gatePointersC(e, tensors)}}`);
        return call('td_gru_f32', e, e.struct('params', 'td_gru_params_f32', `{${dimsC(layout)}, ${gateParams.join(', ')}, ${nBias(e)}}`));
      },
    };
  }
  // `packed`: td_gru_s8_packed reads the packed copies, not the gates' own weights and biases.
  const paramsS8 = (e: OpEmitter, packed: boolean) => {
    const gateParams = gates.map(({ gate, tensors }) => {
      const { inputMultiplier, recurrentMultiplier } = arithmetic.gates[gate];
      return `{${packed ? 'NULL, NULL, NULL' : gatePointersC(e, tensors)}, ${requantC(inputMultiplier)}, ${requantC(recurrentMultiplier)}}`;
    });
    return e.struct(
      'params',
      'td_gru_params_s8',
      `{${dimsC(layout)}, ${gateParams.join(', ')}, ${packed ? 'NULL' : nBias(e)}, ${cInt(arithmetic.inputOffset)}, ${requantC(arithmetic.outputMultiplier)}, ${cInt(arithmetic.outputZeroPoint)}}`,
    );
  };
  const unpacked: OpLowering = {
    kernels: ['td_gru_s8'],
    scratchBytes: gruS8BufferSize(layout.batchSize, layout.inputSize, layout.stateSize),
    emit: (e) => call('td_gru_s8', e, paramsS8(e, false)),
  };
  if (!context.options.dsp) return unpacked;
  // DSP builds: int16 weights interleaved per unit, the input offset and the recurrent new-gate bias folded into the bias (lstm-packed.ts).
  const packedGates = gates.map(({ gate, tensors: [inputWeights, recurrentWeights, bias] }) => ({
    inputWeights: inputWeights!.data!,
    recurrentWeights: recurrentWeights!.data!,
    bias: bias?.data,
    inputOffset: arithmetic.inputOffset,
    recurrentOffset: 0,
    recurrentBias: gate === gruGateNames[2] ? recurrentNBias?.data : undefined,
  }));
  const { inputSize, stateSize } = layout;
  const packedLowering = (kernel: string, weights: Int16Array, rows: number, bias: Int32Array, scratchBytes: number): OpLowering => {
    const tensor = packedLstmWeightsTensor(gates[0]!.tensors[0]!, weights, rows);
    return {
      kernels: [kernel],
      scratchBytes,
      emit: (e) =>
        `${kernel}(${e.context()}, ${paramsS8(e, true)}, ${e.pointer(tensor, 'read')}, ${e.array('packed_bias', 'int32', bias)}, ` +
        `${e.pointer(x, 'read')}, ${e.pointer(hidden, 'write')}, ${e.pointer(y, 'write')})`,
    };
  };
  if (!layout.linearBeforeReset) {
    // r ⊙ h before the new gate's recurrent product: two passes per step over their own layout (gru-packed.ts).
    const packed = packGruResetFirst(packedGates, inputSize, stateSize);
    return packed ? packedLowering('td_gru_s8_packed_reset_first', packed.weights, 1, packed.bias, gruResetFirstPackedBufferSize(inputSize, stateSize)) : unpacked;
  }
  const bias = packLstmBias(packedGates, inputSize, stateSize);
  return bias ? packedLowering('td_gru_s8_packed', packLstmWeights(packedGates, inputSize, stateSize), stateSize, bias, lstmS8PackedBufferSize(inputSize, stateSize)) : unpacked;
}

registerLowerer(gru, lowerGru);
