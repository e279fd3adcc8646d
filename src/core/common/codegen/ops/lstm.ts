import { unidirectionalSequenceLstm, type LstmPlan } from '../../ops/lstm.js';
import { cFloat, cInt } from '../c-source.js';
import { lstmF32BufferSize, lstmS8BufferSize } from '../kernel-buffers.js';
import { fail, registerLowerer, tensorName, type LowerContext, type OpEmitter, type OpLowering } from '../lowering.js';
import { requantC } from '../params.js';
import { lstmS8PackedBufferSize, packedLstmWeightsTensor, packLstmBias, packLstmWeights, type LstmPackedGate } from './lstm-packed.js';
import { lowerLstmS16 } from './lstm-s16.js';
import { gatePointersC, lstmDimsC, lstmOperands } from './rnn-operands.js';

/**
 * UNIDIRECTIONAL_SEQUENCE_LSTM → td_lstm_s8 / td_lstm_f32, from the plan of ops/lstm.ts (sizes,
 * gate multipliers, cell clip and scale). The C kernels take constant weights, and the int8 one
 * has no weight offsets: weights with a zero point are refused here.
 */
function lowerLstm({ layout, arithmetic }: LstmPlan, context: LowerContext): OpLowering {
  if (arithmetic.flavour === 'int16') return lowerLstmS16(layout, arithmetic, context);
  const { x, hidden, cell, y, gates } = lstmOperands(context);
  const { batchSize, inputSize, stateSize } = layout;
  const dims = lstmDimsC(layout);
  const call = (kernel: string, e: OpEmitter, params: string) =>
    `${kernel}(${e.context()}, ${params}, ${e.pointer(x, 'read')}, ${e.pointer(hidden, 'write')}, ${e.pointer(cell, 'write')}, ${e.pointer(y, 'write')})`;

  if (arithmetic.flavour === 'float32') {
    return {
      kernels: ['td_lstm_f32'],
      scratchBytes: lstmF32BufferSize(batchSize, stateSize),
      emit: (e) => {
        const gateParams = gates.map(({ tensors }) => `{${gatePointersC(e, tensors)}}`);
        const params = e.struct('params', 'td_lstm_params_f32', `{${dims}, ${gateParams.join(', ')}, TD_LSTM_TANH, ${cFloat(arithmetic.cellClip)}}`);
        return call('td_lstm_f32', e, params);
      },
    };
  }

  for (const { gate, roles, tensors } of gates) {
    [arithmetic.gates[gate].inputWeightsOffset, arithmetic.gates[gate].recurrentWeightsOffset].forEach((offset, i) => {
      if (offset !== 0) fail(context, `${roles[i]} ${tensorName(tensors[i])} has zero point ${-offset}, expected 0 (the C kernel takes symmetric weights)`);
    });
  }
  const { cellClip } = arithmetic;
  // `packed`: td_lstm_s8_packed reads the packed copies, not the gates' own weights and biases.
  const paramsS8 = (e: OpEmitter, packed: boolean) => {
    const gateParams = gates.map(({ gate, tensors }) => {
      const { inputMultiplier, recurrentMultiplier } = arithmetic.gates[gate];
      return `{${packed ? 'NULL, NULL, NULL' : gatePointersC(e, tensors)}, ${arithmetic.inputOffset}, ${requantC(inputMultiplier)}, ${arithmetic.hiddenOffset}, ${requantC(recurrentMultiplier)}}`;
    });
    return e.struct(
      'params',
      'td_lstm_params_s8',
      `{${dims}, ${gateParams.join(', ')}, TD_LSTM_TANH, ${requantC(arithmetic.forgetTimesCell)}, ${requantC(arithmetic.inputTimesCellGate)}, ` +
        `${requantC(arithmetic.tanhCellTimesOutput)}, ${cInt(arithmetic.hiddenZeroPoint)}, ${cellClip === undefined ? 0 : 1}, ${cellClip ?? 0}, ${arithmetic.cellScalePower}}`,
    );
  };
  if (context.options.dsp) {
    // DSP builds: int16 weights interleaved per unit, offsets folded into the bias (lstm-packed.ts).
    const packedGates: LstmPackedGate[] = gates.map(({ tensors: [inputWeights, recurrentWeights, bias] }) => ({
      inputWeights: inputWeights!.data!,
      recurrentWeights: recurrentWeights!.data!,
      bias: bias?.data,
      inputOffset: arithmetic.inputOffset,
      recurrentOffset: arithmetic.hiddenOffset,
    }));
    const weights = packedLstmWeightsTensor(gates[0]!.tensors[0]!, packLstmWeights(packedGates, inputSize, stateSize), stateSize);
    const bias = packLstmBias(packedGates, inputSize, stateSize);
    if (bias) {
      return {
        kernels: ['td_lstm_s8_packed'],
        scratchBytes: lstmS8PackedBufferSize(inputSize, stateSize),
        emit: (e) =>
          `td_lstm_s8_packed(${e.context()}, ${paramsS8(e, true)}, ${e.pointer(weights, 'read')}, ${e.array('packed_bias', 'int32', bias)}, ` +
          `${e.pointer(x, 'read')}, ${e.pointer(hidden, 'write')}, ${e.pointer(cell, 'write')}, ${e.pointer(y, 'write')})`,
      };
    }
  }
  return {
    kernels: ['td_lstm_s8'],
    scratchBytes: lstmS8BufferSize(batchSize, stateSize),
    emit: (e) => call('td_lstm_s8', e, paramsS8(e, false)),
  };
}

registerLowerer(unidirectionalSequenceLstm, lowerLstm);
