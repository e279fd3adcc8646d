import { dtypeBytes, tensorBytes } from '../../ir/tensor.js';
import type { Tensor } from '../../ir/types.js';
import { concatenation, type ConcatenationPlan } from '../../ops/concatenation.js';
import { pad, type PadPlan } from '../../ops/pad.js';
import { reshape } from '../../ops/reshape.js';
import { cFloat, cInt } from '../c-source.js';
import { expectConstant, fail, input, optionalInput, output, registerLowerer, tensorName, type LowerContext, type OpLowering } from '../lowering.js';

/**
 * RESHAPE, CONCATENATION and PAD: ops that move bytes without arithmetic, lowered from their
 * plans (ops/reshape.ts, concatenation.ts, pad.ts). RESHAPE emits no code when the memory plan
 * aliases its output to its input, and a copy otherwise. The C kernels run float32 and int8
 * (CONCATENATION also int16, int32, int64 and bool, as bytes through the int8 kernel; PAD also
 * int16 and int32, through td_pad_s16 / td_pad_s32), and copy
 * bytes without rescaling (as TFLite Micro does): quantized inputs of CONCATENATION and PAD must
 * share the output's quantization.
 */

registerLowerer(reshape, (_plan, context) => {
  const x = input(context, 0, 'input');
  const y = output(context);
  const bytes = tensorBytes(y);
  return {
    kernels: ['td_reshape'],
    scratchBytes: 0,
    emit: (e) => (e.inPlace === 'alias' ? undefined : `td_reshape(${bytes}, ${e.pointer(x, 'read')}, ${e.pointer(y, 'write')})`),
  };
});

/** The C kernel suffix of a tensor's dtype; fails for the dtypes the data-movement kernels lack. */
function kernelType(context: LowerContext, tensor: Tensor): 'f32' | 's8' {
  if (tensor.dtype === 'float32') return 'f32';
  if (tensor.dtype === 'int8') return 's8';
  return fail(context, `${tensor.dtype} ${context.op.type} has no C kernel (int8 and float32 do)`);
}

function expectSameQuantization(context: LowerContext, tensor: Tensor, role: string, reference: Tensor): void {
  const [a, b] = [tensor.quantization, reference.quantization];
  const [scale, zeroPoint, outputScale, outputZeroPoint] = [a?.scale[0], a?.zeroPoint[0] ?? 0, b?.scale[0], b?.zeroPoint[0] ?? 0];
  if (scale !== outputScale || zeroPoint !== outputZeroPoint) {
    fail(
      context,
      `${role} ${tensorName(tensor)} has scale ${scale} and zero point ${zeroPoint}, the output scale ${outputScale} and zero point ${outputZeroPoint}: they must match`,
    );
  }
}

/** Types CONCATENATION copies as bytes through td_concatenation_s8 (copy sizes in bytes): it moves values without arithmetic. */
const concatenatedAsBytes: ReadonlySet<string> = new Set(['int16', 'int32', 'int64', 'bool']);

function lowerConcatenation({ outerSize, inputs: plans }: ConcatenationPlan, context: LowerContext): OpLowering {
  const y = output(context);
  const inputs = context.op.inputs.map((_, i) => input(context, i, `input ${i}`));
  const bytes = concatenatedAsBytes.has(y.dtype) ? dtypeBytes(y.dtype) : undefined;
  const dtype = bytes ? 's8' : kernelType(context, y);
  plans.forEach((plan, i) => {
    if (plan.requantize) expectSameQuantization(context, inputs[i], `input ${i}`, y);
  });
  const ctype = dtype === 'f32' ? 'float' : 'int8_t';
  const kernel = `td_concatenation_${dtype}`;
  const cast = (pointer: string) => (bytes ? `(const int8_t *)${pointer}` : pointer);
  return {
    kernels: [kernel],
    scratchBytes: 0,
    emit: (e) => {
      const sizes = e.array('copy_sizes', 'int32', plans.map((plan) => plan.copySize * (bytes ?? 1)));
      const params = e.struct('params', 'td_concat_params', `{${inputs.length}, ${outerSize}, ${sizes}}`);
      const pointers = e.pointerArray('inputs', `const ${ctype}`, inputs.map((tensor) => cast(e.pointer(tensor, 'read'))));
      return `${kernel}(${params}, ${pointers}, ${bytes ? `(int8_t *)${e.pointer(y, 'write')}` : e.pointer(y, 'write')})`;
    },
  };
}

function lowerPad({ before, after, defaultValue }: PadPlan, context: LowerContext): OpLowering {
  const x = input(context, 0, 'input');
  const y = output(context);
  const rank = x.shape.length;
  if (rank > 4) fail(context, `input ${tensorName(x)} has ${rank} dimensions, PAD handles at most 4`);
  // int16 and int32 have kernels of their own (a pad value of their width); the rest as the other data-movement kernels.
  const dtype = y.dtype === 'int16' ? 's16' : y.dtype === 'int32' ? 's32' : kernelType(context, y);
  if (dtype === 's8') expectSameQuantization(context, x, 'input', y);
  // The kernels take the pad value as a parameter: an explicit one (third input) must be a constant.
  const valueTensor = optionalInput(context, 2);
  const padValue = valueTensor ? Number(expectConstant(context, valueTensor, 'constant value')[0]) : defaultValue;
  const dims = (values: number[]) => `{${[...new Array<number>(4 - rank).fill(0), ...values].join(', ')}}`;
  const params = `{${dims(before)}, ${dims(after)}, ${dtype === 'f32' ? cFloat(padValue) : cInt(padValue)}}`;
  const kernel = `td_pad_${dtype}`;
  return {
    kernels: [kernel],
    scratchBytes: 0,
    emit: (e) => `${kernel}(${e.struct('params', `td_pad_params_${dtype}`, params)}, ${e.dims(x.shape, 'input')}, ${e.pointer(x, 'read')}, ${e.pointer(y, 'write')})`,
  };
}

registerLowerer(concatenation, lowerConcatenation);
registerLowerer(pad, lowerPad);
