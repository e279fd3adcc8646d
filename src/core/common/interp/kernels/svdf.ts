/**
 * SVDF host kernel (TFLite Micro's EvalIntegerSvdfReference and EvalFloatSvdfReference), from the
 * plan of ops/svdf.ts. The state (input 4) is a variable tensor, updated in place.
 */
import { multiplyByQuantizedMultiplier } from '../../ops/fixed-point.js';
import { svdf } from '../../ops/svdf.js';
import { registerKernel } from '../registry.js';

registerKernel(svdf, ({ batch, inputSize, filters, units, rank, memory, arithmetic }) => {
  const stateSize = batch * filters * memory;
  const scratch = new Float64Array(batch * filters);
  return (inputs, outputs) => {
    const x = inputs[0] as Int8Array | Float32Array;
    const weightsFeature = inputs[1] as Int8Array | Float32Array;
    const weightsTime = inputs[2] as Int16Array | Int8Array | Float32Array;
    const bias = inputs[3] as Int32Array | Float32Array | undefined;
    const state = inputs[4] as Int16Array | Int8Array | Float32Array;
    const y = outputs[0];
    // Shift every filter's memory left by one element (the whole buffer, as TFLite Micro does).
    state.copyWithin(0, 1, stateSize);
    if (arithmetic.flavour === 'float32') {
      const f = Math.fround;
      for (let b = 0; b < batch; b++) {
        for (let r = 0; r < filters; r++) {
          let dot = 0;
          for (let c = 0; c < inputSize; c++) dot = f(dot + f(weightsFeature[r * inputSize + c] * x[b * inputSize + c]));
          state[(b * filters + r) * memory + memory - 1] = dot;
        }
      }
      for (let b = 0; b < batch; b++) {
        for (let i = 0; i < filters; i++) {
          let sum = 0;
          for (let j = 0; j < memory; j++) sum = f(sum + f(weightsTime[i * memory + j] * state[(b * filters + i) * memory + j]));
          scratch[b * filters + i] = sum;
        }
        for (let u = 0; u < units; u++) {
          let value = bias ? bias[u] : 0;
          for (let j = 0; j < rank; j++) value = f(value + scratch[b * filters + u * rank + j]);
          const { min, max } = arithmetic.activation;
          y[b * units + u] = value < min ? min : value > max ? max : value;
        }
      }
      return;
    }
    const { inputZeroPoint, stateZeroPoint, outputZeroPoint, feature, output, stateRange } = arithmetic;
    for (let b = 0; b < batch; b++) {
      for (let r = 0; r < filters; r++) {
        let dot = 0;
        for (let c = 0; c < inputSize; c++) dot = (dot + weightsFeature[r * inputSize + c] * (x[b * inputSize + c] - inputZeroPoint)) | 0;
        let q = multiplyByQuantizedMultiplier(dot, feature.multiplier, feature.shift);
        q = q < stateRange.min ? stateRange.min : q > stateRange.max ? stateRange.max : q;
        state[(b * filters + r) * memory + memory - 1] = stateZeroPoint + q;
      }
    }
    for (let b = 0; b < batch; b++) {
      for (let i = 0; i < filters; i++) {
        let sum = 0;
        for (let j = 0; j < memory; j++) sum = (sum + weightsTime[i * memory + j] * (state[(b * filters + i) * memory + j] - stateZeroPoint)) | 0;
        scratch[b * filters + i] = sum;
      }
      for (let u = 0; u < units; u++) {
        let value = bias ? bias[u] : 0;
        for (let j = 0; j < rank; j++) value = (value + scratch[b * filters + u * rank + j]) | 0;
        const q = (multiplyByQuantizedMultiplier(value, output.multiplier, output.shift) + outputZeroPoint) | 0;
        y[b * units + u] = q < -128 ? -128 : q > 127 ? 127 : q;
      }
    }
  };
});
