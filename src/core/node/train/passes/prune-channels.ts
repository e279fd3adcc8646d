/**
 * `prune-channels`: removes whole output channels of convolutions, units of fully connected
 * layers and hidden units of LSTMs, with everything downstream that reads them (see
 * `common/passes/prune/`). Importance is the L1 or L2 norm of each unit's weights, or the
 * first-order Taylor estimate |Σ activation · ∂loss/∂activation| over batches of the training
 * data (computed with tfjs through per-channel gates on the producers' outputs). The target is a
 * ratio of every prunable group, a parameter count or a MAC count. Fine-tune afterwards
 * (`prune-channels,finetune`): pruning alone loses accuracy.
 */

import type { Graph } from '../../../common/ir/types.js';
import { PassError } from '../../../common/errors.js';
import { registerPass } from '../../../common/passes/registry.js';
import type { TrainingData } from '../../../common/passes/pass.js';
import { analyzeChannels, type ChannelAnalysis } from '../../../common/passes/prune/channel-groups.js';
import { type PruneTarget, pruneToTarget, weightImportance } from '../../../common/passes/prune/prune.js';
import { type TrainingBackend, loadTrainingEngine } from '../engine.js';
import { lowerGraph } from '../lower.js';
import { batchTensor, crossEntropy, seededRandom } from '../trainer.js';
import { backendChoices } from './finetune.js';

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
    backend: { type: 'string', description: 'tfjs back end (Taylor importance)', default: 'auto', choices: backendChoices },
  },
  async run(graph, context): Promise<Graph> {
    const { options } = context;
    const given = [options.ratio, options.targetParams, options.targetMacs].filter((value) => value !== undefined);
    if (given.length > 1) throw new PassError('give one of ratio, targetParams, targetMacs');
    const target: PruneTarget =
      options.targetParams !== undefined ? { params: options.targetParams } : options.targetMacs !== undefined ? { macs: options.targetMacs } : { ratio: options.ratio ?? DEFAULT_PRUNE_RATIO };
    const analysis = analyzeChannels(graph);
    let scores: Float64Array[];
    if (options.importance === 'taylor') {
      const data = context.resources.training;
      if (!data) throw new PassError('Taylor importance needs training data (a dataset); use l1 or l2 without one');
      scores = await taylorImportance(graph, analysis, data, options, context.signal);
    } else {
      scores = weightImportance(graph, analysis, (options.importance ?? 'l1') as 'l1' | 'l2');
    }
    const result = pruneToTarget(graph, analysis, scores, target);
    const prunable = analysis.groups.filter((group) => !group.blocked && group.size > 1);
    context.log(
      `removed ${result.removedUnits} of ${prunable.reduce((total, group) => total + group.size, 0)} units in ${prunable.length} prunable group(s) ` +
        `(${(100 * result.ratio).toFixed(1)}% of each, ${options.importance ?? 'l1'} importance): ` +
        `params ${result.before.params} → ${result.after.params}, MACs ${result.before.macs} → ${result.after.macs}`,
    );
    const kept = analysis.groups.filter((group) => group.blocked);
    if (kept.length) context.log(`${kept.length} group(s) kept whole, e.g. op ${kept[0].producers[0].op}: ${kept[0].blocked}`);
    return result.graph;
  },
});

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
      const gradients = tf.tidy(() => {
        const x = batchTensor(tf, lowered, data.train, indices);
        const labels = tf.tensor1d(indices.map((index) => data.train.labels[index]), 'int32');
        const gates = gated.map(({ size }) => tf.ones([size]));
        const loss = (...values: ReturnType<typeof tf.tensor>[]) => {
          const map = new Map(gated.map(({ tensor }, i) => [tensor, values[i]]));
          return crossEntropy(tf, lowered.forward(x, { logits: true, gates: map }), labels, data.classes);
        };
        return tf.grads(loss as never)(gates).map((gradient) => gradient.dataSync() as Float32Array);
      });
      gated.forEach(({ group }, i) => gradients[i].forEach((value, unit) => (scores[group][unit] += Math.abs(value))));
    }
  } finally {
    lowered.dispose();
  }
  return scores;
}
