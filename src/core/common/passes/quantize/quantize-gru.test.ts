import { describe, expect, it } from 'vitest';
import { generateModel } from '../../codegen/index.js';
import { Interpreter } from '../../interp/interpreter.js';
import { floatGruGraph, gruWeights, referenceGru, seededRandom, type GruSpec } from '../../interp/kernels/testing/gru-model.js';
import type { Graph } from '../../ir/types.js';
import { gruOpType } from '../../ops/gru-layout.js';
import type { CalibrationData } from '../pass.js';
import { runPipeline } from '../run-pipeline.js';

const spec: GruSpec = {
  batch: 1,
  time: 8,
  inputSize: 12,
  units: 16,
  seed: 21,
  linearBeforeReset: true,
  timeMajor: false,
  reverse: false,
  returnSequences: true,
  recurrentNBias: true,
};

function sample(seed: number): Float32Array {
  const random = seededRandom(seed);
  return Float32Array.from({ length: spec.batch * spec.time * spec.inputSize }, () => (random() * 2 - 1) * 1.5);
}

const calibration: CalibrationData = { count: 32, sample: (index) => [sample(100 + index)] };

async function quantized(graph: Graph, options: Record<string, string | number | boolean> = {}): Promise<Graph> {
  return (await runPipeline(graph, [{ pass: 'quantize-int8', options }], { validate: true, resources: { calibration } })).graph;
}

describe('quantize-int8 on TD_GRU', () => {
  for (const linearBeforeReset of [true, false]) {
    it(`linear_before_reset ${linearBeforeReset}: int8 weights, int32 biases, Q0.15 int16 state; close to float on seeded inputs`, async () => {
      const gruSpec = { ...spec, linearBeforeReset, recurrentNBias: linearBeforeReset };
      const weights = gruWeights(gruSpec);
      const graph = await quantized(floatGruGraph(gruSpec, weights), { io: 'float32' });
      const op = graph.ops.find((candidate) => candidate.type === gruOpType)!;
      const tensor = (slot: number) => graph.tensors[op.inputs[slot]];
      expect(tensor(0).dtype).toBe('int8');
      expect([1, 2, 3, 4, 5, 6].map((slot) => tensor(slot).dtype)).toEqual(Array(6).fill('int8'));
      expect([7, 8, 9].map((slot) => tensor(slot).dtype)).toEqual(Array(3).fill('int32'));
      expect(tensor(11)).toMatchObject({ dtype: 'int16', variable: true, quantization: { scale: [2 ** -15], zeroPoint: [0] } });
      expect(graph.tensors[op.outputs[0]].dtype).toBe('int8');
      // The quantized graph lowers to C.
      expect(() => generateModel(graph, { modelName: 'gru' })).not.toThrow();

      let worst = 0;
      for (let seed = 1; seed <= 4; seed++) {
        const x = sample(seed);
        const actual = new Interpreter(graph).run([x]).outputs[0] as Float32Array;
        const expected = referenceGru(gruSpec, weights, x);
        worst = Math.max(worst, ...Array.from(actual, (v, i) => Math.abs(v - expected[i])));
      }
      // Output step ≈ 2/255; weights and input rounding over 8 steps add a few steps.
      expect(worst).toBeLessThan(0.03);
      expect(worst).toBeGreaterThan(0);
    });
  }
});
