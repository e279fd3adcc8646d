import { describe, expect, it } from 'vitest';
import { printGraph } from '../ir/print.js';
import type { Graph, Quantization } from '../ir/types.js';
import { GraphBuilder, checkPass, perChannel, perTensor, randomData } from './testing/pass-test.js';
import { runPipeline } from './run-pipeline.js';

const conv = { padding: 'same', strideH: 1, strideW: 1, dilationH: 1, dilationW: 1, activation: 'relu' };
const fc = { activation: 'none', keepNumDims: false, asymmetricQuantizeInputs: false };

/** w = float32(s[c]) · q, c along `axis`, computed here independently of the pass. */
function dequantized(q: Int8Array, shape: number[], quantization: Quantization): Float32Array {
  const inner = shape.slice(quantization.axis + 1).reduce((a, b) => a * b, 1);
  const channels = quantization.scale.length;
  return Float32Array.from(q, (value, i) => Math.fround(quantization.scale[channels === 1 ? 0 : Math.floor(i / inner) % channels]) * value);
}

const convQuantization = perChannel([0.011, 0.023, 0.017], 0);
const depthwiseQuantization = perChannel([0.031, 0.012, 0.02], 3);
const fcQuantization = perTensor(0.004);
const convWeights = randomData('int8', 54, 1, -127, 127) as Int8Array;
const depthwiseWeights = randomData('int8', 27, 2, -127, 127) as Int8Array;
const fcWeights = randomData('int8', 300, 3, -127, 127) as Int8Array;

/** Hybrid CONV_2D (per channel, axis 0) → DEPTHWISE_CONV_2D (per channel, axis 3) → FULLY_CONNECTED (per tensor). */
function hybridChain(float: boolean): Graph {
  const b = new GraphBuilder('hybrid');
  const weights = (name: string, shape: number[], q: Int8Array, quantization: Quantization) =>
    float ? b.constant(name, 'float32', shape, dequantized(q, shape, quantization)) : b.constant(name, 'int8', shape, q, quantization);
  const x = b.input('x', 'float32', [1, 5, 5, 2]);
  const convFilter = weights('conv_filter', [3, 3, 3, 2], convWeights, convQuantization);
  const convBias = b.constant('conv_bias', 'float32', [3], randomData('float32', 3, 4, -0.1, 0.1));
  const depthwiseFilter = weights('depthwise_filter', [1, 3, 3, 3], depthwiseWeights, depthwiseQuantization);
  const fcWeightsId = weights('fc_weights', [4, 75], fcWeights, fcQuantization);
  const t1 = b.tensor('conv', 'float32', [1, 5, 5, 3]);
  const t2 = b.tensor('depthwise', 'float32', [1, 5, 5, 3]);
  const y = b.tensor('y', 'float32', [1, 4]);
  return b
    .op('CONV_2D', conv, [x, convFilter, convBias], [t1])
    .op('DEPTHWISE_CONV_2D', { ...conv, depthMultiplier: 1 }, [t1, depthwiseFilter, -1], [t2])
    .op('FULLY_CONNECTED', fc, [t2, fcWeightsId, -1], [y])
    .output(y)
    .build();
}

describe('dequantize-hybrid-weights', () => {
  it('replaces per-channel and per-tensor int8 weights of hybrid ops by s·q in float32, in place', async () => {
    // Each hybrid kernel rounds its input batch to int8 at run time (error up to max|x|/254 per
    // element), the float graph does not; over three chained layers the outputs differ by up to
    // 3% of the largest output (measured: at most 2.2% over 40 seeds, 1.0% on seed 1).
    const result = await checkPass({ passes: 'dequantize-hybrid-weights', before: hybridChain(false), expected: hybridChain(true), tolerance: 0.03 });
    expect(result.log.map((entry) => entry.message)).toEqual(['dequantize-weights ×3']);
  });

  it('adds a float copy when an int8 op also reads the weights, with the bytes a folded DEQUANTIZE gives', async () => {
    const q = perTensor(0.02);
    const w = randomData('int8', 24, 5, -127, 127) as Int8Array;
    const build = (copy: boolean): Graph => {
      const b = new GraphBuilder('shared');
      const x = b.input('x', 'float32', [1, 6]);
      const xq = b.input('xq', 'int8', [1, 6], perTensor(0.05, 1));
      const weights = b.constant('w', 'int8', [4, 6], w, q);
      const y = b.tensor('y', 'float32', [1, 4]);
      const yq = b.tensor('yq', 'int8', [1, 4], perTensor(0.1, -3));
      const floatWeights = copy ? b.constant('w_dequantized', 'float32', [4, 6], dequantized(w, [4, 6], q)) : weights;
      return b
        .op('FULLY_CONNECTED', fc, [x, floatWeights, -1], [y])
        .op('FULLY_CONNECTED', fc, [xq, weights, -1], [yq])
        .output(y, yq)
        .build();
    };
    // One hybrid layer: its input rounded to int8 moves the outputs by up to 1% (measured 0.3%).
    const result = await checkPass({ passes: 'dequantize-hybrid-weights', before: build(false), expected: build(true), tolerance: 0.01 });

    // fold-constants on DEQUANTIZE(w) computes the same float32 bytes with TFLite's kernel.
    const b = new GraphBuilder('dequantize');
    const weights = b.constant('w', 'int8', [4, 6], w, q);
    const f = b.tensor('f', 'float32', [4, 6]);
    const x = b.input('x', 'float32', [1, 6]);
    const y = b.tensor('y', 'float32', [1, 4]);
    const viaKernel = b.op('DEQUANTIZE', {}, [weights], [f]).op('FULLY_CONNECTED', fc, [x, f, -1], [y]).output(y).build();
    const folded = (await runPipeline(viaKernel, ['fold-constants'], { validate: true })).graph;
    const checksum = (graph: Graph, name: string) => printGraph(graph).split('\n').find((line) => line.endsWith(`"${name}"`))!.split(' ').at(-2);
    expect(checksum(folded, 'f')).toBe(checksum(result.graph, 'w_dequantized'));
  });

  it('leaves int8 and float models alone', async () => {
    const b = new GraphBuilder('int8');
    const x = b.input('x', 'int8', [1, 6], perTensor(0.05, 1));
    const w = b.constant('w', 'int8', [4, 6], randomData('int8', 24, 6, -127, 127), perTensor(0.02));
    const y = b.tensor('y', 'int8', [1, 4], perTensor(0.1, -3));
    const graph = b.op('FULLY_CONNECTED', fc, [x, w, -1], [y]).output(y).build();
    expect((await runPipeline(graph, ['dequantize-hybrid-weights'], { validate: true })).graph).toBe(graph);
    const float = hybridChain(true);
    expect((await runPipeline(float, ['dequantize-hybrid-weights'], { validate: true })).graph).toBe(float);
  });
});
