import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { InterpreterError } from '../../errors.js';
import { importModel } from '../../importers/index.js';
import type { Graph, TensorData } from '../../ir/types.js';
import { Interpreter, unsupportedOps } from '../interpreter.js';
import { cellStateTanhScaling, sigmoidInt16, tanhInt16 } from './lstm-activations.js';
import { sharedPath } from '../../../../../test/testing/shared-data.js';
import { lstmGraph, randomSource } from './testing/lstm-model.js';

const read = (path: string) => new Uint8Array(readFileSync(sharedPath(path)));
const readInt8 = (path: string) => new Int8Array(read(path).buffer);
const readInt16 = (path: string) => new Int16Array(read(path).buffer);

const int8ModelPath = 'models/rnn/trained_lstm_int8.tflite';
const floatModelPath = 'models/rnn/trained_lstm.tflite';
const layers = 'vectors/layers/trained_lstm_int8/';
const real = 'vectors/real/trained_lstm_int8/';
const realCount = 10;
const realName = (i: number) => String(i).padStart(3, '0');

/** The graph cut down to its LSTM op, to check the layer on its own. */
function lstmOnly(graph: Graph): Graph {
  const index = graph.ops.findIndex((op) => op.type === 'UNIDIRECTIONAL_SEQUENCE_LSTM');
  const op = graph.ops[index];
  return { ...graph, ops: [op], outputs: op.outputs };
}

/** A tensor's values as plain numbers, for comparisons (no tensor here is int64). */
function numbers(data: TensorData): number[] {
  return Array.from(data as Exclude<TensorData, BigInt64Array>);
}

function argmax(values: TensorData): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i] > values[best]) best = i;
  return best;
}

describe('UNIDIRECTIONAL_SEQUENCE_LSTM int8 against TFLite Micro', () => {
  const graph = importModel(read(int8ModelPath));
  const lstm = lstmOnly(graph);
  // The layer dump lists the tensors by index: t000 is the input it was made from, t023 the LSTM
  // output, t016/t017 the hidden and cell state (variable tensors) as left after that Invoke().
  const index = JSON.parse(new TextDecoder().decode(read(`${layers}index.json`))) as { tensors: { index: number }[] };

  it('is byte-identical to the layer dump: output t023, final hidden state t016 and cell state t017', () => {
    expect(index.tensors.map((t) => t.index)).toEqual(expect.arrayContaining([0, 16, 17, 23]));
    expect(lstm.ops[0].outputs).toEqual([23]);
    const [hiddenId, cellId] = [lstm.ops[0].inputs[18], lstm.ops[0].inputs[19]];
    expect([hiddenId, cellId]).toEqual([16, 17]);

    const result = new Interpreter(lstm).run([readInt8(`${layers}t000.bin`)], { keepIntermediates: true });
    expect(numbers(result.outputs[0])).toEqual(numbers(readInt8(`${layers}t023.bin`)));
    expect(numbers(result.tensors!.get(hiddenId)!)).toEqual(numbers(readInt8(`${layers}t016.bin`)));
    expect(numbers(result.tensors!.get(cellId)!)).toEqual(numbers(readInt16(`${layers}t017.bin`)));
  });

  it('the layer-dump input is the first real MNIST input (the vectors input.bin is a different, random input)', () => {
    expect(numbers(readInt8(`${layers}t000.bin`))).toEqual(numbers(readInt8(`${real}in_000.bin`)));
    expect(numbers(readInt8('vectors/trained_lstm_int8.input.bin'))).not.toEqual(numbers(readInt8(`${layers}t000.bin`)));
  });

  it('whole model: byte-identical on the vectors input, the 10 real MNIST inputs and every dumped tensor', () => {
    expect(unsupportedOps(graph)).toEqual([]);
    const interpreter = new Interpreter(graph);
    const vectorsOutput = interpreter.run([readInt8('vectors/trained_lstm_int8.input.bin')]).outputs[0];
    expect(numbers(vectorsOutput)).toEqual(numbers(readInt8('vectors/trained_lstm_int8.output.bin')));
    for (let i = 0; i < realCount; i++) {
      const output = interpreter.run([readInt8(`${real}in_${realName(i)}.bin`)]).outputs[0];
      expect(numbers(output), `real input ${i}`).toEqual(numbers(readInt8(`${real}out_${realName(i)}.bin`)));
    }
    const dumped = interpreter.run([readInt8(`${layers}t000.bin`)], { keepIntermediates: true }).tensors!;
    for (const { index: id } of index.tensors) {
      expect(numbers(dumped.get(id)!), `tensor ${id}`).toEqual(numbers(dumpedTensor(id, dumped.get(id)!)));
    }
  });

  it('streaming keeps the state across runs; reset mode and resetState() start from the initial state', () => {
    const first = readInt8(`${real}in_000.bin`);
    const second = readInt8(`${real}in_001.bin`);
    const independent = new Interpreter(lstm);
    const independentFirst = numbers(independent.run([first]).outputs[0]);
    const independentSecond = numbers(independent.run([second]).outputs[0]);

    const streaming = new Interpreter(lstm, { state: 'streaming' });
    expect(numbers(streaming.run([first]).outputs[0])).toEqual(independentFirst);
    const continued = numbers(streaming.run([second]).outputs[0]);
    expect(continued).not.toEqual(independentSecond);
    // The first step of the second run already sees the first run's final hidden state.
    expect(continued.slice(0, 20)).not.toEqual(independentSecond.slice(0, 20));

    streaming.resetState();
    expect(numbers(streaming.run([second]).outputs[0])).toEqual(independentSecond);
    // A third streaming run continues from the second, as TFLite's reference kernel does.
    expect(numbers(streaming.run([second]).outputs[0])).not.toEqual(independentSecond);
  });
});

/** The dumped bytes of tensor `id` as a typed array of the same type as `like`. */
function dumpedTensor(id: number, like: TensorData): TensorData {
  const bytes = read(`${layers}t${String(id).padStart(3, '0')}.bin`);
  return like instanceof Int16Array ? new Int16Array(bytes.buffer) : new Int8Array(bytes.buffer);
}

describe('UNIDIRECTIONAL_SEQUENCE_LSTM float32', () => {
  const floatGraph = importModel(read(floatModelPath));
  const int8Graph = importModel(read(int8ModelPath));
  const images = gunzipSync(read('datasets/mnist/t10k-images-idx3-ubyte.gz'));
  const imageCount = 10;
  const image = (i: number) => images.subarray(16 + i * 784, 16 + (i + 1) * 784);

  it('stays within 7 hidden-state steps of the int8 LSTM on the MNIST images', () => {
    const floatLstm = new Interpreter(lstmOnly(floatGraph));
    const int8Lstm = new Interpreter(lstmOnly(int8Graph));
    const { scale, zeroPoint } = int8Graph.tensors[int8Graph.ops[0].outputs[0]].quantization!;
    for (let i = 0; i < imageCount; i++) {
      const pixels = image(i);
      const int8Input = Int8Array.from(pixels, (p) => p - 128);
      expect(numbers(int8Input), `image ${i} is real input ${i}`).toEqual(numbers(readInt8(`${real}in_${realName(i)}.bin`)));
      const floatOutput = floatLstm.run([Float32Array.from(pixels, (p) => p / 255)]).outputs[0] as Float32Array;
      const int8Output = int8Lstm.run([int8Input]).outputs[0] as Int8Array;
      const worst = Math.max(...floatOutput.map((value, j) => Math.abs(value - (int8Output[j] - zeroPoint[0]) * scale[0])));
      expect(worst, `image ${i}`).toBeLessThan(7 * scale[0]);
    }
  });

  it('whole float model classifies the MNIST images as the int8 model does', () => {
    expect(unsupportedOps(floatGraph)).toEqual([]);
    const interpreter = new Interpreter(floatGraph);
    for (let i = 0; i < imageCount; i++) {
      const output = interpreter.run([Float32Array.from(image(i), (p) => p / 255)]).outputs[0];
      expect(argmax(output), `image ${i}`).toBe(argmax(readInt8(`${real}out_${realName(i)}.bin`)));
    }
  });
});

// ---------------------------------------------------------------------------------------------
// Small synthetic LSTMs: layouts, clipping, zero points and refusals.

/** Random input values for a graph's input: int8 codes or floats in [-1, 1). */
function randomInput(graph: Graph, seed: number): TensorData {
  const random = randomSource(seed);
  const tensor = graph.tensors[graph.inputs[0]];
  const count = tensor.shape.reduce((a, b) => a * b, 1);
  return tensor.dtype === 'int8'
    ? Int8Array.from({ length: count }, () => Math.floor(random() * 256) - 128)
    : Float32Array.from({ length: count }, () => random() * 2 - 1);
}

/** [a, b, n] → [b, a, n]: batch-major to time-major and back. */
function swapLeadingAxes(data: TensorData, a: number, b: number, n: number): TensorData {
  const result = data.slice() as TensorData;
  for (let i = 0; i < a; i++) for (let j = 0; j < b; j++) for (let k = 0; k < n; k++) result[(j * a + i) * n + k] = data[(i * b + j) * n + k];
  return result;
}

describe('UNIDIRECTIONAL_SEQUENCE_LSTM layouts and options', () => {
  for (const dtype of ['int8', 'float32'] as const) {
    it(`${dtype}: batch-major and time-major agree, and each sequence of a batch runs on its own state`, () => {
      const shape = { dtype, batch: 3, time: 4, inputSize: 5, units: 6, seed: 7 };
      const batchMajor = lstmGraph(shape);
      const timeMajor = lstmGraph({ ...shape, timeMajor: true });
      const input = randomInput(batchMajor, 11);
      const batchOutput = new Interpreter(batchMajor).run([input]).outputs[0];
      const timeOutput = new Interpreter(timeMajor).run([swapLeadingAxes(input, 3, 4, 5)]).outputs[0];
      expect(numbers(swapLeadingAxes(timeOutput, 4, 3, 6))).toEqual(numbers(batchOutput));

      const single = new Interpreter(lstmGraph({ ...shape, batch: 1 }));
      for (let b = 0; b < 3; b++) {
        const sequence = input.slice(b * 4 * 5, (b + 1) * 4 * 5) as TensorData;
        const alone = single.run([sequence]).outputs[0];
        expect(numbers(alone), `sequence ${b}`).toEqual(numbers(batchOutput.slice(b * 4 * 6, (b + 1) * 4 * 6)));
      }
      // Not a trivial output: the sequences differ from each other.
      expect(numbers(batchOutput.slice(0, 24))).not.toEqual(numbers(batchOutput.slice(24, 48)));
    });
  }

  it('int8: the cell clip bounds the cell state (clip 0.25 at scale 2^-11 is ±512)', () => {
    const shape = { dtype: 'int8', batch: 1, time: 12, inputSize: 4, units: 8, gateBiasShift: 3, seed: 3 } as const;
    const cellOf = (graph: Graph) => {
      const result = new Interpreter(graph).run([randomInput(graph, 5)], { keepIntermediates: true });
      return numbers(result.tensors!.get(graph.ops[0].inputs[19])!);
    };
    const unclipped = cellOf(lstmGraph(shape));
    const clipped = cellOf(lstmGraph({ ...shape, cellClip: 0.25 }));
    expect(Math.max(...unclipped.map(Math.abs))).toBeGreaterThan(512);
    expect(Math.max(...clipped.map(Math.abs))).toBe(512);
  });

  it('float32: the cell clip bounds the cell state', () => {
    const shape = { dtype: 'float32', batch: 1, time: 12, inputSize: 4, units: 8, gateBiasShift: 3, seed: 3 } as const;
    const cellOf = (graph: Graph) => {
      const result = new Interpreter(graph).run([randomInput(graph, 5)], { keepIntermediates: true });
      return numbers(result.tensors!.get(graph.ops[0].inputs[19])!);
    };
    expect(Math.max(...cellOf(lstmGraph(shape)).map(Math.abs))).toBeGreaterThan(0.25);
    expect(Math.max(...cellOf(lstmGraph({ ...shape, cellClip: 0.25 })).map(Math.abs))).toBe(0.25);
  });
});

/** The LSTM of `graph` in float64 on its dequantized tensors: what the int8 kernel approximates. */
function dequantizedReference(graph: Graph, input: Int8Array): number[] {
  const op = graph.ops[0];
  const dequantized = (index: number): number[] => {
    const tensor = graph.tensors[op.inputs[index]];
    const { scale, zeroPoint } = tensor.quantization!;
    return numbers(tensor.data!).map((value) => (value - zeroPoint[0]) * scale[0]);
  };
  const inputTensor = graph.tensors[op.inputs[0]];
  const x = numbers(input).map((value) => (value - inputTensor.quantization!.zeroPoint[0]) * inputTensor.quantization!.scale[0]);
  const [batch, time, inputSize] = inputTensor.shape;
  const units = graph.tensors[op.inputs[2]].shape[0];
  const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));
  const gate = (g: number, activation: (v: number) => number, xOffset: number, h: number[]) => {
    const [w, r, b] = [dequantized(1 + g), dequantized(5 + g), dequantized(12 + g)];
    return Array.from({ length: units }, (_, j) => {
      let sum = b[j];
      for (let d = 0; d < inputSize; d++) sum += w[j * inputSize + d] * x[xOffset + d];
      for (let d = 0; d < units; d++) sum += r[j * units + d] * h[d];
      return activation(sum);
    });
  };
  const output: number[] = [];
  for (let s = 0; s < batch; s++) {
    let h = new Array<number>(units).fill(0);
    let c = new Array<number>(units).fill(0);
    for (let t = 0; t < time; t++) {
      const offset = (s * time + t) * inputSize;
      const [i, f, g, o] = [gate(0, sigmoid, offset, h), gate(1, sigmoid, offset, h), gate(2, Math.tanh, offset, h), gate(3, sigmoid, offset, h)];
      c = c.map((value, j) => f[j] * value + i[j] * g[j]);
      h = c.map((value, j) => o[j] * Math.tanh(value));
      output.push(...h);
    }
  }
  return output;
}

describe('UNIDIRECTIONAL_SEQUENCE_LSTM int8 against the real-valued LSTM it quantizes', () => {
  it('stays within 2 output steps of the float64 LSTM on dequantized tensors, with asymmetric input and hidden zero points', () => {
    const graph = lstmGraph({ dtype: 'int8', batch: 2, time: 8, inputSize: 5, units: 6, seed: 21 });
    const input = randomInput(graph, 4) as Int8Array;
    const output = new Interpreter(graph).run([input]).outputs[0] as Int8Array;
    const { scale, zeroPoint } = graph.tensors[graph.outputs[0]].quantization!;
    const reference = dequantizedReference(graph, input);
    const worst = Math.max(...numbers(output).map((value, j) => Math.abs((value - zeroPoint[0]) * scale[0] - reference[j])));
    expect(worst).toBeLessThan(2 * scale[0]);
  });
});

describe('UNIDIRECTIONAL_SEQUENCE_LSTM refusals', () => {
  const shape = { batch: 1, time: 2, inputSize: 3, units: 4 };
  const refusal = (graph: Graph) => {
    try {
      new Interpreter(graph);
    } catch (error) {
      expect(error).toBeInstanceOf(InterpreterError);
      return (error as Error).message;
    }
    throw new Error('the interpreter accepted the graph');
  };

  it('refuses a hybrid LSTM (float input, int8 weights), naming the op', () => {
    expect(refusal(lstmGraph({ ...shape, dtype: 'float32', weightDType: 'int8' }))).toMatch(
      /^op 0 \(UNIDIRECTIONAL_SEQUENCE_LSTM\): hybrid LSTM \(float32 input, int8 weights in input-to-forget weights \(input 2, tensor 2\)\) is not supported/,
    );
  });

  it('refuses peephole, projection, layer-norm and CIFG variants, naming the input', () => {
    const withInput = (index: number, tensorId: number) => {
      const graph = lstmGraph({ ...shape, dtype: 'float32' });
      graph.ops[0].inputs[index] = tensorId;
      return graph;
    };
    expect(refusal(withInput(10, 6))).toMatch(/cell-to-forget \(peephole\) weights \(input 10, tensor 6\) is present: peephole connections are not supported/);
    expect(refusal(withInput(16, 6))).toMatch(/projection weights \(input 16, tensor 6\) is present: a projection layer is not supported/);
    expect(refusal(withInput(21, 10))).toMatch(/forget layer-norm coefficients \(input 21, tensor 10\) is present: layer normalisation is not supported/);
    expect(refusal(withInput(1, -1))).toMatch(/input-to-input weights \(input 1\) is absent: the coupled input-forget gate \(CIFG\) variant is not supported/);
  });

  it('refuses wrong shapes, per-channel weights, a non-power-of-two cell scale, mixed int16 and int8 activations and int32 ones', () => {
    const wrongShape = lstmGraph({ ...shape, dtype: 'int8' });
    wrongShape.tensors[7] = { ...wrongShape.tensors[7], shape: [4, 5], data: new Int8Array(20) };
    expect(refusal(wrongShape)).toMatch(/recurrent-to-cell weights \(input 7, tensor 7\) has shape \[4,5\], expected \[4,4\]/);

    const perChannel = lstmGraph({ ...shape, dtype: 'int8' });
    perChannel.tensors[3] = { ...perChannel.tensors[3], quantization: { scale: [0.1, 0.1, 0.1, 0.1], zeroPoint: [0, 0, 0, 0], axis: 0 } };
    expect(refusal(perChannel)).toMatch(/input-to-cell weights \(input 3, tensor 3\) is quantized per channel \(4 scales\)/);

    expect(refusal(lstmGraph({ ...shape, dtype: 'int8', cellScale: 0.001 }))).toMatch(
      /cell state \(input 19, tensor 14\) has scale 0.001, expected a power of two/,
    );

    const int16 = lstmGraph({ ...shape, dtype: 'int8' });
    int16.tensors[0] = { ...int16.tensors[0], dtype: 'int16' };
    // A 16x8 LSTM keeps its hidden state in the input type.
    expect(refusal(int16)).toMatch(/output \(hidden\) state \(input 18, tensor 13\) is int8, expected int16 \(the hidden state has the input type\)/);
    const int32 = lstmGraph({ ...shape, dtype: 'int8' });
    int32.tensors[0] = { ...int32.tensors[0], dtype: 'int32' };
    expect(refusal(int32)).toMatch(/input \(input 0, tensor 0\) is int32; supported LSTM inputs are float32, int8 and int16/);
  });
});

describe('int16 sigmoid and tanh (TFLite reference_integer_ops, look-up table)', () => {
  it('follow sigmoid and tanh of a Q3.12 input to within 5e-5, monotonic, with exact zeros', () => {
    let sigmoidError = 0;
    let tanhError = 0;
    let monotonic = true;
    for (let x = -32767; x <= 32767; x++) {
      sigmoidError = Math.max(sigmoidError, Math.abs(sigmoidInt16(x) / 32768 - 1 / (1 + Math.exp(-x / 4096))));
      tanhError = Math.max(tanhError, Math.abs(tanhInt16(x) / 32768 - Math.tanh(x / 4096)));
      monotonic &&= sigmoidInt16(x) >= sigmoidInt16(x - 1) && tanhInt16(x) >= tanhInt16(x - 1);
    }
    expect(sigmoidError).toBeLessThan(5e-5);
    expect(tanhError).toBeLessThan(5e-5);
    expect(monotonic).toBe(true);
    expect([sigmoidInt16(0), tanhInt16(0), sigmoidInt16(32767), tanhInt16(32767), tanhInt16(-32768)]).toEqual([16384, 0, 32757, 32767, -32767]);
  });

  it('scale the cell state to Q3.12 by its power of two', () => {
    expect(cellStateTanhScaling(-12)).toEqual({ multiplier: 0, leftShift: 0 });
    expect(cellStateTanhScaling(-11)).toEqual({ multiplier: 0, leftShift: 1 });
    expect(cellStateTanhScaling(-15)).toEqual({ multiplier: 3, leftShift: 3 });
    const q0_15 = cellStateTanhScaling(-15);
    for (let x = -32768; x <= 32767; x += 97) {
      expect(Math.abs(tanhInt16(x, q0_15) / 32768 - Math.tanh(x / 32768))).toBeLessThan(1e-4);
    }
  });
});
