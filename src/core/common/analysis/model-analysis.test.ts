import { describe, expect, it } from 'vitest';
import { loadModelFile } from '../../node/model-file.js';
import type { Graph, Tensor } from '../ir/types.js';
import { sharedModels } from '../../../../test/testing/shared-data.js';
import type { SharedModelName } from '../../../../test/testing/shared-data.js';
import { activationMemory } from './activation-memory.js';
import { analyzeModel } from './model-analysis.js';

/**
 * Totals of the shared models. MACs of the int8 models are the baseline's figures
 * (../shared/baseline/README.md); the float twins have the same layers, hence the same MACs and
 * params. weightBytes is every constant tensor's bytes; peak is the simple liveness plan.
 */
const expectedTotals: Record<SharedModelName, { macs: number; params: number; weightBytes: number; peakActivationBytes: number }> = {
  kws_ref_model: { macs: 2_656_768, params: 22_604, weightBytes: 24_376, peakActivationBytes: 16_000 },
  kws_ref_model_float32: { macs: 2_656_768, params: 22_604, weightBytes: 33_592, peakActivationBytes: 64_000 },
  vww_96_int8: { macs: 7_489_664, params: 210_850, weightBytes: 219_072, peakActivationBytes: 55_296 },
  vww_96_float: { macs: 7_489_664, params: 210_850, weightBytes: 843_408, peakActivationBytes: 221_184 },
  pretrainedResnet_quant: { macs: 12_501_632, params: 77_706, weightBytes: 78_752, peakActivationBytes: 49_152 },
  pretrainedResnet: { macs: 12_501_632, params: 77_706, weightBytes: 310_832, peakActivationBytes: 196_608 },
  ad01_int8: { macs: 264_192, params: 265_864, weightBytes: 270_880, peakActivationBytes: 768 },
  ad01_fp32: { macs: 264_192, params: 265_864, weightBytes: 1_063_456, peakActivationBytes: 3_072 },
  trained_lstm_int8: { macs: 113_120, params: 9_530, weightBytes: 9_808, peakActivationBytes: 1_404 },
  trained_lstm: { macs: 113_120, params: 9_530, weightBytes: 38_128, peakActivationBytes: 5_536 },
};

describe('analyzeModel on the shared models', () => {
  for (const [name, totals] of Object.entries(expectedTotals)) {
    it(`${name}: totals`, async () => {
      const analysis = analyzeModel(await loadModelFile(sharedModels[name as SharedModelName]));
      expect(analysis.totals).toEqual(totals);
      expect(analysis.format).toBe('tflite');
      expect(analysis.layers.reduce((sum, layer) => sum + layer.macs, 0)).toBe(totals.macs);
    });
  }

  it('kws_ref_model: per-layer rows follow the formulas', async () => {
    const { layers, inputs, outputs } = analyzeModel(await loadModelFile(sharedModels.kws_ref_model));
    expect(layers).toHaveLength(13);
    // CONV_2D 10x4 filter, 1 → 64 channels, stride 2 to 25x5: 25*5*64*10*4*1 MACs.
    expect(layers[0]).toMatchObject({
      op: 'CONV_2D',
      macs: 25 * 5 * 64 * 10 * 4,
      params: 64 * 10 * 4 + 64,
      weightBytes: 64 * 10 * 4 + 64 * 4,
      activationBytes: 490 + 8000,
      supported: true,
    });
    expect(layers[0].inputs.map((tensor) => [tensor.shape, tensor.dtype])).toEqual([[[1, 49, 10, 1], 'int8']]);
    expect(layers[0].outputs.map((tensor) => [tensor.shape, tensor.dtype])).toEqual([[[1, 25, 5, 64], 'int8']]);
    expect(layers[1]).toMatchObject({ op: 'DEPTHWISE_CONV_2D', macs: 25 * 5 * 64 * 3 * 3, params: 9 * 64 + 64 });
    // RESHAPE's constant shape vector takes flash but is no parameter.
    expect(layers[10]).toMatchObject({ op: 'RESHAPE', macs: 0, params: 0, weightBytes: 8 });
    expect(layers[11]).toMatchObject({ op: 'FULLY_CONNECTED', macs: 12 * 64, params: 12 * 64 + 12 });
    expect(inputs).toEqual([{ id: 0, name: 'input_1', shape: [1, 49, 10, 1], dtype: 'int8', scale: [0.5847029089927673], zeroPoint: [83] }]);
    expect(outputs[0]).toMatchObject({ name: 'Identity', shape: [1, 12], scale: [0.00390625], zeroPoint: [-128] });
  });

  it('trained_lstm_int8: LSTM MACs are time * batch * 4 * units * (input + units)', async () => {
    const { layers } = analyzeModel(await loadModelFile(sharedModels.trained_lstm_int8));
    expect(layers[0].op).toBe('UNIDIRECTIONAL_SEQUENCE_LSTM');
    expect(layers[0].macs).toBe(28 * 1 * 4 * 20 * (28 + 20));
    // The variable state tensors (int8 output state, int16 cell state) are activations, not weights.
    expect(layers[0].inputs.map((tensor) => tensor.dtype)).toEqual(['int8', 'int8', 'int16']);
    expect(layers[2].macs).toBe(10 * 560);
  });
});

/** A small graph built by hand: shapes only, constants where `constant` is set. */
function tensor(id: number, shape: number[], options: Partial<Tensor> = {}): Tensor {
  return { id, name: `t${id}`, shape, dtype: 'int8', ...options };
}

describe('activation memory', () => {
  // t0 (input, 100 B) → op0 → t1 (200 B) → op1 → t2 (50 B); op2 adds t0 and t2 → t3 (output, 10 B).
  // t0 stays live until op 2 reads it again; t1 dies after op 1.
  const graph: Graph = {
    name: 'liveness',
    tensors: [
      tensor(0, [100]),
      tensor(1, [200]),
      tensor(2, [50]),
      tensor(3, [10]),
      tensor(4, [7], { data: new Int8Array(7) }),
    ],
    ops: [
      { type: 'RELU', inputs: [0], outputs: [1], attrs: {} },
      { type: 'MUL', inputs: [1, 4], outputs: [2], attrs: { activation: 'none' } },
      { type: 'ADD', inputs: [0, 2], outputs: [3], attrs: { activation: 'none' } },
    ],
    inputs: [0],
    outputs: [3],
  };

  it('counts each non-constant tensor from producer to last use', () => {
    expect(activationMemory(graph)).toEqual({ liveBytesPerOp: [300, 350, 160], peakBytes: 350, peakOpIndex: 1 });
  });

  it('reports activation bytes per op without constants, and constants as weights', () => {
    const analysis = analyzeModel(graph);
    expect(analysis.layers.map((layer) => layer.activationBytes)).toEqual([300, 250, 160]);
    expect(analysis.layers[1]).toMatchObject({ params: 7, weightBytes: 7 });
    expect(analysis.totals).toEqual({ params: 7, weightBytes: 7, macs: 0, peakActivationBytes: 350 });
  });

  it('keeps variable tensors live for the whole run and counts no weight in them', () => {
    const stateful: Graph = {
      ...graph,
      tensors: [...graph.tensors, tensor(5, [1000], { variable: true, data: new Int8Array(1000) })],
      ops: [graph.ops[0], graph.ops[1], { ...graph.ops[2], inputs: [0, 2, 5] }],
    };
    expect(activationMemory(stateful).liveBytesPerOp).toEqual([1300, 1350, 1160]);
    expect(analyzeModel(stateful).totals.weightBytes).toBe(7);
  });

  it('lists ops the interpreter has no kernel for', () => {
    const unknown: Graph = {
      ...graph,
      tensors: [...graph.tensors, tensor(5, [4])],
      ops: [...graph.ops, { type: 'CUSTOM', customCode: 'TFLite_Detection_PostProcess', inputs: [3], outputs: [5], attrs: {} }],
      outputs: [5],
    };
    const analysis = analyzeModel(unknown);
    expect(analysis.unsupported).toEqual([{ type: 'CUSTOM:TFLite_Detection_PostProcess', indices: [3] }]);
    expect(analysis.layers[3]).toMatchObject({ op: 'CUSTOM', customCode: 'TFLite_Detection_PostProcess', supported: false });
  });
});
