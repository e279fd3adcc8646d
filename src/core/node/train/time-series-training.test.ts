import { describe, expect, it } from 'vitest';
import { sharedPath } from '../../../../test/testing/shared-data.js';
import { GraphBuilder, randomData } from '../../common/passes/testing/pass-test.js';
import { optimizeWithTraining } from './optimize-training.js';

/** A linear classifier (plumbing, not a good activity model) of 26-step windows of 3 accelerometer channels into 3 activities, seeded weights. */
function windowClassifier() {
  const b = new GraphBuilder('har');
  const x = b.input('window', 'float32', [1, 26, 3]);
  const w = b.constant('weights', 'float32', [3, 78], Float32Array.from(randomData('float32', 234, 1) as Float32Array, (v) => v * 0.05));
  const bias = b.constant('bias', 'float32', [3], new Float32Array(3));
  const logits = b.tensor('logits', 'float32', [1, 3]);
  const probabilities = b.tensor('probabilities', 'float32', [1, 3]);
  return b
    .op('FULLY_CONNECTED', { activation: 'none', keepNumDims: false, asymmetricQuantizeInputs: false }, [x, w, bias], [logits])
    .op('SOFTMAX', { beta: 1 }, [logits], [probabilities])
    .output(probabilities)
    .build();
}

describe('training on windowed time series', () => {
  it('trains a classifier on windows of the accelerometer activity set, held-out windows from the end of every file', async () => {
    const directory = sharedPath('datasets/st_har_lsm6dsl');
    const losses: number[] = [];
    const { report } = await optimizeWithTraining(windowClassifier(), {
      passes: ['finetune'],
      timeSeries: { directory, window: 26, stride: 13, filesPerClass: 10 },
      epochs: 4,
      batchSize: 16,
      learningRate: 0.002,
      backend: 'wasm',
      seed: 2,
      patience: 0,
      onLog: (entry) => {
        const loss = /^epoch \d+\/4: loss (\d+\.\d+)/.exec(entry.message);
        if (loss) losses.push(Number(loss[1]));
      },
    });
    // 10 files per class, 75 windows each: the last 15 windows of every file held out.
    expect(report.split).toMatchObject({ dataset: 'st_har_lsm6dsl', files: { heldOut: 30 } });
    expect(report.heldOutSamples).toBe(450);
    expect(losses).toHaveLength(4);
    expect(losses[3]).toBeLessThan(losses[0]);
    console.info(`activity windows: training loss ${losses.join(' → ')}; held-out accuracy ${report.accuracy.before} → ${report.accuracy.after} on ${report.heldOutSamples} windows`);
    await expect(optimizeWithTraining(windowClassifier(), { passes: ['finetune'], timeSeries: { directory, window: 20, stride: 10, filesPerClass: 1 } })).rejects.toThrow(
      'windows of 20 steps × 3 channels are 60 values, the model\'s input takes 78',
    );
  });
});
