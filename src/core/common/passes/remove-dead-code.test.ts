import { describe, expect, it } from 'vitest';
import type { Graph } from '../ir/types.js';
import { GraphBuilder, checkPass, randomData } from './testing/pass-test.js';
import { runPipeline } from './run-pipeline.js';

const fc = { activation: 'none', keepNumDims: false, asymmetricQuantizeInputs: false };

/**
 * x → FC(w, no bias) → h → SOFTMAX → y, plus: an orphan constant before everything, a dead
 * RESHAPE of the input, and a dead FC → RELU chain hanging off h.
 */
function withDeadCode(): Graph {
  const b = new GraphBuilder('dead');
  b.constant('orphan', 'float32', [2], new Float32Array([1, 2]));
  const x = b.input('x', 'float32', [1, 4]);
  const shape = b.constant('shape', 'int32', [1], new Int32Array([4]));
  const flat = b.tensor('flat', 'float32', [4]);
  const w = b.constant('w', 'float32', [3, 4], randomData('float32', 12, 1));
  const h = b.tensor('h', 'float32', [1, 3]);
  const w2 = b.constant('w2', 'float32', [2, 3], randomData('float32', 6, 2));
  const d2 = b.tensor('d2', 'float32', [1, 2]);
  const d3 = b.tensor('d3', 'float32', [1, 2]);
  const y = b.tensor('y', 'float32', [1, 3]);
  return b
    .op('RESHAPE', {}, [x, shape], [flat])
    .op('FULLY_CONNECTED', fc, [x, w, -1], [h])
    .op('FULLY_CONNECTED', fc, [h, w2, -1], [d2])
    .op('RELU', {}, [d2], [d3])
    .op('SOFTMAX', { beta: 1 }, [h], [y])
    .output(y)
    .build();
}

function live(): Graph {
  const b = new GraphBuilder('dead');
  const x = b.input('x', 'float32', [1, 4]);
  const w = b.constant('w', 'float32', [3, 4], randomData('float32', 12, 1));
  const h = b.tensor('h', 'float32', [1, 3]);
  const y = b.tensor('y', 'float32', [1, 3]);
  return b
    .op('FULLY_CONNECTED', fc, [x, w, -1], [h])
    .op('SOFTMAX', { beta: 1 }, [h], [y])
    .output(y)
    .build();
}

describe('remove-dead-code', () => {
  it('removes ops and tensors no output depends on and renumbers the rest (outputs bit for bit)', async () => {
    const result = await checkPass({ passes: 'remove-dead-code', before: withDeadCode(), expected: live() });
    expect(result.log.map((entry) => entry.message)).toEqual(['removed 3 ops and 6 tensors']);
    expect(result.steps[0]).toMatchObject({ changed: true, opsBefore: 5, opsAfter: 2, tensorsBefore: 10, tensorsAfter: 4 });
  });

  it('keeps an unused graph input (the signature) and a tensor that is both input and output', async () => {
    const b = new GraphBuilder('passthrough');
    const x = b.input('x', 'float32', [2]);
    b.input('unused', 'float32', [3]);
    b.constant('orphan', 'float32', [1], new Float32Array([5]));
    const y = b.tensor('y', 'float32', [2]);
    const before = b.op('RELU', {}, [x], [y]).output(y, x).build();
    const e = new GraphBuilder('passthrough');
    const ex = e.input('x', 'float32', [2]);
    e.input('unused', 'float32', [3]);
    const ey = e.tensor('y', 'float32', [2]);
    const expected = e.op('RELU', {}, [ex], [ey]).output(ey, ex).build();
    await checkPass({ passes: 'remove-dead-code', before, expected });
  });

  it("keeps an op's intermediates (TFLite's int8 LSTM scales) and renumbers them with the rest", async () => {
    const b = new GraphBuilder('intermediates');
    b.constant('orphan', 'float32', [1], new Float32Array([5]));
    const x = b.input('x', 'float32', [2]);
    const scale = b.tensor('gate scale', 'int16', [0]);
    const y = b.tensor('y', 'float32', [2]);
    const before = b.op('RELU', {}, [x], [y]).output(y).build();
    before.ops[0] = { ...before.ops[0], intermediates: [scale] };
    const result = await runPipeline(before, ['remove-dead-code'], { validate: true });
    const after = result.graph;
    expect(after.tensors).toHaveLength(3);
    expect(after.ops[0].intermediates).toEqual([after.tensors.findIndex((tensor) => tensor.name === 'gate scale')]);
    expect(after.ops[0].intermediates).toEqual([1]);
  });

  it('returns its input itself when nothing is dead', async () => {
    const graph = live();
    const result = await runPipeline(graph, ['remove-dead-code'], { validate: true });
    expect(result.graph).toBe(graph);
    expect(result.steps[0].changed).toBe(false);
    expect(result.log).toEqual([]);
  });
});
