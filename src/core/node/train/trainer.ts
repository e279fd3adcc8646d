/**
 * The training loop over a lowered graph: softmax cross-entropy on the logits (the model's final
 * SOFTMAX left out), Adam or SGD with momentum, mini-batches in an order drawn from a seeded
 * generator, a learning-rate schedule, and early stopping on the validation part (the best
 * epoch's weights are restored at the end). With the same seed, data and back end, two runs give
 * the same weights: nothing else is random and tfjs' cpu and wasm kernels are deterministic.
 */

import { PassError } from '../../common/errors.js';
import type { LabelledSet } from '../../common/passes/pass.js';
import type { Tf } from './engine.js';
import type { LoweredGraph } from './lower.js';
import { seededRandom } from '../../common/search/random.js';
import { type StreamedSet, isStreamed } from './stream.js';
import { type SavedArray, type TrainingCheckpoint, CHECKPOINT_VERSION, loadArray, readCheckpoint, saveArray, writeCheckpoint } from './checkpoint.js';

type T = ReturnType<Tf['tensor']>;

export interface TrainOptions {
  optimizer?: 'adam' | 'sgd';
  learningRate?: number;
  /** constant; cosine (to 0 over the run); step (×0.1 after half and three quarters of the epochs). */
  schedule?: 'constant' | 'cosine' | 'step';
  batchSize?: number;
  epochs?: number;
  /** Epochs without a better validation accuracy before stopping (0: never stop early). */
  patience?: number;
  seed?: number;
  /** Stop after this many steps in all (short runs in tests and benches). */
  maxSteps?: number;
  /**
   * Data augmentation: every training sample moved by a whole number of positions drawn in
   * [−shift, shift] along each of the first two axes of a sample (rows and columns of an image,
   * time steps and features of a sequence), the uncovered edge filled with zeros; 0 (default): off.
   */
  shift?: number;
  /** Cross-entropy against (1 − ε)·one-hot + ε/classes (Szegedy et al.); 0 (default): plain labels. */
  labelSmoothing?: number;
  signal?: AbortSignal;
  /**
   * Distillation: the loss becomes α·T²·KL(teacher/T ‖ student/T) + (1 − α)·cross-entropy, the
   * teacher's logits computed on the same batch (its weights are not trained). α = 1 ignores the labels.
   */
  distill?: { teacher: LoweredGraph; alpha: number; temperature: number };
  onStep?(step: StepReport): void;
  onEpoch?(epoch: EpochReport): void;
  /**
   * Save the training state to `path` after every epoch and, when a checkpoint of the same run is
   * there at the start, resume from it (`checkpoint.ts`); `extra` saves and restores what the
   * caller adds (qat-int8's ranges).
   */
  checkpoint?: { path: string; extra?: { save(): unknown; restore(state: unknown): void }; onResume?(epoch: number): void };
}

export interface StepReport {
  epoch: number;
  /** Step within the epoch (1-based) and steps per epoch. */
  step: number;
  steps: number;
  loss: number;
}

export interface EpochReport {
  epoch: number;
  epochs: number;
  loss: number;
  learningRate: number;
  validationAccuracy?: number;
  milliseconds: number;
}

export interface TrainResult {
  epochs: number;
  steps: number;
  history: EpochReport[];
  /** The epoch whose weights were kept (the best validation accuracy; the last one without validation). */
  bestEpoch: number;
  bestValidationAccuracy?: number;
  stoppedEarly: boolean;
}

export const trainDefaults = { optimizer: 'adam', learningRate: 1e-3, schedule: 'cosine', batchSize: 64, epochs: 5, patience: 3, seed: 1, shift: 0, labelSmoothing: 0 } as const;

/** The search's seeded generator (mulberry32): training and search draw from one implementation. */
export { seededRandom };

/** 0 … count−1 in a seeded Fisher–Yates order. */
function shuffled(count: number, random: () => number): Int32Array {
  const order = new Int32Array(count);
  for (let i = 0; i < count; i++) order[i] = i;
  for (let i = count - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  return order;
}

/**
 * The inputs of samples `indices` as one batch tensor of the model's input shape; with `augment`,
 * each sample moved by offsets drawn from its generator (see `TrainOptions.shift`).
 */
export function batchTensor(tf: Tf, lowered: LoweredGraph, set: LabelledSet, indices: ArrayLike<number>, augment?: { shift: number; random: () => number }): T {
  const size = set.sampleSize;
  const data = new Float32Array(indices.length * size);
  const shape = lowered.graph.tensors[lowered.graph.inputs[0]].shape;
  for (let i = 0; i < indices.length; i++) {
    const sample = set.inputs.subarray(indices[i] * size, (indices[i] + 1) * size);
    if (augment && augment.shift > 0) shiftSample(sample, data.subarray(i * size, (i + 1) * size), shape.slice(1), augment.shift, augment.random);
    else data.set(sample, i * size);
  }
  return tf.tensor(data, [indices.length, ...shape.slice(1)]);
}

/** Copies `from` into `to` (zero-filled) moved by [−shift, shift] positions along the sample's first two axes. */
function shiftSample(from: Float32Array, to: Float32Array, shape: readonly number[], shift: number, random: () => number): void {
  const rows = shape[0] ?? 1;
  const columns = shape.length > 1 ? shape[1] : 1;
  const inner = from.length / (rows * columns);
  const draw = () => Math.floor(random() * (2 * shift + 1)) - shift;
  const dy = draw();
  const dx = shape.length > 1 ? draw() : 0;
  for (let y = Math.max(0, dy); y < Math.min(rows, rows + dy); y++) {
    const x0 = Math.max(0, dx);
    const x1 = Math.min(columns, columns + dx);
    if (x1 > x0) to.set(from.subarray(((y - dy) * columns + x0 - dx) * inner, ((y - dy) * columns + x1 - dx) * inner), (y * columns + x0) * inner);
  }
}

/** Mean softmax cross-entropy of the logits against integer labels (smoothed by `smoothing` ε). */
export function crossEntropy(tf: Tf, logits: T, labels: T, classes: number, smoothing = 0): T {
  const logProbabilities = tf.logSoftmax(logits.reshape([-1, classes]));
  const oneHot = tf.oneHot(labels, classes).toFloat();
  const targets = smoothing > 0 ? oneHot.mul(1 - smoothing).add(smoothing / classes) : oneHot;
  return tf.neg(tf.mean(tf.sum(tf.mul(targets, logProbabilities), 1)));
}

/** T²·KL(softmax(teacher/T) ‖ softmax(student/T)), averaged over the batch (Hinton et al.'s soft-target loss). */
export function distillationLoss(tf: Tf, student: T, teacher: T, temperature: number): T {
  const target = tf.softmax(teacher.div(temperature));
  const logTarget = tf.logSoftmax(teacher.div(temperature));
  const logStudent = tf.logSoftmax(student.div(temperature));
  return tf.mean(tf.sum(target.mul(logTarget.sub(logStudent)), 1)).mul(temperature * temperature);
}

/** Top-1 accuracy on a set streamed from disk (`stream.ts`), read `batchSize` samples at a time (training's validation: a training batch at a time). */
export async function streamedAccuracyOf(tf: Tf, lowered: LoweredGraph, set: StreamedSet, batchSize = 256): Promise<number> {
  let correct = 0;
  for (let start = 0; start < set.count; start += batchSize) {
    const count = Math.min(batchSize, set.count - start);
    const inputs = await set.read(Array.from({ length: count }, (_, i) => start + i));
    correct += Math.round(accuracyOf(tf, lowered, { count, sampleSize: set.sampleSize, inputs, labels: set.labels.subarray(start, start + count) }, batchSize) * count);
    set.release(inputs);
  }
  return set.count ? correct / set.count : 0;
}

/** Top-1 accuracy of the lowered graph on a set, in batches. */
export function accuracyOf(tf: Tf, lowered: LoweredGraph, set: LabelledSet, batchSize = 256): number {
  if (set.count === 0) return 0;
  let correct = 0;
  for (let start = 0; start < set.count; start += batchSize) {
    const indices = Array.from({ length: Math.min(batchSize, set.count - start) }, (_, i) => start + i);
    const predictions = tf.tidy(() => {
      const output = lowered.forward(batchTensor(tf, lowered, set, indices), { logits: true });
      return output.reshape([indices.length, -1]).argMax(1).dataSync() as Int32Array;
    });
    indices.forEach((index, i) => {
      if (predictions[i] === set.labels[index]) correct++;
    });
  }
  return correct / set.count;
}

function learningRateAt(options: Required<Pick<TrainOptions, 'learningRate' | 'schedule' | 'epochs'>>, epoch: number, fraction: number): number {
  const { learningRate, schedule, epochs } = options;
  const progress = (epoch + fraction) / epochs;
  if (schedule === 'cosine') return 0.5 * learningRate * (1 + Math.cos(Math.PI * progress));
  if (schedule === 'step') return learningRate * (progress >= 0.75 ? 0.01 : progress >= 0.5 ? 0.1 : 1);
  return learningRate;
}

/** Trains `lowered`'s variables on `train` (see the module comment). */
export async function train(tf: Tf, lowered: LoweredGraph, data: { train: LabelledSet | StreamedSet; validation?: LabelledSet | StreamedSet; classes: number }, options: TrainOptions = {}): Promise<TrainResult> {
  const settings = { ...trainDefaults, ...Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined)) } as Required<TrainOptions>;
  const { batchSize, epochs, patience, signal } = settings;
  const { train: set, validation, classes } = data;
  if (!(batchSize >= 1) || !(epochs >= 1)) throw new PassError(`batch size ${batchSize} and epochs ${epochs} must be at least 1`);
  if (!(settings.learningRate > 0)) throw new PassError(`learning rate ${settings.learningRate} must be positive`);
  if (!(Number.isInteger(settings.shift) && settings.shift >= 0)) throw new PassError(`shift ${settings.shift} is not a whole number >= 0`);
  if (!(settings.labelSmoothing >= 0 && settings.labelSmoothing < 1)) throw new PassError(`label smoothing ${settings.labelSmoothing} is not in [0, 1)`);
  const outputWidth = lowered.graph.tensors[lowered.graph.outputs[0]].shape.at(-1);
  if (outputWidth !== classes) throw new PassError(`the model has ${outputWidth} outputs, the dataset ${classes} classes: training needs a classifier with one output per class`);

  const optimizer = settings.optimizer === 'sgd' ? tf.train.momentum(settings.learningRate, 0.9) : tf.train.adam(settings.learningRate);
  const setRate = (rate: number) => {
    (optimizer as unknown as { learningRate: number }).learningRate = rate;
  };
  const generator = seededRandom(settings.seed);
  let draws = 0;
  const random = () => {
    draws++;
    return generator();
  };
  const variables = [...lowered.variables.values()];
  const stepsPerEpoch = Math.ceil(set.count / batchSize);
  const history: EpochReport[] = [];
  let best: { epoch: number; accuracy: number; weights: T[] } | undefined;
  let steps = 0;
  let stale = 0;
  let stoppedEarly = false;
  let startEpoch = 0;
  let finished = false;
  const checkpoint = options.checkpoint;
  const fingerprint = JSON.stringify({
    optimizer: settings.optimizer,
    learningRate: settings.learningRate,
    schedule: settings.schedule,
    batchSize,
    epochs,
    patience,
    seed: settings.seed,
    maxSteps: options.maxSteps ?? null,
    distill: options.distill ? [options.distill.alpha, options.distill.temperature] : null,
    ...(settings.shift ? { shift: settings.shift } : {}),
    ...(settings.labelSmoothing ? { labelSmoothing: settings.labelSmoothing } : {}),
    train: set.count,
    validation: validation?.count ?? 0,
    variables: variables.map((variable) => variable.shape),
  });
  const save = async (epoch: number) => {
    const state: TrainingCheckpoint = {
      version: CHECKPOINT_VERSION,
      fingerprint,
      epoch,
      steps,
      stale,
      finished,
      stoppedEarly,
      draws,
      variables: variables.map((variable) => saveArray('float32', variable.shape, variable.dataSync() as Float32Array)),
      optimizer: (await optimizer.getWeights()).map(({ name, tensor }) => ({
        name,
        value: saveArray(tensor.dtype === 'int32' ? 'int32' : 'float32', tensor.shape, tensor.dataSync() as Float32Array | Int32Array),
      })),
      ...(betaPowers() ? { betaPowers: betaPowers()!.map((power) => saveArray('float32', [], power.dataSync() as Float32Array)) } : {}),
      ...(best ? { best: { epoch: best.epoch, accuracy: best.accuracy, weights: best.weights.map((weight) => saveArray('float32', weight.shape, weight.dataSync() as Float32Array)) } } : {}),
      history,
      ...(checkpoint?.extra ? { extra: checkpoint.extra.save() } : {}),
    };
    await writeCheckpoint(checkpoint!.path, state);
  };
  /** Adam's running β1^t and β2^t (tfjs keeps them as variables). */
  const betaPowers = (): ReturnType<Tf['variable']>[] | undefined => {
    const adam = optimizer as unknown as { accBeta1?: ReturnType<Tf['variable']>; accBeta2?: ReturnType<Tf['variable']> };
    return adam.accBeta1 && adam.accBeta2 ? [adam.accBeta1, adam.accBeta2] : undefined;
  };
  const restore = async (saved: TrainingCheckpoint) => {
    const tensor = (array: SavedArray) => tf.tensor(loadArray(array), array.shape, array.dtype);
    variables.forEach((variable, i) => variable.assign(tensor(saved.variables[i])));
    await optimizer.setWeights(saved.optimizer.map(({ name, value }) => ({ name, tensor: tensor(value) })));
    betaPowers()?.forEach((power, i) => power.assign(tensor(saved.betaPowers![i])));
    for (let i = 0; i < saved.draws; i++) random();
    if (saved.best) best = { epoch: saved.best.epoch, accuracy: saved.best.accuracy, weights: saved.best.weights.map((weights) => tf.keep(tensor(weights))) };
    history.push(...(saved.history as EpochReport[]));
    ({ steps, stale, stoppedEarly, finished } = saved);
    startEpoch = saved.epoch;
    if (saved.extra !== undefined) checkpoint?.extra?.restore(saved.extra);
    checkpoint?.onResume?.(saved.epoch);
  };
  try {
    const saved = checkpoint ? await readCheckpoint(checkpoint.path, fingerprint) : undefined;
    if (saved) await restore(saved);
    for (let epoch = startEpoch; epoch < epochs && !finished; epoch++) {
      const started = performance.now();
      const order = shuffled(set.count, random);
      let lossSum = 0;
      let rate = settings.learningRate;
      for (let step = 0; step < stepsPerEpoch; step++) {
        // A turn of the event loop per step, so that a cancel (a message to the process) gets in.
        await new Promise((resolve) => setImmediate(resolve));
        signal?.throwIfAborted();
        rate = learningRateAt(settings, epoch, step / stepsPerEpoch);
        setRate(rate);
        const indices = order.subarray(step * batchSize, Math.min(set.count, (step + 1) * batchSize));
        // A streamed set: the batch's samples read from disk by their offsets, then used as a set of their own.
        const streamed = isStreamed(set) ? await set.read(indices) : undefined;
        const source: LabelledSet = streamed ? { count: indices.length, sampleSize: set.sampleSize, inputs: streamed, labels: set.labels } : (set as LabelledSet);
        const lossTensor = tf.tidy(() => {
          const x = batchTensor(tf, lowered, source, streamed ? indices.map((_, i) => i) : indices, settings.shift > 0 ? { shift: settings.shift, random } : undefined);
          const labels = tf.tensor1d(Array.from(indices, (index) => set.labels[index]), 'int32');
          const smoothing = settings.labelSmoothing;
          const distill = options.distill;
          const teacher = distill ? distill.teacher.forward(x, { logits: true }).reshape([-1, classes]) : undefined;
          return optimizer.minimize(
            () => {
              const logits = lowered.forward(x, { logits: true, training: true });
              if (!distill || !teacher) return crossEntropy(tf, logits, labels, classes, smoothing) as never;
              const soft = distillationLoss(tf, logits.reshape([-1, classes]), teacher, distill.temperature);
              const loss = distill.alpha >= 1 ? soft.mul(distill.alpha) : soft.mul(distill.alpha).add(crossEntropy(tf, logits, labels, classes, smoothing).mul(1 - distill.alpha));
              return loss as never;
            },
            true,
            variables,
          )!;
        }) as T;
        const loss = (await lossTensor.data())[0];
        lossTensor.dispose();
        if (streamed) (set as StreamedSet).release(streamed);
        if (!Number.isFinite(loss)) throw new PassError(`training diverged: loss ${loss} at epoch ${epoch + 1}, step ${step + 1} (try a lower learning rate)`);
        lossSum += loss;
        steps++;
        settings.onStep?.({ epoch: epoch + 1, step: step + 1, steps: stepsPerEpoch, loss });
        if (options.maxSteps !== undefined && steps >= options.maxSteps) break;
      }
      const report: EpochReport = { epoch: epoch + 1, epochs, loss: lossSum / Math.max(1, Math.min(stepsPerEpoch, steps)), learningRate: rate, milliseconds: performance.now() - started };
      if (validation && validation.count > 0) {
        report.validationAccuracy = isStreamed(validation) ? await streamedAccuracyOf(tf, lowered, validation, Math.min(256, batchSize)) : accuracyOf(tf, lowered, validation);
        if (!best || report.validationAccuracy > best.accuracy) {
          best?.weights.forEach((weight) => weight.dispose());
          best = { epoch: epoch + 1, accuracy: report.validationAccuracy, weights: variables.map((variable) => tf.keep(variable.clone())) };
          stale = 0;
        } else {
          stale++;
        }
      }
      history.push(report);
      settings.onEpoch?.(report);
      if (patience > 0 && stale >= patience && epoch < epochs - 1) stoppedEarly = true;
      finished = stoppedEarly || epoch === epochs - 1 || (options.maxSteps !== undefined && steps >= options.maxSteps);
      if (checkpoint) await save(epoch + 1);
    }
    if (best && best.epoch !== history.length) variables.forEach((variable, i) => variable.assign(best!.weights[i]));
    return {
      epochs: history.length,
      steps,
      history,
      bestEpoch: best?.epoch ?? history.length,
      ...(best ? { bestValidationAccuracy: best.accuracy } : {}),
      stoppedEarly,
    };
  } finally {
    best?.weights.forEach((weight) => weight.dispose());
    optimizer.dispose();
  }
}
