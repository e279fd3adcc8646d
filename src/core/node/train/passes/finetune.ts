/**
 * `finetune`: trains the model's weights on the pipeline's training data (see `trainer.ts`) and
 * writes them back: softmax cross-entropy, Adam or SGD, a learning-rate schedule, mini-batches in
 * a seeded order, early stopping on the validation part with the best epoch's weights kept. The
 * graph's structure is unchanged; int8 weights come back as float32.
 */

import type { Graph } from '../../../common/ir/types.js';
import type { PassContext, PassOptionSpec } from '../../../common/passes/pass.js';
import { registerPass } from '../../../common/passes/registry.js';
import { PassError } from '../../../common/errors.js';
import { type Tf, type TrainingBackend, loadTrainingEngine } from '../engine.js';
import { type LoweredGraph, lowerGraph } from '../lower.js';
import { type TrainResult, train, trainDefaults } from '../trainer.js';
import { isStreamed } from '../stream.js';

export interface FinetuneOptions {
  [key: string]: string | number | boolean | undefined;
  epochs?: number;
  batchSize?: number;
  learningRate?: number;
  optimizer?: string;
  schedule?: string;
  patience?: number;
  seed?: number;
  maxSteps?: number;
  backend?: string;
  checkpoint?: string;
  shift?: number;
  labelSmoothing?: number;
}

export const backendChoices = ['auto', 'tensorflow', 'wasm', 'cpu'] as const;

/**
 * The learning rate training starts at right after prune-channels (between iterative steps, and for a finetune or
 * distill pass after it in `tinydeploy optimize` unless one is given): a network just pruned is far from any
 * minimum. The MNIST LSTM pruned to a quarter recovered to 97.1% held out at 1e-2 against 95.1% at 3e-3 (bench/train).
 */
export const LEARNING_RATE_AFTER_PRUNING = 1e-2;

/** The options of every training pass (finetune, distill). */
export const trainingOptionSpecs = {
  epochs: { type: 'number', description: 'passes over the training part', default: trainDefaults.epochs },
  batchSize: { type: 'number', description: 'samples per step', default: trainDefaults.batchSize },
  learningRate: { type: 'number', description: 'initial learning rate', default: trainDefaults.learningRate },
  optimizer: { type: 'string', description: 'the optimizer', default: trainDefaults.optimizer, choices: ['adam', 'sgd'] },
  schedule: { type: 'string', description: 'learning-rate schedule over the epochs', default: trainDefaults.schedule, choices: ['constant', 'cosine', 'step'] },
  patience: { type: 'number', description: 'epochs without a better validation accuracy before stopping (0: never)', default: trainDefaults.patience },
  seed: { type: 'number', description: 'seed of the sample order', default: trainDefaults.seed },
  maxSteps: { type: 'number', description: 'stop after this many steps in all (short runs)' },
  shift: { type: 'number', description: 'augmentation: move every training sample by up to this many positions along its first two axes (image rows and columns, sequence steps and features)', default: trainDefaults.shift },
  labelSmoothing: { type: 'number', description: 'cross-entropy against (1 − ε)·one-hot + ε/classes', default: trainDefaults.labelSmoothing },
  backend: { type: 'string', description: 'tfjs back end', default: 'auto', choices: backendChoices },
  checkpoint: { type: 'string', description: 'file the training state is saved to after every epoch, and resumed from when it holds the same run' },
} as const satisfies Record<string, PassOptionSpec>;

/**
 * What a pass built on `trainPass` adds to the training (qat-int8's fake quantization): the lowered
 * graph the trainer sees, a call after every step and epoch, and the pass's result from the
 * trained weights.
 */
export interface TrainingExtension {
  wrap(tf: Tf, lowered: LoweredGraph): LoweredGraph;
  afterStep?(): void;
  afterEpoch?(epoch: number): void;
  finish(trained: Graph, result: TrainResult): Graph;
  dispose?(): void;
  /** What the extension keeps in a checkpoint (plain data), and how it takes it back. */
  saveState?(): unknown;
  restoreState?(state: unknown): void;
}

/** Trains `graph` on the context's training data and returns it with the trained weights (finetune, and distill with a teacher). */
export async function trainPass(
  graph: Graph,
  context: PassContext<FinetuneOptions>,
  distill?: { teacher: Graph; alpha: number; temperature: number },
  extension?: TrainingExtension,
): Promise<Graph> {
  const data = context.resources.training!;
  const { options } = context;
  if (data.train.count === 0) throw new PassError('the training part has no samples');
  const engine = await loadTrainingEngine((options.backend ?? 'auto') as TrainingBackend | 'auto');
  const { tf } = engine;
  context.log(`tfjs back end ${engine.backend}${engine.notes.length ? ` (${engine.notes.join('; ')})` : ''}`);
  const lowered = lowerGraph(tf, graph);
  const teacher = distill ? lowerGraph(tf, distill.teacher) : undefined;
  try {
    const epochs = options.epochs ?? trainDefaults.epochs;
    const batchSize = options.batchSize ?? trainDefaults.batchSize;
    const total = Math.ceil(data.train.count / batchSize) * epochs;
    const shift = options.shift ?? trainDefaults.shift;
    const smoothing = options.labelSmoothing ?? trainDefaults.labelSmoothing;
    context.log(
      `training ${epochs} epoch(s) of ${Math.ceil(data.train.count / batchSize)} steps: ${options.optimizer ?? trainDefaults.optimizer} at ${options.learningRate ?? trainDefaults.learningRate}, ` +
        `${options.schedule ?? trainDefaults.schedule} schedule, batch ${batchSize}, patience ${options.patience ?? trainDefaults.patience}` +
        (distill ? `; soft targets of the teacher weighted ${distill.alpha} at temperature ${distill.temperature}` : '') +
        (shift ? `; samples moved by up to ${shift} positions` : '') +
        (smoothing ? `; label smoothing ${smoothing}` : ''),
    );
    let done = 0;
    const result = await train(tf, extension ? extension.wrap(tf, lowered) : lowered, data, {
      epochs,
      batchSize,
      learningRate: options.learningRate,
      optimizer: options.optimizer as 'adam' | 'sgd' | undefined,
      schedule: options.schedule as 'constant' | 'cosine' | 'step' | undefined,
      patience: options.patience,
      seed: options.seed,
      maxSteps: options.maxSteps,
      shift: options.shift,
      labelSmoothing: options.labelSmoothing,
      signal: context.signal,
      ...(options.checkpoint
        ? {
            checkpoint: {
              path: options.checkpoint,
              onResume: (epoch: number) => context.log(`resumed from the checkpoint after epoch ${epoch}`),
              ...(extension?.saveState && extension.restoreState ? { extra: { save: () => extension.saveState!(), restore: (state: unknown) => extension.restoreState!(state) } } : {}),
            },
          }
        : {}),
      ...(distill && teacher ? { distill: { teacher, alpha: distill.alpha, temperature: distill.temperature } } : {}),
      onStep: ({ epoch, step, steps, loss }) => {
        extension?.afterStep?.();
        context.progress(++done, Math.min(total, options.maxSteps ?? total), `epoch ${epoch}/${epochs} step ${step}/${steps} loss ${loss.toFixed(4)}`);
      },
      onEpoch: ({ epoch, loss, validationAccuracy, learningRate, milliseconds }) => {
        extension?.afterEpoch?.(epoch);
        context.log(
          `epoch ${epoch}/${epochs}: loss ${loss.toFixed(4)}${validationAccuracy !== undefined ? `, validation accuracy ${(100 * validationAccuracy).toFixed(2)}%` : ''}, ` +
            `learning rate ${learningRate.toPrecision(3)}, ${(milliseconds / 1000).toFixed(1)} s`,
        );
      },
    });
    context.log(
      `trained ${result.epochs} epoch(s), ${result.steps} steps on ${data.train.count} samples${isStreamed(data.train) ? ' read from disk a batch at a time' : ''}` +
        (result.bestValidationAccuracy !== undefined ? `; kept epoch ${result.bestEpoch} (validation accuracy ${(100 * result.bestValidationAccuracy).toFixed(2)}%)` : '') +
        (result.stoppedEarly ? '; stopped early' : ''),
    );
    return extension ? extension.finish(lowered.toGraph(), result) : lowered.toGraph();
  } finally {
    lowered.dispose();
    teacher?.dispose();
    extension?.dispose?.();
  }
}

registerPass<FinetuneOptions>({
  name: 'finetune',
  description: 'train the weights on the training data (cross-entropy, Adam/SGD, LR schedule, early stopping on the validation part)',
  requires: 'a float classifier (int8 weights are dequantized) with one input and one output per class, every op trainable',
  resources: ['training'],
  options: trainingOptionSpecs,
  run: (graph, context) => trainPass(graph, context),
});
