/**
 * A project's "Optimize for" setting in Chromium against browser mode (`tinydeploy serve`, the real
 * store, worker, QEMU and arm-none-eabi-gcc): a model of mixed depthwise layers deployed for code
 * size (the default), then the setting changed to speed, kept across a reload, and deployed again;
 * then deployed once for code size without changing the project's setting; each result says which
 * setting it was built with, all are bit-exact, and speed runs fewer instructions.
 */

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportTflite } from '../../src/core/common/exporters/index.js';
import { mixedDepthwiseGraph } from '../codegen/testing/mixed-depthwise.js';
import { createProject, missingTools, saveScreenshot, startAppSession, type AppSession } from './testing/harness.js';
import { requireTools } from '../testing/tools.js';

const missing = missingTools({ deploy: true });

/** `expect.poll` with room for a loaded CI machine (its default gives up after one second). */
const poll = <T>(read: () => Promise<T> | T) => expect.poll(read, { timeout: 15_000 });

describe('"Optimize for" in Chromium against tinydeploy serve', () => {
  requireTools(missing);
  let session: AppSession;
  let page: Page;

  beforeAll(async () => {
    session = await startAppSession('optimize-for', { viewport: { width: 1440, height: 960 } });
    page = session.page;
  });

  afterAll(async () => {
    await session?.close();
  });

  /** Deploys the selected variant, waits for its result (a new measurement) and returns its latency (instructions). */
  async function deploy(button = 'deploy-button'): Promise<number> {
    const result = page.getByTestId('deploy-result');
    const shown = async () => ((await result.count()) > 0 ? await result.getAttribute('data-measurement') : null);
    const before = await shown();
    await page.getByTestId(button).click();
    await expect.poll(shown, { timeout: 120_000 }).not.toBe(before);
    expect(await page.getByTestId('deploy-progress').getAttribute('data-status')).toBe('succeeded');
    expect(await result.getByTestId('bit-exact-badge').textContent()).toContain('bit-exact');
    return Number((await page.getByTestId('latency-value').textContent())!.replaceAll(',', ''));
  }

  it('deploys for code size by default, then for speed once the project is set so, then once for code size leaving the project at speed, saying which on each result', async () => {
    const model = join(session.dataDirectory, 'mixed_depthwise.tflite');
    writeFileSync(model, exportTflite(mixedDepthwiseGraph()));
    await page.goto(session.serve.url);
    await createProject(page, 'Depthwise');
    await page.getByTestId('model-file-input').setInputFiles(model);
    await page.getByTestId('total-macs').waitFor();

    await page.getByRole('tab', { name: 'Deploy & Profile' }).click();
    await poll(() => page.getByTestId('board-select').inputValue()).toBe('virtual-m4f');
    expect(await page.getByTestId('optimize-select').inputValue()).toBe('size');
    expect(await page.getByLabel('Optimize for').inputValue()).toBe('size');
    expect(await page.getByTestId('optimize-note').textContent()).toMatch(/^Optimize for code size \(this project's setting\): a faster kernel only where the whole model can use it/);
    const size = await deploy();
    expect(await page.getByTestId('figure-optimize-for').textContent()).toContain('Code size');

    await page.getByTestId('optimize-select').selectOption('speed');
    await poll(() => page.getByTestId('optimize-note').textContent()).toMatch(/^Optimize for speed \(this project's setting\): each layer gets its fastest kernel/);
    // Kept by the project: the same after a reload.
    await page.reload();
    await page.getByTestId('deploy-panel').waitFor();
    await poll(() => page.getByTestId('optimize-select').inputValue()).toBe('speed');
    // The last result still says what it was built with.
    await poll(() => page.getByTestId('figure-optimize-for').textContent()).toContain('Code size');

    const speed = await deploy();
    expect(await page.getByTestId('figure-optimize-for').textContent()).toContain('Speed');
    expect(speed).toBeLessThan(size);
    await saveScreenshot(page, 'optimize-for-speed-result');
    // One deploy for the other setting, the project's left at speed: the same build as the first.
    expect(await page.getByTestId('deploy-other-button').textContent()).toBe('Deploy once for code size');
    const once = await deploy('deploy-other-button');
    expect(await page.getByTestId('figure-optimize-for').textContent()).toContain('Code size');
    expect(once).toBe(size);
    await page.reload();
    await page.getByTestId('deploy-panel').waitFor();
    await poll(() => page.getByTestId('optimize-select').inputValue()).toBe('speed');
    expect(await page.getByTestId('deploy-other-button').textContent()).toBe('Deploy once for code size');
    // History: each measurement with the setting it was built with, newest first.
    await page.getByRole('tab', { name: 'History' }).click();
    await page.getByTestId('history-row').first().waitFor();
    await poll(() => page.getByTestId('history-optimize-for').allTextContents()).toEqual(['code size', 'speed', 'code size']);
    // Compare: the variant on the board once per setting, each row saying which.
    await page.getByRole('tab', { name: 'Compare' }).click();
    await poll(() => page.getByTestId('compare-row').count()).toBe(2);
    const compared = await page.getByTestId('compare-row').allTextContents();
    expect(compared[0]).toContain('for code size');
    expect(compared[1]).toContain('for speed');
    // Their reports can be told apart in the export list.
    const reports = await page.getByTestId('export-measurement').locator('option').allTextContents();
    expect(reports.map((text) => text.replace(/, \d.*$/, ''))).toEqual(['mixed_depthwise on virtual-m4f for code size', 'mixed_depthwise on virtual-m4f for speed']);
    expect(session.pageErrors).toEqual([]);
  }, 300_000);
});
