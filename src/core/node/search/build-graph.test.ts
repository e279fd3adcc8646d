/**
 * Every built-in family builds candidates that the interpreter runs, the training engine lowers
 * to the same outputs, and the quantizer turns into int8.
 */
import { describe, expect, it } from 'vitest';
import { Interpreter } from '../../common/interp/interpreter.js';
import { validateGraph } from '../../common/ir/validate.js';
import '../../common/passes/builtin-passes.js';
import { runPipeline } from '../../common/passes/run-pipeline.js';
import { buildCandidateGraph } from '../../common/search/build-graph.js';
import { seededRandom } from '../../common/search/random.js';
import { decodePoint, validateSpace, type Candidate, type SearchSpace } from '../../common/search/space.js';
import { builtinSpaces } from '../../common/search/spaces/index.js';
import { loadTrainingEngine } from '../train/engine.js';
import { lowerGraph } from '../train/lower.js';

const cases: { space: SearchSpace; candidate: Candidate; inputShape: number[]; classes: number }[] = [
  { space: builtinSpaces.lstm, candidate: { layers: 2, hidden: 16, window: 16, stride: 0.5, head: 8 }, inputShape: [1, 16, 3], classes: 3 },
  { space: builtinSpaces.lstm, candidate: { layers: 1, hidden: 8, window: 16, stride: 1, head: 0 }, inputShape: [1, 28, 28], classes: 10 },
  { space: builtinSpaces.gru, candidate: { layers: 2, hidden: 16, window: 16, stride: 0.5, head: 8 }, inputShape: [1, 16, 3], classes: 3 },
  { space: builtinSpaces.gru, candidate: { layers: 1, hidden: 8, window: 16, stride: 1, head: 0 }, inputShape: [1, 28, 28], classes: 10 },
  { space: builtinSpaces['ds-cnn'], candidate: { blocks: 2, channels: 8, growth: 2, firstKernel: 3, firstStride: 2, kernel: 3, downsample: 1 }, inputShape: [1, 49, 10, 1], classes: 12 },
  { space: builtinSpaces['ds-cnn'], candidate: { blocks: 3, channels: 8, growth: 1, firstKernel: 5, firstStride: 1, kernel: 5, downsample: 2 }, inputShape: [1, 32, 3], classes: 3 },
  { space: builtinSpaces.mlp, candidate: { layers: 2, width: 16, activation: 'tanh', conv: 8, window: 32, stride: 0.5 }, inputShape: [1, 32, 3], classes: 3 },
  { space: builtinSpaces.mlp, candidate: { layers: 1, width: 8, activation: 'relu6', conv: 0, window: 32, stride: 0.5 }, inputShape: [1, 28, 28], classes: 10 },
];

describe('candidate graphs', () => {
  it.each(cases.map((entry) => [`${entry.space.name} ${JSON.stringify(entry.candidate)} on [${entry.inputShape}]`, entry] as const))('%s: runs, lowers to the same outputs and quantizes', async (_, { space, candidate, inputShape, classes }) => {
    const graph = buildCandidateGraph(space, candidate, { inputShape, classes, seed: 2 });
    validateGraph(graph);
    expect(graph.tensors[graph.outputs[0]].shape).toEqual([1, classes]);
    const random = seededRandom(4);
    const size = inputShape.reduce((a, b) => a * b, 1);
    const input = Float32Array.from({ length: size }, () => 2 * random() - 1);
    const expected = new Interpreter(graph).run([input]).outputs[0] as Float32Array;
    expect(expected.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    const { tf } = await loadTrainingEngine('cpu');
    const lowered = lowerGraph(tf, graph);
    try {
      const actual = tf.tidy(() => lowered.forward(tf.tensor(input, inputShape)).dataSync() as Float32Array);
      for (let i = 0; i < classes; i++) expect(Math.abs(actual[i] - expected[i])).toBeLessThan(1e-5);
    } finally {
      lowered.dispose();
    }
    const calibration = { count: 4, sample: () => [input] };
    const int8 = (await runPipeline(graph, [{ pass: 'quantize-int8', options: { samples: 4 } }], { resources: { calibration } })).graph;
    expect(int8.tensors[int8.inputs[0]].dtype).toBe('int8');
  });

  it('the same seed gives the same weights; every decoded point of a space builds', () => {
    const a = buildCandidateGraph(builtinSpaces.lstm, cases[0].candidate, { inputShape: [1, 16, 3], classes: 3, seed: 9 });
    const b = buildCandidateGraph(builtinSpaces.lstm, cases[0].candidate, { inputShape: [1, 16, 3], classes: 3, seed: 9 });
    expect(b.tensors.map((t) => t.data && Array.from(t.data as Float32Array))).toEqual(a.tensors.map((t) => t.data && Array.from(t.data as Float32Array)));
    for (const space of [builtinSpaces['ds-cnn'], builtinSpaces.mlp, builtinSpaces.gru]) {
      for (const corner of [0, 0.999]) {
        const candidate = decodePoint(space, space.parameters.map(() => corner));
        validateGraph(buildCandidateGraph(space, candidate, { inputShape: [1, 49, 10, 1], classes: 12 }));
      }
    }
  });

  it('refuses malformed spaces by field', () => {
    expect(() => validateSpace({ name: 'x', family: 'rnn', parameters: [] }, 'x.json')).toThrow('x.json: "family" "rnn" is not one of lstm, gru, ds-cnn, mlp');
    expect(() => validateSpace({ name: 'x', family: 'mlp', parameters: [{ name: 'a', type: 'integer', min: 3, max: 1 }] }, 'x.json')).toThrow(/min 3 and max 1/);
    expect(() => validateSpace({ name: 'x', family: 'mlp', parameters: [{ name: 'a', type: 'categorical', choices: [] }] }, 'x.json')).toThrow(/non-empty list/);
  });
});
