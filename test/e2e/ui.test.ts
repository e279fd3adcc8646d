/**
 * The UI's own behaviour in Chromium, against the in-memory fake services (src/renderer/fake.html
 * served by Vite): the paths app.test.ts cannot provoke on demand. Renaming and deleting with
 * confirmation, a bad file, import by drag-and-drop, a deploy that fails and one that is
 * cancelled, a board plugged and unplugged while the Devices screen is open, the native menu,
 * keyboard use, and labels on every control. Deploys here are simulated (see src/renderer/src/testing/fake-services.ts).
 */

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot, sharedModels } from '../testing/shared-data.js';
import { startFakeUiServer } from './testing/fake-ui-server.js';
import { launchChromium, missingTools, saveScreenshot } from './testing/harness.js';
import { requireTools } from '../testing/tools.js';

const missing = missingTools({ deploy: false });

const modelFile = join(repoRoot, 'resources/models/kws_ref_model.tflite');

/** `expect.poll` with room for a loaded CI machine (its default gives up after one second). */
const poll = <T>(read: () => Promise<T> | T) => expect.poll(read, { timeout: 15_000 });

/** Every form control with a label and every button with a name: what the page breaks, listed. */
async function unlabelledControls(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const problems: string[] = [];
    for (const control of document.querySelectorAll<HTMLInputElement | HTMLSelectElement>('input, select, textarea')) {
      const labelled = (control.labels?.length ?? 0) > 0 || control.getAttribute('aria-label') || control.getAttribute('aria-labelledby');
      if (!labelled) problems.push(`${control.tagName.toLowerCase()} ${control.outerHTML.slice(0, 80)}`);
    }
    for (const button of document.querySelectorAll('button, [role="button"], [role="tab"]')) {
      const name = (button.getAttribute('aria-label') ?? button.textContent ?? '').trim();
      if (!name) problems.push(`button ${button.outerHTML.slice(0, 80)}`);
    }
    return problems;
  });
}

describe('the UI in Chromium against fake services', () => {
  requireTools(missing);
  let server: Awaited<ReturnType<typeof startFakeUiServer>>;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    [server, browser] = await Promise.all([startFakeUiServer(), launchChromium()]);
    page = await browser.newPage({ viewport: { width: 1440, height: 960 } });
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error') pageErrors.push(`console: ${message.text()}`);
    });
    await page.goto(`${server.url}?step=150`);
    await page.getByTestId('home-screen').waitFor();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('creates a project from the sidebar and renames it', async () => {
    await page.getByRole('button', { name: 'New project' }).click();
    await page.getByRole('navigation', { name: 'Projects' }).getByLabel('Project name').fill('Scratch');
    await page.getByRole('navigation', { name: 'Projects' }).getByRole('button', { name: 'Create' }).click();
    await poll(() => page.getByTestId('project-title').textContent()).toBe('Scratch');
    // The sidebar form closes once the project exists.
    expect(await page.getByRole('navigation', { name: 'Projects' }).getByLabel('Project name').count()).toBe(0);

    await page.getByRole('button', { name: 'Rename' }).click();
    await page.getByTestId('rename-project-input').fill('Wake word');
    await page.getByTestId('rename-project-input').press('Enter');
    await poll(() => page.getByTestId('project-title').textContent()).toBe('Wake word');
    await poll(() => page.getByTestId('project-link').textContent()).toContain('Wake word');

    // Without a model, Deploy & Profile and Accuracy say so and lead back to the Model tab.
    for (const tab of ['Deploy & Profile', 'Accuracy']) {
      await page.getByRole('tab', { name: tab }).click();
      await page.getByText('Import a model first').waitFor();
      await page.getByRole('button', { name: 'Go to Model' }).click();
      await page.getByTestId('model-file-input').waitFor({ state: 'attached' });
    }
  });

  it('offers TFLite and ONNX files in the file dialog', async () => {
    expect(await page.getByTestId('model-file-input').getAttribute('accept')).toBe('.tflite,.onnx');
    expect(await page.getByTestId('drop-zone').textContent()).toContain('ONNX .onnx');
  });

  it('refuses a file that is not a model, naming it', async () => {
    await page.getByTestId('model-file-input').setInputFiles({ name: 'notes.tflite', mimeType: 'application/octet-stream', buffer: Buffer.from('not a flatbuffer at all') });
    await page.getByTestId('error-banner').waitFor();
    expect(await page.getByTestId('error-banner').textContent()).toMatch(/ImportError.*notes\.tflite/);
  });

  it('imports a model dropped on the page and links the graph with the table', async () => {
    const bytes = [...readFileSync(modelFile)];
    const dataTransfer = await page.evaluateHandle((content) => {
      const transfer = new DataTransfer();
      transfer.items.add(new File([new Uint8Array(content)], 'kws_ref_model.tflite'));
      return transfer;
    }, bytes);
    await page.getByTestId('drop-zone').dispatchEvent('dragover', { dataTransfer });
    await page.getByTestId('drop-zone').dispatchEvent('drop', { dataTransfer });
    await page.getByTestId('total-macs').waitFor();
    expect(await page.getByTestId('total-macs').textContent()).toBe('2,656,768');
    expect(await page.getByTestId('figure-macs').textContent()).toBe('2,656,768');

    // Keyboard: Tab reaches the graph's ops; Enter selects one and the table follows.
    await page.getByTestId('graph-op').nth(4).focus();
    await page.keyboard.press('Enter');
    expect(await page.getByTestId('layer-row').nth(4).getAttribute('aria-selected')).toBe('true');
    expect(await page.getByTestId('graph-op').nth(4).getAttribute('aria-pressed')).toBe('true');
    await page.getByTestId('layer-row').nth(11).click();
    expect(await page.getByTestId('graph-op').nth(11).getAttribute('aria-pressed')).toBe('true');
    expect(await unlabelledControls(page)).toEqual([]);

    // A bad file next to an existing variant: the error shows, the variant stays.
    await page.getByTestId('model-file-input').setInputFiles({ name: 'empty.tflite', mimeType: 'application/octet-stream', buffer: Buffer.alloc(0) });
    await page.getByTestId('error-banner').waitFor();
    expect(await page.getByTestId('error-banner').textContent()).toMatch(/ImportError.*empty\.tflite/);
    expect(await page.getByTestId('variant-row').count()).toBe(1);
    await page.getByRole('button', { name: 'Dismiss error' }).click();
    expect(await page.getByTestId('error-banner').count()).toBe(0);
  });

  it('shows a failed deploy with its error and the step it failed in', async () => {
    // Arrow keys move between the tabs.
    await page.getByRole('tab', { name: 'Model' }).focus();
    await page.keyboard.press('ArrowRight');
    await poll(() => page.getByRole('tab', { name: 'Deploy & Profile' }).getAttribute('aria-selected')).toBe('true');

    await page.evaluate(() => window.tinydeployFake!.failNextDeploy('flash', { name: 'DeviceError', message: 'board virtual-m4f did not answer the handshake within 5000 ms' }));
    await page.getByTestId('deploy-button').click();
    await poll(() => page.getByTestId('deploy-progress').getAttribute('data-status')).toBe('failed');
    expect(await page.getByTestId('step-build').getAttribute('data-state')).toBe('done');
    expect(await page.getByTestId('step-flash').getAttribute('data-state')).toBe('failed');
    expect(await page.getByTestId('step-run').getAttribute('data-state')).toBe('pending');
    expect(await page.getByTestId('deploy-progress').getByTestId('error-banner').textContent()).toMatch(/DeviceError.*did not answer/);
    expect(await page.getByTestId('deploy-result').count()).toBe(0);
    await saveScreenshot(page, 'ui-deploy-failed');
  });

  it('cancels a running deploy', async () => {
    await page.evaluate(() => window.tinydeployFake!.setStepMilliseconds(5_000));
    await page.getByTestId('deploy-button').click();
    await poll(() => page.getByTestId('deploy-progress').getAttribute('data-status')).toBe('running');
    await page.getByTestId('cancel-job').click();
    await poll(() => page.getByTestId('deploy-progress').getAttribute('data-status')).toBe('cancelled');
    expect(await page.getByTestId('cancel-job').count()).toBe(0);
    expect(await page.getByTestId('job-log').textContent()).toContain('cancelled by the user');
  });

  it('deploys, then lists the measurement in History and the three jobs in Jobs', async () => {
    await page.evaluate(() => window.tinydeployFake!.setStepMilliseconds(100));
    await page.getByTestId('runs-input').fill('3');
    await page.getByTestId('deploy-button').click();
    await page.getByTestId('deploy-result').waitFor();
    expect(await page.getByTestId('bit-exact-badge').first().textContent()).toContain('bit-exact');
    expect(await page.getByTestId('latency-unit').textContent()).toContain('instructions');
    expect(await page.getByTestId('latency-chart').locator('.chart__bar').count()).toBe(13);

    await page.getByRole('tab', { name: 'History' }).click();
    expect(await page.getByTestId('history-row').count()).toBe(1);
    await page.getByTestId('history-row').getByRole('button', { name: 'Details' }).click();
    await page.getByTestId('history-detail').getByTestId('latency-chart').waitFor();

    await page.getByTestId('jobs-link').click();
    await page.getByTestId('job-row').first().waitFor();
    const statuses = await page.getByTestId('job-row').getByTestId('job-status').allTextContents();
    expect(statuses).toEqual(['succeeded', 'cancelled', 'failed']);
    await page.getByTestId('job-row').nth(2).getByRole('button', { name: 'Log' }).click();
    expect(await page.getByTestId('job-detail').textContent()).toContain('DeviceError');
    expect(await unlabelledControls(page)).toEqual([]);
  });

  it('adds a dataset by path, quantizes a float variant and shows its accuracy next to its parent’s', async () => {
    await page.getByTestId('project-link').first().click();
    await page.getByRole('tab', { name: 'Model' }).click();
    await page.getByTestId('model-file-input').setInputFiles({ name: 'kws_ref_model_float32.tflite', mimeType: 'application/octet-stream', buffer: readFileSync(sharedModels.kws_ref_model_float32) });
    await poll(() => page.getByTestId('variant-row').count()).toBe(2);
    await page.getByRole('button', { name: 'kws_ref_model_float32', exact: true }).click();
    await poll(() => page.getByTestId('quantize-panel').locator('h2, h3').first().textContent()).toContain('kws_ref_model_float32');

    // A folder that is not a dataset is refused with the reason; a dataset becomes the calibration choice.
    await page.getByTestId('dataset-path-input').fill('/data/missing-set');
    await page.getByTestId('add-dataset-button').click();
    await poll(() => page.getByTestId('quantize-panel').getByTestId('error-banner').textContent()).toMatch(/DatasetError.*missing-set/);
    await page.getByTestId('dataset-path-input').fill('/data/kws01');
    await page.getByTestId('add-dataset-button').click();
    await poll(() => page.getByTestId('calibration-select').inputValue()).not.toBe('synthetic');
    expect(await page.getByTestId('calibration-select').locator('option:checked').textContent()).toContain('kws01');

    await page.getByTestId('samples-input').fill('50');
    await page.getByTestId('evaluation-limit-input').fill('100');
    await page.getByTestId('quantize-button').click();
    await poll(() => page.getByTestId('optimize-progress').getAttribute('data-status')).toBe('running');
    await poll(() => page.getByTestId('optimize-progress').textContent()).toMatch(/calibrating \d+ of 50/);
    await poll(() => page.getByTestId('optimize-progress').getAttribute('data-status')).toBe('succeeded');
    expect(await page.getByTestId('optimize-variant-accuracy').textContent()).toBe('90.5%');
    expect(await page.getByTestId('optimize-parent-accuracy').textContent()).toBe('91.0%');
    expect(await page.getByTestId('optimize-result').textContent()).toContain('100 held-out samples of kws01');
    expect(await page.getByTestId('job-log').textContent()).toContain('pass 3 of 3: quantize-int8');

    // The new variant in the table: its parent and origin, its accuracy beside its parent's.
    await poll(() => page.getByTestId('variant-row').count()).toBe(3);
    const row = page.getByTestId('variant-row').filter({ hasText: 'kws_ref_model_float32-int8' });
    expect(await row.getByTestId('variant-origin').textContent()).toBe('quantize-int8 of kws_ref_model_float32, calibrated on a dataset (50 samples)');
    await poll(() => row.getByTestId('variant-accuracy').textContent()).toBe('90.5% (parent 91.0%)');
    expect(await page.getByTestId('variant-row').filter({ hasText: /^kws_ref_model_float32imported/ }).getByTestId('variant-accuracy').textContent()).toBe('91.0%');
    expect(await unlabelledControls(page)).toEqual([]);
    await saveScreenshot(page, 'ui-quantized');

    // An int8 variant cannot be quantized again: the panel says why, with no form that cannot be used.
    await row.getByRole('button', { name: 'kws_ref_model_float32-int8', exact: true }).click();
    await page.getByTestId('quantize-note').waitFor();
    expect(await page.getByTestId('quantize-button').count()).toBe(0);
  });

  it('follows a board plugged and unplugged while Devices is open', async () => {
    await page.getByRole('link', { name: /^Devices/ }).click();
    await page.getByTestId('boards-table').waitFor();
    expect(await page.getByTestId('serial-row').count()).toBe(0);
    await page.evaluate(() =>
      window.tinydeployFake!.plug({ path: '/dev/ttyACM0', vendorId: '0D28', productId: '0204', manufacturer: 'ARM', serialNumber: '0240000032044e45', boardIds: ['real-template'] }),
    );
    await page.getByTestId('serial-row').waitFor();
    expect(await page.getByTestId('serial-row').textContent()).toContain('0d28:0204');
    expect(await page.getByTestId('serial-row').textContent()).toContain('real-template');
    // Recognised by its probe's USB id (Deploy is on the Deploy tab, not here); the screen says how boards are confirmed and flashed.
    expect(await page.getByTestId('serial-row').getByRole('button').count()).toBe(0);
    expect(await page.getByTestId('serial-row').textContent()).toContain('recognised');
    expect(await page.getByTestId('real-boards-note').textContent()).toMatch(/USB vendor and product id.*HELLO.*apt-get install openocd/);
    expect(await page.locator('[data-board-id="real-template"]').textContent()).toContain('ready');
    await saveScreenshot(page, 'ui-devices-plugged');
    await page.evaluate(() => window.tinydeployFake!.unplug('/dev/ttyACM0'));
    await poll(() => page.getByTestId('serial-row').count()).toBe(0);
  });

  it('opens the new-project form when the native menu says so', async () => {
    await page.evaluate(() => window.tinydeployFake!.chooseMenu('new-project'));
    await poll(() => page.getByRole('button', { name: 'New project' }).getAttribute('aria-expanded')).toBe('true');
    await page.keyboard.press('Escape');
    await poll(() => page.getByRole('button', { name: 'New project' }).getAttribute('aria-expanded')).toBe('false');
  });

  it('deletes a project only after confirmation', async () => {
    await page.getByTestId('project-link').first().click();
    await page.getByRole('button', { name: 'Delete project' }).click();
    await page.getByTestId('confirm-dialog').waitFor();
    expect(await page.getByTestId('confirm-dialog').textContent()).toContain('Wake word');
    await saveScreenshot(page, 'ui-delete-confirmation');
    await page.getByTestId('confirm-dialog').getByRole('button', { name: 'Cancel' }).click();
    expect(await page.getByTestId('project-link').count()).toBe(1);

    await page.getByRole('button', { name: 'Delete project' }).click();
    await page.getByTestId('confirm-dialog').getByRole('button', { name: 'Delete project' }).click();
    await page.getByTestId('home-screen').waitFor();
    await poll(() => page.getByTestId('project-link').count()).toBe(0);
    expect(pageErrors).toEqual([]);
  });
});
