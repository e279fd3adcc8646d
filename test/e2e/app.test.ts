/**
 * The user's path end to end, in Debian's Chromium against browser mode (`tinydeploy serve`, the
 * real store, job worker, QEMU and arm-none-eabi-gcc): create a project, import
 * kws_ref_model.tflite, read the layer table's total MACs, Deploy & Profile on the M4F virtual
 * board, see the bit-exact badge and the latency; then reload the page, and restart the server on
 * the same data folder, and find everything still there. Screenshots of the main screens go to
 * test/e2e/screenshots/.
 */

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../testing/shared-data.js';
import { buildRendererIfStale, launchChromium, missingTools, saveScreenshot, startServe, type ServeProcess } from './testing/harness.js';
import { requireTools } from '../testing/tools.js';

const missing = missingTools({ deploy: true });

const modelFile = join(repoRoot, 'resources/models/kws_ref_model.tflite');
/** Total MACs of kws_ref_model, as `tinydeploy inspect` prints them. */
const kwsMacs = '2,656,768';
const projectName = 'Keyword spotting';

/** `expect.poll` with room for a loaded CI machine (its default gives up after one second). */
const poll = <T>(read: () => Promise<T> | T) => expect.poll(read, { timeout: 15_000 });

describe('TinyDeploy in Chromium against tinydeploy serve', () => {
  requireTools(missing);
  let dataDirectory: string;
  let serve: ServeProcess | undefined;
  let browser: Browser;
  let page: Page;
  const timings: Record<string, number> = {};
  const pageErrors: string[] = [];

  /** Runs `step` and records how long it took. */
  const timed = async <T>(name: string, step: () => Promise<T>): Promise<T> => {
    const started = performance.now();
    try {
      return await step();
    } finally {
      timings[name] = Math.round(performance.now() - started);
    }
  };

  beforeAll(async () => {
    dataDirectory = mkdtempSync(join(tmpdir(), 'tinydeploy-e2e-'));
    await timed('renderer build (when stale)', async () => buildRendererIfStale());
    [serve, browser] = await timed('serve + Chromium start', () => Promise.all([startServe(dataDirectory), launchChromium()]));
    page = await browser.newPage({ viewport: { width: 1440, height: 960 } });
    page.on('pageerror', (error) => pageErrors.push(error.message));
    // Console errors include Content-Security-Policy violations of serve's strict policy.
    page.on('console', (message) => {
      if (message.type() === 'error') pageErrors.push(`console: ${message.text()}`);
    });
  });

  afterAll(async () => {
    await browser?.close();
    await serve?.stop();
    rmSync(dataDirectory, { recursive: true, force: true });
    console.log(`e2e timings (ms): ${JSON.stringify(timings)}`);
  });

  it('creates a project, imports a model and shows its layers', async () => {
    await timed('open the app', async () => {
      await page.goto(serve!.url);
      await page.getByTestId('home-screen').waitFor();
    });
    await saveScreenshot(page, '01-projects-empty');

    await timed('create a project', async () => {
      await page.getByTestId('home-screen').getByLabel('Project name').fill(projectName);
      await page.getByTestId('home-screen').getByRole('button', { name: 'Create' }).click();
      await poll(() => page.getByTestId('project-title').textContent()).toBe(projectName);
    });
    await expect(page.getByTestId('project-link').filter({ hasText: projectName }).count()).resolves.toBe(1);

    await timed('import kws_ref_model.tflite', async () => {
      await page.getByTestId('model-file-input').setInputFiles(modelFile);
      await page.getByTestId('total-macs').waitFor();
    });
    expect(await page.getByTestId('total-macs').textContent()).toBe(kwsMacs);
    expect(await page.getByTestId('layer-row').count()).toBe(13);
    expect(await page.getByTestId('graph-op').count()).toBe(13);
    // The graph and the table select the same op.
    await page.getByTestId('graph-op').nth(2).click();
    expect(await page.getByTestId('layer-row').nth(2).getAttribute('aria-selected')).toBe('true');
    await saveScreenshot(page, '02-model');
  });

  it('deploys to the M4F virtual board and shows the result', async () => {
    await page.getByRole('tab', { name: 'Deploy & Profile' }).click();
    await poll(() => page.getByTestId('board-select').inputValue()).toBe('virtual-m4f');
    // Real boards are listed but cannot be picked.
    expect(await page.getByTestId('board-select').locator('option[value="real-template"]').isDisabled()).toBe(true);

    await timed('deploy & profile (click to bit-exact badge)', async () => {
      await page.getByTestId('deploy-button').click();
      await page.getByTestId('deploy-progress').waitFor();
      await saveScreenshot(page, '03-deploy-running');
      await page.getByTestId('deploy-result').getByTestId('bit-exact-badge').waitFor({ timeout: 90_000 });
    });
    expect(await page.getByTestId('deploy-progress').getAttribute('data-status')).toBe('succeeded');
    expect(await page.getByTestId('deploy-result').getByTestId('bit-exact-badge').textContent()).toContain('bit-exact');
    const latency = await page.getByTestId('latency-value').textContent();
    expect(latency).toMatch(/^\d{1,3}(,\d{3})+$/);
    expect(Number(latency!.replaceAll(',', ''))).toBeGreaterThan(100_000);
    expect(await page.getByTestId('latency-unit').textContent()).toContain('instructions');
    expect(await page.getByTestId('latency-estimate').textContent()).toMatch(/^≈ [\d,]+ cycles, ≈ [\d.]+ (ms|s) on virtual-m4f \(estimate; cortex-m4 at 25 MHz\)$/);
    for (const step of ['build', 'flash', 'run', 'verify']) expect(await page.getByTestId(`step-${step}`).getAttribute('data-state')).toBe('done');
    expect(await page.getByTestId('job-log').textContent()).toMatch(/flash/);
    expect(await page.getByTestId('latency-chart').locator('.chart__bar').count()).toBe(13);
    expect(await page.getByTestId('memory-timeline').count()).toBe(1);
    expect(await page.getByTestId('flash-meter').textContent()).toMatch(/of 4\.00 MiB/);
    // One memory vocabulary: both bars against the board, with their named parts.
    const legend = async (testId: string) => (await page.getByTestId(testId).locator('.capacity__legend-item').allTextContents()).map((item) => item.split(/\s/)[0]);
    expect(await legend('flash-meter')).toEqual(['weights', 'model', 'kernels', 'runtime', 'start-up', 'other']);
    expect(await legend('ram-meter')).toEqual(['arena', 'stack', 'runtime', 'other']);
    expect(await page.getByTestId('latency-meaning').textContent()).toMatch(/^executed instructions of one inference, counted by QEMU \(not cycles or time\); .* clock 25 MHz$/);
    await saveScreenshot(page, '04-deploy-result');
    for (const [width, height] of [
      [1280, 800],
      [1920, 1080],
    ]) {
      await page.setViewportSize({ width, height });
      await saveScreenshot(page, `04-deploy-result-${width}x${height}`);
    }
    await page.setViewportSize({ width: 1440, height: 960 });

    await page.getByRole('tab', { name: 'History' }).click();
    await page.getByTestId('history-row').first().waitFor();
    // The latency with its unit (and the estimated ms of the board's clock).
    expect(await page.getByTestId('history-latency').first().textContent()).toMatch(new RegExp(`^${latency} instr\\. · ≈[\\d.]+ (ms|s) est\\.$`));
    await saveScreenshot(page, '05-history');
  });

  it('finds everything again after a reload and after a server restart', async () => {
    const latency = await page.getByTestId('history-latency').first().textContent();

    await timed('reload', async () => {
      await page.reload();
      await page.getByTestId('history-row').first().waitFor();
    });
    expect(await page.getByTestId('history-latency').first().textContent()).toBe(latency);
    expect(await page.getByTestId('project-link').filter({ hasText: projectName }).count()).toBe(1);
    await page.getByRole('tab', { name: 'Model' }).click();
    expect(await page.getByTestId('total-macs').textContent()).toBe(kwsMacs);
    await page.getByRole('tab', { name: 'Deploy & Profile' }).click();
    await page.getByTestId('deploy-result').getByTestId('bit-exact-badge').waitFor();
    expect(await page.getByTestId('latency-value').textContent()).toBe(latency!.split(' ')[0]);

    // A new server on the same data folder (a new token, so a new address): same projects and figures.
    await timed('serve restart + reopen', async () => {
      expect(await serve!.stop()).toBe(0);
      // The open page notices the lost WebSocket and says the server is gone and what to do.
      await page.getByTestId('connection-banner').waitFor();
      await poll(() => page.getByTestId('connection-banner').textContent()).toMatch(/does not answer: it was stopped, or restarted at a new address/);
      serve = await startServe(dataDirectory);
      await page.goto(serve.url);
      // The old page's reconnection attempts to the stopped server are logged as console errors.
      pageErrors.length = 0;
      await page.getByTestId('project-link').filter({ hasText: projectName }).click();
      await page.getByRole('tab', { name: 'History' }).click();
      await page.getByTestId('history-row').first().waitFor();
    });
    expect(await page.getByTestId('history-latency').first().textContent()).toBe(latency);
    expect(await page.getByTestId('history-row').getByTestId('bit-exact-badge').textContent()).toContain('bit-exact');
  });

  it('lists the boards and the jobs', async () => {
    await page.getByRole('link', { name: /^Devices/ }).click();
    await page.getByTestId('board-row').first().waitFor();
    expect(await page.locator('[data-testid="board-row"][data-board-id="virtual-m4f"]').textContent()).toContain('ready');
    expect(await page.locator('[data-testid="board-row"][data-board-id="real-template"]').getByRole('button').count()).toBe(0);
    await saveScreenshot(page, '06-devices');

    await page.getByTestId('jobs-link').click();
    await page.getByTestId('job-row').first().waitFor();
    expect(await page.getByTestId('job-row').first().getByTestId('job-status').textContent()).toBe('succeeded');
    await saveScreenshot(page, '07-jobs');

    await page.getByRole('link', { name: 'TinyDeploy' }).click();
    await page.getByTestId('project-row').first().waitFor();
    await saveScreenshot(page, '08-projects');
    expect(pageErrors).toEqual([]);
  });
});
