/**
 * The float MNIST LSTM quantized all int8 and all 16x8 (the quantizer's int16 mode on every op:
 * TFLite Micro's 16x8 LSTM, fully connected and int16 softmax), calibrated on mnist's first 50
 * rows and measured on the next 200: the 16x8 model keeps the float accuracy and follows the float
 * outputs more closely than the int8 one. The 1,000-row comparison is in bench/s16 (rnn.ts).
 */
import { describe, expect, it } from 'vitest';
import { sharedModels, sharedPath } from '../../../../test/testing/shared-data.js';
import { lstmInputIndex } from '../../common/ops/lstm-layout.js';
import { openDataset } from '../datasets/dataset.js';
import { loadModelFile } from '../model-file.js';
import { quantizeModel } from './quantize-model.js';

describe('trained_lstm at 16x8 on MNIST', () => {
  it('keeps the float accuracy on held-out rows, with a higher SQNR than int8', async () => {
    const float = await loadModelFile(sharedModels.trained_lstm);
    const mnist = await openDataset(sharedPath('datasets/mnist'));
    const run = (int16Layers?: string) =>
      quantizeModel(float, { modelName: 'trained_lstm.tflite', calibration: { kind: 'dataset', dataset: mnist }, passOptions: { samples: 50, ...(int16Layers ? { int16Layers } : {}) }, evaluationLimit: 200 });
    const int8 = await run();
    const wide = await run(float.ops.map((_, index) => index).join(','));

    const lstm = wide.graph.ops.find((op) => op.type === 'UNIDIRECTIONAL_SEQUENCE_LSTM')!;
    const tensor = (slot: number) => wide.graph.tensors[lstm.inputs[slot]];
    expect([tensor(lstmInputIndex.input).dtype, tensor(lstmInputIndex.outputState).dtype, tensor(lstmInputIndex.cellState).dtype]).toEqual(['int16', 'int16', 'int16']);
    expect(tensor(lstmInputIndex.outputState).quantization!.zeroPoint).toEqual([0]);
    const softmax = wide.graph.ops.find((op) => op.type === 'SOFTMAX')!;
    expect(wide.graph.tensors[softmax.outputs[0]].quantization).toEqual({ scale: [1 / 32768], zeroPoint: [0], axis: 0 });

    const a = int8.report.evaluation!.heldOut!;
    const b = wide.report.evaluation!.heldOut!;
    console.info(`mnist rows 50-249: float ${a.parent.accuracy}, int8 ${a.variant.accuracy} (${a.variant.sqnrDb!.toFixed(1)} dB), 16x8 ${b.variant.accuracy} (${b.variant.sqnrDb!.toFixed(1)} dB)`);
    expect(b.variant.samples).toBe(200);
    expect(b.variant.accuracy).toBeGreaterThanOrEqual(b.parent.accuracy! - 0.005);
    expect(b.variant.agreement).toBeGreaterThanOrEqual(0.99);
    // The gates and the cell are int16 in both (TFLite's integer LSTM); int16 x, h, FC and softmax add about 5 dB.
    expect(b.variant.sqnrDb).toBeGreaterThan(a.variant.sqnrDb! + 3);
  }, 120_000);
});
