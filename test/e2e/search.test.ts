/**
 * The Search tab end to end, in Debian's Chromium against browser mode (`tinydeploy serve`, the
 * real store and job worker): a tiny MLP search on 300 MNIST samples (three trials of one short
 * epoch each, measured on the M4F virtual board) fills the trial table and the Pareto plot as it
 * runs; a point of the front becomes a variant of the project, which the Model tab then shows
 * with its Optimize panel. Tables and plot stay within a 1280 px window. Screenshots go to
 * $TINYDEPLOY_ARTEFACTS (default: a folder under the system's temp folder, printed).
 */

import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sharedPath } from '../testing/shared-data.js';
import { requireTools } from '../testing/tools.js';
import { createProject, missingTools, saveScreenshot, startAppSession, type AppSession } from './testing/harness.js';

const missing = missingTools({ deploy: true });
const artefacts = process.env.TINYDEPLOY_ARTEFACTS ?? join(tmpdir(), 'tinydeploy-e2e-search');

/** `expect.poll` with room for a loaded CI machine. */
const poll = <T>(read: () => Promise<T> | T, timeout = 15_000) => expect.poll(read, { timeout });

describe('the Search tab in Chromium against tinydeploy serve', () => {
  requireTools(missing);
  let session: AppSession;

  beforeAll(async () => {
    session = await startAppSession('search', { datasets: { mnist: sharedPath('datasets/mnist') } });
  });

  afterAll(async () => {
    await session?.close();
    console.log(`search e2e screenshots: ${artefacts}`);
  });

  it('runs a tiny search, plots its trials with the front marked, and makes a point a variant', async () => {
    const { page, dataDirectory } = session;
    await page.goto(session.serve.url);
    await createProject(page, 'Search');
    await page.getByRole('tab', { name: 'Search' }).click();
    await page.getByTestId('search-panel').waitFor();
    expect(await page.getByTestId('search-problem').textContent()).toBe('Add a dataset of the project above');
    expect(await page.getByTestId('search-start-button').isDisabled()).toBe(true);

    await page.getByTestId('accuracy-dataset-path').fill(join(dataDirectory, 'datasets/mnist'));
    await page.getByTestId('accuracy-add-dataset').click();
    await poll(() => page.getByTestId('search-dataset-select').locator('option:checked').textContent()).toContain('mnist');
    await page.getByTestId('search-space-select').selectOption('mlp');
    await poll(() => page.getByTestId('search-board-select').inputValue()).toBe('virtual-m4f');
    await page.getByTestId('search-trials-input').fill('0');
    expect(await page.getByTestId('search-problem').textContent()).toBe('Trials must be a whole number from 1 to 1000');
    await page.getByTestId('search-trials-input').fill('3');
    await page.getByTestId('search-epochs-input').fill('1');
    await page.getByTestId('search-seed-input').fill('5');
    await page.getByTestId('search-limit-input').fill('300');
    await page.getByTestId('search-max-steps-input').fill('4');
    expect(await page.getByTestId('search-problem').count()).toBe(0);
    await page.getByTestId('search-start-button').click();

    // Trials appear as they end: the table grows to three rows, the plot shows the measured ones.
    await poll(() => page.getByTestId('search-progress').getAttribute('data-status')).toMatch(/queued|running|succeeded/);
    await poll(() => page.getByTestId('search-trial-row').count(), 300_000).toBe(3);
    await poll(() => page.getByTestId('search-progress').count(), 60_000).toBe(0); // shown while it runs, gone once it succeeded
    const statuses = await page.getByTestId('search-trial-row').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-status')));
    const measured = statuses.filter((status) => status === 'ok' || status === 'over-budget').length;
    expect(measured, statuses.join(', ')).toBeGreaterThan(0);
    await poll(() => page.getByTestId('pareto-point').count()).toBe(measured);
    const frontPoints = page.locator('[data-testid="pareto-point"][data-front="true"]');
    expect(await frontPoints.count()).toBeGreaterThan(0);
    expect(await page.getByTestId('pareto-plot').getAttribute('data-front')).toBe(String(await frontPoints.count()));
    expect(await page.getByTestId('search-plot-panel').textContent()).toContain('3 of 3 trials, bo, seed 5, 1 epochs');

    // Everything fits a 1280 px window: no horizontal scrolling of the page, the table or the plot.
    const overflow = await page.evaluate(() => {
      const wide = (selector: string) => [...document.querySelectorAll(selector)].map((element) => element.getBoundingClientRect().right);
      // A cell whose text runs past its edge (into the next column) counts too.
      const spilling = [...document.querySelectorAll('.search-table td')].filter((cell) => cell.scrollWidth > cell.clientWidth + 1).map((cell) => cell.textContent);
      return { page: document.documentElement.scrollWidth, right: Math.max(...wide('[data-testid="pareto-plot"] svg'), ...wide('.search-table')), spilling };
    });
    expect(overflow.page).toBeLessThanOrEqual(1280);
    expect(overflow.right).toBeLessThanOrEqual(1280);
    expect(overflow.spilling).toEqual([]);

    // A point of the front → a variant of the project.
    const point = frontPoints.first();
    const index = await point.getAttribute('data-index');
    await point.click();
    await poll(() => page.getByTestId('search-selection').getAttribute('data-index')).toBe(index);
    expect(await page.locator(`[data-testid="search-trial-row"][data-index="${index}"]`).getAttribute('aria-selected')).toBe('true');
    await saveScreenshot(page, 'search-1280x800', artefacts);
    await page.getByTestId('search-make-variant').click();
    await poll(() => page.getByTestId('search-variant-link').textContent()).toBe(`mlp-trial-${index}`);

    // Optimize it further: the Model tab with the new variant and its Optimize panel.
    await page.getByTestId('search-optimize').click();
    await poll(() => page.getByRole('tab', { name: 'Model' }).getAttribute('aria-selected')).toBe('true');
    await poll(() => page.getByTestId('variant-row').count()).toBe(1);
    await poll(() => page.getByTestId('quantize-panel').locator('h2, h3').first().textContent()).toContain(`mlp-trial-${index}`);
    expect(await page.getByTestId('project-screen').textContent()).toContain(`trial ${index} of a mlp search`);
    expect(session.pageErrors).toEqual([]);
  }, 600_000);
});
