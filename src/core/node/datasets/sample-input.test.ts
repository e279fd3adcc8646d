import { describe, expect, it } from 'vitest';
import type { DType, Quantization, Tensor } from '../../common/ir/types.js';
import { sharedModels } from '../../../../test/testing/shared-data.js';
import { loadModelFile } from '../model-file.js';
import type { SampleSpec } from './dataset.js';
import { sampleConverter } from './sample-input.js';

function input(dtype: DType, shape: number[], quantization?: Partial<Quantization>): Tensor {
  return {
    id: 0,
    name: 'input',
    shape,
    dtype,
    quantization: quantization ? { scale: [], zeroPoint: [], axis: 0, ...quantization } : undefined,
  };
}

function thrown(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error, none was thrown');
}

const kws01Sample: SampleSpec = { dtype: 'int8', shape: [1, 49, 10, 1], scale: 0.5847029089927673, zeroPoint: 83 };

describe('sampleConverter', () => {
  it('refuses a sample whose element count differs from the model input, naming both shapes', async () => {
    const graph = await loadModelFile(sharedModels.trained_lstm_int8);
    expect(thrown(() => sampleConverter('kws01', kws01Sample, graph.tensors[graph.inputs[0]]))).toMatchObject({
      name: 'DatasetError',
      message:
        'dataset kws01: sample shape [1,49,10,1] (490 values) does not fit model input serving_default_fixed_input:0 shape [1,28,28] (784 values)',
    });
  });

  it('accepts another shape with the same element count when reshaping is allowed', () => {
    const convert = sampleConverter('d', { dtype: 'uint8', shape: [784], scale: 1, zeroPoint: 0 }, input('float32', [1, 28, 28]), { allowReshape: true });
    expect(convert(new Uint8Array(784).fill(3))).toEqual(new Float32Array(784).fill(3));
  });

  it('refuses the same element count in another layout unless reshaping is allowed, naming both shapes', () => {
    const transposed: SampleSpec = { dtype: 'int8', shape: [10, 49], scale: 1, zeroPoint: 0 };
    expect(thrown(() => sampleConverter('kws', transposed, input('float32', [49, 10])))).toMatchObject({
      name: 'DatasetError',
      message:
        'dataset kws: sample shape [10,49] does not match model input input shape [49,10]: the same 490 values in another layout ' +
        '(a transposed sample would give a meaningless accuracy). If the samples are stored in the model\'s order, write the ' +
        'model\'s shape in dataset.json\'s "sample.shape"',
      data: { sampleShape: [10, 49], inputShape: [49, 10] },
    });
    expect(thrown(() => sampleConverter('mnist', { ...transposed, shape: [784] }, input('float32', [1, 28, 28])))).toMatchObject({
      message: expect.stringContaining('sample shape [784] does not match model input input shape [1,28,28]'),
    });
    // Dimensions of size 1 do not change the order of the values: these are the same layout.
    expect(() => sampleConverter('kws', { ...transposed, shape: [49, 10] }, input('float32', [1, 49, 10, 1]))).not.toThrow();
    expect(() => sampleConverter('kws', transposed, input('float32', [49, 10]), { allowReshape: true })).not.toThrow();
  });

  it('passes samples through unchanged when dtype, scale and zero point already match', async () => {
    const graph = await loadModelFile(sharedModels.kws_ref_model);
    const convert = sampleConverter('kws01', kws01Sample, graph.tensors[graph.inputs[0]]);
    const values = new Int8Array(490).map((_, i) => (i % 256) - 128);
    expect(convert(values)).toBe(values);
  });

  it('quantizes real values with round half away from zero and clamps to the dtype', () => {
    const convert = sampleConverter('d', { dtype: 'float32', shape: [6], scale: 1, zeroPoint: 0 }, input('int8', [6], { scale: [0.5], zeroPoint: [-1] }));
    // real / 0.5 = 0.5, -0.5, 1.5, -2.5 → 1, -1, 2, -3; then + zero point -1; ±1000 clamp.
    expect(convert(new Float32Array([0.25, -0.25, 0.75, -1.25, 1000, -1000]))).toEqual(new Int8Array([0, -2, 1, -4, 127, -128]));
  });

  it('requantizes from the stored scale to the input scale (MNIST pixels → int8 = pixel - 128)', () => {
    const convert = sampleConverter(
      'mnist',
      { dtype: 'uint8', shape: [256], scale: 0.00392156862745098, zeroPoint: 0 },
      input('int8', [256], { scale: [0.003921568859368563], zeroPoint: [-128] }),
    );
    const pixels = new Uint8Array(256).map((_, i) => i);
    expect(convert(pixels)).toEqual(new Int8Array(256).map((_, i) => i - 128));
  });

  it('requantizes into int16 and uint8 inputs', () => {
    const spec: SampleSpec = { dtype: 'int8', shape: [3], scale: 0.25, zeroPoint: 10 };
    // real = (stored - 10) / 4 = -2.5, 0, 29.25
    const stored = new Int8Array([0, 10, 127]);
    expect(sampleConverter('d', spec, input('int16', [3], { scale: [0.01], zeroPoint: [0] }))(stored)).toEqual(new Int16Array([-250, 0, 2925]));
    expect(sampleConverter('d', spec, input('uint8', [3], { scale: [0.1], zeroPoint: [128] }))(stored)).toEqual(new Uint8Array([103, 128, 255]));
  });

  it('dequantizes to float32 for a float model', () => {
    const convert = sampleConverter('d', { dtype: 'uint8', shape: [3], scale: 0.00392156862745098, zeroPoint: 0 }, input('float32', [3]));
    const scale = Math.fround(0.00392156862745098);
    expect(convert(new Uint8Array([0, 128, 255]))).toEqual(new Float32Array([0, Math.fround(128 * scale), Math.fround(255 * scale)]));
  });

  it('refuses a model input it cannot feed, naming both dtypes', () => {
    const spec: SampleSpec = { dtype: 'uint8', shape: [4], scale: 1, zeroPoint: 0 };
    expect(thrown(() => sampleConverter('d', spec, input('bool', [4])))).toMatchObject({
      name: 'DatasetError',
      message: 'dataset d: sample dtype uint8 does not fit model input input dtype bool (only float32, int8, uint8 and int16 inputs can be fed from a dataset)',
    });
    expect(thrown(() => sampleConverter('d', spec, input('int8', [4])))).toMatchObject({
      message: 'dataset d: sample dtype uint8 does not fit model input input dtype int8 (the input has no quantization parameters)',
    });
  });
});
