/**
 * A quantized variant deploys like a shipped int8 model: kws_ref_model_float32 quantized on 50
 * kws01 samples, and the float resnet, vww and autoencoder quantized on synthetic inputs,
 * compiled, flashed to the emulated Cortex-M4F and run there, their outputs byte-identical to
 * the host interpreter's.
 */
import { describe, expect, it } from 'vitest';
import { requireTools } from '../../../../test/testing/tools.js';
import { sharedModels, sharedPath } from '../../../../test/testing/shared-data.js';
import { virtualM4f } from '../../common/boards/index.js';
import { openDataset } from '../datasets/dataset.js';
import { deployGraph } from '../deploy/deploy.js';
import { virtualBoardTestsUnavailable } from '../devices/qemu/testing/qemu.js';
import { loadModelFile } from '../model-file.js';
import { quantizeModel } from './quantize-model.js';

const unavailable = virtualBoardTestsUnavailable();

describe('quantized variant on virtual-m4f', () => {
  requireTools(unavailable);
  it('kws_ref_model_float32 quantized on kws01 deploys bit-exact', async () => {
    const float = await loadModelFile(sharedModels.kws_ref_model_float32);
    const { graph } = await quantizeModel(float, {
      modelName: 'kws_ref_model_float32.tflite',
      calibration: { kind: 'dataset', dataset: await openDataset(sharedPath('datasets/kws01')) },
      passOptions: { samples: 50 },
      evaluationLimit: 0,
    });
    const result = await deployGraph(graph, { board: virtualM4f, name: 'kws_int8.tflite', hash: 'sha256:quantized-kws', runs: 2 });
    expect(result.bitExact).toBe(true);
    expect(result.passed).toBe(true);
    expect(result.model.hybrid).toBe(false);
    expect(result.latency.unit).toBe('instructions');
    console.info(`quantized kws on virtual-m4f: ${result.latency.value} instructions, arena ${result.arenaBytes} B, flash ${result.flashBytes} B`);
  }, 120_000);

  // No dataset of their domain is in ../shared: calibrated on seeded uniform inputs, recorded as synthetic.
  for (const name of ['ad01_fp32', 'pretrainedResnet', 'vww_96_float'] as const) {
    it(`${name} quantized on synthetic inputs deploys bit-exact, its calibration recorded as synthetic`, async () => {
      const float = await loadModelFile(sharedModels[name]);
      const { graph, report } = await quantizeModel(float, {
        modelName: `${name}.tflite`,
        calibration: { kind: 'synthetic', seed: 1 },
        passOptions: { samples: 16 },
        evaluationLimit: 8,
      });
      expect(report.calibration).toMatchObject({ kind: 'synthetic', samples: 16 });
      const sqnr = report.evaluation!.heldOut!.variant.sqnrDb!;
      expect(sqnr).toBeGreaterThan(10);
      expect(graph.tensors[graph.inputs[0]].dtype).toBe('int8');
      const result = await deployGraph(graph, { board: virtualM4f, name: `${name}_int8.tflite`, hash: `sha256:quantized-${name}`, runs: 1 });
      expect(result.bitExact).toBe(true);
      console.info(`${name} quantized (synthetic): SQNR ${sqnr.toFixed(1)} dB; on virtual-m4f ${result.latency.value} instructions`);
    }, 120_000);
  }
});
