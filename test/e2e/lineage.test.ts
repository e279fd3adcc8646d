/**
 * The Compare tab's lineage plot end to end, in Debian's Chromium against browser mode
 * (`tinydeploy serve`, the real store, job worker, QEMU and arm-none-eabi-gcc): the float KWS model
 * quantized to int8 on kws01 (which evaluates both), then deployed one variant after the other on
 * the M4F virtual board. Before a deploy both variants are listed as not plotted; after the int8
 * one, it alone is a point; after the float parent, both are points joined by an arrow from parent
 * to child, and hovering a point shows the figures the Compare table has for it (accuracy,
 * instructions, flash). The plot stays inside a 1280 px window. Screenshot to
 * $TINYDEPLOY_ARTEFACTS (default: a folder under the system's temp folder, printed).
 */

import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sharedPath } from '../testing/shared-data.js';
import { requireTools } from '../testing/tools.js';
import { createProject, missingTools, saveScreenshot, startAppSession, type AppSession } from './testing/harness.js';
import { quantizeKwsOnKws01 } from './testing/kws-variants.js';

const missing = missingTools({ deploy: true });
const artefacts = process.env.TINYDEPLOY_ARTEFACTS ?? join(tmpdir(), 'tinydeploy-e2e-lineage');

/** `expect.poll` with room for a loaded CI machine. */
const poll = <T>(read: () => Promise<T> | T, timeout = 15_000) => expect.poll(read, { timeout });

async function deploy(page: Page, variantName: string): Promise<void> {
  await page.getByRole('tab', { name: 'Deploy & Profile' }).click();
  // The option of exactly this variant (a child's name starts with its parent's).
  const options = await page.getByTestId('variant-select').locator('option').evaluateAll((elements) => elements.map((element) => ({ value: (element as HTMLOptionElement).value, text: element.textContent ?? '' })));
  const option = options.find(({ text }) => text === variantName || text.startsWith(`${variantName} `));
  expect(option, options.map(({ text }) => text).join(', ')).toBeDefined();
  await page.getByTestId('variant-select').selectOption(option!.value);
  await poll(() => page.getByTestId('board-select').inputValue()).toBe('virtual-m4f');
  await page.getByTestId('deploy-button').click();
  await page.getByTestId('deploy-progress').waitFor();
  const progress = page.getByTestId('deploy-progress');
  await poll(async () => ['queued', 'running'].includes((await progress.getAttribute('data-status')) ?? 'queued'), 240_000).toBe(false);
  // A failed deploy says why (its error and log are in the progress panel).
  expect(await progress.getAttribute('data-status'), await progress.innerText()).toBe('succeeded');
  await page.getByRole('tab', { name: 'Compare' }).click();
}

const unplotted = (page: Page) => page.getByTestId('lineage-unplotted-item').evaluateAll((items) => items.map((item) => item.textContent));

describe('the lineage plot of the Compare tab in Chromium against tinydeploy serve', () => {
  requireTools(missing);
  let session: AppSession;

  beforeAll(async () => {
    session = await startAppSession('lineage', { datasets: { kws01: sharedPath('datasets/kws01') } });
  });

  afterAll(async () => {
    await session?.close();
    console.log(`lineage e2e screenshots: ${artefacts}`);
  });

  it('plots measured variants against instructions with an arrow from parent to child, and lists the others', async () => {
    const { page, dataDirectory } = session;
    await page.goto(session.serve.url);
    await createProject(page, 'Lineage');
    await quantizeKwsOnKws01(page, dataDirectory);

    // Both evaluated, neither deployed: nothing plotted, both listed with what they lack.
    await page.getByRole('tab', { name: 'Compare' }).click();
    await page.getByTestId('lineage-panel').waitFor();
    expect(await page.getByTestId('lineage-point').count()).toBe(0);
    await poll(() => unplotted(page)).toHaveLength(2);
    for (const text of await unplotted(page)) expect(text).toContain('not deployed on a virtual board');

    const variantNames = await page.getByTestId('compare-row').evaluateAll((rows) => rows.map((row) => row.querySelector('.cmp-name__text')?.textContent?.replace(/\s*baseline$/, '') ?? ''));
    const [parent, child] = variantNames;
    expect(child).toContain('int8');

    // The int8 child deployed: one point, the parent listed as not deployed.
    await deploy(page, child);
    await poll(() => page.getByTestId('lineage-point').count(), 30_000).toBe(1);
    expect(await page.getByTestId('lineage-point').getAttribute('data-variant')).toBe(child);
    expect(await page.getByTestId('lineage-edge').count()).toBe(0);
    expect(await unplotted(page)).toEqual([`${parent}: not deployed on virtual-m4f`]);

    // The float parent deployed: two points, an arrow from parent to child, nothing left out.
    await deploy(page, parent);
    await poll(() => page.getByTestId('lineage-point').count(), 30_000).toBe(2);
    const edge = page.getByTestId('lineage-edge');
    expect(await edge.count()).toBe(1);
    expect([await edge.getAttribute('data-from'), await edge.getAttribute('data-to')]).toEqual([parent, child]);
    expect(await page.getByTestId('lineage-unplotted').count()).toBe(0);
    // The int8 child is faster: its point lies left of its parent's.
    const centre = async (name: string) => Number(await page.locator(`[data-testid="lineage-point"][data-variant="${name}"] circle`).getAttribute('cx'));
    expect(await centre(child)).toBeLessThan(await centre(parent));

    // Hover: the card has the table's figures for that variant.
    const childRow = page.getByTestId('compare-row').nth(1);
    const accuracy = (await childRow.getByTestId('compare-accuracy').textContent())!.match(/^\d{1,3}\.\d%/)![0];
    await page.getByTestId('lineage-panel').scrollIntoViewIfNeeded();
    await page.locator(`[data-testid="lineage-point"][data-variant="${child}"] circle`).hover();
    const card = page.getByTestId('lineage-card');
    await card.waitFor();
    const text = (await card.textContent())!;
    expect(text).toContain(`from ${parent}`);
    expect(text).toContain(`accuracy ${accuracy}`);
    expect(text).toMatch(/[\d,]+ instructions \(median of \d+ runs?\) on virtual-m4f/);
    expect(text).toMatch(/arena [\d.]+ (B|KiB) · stack [\d.]+ (B|KiB) · flash [\d.]+ KiB/);

    const right = await page.evaluate(() => Math.max(document.documentElement.scrollWidth, document.querySelector('[data-testid="lineage-plot"] svg')!.getBoundingClientRect().right));
    expect(right).toBeLessThanOrEqual(1280);
    // Focus shows the same card (keyboard), and keeps it through the screenshot's resize.
    await page.mouse.move(0, 0);
    await poll(() => card.count()).toBe(0);
    await page.locator(`[data-testid="lineage-point"][data-variant="${child}"]`).focus();
    await poll(() => card.textContent()).toBe(text);
    await saveScreenshot(page, 'lineage-1280x800', artefacts);
    expect(session.pageErrors).toEqual([]);
  }, 900_000);
});
