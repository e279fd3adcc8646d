/**
 * The ONNX importer against onnxruntime on the PyTorch fixtures (test/fixtures/onnx, made by
 * scripts/make-onnx-fixtures.py): every float output within 1e-5 of onnxruntime's, relative to
 * the output's largest value, on seeded inputs; the graphs' structure (no TRANSPOSE inside,
 * batch-norm folded, activations fused) and MACs against the MLPerf Tiny TFLite twins; and the
 * errors, which name node, op type and opset.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { sharedModels } from '../../../../../test/testing/shared-data.js';
import { opMacs } from '../../analysis/macs.js';
import { ImportError } from '../../errors.js';
import { Interpreter } from '../../interp/interpreter.js';
import type { Graph } from '../../ir/types.js';
import { importModel } from '../index.js';
import { readOnnx, type OnnxImportOptions } from './index.js';
import { decodeModel } from './proto.js';
import { buildOnnx, float32Bytes } from './testing/onnx-builder.js';

const fixtures = join(import.meta.dirname, '../../../../../test/fixtures/onnx');
const fixture = (name: string) => new Uint8Array(readFileSync(join(fixtures, `${name}.onnx`)));

function seededInputs(count: number, seed: number): Float32Array {
  let state = seed;
  return Float32Array.from({ length: count }, () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return (state / 2 ** 31) * 2 - 1;
  });
}

/** NCHW data as NHWC (for a graph imported with inputLayout 'nhwc'). */
function toNhwc(data: Float32Array, [n, c, h, w]: number[]): Float32Array {
  const out = new Float32Array(data.length);
  for (let b = 0; b < n; b++) for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) for (let k = 0; k < c; k++) {
    out[((b * h + y) * w + x) * c + k] = data[((b * c + k) * h + y) * w + x];
  }
  return out;
}

/** Largest |ours − onnxruntime| over the largest |onnxruntime|, per output, over three seeded inputs. */
async function relativeErrors(bytes: Uint8Array, graph: Graph, options: OnnxImportOptions = {}, sessionOptions: ort.InferenceSession.SessionOptions = {}): Promise<number[]> {
  const session = await ort.InferenceSession.create(bytes, sessionOptions);
  const interpreter = new Interpreter(graph);
  const errors = graph.outputs.map(() => 0);
  for (const seed of [1, 2, 3]) {
    const irShape = graph.tensors[graph.inputs[0]].shape;
    const shape = options.inputLayout === 'nhwc' && irShape.length === 4 ? [irShape[0], irShape[3], irShape[1], irShape[2]] : irShape;
    const data = seededInputs(irShape.reduce((a, b) => a * b, 1), seed);
    const reference = await session.run({ [session.inputNames[0]]: new ort.Tensor('float32', data, shape) });
    const ours = interpreter.run([options.inputLayout === 'nhwc' && shape.length === 4 ? toNhwc(data, shape) : data]).outputs;
    session.outputNames.forEach((name, i) => {
      const expected = reference[name].data as Float32Array;
      const actual = ours[i] as Float32Array;
      expect(actual.length).toBe(expected.length);
      let largest = 0;
      let worst = 0;
      for (let j = 0; j < expected.length; j++) {
        largest = Math.max(largest, Math.abs(expected[j]));
        worst = Math.max(worst, Math.abs(expected[j] - actual[j]));
      }
      errors[i] = Math.max(errors[i], worst / largest);
    });
  }
  return errors;
}

const opTypes = (graph: Graph) => graph.ops.map((op) => op.type);
const totalMacs = (graph: Graph) => graph.ops.reduce((sum, op) => sum + opMacs(graph, op), 0);

describe('ONNX fixtures from PyTorch against onnxruntime', () => {
  const cases: { name: string; options?: OnnxImportOptions; ops: string[] }[] = [
    { name: 'mlp', ops: ['FULLY_CONNECTED', 'FULLY_CONNECTED', 'FULLY_CONNECTED', 'TANH', 'FULLY_CONNECTED', 'LOGISTIC'] },
    {
      name: 'ds_cnn',
      // The 1-channel NCHW input is NHWC already byte for byte: a RESHAPE, no TRANSPOSE.
      ops: ['RESHAPE', 'CONV_2D', ...Array.from({ length: 4 }, () => ['DEPTHWISE_CONV_2D', 'CONV_2D']).flat(), 'AVERAGE_POOL_2D', 'RESHAPE', 'FULLY_CONNECTED', 'SOFTMAX'],
    },
    {
      name: 'resnet8',
      // The model's NCHW input kept: one TRANSPOSE at the boundary, none inside.
      ops: ['TRANSPOSE', 'CONV_2D', 'CONV_2D', 'CONV_2D', 'ADD', 'CONV_2D', 'CONV_2D', 'CONV_2D', 'ADD', 'CONV_2D', 'CONV_2D', 'CONV_2D', 'ADD', 'AVERAGE_POOL_2D', 'RESHAPE', 'FULLY_CONNECTED', 'SOFTMAX'],
    },
    {
      name: 'resnet8',
      options: { inputLayout: 'nhwc' },
      ops: ['CONV_2D', 'CONV_2D', 'CONV_2D', 'ADD', 'CONV_2D', 'CONV_2D', 'CONV_2D', 'ADD', 'CONV_2D', 'CONV_2D', 'CONV_2D', 'ADD', 'AVERAGE_POOL_2D', 'RESHAPE', 'FULLY_CONNECTED', 'SOFTMAX'],
    },
    {
      name: 'conv1d',
      // Conv1d/MaxPool1d run as 2-D ops over a map of height 1; the NCL input moves once, at the boundary.
      ops: ['TRANSPOSE', 'RESHAPE', 'CONV_2D', 'LEAKY_RELU', 'DEPTHWISE_CONV_2D', 'MAX_POOL_2D', 'CONV_2D', 'RESHAPE', 'MEAN', 'RESHAPE', 'FULLY_CONNECTED'],
    },
    // PyTorch's Transpose → LSTM → Squeeze → Transpose cancels: a batch-major LSTM and the dense layer per step.
    { name: 'lstm', ops: ['UNIDIRECTIONAL_SEQUENCE_LSTM', 'FULLY_CONNECTED'] },
    {
      name: 'gru',
      // A GRU, then a bidirectional one as a forward and a reverse TD_GRU side by side; h_n from the last (first) steps.
      ops: ['TD_GRU', 'TD_GRU', 'TD_GRU', 'CONCATENATION', 'STRIDED_SLICE', 'STRIDED_SLICE', 'CONCATENATION', 'STRIDED_SLICE', 'STRIDED_SLICE', 'CONCATENATION', 'FULLY_CONNECTED', 'RESHAPE'],
    },
    {
      name: 'bilstm',
      // The backward LSTM runs on the input reversed along time (REVERSE_V2) and its output is reversed back, as
      // TFLite's converter writes Keras's Bidirectional; h_n from each direction's last step, then fc(y) and head(h_n).
      ops: [
        'UNIDIRECTIONAL_SEQUENCE_LSTM', 'REVERSE_V2', 'UNIDIRECTIONAL_SEQUENCE_LSTM', 'REVERSE_V2', 'CONCATENATION',
        'STRIDED_SLICE', 'STRIDED_SLICE', 'CONCATENATION', 'RESHAPE', 'FULLY_CONNECTED', 'STRIDED_SLICE', 'STRIDED_SLICE', 'CONCATENATION', 'FULLY_CONNECTED', 'RESHAPE',
      ],
    },
    {
      name: 'rnn',
      // nn.RNN (tanh) over 6 steps, then a bidirectional ReLU nn.RNN, unrolled: per step a slice, the input and recurrent
      // FULLY_CONNECTED, ADD (ReLU fused) and TANH; the first step has no recurrent term; the states PACKed along time.
      ops: [
        'STRIDED_SLICE', 'FULLY_CONNECTED', 'TANH', ...Array.from({ length: 5 }, () => ['STRIDED_SLICE', 'FULLY_CONNECTED', 'FULLY_CONNECTED', 'ADD', 'TANH']).flat(), 'PACK',
        ...[0, 1].flatMap(() => ['STRIDED_SLICE', 'FULLY_CONNECTED', ...Array.from({ length: 5 }, () => ['STRIDED_SLICE', 'FULLY_CONNECTED', 'FULLY_CONNECTED', 'ADD']).flat(), 'PACK']),
        'CONCATENATION', 'STRIDED_SLICE', 'STRIDED_SLICE', 'CONCATENATION', 'STRIDED_SLICE', 'STRIDED_SLICE', 'CONCATENATION', 'FULLY_CONNECTED', 'RESHAPE',
      ],
    },
    // A GRU feeding a bidirectional LSTM.
    { name: 'recurrent', ops: ['TD_GRU', 'UNIDIRECTIONAL_SEQUENCE_LSTM', 'REVERSE_V2', 'UNIDIRECTIONAL_SEQUENCE_LSTM', 'REVERSE_V2', 'CONCATENATION', 'RESHAPE'] },
    {
      name: 'cnn_flatten',
      // The input is read by two convolutions through one TRANSPOSE; the flatten of the NHWC map permutes the FC weights.
      // Batch-norm, ·scale, −0.25 and /2 compose into one MUL and one ADD.
      ops: ['TRANSPOSE', 'CONV_2D', 'CONV_2D', 'CONCATENATION', 'MUL', 'ADD', 'PAD', 'MAX_POOL_2D', 'RESHAPE', 'FULLY_CONNECTED', 'SOFTMAX', 'MEAN', 'RESHAPE'],
    },
  ];
  for (const { name, options, ops } of cases) {
    it(`${name}${options ? ` (${JSON.stringify(options)})` : ''}: the expected ops, outputs within 1e-5 of onnxruntime`, async () => {
      const bytes = fixture(name);
      const graph = readOnnx(bytes, options);
      expect(opTypes(graph)).toEqual(ops);
      expect(graph.source?.format).toBe('onnx');
      const errors = await relativeErrors(bytes, graph, options);
      console.info(`${name}: largest relative error against onnxruntime ${Math.max(...errors).toExponential(1)}`);
      for (const error of errors) expect(error).toBeLessThan(1e-5);
    });
  }

  it('a reverse LSTM, a reverse Sigmoid RNN and a bidirectional RNN, batch 2, Y and Y_h: within 1e-5 of onnxruntime', async () => {
    const [steps, batch, features, hidden] = [5, 2, 3, 4];
    const values = (count: number, seed: number) => Array.from(seededInputs(count, seed), (v) => v * 0.8);
    const bytes = buildOnnx({
      opset: 14,
      inputs: [{ name: 'x', shape: [steps, batch, features] }],
      outputs: ['y', 'yh', 'z', 'zh', 'u', 'uh'],
      initializers: [
        { name: 'w', shape: [1, 4 * hidden, features], values: values(4 * hidden * features, 11) },
        { name: 'r', shape: [1, 4 * hidden, hidden], values: values(4 * hidden * hidden, 12) },
        { name: 'b', shape: [1, 8 * hidden], values: values(8 * hidden, 13) },
        { name: 'rw', shape: [1, hidden, features], values: values(hidden * features, 14) },
        { name: 'rr', shape: [1, hidden, hidden], values: values(hidden * hidden, 15) },
        { name: 'rb', shape: [1, 2 * hidden], values: values(2 * hidden, 16) },
        { name: 'bw', shape: [2, hidden, features], values: values(2 * hidden * features, 17) },
        { name: 'br', shape: [2, hidden, hidden], values: values(2 * hidden * hidden, 18) },
      ],
      nodes: [
        { op: 'LSTM', inputs: ['x', 'w', 'r', 'b'], outputs: ['y', 'yh'], name: 'backward_lstm', attributes: { hidden_size: hidden, direction: 'reverse' } },
        { op: 'RNN', inputs: ['x', 'rw', 'rr', 'rb'], outputs: ['z', 'zh'], name: 'backward_rnn', attributes: { hidden_size: hidden, direction: 'reverse', activations: ['Sigmoid'] } },
        // (onnxruntime refuses layout 1, PyTorch never writes it: not compared)
        { op: 'RNN', inputs: ['x', 'bw', 'br'], outputs: ['u', 'uh'], name: 'both_rnn', attributes: { hidden_size: hidden, direction: 'bidirectional' } },
      ],
    });
    const graph = readOnnx(bytes);
    expect(graph.ops.filter((op) => op.type === 'REVERSE_V2')).toHaveLength(2);
    expect(graph.outputs.map((id) => graph.tensors[id].shape)).toEqual([
      [steps, 1, batch, hidden], [1, batch, hidden], [steps, 1, batch, hidden], [1, batch, hidden], [steps, 2, batch, hidden], [2, batch, hidden],
    ]);
    for (const error of await relativeErrors(bytes, graph)) expect(error).toBeLessThan(1e-5);
  });

  it('lstm_classifier: y[:, -1], h_n[-1] and y[:, ::3, 2:10] become strided slices of the LSTM sequence, within 1e-5 of onnxruntime', async () => {
    const bytes = fixture('lstm_classifier');
    const graph = readOnnx(bytes);
    expect(opTypes(graph).filter((type) => type !== 'STRIDED_SLICE')).toEqual(['UNIDIRECTIONAL_SEQUENCE_LSTM', 'FULLY_CONNECTED', 'SOFTMAX', 'FULLY_CONNECTED']);
    expect(graph.outputs.map((id) => graph.tensors[id].shape)).toEqual([[1, 4], [1, 3], [1, 3, 8]]);
    for (const error of await relativeErrors(bytes, graph)) expect(error).toBeLessThan(1e-5);
  });

  it('HardSwish, LeakyRelu and Div of two activations run as HARD_SWISH, LEAKY_RELU and DIV, within 1e-5 of onnxruntime', async () => {
    const bytes = buildOnnx({
      inputs: [{ name: 'x', shape: [1, 3, 4, 5] }],
      outputs: ['y'],
      nodes: [
        { op: 'HardSwish', inputs: ['x'], outputs: ['h'], name: 'hswish' },
        { op: 'LeakyRelu', inputs: ['x'], outputs: ['l'], name: 'leaky', attributes: { alpha: 0.1 } },
        { op: 'Sigmoid', inputs: ['l'], outputs: ['s'], name: 'gate' },
        { op: 'Div', inputs: ['h', 's'], outputs: ['y'], name: 'divide' },
      ],
      opset: 14,
    });
    const graph = readOnnx(bytes);
    expect(opTypes(graph)).toEqual(['HARD_SWISH', 'LEAKY_RELU', 'LOGISTIC', 'DIV']);
    expect((graph.ops[1].attrs as { alpha: number }).alpha).toBeCloseTo(0.1, 7);
    for (const error of await relativeErrors(bytes, graph)) expect(error).toBeLessThan(1e-5);
  });

  it('MatMul of two computed values is a BATCH_MATMUL reading the transposed operand through adj_y, within 1e-5 of onnxruntime', async () => {
    const bytes = buildOnnx({
      inputs: [{ name: 'x', shape: [1, 4, 6] }],
      outputs: ['gram'],
      nodes: [
        { op: 'Transpose', inputs: ['x'], outputs: ['xt'], name: 'flip', attributes: { perm: [0, 2, 1] } },
        { op: 'MatMul', inputs: ['x', 'xt'], outputs: ['gram'], name: 'gram' },
      ],
    });
    const graph = readOnnx(bytes);
    expect(opTypes(graph)).toEqual(['BATCH_MATMUL']);
    expect(graph.ops[0].attrs).toEqual({ adjX: false, adjY: true });
    for (const error of await relativeErrors(bytes, graph)) expect(error).toBeLessThan(1e-5);
  });

  it('a chain of constant Sub/Div/Mul/Add (input normalisation) becomes one MUL and one ADD, within 1e-5 of onnxruntime', async () => {
    const bytes = buildOnnx({
      inputs: [{ name: 'x', shape: [1, 3, 4, 4] }],
      outputs: ['y', 'z'],
      initializers: [
        { name: 'mean', shape: [1, 3, 1, 1], values: [0.485, 0.456, 0.406] },
        { name: 'std', shape: [1, 3, 1, 1], values: [0.229, 0.224, 0.225] },
        { name: 'two', shape: [], values: [2] },
        { name: 'one', shape: [1], values: [1] },
      ],
      nodes: [
        { op: 'Sub', inputs: ['x', 'mean'], outputs: ['centred'], name: 'centre' },
        { op: 'Div', inputs: ['centred', 'std'], outputs: ['scaled'], name: 'scale' },
        { op: 'Mul', inputs: ['two', 'scaled'], outputs: ['doubled'], name: 'double' },
        { op: 'Sub', inputs: ['one', 'doubled'], outputs: ['flipped'], name: 'flip' },
        { op: 'Relu', inputs: ['flipped'], outputs: ['y'], name: 'act' },
        // Read twice: composed no further, both readers see the same tensor.
        { op: 'Add', inputs: ['scaled', 'two'], outputs: ['z'], name: 'shift' },
      ],
    });
    const graph = readOnnx(bytes);
    expect(opTypes(graph)).toEqual(['MUL', 'ADD', 'MUL', 'ADD', 'ADD']);
    expect(graph.ops.map((op) => (op.attrs as { activation: string }).activation)).toEqual(['none', 'none', 'none', 'relu', 'none']);
    for (const error of await relativeErrors(bytes, graph)) expect(error).toBeLessThan(1e-5);
  });

  it('reads axes from inputs (opset 18: ReduceMean, Pad) and from attributes (opset 11: Squeeze, Unsqueeze), within 1e-5 of onnxruntime', async () => {
    const opset18 = buildOnnx({
      opset: 18,
      inputs: [{ name: 'x', shape: [1, 3, 4, 5] }],
      outputs: ['y'],
      initializers: [
        { name: 'pads', shape: [4], values: [1, 2, 0, 1], type: 'int64' },
        { name: 'padAxes', shape: [2], values: [2, -1], type: 'int64' },
        { name: 'axes', shape: [2], values: [1, 3], type: 'int64' },
      ],
      nodes: [
        { op: 'Pad', inputs: ['x', 'pads', '', 'padAxes'], outputs: ['padded'], name: 'pad' },
        { op: 'Sigmoid', inputs: ['padded'], outputs: ['s'], name: 'sig' },
        { op: 'ReduceMean', inputs: ['s', 'axes'], outputs: ['y'], name: 'mean', attributes: { keepdims: 0 } },
      ],
    });
    const graph18 = readOnnx(opset18);
    expect(opTypes(graph18)).toEqual(['PAD', 'LOGISTIC', 'MEAN']);
    expect(graph18.tensors[graph18.outputs[0]].shape).toEqual([1, 5]);
    for (const error of await relativeErrors(opset18, graph18)) expect(error).toBeLessThan(1e-5);

    const opset11 = buildOnnx({
      opset: 11,
      inputs: [{ name: 'x', shape: [1, 6, 1] }],
      outputs: ['y'],
      nodes: [
        { op: 'Squeeze', inputs: ['x'], outputs: ['flat'], name: 'squeeze', attributes: { axes: [2] } },
        { op: 'Tanh', inputs: ['flat'], outputs: ['t'], name: 'tanh' },
        { op: 'Unsqueeze', inputs: ['t'], outputs: ['y'], name: 'unsqueeze', attributes: { axes: [0] } },
      ],
    });
    const graph11 = readOnnx(opset11);
    expect(graph11.tensors[graph11.outputs[0]].shape).toEqual([1, 1, 6]);
    for (const error of await relativeErrors(opset11, graph11)) expect(error).toBeLessThan(1e-5);
  });

  it('fuses ReLU/Clip into the layer before and folds batch-norm and the MatMul bias', () => {
    const mlp = readOnnx(fixture('mlp'));
    expect(mlp.ops.map((op) => (op.attrs as { activation?: string }).activation)).toEqual(['relu', 'relu6', 'none', undefined, 'none', undefined]);
    const dsCnn = readOnnx(fixture('ds_cnn'));
    expect(dsCnn.ops.filter((op) => op.type.includes('CONV')).every((op) => (op.attrs as { activation: string }).activation === 'relu')).toBe(true);
    // The explicit ZeroPad2d((1,1,4,5)) before the first convolution is exactly TFLite's SAME padding.
    expect((dsCnn.ops[1].attrs as { padding: string }).padding).toBe('same');
    const lstm = readOnnx(fixture('lstm'));
    const fc = lstm.ops[1];
    expect(Array.from(lstm.tensors[fc.inputs[2]].data as Float32Array).some((v) => v !== 0)).toBe(true);
    expect((lstm.ops[0].attrs as { timeMajor: boolean }).timeMajor).toBe(false);
  });

  it('the CNN twins of the MLPerf Tiny models have their MACs', async () => {
    const kws = importModel(new Uint8Array(readFileSync(sharedModels.kws_ref_model_float32)), 'kws_ref_model_float32.tflite');
    const resnet = importModel(new Uint8Array(readFileSync(sharedModels.pretrainedResnet)), 'pretrainedResnet.tflite');
    expect(totalMacs(readOnnx(fixture('ds_cnn')))).toBe(totalMacs(kws));
    expect(totalMacs(readOnnx(fixture('resnet8'), { inputLayout: 'nhwc' }))).toBe(totalMacs(resnet));
    expect(totalMacs(kws)).toBe(2_656_768);
  });

  it('importModel recognises ONNX bytes whatever the file is called', () => {
    const graph = importModel(fixture('mlp'), 'model.bin');
    expect(graph.source?.format).toBe('onnx');
  });
});

describe('quantized ONNX models (QDQ, QOperator) against onnxruntime', () => {
  /** A scalar initializer of the fixture: a float32 scale or an int8/uint8 zero point. */
  function scalar(bytes: Uint8Array, name: string): number {
    const tensor = decodeModel(bytes).graph!.initializer!.find((init) => init.name === name)!;
    const raw = tensor.raw_data!;
    const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    return tensor.data_type === 1 ? view.getFloat32(0, true) : tensor.data_type === 3 ? view.getInt8(0) : view.getUint8(0);
  }

  /** Largest |ours − onnxruntime| in steps of the output's scale, and the share of outputs equal to onnxruntime's, over 20 seeded inputs. */
  async function steps(bytes: Uint8Array, graph: Graph, outputScale: number): Promise<{ worst: number; equal: number }> {
    // On x86 CPUs without VNNI (AVX2, AVX-512 without VNNI) onnxruntime's u8 x s8 matrix kernels add pairs of
    // products in saturating int16 (vpmaddubsw) and drift by many output steps; this option has it convert such
    // products to u8 x u8 where the weights leave [-64, 63], so the reference is exact on every machine.
    const session = await ort.InferenceSession.create(bytes, { extra: { session: { x64quantprecision: '1' } } });
    const interpreter = new Interpreter(graph);
    const shape = graph.tensors[graph.inputs[0]].shape;
    let worst = 0;
    let equal = 0;
    let count = 0;
    for (let seed = 1; seed <= 20; seed++) {
      const data = seededInputs(shape.reduce((a, b) => a * b, 1), seed).map((v) => v * 1.5);
      const reference = (await session.run({ [session.inputNames[0]]: new ort.Tensor('float32', data, shape) }))[session.outputNames[0]].data as Float32Array;
      const ours = interpreter.run([data]).outputs[0] as Float32Array;
      for (let i = 0; i < reference.length; i++) {
        const difference = Math.round(Math.abs(reference[i] - ours[i]) / outputScale);
        worst = Math.max(worst, difference);
        equal += difference === 0 ? 1 : 0;
        count++;
      }
    }
    return { worst, equal: equal / count };
  }

  it('qdq_cnn (QuantizeLinear/DequantizeLinear around Conv, depthwise, Add, pooling, Gemm, Softmax): int8 ops with the model\'s scales, within one output step of onnxruntime', async () => {
    const bytes = fixture('qdq_cnn');
    const graph = readOnnx(bytes);
    // Float in and out as the ONNX model has them; everything between int8 with the given encodings.
    expect(opTypes(graph)).toEqual(['QUANTIZE', 'TRANSPOSE', 'CONV_2D', 'DEPTHWISE_CONV_2D', 'CONV_2D', 'ADD', 'PAD', 'CONV_2D', 'MEAN', 'RESHAPE', 'FULLY_CONNECTED', 'SOFTMAX', 'DEQUANTIZE']);
    expect(graph.ops.slice(0, -1).map((op) => graph.tensors[op.outputs[0]].dtype)).toEqual(new Array(12).fill('int8'));
    const conv = graph.ops[2];
    expect(graph.tensors[conv.outputs[0]].quantization).toEqual({ scale: [scalar(bytes, 'a_scale')], zeroPoint: [scalar(bytes, 'a_zero')], axis: 0 });
    expect(graph.tensors[graph.ops[0].outputs[0]].quantization!.scale).toEqual([scalar(bytes, 'x_scale')]);
    // The model's per-channel weight scales, its weights' integers given back by the symmetric rule.
    const weightScales = graph.tensors[conv.inputs[1]].quantization!.scale;
    expect(weightScales).toHaveLength(8);
    const fc = graph.ops[10];
    expect(graph.tensors[fc.inputs[1]].quantization!.scale[0]).toBeCloseTo(scalar(bytes, 'fc_w_scale'), 9);
    const { worst, equal } = await steps(bytes, graph, 1 / 256);
    console.info(`qdq_cnn: at most ${worst} step of 1/256 from onnxruntime, ${(equal * 100).toFixed(1)}% of outputs equal`);
    expect(worst).toBeLessThanOrEqual(1);
    expect(equal).toBeGreaterThan(0.9);
  });

  it('qlinear (QLinearConv, QLinearMatMul, uint8 activations through a Reshape): int8 ops, within one output step of onnxruntime', async () => {
    const bytes = fixture('qlinear');
    const graph = readOnnx(bytes);
    expect(opTypes(graph)).toEqual(['QUANTIZE', 'TRANSPOSE', 'CONV_2D', 'CONV_2D', 'RESHAPE', 'FULLY_CONNECTED', 'DEQUANTIZE']);
    // uint8 zero point z becomes int8 z − 128 at the same scale.
    expect(graph.tensors[graph.ops[2].outputs[0]].quantization).toEqual({ scale: [scalar(bytes, 'a_scale')], zeroPoint: [scalar(bytes, 'a_zero') - 128], axis: 0 });
    const outputScale = scalar(bytes, 'y_scale');
    const { worst, equal } = await steps(bytes, graph, outputScale);
    console.info(`qlinear: at most ${worst} step of ${outputScale} from onnxruntime, ${(equal * 100).toFixed(1)}% of outputs equal`);
    expect(worst).toBeLessThanOrEqual(1);
    expect(equal).toBeGreaterThan(0.9);
  });

  it('qdq_torch (quantized by PyTorch itself, eager mode, qnnpack; uint8 activations with a Cast after each QuantizeLinear): int8 ops, within one output step of onnxruntime', async () => {
    const bytes = fixture('qdq_torch');
    const graph = readOnnx(bytes);
    expect(opTypes(graph)).toEqual(['QUANTIZE', 'TRANSPOSE', 'CONV_2D', 'DEPTHWISE_CONV_2D', 'MAX_POOL_2D', 'RESHAPE', 'FULLY_CONNECTED', 'DEQUANTIZE']);
    expect([graph.inputs, graph.outputs].map(([id]) => [graph.tensors[id].name, graph.tensors[id].dtype])).toEqual([['input', 'float32'], ['output', 'float32']]);
    expect(graph.ops.slice(0, -1).map((op) => graph.tensors[op.outputs[0]].dtype)).toEqual(new Array(7).fill('int8'));
    const outputScale = graph.tensors[graph.ops[6].outputs[0]].quantization!.scale[0];
    const { worst, equal } = await steps(bytes, graph, outputScale);
    console.info(`qdq_torch: at most ${worst} step of ${outputScale} from onnxruntime, ${(equal * 100).toFixed(1)}% of outputs equal`);
    expect(worst).toBeLessThanOrEqual(1);
    expect(equal).toBeGreaterThan(0.9);
  });

  it('onnxruntime-style QDQ around MatMul, a quantized bias Add and a Relu with its own pair: one int8 FULLY_CONNECTED with the bias and ReLU, within one step of onnxruntime', async () => {
    const [features, units] = [6, 5];
    const scale = (name: string, value: number) => ({ name, shape: [], values: [value] });
    const zero = (name: string, value: number) => ({ name, shape: [], values: [value], type: 'int8' as const });
    const pair = (from: string, key: string) => [
      { op: 'QuantizeLinear', inputs: [from, `${key}_s`, `${key}_z`], outputs: [`${key}_q`], name: `${key}_quantize` },
      { op: 'DequantizeLinear', inputs: [`${key}_q`, `${key}_s`, `${key}_z`], outputs: [`${key}_dq`], name: `${key}_dequantize` },
    ];
    const weights = Array.from(seededInputs(features * units, 7), (v) => Math.round(v * 127));
    const bytes = buildOnnx({
      inputs: [{ name: 'x', shape: [1, features] }],
      outputs: ['y_dq'],
      initializers: [
        scale('x_s', 1.5 / 127), zero('x_z', 0), scale('m_s', 0.05), zero('m_z', 3), scale('y_s', 0.03), zero('y_z', -128),
        { name: 'w_q', shape: [features, units], values: weights, type: 'int8' }, scale('w_s', 0.01), zero('w_z', 0),
        { name: 'b_q', shape: [units], values: [10, -20, 30, -40, 50], type: 'int8' }, scale('b_s', 0.004), zero('b_z', 0),
      ],
      nodes: [
        ...pair('x', 'x'),
        { op: 'DequantizeLinear', inputs: ['w_q', 'w_s', 'w_z'], outputs: ['w'], name: 'w_dequantize' },
        { op: 'MatMul', inputs: ['x_dq', 'w'], outputs: ['m'], name: 'matmul' },
        ...pair('m', 'm'),
        { op: 'DequantizeLinear', inputs: ['b_q', 'b_s', 'b_z'], outputs: ['b'], name: 'b_dequantize' },
        { op: 'Add', inputs: ['m_dq', 'b'], outputs: ['sum'], name: 'bias' },
        { op: 'Relu', inputs: ['sum'], outputs: ['y'], name: 'relu' },
        ...pair('y', 'y'),
      ],
    });
    const graph = readOnnx(bytes);
    expect(opTypes(graph)).toEqual(['QUANTIZE', 'FULLY_CONNECTED', 'DEQUANTIZE']);
    const fc = graph.ops[1];
    expect((fc.attrs as { activation: string }).activation).toBe('relu');
    expect(graph.tensors[fc.outputs[0]].quantization).toEqual({ scale: [Math.fround(0.03)], zeroPoint: [-128], axis: 0 });
    // The bias joins the FULLY_CONNECTED, so the MatMul result is not rounded to m's int8 grid before the Add as
    // onnxruntime rounds it: one rounding fewer, more outputs a step apart (82% equal measured), none further.
    const { worst, equal } = await steps(bytes, graph, Math.fround(0.03));
    expect(worst).toBeLessThanOrEqual(1);
    expect(equal).toBeGreaterThan(0.75);
  });

  it('names node, op type and opset when an activation is quantized per channel', () => {
    const bytes = buildOnnx({
      inputs: [{ name: 'x', shape: [1, 2] }],
      outputs: ['y'],
      initializers: [
        { name: 'scale', shape: [2], values: [0.1, 0.2] },
        { name: 'zero', shape: [2], values: [0, 0], type: 'int8' },
      ],
      nodes: [
        { op: 'QuantizeLinear', inputs: ['x', 'scale', 'zero'], outputs: ['q'], name: 'quant' },
        { op: 'DequantizeLinear', inputs: ['q', 'scale', 'zero'], outputs: ['y'], name: 'dequant' },
      ],
    });
    expect(() => readOnnx(bytes)).toThrow('onnx: node 0 quant (QuantizeLinear, opset 13): y_scale has 2 values; activations must be quantized per tensor');
  });
});

describe('ONNX import errors', () => {
  it('lists every unsupported node at once, naming node, op type and opset', () => {
    const two = buildOnnx({
      inputs: [{ name: 'x', shape: [3, 1, 2] }],
      outputs: ['y'],
      nodes: [
        { op: 'Relu', inputs: ['x'], outputs: ['y'], name: 'act' },
        { op: 'Einsum', inputs: ['x'], outputs: ['e'], name: 'sum' },
        { op: 'Det', inputs: ['x'], outputs: ['d'], name: 'determinant' },
      ],
    });
    let error: unknown;
    try {
      readOnnx(two);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ImportError);
    expect((error as Error).message).toBe(
      'onnx: 2 nodes are not supported: node 1 sum (Einsum, opset 13): Einsum is not supported; node 2 determinant (Det, opset 13): Det is not supported',
    );
    expect((error as ImportError).data).toMatchObject({ unsupported: [{ node: 1, opType: 'Einsum', opset: 13 }, { node: 2, opType: 'Det', opset: 13 }] });
  });

  const relu = { op: 'Relu', inputs: ['x'], outputs: ['y'], name: 'act' };
  it('refuses opsets outside 11–21 and dynamic dimensions other than the batch', () => {
    expect(() => readOnnx(buildOnnx({ opset: 9, inputs: [{ name: 'x', shape: [1, 4] }], outputs: ['y'], nodes: [relu] }))).toThrow(
      'onnx: opset 9 is not supported (TinyDeploy reads opsets 11–21; re-export with opset_version=11)',
    );
    expect(() => readOnnx(buildOnnx({ inputs: [{ name: 'x', shape: ['batch', 'features'] }], outputs: ['y'], nodes: [relu] }))).toThrow(
      'onnx: input x has dynamic dimension 1 (features); only the batch dimension may be dynamic (it becomes 1)',
    );
    const graph = readOnnx(buildOnnx({ inputs: [{ name: 'x', shape: ['batch', 4] }], outputs: ['y'], nodes: [relu] }));
    expect(graph.tensors[graph.inputs[0]].shape).toEqual([1, 4]);
  });

  it('names the node, its op type and opset when a node cannot be converted', () => {
    const clip = buildOnnx({
      inputs: [{ name: 'x', shape: [1, 4] }],
      outputs: ['y'],
      initializers: [
        { name: 'lo', shape: [], values: [-2] },
        { name: 'hi', shape: [], values: [3] },
      ],
      nodes: [{ op: 'Clip', inputs: ['x', 'lo', 'hi'], outputs: ['y'], name: 'clamp' }],
    });
    expect(() => readOnnx(clip)).toThrow('onnx: node 0 clamp (Clip, opset 13): Clip(-2, 3) is not supported');
    // Every node that cannot be converted is listed; nodes reading a failed node's output are not reported again.
    const two = buildOnnx({
      inputs: [{ name: 'x', shape: [1, 4] }],
      outputs: ['z', 'w'],
      initializers: [
        { name: 'lo', shape: [], values: [-2] },
        { name: 'hi', shape: [], values: [3] },
      ],
      nodes: [
        { op: 'Clip', inputs: ['x', 'lo', 'hi'], outputs: ['y'], name: 'clamp' },
        { op: 'Relu', inputs: ['y'], outputs: ['z'], name: 'after' },
        { op: 'Softmax', inputs: ['x'], outputs: ['w'], name: 'soft', attributes: { axis: 7 } },
      ],
    });
    expect(() => readOnnx(two)).toThrow(
      'onnx: 2 nodes cannot be imported: node 0 clamp (Clip, opset 13): Clip(-2, 3) is not supported: only Clip(0, 6), Clip(-1, 1) and Clip(0, ∞) (ReLU6, ReLU-1..1, ReLU); node 2 soft (Softmax, opset 13): axis 7 is out of range for rank 2',
    );
    // An axis of 2^31 + … once made the constant evaluator build a sparse array of that length (hang).
    const slice = buildOnnx({
      inputs: [{ name: 'x', shape: [1, 4] }],
      outputs: ['y'],
      initializers: [
        { name: 'data', shape: [4], values: [1, 2, 3, 4] },
        ...['starts', 'ends', 'axes'].map((name, i) => ({ name, shape: [1], values: [[0, 2, 2768240640][i]], type: 'int64' as const })),
      ],
      nodes: [
        { op: 'Slice', inputs: ['data', 'starts', 'ends', 'axes'], outputs: ['part'], name: 'cut' },
        { op: 'Add', inputs: ['x', 'part'], outputs: ['y'], name: 'add' },
      ],
    });
    expect(() => readOnnx(slice)).toThrow('onnx: node 0 cut (Slice, opset 13): axes entry 2768240640 is out of range for rank 1');
    expect(() => readOnnx(fixture('lstm').subarray(0, 200))).toThrow(/^onnx: not a readable ONNX model \(200 bytes\): /);
  });

  it('a corrupted model either imports or fails with an ImportError (seeded byte mutations of the fixtures)', () => {
    let state = 11;
    const random = () => (state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const names = ['mlp', 'ds_cnn', 'lstm', 'cnn_flatten', 'conv1d', 'lstm_classifier', 'recurrent', 'gru'];
    const outcomes = { imported: 0, refused: 0 };
    for (let i = 0; i < 300; i++) {
      const bytes = fixture(names[i % names.length]);
      for (let flip = 0; flip < 1 + Math.floor(random() * 4); flip++) {
        // Mostly the graph structure (first and last kilobytes), not the weights in between.
        const position = random() < 0.5 ? Math.floor(random() * Math.min(bytes.length, 2048)) : bytes.length - 1 - Math.floor(random() * Math.min(bytes.length, 4096));
        bytes[position] = Math.floor(random() * 256);
      }
      try {
        readOnnx(bytes);
        outcomes.imported++;
      } catch (error) {
        if (!(error instanceof ImportError)) throw new Error(`case ${i}: ${(error as Error).stack}`);
        outcomes.refused++;
      }
    }
    expect(outcomes.imported).toBeGreaterThan(0);
    expect(outcomes.refused).toBeGreaterThan(0);
  });

  it('refuses tensors past the size limit before allocating them', () => {
    const shape = { name: 'shape', shape: [2], values: [100000, 100000], type: 'int64' as const };
    const huge = buildOnnx({
      inputs: [{ name: 'x', shape: [1, 4] }],
      outputs: ['y'],
      initializers: [shape],
      nodes: [
        { op: 'ConstantOfShape', inputs: ['shape'], outputs: ['big'], name: 'fill' },
        { op: 'Add', inputs: ['x', 'big'], outputs: ['y'], name: 'add' },
      ],
    });
    expect(() => readOnnx(huge)).toThrow('onnx: node 0 fill (ConstantOfShape, opset 13): the ConstantOfShape result would have shape [100000,100000] = 80000000000 bytes, more than the limit of 268435456 bytes per tensor');
    expect(() => readOnnx(buildOnnx({ inputs: [{ name: 'x', shape: [1, 4096, 4096] }], outputs: ['y'], nodes: [relu] }), { maxTensorBytes: 2 ** 20 })).toThrow(
      'onnx: tensor x would have shape [1,4096,4096] = 67108864 bytes, more than the limit of 1048576 bytes per tensor',
    );
  });

  it('imports weights stored as DequantizeLinear of int8 constants as their float values', async () => {
    const bytes = buildOnnx({
      inputs: [{ name: 'x', shape: [1, 3] }],
      outputs: ['y'],
      initializers: [
        { name: 'wq', shape: [3, 2], values: [10, -20, 5, 40, 127, -128], type: 'int8' },
        { name: 'scale', shape: [2], values: [0.5, 0.25] },
        { name: 'zero', shape: [2], values: [0, 2], type: 'int8' },
      ],
      nodes: [
        { op: 'DequantizeLinear', inputs: ['wq', 'scale', 'zero'], outputs: ['w'], name: 'dq', attributes: { axis: 1 } },
        { op: 'MatMul', inputs: ['x', 'w'], outputs: ['y'], name: 'dense' },
      ],
    });
    const graph = readOnnx(bytes);
    expect(opTypes(graph)).toEqual(['FULLY_CONNECTED']);
    expect(Array.from(graph.tensors[graph.ops[0].inputs[1]].data as Float32Array)).toEqual([5, 2.5, 63.5, -5.5, 9.5, -32.5]);
    // onnxruntime's optimiser would turn DequantizeLinear → MatMul into a dynamically quantized MatMul: the plain graph is the reference.
    for (const error of await relativeErrors(bytes, graph, {}, { graphOptimizationLevel: 'disabled' })) expect(error).toBeLessThan(1e-5);
  });

  it('reads weights kept in an external data file through the caller, and says when it cannot', () => {
    const weights = [1, -2, 0.5, 4, 3, -1];
    const spec = {
      inputs: [{ name: 'x', shape: [1, 3] }],
      outputs: ['y'],
      initializers: [{ name: 'w', shape: [3, 2], values: weights, external: { location: 'weights.bin', offset: 8 } }],
      nodes: [{ op: 'MatMul', inputs: ['x', 'w'], outputs: ['y'], name: 'dense' }],
    };
    const bytes = buildOnnx(spec);
    expect(() => readOnnx(bytes)).toThrow(
      'onnx: initializer 0 (w) is stored in the external file weights.bin; open the model from its folder so that TinyDeploy can read that file',
    );
    const file = new Uint8Array(8 + 24);
    file.set(float32Bytes(weights), 8);
    const graph = readOnnx(bytes, { externalData: (location) => (location === 'weights.bin' ? file : new Uint8Array()) });
    const output = new Interpreter(graph).run([Float32Array.from([1, 2, 3])]).outputs[0];
    expect(Array.from(output as Float32Array)).toEqual([1 * 1 + 2 * 0.5 + 3 * 3, 1 * -2 + 2 * 4 + 3 * -1]);
    expect(() => readOnnx(bytes, { externalData: () => new Uint8Array(16) })).toThrow('spans bytes 8..32 of weights.bin, which has 16 bytes');
  });
});
