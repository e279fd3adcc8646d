/**
 * PAD: surrounds the input with a constant, `paddings[d] = [before, after]` elements per
 * dimension. The paddings come from the constant second input (int32 or int64, shape [rank, 2]).
 * The pad value is the optional third input when present (TFLite's PADV2 form), otherwise 0 for
 * float32 and integer tensors and the output zero point for int8 and uint8, so that quantized
 * padding means real 0 — TFLite Micro's behaviour. Any rank is accepted (TFLite allows up to 5).
 */

import type { DType, TensorData } from '../../ir/types.js';
import { elementCount, formatShape } from '../../ir/tensor.js';
import type { KernelPrepare } from '../kernel.js';
import { expectDType, failOp, inputTensor, optionalInputTensor, outputTensor, tensorQuantization } from '../op-utils.js';
import { registerLegacyKernel } from '../registry.js';

const supported: readonly DType[] = ['float32', 'int8', 'uint8', 'int16', 'int32'];

const preparePad: KernelPrepare = ({ graph, op, opIndex }) => {
  const input = inputTensor(graph, op, opIndex, 0);
  const paddings = inputTensor(graph, op, opIndex, 1);
  const constantValues = optionalInputTensor(graph, op, 2);
  const output = outputTensor(graph, op, 0);
  expectDType(op, opIndex, input, 'input', ...supported);
  expectDType(op, opIndex, output, 'output', input.dtype);
  expectDType(op, opIndex, paddings, 'paddings', 'int32', 'int64');
  const rank = input.shape.length;
  if (!paddings.data) failOp(op, opIndex, `paddings tensor ${paddings.id} is not constant`);
  if (paddings.data.length !== rank * 2) {
    failOp(op, opIndex, `paddings tensor ${paddings.id} has shape ${formatShape(paddings.shape)}, expected [${rank},2] for input shape ${formatShape(input.shape)}`);
  }
  const padding = Array.from(paddings.data as ArrayLike<number | bigint>, Number);
  const before = padding.filter((_, i) => i % 2 === 0);
  const after = padding.filter((_, i) => i % 2 === 1);
  if (padding.some((p) => p < 0)) failOp(op, opIndex, `paddings [${padding.join(', ')}] contain a negative value`);
  const expected = input.shape.map((dim, d) => dim + before[d] + after[d]);
  if (formatShape(expected) !== formatShape(output.shape)) {
    failOp(op, opIndex, `output tensor ${output.id} has shape ${formatShape(output.shape)}, paddings [${padding.join(', ')}] give ${formatShape(expected)}`);
  }

  let defaultValue = 0;
  if (input.dtype === 'int8' || input.dtype === 'uint8') {
    const outputQuantization = tensorQuantization(op, opIndex, output, 'output');
    defaultValue = outputQuantization.zeroPoint;
    if (constantValues) {
      const valueQuantization = tensorQuantization(op, opIndex, constantValues, 'constant value');
      if (valueQuantization.scale !== outputQuantization.scale || valueQuantization.zeroPoint !== outputQuantization.zeroPoint) {
        failOp(op, opIndex, `constant value tensor ${constantValues.id} must be quantized like the output (scale ${outputQuantization.scale}, zero point ${outputQuantization.zeroPoint})`);
      }
    }
  }
  if (constantValues) expectDType(op, opIndex, constantValues, 'constant value', input.dtype);

  // Output strides, and the output offset of every input row (the innermost dimension is contiguous).
  const outputStrides = new Array<number>(rank).fill(1);
  for (let d = rank - 2; d >= 0; d--) outputStrides[d] = outputStrides[d + 1] * output.shape[d + 1];
  const rowLength = rank === 0 ? 1 : input.shape[rank - 1];
  const rowCount = rowLength === 0 ? 0 : elementCount(input.shape) / rowLength;
  const rowOffsets = new Int32Array(rowCount);
  const index = new Array<number>(Math.max(rank - 1, 0)).fill(0);
  for (let row = 0; row < rowCount; row++) {
    let offset = rank === 0 ? 0 : before[rank - 1];
    for (let d = 0; d < rank - 1; d++) offset += (index[d] + before[d]) * outputStrides[d];
    rowOffsets[row] = offset;
    for (let d = rank - 2; d >= 0; d--) {
      if (++index[d] < input.shape[d]) break;
      index[d] = 0;
    }
  }

  return (inputs, outputs) => {
    const source = inputs[0] as TensorData;
    const out = outputs[0];
    const padValue = inputs[2] !== undefined ? (inputs[2][0] as number) : defaultValue;
    out.fill(padValue as never);
    for (let row = 0; row < rowCount; row++) {
      out.set(source.subarray(row * rowLength, (row + 1) * rowLength) as never, rowOffsets[row]);
    }
  };
};

registerLegacyKernel('PAD', preparePad);
