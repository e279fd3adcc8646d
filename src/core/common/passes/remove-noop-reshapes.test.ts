import { describe, expect, it } from 'vitest';
import type { Graph } from '../ir/types.js';
import { GraphBuilder, checkPass, perTensor, randomData } from './testing/pass-test.js';

const fc = { activation: 'none', keepNumDims: false, asymmetricQuantizeInputs: false };

describe('remove-noop-reshapes', () => {
  it('collapses a chain of reshapes into the last one (outputs bit for bit)', async () => {
    const build = (collapsed: boolean): Graph => {
      const b = new GraphBuilder('chain');
      const x = b.input('x', 'float32', [1, 4, 4, 2]);
      const flat = b.tensor('flat', 'float32', [32]);
      const shape = b.constant('shape', 'int32', [2], new Int32Array([2, 16]));
      const rows = b.tensor('rows', 'float32', [2, 16]);
      const y = b.tensor('y', 'float32', [2, 16]);
      if (!collapsed) b.op('RESHAPE', { newShape: [32] }, [x], [flat]);
      return b
        .op('RESHAPE', { newShape: [2, 16] }, [collapsed ? x : flat, shape], [rows])
        .op('SOFTMAX', { beta: 1 }, [rows], [y])
        .output(y)
        .build();
    };
    const result = await checkPass({ passes: 'remove-noop-reshapes', before: build(false), expected: build(true) });
    expect(result.log.map((entry) => entry.message)).toEqual(['collapse-reshape-chain ×1']);
  });

  it('removes a reshape to the same shape: readers read its input', async () => {
    const build = (removed: boolean): Graph => {
      const b = new GraphBuilder('identity');
      const x = b.input('x', 'float32', [1, 6]);
      const w = b.constant('w', 'float32', [8, 6], randomData('float32', 48, 1));
      const h = b.tensor('h', 'float32', [1, 8]);
      const same = b.tensor('same', 'float32', [1, 8]);
      const y = b.tensor('y', 'float32', [1, 8]);
      b.op('FULLY_CONNECTED', fc, [x, w, -1], [h]);
      if (!removed) b.op('RESHAPE', {}, [h], [same]);
      return b
        .op('SOFTMAX', { beta: 1 }, [removed ? h : same], [y])
        .output(y)
        .build();
    };
    await checkPass({ passes: 'remove-noop-reshapes', before: build(false), expected: build(true) });
  });

  it('keeps the name of a graph output: the producer writes the output tensor instead (int8, exact)', async () => {
    const q = perTensor(0.1, -4);
    const build = (removed: boolean): Graph => {
      const b = new GraphBuilder('output');
      const x = b.input('x', 'int8', [1, 6], perTensor(0.05, 2));
      const w = b.constant('w', 'int8', [8, 6], randomData('int8', 48, 2, -127, 127), perTensor(0.02));
      const h = b.tensor('h', 'int8', [1, 8], q);
      const y = b.tensor('y', 'int8', [1, 8], q);
      const z = b.tensor('z', 'int8', [1, 8], q);
      if (removed) {
        b.op('FULLY_CONNECTED', fc, [x, w, -1], [y]).op('RELU', {}, [y], [z]);
      } else {
        b.op('FULLY_CONNECTED', fc, [x, w, -1], [h]).op('RELU', {}, [h], [z]).op('RESHAPE', {}, [h], [y]);
      }
      return b.output(y, z).build();
    };
    await checkPass({ passes: 'remove-noop-reshapes', before: build(false), expected: build(true) });
  });

  it('removes a chain that comes back to the input shape (collapse, then identity)', async () => {
    const q = perTensor(0.05, 1);
    const build = (removed: boolean): Graph => {
      const b = new GraphBuilder('round-trip');
      const x = b.input('x', 'int8', [1, 2, 2, 3], q);
      const flat = b.tensor('flat', 'int8', [12], q);
      const back = b.tensor('back', 'int8', [1, 2, 2, 3], q);
      const y = b.tensor('y', 'int8', [1, 2, 2, 3], q);
      if (!removed) b.op('RESHAPE', {}, [x], [flat]).op('RESHAPE', {}, [flat], [back]);
      return b
        .op('RELU', {}, [removed ? x : back], [y])
        .output(y)
        .build();
    };
    const result = await checkPass({ passes: 'remove-noop-reshapes', before: build(false), expected: build(true) });
    expect(result.log.map((entry) => entry.message)).toEqual(['collapse-reshape-chain ×1, remove-identity-reshape ×1']);
  });

  it('keeps a same-shape reshape that changes the quantization, and one from a graph input to a graph output', async () => {
    const b = new GraphBuilder('kept');
    const x = b.input('x', 'int8', [1, 8], perTensor(0.1, 0));
    const relabelled = b.tensor('relabelled', 'int8', [1, 8], perTensor(0.2, 0));
    const y = b.tensor('y', 'int8', [1, 8], perTensor(0.2, 0));
    const passthrough = b.tensor('passthrough', 'int8', [1, 8], perTensor(0.1, 0));
    const before = b
      .op('RESHAPE', {}, [x], [relabelled])
      .op('RELU', {}, [relabelled], [y])
      .op('RESHAPE', {}, [x], [passthrough])
      .output(y, passthrough)
      .build();
    const result = await checkPass({ passes: 'remove-noop-reshapes', before, expected: before });
    expect(result.graph).toBe(before);
  });
});
