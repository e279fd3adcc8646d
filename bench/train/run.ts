/**
 * Training figures, in one run:
 *
 *   npx tsx bench/train/run.ts [steps] [lstm] [distill]   (steps and lstm without arguments)
 *
 * 1. `steps`: time of one training step (forward, softmax cross-entropy, backward, Adam update)
 *    at batch 64 for the KWS DS-CNN (kws_ref_model_float32, made float) and the MNIST LSTM
 *    (trained_lstm), on every tfjs back end that loads here (tfjs-node, wasm, cpu), side by side
 *    with PyTorch on the CPU (Debian's python3-torch, one thread as tfjs' wasm back end, and two
 *    threads) on the same architectures (bench/train/torch_step.py).
 * 2. `lstm`: the MNIST LSTM pruned to at most a quarter of its parameters (20 → 5 hidden units;
 *    its classifier reads all 28 steps, so the FC dominates), one-shot and iteratively (20 → 14 →
 *    10 → 7 → 5 units with fine-tuning between), fine-tuned on the first 80% of ../shared's MNIST
 *    (its last 10% for early stopping), held-out accuracy on the last 20% with the interpreter;
 *    against the same 5-unit architecture trained from scratch (seeded Glorot weights) for as
 *    many epochs.
 * 3. `int8` (only when named): the pruned MNIST LSTM (one-shot L1 to a quarter, distilled from the
 *    unpruned model, `TRAIN_EPOCHS` epochs), then int8 twice: post-training quantization
 *    (quantize-int8, 200 calibration samples) and quantization-aware training (qat-int8,
 *    `QAT_EPOCHS` epochs at a tenth of the learning rate); both deployed on virtual-m4f
 *    (instructions, arena, flash, bit-exact) and measured on the held-out fifth.
 *
 * Writes bench/train/results.json (the README quotes it).
 */

import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { analyzeModel } from '../../src/core/common/analysis/model-analysis.js';
import type { Graph } from '../../src/core/common/ir/types.js';
import { runPipeline } from '../../src/core/common/passes/run-pipeline.js';
import { openDataset } from '../../src/core/node/datasets/dataset.js';
import { loadModelFile } from '../../src/core/node/model-file.js';
import { loadTrainingData } from '../../src/core/node/train/data.js';
import { type TrainingBackend, loadTrainingEngine, trainingBackends } from '../../src/core/node/train/engine.js';
import { lowerGraph, trainableTensorIds } from '../../src/core/node/train/lower.js';
import { interpreterAccuracy } from '../../src/core/node/train/optimize-training.js';
import { batchTensor, crossEntropy, seededRandom } from '../../src/core/node/train/trainer.js';
import '../../src/core/node/train/passes/finetune.js';
import '../../src/core/node/train/passes/prune-channels.js';
import '../../src/core/node/train/passes/distill.js';
import '../../src/core/node/train/passes/qat-int8.js';
import { virtualM4f } from '../../src/core/common/boards/index.js';
import { deployGraph } from '../../src/core/node/deploy/deploy.js';
import { exportTflite } from '../../src/core/common/exporters/index.js';
import { mkdirSync } from 'node:fs';

const here = dirname(fileURLToPath(import.meta.url));
const sharedDir = process.env.TINYDEPLOY_SHARED ?? resolve(here, '../../../shared');
const resultsPath = join(here, 'results.json');
const parts = process.argv.slice(2);
const wanted = (part: string) => parts.length === 0 || (parts.includes(part) && part !== 'int8' && parts[0] !== 'recipe');
const results: Record<string, unknown> = {};
/** Writes this run's parts over what results.json holds (another run may have written other parts meanwhile). */
const save = () => {
  const stored = existsSync(resultsPath) ? (JSON.parse(readFileSync(resultsPath, 'utf8')) as Record<string, unknown>) : {};
  writeFileSync(resultsPath, JSON.stringify({ ...stored, ...results }, null, 2) + '\n');
};

const floatKws = async () => (await runPipeline(await loadModelFile(join(sharedDir, 'models/mlperf_tiny/kws_ref_model_float32.tflite')), 'hybrid-to-float')).graph;
const lstmModel = () => loadModelFile(join(sharedDir, 'models/rnn/trained_lstm.tflite'));

/**
 * Milliseconds per step at batch 64 (`warmUp` untimed steps, then `steps` timed): wall clock and
 * the process's CPU time (one thread on wasm and cpu; what to compare on a loaded machine).
 */
async function stepTime(graph: Graph, backend: TrainingBackend, steps: number, warmUp = 2): Promise<{ wall: number; cpu: number }> {
  const { tf } = await loadTrainingEngine(backend);
  const lowered = lowerGraph(tf, graph);
  const shape = graph.tensors[graph.inputs[0]].shape;
  const classes = graph.tensors[graph.outputs[0]].shape.at(-1)!;
  const sampleSize = shape.reduce((a, b) => a * b, 1);
  const random = seededRandom(1);
  const count = 64;
  const set = { count, sampleSize, inputs: Float32Array.from({ length: count * sampleSize }, () => random()), labels: Int32Array.from({ length: count }, () => Math.floor(random() * classes)) };
  const optimizer = tf.train.adam(1e-3);
  const indices = Array.from({ length: count }, (_, i) => i);
  const step = async () => {
    const loss = tf.tidy(() => {
      const x = batchTensor(tf, lowered, set, indices);
      const labels = tf.tensor1d(Array.from(set.labels), 'int32');
      return optimizer.minimize(() => crossEntropy(tf, lowered.forward(x, { logits: true }), labels, classes) as never, true, [...lowered.variables.values()])!;
    });
    await loss.data();
    loss.dispose();
  };
  for (let i = 0; i < warmUp; i++) await step();
  const started = performance.now();
  const cpuStarted = process.cpuUsage();
  for (let i = 0; i < steps; i++) await step();
  const ms = (performance.now() - started) / steps;
  const cpu = process.cpuUsage(cpuStarted);
  optimizer.dispose();
  lowered.dispose();
  return { wall: ms, cpu: (cpu.user + cpu.system) / 1000 / steps };
}

async function stepsPart(): Promise<void> {
  const models = { kws: await floatKws(), lstm: await lstmModel() };
  const tfjs: Record<string, Record<string, number | string>> = {};
  const tfjsCpu: Record<string, Record<string, number>> = {};
  // PyTorch first, right after nothing else: then the tfjs back ends, fastest first (the cpu one takes minutes).
  const torch = [1, 2].map((threads) => {
    const output = execFileSync('/usr/bin/python3', [join(here, 'torch_step.py'), String(threads), '10'], { encoding: 'utf8' });
    const parsed = JSON.parse(output) as { torch: string; threads: number; kws: number; lstm: number; cpu: { kws: number; lstm: number } };
    console.log(`torch (${parsed.threads} thread(s)): kws ${parsed.kws.toFixed(0)} ms (${parsed.cpu.kws.toFixed(0)} CPU), lstm ${parsed.lstm.toFixed(0)} ms (${parsed.cpu.lstm.toFixed(0)} CPU)`);
    return { ...parsed, kws: Math.round(parsed.kws), lstm: Math.round(parsed.lstm), cpu: { kws: Math.round(parsed.cpu.kws), lstm: Math.round(parsed.cpu.lstm) } };
  });
  // TRAIN_BACKENDS=wasm: only those back ends (the cpu one takes minutes per KWS step), stored under their own key.
  const only = process.env.TRAIN_BACKENDS?.split(',');
  for (const backend of trainingBackends.filter((name) => !only || only.includes(name))) {
    try {
      await loadTrainingEngine(backend);
    } catch (error) {
      tfjs[backend] = { unavailable: (error as Error).message };
      console.log(`${backend}: ${(error as Error).message}`);
      continue;
    }
    tfjs[backend] = {};
    tfjsCpu[backend] = {};
    for (const [name, graph] of Object.entries(models)) {
      // The cpu back end takes tens of seconds per KWS step: one timed step after one warm-up there.
      const slow = backend === 'cpu' && name === 'kws';
      const time = await stepTime(graph, backend, slow ? 1 : 10, slow ? 1 : 2);
      tfjs[backend][name] = Math.round(time.wall);
      tfjsCpu[backend][name] = Math.round(time.cpu);
      console.log(`tfjs ${backend} ${name}: ${tfjs[backend][name]} ms/step (${tfjsCpu[backend][name]} ms CPU)`);
    }
  }
  const ratios = Object.fromEntries(
    Object.entries(tfjs)
      .filter(([, figures]) => typeof figures.kws === 'number')
      .map(([backend, figures]) => [backend, { kws: +((figures.kws as number) / torch[0].kws).toFixed(2), lstm: +((figures.lstm as number) / torch[0].lstm).toFixed(2) }]),
  );
  const cpuRatios = Object.fromEntries(
    Object.entries(tfjsCpu)
      .filter(([, figures]) => typeof figures.kws === 'number')
      .map(([backend, figures]) => [backend, { kws: +(figures.kws / torch[0].cpu.kws).toFixed(2), lstm: +(figures.lstm / torch[0].cpu.lstm).toFixed(2) }]),
  );
  const os = await import('node:os');
  results[only ? `steps-${only.join('-')}` : 'steps'] = {
    batch: 64,
    unit: 'ms per step',
    tfjs,
    tfjsCpu,
    torch,
    ratioToTorchOneThread: ratios,
    cpuRatioToTorchOneThread: cpuRatios,
    cores: os.cpus().length,
    loadAverage: os.loadavg().map((value) => +value.toFixed(1)),
    date: new Date().toISOString(),
  };
  save();
}

/** A copy of the graph with its trainable weights redrawn (Glorot uniform, biases 0; the LSTM forget bias 1), seeded. */
function fromScratch(graph: Graph, seed: number): Graph {
  const random = seededRandom(seed);
  const tensors = [...graph.tensors];
  const lstm = graph.ops.find((op) => op.type === 'UNIDIRECTIONAL_SEQUENCE_LSTM');
  const forgetBias = lstm?.inputs[13];
  for (const id of trainableTensorIds(graph)) {
    const tensor = graph.tensors[id];
    const data = new Float32Array(tensor.shape.reduce((a, b) => a * b, 1));
    if (tensor.shape.length >= 2) {
      const fanOut = tensor.shape[0];
      const fanIn = data.length / fanOut;
      const limit = Math.sqrt(6 / (fanIn + fanOut));
      for (let i = 0; i < data.length; i++) data[i] = (2 * random() - 1) * limit;
    } else if (id === forgetBias) {
      data.fill(1);
    }
    tensors[id] = { ...tensor, dtype: 'float32', data };
  }
  return { ...graph, tensors };
}

/** Runs accumulate in results.lstm.runs across parts. */
function storedRuns(): Record<string, unknown>[] {
  const stored = existsSync(resultsPath) ? (JSON.parse(readFileSync(resultsPath, 'utf8')) as { lstm?: { runs?: Record<string, unknown>[] } }) : {};
  return stored.lstm?.runs ?? [];
}

async function lstmPart(variant: 'lstm' | 'distill'): Promise<void> {
  const backend = 'wasm';
  const epochs = Number(process.env.TRAIN_EPOCHS ?? 20);
  const graph = await lstmModel();
  const dataset = await openDataset(join(sharedDir, 'datasets/mnist'));
  const data = await loadTrainingData(dataset, graph, { holdout: 0.2, validation: 0.1 });
  const accuracy = (model: Graph) => interpreterAccuracy(model, data.heldOut);
  const params = (model: Graph) => analyzeModel(model).totals.params;
  const target = Math.floor(params(graph) / 4);
  const finetune = (extra: Record<string, number | string> = {}) => ({ pass: 'finetune', options: { backend, epochs, learningRate: 3e-3, patience: 5, seed: 1, ...extra } });
  const runs: Record<string, unknown>[] = variant === 'distill' ? storedRuns() : [];
  const record = async (name: string, entries: Parameters<typeof runPipeline>[1], start: Graph = graph) => {
    const started = performance.now();
    const log: string[] = [];
    const result = await runPipeline(start, entries, { resources: { training: { ...data, teacher: graph } }, onLog: (entry) => log.push(`${entry.pass}: ${entry.message}`) });
    const figures = { name, params: params(result.graph), heldOutAccuracy: await accuracy(result.graph), seconds: Math.round((performance.now() - started) / 1000), log };
    console.log(`${name}: ${figures.params} params, held-out accuracy ${(100 * figures.heldOutAccuracy).toFixed(2)}%, ${figures.seconds} s`);
    runs.push(figures);
    results.lstm = { model: 'trained_lstm', paramsBefore: params(graph), accuracyBefore: await accuracy(graph), target, epochs, backend, split: data.split, runs, date: new Date().toISOString() };
    save();
    return result.graph;
  };
  if (variant === 'distill') {
    // The unpruned model as teacher (the training data's teacher), soft targets at T = 2 weighted 0.7.
    await record('one-shot L1 prune to 1/4 + distill from the unpruned model (alpha 0.7, T 2)', [
      { pass: 'prune-channels', options: { targetParams: target } },
      { pass: 'distill', options: { ...finetune().options, alpha: 0.7, temperature: 2 } },
    ]);
    return;
  }
  const oneShot = await record('one-shot L1 prune to 1/4 + finetune', [{ pass: 'prune-channels', options: { targetParams: target } }, finetune()]);
  // Each ratio applies to the units left: 20 → 14 (0.3), 14 → 10 (4/14), 10 → 7 (0.3), then to the target (5).
  await record('iterative L1 prune 20→14→10→7→5 with 3-epoch finetunes, then finetune', [
    { pass: 'prune-channels', options: { ratio: 0.3 } },
    finetune({ epochs: 3 }),
    { pass: 'prune-channels', options: { ratio: 4 / 14 } },
    finetune({ epochs: 3 }),
    { pass: 'prune-channels', options: { ratio: 0.3 } },
    finetune({ epochs: 3 }),
    { pass: 'prune-channels', options: { targetParams: target } },
    finetune(),
  ]);
  await record('same 5-unit architecture from scratch (Glorot, seed 1)', [finetune({ patience: 0 })], fromScratch(oneShot, 1));
}

async function int8Part(): Promise<void> {
  const backend = (process.env.TRAIN_BACKEND ?? 'wasm') as TrainingBackend;
  const epochs = Number(process.env.TRAIN_EPOCHS ?? 20);
  const qatEpochs = Number(process.env.QAT_EPOCHS ?? 4);
  const graph = await lstmModel();
  const data = await loadTrainingData(await openDataset(join(sharedDir, 'datasets/mnist')), graph, { holdout: 0.2, validation: 0.1 });
  const accuracy = (model: Graph) => interpreterAccuracy(model, data.heldOut);
  const params = (model: Graph) => analyzeModel(model).totals.params;
  const calibration = { count: data.train.count, sample: (i: number) => [data.train.inputs.subarray(i * data.train.sampleSize, (i + 1) * data.train.sampleSize)] };
  const resources = { training: { ...data, teacher: graph }, calibration };
  const log: string[] = [];
  const onLog = (entry: { pass: string; message: string }) => {
    log.push(`${entry.pass}: ${entry.message}`);
    if (/^epoch|^trained|^resumed|^quantized/.test(entry.message)) console.log(`  ${entry.pass}: ${entry.message}`);
  };
  const started = performance.now();
  const training = { backend, learningRate: 3e-3, patience: 5, seed: 1 };
  // INT8_FROM=tmp/lstm-distilled.tflite: the float model a `recipe` run wrote, instead of training one here.
  const from = process.env.INT8_FROM;
  const pruned = from
    ? await loadModelFile(resolve(here, from))
    : (
        await runPipeline(graph, [{ pass: 'prune-channels', options: { targetParams: Math.floor(params(graph) / 4) } }, { pass: 'distill', options: { ...training, epochs, alpha: 0.7, temperature: 2 } }], {
          resources,
          onLog,
        })
      ).graph;
  const floatSeconds = Math.round((performance.now() - started) / 1000);
  mkdirSync(join(here, 'tmp'), { recursive: true });
  if (!from) writeFileSync(join(here, 'tmp/lstm-pruned.tflite'), exportTflite(pruned));
  const deploy = async (name: string, model: Graph) => {
    // DEPLOY=0: accuracies only (the recipe's other variants have the same architecture, so the same board figures).
    if (process.env.DEPLOY === '0') return {};
    const result = await deployGraph(model, { board: virtualM4f, name: `${name}.tflite`, hash: `bench:${name}`, runs: 2 });
    return { instructions: result.latency.value, arenaBytes: result.arenaBytes, flashBytes: result.flashBytes, bitExact: result.bitExact };
  };
  const rows: Record<string, unknown>[] = [{ name: from ? `pruned float (${from})` : 'pruned float (prune-channels + distill)', params: params(pruned), heldOutAccuracy: await accuracy(pruned), seconds: floatSeconds, ...(await deploy('lstm_pruned_float', pruned)) }];
  const ptqStarted = performance.now();
  const ptq = (await runPipeline(pruned, [{ pass: 'quantize-int8', options: { samples: 200 } }], { resources, onLog })).graph;
  rows.push({ name: 'PTQ int8 (quantize-int8, 200 samples)', params: params(ptq), heldOutAccuracy: await accuracy(ptq), seconds: Math.round((performance.now() - ptqStarted) / 1000), ...(await deploy('lstm_pruned_ptq', ptq)) });
  const qatStarted = performance.now();
  const qat = (await runPipeline(pruned, [{ pass: 'qat-int8', options: { ...training, learningRate: 3e-4, patience: 0, epochs: qatEpochs, samples: 200 } }], { resources, onLog })).graph;
  rows.push({ name: `QAT int8 (qat-int8, ${qatEpochs} epochs)`, params: params(qat), heldOutAccuracy: await accuracy(qat), seconds: Math.round((performance.now() - qatStarted) / 1000), ...(await deploy('lstm_pruned_qat', qat)) });
  for (const row of rows) console.log(JSON.stringify(row));
  const figures = { model: 'trained_lstm', accuracyBefore: await accuracy(graph), ...(from ? { from } : { epochs }), qatEpochs, backend, split: data.split, board: 'virtual-m4f', rows, log, date: new Date().toISOString() };
  if (from) {
    // Several recipe models quantize side by side in separate processes: merge into what is on disk now.
    const stored = existsSync(resultsPath) ? (JSON.parse(readFileSync(resultsPath, 'utf8')) as Record<string, Record<string, unknown> | undefined>) : {};
    results.int8Recipe = { ...stored.int8Recipe, [from]: figures };
  } else {
    results.int8 = figures;
  }
  save();
}

/**
 * The recipe for the pruned MNIST LSTM, one variant per process (`recipe scratch|pruned|distilled`) so the three
 * can train side by side; each writes its row into results.json's `lstmRecipe.runs` and its model to tmp/.
 * The same training options for all three: Adam at 1e-2 with a cosine schedule over `TRAIN_EPOCHS` epochs, the
 * best validation epoch kept, rows and columns moved by up to `TRAIN_SHIFT` pixels; `distilled` adds soft targets
 * from the unpruned model (`TRAIN_ALPHA`, `TRAIN_TEMPERATURE`).
 */
async function recipePart(variant: string): Promise<void> {
  if (!['scratch', 'pruned', 'distilled'].includes(variant)) throw new Error(`recipe variant ${variant}: scratch, pruned or distilled`);
  const backend = (process.env.TRAIN_BACKEND ?? 'wasm') as TrainingBackend;
  const settings = {
    epochs: Number(process.env.TRAIN_EPOCHS ?? 20),
    learningRate: Number(process.env.TRAIN_LR ?? 1e-2),
    shift: Number(process.env.TRAIN_SHIFT ?? 0),
    alpha: Number(process.env.TRAIN_ALPHA ?? 0.9),
    temperature: Number(process.env.TRAIN_TEMPERATURE ?? 4),
  };
  const graph = await lstmModel();
  const data = await loadTrainingData(await openDataset(join(sharedDir, 'datasets/mnist')), graph, { holdout: 0.2, validation: 0.1 });
  const params = (model: Graph) => analyzeModel(model).totals.params;
  const prune = { pass: 'prune-channels', options: { targetParams: Math.floor(params(graph) / 4) } };
  const training = { backend, epochs: settings.epochs, learningRate: settings.learningRate, schedule: 'cosine', patience: 0, seed: 1, shift: settings.shift };
  const log: string[] = [];
  const onLog = (entry: { pass: string; message: string }) => {
    log.push(`${entry.pass}: ${entry.message}`);
    if (/^epoch|^trained|^removed/.test(entry.message)) console.log(`  ${variant} ${entry.pass}: ${entry.message}`);
  };
  const started = performance.now();
  const pipelines = {
    scratch: [{ pass: 'finetune', options: training }],
    pruned: [prune, { pass: 'finetune', options: training }],
    distilled: [prune, { pass: 'distill', options: { ...training, alpha: settings.alpha, temperature: settings.temperature } }],
  };
  // From scratch: the pruned architecture (5 units) with its weights redrawn, trained the same way.
  const start = variant === 'scratch' ? fromScratch((await runPipeline(graph, [prune])).graph, 1) : graph;
  const result = (await runPipeline(start, pipelines[variant as keyof typeof pipelines], { resources: { training: { ...data, teacher: graph } }, onLog })).graph;
  const seconds = Math.round((performance.now() - started) / 1000);
  mkdirSync(join(here, 'tmp'), { recursive: true });
  writeFileSync(join(here, `tmp/lstm-${variant}.tflite`), exportTflite(result));
  const row = { params: params(result), heldOutAccuracy: await interpreterAccuracy(result, data.heldOut), seconds, pipeline: pipelines[variant as keyof typeof pipelines], log };
  console.log(`${variant}: ${row.params} params, held-out accuracy ${(100 * row.heldOutAccuracy).toFixed(2)}%, ${seconds} s`);
  // Other variants write the same key from other processes: merge into what is on disk now.
  const stored = existsSync(resultsPath) ? (JSON.parse(readFileSync(resultsPath, 'utf8')) as Record<string, { runs?: Record<string, unknown> } | undefined>) : {};
  results.lstmRecipe = { model: 'trained_lstm', backend, settings, split: data.split, runs: { ...stored.lstmRecipe?.runs, [variant]: { ...row, date: new Date().toISOString() } } };
  save();
}

if (parts[0] === 'recipe') await recipePart(parts[1] ?? '');
if (parts.includes('int8')) await int8Part();
if (wanted('steps')) await stepsPart();
if (wanted('lstm')) await lstmPart('lstm');
if (parts.includes('distill')) await lstmPart('distill');
