/**
 * An int8 or float32 graph of one UNIDIRECTIONAL_SEQUENCE_LSTM in TFLite's 24-input layout with
 * seeded random weights (any batch, time, input and state size): for the LSTM tests and bench/rnn.
 */
import type { DType, Graph, Op, Tensor } from '../../../ir/types.js';

/** Deterministic pseudo-random numbers in [0, 1) (mulberry32). */
export function randomSource(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface LstmGraphOptions {
  dtype: 'int8' | 'float32';
  batch: number;
  time: number;
  inputSize: number;
  units: number;
  timeMajor?: boolean;
  cellClip?: number;
  /** Added to the forget and input gate biases (real units) to drive the cell state up. */
  gateBiasShift?: number;
  cellScale?: number;
  weightDType?: DType;
  seed?: number;
}

/** A graph holding one LSTM op with TFLite's 24-input layout and random weights. */
export function lstmGraph(options: LstmGraphOptions): Graph {
  const { dtype, batch, time, inputSize, units, timeMajor = false, cellClip = 0, gateBiasShift = 0, seed = 1 } = options;
  const random = randomSource(seed);
  const quantized = dtype === 'int8';
  const weightDType = options.weightDType ?? dtype;
  const inputScale = 1 / 100;
  const weightScale = 1 / 64;
  const tensors: Tensor[] = [];
  const add = (tensor: Omit<Tensor, 'id'>) => tensors.push({ ...tensor, id: tensors.length }) - 1;
  const sequenceShape = timeMajor ? [time, batch] : [batch, time];
  const input = add({
    name: 'input',
    shape: [...sequenceShape, inputSize],
    dtype,
    ...(quantized ? { quantization: { scale: [inputScale], zeroPoint: [3], axis: 0 } } : {}),
  });
  const weights = (name: string, depth: number) => {
    const values = Array.from({ length: units * depth }, () => (random() * 2 - 1) * 1.5);
    return add({
      name,
      shape: [units, depth],
      dtype: weightDType,
      data: weightDType === 'float32' ? Float32Array.from(values) : Int8Array.from(values, (v) => Math.round(v / weightScale)),
      ...(weightDType === 'int8' ? { quantization: { scale: [weightScale], zeroPoint: [0], axis: 0 } } : {}),
    });
  };
  // Asymmetric hidden state (range about [-1.08, 1.47]) so that its zero point matters.
  const hiddenScale = 1 / 100;
  const hiddenZeroPoint = -20;
  const bias = (name: string, shift: number, productScale: number) => {
    const values = Array.from({ length: units }, () => (random() * 2 - 1) * 0.5 + shift);
    return add({
      name,
      shape: [units],
      dtype: quantized ? 'int32' : 'float32',
      data: quantized ? Int32Array.from(values, (v) => Math.round(v / productScale)) : Float32Array.from(values),
      ...(quantized ? { quantization: { scale: [productScale], zeroPoint: [0], axis: 0 } } : {}),
    });
  };
  const gates = ['input', 'forget', 'cell', 'output'];
  const inputWeights = gates.map((gate) => weights(`${gate}_w`, inputSize));
  const recurrentWeights = gates.map((gate) => weights(`${gate}_r`, units));
  const biases = gates.map((gate) => bias(`${gate}_b`, gate === 'input' || gate === 'forget' ? gateBiasShift : 0, inputScale * weightScale));
  const hidden = add({
    name: 'hidden',
    shape: [batch, units],
    dtype,
    variable: true,
    // Starts at real 0, i.e. its zero point, as TFLite Micro's ResetVariableTensors sets int8 state.
    ...(quantized
      ? { quantization: { scale: [hiddenScale], zeroPoint: [hiddenZeroPoint], axis: 0 }, data: new Int8Array(batch * units).fill(hiddenZeroPoint) }
      : {}),
  });
  const cell = add({
    name: 'cell',
    shape: [batch, units],
    dtype: quantized ? 'int16' : 'float32',
    variable: true,
    ...(quantized ? { quantization: { scale: [options.cellScale ?? 2 ** -11], zeroPoint: [0], axis: 0 } } : {}),
  });
  const output = add({
    name: 'output',
    shape: [...sequenceShape, units],
    dtype,
    ...(quantized ? { quantization: { scale: [hiddenScale], zeroPoint: [hiddenZeroPoint], axis: 0 } } : {}),
  });
  const op: Op = {
    type: 'UNIDIRECTIONAL_SEQUENCE_LSTM',
    inputs: [input, ...inputWeights, ...recurrentWeights, -1, -1, -1, ...biases, -1, -1, hidden, cell, -1, -1, -1, -1],
    outputs: [output],
    attrs: { activation: 'tanh', cellClip, projClip: 0, timeMajor, asymmetricQuantizeInputs: false, diagonalRecurrentTensors: false },
  };
  return { name: 'lstm', tensors, ops: [op], inputs: [input], outputs: [output] };
}
