import { describe, expect, it } from 'vitest';
import { sharedModels, sharedPath } from '../../../../../test/testing/shared-data.js';
import { analyzeModel } from '../../../common/analysis/model-analysis.js';
import { generateModel } from '../../../common/codegen/index.js';
import { runPipeline } from '../../../common/passes/run-pipeline.js';
import { openDataset } from '../../datasets/dataset.js';
import { loadModelFile } from '../../model-file.js';
import { loadTrainingData } from '../data.js';
import './prune-channels.js';

describe('prune-channels: iterative schedule and board budget', () => {
  it('prunes the LSTM 20 → 10 → 5 units in two steps with a fine-tune between them', async () => {
    const graph = await loadModelFile(sharedModels.trained_lstm);
    const data = await loadTrainingData(await openDataset(sharedPath('datasets/mnist')), graph, { limit: 200 });
    const log: string[] = [];
    const result = await runPipeline(graph, [{ pass: 'prune-channels', options: { ratio: 0.75, iterations: 2, stepEpochs: 1, backend: 'wasm', batchSize: 32 } }], {
      validate: true,
      resources: { training: data },
      onLog: (entry) => log.push(entry.message),
    });
    expect(log.filter((line) => /^step \d of 2$/.test(line))).toEqual(['step 1 of 2', 'step 2 of 2']);
    expect(log.filter((line) => line.startsWith('trained 1 epoch(s)'))).toHaveLength(1);
    expect(log.filter((line) => line.startsWith('removed')).map((line) => line.split(' (')[0])).toEqual(['removed 10 of 20 units in 1 prunable group(s)', 'removed 5 of 10 units in 1 prunable group(s)']);
    expect(result.graph.tensors[result.graph.ops[0].outputs[0]].shape).toEqual([1, 28, 5]);
    await expect(runPipeline(graph, [{ pass: 'prune-channels', options: { ratio: 0.5, iterations: 2 } }])).rejects.toThrow('needs training data');
  });

  it("prunes until the generated model's weights and arena fit a fraction of a board's flash and RAM", async () => {
    const graph = (await runPipeline(await loadModelFile(sharedModels.trained_lstm), 'hybrid-to-float')).graph;
    const budget = 0.04; // nucleo-f446re: 512 KiB flash, 128 KiB RAM → 20,971 B and 5,242 B
    const before = generateModel(graph);
    expect(before.weightBytes).toBeGreaterThan(20971);
    const log: string[] = [];
    const result = await runPipeline(graph, [{ pass: 'prune-channels', options: { board: 'nucleo-f446re', budget } }], { validate: true, onLog: (entry) => log.push(entry.message) });
    const after = generateModel(result.graph);
    expect(after.weightBytes).toBeLessThanOrEqual(20971);
    expect(after.arenaBytes).toBeLessThanOrEqual(5242);
    const units = result.graph.tensors[result.graph.ops[0].outputs[0]].shape[2];
    expect(units).toBeGreaterThan(1);
    expect(analyzeModel(result.graph).totals.params).toBeLessThan(analyzeModel(graph).totals.params);
    expect(log.some((line) => line.startsWith("fits nucleo-f446re's budget (20971 B flash, 5242 B RAM): weights"))).toBe(true);
    await expect(runPipeline(graph, [{ pass: 'prune-channels', options: { board: 'no-such-board' } }])).rejects.toThrow('board no-such-board is not a known board');
  });
});
