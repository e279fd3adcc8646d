import { describe, expect, it } from 'vitest';
import { generateModel } from '../../codegen/index.js';
import { Interpreter } from '../../interp/interpreter.js';
import { printGraph } from '../../ir/print.js';
import type { Graph, Op, Quantization, Tensor } from '../../ir/types.js';
import { validateGraph } from '../../ir/validate.js';
import { GraphBuilder, randomData } from '../testing/pass-test.js';
import { runPipeline } from '../run-pipeline.js';
import type { CalibrationData } from '../pass.js';
import { type LabelledSamples, evaluateGraph, referenceOutputs } from './metrics.js';
import { asymmetricInt8, fixedOutputQuantization, quantizeBias, quantizeWeights } from './parameters.js';
import { syntheticSamples } from './synthetic.js';

const conv = { padding: 'same', strideH: 1, strideW: 1, dilationH: 1, dilationW: 1, activation: 'relu' };
const fc = { activation: 'none', keepNumDims: false, asymmetricQuantizeInputs: false };

/**
 * A small float CNN shaped like the MLPerf Tiny models: CONV_2D → DEPTHWISE_CONV_2D → AVERAGE_POOL_2D
 * → RESHAPE → FULLY_CONNECTED → SOFTMAX, seeded weights.
 */
function smallCnn(): Graph {
  const b = new GraphBuilder('cnn');
  const x = b.input('x', 'float32', [1, 6, 6, 2]);
  const convFilter = b.constant('conv/filter', 'float32', [4, 3, 3, 2], randomData('float32', 72, 1, -0.5, 0.5));
  const convBias = b.constant('conv/bias', 'float32', [4], randomData('float32', 4, 2, -0.2, 0.2));
  const dwFilter = b.constant('dw/filter', 'float32', [1, 3, 3, 4], randomData('float32', 36, 3, -0.6, 0.6));
  const dwBias = b.constant('dw/bias', 'float32', [4], randomData('float32', 4, 4, -0.1, 0.3));
  const shape = b.constant('shape', 'int32', [2], new Int32Array([1, 4]));
  const fcWeights = b.constant('fc/weights', 'float32', [3, 4], randomData('float32', 12, 5, -1, 1));
  const fcBias = b.constant('fc/bias', 'float32', [3], randomData('float32', 3, 6, -0.1, 0.1));
  const c = b.tensor('conv', 'float32', [1, 6, 6, 4]);
  const d = b.tensor('dw', 'float32', [1, 6, 6, 4]);
  const p = b.tensor('pool', 'float32', [1, 1, 1, 4]);
  const r = b.tensor('flat', 'float32', [1, 4]);
  const f = b.tensor('logits', 'float32', [1, 3]);
  const y = b.tensor('probabilities', 'float32', [1, 3]);
  return b
    .op('CONV_2D', conv, [x, convFilter, convBias], [c])
    .op('DEPTHWISE_CONV_2D', { ...conv, depthMultiplier: 1 }, [c, dwFilter, dwBias], [d])
    .op('AVERAGE_POOL_2D', { padding: 'valid', strideH: 6, strideW: 6, filterH: 6, filterW: 6, activation: 'none' }, [d], [p])
    .op('RESHAPE', {}, [p, shape], [r])
    .op('FULLY_CONNECTED', fc, [r, fcWeights, fcBias], [f])
    .op('SOFTMAX', { beta: 1 }, [f], [y])
    .output(y)
    .build();
}

/** Seeded samples, uniform in [-1, 1] for every input. */
function samples(graph: Graph, count: number, seed: number): LabelledSamples {
  return syntheticSamples(graph, { count, seed, min: -1, max: 1 });
}

/** Min and max of every float tensor over the samples, straight from the interpreter. */
function observedRanges(graph: Graph, data: CalibrationData): Map<number, { min: number; max: number }> {
  const interpreter = new Interpreter(graph);
  const ranges = new Map<number, { min: number; max: number }>();
  for (let index = 0; index < data.count; index++) {
    const { tensors } = interpreter.run(data.sample(index) as Float32Array[], { keepIntermediates: true });
    for (const [id, values] of tensors!) {
      if (graph.tensors[id].data || !(values instanceof Float32Array)) continue;
      const range = ranges.get(id) ?? { min: Infinity, max: -Infinity };
      for (const value of values) {
        range.min = Math.min(range.min, value);
        range.max = Math.max(range.max, value);
      }
      ranges.set(id, range);
    }
  }
  return ranges;
}

async function quantize(graph: Graph, calibration: CalibrationData, options: Record<string, string | number | boolean> = {}) {
  return runPipeline(graph, [{ pass: 'quantize-int8', options }], { validate: true, resources: { calibration } });
}

describe('quantize-int8: a float CNN', () => {
  const graph = smallCnn();
  const calibration = samples(graph, 24, 1);

  it('becomes the int8 graph TFLite’s converter makes: per-channel weights, int32 biases, calibrated activations', async () => {
    const result = await quantize(graph, calibration, { samples: 16 });
    // The expected graph, built from the ranges the first 16 samples give and the (separately
    // tested) parameter functions: same tensors, same ids, no conversion op.
    const ranges = observedRanges(graph, { count: 16, sample: calibration.sample });
    const q = (id: number) => asymmetricInt8(ranges.get(id)!);
    const t = graph.tensors;
    const weights = (id: number, axis: number | undefined) => quantizeWeights(t[id], axis);
    const input = q(0);
    const convWeights = weights(1, 0);
    const dwWeights = weights(3, 3);
    const fcWeights = weights(6, undefined);
    const b = new GraphBuilder('cnn');
    const bias = (id: number, inputQuantization: Quantization, weightQuantization: Quantization) => {
      const quantized = quantizeBias(t[id], inputQuantization.scale[0], weightQuantization.scale, 'int32');
      return b.constant(t[id].name, 'int32', t[id].shape, quantized.data, quantized.quantization);
    };
    const x = b.input('x', 'int8', [1, 6, 6, 2], input);
    b.constant('conv/filter', 'int8', [4, 3, 3, 2], convWeights.data, convWeights.quantization);
    bias(2, input, convWeights.quantization);
    b.constant('dw/filter', 'int8', [1, 3, 3, 4], dwWeights.data, dwWeights.quantization);
    bias(4, q(8), dwWeights.quantization);
    b.constant('shape', 'int32', [2], t[5].data!);
    b.constant('fc/weights', 'int8', [3, 4], fcWeights.data, fcWeights.quantization);
    bias(7, q(9), fcWeights.quantization);
    b.tensor('conv', 'int8', [1, 6, 6, 4], q(8));
    b.tensor('dw', 'int8', [1, 6, 6, 4], q(9));
    b.tensor('pool', 'int8', [1, 1, 1, 4], q(9));
    b.tensor('flat', 'int8', [1, 4], q(9));
    b.tensor('logits', 'int8', [1, 3], q(12));
    b.tensor('probabilities', 'int8', [1, 3], fixedOutputQuantization('SOFTMAX', 'int8'));
    const expected = { ...b.output(13).build(), ops: graph.ops };
    expect(x).toBe(0);
    expect(printGraph(result.graph)).toBe(printGraph(expected));
    // ReLU outputs start at the int8 minimum, as in the shipped int8 models.
    expect(result.graph.tensors[8].quantization!.zeroPoint).toEqual([-128]);
    expect(result.log.map((entry) => entry.message)).toEqual([
      'calibrated 7 activations on 16 samples (min-max)',
      'ops: 6 int8, 0 int16, 0 float32; inputs and outputs int8',
    ]);
  });

  it('computes what the float graph computes, to 30 dB, and the C generator takes it', async () => {
    const { graph: quantized } = await quantize(graph, calibration);
    const test = samples(graph, 40, 99);
    const reference = await referenceOutputs(graph, test);
    const evaluation = await evaluateGraph(quantized, test, reference);
    expect(evaluation.sqnrDb).toBeGreaterThan(30);
    expect(evaluation.agreement).toBeGreaterThanOrEqual(0.95);
    const model = generateModel(quantized);
    expect(model.inputs[0]).toMatchObject({ dtype: 'int8', scale: quantized.tensors[0].quantization!.scale[0] });
    expect(model.dequantizedWeights).toEqual([]);
  });

  it('offers the percentile and moving-average observers, which clip what min-max keeps', async () => {
    const scale = async (options: Record<string, string | number>) => (await quantize(graph, calibration, options)).graph.tensors[9].quantization!.scale[0];
    const minMax = await scale({ observer: 'min-max' });
    expect(await scale({ observer: 'percentile', percentile: 99 })).toBeLessThan(minMax);
    expect(await scale({ observer: 'moving-average', averagingConstant: 0.1 })).toBeLessThan(minMax);
    const log = (await quantize(graph, calibration, { observer: 'percentile' })).log[0].message;
    expect(log).toBe('calibrated 7 activations on 24 samples (percentile)');
  });

  it('runs int16Layers in 16x8 (int16 activations, int8 weights, int64 bias) with requantization around them', async () => {
    const { graph: mixed, log } = await quantize(graph, calibration, { int16Layers: '1' });
    const ops = mixed.ops.map((op) => op.type);
    expect(ops).toEqual(['CONV_2D', 'QUANTIZE', 'DEPTHWISE_CONV_2D', 'QUANTIZE', 'AVERAGE_POOL_2D', 'RESHAPE', 'FULLY_CONNECTED', 'SOFTMAX']);
    const depthwise = mixed.ops[2];
    const tensor = (id: number) => mixed.tensors[id];
    expect(depthwise.inputs.map((id) => tensor(id).dtype)).toEqual(['int16', 'int8', 'int64']);
    expect(tensor(depthwise.outputs[0])).toMatchObject({ name: 'dw', dtype: 'int16', quantization: { zeroPoint: [0] } });
    expect(tensor(mixed.ops[1].outputs[0]).name).toBe('conv/int16');
    expect(tensor(mixed.ops[3].outputs[0])).toMatchObject({ name: 'dw/int8', dtype: 'int8' });
    expect(log.map((entry) => entry.message)).toContain('added 2 conversion ops between precisions');
    const test = samples(graph, 40, 99);
    const evaluation = await evaluateGraph(mixed, test, await referenceOutputs(graph, test));
    expect(evaluation.sqnrDb).toBeGreaterThan(30);
    // A layer can be named by the tensor it writes.
    expect(printGraph((await quantize(graph, calibration, { int16Layers: 'dw' })).graph)).toBe(printGraph(mixed));
    // Pooling and reshape at int16 too, up to the fully connected layer.
    const { graph: wider } = await quantize(graph, calibration, { int16Layers: '0,1,2,3,4' });
    expect(wider.ops.map((op) => `${op.type}:${wider.tensors[op.outputs[0]].dtype}`)).toEqual([
      'QUANTIZE:int16', 'CONV_2D:int16', 'DEPTHWISE_CONV_2D:int16', 'AVERAGE_POOL_2D:int16', 'RESHAPE:int16', 'FULLY_CONNECTED:int16', 'QUANTIZE:int8', 'SOFTMAX:int8',
    ]);
    expect((await evaluateGraph(wider, test, await referenceOutputs(graph, test))).sqnrDb).toBeGreaterThan(evaluation.sqnrDb!);
  });

  it('keeps float32Layers in float32, with DEQUANTIZE before and QUANTIZE after', async () => {
    const { graph: mixed } = await quantize(graph, calibration, { float32Layers: '4' });
    expect(mixed.ops.map((op) => op.type)).toEqual(['CONV_2D', 'DEPTHWISE_CONV_2D', 'AVERAGE_POOL_2D', 'RESHAPE', 'DEQUANTIZE', 'FULLY_CONNECTED', 'QUANTIZE', 'SOFTMAX']);
    const fcOp = mixed.ops[5];
    expect(fcOp.inputs.map((id) => mixed.tensors[id].dtype)).toEqual(['float32', 'float32', 'float32']);
    expect(mixed.tensors[fcOp.inputs[1]].data).toBe(graph.tensors[6].data);
    const test = samples(graph, 20, 5);
    expect((await evaluateGraph(mixed, test, await referenceOutputs(graph, test))).sqnrDb).toBeGreaterThan(30);
    // Inputs and outputs float32 with io: a quantized model that takes the float model's inputs.
    const { graph: floatIo } = await quantize(graph, calibration, { io: 'float32' });
    expect(floatIo.ops.map((op) => op.type)).toEqual(['QUANTIZE', ...graph.ops.map((op) => op.type), 'DEQUANTIZE']);
    expect([floatIo.tensors[floatIo.inputs[0]].dtype, floatIo.tensors[floatIo.outputs[0]].dtype]).toEqual(['float32', 'float32']);
  });

  it('refuses what it cannot do, naming the pass, the op and the value', async () => {
    const error = (promise: Promise<unknown>) => promise.then(() => 'no error', (e: Error) => `${e.name}: ${e.message}`);
    // SOFTMAX runs at int16 (TFLite's int16 softmax, output 1/32768); an int16 request an op cannot honour is refused.
    const { graph: softmax16 } = await quantize(graph, calibration, { int16Layers: '5' });
    expect(softmax16.tensors[softmax16.ops.at(-2)!.outputs[0]].quantization).toEqual({ scale: [1 / 32768], zeroPoint: [0], axis: 0 });
    const noInt16 = { ...graph, ops: graph.ops.map((op, index) => (index === 5 ? { ...op, type: 'LOG_SOFTMAX', attrs: {} } : op)) } as typeof graph;
    expect(await error(quantize(noInt16, calibration, { int16Layers: '5' }))).toBe(
      'PassError: quantize-int8: op 5 (LOG_SOFTMAX) cannot run at int16: no int16 kernel for LOG_SOFTMAX',
    );
    expect(await error(quantize(graph, calibration, { int16Layers: 'nope' }))).toBe('PassError: quantize-int8: option int16Layers: no op writes a tensor named "nope"');
    expect(await error(quantize(graph, calibration, { float32Layers: '9' }))).toBe('PassError: quantize-int8: option float32Layers: no op 9 (graph cnn has 6 ops)');
    expect(await error(quantize(graph, calibration, { int16Layers: '1', float32Layers: 'dw' }))).toBe(
      'PassError: quantize-int8: op 1 (DEPTHWISE_CONV_2D) is listed in both int16Layers and float32Layers',
    );
    expect(await error(quantize(graph, calibration, { percentile: 20 }))).toBe('PassError: quantize-int8: option percentile is 20, expected a number in (50, 100]');
    expect(await error(runPipeline(graph, ['quantize-int8']))).toBe('PassError: quantize-int8: needs the resource "calibration", none was given');
    const wrongSize: CalibrationData = { count: 2, sample: () => [new Float32Array(5)] };
    expect(await error(quantize(graph, wrongSize))).toBe('PassError: quantize-int8: calibration sample 0 input 0 has 5 values, input x has shape [1,6,6,2] = 72');
    expect(await error(quantize(graph, { count: 0, sample: () => [] }))).toBe('PassError: quantize-int8: calibration needs at least one sample, the calibration data has 0');
    // Already quantized, or hybrid (int8 weights in a float op).
    const { graph: int8 } = await quantize(graph, calibration);
    expect(await error(quantize(int8, calibration))).toBe('PassError: quantize-int8: graph cnn computes nothing in float32: it is quantized already');
    const hybridTensors: Tensor[] = graph.tensors.map((t) => (t.id === 1 ? { ...t, dtype: 'int8', data: new Int8Array(72), quantization: { scale: [0.01], zeroPoint: [0], axis: 0 } } : t));
    expect(await error(quantize({ ...graph, tensors: hybridTensors }, calibration))).toBe(
      'PassError: quantize-int8: op 0 (CONV_2D) reads int8 constant tensor 1 (conv/filter) into a float32 result (a hybrid model); ' +
        'run dequantize-hybrid-weights first, as the quantize-int8 pipeline does',
    );
  });
});

describe('quantize-int8: every op type with an int8 kernel', () => {
  /**
   * Two branches joined by CONCATENATION (different ranges, so one is requantized), ADD of a
   * constant, MUL, PAD, MEAN, RELU, RELU6, LOGISTIC, TANH, MAX_POOL_2D; with `fallback`, a CONV_2D
   * whose weights are an activation, which has no int8 form (nor a C one) and stays float32.
   */
  function everyOp(fallback = true): Graph {
    const b = new GraphBuilder('every-op');
    const x = b.input('x', 'float32', [1, 4, 4, 2]);
    const w = b.input('w', 'float32', [2, 1, 1, 2]);
    const offset = b.constant('offset', 'float32', [2], new Float32Array([0.5, -2]));
    const paddings = b.constant('paddings', 'int32', [4, 2], new Int32Array([0, 0, 1, 1, 1, 1, 0, 0]));
    const axes = b.constant('axes', 'int32', [2], new Int32Array([1, 2]));
    const names = ['added', 'relu', 'scaled', 'relu6', 'joined', 'padded', 'pooled', 'mean', 'sigmoid', 'tanh', 'conv'];
    const shapes = [[1, 4, 4, 2], [1, 4, 4, 2], [1, 4, 4, 2], [1, 4, 4, 2], [1, 4, 4, 4], [1, 6, 6, 4], [1, 3, 3, 4], [1, 4], [1, 4], [1, 4], [1, 4, 4, 2]];
    const [added, relu, scaled, relu6, joined, padded, pooled, mean, sigmoid, tanh, convolved] = names.map((name, i) => b.tensor(name, 'float32', shapes[i]));
    b.op('ADD', { activation: 'none' }, [x, offset], [added])
      .op('RELU', {}, [added], [relu])
      .op('MUL', { activation: 'none' }, [x, added], [scaled])
      .op('RELU6', {}, [scaled], [relu6])
      .op('CONCATENATION', { axis: 3, activation: 'none' }, [relu, relu6], [joined])
      .op('PAD', {}, [joined, paddings], [padded])
      .op('MAX_POOL_2D', { padding: 'valid', strideH: 2, strideW: 2, filterH: 2, filterW: 2, activation: 'none' }, [padded], [pooled])
      .op('MEAN', { keepDims: false }, [pooled, axes], [mean])
      .op('LOGISTIC', {}, [mean], [sigmoid])
      .op('TANH', {}, [mean], [tanh]);
    if (!fallback) return b.output(sigmoid, tanh).build();
    return b.op('CONV_2D', { ...conv, activation: 'none' }, [x, w], [convolved]).output(sigmoid, tanh, convolved).build();
  }

  it('quantizes them, falls back to float32 where it must, and the interpreter and the C generator run the result', async () => {
    const graph = everyOp();
    const calibration = syntheticSamples(graph, { count: 20, seed: 3, min: -3, max: 3 });
    const result = await quantize(graph, calibration);
    const quantized = result.graph;
    validateGraph(quantized);
    expect(result.log.map((entry) => `${entry.level}: ${entry.message}`)).toEqual([
      'warning: op 10 (CONV_2D) stays float32: weights tensor 1 (w) is not a constant, expected float32 constant weights',
      'info: calibrated 13 activations on 20 samples (min-max)',
      'info: ops: 10 int8, 0 int16, 1 float32; inputs and outputs int8',
      'info: added 5 conversion ops between precisions',
    ]);
    const types = (ops: Op[]) => ops.map((op) => op.type);
    expect(types(quantized.ops)).toEqual([
      'ADD', 'RELU', 'MUL', 'RELU6', 'QUANTIZE', 'QUANTIZE', 'CONCATENATION', 'PAD', 'MAX_POOL_2D', 'MEAN', 'LOGISTIC', 'TANH',
      'DEQUANTIZE', 'DEQUANTIZE', 'CONV_2D', 'QUANTIZE',
    ]);
    const tensor = (name: string) => quantized.tensors.find((t) => t.name === name)!;
    // The concatenation's inputs are requantized to its output's encoding (RELU6 keeps MUL's,
    // RELU has a narrower range than the two together).
    const concat = quantized.ops[6];
    expect(concat.inputs.map((id) => quantized.tensors[id].name)).toEqual(['relu/requantized', 'relu6/requantized']);
    for (const id of concat.inputs) expect(quantized.tensors[id].quantization).toEqual(tensor('joined').quantization);
    // The constant operand of ADD is quantized with its own range.
    expect(tensor('offset')).toMatchObject({ dtype: 'int8', quantization: asymmetricInt8({ min: -2, max: 0.5 }) });
    // Pad, pooling and RELU6 keep their input's encoding; logistic and tanh have TFLite's fixed ones.
    expect(tensor('padded').quantization).toEqual(tensor('joined').quantization);
    expect(tensor('pooled').quantization).toEqual(tensor('joined').quantization);
    expect(tensor('relu6').quantization).toEqual(tensor('scaled').quantization);
    expect(tensor('sigmoid').quantization).toEqual({ scale: [1 / 256], zeroPoint: [-128], axis: 0 });
    expect(tensor('tanh').quantization).toEqual({ scale: [1 / 128], zeroPoint: [0], axis: 0 });
    expect(quantized.inputs.map((id) => quantized.tensors[id].dtype)).toEqual(['int8', 'int8']);
    expect(quantized.outputs.map((id) => quantized.tensors[id].dtype)).toEqual(['int8', 'int8', 'int8']);

    const test = syntheticSamples(graph, { count: 20, seed: 4, min: -3, max: 3 });
    const evaluation = await evaluateGraph(quantized, test, await referenceOutputs(graph, test));
    expect(evaluation.sqnrDb).toBeGreaterThan(25);
    // Without the op that has no C form either, the C generator takes the quantized graph.
    const { graph: withoutFallback } = await quantize(everyOp(false), calibration);
    expect(generateModel(withoutFallback).ops.map((op) => op.type)).toEqual(types(withoutFallback.ops));
  });

  it('runs the 16x8 form of the ops that have one', async () => {
    const graph = everyOp();
    const calibration = syntheticSamples(graph, { count: 10, seed: 3, min: -3, max: 3 });
    const { graph: quantized } = await quantize(graph, calibration, { int16Layers: '0,1,3,4,5,6,7,8,9' });
    const int16 = quantized.ops.filter((op) => op.type !== 'QUANTIZE' && quantized.tensors[op.outputs[0]].dtype === 'int16');
    expect(int16.map((op) => op.type)).toEqual(['ADD', 'RELU', 'RELU6', 'CONCATENATION', 'PAD', 'MAX_POOL_2D', 'MEAN', 'LOGISTIC', 'TANH']);
    const test = syntheticSamples(graph, { count: 10, seed: 4, min: -3, max: 3 });
    expect((await evaluateGraph(quantized, test, await referenceOutputs(graph, test))).sqnrDb).toBeGreaterThan(20);
  });
});
