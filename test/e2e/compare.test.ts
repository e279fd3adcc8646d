/**
 * Compare, export and the graph end to end, in Debian's Chromium against browser mode
 * (`tinydeploy serve`, the real store, job worker, QEMU and arm-none-eabi-gcc): import the float
 * KWS model, quantize it to int8 on kws01 (which evaluates both), deploy both to the M4F virtual
 * board, then compare them in the Compare tab (table with deltas, the accuracy/latency scatter
 * plot with its Pareto front, the per-layer diff), download the C project (checked against what
 * `tinydeploy build --out` writes), the firmware and the report (HTML with its charts, CSV), and
 * read ResNet-8 in the graph view (its adds join two branches, a conv's quantization and weight
 * histogram in the details pane, search). No table column of these views hides behind
 * horizontal scroll at 1280x800 or 1920x1080. Screenshots at 1280x800 and 1920x1080 go to
 * $TINYDEPLOY_ARTEFACTS (default: a folder under the system's temp folder, printed).
 */

import { mkdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { unzipSync } from 'fflate';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sharedModels, sharedPath } from '../testing/shared-data.js';
import { requireTools } from '../testing/tools.js';
import { createProject, missingTools, saveScreenshot, startAppSession, type AppSession, type ServeProcess } from './testing/harness.js';
import { quantizeKwsOnKws01 } from './testing/kws-variants.js';

const missing = missingTools({ deploy: true });
const artefacts = process.env.TINYDEPLOY_ARTEFACTS ?? join(tmpdir(), 'tinydeploy-e2e-compare');

/** `expect.poll` with room for a loaded CI machine. */
const poll = <T>(read: () => Promise<T> | T, timeout = 15_000) => expect.poll(read, { timeout });

const screenshot = (page: Page, name: string) => saveScreenshot(page, name, artefacts);

/** Tables inside `selector` whose columns do not all fit (the scroll container is narrower than the table). */
async function clippedTables(page: Page, selector: string): Promise<string[]> {
  return page.evaluate((root) => {
    const clipped: string[] = [];
    for (const container of document.querySelectorAll(root)) {
      for (const table of container.querySelectorAll('table')) {
        let scroller: HTMLElement | null = table.parentElement;
        while (scroller && scroller !== container.parentElement) {
          const style = getComputedStyle(scroller);
          if (/(auto|scroll|hidden)/.test(style.overflowX) && scroller.scrollWidth > scroller.clientWidth + 1) {
            clipped.push(`${table.getAttribute('data-testid') ?? table.className}: ${scroller.scrollWidth} > ${scroller.clientWidth}`);
            break;
          }
          scroller = scroller.parentElement;
        }
      }
    }
    const content = document.querySelector('.content') as HTMLElement | null;
    if (content && content.scrollWidth > content.clientWidth + 1) clipped.push(`content pane: ${content.scrollWidth} > ${content.clientWidth}`);
    return clipped;
  }, selector);
}

describe('Compare, export and the graph in Chromium against tinydeploy serve', () => {
  requireTools(missing);
  let session: AppSession | undefined;
  let dataDirectory: string;
  let serve: ServeProcess;
  let browser: Browser;
  let page: Page;
  let pageErrors: string[] = [];

  beforeAll(async () => {
    session = await startAppSession('compare', { datasets: { kws01: sharedPath('datasets/kws01') }, acceptDownloads: true });
    ({ dataDirectory, serve, browser, page, pageErrors } = session);
  });

  afterAll(async () => {
    await session?.close();
    console.log(`compare e2e screenshots: ${artefacts}`);
  });

  it('makes two variants with accuracies and deploys both', async () => {
    await page.goto(serve.url);
    await createProject(page, 'Compare');
    await quantizeKwsOnKws01(page, dataDirectory);

    // Deploy each variant to the M4F virtual board.
    await page.getByRole('tab', { name: 'Deploy & Profile' }).click();
    const variantIds = await page.getByTestId('variant-select').locator('option').evaluateAll((options) => options.map((option) => (option as HTMLOptionElement).value));
    expect(variantIds).toHaveLength(2);
    for (const variantId of variantIds) {
      await page.getByTestId('variant-select').selectOption(variantId);
      await poll(() => page.getByTestId('board-select').inputValue()).toBe('virtual-m4f');
      await page.getByTestId('deploy-button').click();
      await page.getByTestId('deploy-progress').waitFor();
      await poll(() => page.getByTestId('deploy-progress').getAttribute('data-status'), 180_000).toBe('succeeded');
    }
    // The result's own report download.
    await page.getByTestId('deploy-result').getByTestId('report-downloads').waitFor();
    const [json] = await Promise.all([page.waitForEvent('download'), page.getByTestId('result-report-json').click()]);
    const report = JSON.parse(readFileSync((await json.path())!, 'utf8'));
    // Built with the project's default setting, and the report says so.
    expect(report).toMatchObject({ format: 'tinydeploy-measurement-report', board: { id: 'virtual-m4f' }, measurement: { optimizeFor: 'size' } });
    expect(report.layers).toHaveLength(13);
    await screenshot(page, 'deploy-result-1280x800');
  });

  it('compares the two variants: table with deltas, scatter plot with the Pareto front, per-layer diff', async () => {
    await page.getByRole('tab', { name: 'Compare' }).click();
    await poll(() => page.getByTestId('compare-row').count()).toBe(2);
    const rows = page.getByTestId('compare-row');
    // Float parent first (the baseline), its int8 child second; both have accuracy and latency.
    expect(await rows.nth(0).textContent()).toContain('baseline');
    for (let i = 0; i < 2; i++) {
      expect(await rows.nth(i).getByTestId('compare-accuracy').textContent()).toMatch(/^\d{1,3}\.\d%/);
      expect(await rows.nth(i).getByTestId('compare-latency').textContent()).toMatch(/instr\./);
      expect(await rows.nth(i).getByTestId('compare-ram').textContent()).toMatch(/KiB/);
      // Flash by part from the ELF's symbols: weights, model, kernels, runtime.
      expect(await rows.nth(i).getByTestId('compare-flash').textContent()).toMatch(/w [\d.]+K · m [\d.]+K.*k [\d.]+K · rt [\d.]+K/);
    }
    // The int8 child runs in fewer instructions than its float parent: a negative, green delta.
    const delta = rows.nth(1).getByTestId('latency-delta');
    expect(await delta.textContent()).toMatch(/^\u2212\d+\.\d%$/);
    expect(await delta.getAttribute('class')).toContain('delta--better');

    expect(await page.getByTestId('scatter-point').count()).toBe(2);
    expect(await page.locator('[data-testid="scatter-point"][data-front="true"]').count()).toBeGreaterThanOrEqual(1);
    await page.getByTestId('scatter-metric').selectOption('flash');
    expect(await page.getByTestId('scatter-point').count()).toBe(2);
    await page.getByTestId('scatter-metric').selectOption('latency');

    // Parent against child: different graphs (QUANTIZE/DEQUANTIZE added), aligned by op type.
    await page.getByTestId('layer-diff-table').waitFor();
    expect(await page.getByTestId('diff-summary').textContent()).toMatch(/aligned by type|matched one to one/);
    expect(await page.getByTestId('diff-row').count()).toBeGreaterThanOrEqual(13);

    await screenshot(page, 'compare-1280x800');
    const clippedAt1280 = await clippedTables(page, '[data-testid="compare-panel"], [data-testid="layer-diff-panel"], [data-testid="export-panel"]');
    await page.setViewportSize({ width: 1920, height: 1080 });
    await screenshot(page, 'compare-1920x1080');
    const clippedAt1920 = await clippedTables(page, '[data-testid="compare-panel"], [data-testid="layer-diff-panel"], [data-testid="export-panel"]');
    await page.setViewportSize({ width: 1280, height: 800 });
    expect(clippedAt1280).toEqual([]);
    expect(clippedAt1920).toEqual([]);
  });

  it('downloads the C project, the firmware and the report', async () => {
    const download = async (testId: string) => {
      const [file] = await Promise.all([page.waitForEvent('download', { timeout: 120_000 }), page.getByTestId(testId).click()]);
      return { name: file.suggestedFilename(), bytes: readFileSync((await file.path())!) };
    };
    await page.getByTestId('export-variant').selectOption({ index: 1 });
    const project = await download('export-c-project');
    expect(project.name).toMatch(/^kws_ref_model_float32.*-virtual-m4f\.zip$/);
    const root = project.name.replace(/\.zip$/, '');
    const files = Object.keys(unzipSync(project.bytes));
    for (const file of ['Makefile', 'CMakeLists.txt', 'model/model.c', 'model/model.h', 'app/main.c']) expect(files).toContain(`${root}/${file}`);
    expect(files.some((file) => file.startsWith(`${root}/kernels/src/`))).toBe(true);
    expect(files.some((file) => file.startsWith(`${root}/boards/`))).toBe(true);

    const firmware = await download('export-firmware');
    const firmwareFiles = unzipSync(firmware.bytes);
    const elf = Object.entries(firmwareFiles).find(([name]) => name.endsWith('build/model.elf'))![1];
    expect([...elf.slice(0, 4)]).toEqual([0x7f, 0x45, 0x4c, 0x46]);
    const report = JSON.parse(new TextDecoder().decode(Object.entries(firmwareFiles).find(([name]) => name.endsWith('build-report.json'))![1]));
    expect(report).toMatchObject({ board: 'virtual-m4f', flashBytes: expect.any(Number), weightBytes: expect.any(Number) });

    const tflite = await download('export-model');
    expect(tflite.name).toMatch(/\.tflite$/);
    expect(tflite.bytes.subarray(4, 8).toString()).toBe('TFL3');

    // Each measurement says what it was built for (the project's default, code size), in the list and in the file's name.
    expect(await page.getByTestId('export-measurement').locator('option').first().textContent()).toMatch(/ on virtual-m4f for code size, /);
    const html = await download('export-report-html');
    expect(html.name).toMatch(/-virtual-m4f-size-report\.html$/);
    const text = html.bytes.toString('utf8');
    expect(text).toMatch(/^<!doctype html>/);
    expect(text).not.toMatch(/<script|<link |src="http/);
    for (const chart of ['latency', 'memory', 'ram', 'flash']) expect(text).toContain(`data-chart="${chart}"`);
    expect(text).toContain('Code generated for');
    const csv = await download('export-report-csv');
    const lines = csv.bytes.toString('utf8').trim().split('\n');
    expect(lines[0]).toBe('index,op,latency_instructions,share,macs,instructions_per_mac,arena_live_bytes');
    expect(lines.length).toBeGreaterThan(13);
    expect(await page.getByTestId('export-saved').textContent()).toContain('.csv');

    // The report opens on its own, charts and all.
    const reportPage = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await reportPage.setContent(text);
    expect(await reportPage.locator('svg.chart').count()).toBe(4);
    mkdirSync(artefacts, { recursive: true });
    await reportPage.screenshot({ path: join(artefacts, 'report-1280x800.png'), fullPage: true });
    await reportPage.close();
  });

  it('reads ResNet-8 in the graph view beside the layer table', async () => {
    await page.getByRole('link', { name: 'TinyDeploy' }).click();
    await createProject(page, 'Graph');
    await page.getByTestId('model-file-input').setInputFiles(sharedModels.pretrainedResnet_quant);
    await page.getByTestId('graph-view').waitFor();
    const ops = await page.getByTestId('layer-row').count();
    await poll(() => page.getByTestId('graph-op').count()).toBe(ops);
    // Each of the three adds joins two branches.
    const addIndices = await page.getByTestId('graph-op').evaluateAll((nodes) => nodes.filter((node) => /ADD/.test(node.getAttribute('aria-label') ?? '')).map((node) => node.getAttribute('data-op-index')));
    expect(addIndices).toHaveLength(3);
    for (const index of addIndices) expect(await page.locator(`[data-testid="graph-edge"][data-to="op:${index}"][data-from^="op:"]`).count()).toBe(2);
    expect(await page.getByTestId('graph-edge-label').first().textContent()).toMatch(/^\d+(×\d+)* int8$/);

    // Search, then the first conv's details: attributes, per-channel quantization, weight histogram.
    await page.getByTestId('graph-search').fill('conv_2d');
    expect(await page.getByTestId('graph-search-count').textContent()).toMatch(/^\d+ matches/);
    await page.getByTestId('graph-search').press('Enter');
    await page.getByTestId('graph-details').waitFor();
    expect(await page.getByTestId('graph-attrs').textContent()).toContain('padding');
    expect(await page.getByTestId('tensor-quantization').first().textContent()).toMatch(/scale/);
    expect(await page.getByTestId('weight-histogram').count()).toBeGreaterThanOrEqual(1);
    expect(await page.locator('[data-testid="graph-tensor"][data-kind="constant"]').getByTestId('tensor-stats').first().textContent()).toMatch(/min .* max .* zeros/);
    // The layer table follows the graph's selection.
    const selected = await page.locator('[data-testid="graph-op"][aria-pressed="true"]').getAttribute('data-op-index');
    expect(await page.getByTestId('layer-row').nth(Number(selected)).getAttribute('aria-selected')).toBe('true');

    await screenshot(page, 'graph-resnet8-1280x800');
    const clippedAt1280 = await clippedTables(page, '[data-testid="layers-panel"], [data-testid="graph-panel"]');
    await page.setViewportSize({ width: 1920, height: 1080 });
    await screenshot(page, 'graph-resnet8-1920x1080');
    const clippedAt1920 = await clippedTables(page, '[data-testid="layers-panel"], [data-testid="graph-panel"]');
    await page.setViewportSize({ width: 1280, height: 800 });
    expect(clippedAt1280).toEqual([]);
    expect(clippedAt1920).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
});
