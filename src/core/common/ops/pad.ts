/**
 * PAD (and PADV2, the same op with its pad value as a third input): surrounds the input with a constant, `paddings[d] = [before, after]` elements per
 * dimension. The paddings come from the constant second input (int32 or int64, shape [rank, 2]).
 * The pad value is the optional third input when present (TFLite's PADV2 form), otherwise 0 for
 * float32 and integer tensors and the output zero point for int8 and uint8, so that quantized
 * padding means real 0 — TFLite Micro's behaviour. Any rank is accepted (TFLite allows up to 5).
 */
import { formatShape } from '../ir/tensor.js';
import { expectConstant, expectDType, inputTensor, optionalInputTensor, outputTensor, tensorName } from './op.js';
import { activationQuantization } from './quantization.js';
import { defineOp } from './registry.js';

export interface PadPlan {
  /** Elements added before and after the input, per dimension. */
  before: number[];
  after: number[];
  /** Pad value when the op has no third input (the output zero point for int8 and uint8, else 0). */
  defaultValue: number;
}

export const pad = defineOp<PadPlan>({
  types: ['PAD', 'PADV2'],
  minInputs: 2,
  precisions: ['int8', 'int16', 'float32'],
  preservesQuantization: { input: 0 },
  prepare(context) {
    const input = inputTensor(context, 0, 'input');
    const paddings = inputTensor(context, 1, 'paddings');
    const constantValues = optionalInputTensor(context, 2);
    const output = outputTensor(context);
    expectDType(context, input, 'input', 'float32', 'int8', 'uint8', 'int16', 'int32');
    expectDType(context, output, 'output', input.dtype);
    expectDType(context, paddings, 'paddings', 'int32', 'int64');
    const rank = input.shape.length;
    const data = expectConstant(context, paddings, 'paddings');
    if (data.length !== rank * 2) {
      context.fail(`paddings tensor ${paddings.id} has shape ${formatShape(paddings.shape)}, expected [${rank},2] for input shape ${formatShape(input.shape)}`);
    }
    const padding = Array.from(data as ArrayLike<number | bigint>, Number);
    const before = padding.filter((_, i) => i % 2 === 0);
    const after = padding.filter((_, i) => i % 2 === 1);
    if (padding.some((p) => p < 0)) context.fail(`paddings [${padding.join(', ')}] contain a negative value`);
    const expected = input.shape.map((dim, d) => dim + before[d] + after[d]);
    if (formatShape(expected) !== formatShape(output.shape)) {
      context.fail(`output tensor ${output.id} has shape ${formatShape(output.shape)}, paddings [${padding.join(', ')}] give ${formatShape(expected)}`);
    }
    let defaultValue = 0;
    if (input.dtype === 'int8' || input.dtype === 'uint8') {
      const outputQuantization = activationQuantization(context, output, 'output');
      defaultValue = outputQuantization.zeroPoint;
      if (constantValues) {
        const valueQuantization = activationQuantization(context, constantValues, 'constant value');
        if (valueQuantization.scale !== outputQuantization.scale || valueQuantization.zeroPoint !== outputQuantization.zeroPoint) {
          context.fail(`constant value ${tensorName(constantValues)} must be quantized like the output (scale ${outputQuantization.scale}, zero point ${outputQuantization.zeroPoint})`);
        }
      }
    }
    if (constantValues) expectDType(context, constantValues, 'constant value', input.dtype);
    return { before, after, defaultValue };
  },
});
