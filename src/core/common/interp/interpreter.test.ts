import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { sharedModels } from '../../../../test/testing/shared-data.js';
import { InterpreterError } from '../errors.js';
import { importModel } from '../importers/index.js';
import { bytesOf } from '../ir/tensor.js';
import { Interpreter } from './interpreter.js';

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
