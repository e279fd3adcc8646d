import { describe, expect, it } from 'vitest';
import type { Graph } from '../ir/types.js';
import { GraphBuilder, checkPass, perTensor } from './testing/pass-test.js';

const q = perTensor(0.05, -3);
const shrink = { beginMask: 0, endMask: 0, ellipsisMask: 0, newAxisMask: 0, shrinkAxisMask: 1, offset: false };

/** Keras's Flatten: SHAPE → STRIDED_SLICE (batch) → PACK with 48 → RESHAPE's target shape. */
function flatten(): Graph {
  const b = new GraphBuilder('flatten');
  const x = b.input('x', 'int8', [1, 4, 4, 3], q);
  const shape = b.tensor('shape', 'int32', [4]);
  const batch = b.tensor('batch', 'int32', []);
  const target = b.tensor('target', 'int32', [2]);
  const begin = b.constant('begin', 'int32', [1], Int32Array.of(0));
  const end = b.constant('end', 'int32', [1], Int32Array.of(1));
  const stride = b.constant('stride', 'int32', [1], Int32Array.of(1));
  const width = b.constant('width', 'int32', [], Int32Array.of(48));
  const y = b.tensor('y', 'int8', [1, 48], q);
  return b
    .op('SHAPE', {}, [x], [shape])
    .op('STRIDED_SLICE', shrink, [shape, begin, end, stride], [batch])
    .op('PACK', { axis: 0, valuesCount: 2 }, [batch, width], [target])
    .op('RESHAPE', {}, [x, target], [y])
    .output(y)
    .build();
}

describe('fold-static-shapes', () => {
  it('turns SHAPE into a constant; with fold-constants and remove-dead-code the Flatten is one RESHAPE', async () => {
    const b = new GraphBuilder('flatten');
    const x = b.input('x', 'int8', [1, 4, 4, 3], q);
    const target = b.constant('target', 'int32', [2], Int32Array.of(1, 48));
    const y = b.tensor('y', 'int8', [1, 48], q);
    const expected = b.op('RESHAPE', {}, [x, target], [y]).output(y).build();
    const result = await checkPass({ passes: ['fold-static-shapes', 'fold-constants', 'remove-dead-code'], before: flatten(), expected });
    expect(result.log.map((entry) => entry.message)).toContain('folded 1 SHAPE op into constants');
  });

  it('leaves a SHAPE that writes a graph output', async () => {
    const b = new GraphBuilder('shape');
    const x = b.input('x', 'float32', [2, 3]);
    const shape = b.tensor('shape', 'int32', [2]);
    const graph = b.op('SHAPE', {}, [x], [shape]).output(shape).build();
    await checkPass({ passes: 'fold-static-shapes', before: graph, expected: graph });
  });
});
