/**
 * The Fashion-MNIST run of `fashion.ts` as a TinyDeploy project, to look at in the app:
 *
 *   npx tsx bench/train/fashion-project.ts DATA_DIRECTORY [SCREENSHOT.png]
 *
 * Stores the nine models `fashion.ts` wrote (bench/train/tmp/fashion-*.tflite) as variants of one
 * project, each derived from the one it was made from (scratch → pruned 2x → pruned 4x, each float
 * model → its PTQ and QAT int8 children), with the figures of fashion-results.json: the accuracy
 * on the 10,000 test images as an evaluation, the virtual-m4f deploy (instructions, arena, stack,
 * flash, bit-exact) as a deploy measurement. With a screenshot path it then starts `tinydeploy
 * serve` on the folder and Chromium, and saves the Compare tab (its lineage plot).
 */

import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readModelBytes } from '../../src/core/node/model-file.js';
import { describeModel } from '../../src/core/node/model-summary.js';
import { openStore } from '../../src/core/node/store/index.js';
import { buildRendererIfStale, launchChromium, openPage, startServe } from '../../test/e2e/testing/harness.js';

interface Row {
  name: string;
  parent?: string;
  heldOutAccuracy: number;
  instructions?: number;
  arenaBytes?: number;
  stackBytes?: number;
  flashBytes?: number;
  bitExact?: boolean;
  passed?: boolean;
}

const here = dirname(fileURLToPath(import.meta.url));
const [dataDirectory, screenshot] = process.argv.slice(2);
if (!dataDirectory) throw new Error('usage: fashion-project.ts DATA_DIRECTORY [SCREENSHOT.png]');
const { fashion } = JSON.parse(readFileSync(join(here, 'fashion-results.json'), 'utf8')) as { fashion: { rows: Row[]; split: { heldOut: [number, number] } } };

const store = openStore(resolve(dataDirectory));
const project = store.createProject('Fashion-MNIST DS-CNN');
const ids = new Map<string, string>();
store.recordBoardSeen({ id: 'virtual-m4f', kind: 'virtual', name: 'Virtual Cortex-M4F (QEMU mps2-an386)' });
for (const row of fashion.rows) {
  const fileName = `fashion-${row.name}.tflite`;
  const bytes = new Uint8Array(readFileSync(join(here, 'tmp', fileName)));
  const { summary, detail } = describeModel(readModelBytes(bytes, fileName));
  const parentId = row.parent ? ids.get(row.parent) : undefined;
  const pipeline = row.name.endsWith('-ptq') ? 'quantize-int8' : row.name.endsWith('-qat') ? 'qat-int8' : 'prune-channels,finetune';
  const variant = store.addVariant({ projectId: project.id, name: `fashion-${row.name}`, ...(parentId ? { parentId, origin: { kind: 'optimize' as const, pipeline } } : { origin: { kind: 'import' as const, fileName } }), bytes, summary, detail });
  ids.set(row.name, variant.id);
  const evaluation = store.createJob({ projectId: project.id, kind: 'evaluate', params: { variantId: variant.id } });
  store.addMeasurement({ projectId: project.id, variantId: variant.id, jobId: evaluation.id, kind: 'evaluate', accuracy: row.heldOutAccuracy, samples: fashion.split.heldOut[1] });
  if (row.instructions === undefined) continue;
  const job = store.createJob({ projectId: project.id, kind: 'deploy', params: { variantId: variant.id, boardId: 'virtual-m4f', runs: 2 } });
  store.addMeasurement({
    projectId: project.id,
    variantId: variant.id,
    jobId: job.id,
    kind: 'deploy',
    boardId: 'virtual-m4f',
    latency: { value: row.instructions, unit: 'instructions' },
    arenaBytes: row.arenaBytes,
    stackBytes: row.stackBytes,
    flashBytes: row.flashBytes,
    bitExact: row.bitExact,
    passed: row.passed,
  });
}
store.close();
console.log(`project ${project.id}: ${fashion.rows.length} variants in ${dataDirectory}`);

if (screenshot) {
  buildRendererIfStale();
  const serve = await startServe(resolve(dataDirectory));
  const browser = await launchChromium();
  try {
    const errors: string[] = [];
    const page = await openPage(browser, { width: 1280, height: 800 }, errors);
    await page.goto(serve.url);
    await page.getByText('Fashion-MNIST DS-CNN').first().click();
    await page.getByRole('tab', { name: 'Compare' }).click();
    await page.getByTestId('lineage-plot').waitFor();
    const panel = page.getByTestId('lineage-panel');
    await panel.scrollIntoViewIfNeeded();
    await page.locator('[data-testid="lineage-point"][data-variant="fashion-pruned-2x-qat"]').focus();
    await panel.screenshot({ path: screenshot });
    console.log(`screenshot ${screenshot}${errors.length ? `; page errors: ${errors.join('; ')}` : ''}`);
  } finally {
    await browser.close();
    await serve.stop();
  }
}
