/**
 * Turning a stored dataset sample into the model's input tensor. Stored values stand for
 * `real = (stored - zeroPoint) * scale`; a quantized model input gets
 * `q = clamp(round(real / inputScale) + inputZeroPoint)` (round half away from zero, float32
 * arithmetic, as TFLite's Quantize kernel does), a float model input gets `real` as float32, and
 * a sample already stored with the model input's dtype, scale and zero point is passed through
 * unchanged. Shape and dtype are checked once, when the converter is made.
 *
 * The sample's shape must be the input's, up to dimensions of size 1 (which do not change the
 * order of the values: [1,49,10,1] and [49,10] lay out the same way). The same number of values
 * in another layout ([10,49] for [49,10]) is refused unless the caller allows reshaping: fed
 * as-is, transposed samples would give an accuracy that means nothing.
 */

import { DatasetError } from '../../common/errors.js';
import type { DType, Tensor, TensorData } from '../../common/ir/types.js';
import { allocateData, elementCount, formatShape, sameLayout } from '../../common/ir/tensor.js';
import { roundHalfAwayFromZero } from '../../common/ops/fixed-point.js';
import type { SampleSpec } from './dataset.js';

/** Model input dtypes a sample can be quantized to, with their ranges. */
const quantizedRanges: Partial<Record<DType, { min: number; max: number }>> = {
  int8: { min: -128, max: 127 },
  uint8: { min: 0, max: 255 },
  int16: { min: -32768, max: 32767 },
};

export type SampleConverter = (values: TensorData) => TensorData;

export interface SampleConverterOptions {
  /**
   * Feed samples whose shape differs from the input's but holds as many values, in stored
   * order. Only for samples known to be stored in the model's order (say, flattened).
   */
  allowReshape?: boolean;
}

/**
 * Makes the function that converts one stored sample of `sample` into a value for `input`.
 * Throws DatasetError naming both shapes when the element counts differ, or when the layouts
 * differ and `allowReshape` is not set, and naming both dtypes when the model input cannot be
 * fed from the dataset (e.g. a bool input).
 */
export function sampleConverter(datasetName: string, sample: SampleSpec, input: Tensor, options: SampleConverterOptions = {}): SampleConverter {
  const sampleCount = elementCount(sample.shape);
  const inputCount = elementCount(input.shape);
  if (sampleCount !== inputCount) {
    throw new DatasetError(
      `dataset ${datasetName}: sample shape ${formatShape(sample.shape)} (${sampleCount} values) does not fit ` +
        `model input ${input.name} shape ${formatShape(input.shape)} (${inputCount} values)`,
      { sampleShape: sample.shape, inputShape: input.shape },
    );
  }
  if (!options.allowReshape && !sameLayout(sample.shape, input.shape)) {
    throw new DatasetError(
      `dataset ${datasetName}: sample shape ${formatShape(sample.shape)} does not match model input ${input.name} ` +
        `shape ${formatShape(input.shape)}: the same ${sampleCount} values in another layout (a transposed sample ` +
        `would give a meaningless accuracy). If the samples are stored in the model's order, write the model's shape ` +
        `in dataset.json's "sample.shape"`,
      { sampleShape: sample.shape, inputShape: input.shape },
    );
  }
  const sampleScale = Math.fround(sample.scale);
  const sampleZeroPoint = sample.zeroPoint;
  const real = (stored: number) => Math.fround(Math.fround(stored - sampleZeroPoint) * sampleScale);

  if (input.dtype === 'float32') {
    return (values) => {
      const result = new Float32Array(values.length);
      for (let i = 0; i < values.length; i++) result[i] = real(Number(values[i]));
      return result;
    };
  }

  const quantization = input.quantization;
  const range = quantizedRanges[input.dtype];
  const refusal = (why: string) =>
    new DatasetError(`dataset ${datasetName}: sample dtype ${sample.dtype} does not fit model input ${input.name} dtype ${input.dtype} (${why})`, {
      sampleDType: sample.dtype,
      inputDType: input.dtype,
    });
  if (!range) throw refusal('only float32, int8, uint8 and int16 inputs can be fed from a dataset');
  if (!quantization || quantization.scale.length === 0) throw refusal('the input has no quantization parameters');
  if (quantization.scale.length > 1) throw refusal(`the input is quantized per channel (${quantization.scale.length} scales)`);
  const inputScale = Math.fround(quantization.scale[0]);
  const inputZeroPoint = quantization.zeroPoint[0] ?? 0;

  if (sample.dtype === input.dtype && sampleScale === inputScale && sampleZeroPoint === inputZeroPoint) {
    return (values) => values;
  }
  const { min, max } = range;
  return (values) => {
    const result = allocateData(input.dtype, values.length);
    for (let i = 0; i < values.length; i++) {
      const quantized = roundHalfAwayFromZero(Math.fround(real(Number(values[i])) / inputScale)) + inputZeroPoint;
      result[i] = quantized < min ? min : quantized > max ? max : quantized;
    }
    return result;
  };
}
