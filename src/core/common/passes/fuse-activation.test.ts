import { describe, expect, it } from 'vitest';
import type { Graph, Quantization } from '../ir/types.js';
import { GraphBuilder, checkPass, expectSameOutputs, perChannel, perTensor, randomData, randomInputs, runGraph } from './testing/pass-test.js';

const conv = { padding: 'same', strideH: 1, strideW: 1, dilationH: 1, dilationW: 1 };
const fc = { keepNumDims: false, asymmetricQuantizeInputs: false };
type Fused = 'none' | 'relu' | 'relu6' | 'relu_n1_to_1';

/**
 * Float32: CONV_2D → RELU, FULLY_CONNECTED → RELU6, ADD → RELU, three outputs. With `fused`,
 * the producers carry the activation and write the outputs directly (intermediates unused).
 */
function floatGraph(fused: boolean): Graph {
  const b = new GraphBuilder('float');
  const x = b.input('x', 'float32', [1, 5, 5, 2]);
  const filter = b.constant('filter', 'float32', [3, 3, 3, 2], randomData('float32', 54, 1));
  const bias = b.constant('bias', 'float32', [3], randomData('float32', 3, 2));
  const weights = b.constant('weights', 'float32', [4, 50], randomData('float32', 200, 3));
  const addend = b.constant('addend', 'float32', [1, 5, 5, 2], randomData('float32', 50, 4));
  const t1 = b.tensor('conv', 'float32', [1, 5, 5, 3]);
  const t2 = b.tensor('fc', 'float32', [1, 4]);
  const t3 = b.tensor('add', 'float32', [1, 5, 5, 2]);
  const y1 = b.tensor('conv_relu', 'float32', [1, 5, 5, 3]);
  const y2 = b.tensor('fc_relu6', 'float32', [1, 4]);
  const y3 = b.tensor('add_relu', 'float32', [1, 5, 5, 2]);
  if (fused) {
    b.op('CONV_2D', { ...conv, activation: 'relu' }, [x, filter, bias], [y1])
      .op('FULLY_CONNECTED', { ...fc, activation: 'relu6' }, [x, weights, -1], [y2])
      .op('ADD', { activation: 'relu' }, [x, addend], [y3]);
  } else {
    b.op('CONV_2D', { ...conv, activation: 'none' }, [x, filter, bias], [t1])
      .op('RELU', {}, [t1], [y1])
      .op('FULLY_CONNECTED', { ...fc, activation: 'none' }, [x, weights, -1], [t2])
      .op('RELU6', {}, [t2], [y2])
      .op('ADD', { activation: 'none' }, [x, addend], [t3])
      .op('RELU', {}, [t3], [y3]);
  }
  return b.output(y1, y2, y3).build();
}

const inputQuantization = perTensor(0.05, -3);
const filterScales = [0.01, 0.02, 0.015];

/**
 * int8: CONV_2D → RELU and ADD → RELU6 with the same quantization on both sides of the
 * activation (fusable, exact), and FULLY_CONNECTED → RELU with different quantization (kept).
 */
function int8Graph(fused: boolean): Graph {
  const b = new GraphBuilder('int8');
  const x = b.input('x', 'int8', [1, 5, 5, 2], inputQuantization);
  const filter = b.constant('filter', 'int8', [3, 3, 3, 2], randomData('int8', 54, 5, -127, 127), perChannel(filterScales, 0));
  const bias = b.constant('bias', 'int32', [3], randomData('int32', 3, 6, -500, 500), perChannel(filterScales.map((s) => s * 0.05), 0));
  const addend = b.constant('addend', 'int8', [1, 5, 5, 2], randomData('int8', 50, 7), perTensor(0.04, 2));
  const weights = b.constant('weights', 'int8', [4, 50], randomData('int8', 200, 8, -127, 127), perTensor(0.01));
  const fcBias = b.constant('fc_bias', 'int32', [4], randomData('int32', 4, 9, -500, 500), perTensor(0.0005));
  const convOut: Quantization = perTensor(0.1, 5);
  const addOut: Quantization = perTensor(0.04, -100);
  const t1 = b.tensor('conv', 'int8', [1, 5, 5, 3], convOut);
  const t2 = b.tensor('add', 'int8', [1, 5, 5, 2], addOut);
  const t3 = b.tensor('fc', 'int8', [1, 4], perTensor(0.2, 0));
  const y1 = b.tensor('conv_relu', 'int8', [1, 5, 5, 3], convOut);
  const y2 = b.tensor('add_relu6', 'int8', [1, 5, 5, 2], addOut);
  const y3 = b.tensor('fc_relu', 'int8', [1, 4], perTensor(0.1, -5));
  if (fused) {
    b.op('CONV_2D', { ...conv, activation: 'relu' }, [x, filter, bias], [y1]).op('ADD', { activation: 'relu6' }, [x, addend], [y2]);
  } else {
    b.op('CONV_2D', { ...conv, activation: 'none' }, [x, filter, bias], [t1])
      .op('RELU', {}, [t1], [y1])
      .op('ADD', { activation: 'none' }, [x, addend], [t2])
      .op('RELU6', {}, [t2], [y2]);
  }
  b.op('FULLY_CONNECTED', { ...fc, activation: 'none' }, [x, weights, fcBias], [t3]).op('RELU', {}, [t3], [y3]);
  return b.output(y1, y2, y3).build();
}

describe('fuse-activation', () => {
  it('fuses RELU / RELU6 into float CONV_2D, FULLY_CONNECTED and ADD (outputs bit for bit)', async () => {
    const result = await checkPass({ passes: 'fuse-activation', before: floatGraph(false), expected: floatGraph(true) });
    expect(result.log.map((entry) => entry.message)).toEqual(['fuse-into-producer ×3']);
  });

  it('fuses int8 activations whose quantization matches their input, exactly, and keeps the one that requantizes', async () => {
    const before = int8Graph(false);
    // The random inputs do reach both clamps of every activation: the test would see a wrong bound.
    const [conv, add] = runGraph(before, randomInputs(before, 1)) as Int8Array[];
    expect(conv.some((v) => v === 5) && conv.some((v) => v > 5)).toBe(true);
    expect(add.some((v) => v === -100) && add.some((v) => v === 50)).toBe(true);
    await checkPass({ passes: 'fuse-activation', before, expected: int8Graph(true) });
  });

  it('fuses RELU_N1_TO_1 into a DEPTHWISE_CONV_2D (checked against the clamp to [-1, 1], as the interpreter has no RELU_N1_TO_1)', async () => {
    const build = (activation: Fused, standalone: boolean) => {
      const b = new GraphBuilder('n1_to_1');
      const x = b.input('x', 'float32', [1, 5, 5, 2]);
      const filter = b.constant('filter', 'float32', [1, 3, 3, 2], randomData('float32', 18, 10, -0.5, 0.5));
      const bias = b.constant('bias', 'float32', [2], randomData('float32', 2, 11, -0.5, 0.5));
      const t = b.tensor('depthwise', 'float32', [1, 5, 5, 2]);
      const y = b.tensor('clamped', 'float32', [1, 5, 5, 2]);
      b.op('DEPTHWISE_CONV_2D', { ...conv, depthMultiplier: 1, activation }, [x, filter, bias], [standalone ? t : y]);
      if (standalone) b.op('RELU_N1_TO_1', {}, [t], [y]);
      return b.output(y).build();
    };
    const after = (await checkPass({ passes: 'fuse-activation', before: build('none', true), expected: build('relu_n1_to_1', false), run: false })).graph;
    const unclamped = build('none', false);
    for (const seed of [1, 2, 3]) {
      const inputs = randomInputs(unclamped, seed);
      const reference = Float32Array.from(runGraph(unclamped, inputs)[0] as Float32Array, (v) => Math.min(1, Math.max(-1, v)));
      expect(reference.some((v) => v === 1) && reference.some((v) => v === -1) && reference.some((v) => Math.abs(v) < 1)).toBe(true);
      expectSameOutputs(runGraph(after, inputs), [reference], 0);
    }
  });

  it('leaves an intermediate that has another reader or is a graph output, a producer with an activation, and other producers', async () => {
    const b = new GraphBuilder('kept');
    const x = b.input('x', 'float32', [1, 4]);
    const c = b.constant('c', 'float32', [1, 4], new Float32Array([1, -7, 3, 8]));
    const t1 = b.tensor('shared', 'float32', [1, 4]);
    const y1 = b.tensor('shared_relu', 'float32', [1, 4]);
    const y2 = b.tensor('shared_softmax', 'float32', [1, 4]);
    const t3 = b.tensor('output_too', 'float32', [1, 4]);
    const y3 = b.tensor('output_too_relu', 'float32', [1, 4]);
    const t4 = b.tensor('already', 'float32', [1, 4]);
    const y4 = b.tensor('already_relu6', 'float32', [1, 4]);
    const t5 = b.tensor('pooled', 'float32', [1, 1, 2, 1]);
    const y5 = b.tensor('pooled_relu', 'float32', [1, 1, 2, 1]);
    const x4 = b.tensor('x4', 'float32', [1, 1, 4, 1]);
    const before = b
      .op('ADD', { activation: 'none' }, [x, c], [t1])
      .op('RELU', {}, [t1], [y1])
      .op('SOFTMAX', { beta: 1 }, [t1], [y2])
      .op('ADD', { activation: 'none' }, [x, x], [t3])
      .op('RELU', {}, [t3], [y3])
      .op('ADD', { activation: 'relu' }, [x, c], [t4])
      .op('RELU6', {}, [t4], [y4])
      .op('RESHAPE', {}, [x], [x4])
      .op('MAX_POOL_2D', { padding: 'valid', strideH: 1, strideW: 2, filterH: 1, filterW: 2, activation: 'none' }, [x4], [t5])
      .op('RELU', {}, [t5], [y5])
      .output(y1, y2, t3, y3, y4, y5)
      .build();
    const result = await checkPass({ passes: 'fuse-activation', before, expected: before });
    expect(result.graph).toBe(before);
  });
});
