import { elementCount, formatShape, tensorBytes } from '../../ir/tensor.js';
import type { OpOf, Tensor } from '../../ir/types.js';
import { cFloat, cInt } from '../c-source.js';
import {
  dims4,
  expectConstant,
  expectDType,
  fail,
  input,
  output,
  quantization,
  registerLegacyLowerer,
  tensorName,
  type LowerContext,
  type OpLowering,
} from '../lowering.js';

/**
 * RESHAPE, CONCATENATION and PAD: ops that move bytes without arithmetic. RESHAPE emits no code
 * when the memory plan aliases its output to its input, and a copy otherwise. int8 inputs of
 * CONCATENATION and PAD must share the output's quantization (no rescaling, as in TFLite Micro).
 */

function lowerReshape(context: LowerContext): OpLowering {
  const x = input(context, 0, 'input');
  const y = output(context);
  if (x.dtype !== y.dtype) fail(context, `input ${tensorName(x)} is ${x.dtype} but output ${tensorName(y)} is ${y.dtype}`);
  if (elementCount(x.shape) !== elementCount(y.shape)) {
    fail(context, `input shape ${formatShape(x.shape)} and output shape ${formatShape(y.shape)} hold different element counts`);
  }
  const bytes = tensorBytes(y);
  return {
    kernels: ['td_reshape'],
    scratchBytes: 0,
    emit: (e) => (e.inPlace === 'alias' ? undefined : `td_reshape(${bytes}, ${e.pointer(x, 'read')}, ${e.pointer(y, 'write')})`),
  };
}

function expectSameQuantization(context: LowerContext, tensor: Tensor, role: string, reference: Tensor): void {
  const a = quantization(context, tensor, role);
  const b = quantization(context, reference, 'output');
  if (a.scale !== b.scale || a.zeroPoint !== b.zeroPoint) {
    fail(
      context,
      `${role} ${tensorName(tensor)} has scale ${a.scale} and zero point ${a.zeroPoint}, the output scale ${b.scale} and zero point ${b.zeroPoint}: they must match`,
    );
  }
}

function lowerConcatenation(context: LowerContext): OpLowering {
  const op = context.op as OpOf<'CONCATENATION'>;
  const y = output(context);
  const inputs = op.inputs.map((_, i) => input(context, i, `input ${i}`));
  const rank = y.shape.length;
  const axis = op.attrs.axis < 0 ? op.attrs.axis + rank : op.attrs.axis;
  if (axis < 0 || axis >= rank) fail(context, `axis ${op.attrs.axis} is outside the output's ${rank} dimensions`);
  if (op.attrs.activation !== 'none') fail(context, `fused activation ${op.attrs.activation} is not supported`);
  let axisTotal = 0;
  inputs.forEach((tensor, i) => {
    if (tensor.shape.length !== rank || tensor.shape.some((dim, d) => d !== axis && dim !== y.shape[d])) {
      fail(context, `input ${i} ${tensorName(tensor)} has shape ${formatShape(tensor.shape)}, which does not concatenate into ${formatShape(y.shape)} along axis ${axis}`);
    }
    axisTotal += tensor.shape[axis];
  });
  if (axisTotal !== y.shape[axis]) fail(context, `inputs add up to ${axisTotal} along axis ${axis}, the output has ${y.shape[axis]}`);
  const outer = elementCount(y.shape.slice(0, axis));
  const inner = elementCount(y.shape.slice(axis + 1));
  const copySizes = inputs.map((tensor) => tensor.shape[axis] * inner);
  const dtype = y.dtype === 'float32' ? 'f32' : 's8';
  inputs.forEach((tensor, i) => {
    expectDType(context, tensor, `input ${i}`, y.dtype === 'float32' ? 'float32' : 'int8');
    if (dtype === 's8') expectSameQuantization(context, tensor, `input ${i}`, y);
  });
  if (dtype === 's8') expectDType(context, y, 'output', 'int8');
  const ctype = dtype === 'f32' ? 'float' : 'int8_t';
  const kernel = `td_concatenation_${dtype}`;
  return {
    kernels: [kernel],
    scratchBytes: 0,
    emit: (e) => {
      const sizes = e.array('copy_sizes', 'int32', copySizes);
      const params = e.struct('params', 'td_concat_params', `{${inputs.length}, ${outer}, ${sizes}}`);
      const pointers = e.pointerArray('inputs', `const ${ctype}`, inputs.map((tensor) => e.pointer(tensor, 'read')));
      return `${kernel}(${params}, ${pointers}, ${e.pointer(y, 'write')})`;
    },
  };
}

function lowerPad(context: LowerContext): OpLowering {
  const x = input(context, 0, 'input');
  const paddings = input(context, 1, 'paddings');
  const y = output(context);
  const values = Array.from(expectConstant(context, paddings, 'paddings'), Number);
  const rank = x.shape.length;
  if (rank > 4) fail(context, `input ${tensorName(x)} has ${rank} dimensions, PAD handles at most 4`);
  if (values.length !== rank * 2) fail(context, `paddings ${tensorName(paddings)} hold ${values.length} values, expected ${rank} × 2`);
  const before = dims4(context, Array.from({ length: rank }, (_, d) => values[2 * d]), 'paddings').map((v, d) => (d < 4 - rank ? 0 : v));
  const after = dims4(context, Array.from({ length: rank }, (_, d) => values[2 * d + 1]), 'paddings').map((v, d) => (d < 4 - rank ? 0 : v));
  if ([...before, ...after].some((v) => v < 0)) fail(context, `paddings [${values}] must not be negative`);
  const expected = x.shape.map((dim, d) => dim + values[2 * d] + values[2 * d + 1]);
  if (expected.some((dim, d) => dim !== y.shape[d]) || y.shape.length !== rank) {
    fail(context, `output ${tensorName(y)} has shape ${formatShape(y.shape)}, padding gives ${formatShape(expected)}`);
  }
  const dims = (v: number[]) => `{${v.join(', ')}}`;
  if (y.dtype === 'float32') {
    expectDType(context, x, 'input', 'float32');
    const params = `{${dims(before)}, ${dims(after)}, ${cFloat(0)}}`;
    return {
      kernels: ['td_pad_f32'],
      scratchBytes: 0,
      emit: (e) => `td_pad_f32(${e.struct('params', 'td_pad_params_f32', params)}, ${e.dims(x.shape, 'input')}, ${e.pointer(x, 'read')}, ${e.pointer(y, 'write')})`,
    };
  }
  expectDType(context, y, 'output', 'int8');
  expectDType(context, x, 'input', 'int8');
  expectSameQuantization(context, x, 'input', y);
  const padValue = quantization(context, y, 'output').zeroPoint;
  const params = `{${dims(before)}, ${dims(after)}, ${cInt(padValue)}}`;
  return {
    kernels: ['td_pad_s8'],
    scratchBytes: 0,
    emit: (e) => `td_pad_s8(${e.struct('params', 'td_pad_params_s8', params)}, ${e.dims(x.shape, 'input')}, ${e.pointer(x, 'read')}, ${e.pointer(y, 'write')})`,
  };
}

registerLegacyLowerer('RESHAPE', lowerReshape);
registerLegacyLowerer('CONCATENATION', lowerConcatenation);
registerLegacyLowerer('PAD', lowerPad);
