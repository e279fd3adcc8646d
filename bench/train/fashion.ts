/**
 * A DS-CNN on Fashion-MNIST, from scratch to int8 on the M4F virtual board, in one run:
 *
 *   nice -n 10 npx tsx bench/train/fashion.ts
 *
 * 1. A DS-CNN built by the search's DS-CNN builder (`buildCandidateGraph`, seeded Glorot weights):
 *    a 3x3 stride-2 convolution, depthwise-separable blocks (the first with stride 2), global
 *    average pooling, a classifier. Trained from scratch by the `finetune` pass on the first
 *    `FASHION_TRAIN` images of Debian's training file (its last tenth for early stopping).
 * 2. `prune-channels` (L1, one shot) to half the scratch model's MACs, then `finetune`; the same
 *    again from that model to a quarter of the scratch model's MACs (scratch → 2x → 4x).
 * 3. Each of the three float models in int8 twice: post-training quantization (`quantize-int8`,
 *    200 calibration images) and quantization-aware training (`qat-int8`, `QAT_EPOCHS` epochs at
 *    a tenth of the learning rate).
 * 4. All nine deployed on virtual-m4f (`deployGraph`: instructions, arena, stack, flash, bit-exact)
 *    and measured with the host interpreter on the whole of Fashion-MNIST's own test file (10,000
 *    images never trained on).
 *
 * Every step goes through the pass framework (`runPipeline`), as `tinydeploy optimize` runs it.
 * Figures in bench/train/README.md. Writes fashion-results.json and the models to bench/train/tmp/fashion-*.tflite.
 * Settings: FASHION_TRAIN (images, default 8000), FASHION_EPOCHS (scratch, default 6),
 * FINETUNE_EPOCHS (after each prune, default 3), QAT_EPOCHS (default 1), QAT_STEPS (at most, default 40: a
 * QAT step costs about ten plain ones on wasm), FASHION_CHANNELS (first
 * convolution, default 24), FASHION_BLOCKS (default 3), TRAIN_BACKEND (default wasm).
 */

import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { analyzeModel } from '../../src/core/common/analysis/model-analysis.js';
import { virtualM4f } from '../../src/core/common/boards/index.js';
import { exportTflite } from '../../src/core/common/exporters/index.js';
import type { Graph } from '../../src/core/common/ir/types.js';
import { runPipeline } from '../../src/core/common/passes/run-pipeline.js';
import { buildCandidateGraph } from '../../src/core/common/search/build-graph.js';
import { dsCnnSpace } from '../../src/core/common/search/spaces/ds-cnn.js';
import { deployGraph } from '../../src/core/node/deploy/deploy.js';
import { loadTrainingData } from '../../src/core/node/train/data.js';
import type { TrainingBackend } from '../../src/core/node/train/engine.js';
import { openFashionMnist } from '../../src/core/node/train/fashion-mnist.js';
import { interpreterAccuracy } from '../../src/core/node/train/optimize-training.js';
import '../../src/core/node/train/passes/finetune.js';
import '../../src/core/node/train/passes/prune-channels.js';
import '../../src/core/node/train/passes/qat-int8.js';

const here = dirname(fileURLToPath(import.meta.url));
const resultsPath = join(here, 'fashion-results.json');
const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const settings = {
  backend: (process.env.TRAIN_BACKEND ?? 'wasm') as TrainingBackend,
  trainImages: env('FASHION_TRAIN', 8000),
  epochs: env('FASHION_EPOCHS', 6),
  finetuneEpochs: env('FINETUNE_EPOCHS', 3),
  qatEpochs: env('QAT_EPOCHS', 1),
  qatSteps: env('QAT_STEPS', 40),
  candidate: { blocks: env('FASHION_BLOCKS', 3), channels: env('FASHION_CHANNELS', 24), growth: 2, firstKernel: 3, firstStride: 2, kernel: 3, downsample: 1 },
  batchSize: 64,
  learningRate: 3e-3,
  seed: 1,
};

const started = performance.now();
const elapsed = () => `${Math.round((performance.now() - started) / 1000)} s`;
const { train: trainSet, test: testSet } = await openFashionMnist();
const scratch = buildCandidateGraph(dsCnnSpace, settings.candidate, { inputShape: [1, 28, 28, 1], classes: 10, seed: settings.seed });
const data = await loadTrainingData(trainSet, scratch, { limit: settings.trainImages, heldOutLimit: Infinity, validation: 0.1, heldOutSet: testSet });
console.log(`data: ${data.train.count} training, ${data.validation?.count ?? 0} validation, ${data.heldOut.count} test images (${elapsed()})`);
const calibration = { count: Math.min(200, data.train.count), sample: (i: number) => [data.train.inputs.subarray(i * data.train.sampleSize, (i + 1) * data.train.sampleSize)] };
const resources = { training: { ...data, teacher: scratch }, calibration };
const log: string[] = [];
const onLog = (entry: { pass: string; message: string }) => {
  if (process.env.FASHION_VERBOSE) console.log(`  ${entry.pass}: ${entry.message}`);
  log.push(`${entry.pass}: ${entry.message}`);
  if (/^epoch|^trained|^pruned|^removed|^quantized/.test(entry.message)) console.log(`  ${entry.pass}: ${entry.message} (${elapsed()})`);
};
const training = { backend: settings.backend, batchSize: settings.batchSize, learningRate: settings.learningRate, patience: 3, seed: settings.seed };
const run = async (graph: Graph, entries: Parameters<typeof runPipeline>[1]) => {
  const at = performance.now();
  const result = await runPipeline(graph, entries, { resources, onLog });
  return { graph: result.graph, seconds: Math.round((performance.now() - at) / 1000) };
};
const macsOf = (graph: Graph) => analyzeModel(graph).totals.macs;
const paramsOf = (graph: Graph) => analyzeModel(graph).totals.params;

interface Row {
  name: string;
  parent?: string;
  params: number;
  macs: number;
  heldOutAccuracy: number;
  trainSeconds: number;
  instructions?: number;
  arenaBytes?: number;
  stackBytes?: number;
  flashBytes?: number;
  bitExact?: boolean;
  passed?: boolean;
}
const rows: Row[] = [];
const results: Record<string, unknown> = {};
const save = () => {
  const stored = existsSync(resultsPath) ? (JSON.parse(readFileSync(resultsPath, 'utf8')) as Record<string, unknown>) : {};
  writeFileSync(resultsPath, JSON.stringify({ ...stored, ...results }, null, 2) + '\n');
};
mkdirSync(join(here, 'tmp'), { recursive: true });

const record = async (name: string, graph: Graph, trainSeconds: number, parent?: string) => {
  writeFileSync(join(here, `tmp/fashion-${name}.tflite`), exportTflite(graph));
  const row: Row = { name, ...(parent ? { parent } : {}), params: paramsOf(graph), macs: macsOf(graph), heldOutAccuracy: await interpreterAccuracy(graph, data.heldOut), trainSeconds };
  try {
    const deployed = await deployGraph(graph, { board: virtualM4f, name: `fashion-${name}.tflite`, hash: `bench:fashion-${name}`, runs: 2 });
    Object.assign(row, { instructions: deployed.latency.value, arenaBytes: deployed.arenaBytes, stackBytes: deployed.stackBytes, flashBytes: deployed.flashBytes, bitExact: deployed.bitExact, passed: deployed.passed });
  } catch (error) {
    console.log(`  deploy of ${name} failed: ${(error as Error).message}`);
  }
  console.log(`${JSON.stringify(row)} (${elapsed()})`);
  rows.push(row);
  results.fashion = { settings, split: data.split, board: 'virtual-m4f', rows, log, wallSeconds: Math.round((performance.now() - started) / 1000), date: new Date().toISOString() };
  save();
};

const trained = await run(scratch, [{ pass: 'finetune', options: { ...training, epochs: settings.epochs } }]);
await record('scratch', trained.graph, trained.seconds);
const target = macsOf(trained.graph);
const half = await run(trained.graph, [
  { pass: 'prune-channels', options: { targetMacs: Math.floor(target / 2) } },
  { pass: 'finetune', options: { ...training, epochs: settings.finetuneEpochs } },
]);
await record('pruned-2x', half.graph, half.seconds, 'scratch');
const quarter = await run(half.graph, [
  { pass: 'prune-channels', options: { targetMacs: Math.floor(target / 4) } },
  { pass: 'finetune', options: { ...training, epochs: settings.finetuneEpochs } },
]);
await record('pruned-4x', quarter.graph, quarter.seconds, 'pruned-2x');
for (const [name, model] of [
  ['scratch', trained.graph],
  ['pruned-2x', half.graph],
  ['pruned-4x', quarter.graph],
] as const) {
  const ptq = await run(model, [{ pass: 'quantize-int8', options: { samples: 200 } }]);
  await record(`${name}-ptq`, ptq.graph, ptq.seconds, name);
  const qat = await run(model, [{ pass: 'qat-int8', options: { ...training, learningRate: settings.learningRate / 10, patience: 0, epochs: settings.qatEpochs, maxSteps: settings.qatSteps, samples: 200 } }]);
  await record(`${name}-qat`, qat.graph, qat.seconds, name);
}
for (const row of rows) console.log(JSON.stringify(row));
console.log(`done in ${elapsed()}`);
