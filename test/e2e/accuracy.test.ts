/**
 * Accuracy end to end, in Debian's Chromium against browser mode (`tinydeploy serve`, the real
 * store, job worker, QEMU and arm-none-eabi-gcc): import kws_ref_model.tflite, upload the kws01
 * dataset folder from the page and see its samples drawn as spectrograms, evaluate it (the
 * confusion matrix drawn as a heat map, per-class precision and recall, top-k), validate it on the
 * M4F virtual board over 20 samples (20 of 20 identical, the host's accuracy on the board), and
 * find both in History. Screenshots at 1280x800 and 1920x1080 go to test/e2e/screenshots/.
 */

import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeZip } from '../../src/core/node/datasets/testing/make-zip.js';
import { repoRoot } from '../testing/shared-data.js';
import { requireTools } from '../testing/tools.js';
import { createProject, missingTools, saveScreenshot, startAppSession, type AppSession, type ServeProcess } from './testing/harness.js';

const missing = missingTools({ deploy: true });
const modelFile = join(repoRoot, 'resources/models/kws_ref_model.tflite');
const kws01 = join(repoRoot, 'resources/datasets/kws01');

/** `expect.poll` with room for a loaded CI machine. */
const poll = <T>(read: () => Promise<T> | T, timeout = 15_000) => expect.poll(read, { timeout });

describe('Accuracy in Chromium against tinydeploy serve', () => {
  requireTools(missing);
  let session: AppSession | undefined;
  let dataDirectory: string;
  let serve: ServeProcess;
  let page: Page;
  let pageErrors: string[] = [];

  beforeAll(async () => {
    session = await startAppSession('accuracy');
    ({ dataDirectory, serve, page, pageErrors } = session);
  });

  afterAll(async () => {
    await session?.close();
  });

  it('uploads the kws01 folder and previews its samples as spectrograms', async () => {
    await page.goto(serve.url);
    await createProject(page, 'Accuracy');
    await page.getByTestId('model-file-input').setInputFiles(modelFile);
    await page.getByTestId('total-macs').waitFor();

    await page.getByRole('tab', { name: 'Accuracy' }).click();
    await page.getByTestId('datasets-panel').waitFor();
    // The browser sends the folder's files; the server writes them into its data folder's datasets/.
    await page.getByTestId('dataset-folder-input').setInputFiles(kws01);
    await page.getByTestId('dataset-row').first().waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('dataset-row').first().textContent()).toContain('kws01');
    expect(await page.getByTestId('dataset-row').first().textContent()).toContain('1,000');
    await page.getByTestId('dataset-preview').waitFor();
    expect(await page.getByTestId('dataset-preview').getAttribute('data-kind')).toBe('spectrogram');
    expect(await page.getByTestId('dataset-format').textContent()).toContain('int8 1×49×10×1');
    expect(await page.getByTestId('sample-spectrogram').count()).toBe(6);
    expect(await page.getByTestId('dataset-sample').first().textContent()).toContain('Stop');
  });

  it('evaluates: accuracy, the confusion matrix as a picture, precision and recall per class, top-k', async () => {
    await page.getByTestId('evaluate-limit').fill('200');
    await page.getByTestId('evaluate-button').click();
    await page.getByTestId('evaluation-result').waitFor({ timeout: 60_000 });
    const accuracy = await page.getByTestId('evaluation-accuracy').textContent();
    expect(accuracy).toMatch(/^\d{2}\.\d{2}%$/);
    expect(Number.parseFloat(accuracy!)).toBeGreaterThan(85);
    // 12 classes: a 12 × 12 heat map whose counts add up to the 200 samples.
    const matrix = page.getByTestId('confusion-matrix');
    expect(await matrix.locator('svg').getAttribute('role')).toBe('img');
    expect(await matrix.getByTestId('confusion-row').count()).toBe(12);
    expect(await matrix.getByTestId('confusion-cell').count()).toBe(144);
    const counts = await matrix.getByTestId('confusion-cell').evaluateAll((cells) => cells.map((cell) => Number(cell.getAttribute('data-count'))));
    expect(counts.reduce((a, b) => a + b, 0)).toBe(200);
    expect(await page.getByTestId('class-row').count()).toBe(12);
    expect(await page.getByTestId('class-recall').first().textContent()).toMatch(/^(\d+\.\d%|–)$/);
    expect(await page.getByTestId('top-1').textContent()).toBe(accuracy);
    expect(await page.getByTestId('top-5').textContent()).toMatch(/^\d+\.\d{2}%$/);
    await saveScreenshot(page, 'accuracy-evaluate-1280x800');
  });

  it('validates on virtual-m4f over 20 kws01 samples: 20 of 20 identical, the same accuracy on board and host', async () => {
    await poll(() => page.getByTestId('validate-board-select').inputValue()).toBe('virtual-m4f');
    // Built as Deploy & Profile builds it: the project's "optimize for" setting (code size, the default).
    expect(await page.getByTestId('validate-optimize-for').textContent()).toBe('code size');
    await page.getByTestId('validate-samples').fill('20');
    await page.getByTestId('validate-button').click();
    await page.getByTestId('validation-result').waitFor({ timeout: 120_000 });
    expect(await page.getByTestId('validation-equal').textContent()).toBe('20/20');
    expect(await page.getByTestId('validation-badge').textContent()).toContain('bit-exact on every sample');
    expect(await page.getByTestId('validation-board-accuracy').textContent()).toBe('90.0%');
    expect(await page.getByTestId('validation-host-accuracy').textContent()).toBe('90.0%');
    expect(await page.getByTestId('validation-max-diff').textContent()).toBe('0');
    expect(await page.getByTestId('validation-optimize-for').textContent()).toBe('code size');
    await saveScreenshot(page, 'accuracy-validate-1280x800');
    await page.setViewportSize({ width: 1920, height: 1080 });
    await saveScreenshot(page, 'accuracy-1920x1080');
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  it('keeps both in History, with their details', async () => {
    await page.getByRole('tab', { name: 'History' }).click();
    await page.getByTestId('evaluations-history').waitFor();
    const rows = page.getByTestId('evaluation-history-row');
    expect(await rows.count()).toBe(2);
    // Newest first: the validation, then the evaluation.
    expect(await rows.nth(0).getByTestId('evaluation-history-check').textContent()).toBe('20/20 identical');
    expect(await rows.nth(0).textContent()).toContain('virtual-m4f');
    // What the validation's firmware was built for; the host evaluation builds nothing.
    expect(await page.getByTestId('evaluation-history-optimize-for').allTextContents()).toEqual(['code size', '–']);
    await rows.nth(1).getByRole('button', { name: 'Details' }).click();
    await page.getByTestId('evaluation-history-detail').getByTestId('confusion-matrix').waitFor();
    await saveScreenshot(page, 'accuracy-history-1280x800');
  });

  it('adds a zipped dataset folder too', async () => {
    const files = readdirSync(kws01).filter((file) => file === 'dataset.json' || file === 'y_labels.csv' || /^tst_00000\d_/.test(file));
    const labels = readFileSync(join(kws01, 'y_labels.csv'), 'utf8').split('\n').slice(0, 10).join('\n') + '\n';
    const archive = makeZip(files.map((file) => ({ name: `kws-ten/${file}`, bytes: file === 'y_labels.csv' ? new TextEncoder().encode(labels) : new Uint8Array(readFileSync(join(kws01, file))) })));
    const zipPath = join(dataDirectory, 'kws-ten.zip');
    writeFileSync(zipPath, archive);
    await page.getByRole('tab', { name: 'Accuracy' }).click();
    await page.getByTestId('dataset-zip-input').setInputFiles(zipPath);
    await poll(() => page.getByTestId('dataset-row').count()).toBe(2);
    expect(await page.getByTestId('dataset-row').nth(1).textContent()).toContain('kws-ten');
    expect(await page.getByTestId('dataset-row').nth(1).textContent()).toContain('10');
    expect(pageErrors).toEqual([]);
  });
});
