import { describe, expect, it } from 'vitest';
import { InterpreterError } from '../errors.js';
import type { Graph, Op } from '../ir/types.js';
import { FLOAT32_MAX, activationRangeFloat, activationRangeQuantized } from './activation.js';
import { opContext } from './op.js';

const op: Op = { type: 'CONV_2D', inputs: [], outputs: [], attrs: {} } as unknown as Op;
const context = opContext({ name: 'g', tensors: [], ops: [op], inputs: [], outputs: [] } as Graph, op, 0, InterpreterError);

describe('activationRangeFloat', () => {
  it('bounds "none" and relu by ±FLT_MAX like TFLite', () => {
    expect(activationRangeFloat(context, 'none')).toEqual({ min: -FLOAT32_MAX, max: FLOAT32_MAX });
    expect(activationRangeFloat(context, 'relu')).toEqual({ min: 0, max: FLOAT32_MAX });
    expect(activationRangeFloat(context, 'relu6')).toEqual({ min: 0, max: 6 });
  });
});

describe('activationRangeQuantized', () => {
  it('clamps in the output domain and names the op for an activation with no integer form', () => {
    // relu6 at scale 0.05, zero point -128: [quantize(0), quantize(6)] = [-128, -8].
    expect(activationRangeQuantized(context, 'relu6', 'int8', 0.05, -128)).toEqual({ min: -128, max: -8 });
    expect(() => activationRangeQuantized(context, 'tanh', 'int8', 0.05, -128)).toThrow(InterpreterError);
    expect(() => activationRangeQuantized(context, 'tanh', 'int8', 0.05, -128)).toThrow('op 0 (CONV_2D): fused activation tanh is not supported on quantized ops');
  });
});
