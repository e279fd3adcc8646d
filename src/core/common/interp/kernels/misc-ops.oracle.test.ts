// Oracle test of the host kernels of ADD, SUB, MUL, RESHAPE, SOFTMAX, CONCATENATION, PAD, MEAN,
// LOGISTIC, TANH, RELU, RELU6, QUANTIZE and DEQUANTIZE against TFLite Micro's own per-layer
// tensors (../shared/vectors/layers): every op of these types in the dumped models runs alone
// on the oracle's input tensors, and its output must equal the oracle's byte for byte.
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { importModel } from '../../importers/index.js';
import type { TensorData } from '../../ir/types.js';
import { allocateData, bytesOf, dataFromBytes, elementCount } from '../../ir/tensor.js';
import { findKernel } from '../registry.js';
import './elementwise.js';
import './reshape.js';
import './softmax.js';
import './concatenation.js';
import './pad.js';
import './mean.js';
import './activations.js';
import './quantize.js';
import { sharedPath } from '../../../../../test/testing/shared-data.js';

const read = (path: string) => new Uint8Array(readFileSync(sharedPath(path)));

const ownedOps = new Set(['ADD', 'SUB', 'MUL', 'RESHAPE', 'SOFTMAX', 'CONCATENATION', 'PAD', 'MEAN', 'LOGISTIC', 'TANH', 'RELU', 'RELU6', 'QUANTIZE', 'DEQUANTIZE']);

const models = {
  kws_ref_model: 'models/mlperf_tiny/kws_ref_model.tflite',
  vww_96_int8: 'models/mlperf_tiny/vww_96_int8.tflite',
  pretrainedResnet_quant: 'models/mlperf_tiny/pretrainedResnet_quant.tflite',
  ad01_int8: 'models/mlperf_tiny/ad01_int8.tflite',
  trained_lstm_int8: 'models/rnn/trained_lstm_int8.tflite',
} as const;

interface LayerIndex {
  tensors: { file: string; index: number }[];
}

interface Comparison {
  model: string;
  opIndex: number;
  type: string;
  bytes: number;
  /** "" when equal, else how many bytes differ. */
  difference: string;
}

const comparisons: Comparison[] = [];

describe('ADD, RESHAPE, SOFTMAX … against TFLite Micro per-layer tensors', () => {
  beforeAll(() => {
    for (const [model, file] of Object.entries(models)) {
      const indexPath = `vectors/layers/${model}/index.json`;
      const graph = importModel(read(file), file);
      const index = JSON.parse(new TextDecoder().decode(read(indexPath))) as LayerIndex;
      const dumps = new Map<number, TensorData>();
      for (const entry of index.tensors) {
        dumps.set(entry.index, dataFromBytes(graph.tensors[entry.index].dtype, read(`vectors/layers/${model}/${entry.file}`)));
      }
      graph.ops.forEach((op, opIndex) => {
        if (!ownedOps.has(op.type)) return;
        const expected = dumps.get(op.outputs[0]);
        const inputs = op.inputs.map((id) => (id < 0 ? undefined : (graph.tensors[id].data ?? dumps.get(id))));
        if (!expected || inputs.some((value, i) => value === undefined && op.inputs[i] >= 0)) return;
        const outputTensor = graph.tensors[op.outputs[0]];
        const actual = allocateData(outputTensor.dtype, elementCount(outputTensor.shape));
        findKernel(op.type)!({ graph, op, opIndex })(inputs, [actual]);
        const got = bytesOf(actual);
        const want = bytesOf(expected);
        let differing = got.length === want.length ? 0 : Math.max(got.length, want.length);
        for (let i = 0; i < Math.min(got.length, want.length); i++) if (got[i] !== want[i]) differing++;
        comparisons.push({ model, opIndex, type: op.type, bytes: want.length, difference: differing ? `${differing} of ${want.length} bytes differ` : '' });
      });
    }
  });

  it('finds every ADD, RESHAPE and SOFTMAX layer of the dumped models', () => {
    const count = (type: string) => comparisons.filter((c) => c.type === type).length;
    // pretrainedResnet_quant has 3 ADDs; kws, vww, resnet and the LSTM model one RESHAPE and one SOFTMAX each.
    expect({ ADD: count('ADD'), RESHAPE: count('RESHAPE'), SOFTMAX: count('SOFTMAX') }).toEqual({ ADD: 3, RESHAPE: 4, SOFTMAX: 4 });
  });

  it('reproduces every compared tensor byte for byte', () => {
    expect(comparisons.filter((c) => c.difference !== '')).toEqual([]);
    // ADD 16384 + 8192 + 4096, RESHAPE 64 + 256 + 64 + 560, SOFTMAX 12 + 2 + 10 + 10 values
    expect(comparisons.reduce((sum, c) => sum + c.bytes, 0)).toBe(29650);
  });
});
