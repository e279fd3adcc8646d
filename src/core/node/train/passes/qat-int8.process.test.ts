/**
 * A model trained with qat-int8 is an ordinary int8 model: the interpreter, the generated C on the
 * host and the emulated Cortex-M4F give byte-identical outputs (an LSTM and a GRU).
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { missingHostCompiler, withTemporaryDirectory } from '../../../../../test/codegen/testing/codegen.js';
import { sharedPath } from '../../../../../test/testing/shared-data.js';
import { requireTools } from '../../../../../test/testing/tools.js';
import { virtualM4f } from '../../../common/boards/index.js';
import { generateModel } from '../../../common/codegen/index.js';
import { Interpreter } from '../../../common/interp/interpreter.js';
import { bytesOf } from '../../../common/ir/tensor.js';
import { runPipeline } from '../../../common/passes/run-pipeline.js';
import { openDataset } from '../../datasets/dataset.js';
import { deployGraph } from '../../deploy/deploy.js';
import { virtualBoardTestsUnavailable } from '../../devices/qemu/testing/qemu.js';
import { buildHostRunner, runHostRunner } from '../../toolchain/index.js';
import { loadTrainingData } from '../data.js';
import { floatLstm } from '../testing/qat-models.js';
import { gruOpType } from '../../../common/ops/gru-layout.js';
import { buildCandidateGraph } from '../../../common/search/build-graph.js';
import { gruSpace } from '../../../common/search/spaces/gru.js';
import { readTimeSeries, windowSplit } from '../../search/time-series.js';
import './qat-int8.js';

describe('a qat-int8 model on the host C and virtual-m4f', () => {
  requireTools(virtualBoardTestsUnavailable() ?? missingHostCompiler);
  it('the MNIST LSTM after a few QAT steps: interpreter, host C and virtual-m4f byte-identical', async () => {
    const graph = await floatLstm();
    const data = await loadTrainingData(await openDataset(sharedPath('datasets/mnist')), graph, { limit: 300, validation: 0 });
    const calibration = { count: data.train.count, sample: (i: number) => [data.train.inputs.subarray(i * data.train.sampleSize, (i + 1) * data.train.sampleSize)] };
    const qat = (
      await runPipeline(graph, [{ pass: 'qat-int8', options: { epochs: 1, maxSteps: 3, batchSize: 32, backend: 'wasm', samples: 50, learningRate: 1e-3 } }], {
        resources: { calibration, training: data },
      })
    ).graph;
    const input = qat.tensors[qat.inputs[0]].quantization!;
    const interpreter = new Interpreter(qat);
    await withTemporaryDirectory('qat-lstm', async (directory) => {
      const runner = await buildHostRunner(generateModel(qat, { modelName: 'qat_lstm' }), join(directory, 'host'));
      for (let i = 0; i < 5; i++) {
        const real = data.heldOut.inputs.subarray(i * data.heldOut.sampleSize, (i + 1) * data.heldOut.sampleSize);
        const q = Int8Array.from(real, (value) => Math.max(-128, Math.min(127, Math.round(value / input.scale[0]) + input.zeroPoint[0])));
        const expected = bytesOf(interpreter.run([q]).outputs[0]);
        const [host] = await runHostRunner(runner, [new Uint8Array(q.buffer)]);
        expect(Buffer.from(host).toString('hex'), `held-out sample ${i}`).toBe(Buffer.from(expected).toString('hex'));
      }
    });
    const result = await deployGraph(qat, { board: virtualM4f, name: 'qat_lstm.tflite', hash: 'sha256:qat-lstm', runs: 2 });
    expect(result.bitExact).toBe(true);
    expect(result.passed).toBe(true);
    console.info(`QAT MNIST LSTM on virtual-m4f: ${result.latency.value} ${result.latency.unit}, arena ${result.arenaBytes} B, flash ${result.flashBytes} B`);
  }, 180_000);

  it('a GRU of the architecture search after a few QAT steps on the accelerometer set: interpreter, host C and virtual-m4f byte-identical', async () => {
    const set = await readTimeSeries(sharedPath('datasets/st_har_lsm6dsl'), { filesPerClass: 3 });
    const data = windowSplit(set, 26, 13, { holdout: 0.2 });
    const graph = buildCandidateGraph(gruSpace, { layers: 1, hidden: 16, window: 26, stride: 0.5, head: 0 }, { inputShape: [1, 26, set.channels], classes: set.classes.length, seed: 3 });
    const calibration = { count: data.train.count, sample: (i: number) => [data.train.inputs.subarray(i * data.train.sampleSize, (i + 1) * data.train.sampleSize)] };
    const qat = (
      await runPipeline(graph, [{ pass: 'qat-int8', options: { epochs: 1, maxSteps: 3, batchSize: 32, backend: 'wasm', samples: 50, learningRate: 1e-3 } }], {
        resources: { calibration, training: data },
      })
    ).graph;
    expect(qat.ops.find((op) => op.type === gruOpType)).toBeDefined();
    const input = qat.tensors[qat.inputs[0]].quantization!;
    const interpreter = new Interpreter(qat, { state: 'reset' });
    await withTemporaryDirectory('qat-gru', async (directory) => {
      const runner = await buildHostRunner(generateModel(qat, { modelName: 'qat_gru' }), join(directory, 'host'));
      for (let i = 0; i < 5; i++) {
        const real = data.heldOut.inputs.subarray(i * data.heldOut.sampleSize, (i + 1) * data.heldOut.sampleSize);
        const q = Int8Array.from(real, (value) => Math.max(-128, Math.min(127, Math.round(value / input.scale[0]) + input.zeroPoint[0])));
        const expected = bytesOf(interpreter.run([q]).outputs[0]);
        const [host] = await runHostRunner(runner, [new Uint8Array(q.buffer)]);
        expect(Buffer.from(host).toString('hex'), `held-out window ${i}`).toBe(Buffer.from(expected).toString('hex'));
      }
    });
    const result = await deployGraph(qat, { board: virtualM4f, name: 'qat_gru.tflite', hash: 'sha256:qat-gru', runs: 2 });
    expect(result.bitExact).toBe(true);
    expect(result.passed).toBe(true);
    console.info(`QAT activity GRU on virtual-m4f: ${result.latency.value} ${result.latency.unit}, arena ${result.arenaBytes} B, flash ${result.flashBytes} B`);
  }, 300_000);
});
