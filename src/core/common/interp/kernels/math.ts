/** Host kernels of the element-wise math ops (ops/math.ts). */
import type { TensorData } from '../../ir/types.js';
import { multiplyByQuantizedMultiplier, multiplyByQuantizedMultiplierSmallerThanOne } from '../../ops/fixed-point.js';
import { hardSwishInt8 } from '../../ops/hard-swish.js';
import { lookUp } from '../../ops/lookup-table.js';
import { binaryFloat, binaryMathOps, quantizedDivide, unaryFloat, unaryMathOps } from '../../ops/math.js';
import { InterpreterError } from '../../errors.js';
import { registerKernel } from '../registry.js';

for (const definition of unaryMathOps) {
  registerKernel(definition, ({ op, count, arithmetic }) => {
    if (arithmetic.flavour === 'float32') {
      return (inputs, outputs) => {
        const x = inputs[0] as Float32Array;
        const y = outputs[0] as Float32Array;
        for (let i = 0; i < count; i++) y[i] = unaryFloat(op, x[i]);
      };
    }
    if (arithmetic.flavour === 'hard-swish-int8') {
      const { params } = arithmetic;
      return (inputs, outputs) => {
        const x = inputs[0] as Int8Array;
        const y = outputs[0] as Int8Array;
        for (let i = 0; i < count; i++) y[i] = hardSwishInt8(params, x[i]);
      };
    }
    if (arithmetic.flavour === 'lookup-int8') {
      const { table } = arithmetic;
      return (inputs, outputs) => lookUp(table, inputs[0] as Int8Array, outputs[0] as Int8Array, count);
    }
    const { inputZeroPoint, outputZeroPoint, rescale, range } = arithmetic;
    return (inputs, outputs) => {
      const x = inputs[0] as Int8Array | Int16Array;
      const y = outputs[0] as Int8Array | Int16Array;
      for (let i = 0; i < count; i++) {
        const value = Math.abs(x[i] - inputZeroPoint);
        const q = (rescale ? multiplyByQuantizedMultiplier(value, rescale.multiplier, rescale.shift) : value) + outputZeroPoint;
        y[i] = q < range.min ? range.min : q > range.max ? range.max : q;
      }
    };
  });
}

/** Calls `body(index1, index2, outIndex)` for every output element of a broadcast. */
function forEachBroadcast(shape: readonly number[], strides1: readonly number[], strides2: readonly number[], body: (i1: number, i2: number, o: number) => void): void {
  const rank = shape.length;
  const total = shape.reduce((a, b) => a * b, 1);
  const counter = new Array<number>(rank).fill(0);
  let i1 = 0;
  let i2 = 0;
  for (let o = 0; o < total; o++) {
    body(i1, i2, o);
    for (let d = rank - 1; d >= 0; d--) {
      counter[d]++;
      i1 += strides1[d];
      i2 += strides2[d];
      if (counter[d] < shape[d]) break;
      i1 -= strides1[d] * shape[d];
      i2 -= strides2[d] * shape[d];
      counter[d] = 0;
    }
  }
}

for (const definition of binaryMathOps) {
  registerKernel(definition, ({ op, broadcast: { shape, strides1, strides2 }, arithmetic }, context) => (inputs, outputs) => {
    const a = inputs[0] as TensorData;
    const b = inputs[1] as TensorData;
    const y = outputs[0] as { [i: number]: number };
    if (arithmetic.flavour === 'float32') {
      const { min, max } = arithmetic.activation;
      forEachBroadcast(shape, strides1, strides2, (i1, i2, o) => {
        const value = binaryFloat(op, a[i1] as number, b[i2] as number);
        y[o] = value < min ? min : value > max ? max : value;
      });
    } else if (arithmetic.kind === 'compare') {
      const minimum = op === 'MINIMUM';
      forEachBroadcast(shape, strides1, strides2, (i1, i2, o) => {
        const [p, q] = [a[i1] as number, b[i2] as number];
        y[o] = minimum ? (q < p ? q : p) : p < q ? q : p;
      });
    } else if (arithmetic.kind === 'div') {
      const { input1Offset, input2Offset, outputOffset, output, activation } = arithmetic;
      forEachBroadcast(shape, strides1, strides2, (i1, i2, o) => {
        const quotient = quantizedDivide((a[i1] as number) + input1Offset, (b[i2] as number) + input2Offset, output);
        if (quotient === undefined) throw new InterpreterError(`op ${context.opIndex} (DIV): division by zero at output element ${o}`);
        const q = (quotient + outputOffset) | 0;
        y[o] = q < activation.min ? activation.min : q > activation.max ? activation.max : q;
      });
    } else if (arithmetic.kind === 'prelu') {
      const { inputOffset, alphaOffset, outputOffset, positive, negative } = arithmetic;
      forEachBroadcast(shape, strides1, strides2, (i1, i2, o) => {
        const value = (a[i1] as number) + inputOffset;
        const scaled =
          value >= 0
            ? multiplyByQuantizedMultiplier(value, positive.multiplier, positive.shift)
            : multiplyByQuantizedMultiplier(value * ((b[i2] as number) + alphaOffset), negative.multiplier, negative.shift);
        const q = (scaled + outputOffset) | 0;
        y[o] = q < -128 ? -128 : q > 127 ? 127 : q;
      });
    } else if (arithmetic.kind === 'div-int32') {
      const { min, max } = arithmetic.activation;
      forEachBroadcast(shape, strides1, strides2, (i1, i2, o) => {
        const divisor = b[i2] as number;
        if (divisor === 0) throw new InterpreterError(`op ${context.opIndex} (DIV): division by zero at output element ${o}`);
        const q = Math.trunc((a[i1] as number) / divisor) | 0;
        y[o] = q < min ? min : q > max ? max : q;
      });
    } else if (arithmetic.kind === 'squared-difference-int32') {
      forEachBroadcast(shape, strides1, strides2, (i1, i2, o) => {
        const diff = ((a[i1] as number) - (b[i2] as number)) | 0;
        y[o] = Math.imul(diff, diff);
      });
    } else {
      const { input1Offset, input2Offset, outputOffset, leftShift, input1, input2, output, range } = arithmetic;
      forEachBroadcast(shape, strides1, strides2, (i1, i2, o) => {
        const scaled1 = multiplyByQuantizedMultiplierSmallerThanOne(((a[i1] as number) + input1Offset) * 2 ** leftShift, input1.multiplier, input1.shift);
        const scaled2 = multiplyByQuantizedMultiplierSmallerThanOne(((b[i2] as number) + input2Offset) * 2 ** leftShift, input2.multiplier, input2.shift);
        const diff = scaled1 - scaled2;
        const q = (multiplyByQuantizedMultiplier(Math.imul(diff, diff), output.multiplier, output.shift) + outputOffset) | 0;
        y[o] = q < range.min ? range.min : q > range.max ? range.max : q;
      });
    }
  });
}
