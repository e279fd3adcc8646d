import { describe, expect, it } from 'vitest';
import type { DType, Graph, TensorData } from '../../ir/types.js';
import { generateModel } from '../generate.js';
import { packSvdfFeatureWeights, svdfFeatureBias } from './svdf.js';

interface SvdfGraphOptions {
  inputSize?: number;
  filters?: number;
  rank?: number;
  memory?: number;
  stateType?: DType;
  stateZeroPoint?: number;
  inputZeroPoint?: number;
  /** sIn·sWf / sState (0.03 by default: a right shift of 5). */
  featureScale?: number;
  weightsFeature?: Int8Array;
  bias?: boolean;
}

/** An int8 SVDF as the converter writes it: x [1, I], weights_feature [F, I], weights_time [F, M], bias [U], state [1, F·M]. */
function svdfGraph(options: SvdfGraphOptions = {}): Graph {
  const { inputSize = 12, filters = 6, rank = 2, memory = 3, stateType = 'int16', stateZeroPoint = 0, inputZeroPoint = -3 } = options;
  const units = filters / rank;
  const q = (scale: number, zeroPoint = 0) => ({ scale: [scale], zeroPoint: [zeroPoint], axis: 0 });
  const weightsFeature = options.weightsFeature ?? Int8Array.from({ length: filters * inputSize }, (_, i) => ((i * 37) % 255) - 127);
  const weightsTime: TensorData = stateType === 'int16' ? Int16Array.from({ length: filters * memory }, (_, i) => i * 911 - 4000) : Int8Array.from({ length: filters * memory }, (_, i) => i - 9);
  const stateScale = Math.fround(Math.fround(0.05 * 0.01) / (options.featureScale ?? 0.03));
  return {
    name: 'svdf',
    tensors: [
      { id: 0, name: 'x', shape: [1, inputSize], dtype: 'int8', quantization: q(0.05, inputZeroPoint) },
      { id: 1, name: 'weights_feature', shape: [filters, inputSize], dtype: 'int8', data: weightsFeature, quantization: q(0.01) },
      { id: 2, name: 'weights_time', shape: [filters, memory], dtype: stateType, data: weightsTime, quantization: q(0.0001) },
      { id: 3, name: 'bias', shape: [units], dtype: 'int32', data: Int32Array.from({ length: units }, (_, i) => 100 * i - 50), quantization: q(1e-5) },
      { id: 4, name: 'state', shape: [1, filters * memory], dtype: stateType, variable: true, quantization: q(stateScale, stateZeroPoint) },
      { id: 5, name: 'y', shape: [1, units], dtype: 'int8', quantization: q(0.02, 1) },
    ],
    ops: [{ type: 'SVDF', inputs: [0, 1, 2, options.bias === false ? -1 : 3, 4], outputs: [5], attrs: { rank, activation: 'none' } }],
    inputs: [0],
    outputs: [5],
  };
}

/** The int32 values of a generated `static const int32_t <name>[] = {...}` array. */
function int32Array(source: string, name: RegExp): number[] {
  const match = new RegExp(`static const int32_t (${name.source})\\[\\d*\\][^=]*= \\{([^}]*)\\}`).exec(source);
  expect(match, `array ${name.source} in the generated source`).not.toBeNull();
  return match![2]!.split(',').map((value) => value.trim()).filter((value) => value !== '').map(Number);
}

describe('SVDF lowering', () => {
  it('gives DSP builds of the int16 state td_svdf_s8_packed: the input offset in per-filter sums, the feature right shift, TFLite output requantization', () => {
    const source = generateModel(svdfGraph()).source;
    expect(source).toMatch(/static const td_svdf_packed_params td_op0_params = \{\{1, 12, 6, 3, 2, 3\}, 1, \d+, 5, \{\d+, -\d+\}\};/);
    expect(source).toMatch(/td_svdf_s8_packed\(&td_op0_params, .+, td_op0_feature_bias, .+, .+, .+, .+\)/);
    const weights = svdfGraph().tensors[1]!.data as Int8Array;
    // Six filters padded to eight; the offset is 3 (input zero point -3).
    const expected = Array.from({ length: 8 }, (_, f) => (f < 6 ? 3 * weights.subarray(f * 12, f * 12 + 12).reduce((sum, w) => sum + w, 0) : 0));
    expect(int32Array(source, /td_op0_feature_bias/)).toEqual(expected);
    expect(source).not.toContain('td_svdf_s8(');
  });

  it('passes zeros for an absent bias', () => {
    const source = generateModel(svdfGraph({ bias: false })).source;
    expect(int32Array(source, /td_op0_bias/)).toEqual([0, 0, 0]);
  });

  it('keeps td_svdf_s8 in portable builds, for a state zero point, or when the feature sums may reach 2^30', () => {
    expect(generateModel(svdfGraph(), { dsp: false }).source).toMatch(/td_svdf_s8\(&td_op0_params, /);
    expect(generateModel(svdfGraph({ stateZeroPoint: 2 })).source).toMatch(/td_svdf_s8\(&td_op0_params, /);
    // 70,000 weights of 127 against inputs up to 131 in magnitude: 127 * 131 * 70,000 > 2^30.
    const wide = svdfGraph({ inputSize: 70000, filters: 1, rank: 1, memory: 2, weightsFeature: new Int8Array(70000).fill(127) });
    expect(generateModel(wide).source).toMatch(/td_svdf_s8\(&td_op0_params, /);
    // A feature scale of 0.6 is TFLite's multiplier with no right shift: the fast form does not apply.
    expect(generateModel(svdfGraph({ featureScale: 0.6 })).source).toMatch(/td_svdf_s8\(&td_op0_params, /);
  });

  it('keeps td_svdf_s8_s8 for an int8 state', () => {
    expect(generateModel(svdfGraph({ stateType: 'int8' })).source).toMatch(/td_svdf_s8_s8\(&td_op0_params, /);
  });

  it('packs the feature weights per four filters and eight inputs, zero-padded', () => {
    // 5 filters x 10 inputs, weight = 10 * f + c.
    const weights = Int8Array.from({ length: 50 }, (_, i) => 10 * Math.floor(i / 10) + (i % 10));
    const packed = packSvdfFeatureWeights(weights, 5, 10);
    expect(packed.length).toBe(8 * 16);
    // Block 0, inputs 0-7: filter 0 then 1, 2, 3.
    expect(Array.from(packed.subarray(0, 16))).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 10, 11, 12, 13, 14, 15, 16, 17]);
    // Block 0, inputs 8-15: filter 0's 8 and 9, then zeros.
    expect(Array.from(packed.subarray(32, 40))).toEqual([8, 9, 0, 0, 0, 0, 0, 0]);
    // Block 1: filter 4, then three zero rows.
    expect(Array.from(packed.subarray(64, 72))).toEqual([40, 41, 42, 43, 44, 45, 46, 47]);
    expect(Array.from(packed.subarray(72, 96))).toEqual(new Array(24).fill(0));
    expect(Array.from(svdfFeatureBias(weights, 5, 10, -2))).toEqual([-90, -290, -490, -690, -890, 0, 0, 0]);
  });
});
