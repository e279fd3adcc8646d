/**
 * The Optimize panel end to end, in Debian's Chromium against browser mode (`tinydeploy serve`,
 * the real store and job worker with the tfjs training engine): import the MNIST LSTM, add the
 * MNIST set, pick "prune channels → fine-tune", prune half of every prunable group and fine-tune
 * one short seeded epoch; the job's loss and validation accuracy appear as a curve, and the new
 * variant sits beside its parent with held-out accuracy, parameters and MACs before and after.
 * A longer fine-tuning draws each step's loss while it runs and is cancelled; once both are
 * deployed on the M4F virtual board, latency, RAM and flash join the comparison. The post-training quantize form stays one pipeline choice away. Screenshots at 1280x800 go to
 * $TINYDEPLOY_ARTEFACTS (default: a folder under the system's temp folder, printed).
 */

import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sharedModels, sharedPath } from '../testing/shared-data.js';
import { requireTools } from '../testing/tools.js';
import { createProject, missingTools, saveScreenshot, startAppSession, type AppSession, type ServeProcess } from './testing/harness.js';

const missing = missingTools({ deploy: false });
const artefacts = process.env.TINYDEPLOY_ARTEFACTS ?? join(tmpdir(), 'tinydeploy-e2e-optimize');

/** `expect.poll` with room for a loaded CI machine. */
const poll = <T>(read: () => Promise<T> | T, timeout = 15_000) => expect.poll(read, { timeout });

describe('the Optimize panel in Chromium against tinydeploy serve', () => {
  requireTools(missing);
  let session: AppSession | undefined;
  let dataDirectory: string;
  let serve: ServeProcess;
  let page: Page;
  let pageErrors: string[] = [];

  beforeAll(async () => {
    session = await startAppSession('optimize', { datasets: { mnist: sharedPath('datasets/mnist') } });
    ({ dataDirectory, serve, page, pageErrors } = session);
  });

  afterAll(async () => {
    await session?.close();
    console.log(`optimize e2e screenshots: ${artefacts}`);
  });

  it('prunes and fine-tunes the MNIST LSTM from the app: the curve, then the new variant beside its parent', async () => {
    await page.goto(serve.url);
    await createProject(page, 'Optimize');
    await page.getByTestId('model-file-input').setInputFiles(sharedModels.trained_lstm);
    await page.getByTestId('total-macs').waitFor();

    // The post-training quantize form is the panel's first pipeline; training pipelines are a choice away.
    await page.getByTestId('quantize-button').waitFor();
    await page.getByTestId('pipeline-select').selectOption('prune-finetune');
    await page.getByTestId('epochs-input').waitFor();
    expect(await page.getByTestId('quantize-button').count()).toBe(0);
    expect(await page.getByTestId('training-problem').textContent()).toMatch(/needs a dataset/);
    expect(await page.getByTestId('optimize-button').isDisabled()).toBe(true);

    await page.getByTestId('dataset-path-input').fill(join(dataDirectory, 'datasets/mnist'));
    await page.getByTestId('add-dataset-button').click();
    await poll(() => page.getByTestId('training-dataset-select').locator('option:checked').textContent()).toContain('mnist');
    await page.getByTestId('prune-target-input').fill('50');
    await page.getByTestId('epochs-input').fill('0');
    await poll(() => page.getByTestId('training-problem').textContent()).toBe('Epochs must be a whole number from 1 to 10000, not 0');
    await page.getByTestId('epochs-input').fill('1');
    await page.getByTestId('max-steps-input').fill('30');
    await page.getByTestId('seed-input').fill('3');
    expect(await page.getByTestId('training-problem').count()).toBe(0);
    await page.getByTestId('optimize-button').click();

    await poll(() => page.getByTestId('optimize-progress').getAttribute('data-status')).toMatch(/queued|running/);
    await poll(() => page.getByTestId('optimize-progress').getAttribute('data-status'), 300_000).toBe('succeeded');
    const log = await page.getByTestId('job-log').textContent();
    expect(log).toContain('pass 1 of 2: prune-channels');
    expect(log).toMatch(/finetune: epoch 1\/1: loss \d+\.\d+, validation accuracy \d+\.\d\d%/);

    // The curve: one epoch point with its loss and validation accuracy.
    const chart = page.getByTestId('training-chart');
    expect(await chart.getAttribute('data-epochs')).toBe('1');
    expect(await chart.getByTestId('epoch-point').count()).toBe(1);
    expect(await chart.locator('svg').getAttribute('aria-label')).toMatch(/last finetune epoch 1 of 1, loss \d+\.\d{4}, validation accuracy \d+\.\d\d%/);
    expect(await chart.locator('.training-chart__accuracy-point').count()).toBe(1);

    // The new variant beside its parent: the parameters the job test pins (half the LSTM's hidden units), fewer MACs, both accuracies.
    await page.getByTestId('optimize-result').waitFor();
    expect(await page.getByTestId('compare-params-before').textContent()).toBe('9,530');
    expect(await page.getByTestId('compare-params-after').textContent()).toBe('4,370');
    const macsBefore = Number((await page.getByTestId('compare-macs-before').textContent())!.replace(/,/g, ''));
    const macsAfter = Number((await page.getByTestId('compare-macs-after').textContent())!.replace(/,/g, ''));
    expect(macsAfter).toBeLessThan(macsBefore);
    expect(await page.getByTestId('compare-accuracy-before').textContent()).toBe('99.25%');
    expect(await page.getByTestId('compare-accuracy-after').textContent()).toMatch(/^\d+\.\d\d%$/);
    expect(await page.getByTestId('optimize-result').textContent()).toContain('2,000 held-out samples of mnist');
    await poll(() => page.getByTestId('variant-row').count()).toBe(2);
    expect(await page.getByTestId('optimize-variant-link').textContent()).toBe('trained_lstm-prune-channels-finetune');
    await saveScreenshot(page, 'optimize-trained', artefacts);

    // The new variant opens from the result, the pipeline still chosen (to prune it further).
    await page.getByTestId('optimize-variant-link').click();
    await poll(() => page.getByTestId('quantize-panel').locator('h2, h3').first().textContent()).toContain('trained_lstm-prune-channels-finetune');
    expect(await page.getByTestId('pipeline-select').inputValue()).toBe('prune-finetune');
    expect(await page.getByTestId('prune-target-input').inputValue()).toBe('50');
    expect(pageErrors).toEqual([]);
  }, 600_000);

  it('draws the loss of each step while fine-tuning, and cancels: no variant is made', async () => {
    await page.getByTestId('pipeline-select').selectOption('finetune');
    expect(await page.getByTestId('prune-target-input').count()).toBe(0);
    await page.getByTestId('epochs-input').fill('50');
    await page.getByTestId('max-steps-input').fill('');
    await page.getByTestId('optimize-button').click();
    // The live curve: steps seen so far as a line before any epoch has finished.
    await page.getByTestId('training-steps').waitFor({ timeout: 120_000 });
    expect(await page.getByTestId('optimize-progress').getAttribute('data-status')).toBe('running');
    expect(await page.getByTestId('training-chart').locator('svg').getAttribute('aria-label')).toMatch(/no epoch finished yet; \d+ steps seen, loss \d+\.\d{4}/);
    await saveScreenshot(page, 'optimize-training-live', artefacts);
    await page.getByTestId('cancel-optimize').click();
    await poll(() => page.getByTestId('optimize-progress').getAttribute('data-status'), 30_000).toBe('cancelled');
    expect(await page.getByTestId('optimize-result').count()).toBe(0);
    expect(await page.getByTestId('variant-row').count()).toBe(2);
    // Free to start again once cancelled.
    expect(await page.getByTestId('optimize-button').isDisabled()).toBe(false);
    expect(pageErrors).toEqual([]);
  }, 300_000);

  it('once both are deployed on the M4F virtual board, their latency, RAM and flash sit beside each other', async () => {
    requireTools(missingTools({ deploy: true }));
    await page.getByRole('tab', { name: 'Deploy & Profile' }).click();
    const variantIds = await page.getByTestId('variant-select').locator('option').evaluateAll((options) => options.map((option) => (option as HTMLOptionElement).value));
    expect(variantIds).toHaveLength(2);
    for (const variantId of variantIds) {
      await page.getByTestId('variant-select').selectOption(variantId);
      await poll(() => page.getByTestId('board-select').inputValue()).toBe('virtual-m4f');
      await page.getByTestId('deploy-button').click();
      await page.getByTestId('deploy-progress').waitFor();
      await poll(() => page.getByTestId('deploy-progress').getAttribute('data-status'), 240_000).toBe('succeeded');
    }
    await page.getByRole('tab', { name: 'Model' }).click();
    // The parent's newest optimize job is the pruning that made the variant.
    await page.getByTestId('variant-name').filter({ hasText: /^trained_lstm$/ }).click();
    await page.getByTestId('optimize-compare-table').waitFor();
    await poll(() => page.getByTestId('compare-latency').count()).toBe(1);
    const cells = async (key: string) => page.getByTestId(`compare-${key}`).locator('td').allTextContents();
    const [latencyBefore, latencyAfter, latencyChange] = await cells('latency');
    expect(await page.getByTestId('compare-latency').locator('th').textContent()).toBe('Latency on virtual-m4f');
    expect(latencyBefore).toMatch(/^[\d,]+ instructions$/);
    expect(Number(latencyAfter.replace(/\D/g, ''))).toBeLessThan(Number(latencyBefore.replace(/\D/g, '')));
    expect(latencyChange).toMatch(/^−\d+\.\d%$/);
    for (const key of ['ram', 'flash']) {
      const [before, after] = await cells(key);
      expect(before).toMatch(/\d.*B$/);
      expect(after).toMatch(/\d.*B$/);
    }
    await saveScreenshot(page, 'optimize-deployed', artefacts);
    expect(pageErrors).toEqual([]);
  }, 600_000);
});
