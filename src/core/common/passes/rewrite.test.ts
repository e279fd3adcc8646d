import { describe, expect, it } from 'vitest';
import { PassError } from '../errors.js';
import { printGraph } from '../ir/print.js';
import type { Graph, Op } from '../ir/types.js';
import { GraphBuilder, deepFreeze } from './testing/pass-test.js';
import { GraphEditor, type RewriteRule, applyRewriteRules } from './rewrite.js';

/** x → RELU → a → RELU6 → b → TANH → c (output), with a also read by the TANH's sibling LOGISTIC → d (output). */
function chain(): Graph {
  const b = new GraphBuilder('chain');
  const x = b.input('x', 'float32', [2]);
  const a = b.tensor('a', 'float32', [2]);
  const t = b.tensor('b', 'float32', [2]);
  const c = b.tensor('c', 'float32', [2]);
  const d = b.tensor('d', 'float32', [2]);
  return deepFreeze(
    b
      .op('RELU', {}, [x], [a])
      .op('RELU6', {}, [a], [t])
      .op('TANH', {}, [t], [c])
      .op('LOGISTIC', {}, [a], [d])
      .output(c, d)
      .build(),
  );
}

const context = { signal: new AbortController().signal, log: () => {} };

describe('GraphEditor', () => {
  it('answers producer and consumer queries and keeps them current through edits', () => {
    const graph = chain();
    const editor = new GraphEditor(graph);
    expect(editor.producer(1)).toBe(0);
    expect(editor.consumers(1)).toEqual([1, 3]);
    expect(editor.isGraphOutput(3) && editor.isGraphInput(0) && !editor.isConstant(1)).toBe(true);
    // Drop the RELU6: the TANH reads a directly.
    editor.removeOp(1);
    editor.replaceUses(2, 1);
    expect(editor.op(1)).toBeUndefined();
    expect(editor.consumers(1)).toEqual([2, 3]);
    expect(editor.producer(2)).toBeUndefined();
    const id = editor.addTensor({ name: 'k', dtype: 'float32', shape: [2], data: new Float32Array(2) });
    expect(id).toBe(5);
    expect(editor.isConstant(id)).toBe(true);
    const result = editor.toGraph();
    expect(result.ops.map((op) => `${op.type}(${op.inputs})`)).toEqual(['RELU(0)', 'TANH(1)', 'LOGISTIC(1)']);
    expect(result.tensors).toHaveLength(6);
    expect(printGraph(graph)).toBe(printGraph(chain()));
  });

  it('gives back the input graph itself when nothing was edited, and refuses edits of a removed op', () => {
    const graph = chain();
    const editor = new GraphEditor(graph);
    expect(editor.toGraph()).toBe(graph);
    editor.removeOp(0);
    expect(() => editor.replaceOp(0, graph.ops[0])).toThrow(new PassError('op 0 was removed or does not exist'));
    expect(() => editor.tensor(9)).toThrow(new PassError('tensor 9 does not exist (graph has 5 tensors)'));
  });
});

describe('applyRewriteRules', () => {
  it('tries only the rules of an op type, sweeps until nothing changes, and counts applications', () => {
    const tried: string[] = [];
    // Turns RELU6 into RELU, then a RELU reading a RELU's output into a copy of its input: needs two sweeps.
    const relu6ToRelu: RewriteRule = {
      name: 'relu6-to-relu',
      opTypes: ['RELU6'],
      match: (_, index) => (tried.push(`relu6-to-relu ${index}`), true),
      apply: (editor, index) => (editor.replaceOp(index, { ...editor.op(index)!, type: 'RELU' } as Op), true),
    };
    const reluOfRelu: RewriteRule = {
      name: 'relu-of-relu',
      opTypes: ['RELU'],
      match: (graph, index) => {
        tried.push(`relu-of-relu ${index}`);
        const producer = graph.producer(graph.op(index)!.inputs[0]);
        return producer !== undefined && graph.op(producer)!.type === 'RELU';
      },
      apply: (editor, index) => {
        const op = editor.op(index)!;
        editor.removeOp(index);
        editor.replaceUses(op.outputs[0], op.inputs[0]);
        return true;
      },
    };
    const logged: string[] = [];
    const { graph, counts } = applyRewriteRules(chain(), [reluOfRelu, relu6ToRelu], { ...context, log: (message) => logged.push(message) });
    expect(graph.ops.map((op) => `${op.type}(${op.inputs})`)).toEqual(['RELU(0)', 'TANH(1)', 'LOGISTIC(1)']);
    expect([...counts]).toEqual([
      ['relu6-to-relu', 1],
      ['relu-of-relu', 1],
    ]);
    expect(logged).toEqual(['relu6-to-relu ×1, relu-of-relu ×1']);
    expect(tried).toEqual(['relu-of-relu 0', 'relu6-to-relu 1', 'relu-of-relu 0', 'relu-of-relu 1', 'relu-of-relu 0']);
  });

  it('stops rules that undo each other with a PassError naming them', () => {
    const flip = (from: string, to: string): RewriteRule => ({
      name: `${from}-to-${to}`.toLowerCase(),
      opTypes: [from],
      match: () => true,
      apply: (editor, index) => (editor.replaceOp(index, { ...editor.op(index)!, type: to } as Op), true),
    });
    expect(() => applyRewriteRules(chain(), [flip('TANH', 'LOGISTIC'), flip('LOGISTIC', 'TANH')], context)).toThrow(
      new PassError('rules still changing the graph after 64 sweeps: logistic-to-tanh, tanh-to-logistic'),
    );
  });
});
