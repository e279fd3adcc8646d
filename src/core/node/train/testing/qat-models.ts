/**
 * Models for quantization-aware training tests: the MNIST LSTM (float), and the same LSTM with an
 * outlier in its input weights that post-training quantization loses accuracy on.
 */
import { sharedModels } from '../../../../../test/testing/shared-data.js';
import type { Graph } from '../../../common/ir/types.js';
import { lstmGateInputs, lstmGateNames } from '../../../common/ops/lstm-layout.js';
import { runPipeline } from '../../../common/passes/run-pipeline.js';
import { loadModelFile } from '../../model-file.js';

/** `trained_lstm.tflite` with float32 weights. */
export async function floatLstm(): Promise<Graph> {
  return (await runPipeline(await loadModelFile(sharedModels.trained_lstm), 'hybrid-to-float')).graph;
}

/**
 * The MNIST LSTM with the input weights of the first pixel of each row set to ±`factor` times the
 * largest input weight of their gate. The first pixel of an MNIST row is always 0, so the float model
 * computes exactly what it did; but the int8 LSTM's weights are per tensor, so every other input
 * weight of the gate lands on a grid `factor` times coarser (the outliers a model picks up in
 * training, which hurt post-training quantization and which quantization-aware training adapts to).
 */
export async function lstmWithOutlierWeights(factor: number): Promise<Graph> {
  const graph = await floatLstm();
  const lstm = graph.ops.find((op) => op.type === 'UNIDIRECTIONAL_SEQUENCE_LSTM')!;
  const tensors = [...graph.tensors];
  for (const gate of lstmGateNames) {
    const id = lstm.inputs[lstmGateInputs[gate].inputWeights];
    const [units, features] = tensors[id].shape;
    const data = Float32Array.from(tensors[id].data as Float32Array);
    const largest = data.reduce((max, value) => Math.max(max, Math.abs(value)), 0);
    for (let unit = 0; unit < units; unit++) data[unit * features] = (unit % 2 ? -1 : 1) * factor * largest;
    tensors[id] = { ...tensors[id], data };
  }
  return { ...graph, tensors };
}
