/**
 * The MLPerf Tiny keyword-spotting model, float (hybrid) file quantized on kws01: calibrated on
 * the first 200 samples (the default), measured on the next 200 next to the int8 model shipped
 * with it (TFLite's converter, calibrated on its own data). The full comparison (all 800 held-out
 * samples, 91% ours vs 90% shipped) is in bench/quantize.
 */
import { describe, expect, it } from 'vitest';
import { sharedModels, sharedPath } from '../../../../test/testing/shared-data.js';
import { evaluateGraph, referenceOutputs } from '../../common/passes/quantize/index.js';
import { openDataset } from '../datasets/dataset.js';
import { loadModelFile } from '../model-file.js';
import { loadSamples, quantizeModel } from './quantize-model.js';

describe('kws_ref_model_float32 quantized on kws01', () => {
  it('is no more than 0.5 points less accurate than the shipped kws_ref_model on samples it was not calibrated on', async () => {
    const float = await loadModelFile(sharedModels.kws_ref_model_float32);
    const shipped = await loadModelFile(sharedModels.kws_ref_model);
    const kws01 = await openDataset(sharedPath('datasets/kws01'));
    const calibration = { kind: 'dataset', dataset: kws01 } as const;
    const { graph, report } = await quantizeModel(float, { modelName: 'kws_ref_model_float32.tflite', calibration, evaluationLimit: 0 });
    expect(report.calibration).toMatchObject({ dataset: 'kws01', samples: 200, first: 0 });
    expect(graph.tensors[graph.inputs[0]].dtype).toBe('int8');

    const { heldOut } = await loadSamples(float, calibration, { count: 200, evaluationLimit: 200, observer: 'min-max' });
    const reference = await referenceOutputs(float, heldOut!);
    const ours = await evaluateGraph(graph, heldOut!, reference);
    const theirs = await evaluateGraph(shipped, heldOut!, reference);
    console.info(`kws01 samples 200-399: ours ${ours.accuracy}, SQNR ${ours.sqnrDb!.toFixed(1)} dB; shipped ${theirs.accuracy}, SQNR ${theirs.sqnrDb!.toFixed(1)} dB`);
    expect(ours.samples).toBe(200);
    expect(ours.accuracy).toBeGreaterThanOrEqual(theirs.accuracy! - 0.005);
    expect(ours.sqnrDb).toBeGreaterThan(theirs.sqnrDb! - 1);
    expect(ours.agreement).toBeGreaterThanOrEqual(0.97);
  });
});
