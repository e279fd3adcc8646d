/**
 * Ops whose integer kernels copy stored values keep their data input's quantization: a calibrated
 * scale of their own would relabel the copied bytes (the quantized output then decodes to other
 * values than the float one).
 */
import { describe, expect, it } from 'vitest';
import { Interpreter } from '../../interp/interpreter.js';
import type { Graph, Quantization } from '../../ir/types.js';
import { GraphBuilder } from '../testing/pass-test.js';
import { runPipeline } from '../run-pipeline.js';
import { syntheticSamples } from './synthetic.js';

/**
 * x → LOGISTIC (fixed output encoding 1/256, −128, which no calibrated range reproduces) → STRIDED_SLICE,
 * TRANSPOSE, SPLIT (two outputs), PACK with a second, wider-ranged branch.
 */
function copies(): Graph {
  const b = new GraphBuilder('copies');
  const x = b.input('x', 'float32', [1, 4, 6]);
  const i32 = (name: string, values: number[]) => b.constant(name, 'int32', [values.length], new Int32Array(values));
  const y = b.tensor('sigmoid', 'float32', [1, 4, 6]);
  const sliced = b.tensor('sliced', 'float32', [1, 2, 3]);
  const transposed = b.tensor('transposed', 'float32', [1, 6, 4]);
  const [left, right] = [b.tensor('left', 'float32', [1, 2, 6]), b.tensor('right', 'float32', [1, 2, 6])];
  const doubled = b.tensor('doubled', 'float32', [1, 4, 6]);
  const packed = b.tensor('packed', 'float32', [2, 1, 4, 6]);
  const two = b.constant('two', 'float32', [1], new Float32Array([2]));
  return b
    .op('LOGISTIC', {}, [x], [y])
    .op('STRIDED_SLICE', { beginMask: 0, endMask: 0, ellipsisMask: 0, newAxisMask: 0, shrinkAxisMask: 0, offset: false }, [y, i32('begin', [0, 1, 2]), i32('end', [1, 3, 5]), i32('strides', [1, 1, 1])], [sliced])
    .op('TRANSPOSE', {}, [y, i32('perm', [0, 2, 1])], [transposed])
    .op('SPLIT', { numSplits: 2 }, [b.constant('axis', 'int32', [], new Int32Array([1])), y], [left, right])
    .op('MUL', { activation: 'none' }, [x, two], [doubled])
    .op('PACK', { axis: 0, valuesCount: 2 }, [y, doubled], [packed])
    .output(sliced, transposed, left, right, packed)
    .build();
}

const sameEncoding = (q: Quantization | undefined) => ({ scale: Math.fround(q!.scale[0]), zeroPoint: q!.zeroPoint[0] });

describe('quantize-int8: ops that copy bytes', () => {
  const graph = copies();
  const calibration = syntheticSamples(graph, { count: 16, seed: 3, min: -4, max: 4 });

  it('give STRIDED_SLICE, TRANSPOSE and every SPLIT output their input’s scale and zero point', async () => {
    const { graph: quantized } = await runPipeline(graph, [{ pass: 'quantize-int8', options: {} }], { validate: true, resources: { calibration } });
    const tensor = (name: string) => quantized.tensors.find((t) => t.name === name)!;
    const sigmoid = sameEncoding(tensor('sigmoid').quantization);
    expect(sigmoid).toEqual({ scale: Math.fround(1 / 256), zeroPoint: -128 });
    for (const name of ['sliced', 'transposed', 'left', 'right']) {
      expect(tensor(name).dtype, name).toBe('int8');
      expect(sameEncoding(tensor(name).quantization), name).toEqual(sigmoid);
    }
  });

  it('give SPACE_TO_DEPTH its input’s scale and zero point', async () => {
    const b = new GraphBuilder('space-to-depth');
    const x = b.input('x', 'float32', [1, 4, 4, 2]);
    const y = b.tensor('sigmoid', 'float32', [1, 4, 4, 2]);
    const z = b.tensor('moved', 'float32', [1, 2, 2, 8]);
    const small = b.op('LOGISTIC', {}, [x], [y]).op('SPACE_TO_DEPTH', { blockSize: 2 }, [y], [z]).output(z).build();
    const data = syntheticSamples(small, { count: 8, seed: 5, min: -4, max: 4 });
    const { graph: quantized } = await runPipeline(small, [{ pass: 'quantize-int8', options: {} }], { validate: true, resources: { calibration: data } });
    expect(sameEncoding(quantized.tensors.find((t) => t.name === 'moved')!.quantization)).toEqual({ scale: Math.fround(1 / 256), zeroPoint: -128 });
  });

  it('give PACK one encoding for inputs and output, its inputs requantized to the output’s', async () => {
    const { graph: quantized } = await runPipeline(graph, [{ pass: 'quantize-int8', options: {} }], { validate: true, resources: { calibration } });
    const pack = quantized.ops.find((op) => op.type === 'PACK')!;
    const output = sameEncoding(quantized.tensors[pack.outputs[0]].quantization);
    for (const id of pack.inputs) expect(sameEncoding(quantized.tensors[id].quantization)).toEqual(output);
    expect(quantized.ops.filter((op) => op.type === 'QUANTIZE').length).toBeGreaterThan(0);
  });

  it('decode to the float graph’s values within two steps of the sigmoid’s scale', async () => {
    const { graph: quantized } = await runPipeline(graph, [{ pass: 'quantize-int8', options: { io: 'float32' } }], { validate: true, resources: { calibration } });
    const sample = calibration.sample(0) as Float32Array[];
    const expected = new Interpreter(graph).run(sample).outputs;
    const actual = new Interpreter(quantized).run(sample).outputs;
    for (const index of [0, 1, 2, 3]) {
      const error = Math.max(...Array.from(expected[index] as Float32Array, (value, i) => Math.abs(value - (actual[index] as Float32Array)[i])));
      expect(error, `output ${index}`).toBeLessThanOrEqual(2 / 256);
    }
  });
});
