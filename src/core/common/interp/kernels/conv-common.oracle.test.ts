// Oracle tests of CONV_2D, DEPTHWISE_CONV_2D, FULLY_CONNECTED and the pools against TFLite
// Micro's own per-layer tensors (../shared/vectors/layers): each op runs alone on the oracle's
// input tensors and its output must equal the oracle's byte for byte. Node-only file access,
// like every test run; the kernels themselves stay pure.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { importModel } from '../../importers/index.js';
import type { Graph, TensorData } from '../../ir/types.js';
import { allocateData, bytesOf, dataFromBytes, elementCount } from '../../ir/tensor.js';
import { findKernel } from '../registry.js';
import './conv-2d.js';
import './depthwise-conv-2d.js';
import './fully-connected.js';
import './pooling.js';
import { sharedPath } from '../../../../../test/testing/shared-data.js';

const read = (path: string) => new Uint8Array(readFileSync(sharedPath(path)));

interface LayerIndex {
  tensors: { file: string; index: number; produced_by: string }[];
}

const myOps = new Set(['CONV_2D', 'DEPTHWISE_CONV_2D', 'FULLY_CONNECTED', 'AVERAGE_POOL_2D', 'MAX_POOL_2D']);

/** Model file and the number of its ops this file covers (so a silently skipped op fails). */
const oracleModels = {
  kws_ref_model: { file: 'models/mlperf_tiny/kws_ref_model.tflite', ops: 11 },
  vww_96_int8: { file: 'models/mlperf_tiny/vww_96_int8.tflite', ops: 29 },
  pretrainedResnet_quant: { file: 'models/mlperf_tiny/pretrainedResnet_quant.tflite', ops: 11 },
  ad01_int8: { file: 'models/mlperf_tiny/ad01_int8.tflite', ops: 10 },
  trained_lstm_int8: { file: 'models/rnn/trained_lstm_int8.tflite', ops: 1 },
} as const;

/** Runs op `opIndex` of `graph` alone with the given input values; returns its first output. */
function runOp(graph: Graph, opIndex: number, values: (id: number) => TensorData): TensorData {
  const op = graph.ops[opIndex];
  const evaluate = findKernel(op.type)!({ graph, op, opIndex });
  const outputTensor = graph.tensors[op.outputs[0]];
  const output = allocateData(outputTensor.dtype, elementCount(outputTensor.shape));
  evaluate(
    op.inputs.map((id) => (id < 0 ? undefined : values(id))),
    [output],
  );
  return output;
}

/** "" when equal, else how many bytes differ and the first. */
function difference(got: Uint8Array, expected: Uint8Array): string {
  if (got.length !== expected.length) return `${got.length} bytes, expected ${expected.length}`;
  let count = 0;
  let first = -1;
  for (let i = 0; i < got.length; i++) {
    if (got[i] !== expected[i]) {
      count++;
      if (first < 0) first = i;
    }
  }
  if (count === 0) return '';
  const signed = (b: number) => (b << 24) >> 24;
  return `${count} of ${got.length} bytes differ, first at byte ${first}: got ${signed(got[first])}, TFLite Micro ${signed(expected[first])}`;
}

describe('CONV_2D, DEPTHWISE_CONV_2D, FULLY_CONNECTED, pools: each layer equals TFLite Micro byte for byte', () => {
  for (const [model, { file, ops }] of Object.entries(oracleModels)) {
    it(`${model}: every conv, depthwise, fully connected and pool layer`, () => {
      const graph = importModel(read(file));
      const index: LayerIndex = JSON.parse(new TextDecoder().decode(read(`vectors/layers/${model}/index.json`)));
      const files = new Map(index.tensors.map((t) => [t.index, t.file]));
      const oracle = (id: number): TensorData => {
        const tensor = graph.tensors[id];
        if (tensor.data) return tensor.data;
        const name = files.get(id);
        if (!name) throw new Error(`${model}: no oracle tensor ${id}`);
        return dataFromBytes(tensor.dtype, read(`vectors/layers/${model}/${name}`));
      };
      const compared: string[] = [];
      graph.ops.forEach((op, opIndex) => {
        if (!myOps.has(op.type) || !files.has(op.outputs[0])) return;
        const got = bytesOf(runOp(graph, opIndex, oracle));
        const expected = bytesOf(oracle(op.outputs[0]));
        expect(difference(got, expected), `${model} op ${opIndex} (${op.type}), tensor ${op.outputs[0]}`).toBe('');
        compared.push(`${opIndex}:${op.type}`);
      });
      expect(compared.length, compared.join(' ')).toBe(ops);
    });
  }
});

describe('hybrid kws_ref_model_float32 against the int8 kws_ref_model', () => {
  /**
   * Runs a graph's ops in order up to (not including) its SOFTMAX with this file's kernels;
   * RESHAPE only relabels the bytes, so its output is its input. Returns the logits.
   */
  function logits(graph: Graph, input: TensorData): TensorData {
    const values = new Map<number, TensorData>([[graph.inputs[0], input]]);
    const value = (id: number) => graph.tensors[id].data ?? values.get(id)!;
    for (const [opIndex, op] of graph.ops.entries()) {
      if (op.type === 'SOFTMAX') return value(op.inputs[0]);
      values.set(op.outputs[0], op.type === 'RESHAPE' ? value(op.inputs[0]) : runOp(graph, opIndex, value));
    }
    throw new Error('no SOFTMAX');
  }
  const argmax = (values: ArrayLike<number>) => {
    let best = 0;
    for (let i = 1; i < values.length; i++) if (values[i] > values[best]) best = i;
    return best;
  };

  it('gives logits close to the int8 model and the same top-1 class on the real inputs', () => {
    const floatGraph = importModel(read('models/mlperf_tiny/kws_ref_model_float32.tflite'));
    const int8Graph = importModel(read('models/mlperf_tiny/kws_ref_model.tflite'));
    const inputQuantization = int8Graph.tensors[int8Graph.inputs[0]].quantization!;
    const logitTensor = int8Graph.tensors[int8Graph.ops.find((op) => op.type === 'SOFTMAX')!.inputs[0]];
    const [logitScale, logitZeroPoint] = [logitTensor.quantization!.scale[0], logitTensor.quantization!.zeroPoint[0]];
    let agreeWithInt8 = 0;
    let agreeWithMicro = 0;
    let worst = 0;
    const samples = 20;
    for (let s = 0; s < samples; s++) {
      const name = String(s).padStart(3, '0');
      const quantized = new Int8Array(read(`vectors/real/kws_ref_model/in_${name}.bin`).buffer);
      const real = Float32Array.from(quantized, (q) => (q - inputQuantization.zeroPoint[0]) * inputQuantization.scale[0]);
      const floatLogits = logits(floatGraph, real) as Float32Array;
      const int8Logits = Array.from(logits(int8Graph, quantized) as Int8Array, (q) => (q - logitZeroPoint) * logitScale);
      for (let i = 0; i < int8Logits.length; i++) worst = Math.max(worst, Math.abs(floatLogits[i] - int8Logits[i]));
      if (argmax(floatLogits) === argmax(int8Logits)) agreeWithInt8++;
      const micro = new Int8Array(read(`vectors/real/kws_ref_model/out_${name}.bin`).buffer);
      if (argmax(floatLogits) === argmax(micro)) agreeWithMicro++;
    }
    // The int8 logits step by 0.145; quantization of weights and activations moves them by a few steps.
    expect(worst).toBeLessThan(2.5);
    expect(agreeWithInt8).toBeGreaterThanOrEqual(18);
    expect(agreeWithMicro).toBeGreaterThanOrEqual(18);
  });
});
