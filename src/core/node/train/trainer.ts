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
  signal?: AbortSignal;
  /**
   * Distillation: the loss becomes α·T²·KL(teacher/T ‖ student/T) + (1 − α)·cross-entropy, the
   * teacher's logits computed on the same batch (its weights are not trained). α = 1 ignores the labels.
   */
  distill?: { teacher: LoweredGraph; alpha: number; temperature: number };
  onStep?(step: StepReport): void;
  onEpoch?(epoch: EpochReport): void;
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

export const trainDefaults = { optimizer: 'adam', learningRate: 1e-3, schedule: 'cosine', batchSize: 64, epochs: 5, patience: 3, seed: 1 } as const;

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

/** The inputs of samples `indices` as one batch tensor of the model's input shape. */
export function batchTensor(tf: Tf, lowered: LoweredGraph, set: LabelledSet, indices: ArrayLike<number>): T {
  const size = set.sampleSize;
  const data = new Float32Array(indices.length * size);
  for (let i = 0; i < indices.length; i++) data.set(set.inputs.subarray(indices[i] * size, (indices[i] + 1) * size), i * size);
  const shape = lowered.graph.tensors[lowered.graph.inputs[0]].shape;
  return tf.tensor(data, [indices.length, ...shape.slice(1)]);
}

/** Mean softmax cross-entropy of the logits against integer labels. */
export function crossEntropy(tf: Tf, logits: T, labels: T, classes: number): T {
  const logProbabilities = tf.logSoftmax(logits.reshape([-1, classes]));
  return tf.neg(tf.mean(tf.sum(tf.mul(tf.oneHot(labels, classes), logProbabilities), 1)));
}

/** T²·KL(softmax(teacher/T) ‖ softmax(student/T)), averaged over the batch (Hinton et al.'s soft-target loss). */
export function distillationLoss(tf: Tf, student: T, teacher: T, temperature: number): T {
  const target = tf.softmax(teacher.div(temperature));
  const logTarget = tf.logSoftmax(teacher.div(temperature));
  const logStudent = tf.logSoftmax(student.div(temperature));
  return tf.mean(tf.sum(target.mul(logTarget.sub(logStudent)), 1)).mul(temperature * temperature);
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
export async function train(tf: Tf, lowered: LoweredGraph, data: { train: LabelledSet; validation?: LabelledSet; classes: number }, options: TrainOptions = {}): Promise<TrainResult> {
  const settings = { ...trainDefaults, ...Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined)) } as Required<TrainOptions>;
  const { batchSize, epochs, patience, signal } = settings;
  const { train: set, validation, classes } = data;
  if (!(batchSize >= 1) || !(epochs >= 1)) throw new PassError(`batch size ${batchSize} and epochs ${epochs} must be at least 1`);
  if (!(settings.learningRate > 0)) throw new PassError(`learning rate ${settings.learningRate} must be positive`);
  const outputWidth = lowered.graph.tensors[lowered.graph.outputs[0]].shape.at(-1);
  if (outputWidth !== classes) throw new PassError(`the model has ${outputWidth} outputs, the dataset ${classes} classes: training needs a classifier with one output per class`);

  const optimizer = settings.optimizer === 'sgd' ? tf.train.momentum(settings.learningRate, 0.9) : tf.train.adam(settings.learningRate);
  const setRate = (rate: number) => {
    (optimizer as unknown as { learningRate: number }).learningRate = rate;
  };
  const random = seededRandom(settings.seed);
  const variables = [...lowered.variables.values()];
  const stepsPerEpoch = Math.ceil(set.count / batchSize);
  const history: EpochReport[] = [];
  let best: { epoch: number; accuracy: number; weights: T[] } | undefined;
  let steps = 0;
  let stale = 0;
  let stoppedEarly = false;
  try {
    for (let epoch = 0; epoch < epochs; epoch++) {
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
        const lossTensor = tf.tidy(() => {
          const x = batchTensor(tf, lowered, set, indices);
          const labels = tf.tensor1d(Array.from(indices, (index) => set.labels[index]), 'int32');
          const distill = options.distill;
          const teacher = distill ? distill.teacher.forward(x, { logits: true }).reshape([-1, classes]) : undefined;
          return optimizer.minimize(
            () => {
              const logits = lowered.forward(x, { logits: true, training: true });
              if (!distill || !teacher) return crossEntropy(tf, logits, labels, classes) as never;
              const soft = distillationLoss(tf, logits.reshape([-1, classes]), teacher, distill.temperature);
              const loss = distill.alpha >= 1 ? soft.mul(distill.alpha) : soft.mul(distill.alpha).add(crossEntropy(tf, logits, labels, classes).mul(1 - distill.alpha));
              return loss as never;
            },
            true,
            variables,
          )!;
        }) as T;
        const loss = (await lossTensor.data())[0];
        lossTensor.dispose();
        if (!Number.isFinite(loss)) throw new PassError(`training diverged: loss ${loss} at epoch ${epoch + 1}, step ${step + 1} (try a lower learning rate)`);
        lossSum += loss;
        steps++;
        settings.onStep?.({ epoch: epoch + 1, step: step + 1, steps: stepsPerEpoch, loss });
        if (options.maxSteps !== undefined && steps >= options.maxSteps) break;
      }
      const report: EpochReport = { epoch: epoch + 1, epochs, loss: lossSum / Math.max(1, Math.min(stepsPerEpoch, steps)), learningRate: rate, milliseconds: performance.now() - started };
      if (validation && validation.count > 0) {
        report.validationAccuracy = accuracyOf(tf, lowered, validation);
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
      if (options.maxSteps !== undefined && steps >= options.maxSteps) break;
      if (patience > 0 && stale >= patience && epoch < epochs - 1) {
        stoppedEarly = true;
        break;
      }
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
