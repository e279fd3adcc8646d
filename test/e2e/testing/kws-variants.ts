/**
 * A step several end-to-end tests start from: the float KWS model imported into the open project,
 * kws01 (under the session's data folder) added as a dataset, and the model quantized to int8 on
 * 50 calibration samples with 100 held-out samples evaluated, so the project holds two variants
 * with accuracies.
 */

import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import { sharedModels } from '../../testing/shared-data.js';

/** `expect.poll` with room for a loaded CI machine. */
const poll = <T>(read: () => Promise<T> | T, timeout = 15_000) => expect.poll(read, { timeout });

export async function quantizeKwsOnKws01(page: Page, dataDirectory: string): Promise<void> {
  await page.getByTestId('model-file-input').setInputFiles(sharedModels.kws_ref_model_float32);
  await page.getByTestId('total-macs').waitFor();
  // Quantize on kws01: calibration, then both variants evaluated on held-out samples.
  await page.getByTestId('dataset-path-input').fill(join(dataDirectory, 'datasets/kws01'));
  await page.getByTestId('add-dataset-button').click();
  await poll(() => page.getByTestId('calibration-select').locator('option:checked').textContent()).toContain('kws01');
  await page.getByTestId('samples-input').fill('50');
  await page.getByTestId('evaluation-limit-input').fill('100');
  await page.getByTestId('quantize-button').click();
  await page.getByTestId('optimize-result').waitFor({ timeout: 180_000 });
  await poll(() => page.getByTestId('variant-row').count()).toBe(2);
}
