import { encode, toObject } from 'flatbuffers/mjs/flexbuffers.js';
import { describe, expect, it } from 'vitest';
import { importModel } from '../../importers/index.js';
import { Interpreter } from '../../interp/interpreter.js';
import { bidirectionalGru, floatGruGraph, gruWeights, seededRandom, type GruSpec } from '../../interp/kernels/testing/gru-model.js';
import type { Graph } from '../../ir/types.js';
import { decodeGruOptions, encodeGruOptions } from '../../ops/gru-custom-options.js';
import { exportTflite } from './writer.js';

const fail = (message: string): never => {
  throw new Error(message);
};

describe('TD_GRU custom options in .tflite', () => {
  it('agrees with the flatbuffers package\'s FlexBuffers both ways', () => {
    const attrs = { linearBeforeReset: true, timeMajor: true, reverse: false, returnSequences: true };
    const ours = encodeGruOptions(attrs);
    expect(toObject(ours.slice().buffer)).toEqual({ linear_before_reset: true, return_sequences: true, reverse: false, time_major: true });
    const theirs = encode({ time_major: false, reverse: true, linear_before_reset: false, return_sequences: false });
    expect(decodeGruOptions(theirs, fail)).toEqual({ linearBeforeReset: false, timeMajor: false, reverse: true, returnSequences: false });
  });

});

describe('TD_GRU through .tflite', () => {
  const spec: GruSpec = { batch: 1, time: 4, inputSize: 5, units: 6, seed: 2, linearBeforeReset: true, timeMajor: false, reverse: true, returnSequences: false, recurrentNBias: true };
  const roundTrip = (graph: Graph) => importModel(exportTflite(graph));

  it('float: written as custom op TD_GRU, read back with its attributes, same outputs', () => {
    const graph = floatGruGraph(spec, gruWeights(spec));
    const back = roundTrip(graph);
    expect(back.ops.map((op) => [op.type, op.attrs])).toEqual(graph.ops.map((op) => [op.type, op.attrs]));
    const random = seededRandom(3);
    const x = Float32Array.from({ length: 20 }, () => random() * 2 - 1);
    expect(Array.from(new Interpreter(back).run([x]).outputs[0] as Float32Array)).toEqual(Array.from(new Interpreter(graph).run([x]).outputs[0] as Float32Array));
  });

  it('int8 bidirectional: the same bytes after the round trip', () => {
    const graph = bidirectionalGru({ ...spec, returnSequences: true }, 'concat');
    const back = roundTrip(graph);
    expect(back.ops.map((op) => op.type)).toEqual(['TD_GRU', 'TD_GRU', 'CONCATENATION']);
    const x = Int8Array.from({ length: 20 }, (_, i) => (i * 37) % 256 - 128);
    expect(Array.from(new Interpreter(back).run([x]).outputs[0] as Int8Array)).toEqual(Array.from(new Interpreter(graph).run([x]).outputs[0] as Int8Array));
  });
});
