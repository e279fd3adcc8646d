import { describe, expect, it } from 'vitest';
import { servicesSchema, validateRequest } from '../../../shared/services/schemas.js';
import { change, currentPassOffset, defaultTrainingForm, deployedSideBySide, epochPoints, findPipeline, pipelineChoices, stepPoint, stepPosition, trainingRequest } from './training.js';

const lstm = { id: 'v1', summary: { parameters: 9530, macs: 263_000 } };

describe('trainingRequest', () => {
  it('makes the optimize job request the job kind accepts, with the pruning ratio', () => {
    const made = trainingRequest(lstm, { ...defaultTrainingForm, datasetId: 'd1', epochs: 1, seed: 7 });
    expect(made.problem).toBeUndefined();
    expect(made.request).toEqual({ variantId: 'v1', datasetId: 'd1', passes: ['prune-channels', 'finetune'], epochs: 1, holdoutPercent: 20, seed: 7, ratioPercent: 50 });
    // The shared schema (checked where requests enter) takes it as it is.
    expect(() => validateRequest(servicesSchema, 'jobs', 'startOptimize', made.request)).not.toThrow();
  });

  it('asks for a parameter or MAC budget below the variant’s, and leaves it out of pipelines that do not prune', () => {
    expect(trainingRequest(lstm, { ...defaultTrainingForm, datasetId: 'd1', target: { kind: 'params', count: 2400 } }).request).toMatchObject({ targetParams: 2400 });
    expect(trainingRequest(lstm, { ...defaultTrainingForm, datasetId: 'd1', target: { kind: 'macs', count: 100_000 } }).request).toMatchObject({ targetMacs: 100_000 });
    expect(trainingRequest(lstm, { ...defaultTrainingForm, datasetId: 'd1', target: { kind: 'params', count: 9530 } }).problem).toBe("Target parameters (9530) must be below the variant's 9530");
    const finetune = trainingRequest(lstm, { ...defaultTrainingForm, pipeline: 'finetune-int8', datasetId: 'd1', maxSteps: 4 });
    expect(finetune.request).toEqual({ variantId: 'v1', datasetId: 'd1', passes: ['finetune', 'quantize-int8'], epochs: 3, holdoutPercent: 20, seed: 1, maxSteps: 4 });
  });

  it('says why a form cannot start a job', () => {
    expect(trainingRequest(lstm, defaultTrainingForm).problem).toMatch(/needs a dataset/);
    expect(trainingRequest(lstm, { ...defaultTrainingForm, datasetId: 'd1', epochs: 0 }).problem).toBe('Epochs must be a whole number from 1 to 10000, not 0');
    expect(trainingRequest(lstm, { ...defaultTrainingForm, datasetId: 'd1', holdoutPercent: 95 }).problem).toBe('Held-out share (%) must be a whole number from 1 to 90, not 95');
    expect(trainingRequest(lstm, { ...defaultTrainingForm, datasetId: 'd1', target: { kind: 'ratio', percent: 100 } }).problem).toBe('Prune ratio (%) must be a whole number from 1 to 99, not 100');
    expect(trainingRequest(lstm, { ...defaultTrainingForm, pipeline: 'quantize-int8', datasetId: 'd1' }).problem).toMatch(/not a training pipeline/);
  });

  it('offers only pipelines of known passes, the post-training one first', () => {
    expect(pipelineChoices[0]).toMatchObject({ id: 'quantize-int8', passes: [] });
    const known = new Set(['prune-channels', 'finetune', 'distill', 'quantize-int8', 'qat-int8']);
    for (const choice of pipelineChoices) for (const pass of choice.passes) expect(known).toContain(pass);
    expect(() => findPipeline('qat')).toThrow('unknown pipeline "qat"');
  });
});

describe('epochPoints', () => {
  it('reads each epoch’s loss and validation accuracy from the job log, numbering the training passes', () => {
    const log = [
      'starting a worker process',
      'pass 1 of 3: prune-channels',
      'prune-channels: pruned 16 of 32 hidden units',
      'pass 2 of 3: finetune',
      'finetune: epoch 1/2: loss 0.4120, validation accuracy 95.25%, learning rate 0.00100, 3.1 s',
      'finetune: epoch 2/2: loss 0.2051, validation accuracy 97.00%, learning rate 0.00100, 3.0 s',
      'finetune: trained 2 epoch(s), 226 steps on 7200 samples',
      'pass 3 of 3: distill',
      'distill: epoch 1/1: loss 1.5e-3, learning rate 0.00100, 3.0 s',
    ];
    expect(epochPoints(log)).toEqual([
      { pass: 'finetune', passIndex: 0, epoch: 1, epochs: 2, loss: 0.412, validationAccuracy: 0.9525 },
      { pass: 'finetune', passIndex: 0, epoch: 2, epochs: 2, loss: 0.2051, validationAccuracy: 0.97 },
      { pass: 'distill', passIndex: 1, epoch: 1, epochs: 1, loss: 0.0015 },
    ]);
    expect(epochPoints(['calibrating 3 of 50'])).toEqual([]);
    // Steps of the distill pass start after finetune's two epochs; finetune's own steps at 0, also once its epochs are logged.
    expect(currentPassOffset(log)).toBe(2);
    expect(currentPassOffset(log.slice(0, 6))).toBe(0);
    expect(currentPassOffset(log.slice(0, 3))).toBe(0);
  });

  it('reads the current step and places it on the epoch axis', () => {
    const point = stepPoint('finetune: epoch 2/3 step 50/100 loss 0.3010');
    expect(point).toEqual({ pass: 'finetune', epoch: 2, epochs: 3, step: 50, steps: 100, loss: 0.301 });
    expect(stepPosition(point!)).toBe(1.5);
    expect(stepPoint('evaluating parent on held-out samples: 64 of 2000')).toBeUndefined();
  });
});

describe('change', () => {
  it('says how much a figure moved, with its sign', () => {
    expect(change(9530, 4370).percent).toBe('−54.1%');
    expect(change(100, 150).percent).toBe('+50.0%');
    expect(change(0, 0).percent).toBe('±0.0%');
  });
});

describe('deployedSideBySide', () => {
  const deploy = (variantId: string, boardId: string, createdAt: string, value: number) => ({ variantId, boardId, kind: 'deploy', createdAt, latency: { value, unit: 'instructions' as const }, ramBytes: value / 10, flashBytes: value / 2 });
  it('pairs the newest deploys of parent and variant on the board the variant was last deployed to', () => {
    const measurements = [
      deploy('p', 'virtual-m4f', '2026-01-01T00:00:00Z', 1000),
      deploy('p', 'virtual-m7', '2026-01-02T00:00:00Z', 900),
      deploy('v', 'virtual-m4f', '2026-01-03T00:00:00Z', 400),
      deploy('p', 'virtual-m4f', '2026-01-04T00:00:00Z', 1100),
      { variantId: 'v', kind: 'evaluate', createdAt: '2026-01-05T00:00:00Z', boardId: 'virtual-m7' },
    ];
    expect(deployedSideBySide(measurements, 'p', 'v')).toEqual({
      boardId: 'virtual-m4f',
      parent: { boardId: 'virtual-m4f', latency: { value: 1100, unit: 'instructions' }, ramBytes: 110, flashBytes: 550 },
      variant: { boardId: 'virtual-m4f', latency: { value: 400, unit: 'instructions' }, ramBytes: 40, flashBytes: 200 },
    });
  });

  it('shows the parent’s board before the variant is deployed, and nothing before either is', () => {
    expect(deployedSideBySide([deploy('p', 'virtual-m7', '2026-01-02T00:00:00Z', 900)], 'p', 'v')).toMatchObject({ boardId: 'virtual-m7', parent: { ramBytes: 90 } });
    expect(deployedSideBySide([deploy('p', 'virtual-m7', '2026-01-02T00:00:00Z', 900)], 'p', 'v')?.variant).toBeUndefined();
    expect(deployedSideBySide([], 'p', 'v')).toBeUndefined();
  });
});
