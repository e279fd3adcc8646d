import { describe, expect, it } from 'vitest';
import type { Graph, Op, Tensor } from '../../ir/types.js';
import { linearPlanner } from './greedy.js';
import { planGraphMemory } from './graph-plan.js';
import { lifetimesOverlap } from './planner.js';

function tensor(id: number, shape: number[], extra: Partial<Tensor> = {}): Tensor {
  return { id, name: `t${id}`, shape, dtype: 'int8', ...extra };
}
const weights = (id: number, count: number): Tensor => tensor(id, [count], { data: new Int8Array(count) });
const op = (type: string, inputs: number[], outputs: number[]): Op => ({ type, inputs, outputs, attrs: {} }) as Op;

/** Checks the planner's central promise on a graph: tensors live at the same step never share bytes unless planned in place. */
function expectNoClobbering(graph: Graph, plan: ReturnType<typeof planGraphMemory>) {
  const shared = new Set(plan.inPlace.flatMap((d) => [`${d.input}:${d.output}`, `${d.output}:${d.input}`]));
  const spans = plan.buffers;
  expect(spans.length).toBeGreaterThan(0);
  const ids = [...plan.tensorOffsets.keys()];
  for (const a of ids) {
    for (const b of ids) {
      if (a >= b || shared.has(`${a}:${b}`)) continue;
      const bufferA = spans.find((s) => s.key === `t${a}`);
      const bufferB = spans.find((s) => s.key === `t${b}`);
      if (!bufferA || !bufferB || !lifetimesOverlap(bufferA, bufferB)) continue;
      const [oa, ob] = [plan.tensorOffsets.get(a)!, plan.tensorOffsets.get(b)!];
      const [sa, sb] = [graph.tensors[a].shape.reduce((x, y) => x * y, 1), graph.tensors[b].shape.reduce((x, y) => x * y, 1)];
      expect(oa + sa <= ob || ob + sb <= oa, `tensors ${a} and ${b} overlap`).toBe(true);
    }
  }
}

describe('planGraphMemory', () => {
  it('aliases a reshape output to its input and emits both at one offset', () => {
    // 0 -CONV(w1)-> 2 -RESHAPE-> 3 -FC(w4)-> 5
    const graph: Graph = {
      name: 'reshape',
      tensors: [tensor(0, [1, 4, 4, 2]), weights(1, 16), tensor(2, [1, 4, 4, 8]), tensor(3, [1, 128]), weights(4, 1280), tensor(5, [1, 10])],
      ops: [op('CONV_2D', [0, 1], [2]), op('RESHAPE', [2], [3]), op('FULLY_CONNECTED', [3, 4], [5])],
      inputs: [0],
      outputs: [5],
    };
    const plan = planGraphMemory(graph);
    expect(plan.inPlace).toEqual([{ opIndex: 1, kind: 'alias', output: 3, input: 2 }]);
    expect(plan.tensorOffsets.get(3)).toBe(plan.tensorOffsets.get(2));
    expect(plan.tensorOffsets.has(1)).toBe(false);
    expect(plan.arenaBytes).toBe(128 + 32);
    expectNoClobbering(graph, plan);
  });

  it('lets ADD overwrite an input that dies at the add, but never a graph output or a later-read input', () => {
    // residual: 0 -CONV-> 2 -CONV-> 4; 6 = ADD(2, 4); 7 = CONV(6) ; output 7 and 2? no: outputs [7]
    const residual: Graph = {
      name: 'residual',
      tensors: [
        tensor(0, [1, 8, 8, 4]),
        weights(1, 16),
        tensor(2, [1, 8, 8, 4]),
        weights(3, 16),
        tensor(4, [1, 8, 8, 4]),
        weights(5, 16),
        tensor(6, [1, 8, 8, 4]),
        tensor(7, [1, 8, 8, 4]),
      ],
      ops: [op('CONV_2D', [0, 1], [2]), op('CONV_2D', [2, 3], [4]), op('ADD', [2, 4], [6]), op('CONV_2D', [6, 5], [7])],
      inputs: [0],
      outputs: [7],
    };
    const plan = planGraphMemory(residual);
    expect(plan.inPlace).toEqual([{ opIndex: 2, kind: 'overwrite', output: 6, input: 2 }]);
    expect(plan.tensorOffsets.get(6)).toBe(plan.tensorOffsets.get(2));
    expect(plan.arenaBytes).toBe(2 * 256);
    expectNoClobbering(residual, plan);

    // The same graph where tensor 2 is also a graph output: 2 must survive, so the add writes into 4.
    const keep2 = { ...residual, outputs: [7, 2] };
    const planKeep = planGraphMemory(keep2);
    expect(planKeep.inPlace).toEqual([{ opIndex: 2, kind: 'overwrite', output: 6, input: 4 }]);
    expectNoClobbering(keep2, planKeep);

    // And when tensor 4 is read again after the add, only tensor 2 may be overwritten; with 2 kept too, nothing.
    const reread: Graph = {
      ...keep2,
      tensors: [...residual.tensors, tensor(8, [1, 8, 8, 4])],
      ops: [...residual.ops, op('ADD', [7, 4], [8])],
      outputs: [8, 2],
    };
    const planReread = planGraphMemory(reread);
    expect(planReread.inPlace.filter((d) => d.opIndex === 2)).toEqual([]);
    expectNoClobbering(reread, planReread);
  });

  it('does not overwrite an input read twice by the same op', () => {
    const graph: Graph = {
      name: 'square',
      tensors: [tensor(0, [16]), tensor(1, [16]), tensor(2, [16])],
      ops: [op('RELU', [0], [1]), op('MUL', [1, 1], [2])],
      inputs: [0],
      outputs: [2],
    };
    const plan = planGraphMemory(graph);
    expect(plan.inPlace).toEqual([{ opIndex: 0, kind: 'overwrite', output: 1, input: 0 }]);
    expect(plan.tensorOffsets.get(2)).not.toBe(plan.tensorOffsets.get(1));
  });

  it('keeps variable state for the whole run and plans kernel scratch at its op', () => {
    const graph: Graph = {
      name: 'state',
      tensors: [tensor(0, [64]), tensor(1, [32], { variable: true, dtype: 'int16' }), tensor(2, [64]), tensor(3, [64])],
      ops: [op('UNIDIRECTIONAL_SEQUENCE_LSTM', [0, 1], [2]), op('RELU', [2], [3])],
      inputs: [0],
      outputs: [3],
    };
    const plan = planGraphMemory(graph, { scratchBytes: [100, 0] });
    const state = plan.buffers.find((b) => b.key === 't1')!;
    expect(state).toMatchObject({ size: 64, firstUse: 0, lastUse: 1 });
    expect(plan.stateBytes).toBe(64);
    expect(plan.scratch.get(0)).toEqual({ offset: expect.any(Number), bytes: 100 });
    expect(plan.scratch.has(1)).toBe(false);
    // step 0: input 64 + state 64 + output 64 + scratch 100 (each aligned to 16)
    expect(plan.peakLiveBytes).toBe(64 + 64 + 64 + 112);
    expect(plan.arenaBytes).toBe(plan.peakLiveBytes);
  });

  it('plans every tensor apart without in-place reuse and with the linear planner', () => {
    const graph: Graph = {
      name: 'chain',
      tensors: [tensor(0, [10]), tensor(1, [10]), tensor(2, [10])],
      ops: [op('RELU', [0], [1]), op('RELU', [1], [2])],
      inputs: [0],
      outputs: [2],
    };
    expect(planGraphMemory(graph).arenaBytes).toBe(16);
    expect(planGraphMemory(graph, { inPlace: false }).arenaBytes).toBe(32);
    expect(planGraphMemory(graph, { inPlace: false, planner: linearPlanner }).arenaBytes).toBe(48);
  });

  it('overlaps a depthwise output with the input it has finished reading', () => {
    // 0 -DW 3x3-> 2 -DW 3x3-> 4: each 16x16x32 int8 (8 KiB); separately the middle step needs 16 KiB.
    const dw = (input: number, filter: number, output: number): Op =>
      ({
        type: 'DEPTHWISE_CONV_2D',
        inputs: [input, filter],
        outputs: [output],
        attrs: { padding: 'same', strideH: 1, strideW: 1, dilationH: 1, dilationW: 1, activation: 'none', depthMultiplier: 1 },
      }) as Op;
    const graph: Graph = {
      name: 'depthwise',
      tensors: [tensor(0, [1, 16, 16, 32]), tensor(1, [1, 3, 3, 32], { data: new Int8Array(288) }), tensor(2, [1, 16, 16, 32]), tensor(3, [1, 3, 3, 32], { data: new Int8Array(288) }), tensor(4, [1, 16, 16, 32])],
      ops: [dw(0, 1, 2), dw(2, 3, 4)],
      inputs: [0],
      outputs: [4],
    };
    const plan = planGraphMemory(graph);
    const shifts = plan.inPlace.filter((decision) => decision.kind === 'shift');
    expect(shifts.length).toBeGreaterThan(0);
    for (const shift of shifts) {
      expect(plan.tensorOffsets.get(shift.output)).toBe(plan.tensorOffsets.get(shift.input)! + shift.delta!);
      expect(shift.delta).toBe(-(16 + 2) * 32);
    }
    expect(plan.arenaBytes).toBeLessThan(planGraphMemory(graph, { overlap: false }).arenaBytes);
    expect(plan.arenaBytes).toBeLessThanOrEqual(8192 + 2 * 18 * 32);
    expect(planGraphMemory(graph, { overlap: false }).inPlace).toEqual([]);
    // Ops whose kernel calls write out of order (OpLowering.outputApart) keep their outputs apart.
    const shiftedOps = (outputApart: boolean[]) => planGraphMemory(graph, { outputApart }).inPlace.filter((decision) => decision.kind === 'shift').map((decision) => decision.opIndex);
    expect(shiftedOps([true, true])).toEqual([]);
    expect(shiftedOps([true, false])).not.toContain(0);
    expect(shiftedOps([false, true])).not.toContain(1);
    expect(shiftedOps([false, false])).toEqual(shifts.map((decision) => decision.opIndex));
  });

  it('refuses a dynamic shape naming the tensor', () => {
    const graph: Graph = {
      name: 'dynamic',
      tensors: [tensor(0, [-1, 4]), tensor(1, [-1, 4])],
      ops: [op('RELU', [0], [1])],
      inputs: [0],
      outputs: [1],
    };
    expect(() => planGraphMemory(graph)).toThrow(/tensor 0 \(t0\) has shape \[-1,4\]/);
  });
});
