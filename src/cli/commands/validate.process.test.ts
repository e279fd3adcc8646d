/**
 * `tinydeploy validate` on the M4F virtual board (QEMU, arm-none-eabi-gcc), the real command in
 * this process: kws_ref_model (int8) over 20 kws01 samples must give 20 byte-identical outputs and
 * the host's accuracy; its float32 twin gives the float figures, within deploy's tolerance.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { virtualBoardTestsUnavailable } from '../../core/node/devices/qemu/testing/qemu.js';
import { repoRoot, sharedModels } from '../../../test/testing/shared-data.js';
import { requireTools } from '../../../test/testing/tools.js';
import { main } from '../main.js';
import type { ValidateJson } from './validate.js';

const kws01 = join(repoRoot, 'resources/datasets/kws01');
const int8Model = join(repoRoot, 'resources/models/kws_ref_model.tflite');

async function tinydeploy(argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, { stdout: { write: (text: string) => (stdout += text) > '' }, stderr: { write: (text: string) => (stderr += text) > '' } });
  return { code, stdout, stderr };
}

describe('tinydeploy validate on virtual-m4f', () => {
  requireTools(virtualBoardTestsUnavailable());

  it('kws_ref_model (int8), 20 kws01 samples: 20 of 20 byte-identical, the same accuracy on board and host', async () => {
    const { code, stdout, stderr } = await tinydeploy(['validate', int8Model, '--board', 'virtual-m4f', '--dataset', kws01, '--samples', '20', '--json']);
    expect(code, stderr).toBe(0);
    const json = JSON.parse(stdout) as ValidateJson;
    expect(json).toMatchObject({ board: 'virtual-m4f', samples: 20, equal: 20, passed: 20, maxAbsDiff: 0, rmse: 0, mae: 0, cosine: 1, l2r: 0, outputDType: 'int8', disagreements: 0, differing: [] });
    // kws_ref_model gets 18 of kws01's first 20 samples right (90.1% over all 1000).
    expect(json.accuracy).toEqual({ board: 0.9, host: 0.9 });
    expect(Object.keys(json)).toEqual(expect.arrayContaining(['samples', 'equal', 'accuracy', 'maxAbsDiff', 'rmse', 'mae', 'cosine', 'l2r']));
  });

  it('kws_ref_model_float32: the float figures, every sample within the tolerance, the text report', async () => {
    const { code, stdout, stderr } = await tinydeploy(['validate', sharedModels.kws_ref_model_float32, '--board', 'virtual-m4f', '--dataset', kws01, '--samples', '20']);
    expect(code, stderr).toBe(0);
    expect(stdout).toMatch(/^kws_ref_model_float32\.tflite on virtual-m4f against the host, 20 samples of kws01:\n/);
    expect(stdout).toMatch(/identical outputs +\d+ of 20; 20 within the float tolerance\n/);
    expect(stdout).toMatch(/accuracy +board 90\.00%, host 90\.00% \(0 samples classified differently\)/);

    const json = JSON.parse((await tinydeploy(['validate', sharedModels.kws_ref_model_float32, '--dataset', kws01, '--samples', '5', '--json'])).stdout) as ValidateJson;
    expect(json.outputDType).toBe('float32');
    expect(json.passed).toBe(5);
    // Softmax outputs in [0, 1]: a board's float arithmetic may differ in the last bits, never more.
    expect(json.maxAbsDiff).toBeLessThan(1e-5);
    expect(json.rmse).toBeLessThanOrEqual(json.maxAbsDiff);
    expect(json.mae).toBeLessThanOrEqual(json.rmse);
    expect(json.cosine).toBeGreaterThan(0.999_999);
    expect(json.l2r).toBeLessThan(1e-5);
    expect(json.accuracy.board).toBe(json.accuracy.host);
  });

  it('refuses a dataset that does not fit the model before building anything', async () => {
    const { code, stderr } = await tinydeploy(['validate', sharedModels.kws_ref_model_float32, '--dataset', join(repoRoot, '../shared/datasets/mnist'), '--samples', '2']);
    expect(code).not.toBe(0);
    expect(stderr).toMatch(/dataset mnist: sample shape \[1,28,28\] \(784 values\) does not fit model input/);
  });
});
