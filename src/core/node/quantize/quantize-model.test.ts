/**
 * Quantizing the shared float models as a user does (`quantizeModel`): the LSTM on MNIST, the
 * MLPerf Tiny models without a dataset on synthetic samples. Few samples, to stay fast (the full
 * figures are in bench/quantize): calibration on 50 (LSTM) or 16 (synthetic) samples, evaluation
 * on at most 200.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { sharedModels, sharedPath } from '../../../../test/testing/shared-data.js';
import { generateModel } from '../../common/codegen/index.js';
import { exportTflite } from '../../common/exporters/index.js';
import { importModel } from '../../common/importers/index.js';
import { printGraph } from '../../common/ir/print.js';
import type { Graph } from '../../common/ir/types.js';
import { lstmInputIndex } from '../../common/ops/lstm-layout.js';
import { evaluateGraph, referenceOutputs, syntheticSamples } from '../../common/passes/quantize/index.js';
import { openDataset } from '../datasets/dataset.js';
import { loadModelFile } from '../model-file.js';
import { describeVariant, loadSamples, quantizeModel } from './quantize-model.js';

describe('quantizeModel: trained_lstm on MNIST', async () => {
  const float = await loadModelFile(sharedModels.trained_lstm);
  const shipped = await loadModelFile(sharedModels.trained_lstm_int8);
  const mnist = await openDataset(sharedPath('datasets/mnist'));
  const { graph, report } = await quantizeModel(float, {
    modelName: 'trained_lstm.tflite',
    calibration: { kind: 'dataset', dataset: mnist },
    passOptions: { samples: 50 },
    evaluationLimit: 200,
    validate: true,
  });

  it('keeps the MNIST accuracy of the float model within 0.5 points, on the samples it calibrated on and on the others', () => {
    expect(report.calibration).toEqual({ kind: 'dataset', dataset: 'mnist', samples: 50, first: 0, observer: 'min-max' });
    const { calibration, heldOut } = report.evaluation!;
    expect(calibration.variant.samples).toBe(50);
    expect(heldOut!.variant.samples).toBe(200);
    for (const { parent, variant } of [calibration, heldOut!]) {
      expect(Math.abs(variant.accuracy! - parent.accuracy!)).toBeLessThanOrEqual(0.005);
      expect(variant.sqnrDb).toBeGreaterThan(35);
      expect(variant.agreement).toBeGreaterThanOrEqual(0.99);
    }
    expect(heldOut!.parent.accuracy).toBeGreaterThan(0.95);
    expect(graph.source?.description).toBe('TinyDeploy quantize-int8 of trained_lstm.tflite; calibrated on dataset mnist, samples 0-49; min-max observer');
  });

  it('is TFLite’s int8 LSTM: the shipped model’s types, weight and bias scales, state encodings and intermediates', () => {
    const ours = graph.ops[0];
    const theirs = shipped.ops[0];
    expect(graph.ops.map((op) => op.type)).toEqual(shipped.ops.map((op) => op.type));
    ours.inputs.forEach((id, position) => {
      if (id < 0) return expect(theirs.inputs[position]).toBe(-1);
      const [a, b] = [graph.tensors[id], shipped.tensors[theirs.inputs[position]]];
      expect(a.dtype, `input ${position}`).toBe(b.dtype);
      expect(a.variable, `input ${position}`).toBe(b.variable);
      // Weights (max|w|/127 per tensor) and biases (input scale · weight scale) exactly as the converter made them.
      if (position >= 1 && position <= 15) expect(a.quantization, `input ${position}`).toEqual(b.quantization);
    });
    expect(graph.tensors[ours.inputs[lstmInputIndex.input]].quantization).toEqual({ scale: [Math.fround(1 / 255)], zeroPoint: [-128], axis: 0 });
    // The hidden state: symmetric range around 0 (≈ ±1 for h = o·tanh(c)); the output shares it.
    const hidden = graph.tensors[ours.inputs[lstmInputIndex.outputState]].quantization!;
    expect(hidden.scale[0]).toBeGreaterThan(0.0075);
    expect(hidden.scale[0]).toBeLessThan(1 / 127.5);
    expect(graph.tensors[ours.outputs[0]].quantization).toEqual(hidden);
    // The cell state: int16 with a power-of-two scale.
    const cell = graph.tensors[ours.inputs[lstmInputIndex.cellState]].quantization!;
    expect(Number.isInteger(Math.log2(cell.scale[0]))).toBe(true);
    expect(cell.zeroPoint).toEqual([0]);
    const intermediates = ours.intermediates!.map((id) => graph.tensors[id]);
    expect(intermediates.map((t) => [t.name, t.dtype, t.shape])).toEqual(theirs.intermediates!.map((id) => [shipped.tensors[id].name, shipped.tensors[id].dtype, shipped.tensors[id].shape]));
    expect(intermediates[4].quantization).toEqual(hidden);
  });

  it('is saved as a .tflite that reads back unchanged, intermediates included, and the C generator takes it', () => {
    const reread = importModel(exportTflite(graph), 'lstm_int8.tflite');
    expect(printGraph(reread)).toBe(printGraph(graph));
    const [first, ...rest] = graph.ops[0].intermediates!;
    expect(printGraph(graph)).toContain(` -> %${graph.ops[0].outputs[0]} intermediates(%${first}, ${rest.map((id) => `%${id}`).join(', ')}) {activation=tanh `);
    expect(reread.source?.description).toBe(graph.source?.description);
    const model = generateModel(graph);
    expect(model.ops.map((op) => op.type)).toEqual(['UNIDIRECTIONAL_SEQUENCE_LSTM', 'RESHAPE', 'FULLY_CONNECTED', 'SOFTMAX']);
    expect(model.inputs[0]).toMatchObject({ dtype: 'int8', zeroPoint: -128 });
  });
});

describe('quantizeModel: MLPerf Tiny float models on synthetic calibration', () => {
  /** Uniform inputs over the range the shipped int8 model's input encoding covers. */
  const inputRange = (graph: Graph): [number, number] => {
    const { scale, zeroPoint } = graph.tensors[graph.inputs[0]].quantization!;
    return [(-128 - zeroPoint[0]) * scale[0], (127 - zeroPoint[0]) * scale[0]];
  };
  const cases = [
    ['pretrainedResnet', 'pretrainedResnet_quant'],
    ['vww_96_float', 'vww_96_int8'],
    ['ad01_fp32', 'ad01_int8'],
  ] as const;

  for (const [name, shippedName] of cases) {
    it(`${name}: quantizes, records the synthetic calibration, runs in the interpreter and the C generator, SQNR next to ${shippedName}`, async () => {
      const float = await loadModelFile(sharedModels[name]);
      const shipped = await loadModelFile(sharedModels[shippedName]);
      const range = inputRange(shipped);
      const { graph, report } = await quantizeModel(float, {
        modelName: `${name}.tflite`,
        calibration: { kind: 'synthetic', seed: 1, range },
        passOptions: { samples: 16 },
        evaluationLimit: 0,
      });
      expect(report.calibration).toEqual({ kind: 'synthetic', samples: 16, seed: 1, range, observer: 'min-max' });
      expect(report.evaluation).toBeUndefined();
      expect(graph.source?.description).toContain('calibration synthetic: 16 seeded uniform samples in');
      expect(graph.source?.description).toContain("not from the model's domain");
      // The shipped model's conventions: int8 in and out, the same ops, nothing in float.
      expect(graph.ops.map((op) => op.type)).toEqual(shipped.ops.map((op) => op.type));
      for (const id of [...graph.inputs, ...graph.outputs]) expect(graph.tensors[id].dtype).toBe('int8');
      expect(graph.tensors.some((t) => t.dtype === 'float32')).toBe(false);
      expect(generateModel(graph).arenaBytes).toBeGreaterThan(0);

      // Both int8 models against the float one, on the same fresh synthetic inputs.
      const test = syntheticSamples(float, { count: 6, seed: 2, min: range[0], max: range[1] });
      const reference = await referenceOutputs(float, test);
      const ours = await evaluateGraph(graph, test, reference);
      const theirs = await evaluateGraph(shipped, test, reference);
      console.info(`${name}: SQNR on synthetic inputs: ours ${ours.sqnrDb!.toFixed(1)} dB, ${shippedName} ${theirs.sqnrDb!.toFixed(1)} dB`);
      expect(ours.sqnrDb).toBeGreaterThan(15);
      expect(ours.sqnrDb).toBeGreaterThan(theirs.sqnrDb! - 3);
    });
  }
});

describe('quantizeModel: what it refuses', () => {
  it('a pipeline that does not quantize, and a dataset that does not fit the model', async () => {
    const float = await loadModelFile(sharedModels.trained_lstm);
    const kws01 = await openDataset(sharedPath('datasets/kws01'));
    await expect(quantizeModel(float, { modelName: 'm', pipeline: 'cleanup', calibration: { kind: 'synthetic' } })).rejects.toThrow(
      'pipeline cleanup does not quantize (no quantize-int8 pass); quantizeModel runs quantizing pipelines only',
    );
    await expect(quantizeModel(float, { modelName: 'm', calibration: { kind: 'dataset', dataset: kws01 } })).rejects.toThrow(
      'dataset kws01: sample shape [1,49,10,1] (490 values) does not fit model input serving_default_fixed_input:0 shape [1,28,28] (784 values)',
    );
    await expect(quantizeModel(float, { modelName: 'm', calibration: { kind: 'synthetic', range: [1, -1] } })).rejects.toThrow(
      'synthetic calibration: range [1, -1] is not a finite interval with min < max',
    );
  });

  it('splits a dataset into the first samples for calibration and the next ones held out', async () => {
    const float = await loadModelFile(sharedModels.kws_ref_model_float32);
    const kws01 = await openDataset(sharedPath('datasets/kws01'));
    const { calibration, heldOut, record } = await loadSamples(float, { kind: 'dataset', dataset: kws01 }, { count: 3, evaluationLimit: 2, observer: 'percentile' });
    expect([calibration.count, heldOut!.count]).toEqual([3, 2]);
    expect([0, 1, 2].map((i) => calibration.label!(i))).toEqual([7, 2, 6]); // Stop, Left, Right
    expect([0, 1].map((i) => heldOut!.label!(i))).toEqual([8, 5]); // Up, On
    // Real values: the stored int8 through the dataset's scale and zero point.
    const stored = new Int8Array(readFileSync(sharedPath('datasets/kws01/tst_000000_Stop_7.bin')));
    const real = (calibration.sample(0) as Float32Array[])[0];
    expect(real).toEqual(Float32Array.from(stored, (q) => Math.fround(q - 83) * Math.fround(0.5847029089927673)));
    expect(describeVariant('kws.tflite', 'quantize-int8', record)).toBe(
      'TinyDeploy quantize-int8 of kws.tflite; calibrated on dataset kws01, samples 0-2; percentile observer',
    );
  });
});
