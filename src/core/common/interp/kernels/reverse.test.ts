import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { importModel } from '../../importers/index.js';
import type { Graph, Tensor } from '../../ir/types.js';
import { Interpreter } from '../interpreter.js';
import { bidirectionalLstm } from './testing/bidirectional-lstm.js';
import { sharedPath } from '../../../../../test/testing/shared-data.js';

function reverseGraph(shape: number[], axes: number[], dtype: Tensor['dtype'] = 'float32'): Graph {
  return {
    name: 'reverse',
    tensors: [
      { id: 0, name: 'x', shape, dtype },
      { id: 1, name: 'axis', shape: [axes.length], dtype: 'int32', data: Int32Array.from(axes) },
      { id: 2, name: 'y', shape, dtype },
    ],
    ops: [{ type: 'REVERSE_V2', inputs: [0, 1], outputs: [2], attrs: {} }],
    inputs: [0],
    outputs: [2],
  };
}

describe('REVERSE_V2', () => {
  it('moves int64 values whole, beyond the 2^53 a double holds', () => {
    const big = 2n ** 60n;
    const x = BigInt64Array.of(big + 1n, -big - 3n, 5n, big + 7n);
    const { outputs } = new Interpreter(reverseGraph([2, 2], [1], 'int64')).run([x]);
    expect(Array.from(outputs[0] as BigInt64Array)).toEqual([-big - 3n, big + 1n, big + 7n, 5n]);
  });

  it('reverses one axis, several axes, and negative axes', () => {
    const x = Float32Array.from({ length: 24 }, (_, i) => i);
    const run = (axes: number[]) => Array.from(new Interpreter(reverseGraph([2, 3, 4], axes)).run([x]).outputs[0] as Float32Array);
    const expected = (map: (a: number, b: number, c: number) => [number, number, number]) =>
      Array.from({ length: 24 }, (_, i) => {
        const [a, b, c] = map(Math.floor(i / 12), Math.floor(i / 4) % 3, i % 4);
        return a * 12 + b * 4 + c;
      });
    expect(run([1])).toEqual(expected((a, b, c) => [a, 2 - b, c]));
    expect(run([-1])).toEqual(expected((a, b, c) => [a, b, 3 - c]));
    expect(run([0, 2])).toEqual(expected((a, b, c) => [1 - a, b, 3 - c]));
  });

  it('refuses an axis outside the input, naming it', () => {
    expect(() => new Interpreter(reverseGraph([2, 3], [2])).run([new Float32Array(6)])).toThrow(/op 0 \(REVERSE_V2\): axis \[2\] must name distinct axes of the input's 2 dimensions/);
  });
});

describe('bidirectional LSTM (TFLite converter form: REVERSE_V2 around the backward LSTM)', () => {
  const graph = importModel(new Uint8Array(readFileSync(sharedPath('models/rnn/trained_lstm.tflite'))));
  const x = Float32Array.from({ length: 28 * 28 }, (_, i) => Math.sin(i * 0.37));
  const lstmOnly = (g: Graph): Graph => {
    const op = g.ops.find((candidate) => candidate.type === 'UNIDIRECTIONAL_SEQUENCE_LSTM')!;
    return { ...g, ops: [op], outputs: op.outputs };
  };
  const reverseSteps = (values: Float32Array, units: number) => {
    const steps = values.length / units;
    const out = new Float32Array(values.length);
    for (let t = 0; t < steps; t++) out.set(values.subarray(t * units, (t + 1) * units), (steps - 1 - t) * units);
    return out;
  };

  for (const join of ['concat', 'add'] as const) {
    it(`${join}: the forward LSTM joined with the LSTM of the reversed sequence, reversed back`, () => {
      const forward = new Interpreter(lstmOnly(graph)).run([x]).outputs[0] as Float32Array;
      const units = 20;
      const backward = reverseSteps(new Interpreter(lstmOnly(graph)).run([reverseSteps(x, 28)]).outputs[0] as Float32Array, units);
      const actual = new Interpreter(bidirectionalLstm(graph, join)).run([x]).outputs[0] as Float32Array;
      const expected = new Float32Array(join === 'concat' ? 2 * forward.length : forward.length);
      for (let t = 0; t < 28; t++) {
        for (let u = 0; u < units; u++) {
          if (join === 'concat') {
            expected[t * 2 * units + u] = forward[t * units + u];
            expected[t * 2 * units + units + u] = backward[t * units + u];
          } else {
            expected[t * units + u] = Math.fround(forward[t * units + u] + backward[t * units + u]);
          }
        }
      }
      expect(Array.from(actual)).toEqual(Array.from(expected));
      expect(Array.from(backward)).not.toEqual(Array.from(forward));
    });
  }
});

describe('bidirectional LSTM through .tflite', () => {
  it('REVERSE_V2 and both LSTMs are written and read back with the same int8 bytes', async () => {
    const { exportTflite } = await import('../../exporters/tflite/writer.js');
    const graph = bidirectionalLstm(importModel(new Uint8Array(readFileSync(sharedPath('models/rnn/trained_lstm_int8.tflite')))), 'concat');
    const back = importModel(exportTflite(graph));
    expect(back.ops.map((op) => op.type)).toEqual(['UNIDIRECTIONAL_SEQUENCE_LSTM', 'REVERSE_V2', 'UNIDIRECTIONAL_SEQUENCE_LSTM', 'REVERSE_V2', 'CONCATENATION']);
    const x = new Int8Array(new Uint8Array(readFileSync(sharedPath('vectors/trained_lstm_int8.input.bin'))).buffer);
    expect(Array.from(new Interpreter(back).run([x]).outputs[0] as Int8Array)).toEqual(Array.from(new Interpreter(graph).run([x]).outputs[0] as Int8Array));
  });
});
