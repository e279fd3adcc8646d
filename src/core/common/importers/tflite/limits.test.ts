import { describe, expect, it } from 'vitest';
import { ImportError } from '../../errors.js';
import { Interpreter } from '../../interp/interpreter.js';
import { DEFAULT_MAX_TENSOR_BYTES, importModel } from '../index.js';
import {
  addConstantModel,
  noOutputsModel,
  opWithoutOutputsModel,
  padToHugeModel,
  reshapeToScalarModel,
  zeroElementInputModel,
} from './testing/crafted-models.js';

function importError(bytes: Uint8Array, options?: Parameters<typeof importModel>[2]): ImportError {
  try {
    importModel(bytes, 'crafted.tflite', options);
  } catch (error) {
    expect(error).toBeInstanceOf(ImportError);
    return error as ImportError;
  }
  throw new Error('the import did not fail');
}

describe('TFLite importer: what a model may ask the host to hold', () => {
  it('refuses a tensor past 256 MiB by default, naming the tensor, its shape, its bytes and the limit', () => {
    const bytes = padToHugeModel();
    expect(bytes.length).toBeLessThan(1024);
    const error = importError(bytes);
    expect(error.message).toBe(
      `crafted.tflite: tflite: tensor 2 (y) has shape [1,2147483647] of float32 = 8589934588 bytes, more than the limit of ${DEFAULT_MAX_TENSOR_BYTES} bytes per tensor`,
    );
    expect(error.data).toMatchObject({ bytes: 8589934588, limit: 268435456 });
  });

  it('takes the limit from the import options', () => {
    const bytes = addConstantModel([1, 2, 3, 4]);
    expect(importError(bytes, { maxTensorBytes: 15 }).message).toContain('tensor 0 (x) has shape [1,4] of float32 = 16 bytes, more than the limit of 15 bytes per tensor');
    expect(importModel(bytes, 'add.tflite', { maxTensorBytes: 16 }).tensors).toHaveLength(3);
  });
});

describe('TFLite importer: degenerate graphs', () => {
  it('refuses a model without outputs, and an op without outputs, naming them', () => {
    expect(importError(noOutputsModel()).message).toBe('crafted.tflite: tflite: subgraph 0 has no outputs: the model computes nothing');
    expect(importError(opWithoutOutputsModel()).message).toBe('crafted.tflite: tflite: operator 1 (RELU) has no outputs');
  });

  it('refuses a model input or output with no elements (run would write 0 bytes, a board would answer BAD_RANGE)', () => {
    expect(importError(zeroElementInputModel()).message).toBe(
      'crafted.tflite: tflite: model input tensor 0 (x) has shape [1,0]: no elements, so the model would read or write nothing',
    );
  });

  it('refuses NaN and infinite weights, naming the tensor and the first bad index', () => {
    expect(importError(addConstantModel([1, NaN, Infinity, 2])).message).toBe(
      'crafted.tflite: tflite: tensor 1 (w) holds NaN at index 1: weights must be finite numbers',
    );
    expect(importError(addConstantModel([1, 2, -Infinity])).message).toContain('tensor 1 (w) holds -Infinity at index 2');
  });

  it('reads a zero-sized constant (the shape of a RESHAPE to a scalar) as a constant', () => {
    const graph = importModel(reshapeToScalarModel(), 'reshape.tflite');
    expect(graph.tensors[1].data).toEqual(new Int32Array(0));
    expect(new Interpreter(graph).run([new Float32Array([2.5])]).outputs[0]).toEqual(new Float32Array([2.5]));
  });
});
