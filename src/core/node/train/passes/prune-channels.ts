/**
 * `prune-channels`: removes whole output channels of convolutions, units of fully connected
 * layers and hidden units of LSTMs, with everything downstream that reads them (see
 * `common/passes/prune/`). Importance is the L1 or L2 norm of each unit's weights, or the
 * first-order Taylor estimate |Σ activation · ∂loss/∂activation| over batches of the training
 * data (computed with tfjs through per-channel gates on the producers' outputs). The target is a
 * ratio of every prunable group, a parameter count, a MAC count, or a board budget: the largest
 * model whose weights (flash) and arena (RAM), as the C generator and its memory planner lay them
 * out, fit a fraction of the board's flash and RAM. Fine-tune afterwards
 * (`prune-channels,finetune`): pruning alone loses accuracy.
 *
 * One shot, or iteratively (`iterations` N > 1): N prunes towards the target on a geometric
 * schedule (each step keeps the same fraction of what is left; parameters and MACs fall by the
 * same factor per step), each but the last followed by `stepEpochs` epochs of fine-tuning on the
 * training data, importance measured again on the fine-tuned weights.
 */

import type { Graph } from '../../../common/ir/types.js';
import { PassError } from '../../../common/errors.js';
import { registerPass } from '../../../common/passes/registry.js';
import type { LabelledSet, TrainingData } from '../../../common/passes/pass.js';
import { analyzeChannels, type ChannelAnalysis } from '../../../common/passes/prune/channel-groups.js';
import { type PruneTarget, pruneToTarget, weightImportance } from '../../../common/passes/prune/prune.js';
import { type TrainingBackend, loadTrainingEngine } from '../engine.js';
import { lowerGraph } from '../lower.js';
import { batchTensor, crossEntropy, seededRandom } from '../trainer.js';
import { isStreamed } from '../stream.js';
import { type FinetuneOptions, LEARNING_RATE_AFTER_PRUNING, backendChoices, trainPass } from './finetune.js';
import { analyzeModel } from '../../../common/analysis/model-analysis.js';
import { findBoard } from '../../../common/boards/index.js';
import type { Board } from '../../../common/boards/board.js';
import { generateModel } from '../../../common/codegen/index.js';
import type { PassContext } from '../../../common/passes/pass.js';

export interface PruneChannelsOptions {
  [key: string]: string | number | boolean | undefined;
  ratio?: number;
  targetParams?: number;
  targetMacs?: number;
  importance?: string;
  taylorBatches?: number;
  batchSize?: number;
  seed?: number;
  backend?: string;
  board?: string;
  budget?: number;
  iterations?: number;
  stepEpochs?: number;
  learningRate?: number;
}

export const DEFAULT_PRUNE_RATIO = 0.5;

registerPass<PruneChannelsOptions>({
  name: 'prune-channels',
  description: 'remove whole channels (conv/depthwise/FC outputs, LSTM units) and the inputs that read them, the least important first; shapes shrink',
  requires: 'conv, depthwise, FC or LSTM producers whose channels do not reach a graph output or a softmax (those are kept); Taylor importance needs training data',
  options: {
    ratio: { type: 'number', description: `fraction of the channels of every prunable group to remove (default ${DEFAULT_PRUNE_RATIO} without a target)` },
    targetParams: { type: 'number', description: 'prune until the model has at most this many parameters' },
    targetMacs: { type: 'number', description: 'prune until the model needs at most this many MACs' },
    importance: { type: 'string', description: 'how units are ranked', default: 'l1', choices: ['l1', 'l2', 'taylor'] },
    taylorBatches: { type: 'number', description: 'training batches the Taylor importance is summed over', default: 8 },
    batchSize: { type: 'number', description: 'samples per Taylor batch', default: 64 },
    seed: { type: 'number', description: 'seed of the Taylor batches', default: 1 },
    backend: { type: 'string', description: 'tfjs back end (Taylor importance, fine-tuning between iterations)', default: 'auto', choices: backendChoices },
    board: { type: 'string', description: "prune until the model's weights and arena fit this board's flash and RAM (a board id)" },
    budget: { type: 'number', description: "with board: the fraction of the board's flash and RAM the model may use", default: 0.5 },
    iterations: { type: 'number', description: 'prune in this many steps towards the target, fine-tuning between them', default: 1 },
    stepEpochs: { type: 'number', description: 'epochs of fine-tuning after each step but the last (iterations > 1)', default: 2 },
    learningRate: { type: 'number', description: 'learning rate of the fine-tuning between iterations', default: LEARNING_RATE_AFTER_PRUNING },
  },
  async run(graph, context): Promise<Graph> {
    const { options } = context;
    const given = [options.ratio, options.targetParams, options.targetMacs, options.board].filter((value) => value !== undefined);
    if (given.length > 1) throw new PassError('give one of ratio, targetParams, targetMacs, board');
    const iterations = options.iterations ?? 1;
    if (!(Number.isInteger(iterations) && iterations >= 1)) throw new PassError(`iterations ${iterations} is not a whole number >= 1`);
    let target: PruneTarget =
      options.targetParams !== undefined ? { params: options.targetParams } : options.targetMacs !== undefined ? { macs: options.targetMacs } : { ratio: options.ratio ?? DEFAULT_PRUNE_RATIO };
    if (options.board !== undefined) {
      const board = findBoard(options.board);
      if (!board) throw new PassError(`board ${options.board} is not a known board`, { board: options.board });
      const fitted = await pruneOnce(graph, context, { board, budget: options.budget ?? 0.5 });
      if (iterations === 1) return fitted;
      target = { params: analyzeModel(fitted).totals.params };
    }
    if (iterations === 1) return pruneOnce(graph, context, target);
    if (!context.resources.training) throw new PassError('iterative pruning fine-tunes between steps: it needs training data (a dataset)');
    const before = analyzeModel(graph).totals;
    let current = graph;
    for (let step = 1; step <= iterations; step++) {
      const fraction = step / iterations;
      const stepTarget: PruneTarget =
        'ratio' in target
          ? { ratio: 1 - (1 - target.ratio) ** (1 / iterations) }
          : 'params' in target
            ? { params: Math.round(before.params * (target.params / before.params) ** fraction) }
            : { macs: Math.round(before.macs * (target.macs / before.macs) ** fraction) };
      context.log(`step ${step} of ${iterations}`);
      current = await pruneOnce(current, context, stepTarget);
      if (step < iterations) {
        const finetuneOptions: FinetuneOptions = { epochs: options.stepEpochs ?? 2, backend: options.backend, seed: options.seed, learningRate: options.learningRate ?? LEARNING_RATE_AFTER_PRUNING, batchSize: options.batchSize };
        current = await trainPass(current, { ...context, options: finetuneOptions } as unknown as PassContext<FinetuneOptions>);
      }
    }
    return current;
  },
});

/** The fraction `budget` of the board's flash and RAM, and what the generated model needs of each. */
function boardFit(board: Board, budget: number, graph: Graph): { fits: boolean; flash: number; ram: number; weights: number; arena: number } {
  const model = generateModel(graph, { modelName: 'budget' });
  const [flash, ram] = [Math.floor(board.memory.flash.size * budget), Math.floor(board.memory.ram.size * budget)];
  return { fits: model.weightBytes <= flash && model.arenaBytes <= ram, flash, ram, weights: model.weightBytes, arena: model.arenaBytes };
}

/** One prune to `target` (or to the largest model that fits a board budget), importance measured on `graph`. */
async function pruneOnce(graph: Graph, context: PassContext<PruneChannelsOptions>, target: PruneTarget | { board: Board; budget: number }): Promise<Graph> {
  const { options } = context;
  {
    const analysis = analyzeChannels(graph);
    let scores: Float64Array[];
    if (options.importance === 'taylor') {
      const data = context.resources.training;
      if (!data) throw new PassError('Taylor importance needs training data (a dataset); use l1 or l2 without one');
      scores = await taylorImportance(graph, analysis, data, options, context.signal);
    } else {
      scores = weightImportance(graph, analysis, (options.importance ?? 'l1') as 'l1' | 'l2');
    }
    let result;
    if ('board' in target) {
      const { board, budget } = target;
      if (!(budget > 0 && budget <= 1)) throw new PassError(`budget ${budget} is not a fraction in (0, 1]`);
      const start = boardFit(board, budget, graph);
      if (start.fits) {
        context.log(`weights ${start.weights} B and arena ${start.arena} B already fit ${board.id}'s budget (${start.flash} B flash, ${start.ram} B RAM)`);
        return graph;
      }
      let [low, high] = [0, 0.999];
      result = pruneToTarget(graph, analysis, scores, { ratio: high });
      if (!boardFit(board, budget, result.graph).fits) {
        const most = boardFit(board, budget, result.graph);
        throw new PassError(`cannot fit ${board.id}'s budget (${most.flash} B flash, ${most.ram} B RAM): one channel per group still needs ${most.weights} B of weights and a ${most.arena} B arena`);
      }
      for (let i = 0; i < 12; i++) {
        const middle = (low + high) / 2;
        const candidate = pruneToTarget(graph, analysis, scores, { ratio: middle });
        if (boardFit(board, budget, candidate.graph).fits) {
          result = candidate;
          high = middle;
        } else {
          low = middle;
        }
      }
      const fit = boardFit(board, budget, result.graph);
      context.log(`fits ${board.id}'s budget (${fit.flash} B flash, ${fit.ram} B RAM): weights ${start.weights} → ${fit.weights} B, arena ${start.arena} → ${fit.arena} B`);
    } else {
      result = pruneToTarget(graph, analysis, scores, target);
    }
    const prunable = analysis.groups.filter((group) => !group.blocked && group.size > 1);
    context.log(
      `removed ${result.removedUnits} of ${prunable.reduce((total, group) => total + group.size, 0)} units in ${prunable.length} prunable group(s) ` +
        `(${(100 * result.ratio).toFixed(1)}% of each, ${options.importance ?? 'l1'} importance): ` +
        `params ${result.before.params} → ${result.after.params}, MACs ${result.before.macs} → ${result.after.macs}`,
    );
    const kept = analysis.groups.filter((group) => group.blocked);
    if (kept.length) context.log(`${kept.length} group(s) kept whole, e.g. op ${kept[0].producers[0].op}: ${kept[0].blocked}`);
    return result.graph;
  }
}

/** |Σ a·∂L/∂a| per unit, summed over the producers of each group and over `taylorBatches` seeded batches. */
async function taylorImportance(graph: Graph, analysis: ChannelAnalysis, data: TrainingData, options: PruneChannelsOptions, signal: AbortSignal): Promise<Float64Array[]> {
  const { tf } = await loadTrainingEngine((options.backend ?? 'auto') as TrainingBackend | 'auto');
  const lowered = lowerGraph(tf, graph);
  const scores = analysis.groups.map((group) => new Float64Array(group.size));
  try {
    const gated = analysis.groups.flatMap((group) => group.producers.map((producer) => ({ group: group.id, tensor: graph.ops[producer.op].outputs[0], size: group.size })));
    const random = seededRandom(options.seed ?? 1);
    const batchSize = Math.min(options.batchSize ?? 64, data.train.count);
    for (let batch = 0; batch < (options.taylorBatches ?? 8); batch++) {
      signal.throwIfAborted();
      const indices = Array.from({ length: batchSize }, () => Math.floor(random() * data.train.count));
      // A streamed training part: only this batch's samples are read from disk.
      const train = data.train;
      const streamed = isStreamed(train) ? await train.read(indices) : undefined;
      const source: LabelledSet = streamed ? { count: batchSize, sampleSize: train.sampleSize, inputs: streamed, labels: train.labels } : (train as LabelledSet);
      const gradients = tf.tidy(() => {
        const x = batchTensor(tf, lowered, source, streamed ? indices.map((_, i) => i) : indices);
        const labels = tf.tensor1d(indices.map((index) => data.train.labels[index]), 'int32');
        const gates = gated.map(({ size }) => tf.ones([size]));
        const loss = (...values: ReturnType<typeof tf.tensor>[]) => {
          const map = new Map(gated.map(({ tensor }, i) => [tensor, values[i]]));
          return crossEntropy(tf, lowered.forward(x, { logits: true, gates: map }), labels, data.classes);
        };
        return tf.grads(loss as never)(gates).map((gradient) => gradient.dataSync() as Float32Array);
      });
      if (streamed && isStreamed(train)) train.release(streamed);
      gated.forEach(({ group }, i) => gradients[i].forEach((value, unit) => (scores[group][unit] += Math.abs(value))));
    }
  } finally {
    lowered.dispose();
  }
  return scores;
}
