import { describe, expect, it } from 'vitest';
import { sharedPath } from '../../../../../test/testing/shared-data.js';
import { runPipeline } from '../../../common/passes/run-pipeline.js';
import { openDataset } from '../../datasets/dataset.js';
import { loadTrainingData } from '../data.js';
import { interpreterAccuracy } from '../optimize-training.js';
import { lstmWithOutlierWeights } from '../testing/qat-models.js';
import './qat-int8.js';

describe('qat-int8', () => {
  it('recovers the accuracy post-training quantization loses on an LSTM with outlier weights, and gives the same int8 model for the same seed', async () => {
    const graph = await lstmWithOutlierWeights(40);
    const data = await loadTrainingData(await openDataset(sharedPath('datasets/mnist')), graph, { limit: 2000, validation: 0.1 });
    const calibration = { count: data.train.count, sample: (i: number) => [data.train.inputs.subarray(i * data.train.sampleSize, (i + 1) * data.train.sampleSize)] };
    const float = await interpreterAccuracy(graph, data.heldOut);
    const ptq = (await runPipeline(graph, [{ pass: 'quantize-int8', options: { samples: 100 } }], { resources: { calibration } })).graph;
    const qatOptions = { epochs: 2, backend: 'wasm', learningRate: 3e-3, samples: 100, patience: 0, seed: 1 };
    const log: string[] = [];
    const run = (maxSteps?: number) =>
      runPipeline(graph, [{ pass: 'qat-int8', options: { ...qatOptions, ...(maxSteps ? { maxSteps } : {}) } }], {
        validate: true,
        resources: { calibration, training: data },
        onLog: (entry) => log.push(entry.message),
      });
    const qat = (await run()).graph;
    const [ptqAccuracy, qatAccuracy] = [await interpreterAccuracy(ptq, data.heldOut), await interpreterAccuracy(qat, data.heldOut)];
    console.info(`MNIST LSTM with outlier input weights, ${data.heldOut.count} held out: float ${float}, PTQ ${ptqAccuracy}, QAT ${qatAccuracy}`);
    expect(ptqAccuracy).toBeLessThanOrEqual(float - 0.01);
    expect(qatAccuracy).toBeGreaterThanOrEqual(ptqAccuracy + 0.015);

    // An ordinary int8 model: int8 input and output, int8 weights, the int8 LSTM's int16 cell.
    expect(qat.tensors[qat.inputs[0]].dtype).toBe('int8');
    expect(qat.tensors[qat.outputs[0]].dtype).toBe('int8');
    const lstm = qat.ops.find((op) => op.type === 'UNIDIRECTIONAL_SEQUENCE_LSTM')!;
    expect(qat.tensors[lstm.inputs[2]].dtype).toBe('int8');
    expect(log.filter((line) => /^quantized with the ranges of epoch [12]: inputs and outputs int8$/.test(line))).toHaveLength(1);

    // Reproducible: the same seed, data and back end give the same int8 model (weights and learned ranges).
    const [first, second] = [(await run(4)).graph, (await run(4)).graph];
    expect(second.tensors.map((tensor) => tensor.data)).toEqual(first.tensors.map((tensor) => tensor.data));
    expect(second.tensors.map((tensor) => tensor.quantization)).toEqual(first.tensors.map((tensor) => tensor.quantization));
    expect(first.tensors.map((tensor) => tensor.data)).not.toEqual(qat.tensors.map((tensor) => tensor.data));
  });
});
