import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { sharedModels } from '../../../../test/testing/shared-data.js';
import { InterpreterError } from '../errors.js';
import { importModel } from '../importers/index.js';
import { bytesOf } from '../ir/tensor.js';
import type { Graph, Op } from '../ir/types.js';
import { DEFAULT_MEMORY_BUDGET_BYTES, Interpreter } from './interpreter.js';

const graph = importModel(new Uint8Array(readFileSync(sharedModels.kws_ref_model)), 'kws_ref_model.tflite');
const input = Int8Array.from({ length: 490 }, (_, i) => ((i * 37) % 256) - 128);

describe('Interpreter.runUpTo', () => {
  it('stops after the last op asked for, with the same values as a full run up to there', () => {
    const full = new Interpreter(graph).run([input], { keepIntermediates: true }).tensors!;
    const phases: string[] = [];
    const partial = new Interpreter(graph).runUpTo([input], 3, (op, phase) => phases.push(`${op}${phase[0]}`));
    expect(phases).toEqual(['0b', '0e', '1b', '1e', '2b', '2e', '3b', '3e']);
    for (const op of graph.ops.slice(0, 4)) {
      for (const id of op.outputs) expect(bytesOf(partial.get(id)!)).toEqual(bytesOf(full.get(id)!));
    }
    // Op 4 never ran: its output has no value in a fresh interpreter.
    expect(partial.has(graph.ops[4].outputs[0])).toBe(false);
  });

  it('refuses a last op outside the graph', () => {
    expect(() => new Interpreter(graph).runUpTo([input], graph.ops.length, () => undefined)).toThrow(InterpreterError);
    expect(() => new Interpreter(graph).runUpTo([input], 13)).toThrow('last op 13 is outside the graph\'s 13 ops');
  });
});

/** x → RELU → y → RELU → z, float32 [1,n]: the plan is three tensors of 4n bytes. */
function reluChain(n: number): Graph {
  const tensor = (id: number, name: string) => ({ id, name, dtype: 'float32' as const, shape: [1, n] });
  return {
    name: 'chain',
    tensors: [tensor(0, 'x'), tensor(1, 'y'), tensor(2, 'z')],
    ops: [{ type: 'RELU', inputs: [0], outputs: [1], attrs: {} } as Op, { type: 'RELU', inputs: [1], outputs: [2], attrs: {} } as Op],
    inputs: [0],
    outputs: [2],
  };
}

/** The InterpreterError `action` throws. */
function thrown(action: () => unknown): InterpreterError {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(InterpreterError);
    return error as InterpreterError;
  }
  throw new Error('nothing was thrown');
}

describe('Interpreter: what it refuses before allocating', () => {
  it('checks the bytes of its non-constant tensors against a memory budget', () => {
    expect(DEFAULT_MEMORY_BUDGET_BYTES).toBe(2 ** 30);
    expect(new Interpreter(reluChain(4), { memoryBudgetBytes: 48 }).run([new Float32Array([-1, 2, -3, 4])]).outputs[0]).toEqual(new Float32Array([0, 2, 0, 4]));
    const small = thrown(() => new Interpreter(reluChain(4), { memoryBudgetBytes: 47 }));
    expect(small.message).toBe(
      "graph chain needs 48 bytes for its inputs, activations and outputs, more than the interpreter's memory budget of 47 bytes " +
        '(largest: tensor 0 (x) float32 [1,4] = 16 bytes)',
    );
    // Three tensors of 400 MiB: the default budget refuses them without allocating a byte.
    const large = thrown(() => new Interpreter(reluChain(100 * 2 ** 20)));
    expect(large.message).toContain('needs 1258291200 bytes');
    expect(large.data).toEqual({ bytes: 1258291200, budget: 2 ** 30, tensor: 0 });
  });

  it('refuses a graph without outputs and an op without outputs, naming them', () => {
    expect(thrown(() => new Interpreter({ ...reluChain(4), outputs: [] })).message).toBe('graph chain has no outputs: there is nothing to run');
    const graph = reluChain(4);
    const ops = [graph.ops[0], { ...graph.ops[1], outputs: [] }];
    expect(thrown(() => new Interpreter({ ...graph, ops, outputs: [1] })).message).toBe('op 1 (RELU) has no outputs');
  });

  it('escapes control characters of tensor names in its messages', () => {
    const graph = reluChain(4);
    graph.tensors[0] = { ...graph.tensors[0], name: 'x\x1b]0;pwned\x07\nerror: forged' };
    expect(() => new Interpreter(graph).run([new Float32Array(3)])).toThrow(
      'input 0 (x\\x1b]0;pwned\\x07\\nerror: forged) has shape [1,4] = 4 elements, got 3',
    );
  });
});
