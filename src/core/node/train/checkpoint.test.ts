import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sharedModels, sharedPath } from '../../../../test/testing/shared-data.js';
import { exportTflite } from '../../common/exporters/index.js';
import { openDataset } from '../datasets/dataset.js';
import { loadModelFile } from '../model-file.js';
import { type TrainingPipelineOptions, optimizeWithTraining } from './optimize-training.js';

describe('training checkpoints', () => {
  it('a finetune → qat-int8 run cancelled in its last pass and run again resumes there and ends with the same int8 model as a run never interrupted', async () => {
    const graph = await loadModelFile(sharedModels.trained_lstm);
    const dataset = await openDataset(sharedPath('datasets/mnist'));
    const directory = await mkdtemp(join(tmpdir(), 'tinydeploy-checkpoints-'));
    try {
      const settings: TrainingPipelineOptions = { passes: ['finetune', 'qat-int8'], dataset, limit: 300, epochs: 3, batchSize: 32, backend: 'wasm', seed: 4, patience: 0, learningRate: 2e-3 };
      const uninterrupted = await optimizeWithTraining(graph, settings);

      const checkpointDir = join(directory, 'job');
      const controller = new AbortController();
      const seen: string[] = [];
      await expect(
        optimizeWithTraining(graph, {
          ...settings,
          checkpointDir,
          signal: controller.signal,
          onLog: (entry) => {
            seen.push(`${entry.pass}: ${entry.message}`);
            if (entry.pass === 'qat-int8' && entry.message.startsWith('epoch 2/3')) controller.abort(new Error('cancelled by the test'));
          },
        }),
      ).rejects.toThrow('cancelled by the test');
      expect(seen.filter((line) => line.startsWith('finetune: epoch'))).toHaveLength(3);
      expect((await readdir(checkpointDir)).sort()).toEqual(['1-finetune.json', '2-qat-int8.json']);

      const log: string[] = [];
      const resumed = await optimizeWithTraining(graph, { ...settings, checkpointDir, onLog: (entry) => log.push(`${entry.pass}: ${entry.message}`) });
      expect(log).toContain('finetune: resumed from the checkpoint after epoch 3');
      expect(log).toContain('qat-int8: resumed from the checkpoint after epoch 2');
      // Only the epoch that had not finished is trained again.
      expect(log.filter((line) => /^(finetune|qat-int8): epoch \d\/3/.test(line))).toEqual([expect.stringMatching(/^qat-int8: epoch 3\/3/)]);
      expect(Buffer.from(exportTflite(resumed.graph)).equals(Buffer.from(exportTflite(uninterrupted.graph)))).toBe(true);
      expect(resumed.report.accuracy).toEqual(uninterrupted.report.accuracy);
      expect(existsSync(checkpointDir)).toBe(false);
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });
});
