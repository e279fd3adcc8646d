import { describe, expect, it } from 'vitest';
import type { Graph, Quantization } from '../ir/types.js';
import { GraphBuilder, checkPass, perChannel, perTensor, randomData } from './testing/pass-test.js';
import { runPipeline } from './run-pipeline.js';

const conv = { padding: 'same', strideH: 1, strideW: 1, dilationH: 1, dilationW: 1, activation: 'none' };
const filterQuantization = perChannel([0.02, 0.05, 0.1], 0);
const filterInt8 = randomData('int8', 3 * 3 * 3 * 2, 11) as Int8Array;
const bias = randomData('float32', 3, 12, -0.5, 0.5);

/** x → CONV_2D with its filter given as DEQUANTIZE(int8 per-channel constant); filterData set: already folded. */
function dequantizedConv(filterData?: Float32Array): Graph {
  const b = new GraphBuilder('dequantize');
  const x = b.input('x', 'float32', [1, 5, 5, 2]);
  const q = b.constant('filter_int8', 'int8', [3, 3, 3, 2], filterInt8, filterQuantization);
  const filter = filterData ? b.constant('filter', 'float32', [3, 3, 3, 2], filterData) : b.tensor('filter', 'float32', [3, 3, 3, 2]);
  const biasId = b.constant('bias', 'float32', [3], bias);
  const y = b.tensor('y', 'float32', [1, 5, 5, 3]);
  if (!filterData) b.op('DEQUANTIZE', {}, [q], [filter]);
  return b.op('CONV_2D', conv, [x, filter, biasId], [y]).output(y).build();
}

const roundHalfAwayFromZero = (x: number) => Math.sign(x) * Math.floor(Math.abs(x) + 0.5);

/** TFLite's AffineQuantize to int8: round(x / scale) + zeroPoint, clamped. */
function quantize(values: Float32Array, { scale: [scale], zeroPoint: [zeroPoint] }: Quantization): Int8Array {
  return Int8Array.from(values, (v) => Math.max(-128, Math.min(127, roundHalfAwayFromZero(Math.fround(v / Math.fround(scale))) + zeroPoint)));
}

const table = randomData('float32', 6, 21, -8, 8) as Float32Array;
const tableQuantization = perTensor(0.05, -2);

/** x + QUANTIZE(RESHAPE(float constant [2,3] → [6])), int8; folded: the two constants given. */
function quantizedAdd(folded?: { reshaped: Float32Array; quantized: Int8Array }): Graph {
  const b = new GraphBuilder('chain');
  const x = b.input('x', 'int8', [1, 6], perTensor(0.1, 3));
  const source = b.constant('table', 'float32', [2, 3], table);
  const shape = b.constant('shape', 'int32', [1], new Int32Array([6]));
  const reshaped = folded ? b.constant('table_flat', 'float32', [6], folded.reshaped) : b.tensor('table_flat', 'float32', [6]);
  const quantized = folded ? b.constant('table_int8', 'int8', [6], folded.quantized, tableQuantization) : b.tensor('table_int8', 'int8', [6], tableQuantization);
  const y = b.tensor('y', 'int8', [1, 6], perTensor(0.2, 1));
  if (!folded) b.op('RESHAPE', {}, [source, shape], [reshaped]).op('QUANTIZE', {}, [reshaped], [quantized]);
  return b.op('ADD', { activation: 'none' }, [x, quantized], [y]).output(y).build();
}

describe('fold-constants', () => {
  it('turns a DEQUANTIZE of int8 per-channel weights into float32 weights s[c]·q (float outputs bit for bit)', async () => {
    const expectedFilter = Float32Array.from(filterInt8, (q, i) => Math.fround(filterQuantization.scale[Math.floor(i / 18)]) * q);
    const result = await checkPass({ passes: 'fold-constants', before: dequantizedConv(), expected: dequantizedConv(expectedFilter) });
    expect(result.log.map((entry) => entry.message)).toEqual(['folded DEQUANTIZE ×1']);
  });

  it('folds a chain in one sweep: RESHAPE of a constant, then QUANTIZE of the result (int8 outputs exact)', async () => {
    const expected = quantizedAdd({ reshaped: table, quantized: quantize(table, tableQuantization) });
    const result = await checkPass({ passes: 'fold-constants', before: quantizedAdd(), expected });
    expect(result.log.map((entry) => entry.message)).toEqual(['folded RESHAPE ×1, QUANTIZE ×1']);
  });

  it('leaves ops writing a graph output, reading a variable tensor, or without a host kernel', async () => {
    const b = new GraphBuilder('kept');
    const x = b.input('x', 'float32', [3]);
    const c = b.constant('c', 'float32', [3], new Float32Array([1, -2, 3]));
    const state = b.tensor('state', 'float32', [3]);
    const sum = b.tensor('sum', 'float32', [3]);
    const y = b.tensor('y', 'float32', [3]);
    const relu = b.tensor('relu_c', 'float32', [3]);
    const before = b
      .op('ADD', { activation: 'none' }, [state, c], [sum])
      .op('ADD', { activation: 'none' }, [x, sum], [y])
      .op('RELU', {}, [c], [relu])
      .output(y, relu)
      .build();
    before.tensors[state] = { ...before.tensors[state], variable: true, data: new Float32Array(3) };
    await checkPass({ passes: 'fold-constants', before, expected: before });

    const custom = new GraphBuilder('custom');
    const k = custom.constant('k', 'float32', [2], new Float32Array([1, 2]));
    const z = custom.tensor('z', 'float32', [2]);
    const w = custom.tensor('w', 'float32', [2]);
    const customGraph = custom.op('CUSTOM', {}, [k], [z]).op('RELU', {}, [z], [w]).output(w).build();
    const result = await runPipeline(customGraph, ['fold-constants'], { validate: true });
    expect(result.graph).toBe(customGraph);
  });

  it('leaves an op whose kernel refuses its tensors, with the reason as a warning', async () => {
    const b = new GraphBuilder('refused');
    const q = b.constant('q', 'int8', [2], new Int8Array([1, 2]));
    const f = b.tensor('f', 'float32', [2]);
    const x = b.input('x', 'float32', [2]);
    const y = b.tensor('y', 'float32', [2]);
    const graph = b.op('DEQUANTIZE', {}, [q], [f]).op('ADD', { activation: 'none' }, [x, f], [y]).output(y).build();
    const result = await runPipeline(graph, ['fold-constants'], { validate: true });
    expect(result.graph).toBe(graph);
    expect(result.log).toEqual([
      { pass: 'fold-constants', level: 'warning', message: 'not folded: op 0 (DEQUANTIZE): input tensor 0 (q) has no quantization parameters' },
    ]);
  });

  it('respects maxBytes: a fold larger than the limit is left and reported', async () => {
    const before = quantizedAdd();
    // The RESHAPE's float result is 24 bytes, over the limit; the QUANTIZE then still reads an activation.
    const result = await checkPass({ passes: [{ pass: 'fold-constants', options: { maxBytes: 16 } }], before, expected: before });
    expect(result.log).toEqual([{ pass: 'fold-constants', level: 'warning', message: 'left 1 op unfolded: result larger than maxBytes = 16' }]);
    const loose = await runPipeline(before, [{ pass: 'fold-constants', options: { maxBytes: 24 } }], { validate: true });
    expect(loose.graph.ops.map((op) => op.type)).toEqual(['ADD']);
  });
});
