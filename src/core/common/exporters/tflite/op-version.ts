/**
 * Operator versions for the TFLite writer. A TFLite operator code carries a version: the oldest
 * kernel revision that can run the op as written (int8 CONV_2D is version 3, int8 SOFTMAX
 * version 2, …). TFLite's op resolver looks kernels up by code and version, so a file should
 * claim neither less (an old runtime would accept it and compute something else) nor more (a
 * runtime would refuse it for no reason) than it needs.
 *
 * This follows TFLite's `GetBuiltinOperatorVersion` (tools/versioning/op_version.cc) for the op
 * types the IR knows, from the tensor types, per-channel quantization and attributes of each op.
 * Cases that need features the IR cannot express (sparse weights, bias type
 * options) are left out: such graphs cannot be built. The converter gives an operator code the
 * highest version any op of that type needs; so does the writer.
 */
import type { Graph, Op, Tensor } from '../../ir/types.js';
import { isOp } from '../../ir/types.js';

/** The version TFLite's versioning rules give this op (1 when nothing newer is needed). */
export function operatorVersion(graph: Graph, op: Op): number {
  const input = (i: number): Tensor | undefined => {
    const id = op.inputs[i];
    return id === undefined || id < 0 ? undefined : graph.tensors[id];
  };
  const output = (i: number): Tensor | undefined => {
    const id = op.outputs[i];
    return id === undefined ? undefined : graph.tensors[id];
  };
  const in0 = input(0)?.dtype;
  const in1 = input(1)?.dtype;
  const out0 = output(0)?.dtype;
  const perChannel = (tensor: Tensor | undefined) => (tensor?.quantization?.scale.length ?? 0) > 1;
  const quantized = (tensor: Tensor | undefined) => (tensor?.quantization?.scale.length ?? 0) > 0;
  const hybrid = in0 === 'float32' && in1 === 'int8' && out0 === 'float32';
  // int8 activations with INT4 weights (the filter stored packed): CONV_2D and DEPTHWISE_CONV_2D 7, FULLY_CONNECTED 10.
  const int4Weights = in0 === 'int8' && out0 === 'int8' && input(1)?.packing === 'int4';
  const quantizedInt8 = in0 === 'int8' && in1 === 'int8' && out0 === 'int8' && !int4Weights;

  if (isOp(op, 'CONV_2D')) {
    if (int4Weights) return 7;
    const inputChannels = input(0)?.shape.at(-1);
    const filterChannels = input(1)?.shape.at(-1);
    if (inputChannels !== undefined && filterChannels !== undefined && inputChannels !== filterChannels) return 6;
    if (quantizedInt8) return 3;
    if (hybrid) return perChannel(input(1)) ? 5 : 2;
    return 1;
  }
  if (isOp(op, 'DEPTHWISE_CONV_2D')) {
    if (int4Weights) return 7;
    if (hybrid) return perChannel(input(1)) ? 6 : 4;
    if (quantizedInt8) return 3;
    if (op.attrs.dilationH !== 1 || op.attrs.dilationW !== 1) return 2;
    return 1;
  }
  if (isOp(op, 'FULLY_CONNECTED')) {
    if (hybrid && perChannel(input(1))) return 12;
    if (in0 === 'int16' && in1 === 'int16' && out0 === 'int16') return 7;
    if (op.inputs.length === 2) return 6;
    if (op.attrs.keepNumDims) return 5;
    if (quantizedInt8) return 4;
    if (int4Weights) return 10;
    if (hybrid) return op.attrs.asymmetricQuantizeInputs ? 9 : 3;
    return 1;
  }
  if (isOp(op, 'UNIDIRECTIONAL_SEQUENCE_LSTM')) {
    const weights = input(2)?.dtype;
    if (in0 === 'int16' && weights === 'int8' && out0 === 'int16') return 5;
    if (op.attrs.diagonalRecurrentTensors) return 4;
    if (in0 === 'float32' && weights === 'int8' && out0 === 'float32') return op.attrs.asymmetricQuantizeInputs ? 3 : 2;
    return 1;
  }
  // TFLite registers BROADCAST_TO from version 2 (version 1 was the Flex op's) and refuses version 1.
  if (op.type === 'BROADCAST_TO') return 2;
  switch (op.type) {
    case 'AVERAGE_POOL_2D':
    case 'MAX_POOL_2D':
    case 'LOGISTIC':
    case 'TANH':
      if (in0 === 'int16' && out0 === 'int16') return 3;
      return in0 === 'int8' ? 2 : 1;
    case 'ADD':
      if (in0 === 'int16' && !quantized(input(0))) return 5;
      if (in0 === 'int64') return 4;
      // int16 with pot_scale_int16 = false (the writer's choice for int16, see options.ts).
      if (in0 === 'int16' && out0 === 'int16') return 3;
      return in0 === 'int8' ? 2 : 1;
    case 'SUB': {
      if (in0 === 'int16' && out0 === 'int16') return 5;
      if (in0 === 'int64') return 4;
      const shapes = [input(0)?.shape ?? [], input(1)?.shape ?? []];
      const broadcast = shapes[0].join(',') !== shapes[1].join(',');
      if (broadcast && Math.max(shapes[0].length, shapes[1].length) > 4) return 3;
      return in0 === 'int8' ? 2 : 1;
    }
    case 'MUL': {
      if (in0 === 'int16' && !quantized(input(0))) return 7;
      if (in0 === 'int64') return 5;
      if (in0 === 'int16') return 4;
      const scales = [input(0), input(1), output(0)].map((tensor) => tensor?.quantization?.scale[0] ?? 0);
      if (scales.every((scale) => scale !== 0) && (scales[0] * scales[1]) / scales[2] >= 1) return 3;
      return in0 === 'int8' ? 2 : 1;
    }
    case 'PAD':
      if ((input(0)?.shape.length ?? 0) > 4) return 4;
      if (in0 === 'int16') return 3;
      return in0 === 'int8' ? 2 : 1;
    case 'SOFTMAX':
    case 'MEAN':
    case 'RELU6':
    case 'CONCATENATION':
      if (in0 === 'int16') return 3;
      return in0 === 'int8' ? 2 : 1;
    case 'RELU':
      if (in0 === 'int16') return 3;
      return in0 === 'int8' || in0 === 'uint8' ? 2 : 1;
    case 'QUANTIZE':
      if (perChannel(output(0))) return 3;
      return out0 === 'int16' ? 2 : 1;
    case 'DEQUANTIZE':
      if (in0 === 'int16' || in0 === 'float16') return 3;
      if (in0 === 'int8') return perChannel(input(0)) ? 5 : 2;
      return 1;
    default:
      return 1;
  }
}
