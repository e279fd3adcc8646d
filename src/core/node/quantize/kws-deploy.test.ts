/**
 * A quantized variant deploys like a shipped int8 model: kws_ref_model_float32 quantized on 50
 * kws01 samples, compiled, flashed to the emulated Cortex-M4F and run there, its outputs
 * byte-identical to the host interpreter's.
 */
import { describe, expect, it } from 'vitest';
import { sharedModels, sharedPath } from '../../../../test/shared.js';
import { virtualM4f } from '../../common/boards/index.js';
import { openDataset } from '../datasets/dataset.js';
import { deployGraph } from '../deploy/deploy.js';
import { virtualBoardTestsUnavailable } from '../devices/qemu/qemu-test-support.js';
import { loadModelFile } from '../model-file.js';
import { quantizeModel } from './quantize-model.js';

const unavailable = virtualBoardTestsUnavailable();

describe.skipIf(unavailable !== undefined)(`quantized variant on virtual-m4f${unavailable ? ` (skipped: ${unavailable})` : ''}`, () => {
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
});
