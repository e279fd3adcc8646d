/**
 * Defects a new user met, each checked in Chromium at 1280x800 against the fake services (the
 * real renderer, simulated deploys): importing the same file twice, renaming a variant with a
 * name too long, long names and the Input card cut off, tables hiding columns behind a scroll bar,
 * the Jobs badge counting finished jobs, the last good result vanishing after a failed deploy,
 * the Quantize panel for an int8 variant, and a deleted project's jobs left in Jobs.
 */

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../testing/shared-data.js';
import { requireTools } from '../testing/tools.js';
import { startFakeUiServer } from './testing/fake-ui-server.js';
import { launchChromium, missingTools, saveScreenshot } from './testing/harness.js';

const missing = missingTools({ deploy: false });
const modelBytes = readFileSync(join(repoRoot, 'resources/models/kws_ref_model.tflite'));
const poll = <T>(read: () => Promise<T> | T) => expect.poll(read, { timeout: 15_000 });

/** How many pixels a table's scrolling container hides to the right (0: every column shows). */
function hiddenWidth(page: Page, tableTestId: string): Promise<number> {
  return page.evaluate((testId) => {
    const table = document.querySelector(`[data-testid="${testId}"]`);
    const scroller = table?.closest('.table-scroll') ?? table;
    if (!scroller) throw new Error(`no table ${testId}`);
    return scroller.scrollWidth - scroller.clientWidth;
  }, tableTestId);
}

/** Whether an element's text is cut (it is wider or taller than its box shows). */
function isCut(page: Page, testId: string): Promise<boolean> {
  return page.evaluate((id) => {
    const element = document.querySelector<HTMLElement>(`[data-testid="${id}"]`);
    if (!element) throw new Error(`no element ${id}`);
    return element.scrollWidth > element.clientWidth + 1 || element.scrollHeight > element.clientHeight + 1;
  }, testId);
}

describe('defects found by a new user, at 1280x800', () => {
  requireTools(missing);
  let server: Awaited<ReturnType<typeof startFakeUiServer>>;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    [server, browser] = await Promise.all([startFakeUiServer(), launchChromium()]);
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(`${server.url}?step=50`);
    await page.getByTestId('home-screen').waitFor();
    await page.getByRole('button', { name: 'New project' }).click();
    await page.getByRole('navigation', { name: 'Projects' }).getByLabel('Project name').fill('Defects');
    await page.getByRole('navigation', { name: 'Projects' }).getByRole('button', { name: 'Create' }).click();
    await page.getByTestId('project-title').filter({ hasText: 'Defects' }).waitFor();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('importing the same file twice says so and makes no second variant', async () => {
    await page.getByTestId('model-file-input').setInputFiles({ name: 'kws_ref_model.tflite', mimeType: 'application/octet-stream', buffer: modelBytes });
    await poll(() => page.getByTestId('variant-row').count()).toBe(1);
    await page.getByTestId('model-file-input').setInputFiles({ name: 'kws again.tflite', mimeType: 'application/octet-stream', buffer: modelBytes });
    await page.getByTestId('import-notice').waitFor();
    expect(await page.getByTestId('import-notice').textContent()).toMatch(/already in this project as “kws_ref_model” \(same bytes/);
    expect(await page.getByTestId('variant-row').count()).toBe(1);
  });

  it('renames a variant; the input stops at 200 characters and a long name stays inside the table and headings', async () => {
    await page.getByTestId('rename-variant').click();
    await page.getByTestId('rename-variant-input').fill('keyword spotting, int8, calibrated on kws01 '.repeat(8));
    expect((await page.getByTestId('rename-variant-input').inputValue()).length).toBe(200);
    await page.getByTestId('rename-variant-input').press('Enter');
    await poll(() => page.getByTestId('variant-name').textContent()).toMatch(/^keyword spotting, int8/);
    expect(await page.getByTestId('error-banner').count()).toBe(0);
    expect(await hiddenWidth(page, 'variant-table')).toBeLessThanOrEqual(0);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    // The Input card shows the whole shape.
    expect(await isCut(page, 'figure-input')).toBe(false);
    expect(await page.getByTestId('figure-input').textContent()).toBe('1×49×10×1 int8');
  });

  it('an int8 variant’s Quantize panel says why instead of a disabled form', async () => {
    expect(await page.getByTestId('quantize-note').textContent()).toMatch(/^This variant is already quantized \(int8\)/);
    expect(await page.getByTestId('quantize-button').count()).toBe(0);
    await saveScreenshot(page, 'defects-model-1280');
  });

  it('keeps the last good result after a failed deploy, and the Jobs badge counts only unfinished jobs', async () => {
    await page.getByRole('tab', { name: 'Deploy & Profile' }).click();
    await page.getByTestId('deploy-button').click();
    await poll(() => page.getByTestId('deploy-progress').getAttribute('data-status')).toBe('succeeded');
    await page.getByTestId('deploy-result').waitFor();
    expect(await page.getByTestId('jobs-badge').count()).toBe(0);

    await page.evaluate(() => window.tinydeployFake!.failNextDeploy('flash', { name: 'DeviceError', message: 'board virtual-m4f did not answer the handshake within 5000 ms' }));
    await page.getByTestId('deploy-button').click();
    await poll(() => page.getByTestId('deploy-progress').getAttribute('data-status')).toBe('failed');
    expect(await page.getByTestId('deploy-result').count()).toBe(1);
    expect(await page.getByTestId('result-panel').locator('.panel__title').first().textContent()).toMatch(/^Last successful result/);
    expect(await page.getByTestId('latency-meaning').textContent()).toMatch(/executed instructions of one inference, counted by QEMU/);
    expect(await page.getByTestId('jobs-badge').count()).toBe(0);
  });

  it('History shows every column at 1280 px', async () => {
    await page.getByRole('tab', { name: 'History' }).click();
    await page.getByTestId('history-table').waitFor();
    await saveScreenshot(page, 'defects-history-1280');
    expect(await hiddenWidth(page, 'history-table')).toBeLessThanOrEqual(0);
  });

  it('deleting the project takes its jobs out of Jobs (no "(deleted)" rows)', async () => {
    await page.getByTestId('jobs-link').click();
    await poll(() => page.getByTestId('job-row').count()).toBe(2);
    await page.getByTestId('project-link').click();
    await page.getByRole('button', { name: /^Delete( project)?$/ }).first().click();
    await page.getByRole('dialog').getByRole('button', { name: /Delete/ }).click();
    await page.getByTestId('home-screen').waitFor();
    await page.getByTestId('jobs-link').click();
    await page.getByTestId('jobs-screen').waitFor();
    expect(await page.getByTestId('job-row').count()).toBe(0);
    expect(await page.getByTestId('jobs-screen').textContent()).not.toContain('(deleted)');
    expect(pageErrors).toEqual([]);
  });
});
